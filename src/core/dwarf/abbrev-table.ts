import { ByteReader } from './byte-reader';
import { DW_FORM } from './constants';
import { fixedFormSize, type FormContext } from './forms';

/** One abbreviation: a DIE's tag and the (attribute, form) pairs its values follow. */
export interface Abbrev {
  tag: number;
  hasChildren: boolean;
  attrs: Uint16Array;
  forms: Uint16Array;
  /** Values of DW_FORM_implicit_const attributes (kept in the abbreviation, not the DIE). */
  implicitConsts: Map<number, number>;
  /** Bytes of the DIE's attribute values when every form has a fixed size, else -1. */
  fixedSize: number;
  /** Each attribute's fixed size, or -1 when it depends on the data (skipped by its form). */
  sizes: Int16Array;
  /** Index of DW_AT_sibling among the attributes, or -1. */
  siblingIndex: number;
}

/** Abbreviations by code (a sparse array: codes are small and dense in practice). */
export type AbbrevTable = Abbrev[];

export function parseAbbrevTable(section: Buffer, offset: number, ctx: FormContext): AbbrevTable {
  const r = new ByteReader(section, offset);
  const table: AbbrevTable = [];
  for (;;) {
    const code = r.uleb();
    if (code === 0) break;
    const tag = r.uleb();
    const hasChildren = r.u8() !== 0;
    const attrs: number[] = [];
    const forms: number[] = [];
    const implicitConsts = new Map<number, number>();
    const sizes: number[] = [];
    let fixedSize = 0;
    for (;;) {
      const attr = r.uleb();
      const form = r.uleb();
      if (attr === 0 && form === 0) break;
      if (form === DW_FORM.implicit_const) implicitConsts.set(attrs.length, r.sleb());
      attrs.push(attr);
      forms.push(form);
      const size = fixedFormSize(form, ctx);
      sizes.push(size);
      fixedSize = fixedSize < 0 || size < 0 ? -1 : fixedSize + size;
    }
    table[code] = {
      tag,
      hasChildren,
      attrs: Uint16Array.from(attrs),
      forms: Uint16Array.from(forms),
      implicitConsts,
      fixedSize,
      sizes: Int16Array.from(sizes),
      siblingIndex: attrs.indexOf(0x01),
    };
  }
  return table;
}
