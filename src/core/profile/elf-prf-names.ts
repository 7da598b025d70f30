import * as zlib from 'node:zlib';
import { ByteReader } from '../dwarf/byte-reader';
import { readElfSection } from '../dwarf/elf-file';

/**
 * The names of every function an instrumented binary carries counters for, read from its
 * `__llvm_prf_names` ELF section. These are exactly the record names the profile will hold for
 * this binary, so they tell which profile records can ever apply to the shipped binary (records
 * from unit-test builds have other symbol hashes and never do).
 *
 * The section: chunks of (uleb raw size, uleb compressed size, bytes), names split by \x01. */
export function decodePrfNames(section: Buffer): string[] {
  const out: string[] = [];
  const r = new ByteReader(section);
  let pos = 0;
  while (pos < section.length) {
    r.pos = pos;
    const rawSize = r.uleb();
    const zSize = r.uleb();
    pos = r.pos;
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
