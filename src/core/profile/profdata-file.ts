import * as fs from 'node:fs';

/**
 * A quick look at a .profdata before handing it to llvm-profdata: an empty file, a renamed raw
 * .profraw or random bytes get a specific message instead of llvm-profdata's generic one.
 */
const INDEXED_MAGIC = Buffer.from([0xff, 0x6c, 0x70, 0x72, 0x6f, 0x66, 0x69, 0x81]); // "\xfflprofi\x81"
const RAW_MAGIC = Buffer.from([0x81, 0x72, 0x66, 0x6f, 0x72, 0x70, 0x6c, 0xff]); // raw, little-endian

export type ProfdataProblem = { message: string; fix: string } | undefined;

export function checkProfdataFile(file: string, expectedSize?: number): ProfdataProblem {
  let head: Buffer;
  let size: number;
  try {
    size = fs.statSync(file).size;
    const fd = fs.openSync(file, 'r');
    try {
      head = Buffer.alloc(8);
      fs.readSync(fd, head, 0, 8, 0);
    } finally {
      fs.closeSync(fd);
    }
  } catch (e) {
    return { message: `cannot read ${file}: ${(e as Error).message}`, fix: 'run the pipeline again to recreate it' };
  }
  if (size === 0) return { message: `${file} is empty`, fix: 'delete it and run the pipeline again' };
  if (head.equals(RAW_MAGIC)) {
    return { message: `${file} is a raw profile (.profraw), not a merged .profdata`, fix: 'merge it first: `pgo merge`, or `llvm-profdata merge -o out.profdata <file>`' };
  }
  if (!head.equals(INDEXED_MAGIC)) {
    return { message: `${file} is not an LLVM indexed profile (unknown header)`, fix: 'delete it and run the pipeline again' };
  }
  if (expectedSize !== undefined && size !== expectedSize) {
    return { message: `${file} is ${size} bytes but was ${expectedSize} when recorded: truncated or replaced`, fix: 'run the pipeline again to recreate it' };
  }
  return undefined;
}

/**
 * The indexed profile's format version (the low 32 bits of the header's second word; the high ones are
 * flags), or undefined when the file is not an indexed profile. Each LLVM release reads the versions
 * up to its own: LLVM 22 writes and reads version 13.
 */
export function indexedFormatVersion(file: string): number | undefined {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const head = Buffer.alloc(16);
      if (fs.readSync(fd, head, 0, 16, 0) < 16 || !head.subarray(0, 8).equals(INDEXED_MAGIC)) return undefined;
      return Number(head.readBigUInt64LE(8) & 0xffffffffn);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
}
