import type { ElfFile } from './elf-file';

/** The DWARF sections the reader uses, decompressed; absent ones are undefined. */
export interface DebugSections {
  info: Buffer;
  abbrev: Buffer;
  str?: Buffer;
  lineStr?: Buffer;
  line?: Buffer;
  strOffsets?: Buffer;
  addr?: Buffer;
  /** DWARF 4 `.debug_ranges`, DWARF 5 `.debug_rnglists`: only for inlined calls at a function's entry. */
  ranges?: Buffer;
  rnglists?: Buffer;
}

/** Undefined when the binary has no `.debug_info` (no debug info, or stripped). */
export function readDebugSections(elf: ElfFile): DebugSections | undefined {
  const info = elf.read('.debug_info');
  const abbrev = elf.read('.debug_abbrev');
  if (!info || !abbrev || info.length === 0) return undefined;
  return {
    info,
    abbrev,
    str: elf.read('.debug_str'),
    lineStr: elf.read('.debug_line_str'),
    line: elf.read('.debug_line'),
    strOffsets: elf.read('.debug_str_offsets'),
    addr: elf.read('.debug_addr'),
    ranges: elf.read('.debug_ranges'),
    rnglists: elf.read('.debug_rnglists'),
  };
}
