import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deflateSync } from 'node:zlib';
import { ByteReader } from '../../src/core/dwarf/byte-reader';
import { joinDwarfPath } from '../../src/core/dwarf/dwarf-path';
import { DwarfError } from '../../src/core/dwarf/dwarf-error';
import { readFunctionLocations } from '../../src/core/dwarf/function-locations';
import { readUnitHeader } from '../../src/core/dwarf/unit-header';

/**
 * The built-in DWARF reader on small hand-assembled binaries (the e2e suite checks it against
 * llvm-dwarfdump on real rustc and gcc output): every byte here follows the DWARF 4/5 and ELF
 * specifications, so a mistake in the reader shows up as a wrong or missing location.
 */

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}
const u16 = (n: number): number[] => [n & 0xff, (n >> 8) & 0xff];
const u32 = (n: number): number[] => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
const u64 = (n: number): number[] => [...u32(n), ...u32(Math.floor(n / 2 ** 32))];
const cstr = (s: string): number[] => [...Buffer.from(s, 'utf8'), 0];

interface Section {
  name: string;
  data: Buffer;
  type?: number;
  flags?: number;
  link?: number;
  entsize?: number;
}

/** A minimal ELF64 little-endian file holding `sections` (plus the null section and .shstrtab). */
function elf(sections: Section[]): Buffer {
  const all: Section[] = [{ name: '', data: Buffer.alloc(0), type: 0 }, ...sections];
  const shstr: number[] = [0];
  const nameOffsets = all.map((s) => {
    if (!s.name) return 0;
    const at = shstr.length;
    shstr.push(...cstr(s.name));
    return at;
  });
  const shstrtabName = shstr.length;
  shstr.push(...cstr('.shstrtab'));
  all.push({ name: '.shstrtab', data: Buffer.from(shstr), type: 3 });
  nameOffsets.push(shstrtabName);
  const chunks: Buffer[] = [Buffer.alloc(64)];
  let offset = 64;
  const offsets = all.map((s) => {
    const at = offset;
    chunks.push(s.data);
    offset += s.data.length;
    return at;
  });
  const shoff = offset;
  for (let i = 0; i < all.length; i++) {
    const s = all[i]!;
    const h = Buffer.alloc(64);
    h.writeUInt32LE(nameOffsets[i]!, 0);
    h.writeUInt32LE(s.type ?? 1, 4);
    h.writeBigUInt64LE(BigInt(s.flags ?? 0), 8);
    h.writeBigUInt64LE(BigInt(offsets[i]!), 0x18);
    h.writeBigUInt64LE(BigInt(s.data.length), 0x20);
    h.writeUInt32LE(s.link ?? 0, 0x28);
    h.writeBigUInt64LE(BigInt(s.entsize ?? 0), 0x38);
    chunks.push(h);
  }
  const header = chunks[0]!;
  header.writeUInt32BE(0x7f454c46, 0);
  header[4] = 2; // 64-bit
  header[5] = 1; // little-endian
  header[6] = 1;
  header.writeBigUInt64LE(BigInt(shoff), 0x28);
  header.writeUInt16LE(64, 0x3a);
  header.writeUInt16LE(all.length, 0x3c);
  header.writeUInt16LE(all.length - 1, 0x3e);
  return Buffer.concat(chunks);
}

const DW = { string: 0x08, strp: 0x0e, data1: 0x0b, addr: 0x01, ref4: 0x13, sec_offset: 0x17, flag_present: 0x19, strx1: 0x25, line_strp: 0x1f, udata: 0x0f };

/** Abbreviations: code → (tag, children, [attr, form]…). */
function abbrevs(list: [number, number, boolean, [number, number][]][]): Buffer {
  const out: number[] = [];
  for (const [code, tag, children, attrs] of list) {
    out.push(...uleb(code), ...uleb(tag), children ? 1 : 0);
    for (const [a, f] of attrs) out.push(...uleb(a), ...uleb(f));
    out.push(0, 0);
  }
  out.push(0);
  return Buffer.from(out);
}

/** A DWARF 4 line table: dir 1 = `src`, file 1 = `lib.rs` in it; rows given as [address, line, column]. */
function lineTableV4(rows: [number, number, number][]): Buffer {
  const header = [1, 1, 1, 0xfb & 0xff, 14, 13, ...[0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1], ...cstr('src'), 0, ...cstr('lib.rs'), 1, 0, 0, 0];
  // min_inst_length 1, max_ops 1, default_is_stmt 1, line_base -5, line_range 14, opcode_base 13
  header[3] = 0xfb; // line_base = -5
  const program: number[] = [];
  let line = 1;
  for (const [address, l, column] of rows) {
    program.push(0, 9, 2, ...u64(address)); // DW_LNE_set_address
    program.push(3, ...sleb(l - line)); // advance_line
    line = l;
    program.push(5, ...uleb(column), 1); // set_column, copy
  }
  program.push(2, 4, 0, 1, 1); // advance_pc 4, end_sequence
  const afterLength = [...u16(4), ...u32(header.length), ...header, ...program];
  return Buffer.from([...u32(afterLength.length), ...afterLength]);
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** A DWARF 4 unit from DIE bytes (offsets in refs are unit-relative: the header is 11 bytes). */
function unitV4(dies: number[]): Buffer {
  const body = [...u16(4), ...u32(0), 8, ...dies];
  return Buffer.from([...u32(body.length), ...body]);
}

const PARSE = '_ZN4demo5parse17h0123456789abcdefE';
const INLINED = '_ZN4demo6inline17h0123456789abcdefE';
const NO_DECL = '_ZN4demo7no_decl17h0123456789abcdefE';

/** One unit: namespace demo { parse (decl line 7), inline (abstract, decl 12) + its concrete instance, a C-style `helper` }. */
function rustLikeBinary(extra: Partial<Record<'compress', 'zlib' | 'zstd'>> = {}): Buffer {
  const str = Buffer.from([...cstr(PARSE), ...cstr(INLINED), ...cstr(NO_DECL)]);
  const abbrev = abbrevs([
    [1, 0x11, true, [[0x03, DW.string], [0x1b, DW.string], [0x10, DW.sec_offset]]],
    [2, 0x39, true, [[0x03, DW.string]]],
    [3, 0x2e, false, [[0x6e, DW.strp], [0x03, DW.string], [0x3a, DW.data1], [0x3b, DW.data1]]],
    [4, 0x2e, false, [[0x31, DW.ref4], [0x11, DW.addr]]],
    [5, 0x24, false, [[0x03, DW.string], [0x0b, DW.data1]]],
    [6, 0x2e, false, [[0x03, DW.string], [0x3a, DW.data1], [0x3b, DW.data1], [0x11, DW.addr]]],
    [7, 0x2e, false, [[0x6e, DW.strp], [0x11, DW.addr]]],
  ]);
  const dies: number[] = [];
  const at = (): number => 11 + dies.length;
  dies.push(1, ...cstr('src/lib.rs'), ...cstr('/ws/demo'), ...u32(0));
  dies.push(5, ...cstr('u8'), 1); // an uninteresting DIE with a variable-size form
  dies.push(2, ...cstr('demo'));
  dies.push(3, ...u32(0), ...cstr('parse'), 1, 7);
  const abstractAt = at();
  dies.push(3, ...u32(PARSE.length + 1), ...cstr('inline'), 1, 12);
  dies.push(0); // end of namespace
  dies.push(4, ...u32(abstractAt), ...u64(0x2000));
  dies.push(6, ...cstr('helper'), 1, 30, ...u64(0x3000));
  dies.push(7, ...u32(PARSE.length + 1 + INLINED.length + 1), ...u64(0x4000)); // a function without a decl line
  dies.push(0); // end of unit
  const info = unitV4(dies);
  const compress = (data: Buffer): Section['data'] => {
    if (!extra.compress) return data;
    const chdr = Buffer.alloc(24);
    chdr.writeUInt32LE(extra.compress === 'zlib' ? 1 : 2, 0);
    chdr.writeBigUInt64LE(BigInt(data.length), 8);
    chdr.writeBigUInt64LE(1n, 16);
    return Buffer.concat([chdr, extra.compress === 'zlib' ? deflateSync(data) : data]);
  };
  const flags = extra.compress ? 0x800 : 0;
  const strtab = Buffer.from([0, ...cstr(NO_DECL)]);
  const sym = Buffer.alloc(48);
  sym.writeUInt32LE(1, 24); // name
  sym[24 + 4] = 0x12; // STB_GLOBAL, STT_FUNC
  sym.writeUInt16LE(1, 24 + 6); // defined
  sym.writeBigUInt64LE(0x4000n, 24 + 8);
  return elf([
    { name: '.debug_info', data: compress(info), flags },
    { name: '.debug_abbrev', data: compress(abbrev), flags },
    { name: '.debug_str', data: compress(str), flags },
    { name: '.debug_line', data: compress(lineTableV4([[0x2000, 12, 0], [0x4000, 40, 5], [0x4000, 41, 0]])), flags },
    { name: '.symtab', data: sym, type: 2, link: 6, entsize: 24 },
    { name: '.strtab', data: strtab, type: 3 },
  ]);
}

describe('built-in DWARF reader', () => {
  let dir: string;
  const write = (name: string, data: Buffer): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, data);
    return file;
  };
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgo-dwarf-unit-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('maps linkage names to decl file and line, through abstract origins, and C names without one', () => {
    const bin = write('rust-like', rustLikeBinary());
    const r = readFunctionLocations(bin, new Set([PARSE, INLINED, 'helper']));
    assert.deepEqual(r.locations.get(PARSE), { file: '/ws/demo/src/lib.rs', line: 7, kind: 'decl', compDir: '/ws/demo' });
    assert.deepEqual(r.locations.get(INLINED), { file: '/ws/demo/src/lib.rs', line: 12, kind: 'decl', compDir: '/ws/demo' });
    assert.equal(r.locations.get('helper')?.line, 30);
    assert.deepEqual(r.stats, { compileUnits: 1, subprogramsWithDeclLine: 3, subprogramsWithLinkageName: 3, unitsWithoutDeclLines: 0, versions: [4] });
  });

  it('takes the line table row at the function\'s address when there is no decl line, the column-0 (prologue) row first', () => {
    const bin = write('entry', rustLikeBinary());
    const r = readFunctionLocations(bin, new Set([NO_DECL]));
    assert.deepEqual(r.locations.get(NO_DECL), { file: '/ws/demo/src/lib.rs', line: 41, kind: 'entry', compDir: '/ws/demo' });
    assert.equal(readFunctionLocations(bin, new Set([NO_DECL]), { entryLines: false }).locations.size, 0);
  });

  it('reads zlib-compressed sections, and names zstd as unsupported with a fix', () => {
    const bin = write('zlib', rustLikeBinary({ compress: 'zlib' }));
    assert.equal(readFunctionLocations(bin, new Set([PARSE])).locations.get(PARSE)?.line, 7);
    const zstd = write('zstd', rustLikeBinary({ compress: 'zstd' }));
    assert.throws(
      () => readFunctionLocations(zstd, new Set([PARSE])),
      (e: unknown) => e instanceof DwarfError && /zstd/.test(e.message) && /llvm-dwarfdump/.test(e.fix),
    );
  });

  it('says so when there is no debug info, or the file is not ELF', () => {
    const bare = write('bare', elf([{ name: '.text', data: Buffer.from([0xc3]) }]));
    assert.equal(readFunctionLocations(bare, new Set([PARSE])).hasDebugInfo, false);
    const text = write('script.sh', Buffer.from('#!/bin/sh\n'));
    assert.throws(() => readFunctionLocations(text, new Set([PARSE])), DwarfError);
  });

  it('rejects 64-bit DWARF clearly', () => {
    const r = new ByteReader(Buffer.from([0xff, 0xff, 0xff, 0xff, ...u64(20), ...u16(4)]));
    assert.throws(() => readUnitHeader(r, 'big.bin'), (e: unknown) => e instanceof DwarfError && /64-bit DWARF/.test(e.message));
  });

  it('decodes LEB128 and joins paths like LLVM', () => {
    const r = new ByteReader(Buffer.from([0xe5, 0x8e, 0x26, 0x7f, 0x80, 0x7f]));
    assert.equal(r.uleb(), 624485);
    assert.equal(r.sleb(), -1);
    assert.equal(r.sleb(), -128);
    assert.equal(joinDwarfPath('/ws', 'src', 'lib.rs'), '/ws/src/lib.rs');
    assert.equal(joinDwarfPath('/ws', '/rustc/abc/library', 'core/src/num.rs'), '/rustc/abc/library/core/src/num.rs');
    assert.equal(joinDwarfPath('C:\\ws', 'src', 'lib.rs'), 'C:\\ws\\src\\lib.rs');
  });
});
