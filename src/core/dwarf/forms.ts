import type { ByteReader } from './byte-reader';
import { DW_FORM } from './constants';
import { DwarfError } from './dwarf-error';

/** The unit parameters a form's size depends on. */
export interface FormContext {
  version: number;
  addrSize: number;
}

/** Offsets are 4 bytes: 64-bit DWARF is rejected when the unit header is read. */
const OFFSET_SIZE = 4;

/**
 * The size of a form's value when it does not depend on the data (-1 when it does: LEB128,
 * strings, blocks), so a DIE whose forms are all fixed is skipped with one addition.
 */
export function fixedFormSize(form: number, ctx: FormContext): number {
  switch (form) {
    case DW_FORM.flag_present:
    case DW_FORM.implicit_const:
      return 0;
    case DW_FORM.data1:
    case DW_FORM.ref1:
    case DW_FORM.flag:
    case DW_FORM.strx1:
    case DW_FORM.addrx1:
      return 1;
    case DW_FORM.data2:
    case DW_FORM.ref2:
    case DW_FORM.strx2:
    case DW_FORM.addrx2:
      return 2;
    case DW_FORM.strx3:
    case DW_FORM.addrx3:
      return 3;
    case DW_FORM.data4:
    case DW_FORM.ref4:
    case DW_FORM.strx4:
    case DW_FORM.addrx4:
    case DW_FORM.ref_sup4:
      return 4;
    case DW_FORM.data8:
    case DW_FORM.ref8:
    case DW_FORM.ref_sig8:
    case DW_FORM.ref_sup8:
      return 8;
    case DW_FORM.data16:
      return 16;
    case DW_FORM.addr:
      return ctx.addrSize;
    case DW_FORM.ref_addr:
      return ctx.version <= 2 ? ctx.addrSize : OFFSET_SIZE;
    case DW_FORM.strp:
    case DW_FORM.line_strp:
    case DW_FORM.sec_offset:
    case DW_FORM.strp_sup:
    case DW_FORM.GNU_ref_alt:
    case DW_FORM.GNU_strp_alt:
      return OFFSET_SIZE;
    default:
      return -1;
  }
}

/** Move past one attribute value. */
export function skipForm(r: ByteReader, form: number, ctx: FormContext): void {
  const fixed = fixedFormSize(form, ctx);
  if (fixed >= 0) {
    r.pos += fixed;
    return;
  }
  switch (form) {
    case DW_FORM.udata:
    case DW_FORM.sdata:
    case DW_FORM.ref_udata:
    case DW_FORM.strx:
    case DW_FORM.addrx:
    case DW_FORM.loclistx:
    case DW_FORM.rnglistx:
    case DW_FORM.GNU_addr_index:
    case DW_FORM.GNU_str_index:
      r.skipLeb();
      return;
    case DW_FORM.string:
      r.skipCstr();
      return;
    case DW_FORM.block1:
      r.pos += r.u8();
      return;
    case DW_FORM.block2:
      r.pos += r.u16();
      return;
    case DW_FORM.block4:
      r.pos += r.u32();
      return;
    case DW_FORM.block:
    case DW_FORM.exprloc: {
      const n = r.uleb();
      r.pos += n;
      return;
    }
    case DW_FORM.indirect:
      skipForm(r, r.uleb(), ctx);
      return;
    default:
      throw new DwarfError(`unknown DWARF attribute form 0x${form.toString(16)}`, 'put an llvm-dwarfdump on PATH');
  }
}

/** An integer-valued attribute (constants, references, offsets, indexes, flags). */
export function readUnsigned(r: ByteReader, form: number, ctx: FormContext): number {
  switch (form) {
    case DW_FORM.data1:
    case DW_FORM.ref1:
    case DW_FORM.flag:
    case DW_FORM.strx1:
    case DW_FORM.addrx1:
      return r.u8();
    case DW_FORM.data2:
    case DW_FORM.ref2:
    case DW_FORM.strx2:
    case DW_FORM.addrx2:
      return r.u16();
    case DW_FORM.strx3:
    case DW_FORM.addrx3:
      return r.u16() + r.u8() * 0x10000;
    case DW_FORM.data4:
    case DW_FORM.ref4:
    case DW_FORM.strx4:
    case DW_FORM.addrx4:
    case DW_FORM.strp:
    case DW_FORM.line_strp:
    case DW_FORM.sec_offset:
    case DW_FORM.ref_sup4:
    case DW_FORM.strp_sup:
    case DW_FORM.GNU_ref_alt:
    case DW_FORM.GNU_strp_alt:
      return r.u32();
    case DW_FORM.data8:
    case DW_FORM.ref8:
    case DW_FORM.ref_sup8:
      return r.u64();
    case DW_FORM.addr:
      return r.uN(ctx.addrSize);
    case DW_FORM.ref_addr:
      return r.uN(ctx.version <= 2 ? ctx.addrSize : OFFSET_SIZE);
    case DW_FORM.udata:
    case DW_FORM.ref_udata:
    case DW_FORM.strx:
    case DW_FORM.addrx:
    case DW_FORM.loclistx:
    case DW_FORM.rnglistx:
    case DW_FORM.GNU_addr_index:
    case DW_FORM.GNU_str_index:
      return r.uleb();
    case DW_FORM.sdata:
      return r.sleb();
    case DW_FORM.flag_present:
      return 1;
    default:
      throw new DwarfError(`DWARF attribute form 0x${form.toString(16)} holds no integer`, 'put an llvm-dwarfdump on PATH');
  }
}

export function isStrxForm(form: number): boolean {
  return form === DW_FORM.strx || (form >= DW_FORM.strx1 && form <= DW_FORM.strx4) || form === DW_FORM.GNU_str_index;
}

export function isAddrxForm(form: number): boolean {
  return form === DW_FORM.addrx || (form >= DW_FORM.addrx1 && form <= DW_FORM.addrx4) || form === DW_FORM.GNU_addr_index;
}

/** A reference form relative to its unit (as opposed to DW_FORM_ref_addr, relative to `.debug_info`). */
export function isUnitRelativeRef(form: number): boolean {
  return form === DW_FORM.ref1 || form === DW_FORM.ref2 || form === DW_FORM.ref4 || form === DW_FORM.ref8 || form === DW_FORM.ref_udata;
}
