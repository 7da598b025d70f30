import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { DwarfError } from './dwarf-error';

/**
 * The sections of an ELF file (32- or 64-bit, little-endian), read on demand with positioned
 * reads: a 100 MB binary with full debug info is never read whole, only the sections asked for.
 * Compressed sections (SHF_COMPRESSED, as `ld --compress-debug-sections=zlib` or `objcopy
 * --compress-debug-sections` write them, and the older `.zdebug_*` form) are inflated with node:zlib.
 * macOS (Mach-O, dSYM) and Windows (PE, PDB) keep debug info elsewhere: not read here.
 */
export interface ElfSection {
  name: string;
  type: number;
  flags: number;
  offset: number;
  size: number;
  link: number;
  entsize: number;
}

const SHF_COMPRESSED = 0x800;
const SHT_NOBITS = 8;
const ELFCOMPRESS_ZLIB = 1;
const ELFCOMPRESS_ZSTD = 2;

export class ElfFile {
  readonly sections: ElfSection[];
  readonly is64: boolean;

  private constructor(
    private readonly fd: number,
    readonly file: string,
    is64: boolean,
    sections: ElfSection[],
  ) {
    this.is64 = is64;
    this.sections = sections;
  }

  /** The ELF file at `file`, or undefined when it is not a little-endian ELF file. Close it after use. */
  static open(file: string): ElfFile | undefined {
    const fd = fs.openSync(file, 'r');
    try {
      const ident = Buffer.alloc(64);
      const got = fs.readSync(fd, ident, 0, 64, 0);
      if (got < 52 || ident.readUInt32BE(0) !== 0x7f454c46 || ident[5] !== 1) {
        fs.closeSync(fd);
        return undefined;
      }
      const is64 = ident[4] === 2;
      const shoff = is64 ? Number(ident.readBigUInt64LE(0x28)) : ident.readUInt32LE(0x20);
      const shentsize = ident.readUInt16LE(is64 ? 0x3a : 0x2e);
      let shnum = ident.readUInt16LE(is64 ? 0x3c : 0x30);
      let shstrndx = ident.readUInt16LE(is64 ? 0x3e : 0x32);
      const readAt = (offset: number, length: number): Buffer => {
        const buf = Buffer.alloc(length);
        fs.readSync(fd, buf, 0, length, offset);
        return buf;
      };
      if (shoff === 0) return new ElfFile(fd, file, is64, []);
      const parse = (h: Buffer, at: number): ElfSection & { nameOffset: number } =>
        is64
          ? {
              nameOffset: h.readUInt32LE(at),
              name: '',
              type: h.readUInt32LE(at + 4),
              flags: Number(h.readBigUInt64LE(at + 8)),
              offset: Number(h.readBigUInt64LE(at + 0x18)),
              size: Number(h.readBigUInt64LE(at + 0x20)),
              link: h.readUInt32LE(at + 0x28),
              entsize: Number(h.readBigUInt64LE(at + 0x38)),
            }
          : {
              nameOffset: h.readUInt32LE(at),
              name: '',
              type: h.readUInt32LE(at + 4),
              flags: h.readUInt32LE(at + 8),
              offset: h.readUInt32LE(at + 0x10),
              size: h.readUInt32LE(at + 0x14),
              link: h.readUInt32LE(at + 0x18),
              entsize: h.readUInt32LE(at + 0x24),
            };
      // More than 0xff00 sections: the real count and string table index live in section 0.
      const first = parse(readAt(shoff, shentsize), 0);
      if (shnum === 0) shnum = first.size;
      if (shstrndx === 0xffff) shstrndx = first.link;
      const headers = readAt(shoff, shentsize * shnum);
      const raw = Array.from({ length: shnum }, (_, i) => parse(headers, i * shentsize));
      const strtab = raw[shstrndx];
      const names = strtab ? readAt(strtab.offset, strtab.size) : Buffer.alloc(0);
      const sections = raw.map(({ nameOffset, ...s }) => {
        const end = names.indexOf(0, nameOffset);
        return { ...s, name: names.toString('latin1', nameOffset, end < 0 ? names.length : end) };
      });
      return new ElfFile(fd, file, is64, sections);
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
  }

  close(): void {
    fs.closeSync(this.fd);
  }

  section(name: string): ElfSection | undefined {
    return this.sections.find((s) => s.name === name);
  }

  /** The raw bytes of a section as stored in the file (compressed or not). */
  rawBytes(s: ElfSection): Buffer {
    if (s.type === SHT_NOBITS || s.size === 0) return Buffer.alloc(0);
    const buf = Buffer.alloc(s.size);
    let done = 0;
    while (done < s.size) {
      const n = fs.readSync(this.fd, buf, done, s.size - done, s.offset + done);
      if (n === 0) throw new DwarfError(`${this.file} is truncated: section ${s.name} ends past the end of the file`, 'build the binary again');
      done += n;
    }
    return buf;
  }

  /**
   * The contents of a section by name, decompressed; `.debug_x` is also found as the older
   * `.zdebug_x`. Undefined when there is no such section.
   */
  read(name: string): Buffer | undefined {
    const s = this.section(name);
    if (s) {
      const bytes = this.rawBytes(s);
      return s.flags & SHF_COMPRESSED ? this.inflateElfCompressed(name, bytes) : bytes;
    }
    const z = name.startsWith('.debug_') ? this.section(`.z${name.slice(1)}`) : undefined;
    if (!z) return undefined;
    const bytes = this.rawBytes(z);
    // "ZLIB" then the uncompressed size (8 bytes, big-endian), then a zlib stream.
    if (bytes.length < 12 || bytes.toString('latin1', 0, 4) !== 'ZLIB') return bytes;
    return zlib.inflateSync(bytes.subarray(12));
  }

  private inflateElfCompressed(name: string, bytes: Buffer): Buffer {
    // Elf64_Chdr: type u32, reserved u32, size u64, addralign u64; Elf32_Chdr: type, size, addralign (u32).
    const type = bytes.readUInt32LE(0);
    const headerSize = this.is64 ? 24 : 12;
    if (type === ELFCOMPRESS_ZLIB) return zlib.inflateSync(bytes.subarray(headerSize));
    if (type === ELFCOMPRESS_ZSTD) {
      throw new DwarfError(
        `${this.file}: ${name} is compressed with zstd, which this Node.js (${process.version}) cannot decompress`,
        'link without zstd-compressed debug sections (e.g. `-C link-arg=-Wl,--compress-debug-sections=zlib` or none), or put an llvm-dwarfdump on PATH',
      );
    }
    throw new DwarfError(`${this.file}: ${name} uses unknown compression type ${type}`, 'link without compressed debug sections, or put an llvm-dwarfdump on PATH');
  }
}

/** One section of an ELF file by name, decompressed; undefined when the file is not ELF or lacks it. */
export function readElfSection(file: string, sectionName: string): Buffer | undefined {
  const elf = ElfFile.open(file);
  if (!elf) return undefined;
  try {
    return elf.read(sectionName);
  } finally {
    elf.close();
  }
}
