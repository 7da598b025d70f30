import type { ByteReader } from './byte-reader';
import { DW_UT } from './constants';
import { DwarfError } from './dwarf-error';

/** What decoding a unit's DIEs needs from its header (DWARF 2-5, 32-bit format). */
export interface UnitHeader {
  /** Offset of the unit header in `.debug_info`. */
  offset: number;
  /** Offset just past the unit. */
  end: number;
  version: number;
  unitType: number;
  addrSize: number;
  abbrevOffset: number;
  /** Offset of the first DIE. */
  firstDie: number;
}

/**
 * Read the unit header at `r.pos`. 64-bit DWARF (unit_length 0xffffffff) is rejected: no
 * toolchain this product supports writes it for a binary below 4 GB of debug info.
 */
export function readUnitHeader(r: ByteReader, file: string): UnitHeader {
  const offset = r.pos;
  const length = r.u32();
  if (length === 0xffffffff) {
    throw new DwarfError(`${file} uses 64-bit DWARF, which the built-in reader does not read`, 'put an llvm-dwarfdump on PATH (any recent LLVM), or build with 32-bit DWARF (the default)');
  }
  if (length >= 0xfffffff0) throw new DwarfError(`${file}: reserved unit length 0x${length.toString(16)} at .debug_info+0x${offset.toString(16)}`, 'build the binary again');
  const end = offset + 4 + length;
  const version = r.u16();
  if (version < 2 || version > 5) {
    throw new DwarfError(`${file}: DWARF version ${version} at .debug_info+0x${offset.toString(16)} is not supported (2-5 are)`, 'put an llvm-dwarfdump on PATH');
  }
  let unitType: number = DW_UT.compile;
  let addrSize: number;
  let abbrevOffset: number;
  if (version >= 5) {
    unitType = r.u8();
    addrSize = r.u8();
    abbrevOffset = r.u32();
    if (unitType === DW_UT.skeleton || unitType === DW_UT.split_compile) r.pos += 8; // dwo_id
    else if (unitType === DW_UT.type || unitType === DW_UT.split_type) r.pos += 8 + 4; // signature, type_offset
  } else {
    abbrevOffset = r.u32();
    addrSize = r.u8();
  }
  return { offset, end, version, unitType, addrSize, abbrevOffset, firstDie: r.pos };
}
