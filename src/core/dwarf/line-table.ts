import { ByteReader, stringAt } from './byte-reader';
import { DW_FORM, DW_LNCT } from './constants';
import { DwarfError } from './dwarf-error';
import { readUnsigned, skipForm } from './forms';
import { joinDwarfPath } from './dwarf-path';

/** The string sections a line table header may point into. */
export interface LineStrings {
  str?: Buffer;
  lineStr?: Buffer;
}

/** A `.debug_line` header: what turns a file index (DW_AT_decl_file, a row's file) into a path. */
export interface LineTableHeader {
  version: number;
  /** Offset of the first opcode of the line program. */
  programStart: number;
  /** Offset just past this line table. */
  end: number;
  minInstLength: number;
  maxOpsPerInst: number;
  defaultIsStmt: boolean;
  lineBase: number;
  lineRange: number;
  opcodeBase: number;
  standardOpcodeLengths: number[];
  /** Directory names, by the index files use (DWARF 5: 0-based, 0 = comp dir; before: 1-based). */
  dirs: string[];
  files: { name: string; dir: number }[];
}

function entryFormat(r: ByteReader): [number, number][] {
  const n = r.u8();
  const format: [number, number][] = [];
  for (let i = 0; i < n; i++) format.push([r.uleb(), r.uleb()]);
  return format;
}

function readFormString(r: ByteReader, form: number, strings: LineStrings): string {
  if (form === DW_FORM.string) return r.cstr();
  if (form === DW_FORM.line_strp) return stringAt(strings.lineStr, r.u32(), '.debug_line_str');
  if (form === DW_FORM.strp) return stringAt(strings.str, r.u32(), '.debug_str');
  throw new DwarfError(`a line table path uses form 0x${form.toString(16)}, which the built-in reader does not read`, 'put an llvm-dwarfdump on PATH');
}

export function readLineTableHeader(section: Buffer, offset: number, strings: LineStrings): LineTableHeader {
  const r = new ByteReader(section, offset);
  const length = r.u32();
  if (length === 0xffffffff) throw new DwarfError('a line table uses 64-bit DWARF, which the built-in reader does not read', 'put an llvm-dwarfdump on PATH');
  const end = r.pos + length;
  const version = r.u16();
  if (version < 2 || version > 5) throw new DwarfError(`line table version ${version} is not supported (2-5 are)`, 'put an llvm-dwarfdump on PATH');
  const ctx = { version, addrSize: 8 };
  if (version >= 5) {
    ctx.addrSize = r.u8();
    r.u8(); // segment selector size
  }
  const headerLength = r.u32();
  const programStart = r.pos + headerLength;
  const minInstLength = r.u8();
  const maxOpsPerInst = version >= 4 ? r.u8() : 1;
  const defaultIsStmt = r.u8() !== 0;
  const lineBase = (r.u8() << 24) >> 24;
  const lineRange = r.u8();
  const opcodeBase = r.u8();
  const standardOpcodeLengths: number[] = [];
  for (let i = 1; i < opcodeBase; i++) standardOpcodeLengths.push(r.u8());
  const dirs: string[] = [];
  const files: { name: string; dir: number }[] = [];
  if (version >= 5) {
    const dirFormat = entryFormat(r);
    const dirCount = r.uleb();
    for (let i = 0; i < dirCount; i++) {
      let name = '';
      for (const [type, form] of dirFormat) {
        if (type === DW_LNCT.path) name = readFormString(r, form, strings);
        else skipForm(r, form, ctx);
      }
      dirs.push(name);
    }
    const fileFormat = entryFormat(r);
    const fileCount = r.uleb();
    for (let i = 0; i < fileCount; i++) {
      let name = '';
      let dir = 0;
      for (const [type, form] of fileFormat) {
        if (type === DW_LNCT.path) name = readFormString(r, form, strings);
        else if (type === DW_LNCT.directory_index) dir = readUnsigned(r, form, ctx);
        else skipForm(r, form, ctx);
      }
      files.push({ name, dir });
    }
  } else {
    dirs.push(''); // index 0: the compilation directory
    for (;;) {
      const name = r.cstr();
      if (!name) break;
      dirs.push(name);
    }
    files.push({ name: '', dir: 0 }); // index 0: none before DWARF 5
    for (;;) {
      const name = r.cstr();
      if (!name) break;
      const dir = r.uleb();
      r.uleb(); // mtime
      r.uleb(); // length
      files.push({ name, dir });
    }
  }
  return { version, programStart, end, minInstLength, maxOpsPerInst, defaultIsStmt, lineBase, lineRange, opcodeBase, standardOpcodeLengths, dirs, files };
}

/**
 * The path of file `index` the way llvm-dwarfdump prints a DW_AT_decl_file: the file name, under
 * its directory unless absolute, under the compilation directory unless that is absolute.
 */
export function filePath(header: LineTableHeader, index: number, compDir: string | undefined): string | undefined {
  const file = header.files[index];
  if (!file || (index === 0 && header.version < 5)) return undefined;
  const dir = file.dir === 0 && header.version < 5 ? '' : (header.dirs[file.dir] ?? '');
  return joinDwarfPath(compDir ?? '', dir, file.name);
}

/** One row of the line table: what the line program says about one address. */
export interface LineRow {
  address: number;
  file: number;
  line: number;
  column: number;
}

/**
 * Run the line program and hand every row whose address is in `addresses` to `onRow`, in
 * program order. Rows elsewhere cost only the state machine: nothing is kept.
 */
export function scanLineProgram(section: Buffer, h: LineTableHeader, addresses: ReadonlySet<number>, onRow: (row: LineRow) => void): void {
  const r = new ByteReader(section, h.programStart);
  let address = 0;
  let opIndex = 0;
  let file = 1;
  let line = 1;
  let column = 0;
  const reset = (): void => {
    address = 0;
    opIndex = 0;
    file = 1;
    line = 1;
    column = 0;
  };
  const emit = (): void => {
    if (addresses.has(address)) onRow({ address, file, line, column });
  };
  const advance = (operationAdvance: number): void => {
    if (h.maxOpsPerInst <= 1) {
      address += h.minInstLength * operationAdvance;
    } else {
      address += h.minInstLength * Math.floor((opIndex + operationAdvance) / h.maxOpsPerInst);
      opIndex = (opIndex + operationAdvance) % h.maxOpsPerInst;
    }
  };
  while (r.pos < h.end) {
    const opcode = r.u8();
    if (opcode >= h.opcodeBase) {
      const adjusted = opcode - h.opcodeBase;
      advance(Math.floor(adjusted / h.lineRange));
      line += h.lineBase + (adjusted % h.lineRange);
      emit();
      continue;
    }
    switch (opcode) {
      case 0: {
        const len = r.uleb();
        const next = r.pos + len;
        const sub = len > 0 ? r.u8() : 0;
        if (sub === 1) {
          reset(); // DW_LNE_end_sequence: its row is the first address *after* the code, no function's
        } else if (sub === 2) {
          address = r.uN(len - 1);
          opIndex = 0;
        }
        r.pos = next; // DW_LNE_define_file, set_discriminator and vendor opcodes carry nothing we use
        break;
      }
      case 1: // copy
        emit();
        break;
      case 2: // advance_pc
        advance(r.uleb());
        break;
      case 3: // advance_line
        line += r.sleb();
        break;
      case 4: // set_file
        file = r.uleb();
        break;
      case 5: // set_column
        column = r.uleb();
        break;
      case 6: // negate_stmt
      case 7: // set_basic_block
      case 10: // set_prologue_end
      case 11: // set_epilogue_begin
        break;
      case 8: // const_add_pc
        advance(Math.floor((255 - h.opcodeBase) / h.lineRange));
        break;
      case 9: // fixed_advance_pc
        address += r.u16();
        opIndex = 0;
        break;
      case 12: // set_isa
        r.uleb();
        break;
      default:
        // An opcode this reader does not know: its operand count is in the header.
        for (let i = 0; i < (h.standardOpcodeLengths[opcode - 1] ?? 0); i++) r.uleb();
    }
  }
}
