import * as fs from 'node:fs';
import * as zlib from 'node:zlib';

/**
 * The names of every function an instrumented binary carries counters for, read from its
 * `__llvm_prf_names` ELF section. These are exactly the record names the profile will hold for
 * this binary, so they tell which profile records can ever apply to the shipped binary (records
 * from unit-test builds have other symbol hashes and never do).
 */
/** Where a named section lies in an ELF file (64-bit little-endian only), or undefined. */
export function findElfSection(file: string, sectionName: string): { offset: number; size: number } | undefined {
  const fd = fs.openSync(file, 'r');
  try {
    const read = (offset: number, length: number): Buffer => {
      const buf = Buffer.alloc(length);
      fs.readSync(fd, buf, 0, length, offset);
      return buf;
    };
    const ident = read(0, 64);
    if (ident.readUInt32BE(0) !== 0x7f454c46) return undefined; // not ELF
    if (ident[4] !== 2 || ident[5] !== 1) return undefined; // only 64-bit little-endian
    const shoff = Number(ident.readBigUInt64LE(0x28));
    const shentsize = ident.readUInt16LE(0x3a);
    const shnum = ident.readUInt16LE(0x3c);
    const shstrndx = ident.readUInt16LE(0x3e);
    const headers = read(shoff, shentsize * shnum);
    const header = (i: number): { name: number; offset: number; size: number } => ({
      name: headers.readUInt32LE(i * shentsize),
      offset: Number(headers.readBigUInt64LE(i * shentsize + 0x18)),
      size: Number(headers.readBigUInt64LE(i * shentsize + 0x20)),
    });
    const strtab = header(shstrndx);
    const names = read(strtab.offset, strtab.size);
    for (let i = 0; i < shnum; i++) {
      const h = header(i);
      const end = names.indexOf(0, h.name);
      if (names.toString('latin1', h.name, end) === sectionName) return { offset: h.offset, size: h.size };
    }
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

export function readElfSection(file: string, sectionName: string): Buffer | undefined {
  const where = findElfSection(file, sectionName);
  if (!where) return undefined;
  const buf = Buffer.alloc(where.size);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, buf, 0, where.size, where.offset);
  } finally {
    fs.closeSync(fd);
  }
  return buf;
}

function readUleb(buf: Buffer, pos: number): [number, number] {
  let result = 0;
  let shift = 0;
  for (;;) {
    const byte = buf[pos++];
    if (byte === undefined) throw new Error('truncated ULEB128');
    result += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [result, pos];
    shift += 7;
  }
}

/** Decode the section: chunks of (uleb raw size, uleb compressed size, bytes), names split by \x01. */
export function decodePrfNames(section: Buffer): string[] {
  const out: string[] = [];
  let pos = 0;
  while (pos < section.length) {
    let rawSize: number;
    let zSize: number;
    [rawSize, pos] = readUleb(section, pos);
    [zSize, pos] = readUleb(section, pos);
    const data = zSize === 0 ? section.subarray(pos, pos + rawSize) : zlib.inflateSync(section.subarray(pos, pos + zSize));
    pos += zSize === 0 ? rawSize : zSize;
    for (const name of data.toString('utf8').split('\x01')) if (name) out.push(name);
    while (pos < section.length && section[pos] === 0) pos++; // alignment padding
  }
  return out;
}

/** Instrumented function names of a binary, or undefined when it is not an ELF file we can read. */
export function instrumentedFunctionNames(binary: string): string[] | undefined {
  const section = readElfSection(binary, '__llvm_prf_names');
  return section ? decodePrfNames(section) : undefined;
}
