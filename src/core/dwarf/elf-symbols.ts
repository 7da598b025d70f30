import type { ElfFile } from './elf-file';

const SHT_SYMTAB = 2;
const STT_FUNC = 2;

/**
 * The start address of every defined function symbol whose name `keyOf` maps to a wanted name
 * (`.symtab`; a stripped binary has none). A function without a `fn` line in the debug info
 * (line-tables-only) is found in the line table at this address.
 */
export function functionAddresses(elf: ElfFile, wanted: ReadonlySet<string>, keyOf: (symbol: string) => string): Map<string, number> {
  const out = new Map<string, number>();
  const symtab = elf.sections.find((s) => s.type === SHT_SYMTAB);
  const strtabHeader = symtab ? elf.sections[symtab.link] : undefined;
  if (!symtab || !strtabHeader) return out;
  const syms = elf.rawBytes(symtab);
  const names = elf.rawBytes(strtabHeader);
  const size = symtab.entsize || (elf.is64 ? 24 : 16);
  for (let at = 0; at + size <= syms.length; at += size) {
    const info = elf.is64 ? syms[at + 4]! : syms[at + 12]!;
    const shndx = elf.is64 ? syms.readUInt16LE(at + 6) : syms.readUInt16LE(at + 14);
    if ((info & 0xf) !== STT_FUNC || shndx === 0) continue;
    const nameOffset = syms.readUInt32LE(at);
    const end = names.indexOf(0, nameOffset);
    const symbol = names.toString('latin1', nameOffset, end < 0 ? names.length : end);
    const key = wanted.has(symbol) ? symbol : keyOf(symbol);
    if (!wanted.has(key) || out.has(key)) continue;
    const value = elf.is64 ? Number(syms.readBigUInt64LE(at + 8)) : syms.readUInt32LE(at + 4);
    out.set(key, value);
  }
  return out;
}
