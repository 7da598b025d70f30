import type { AbbrevTable } from './abbrev-table';
import { parseAbbrevTable } from './abbrev-table';
import { ByteReader, stringAt } from './byte-reader';
import { DW_AT, DW_FORM, DW_TAG } from './constants';
import type { DebugSections } from './debug-sections';
import { DwarfError } from './dwarf-error';
import { isAddrxForm, isStrxForm, isUnitRelativeRef, readUnsigned, skipForm } from './forms';
import { readUnitHeader, type UnitHeader } from './unit-header';

/** A compile unit: its header and what its unit DIE says about paths, strings and addresses. */
export interface UnitInfo {
  header: UnitHeader;
  abbrevs: AbbrevTable;
  compDir?: string;
  /** Offset of the unit's line table in `.debug_line`. */
  stmtList?: number;
  strOffsetsBase: number;
  addrBase: number;
  /** DW_AT_low_pc of the unit DIE: the base of its address ranges. */
  lowPc: number;
  rnglistsBase: number;
}

/** Where the outermost inlined call that starts at a function's first address is made. */
export interface EntryCallSite {
  callFile: number;
  callLine: number;
}

/** What a DW_TAG_subprogram says about where a function is declared. */
export interface Subprogram {
  offset: number;
  linkageName?: string;
  name?: string;
  /** Index into the unit's line table files. */
  declFile?: number;
  declLine?: number;
  declaration: boolean;
  /** Absolute `.debug_info` offset of the DW_AT_specification / DW_AT_abstract_origin target. */
  ref?: number;
  /** Whether `ref` is a DW_AT_specification (whose target also holds the linkage name). */
  refIsSpecification: boolean;
  lowPc?: number;
}

/** Tags whose children can hold functions: never skipped by DW_AT_sibling. */
const HOLDS_FUNCTIONS = new Set<number>([
  DW_TAG.compile_unit,
  DW_TAG.partial_unit,
  DW_TAG.namespace,
  DW_TAG.structure_type,
  DW_TAG.class_type,
  DW_TAG.union_type,
  DW_TAG.enumeration_type,
  DW_TAG.module,
]);

/**
 * Walks `.debug_info` unit by unit. Only the unit DIE and DW_TAG_subprogram DIEs are decoded;
 * every other DIE is skipped by its abbreviation (one addition when all its forms have a fixed
 * size), and a whole subtree when the producer wrote DW_AT_sibling (gcc does, LLVM does not).
 */
export class UnitWalker {
  private readonly abbrevCache = new Map<string, AbbrevTable>();

  constructor(
    readonly sections: DebugSections,
    readonly file: string,
  ) {}

  /** Every unit in order; `onSubprogram` sees the unit's subprograms, `onUnitEnd` follows each unit. */
  walk(onSubprogram: (unit: UnitInfo, sp: Subprogram) => void, onUnitEnd: (unit: UnitInfo) => void): UnitInfo[] {
    const units: UnitInfo[] = [];
    const info = this.sections.info;
    const r = new ByteReader(info, 0);
    while (r.pos + 11 <= info.length) {
      const header = readUnitHeader(r, this.file);
      const unit = this.unitInfo(header);
      units.push(unit);
      this.walkDies(r, unit, onSubprogram);
      onUnitEnd(unit);
      r.pos = header.end;
    }
    return units;
  }

  /** The unit header and unit DIE at `header`, for decoding single DIEs later. */
  unitInfo(header: UnitHeader): UnitInfo {
    const key = `${header.abbrevOffset}/${header.addrSize}/${header.version}`;
    let abbrevs = this.abbrevCache.get(key);
    if (!abbrevs) {
      abbrevs = parseAbbrevTable(this.sections.abbrev, header.abbrevOffset, header);
      this.abbrevCache.set(key, abbrevs);
    }
    const unit: UnitInfo = { header, abbrevs, strOffsetsBase: 8, addrBase: 8, lowPc: 0, rnglistsBase: 12 };
    const r = new ByteReader(this.sections.info, header.firstDie);
    const code = r.uleb();
    const ab = abbrevs[code];
    if (!ab) return unit;
    // The bases first: the unit DIE's own strings may be DW_FORM_strx.
    const start = r.pos;
    for (let i = 0; i < ab.attrs.length; i++) {
      const attr = ab.attrs[i]!;
      const form = ab.forms[i]!;
      if (attr === DW_AT.str_offsets_base) unit.strOffsetsBase = readUnsigned(r, form, header);
      else if (attr === DW_AT.addr_base) unit.addrBase = readUnsigned(r, form, header);
      else if (attr === DW_AT.rnglists_base) unit.rnglistsBase = readUnsigned(r, form, header);
      else skipForm(r, form, header);
    }
    r.pos = start;
    for (let i = 0; i < ab.attrs.length; i++) {
      const attr = ab.attrs[i]!;
      const form = ab.forms[i]!;
      if (attr === DW_AT.comp_dir) unit.compDir = this.readString(r, form, unit);
      else if (attr === DW_AT.stmt_list) unit.stmtList = readUnsigned(r, form, header);
      else if (attr === DW_AT.low_pc && (form === DW_FORM.addr || isAddrxForm(form))) {
        const v = readUnsigned(r, form, header);
        unit.lowPc = form === DW_FORM.addr ? v : (this.addressAt(unit, v) ?? 0);
      }
      else skipForm(r, form, header);
    }
    return unit;
  }

  private walkDies(r: ByteReader, unit: UnitInfo, onSubprogram: (unit: UnitInfo, sp: Subprogram) => void): void {
    const { header, abbrevs } = unit;
    const end = header.end;
    // The hot loop of the reader: a local cursor, and the common forms skipped inline.
    const buf = this.sections.info;
    let pos = header.firstDie;
    while (pos < end) {
      const offset = pos;
      let code = buf[pos++]!;
      if (code >= 0x80) {
        r.pos = offset;
        code = r.uleb();
        pos = r.pos;
      }
      if (code === 0) continue; // end of a sibling chain
      const ab = abbrevs[code];
      if (!ab) throw new DwarfError(`${this.file}: DIE at .debug_info+0x${offset.toString(16)} uses unknown abbreviation ${code}`, 'build the binary again, or put an llvm-dwarfdump on PATH');
      if (ab.tag === DW_TAG.subprogram) {
        r.pos = pos;
        const sibling = this.readSubprogram(r, ab, unit, offset, onSubprogram);
        pos = sibling ?? r.pos;
        continue;
      }
      if (ab.siblingIndex >= 0 && ab.hasChildren && !HOLDS_FUNCTIONS.has(ab.tag)) {
        r.pos = pos;
        for (let i = 0; i < ab.siblingIndex; i++) skipForm(r, ab.forms[i]!, header);
        const form = ab.forms[ab.siblingIndex]!;
        const v = readUnsigned(r, form, header);
        pos = form === DW_FORM.ref_addr ? v : header.offset + v;
        continue;
      }
      if (ab.fixedSize >= 0) {
        pos += ab.fixedSize;
        continue;
      }
      const sizes = ab.sizes;
      for (let i = 0; i < sizes.length; i++) {
        const size = sizes[i]!;
        if (size >= 0) {
          pos += size;
          continue;
        }
        const form = ab.forms[i]!;
        if (form === DW_FORM.udata || form === DW_FORM.sdata || form === DW_FORM.strx || form === DW_FORM.addrx || form === DW_FORM.ref_udata) {
          while ((buf[pos++]! & 0x80) !== 0);
        } else if (form === DW_FORM.string) {
          pos = buf.indexOf(0, pos) + 1;
          if (pos === 0) throw new RangeError('unterminated string');
        } else if (form === DW_FORM.block1) {
          pos += 1 + buf[pos]!;
        } else {
          r.pos = pos;
          skipForm(r, form, header);
          pos = r.pos;
        }
      }
    }
    r.pos = pos;
  }

  /** Decode one subprogram DIE (after its code); returns its sibling's offset when it has one. */
  private readSubprogram(
    r: ByteReader,
    ab: AbbrevTable[number],
    unit: UnitInfo,
    offset: number,
    onSubprogram: (unit: UnitInfo, sp: Subprogram) => void,
  ): number | undefined {
    const header = unit.header;
    const sp: Subprogram = { offset, declaration: false, refIsSpecification: false };
    let sibling: number | undefined;
    let lowPcIndex: number | undefined;
    for (let i = 0; i < ab.attrs.length; i++) {
      const attr = ab.attrs[i]!;
      const form = ab.forms[i]!;
      switch (attr) {
        case DW_AT.linkage_name:
        case DW_AT.MIPS_linkage_name:
          sp.linkageName = this.readString(r, form, unit);
          break;
        case DW_AT.name:
          sp.name = this.readString(r, form, unit);
          break;
        case DW_AT.decl_file:
          sp.declFile = form === DW_FORM.implicit_const ? ab.implicitConsts.get(i) : readUnsigned(r, form, header);
          break;
        case DW_AT.decl_line:
          sp.declLine = form === DW_FORM.implicit_const ? ab.implicitConsts.get(i) : readUnsigned(r, form, header);
          break;
        case DW_AT.declaration:
          sp.declaration = form === DW_FORM.implicit_const ? ab.implicitConsts.get(i) !== 0 : readUnsigned(r, form, header) !== 0;
          break;
        case DW_AT.specification:
        case DW_AT.abstract_origin: {
          const ref = this.readRef(r, form, header);
          if (ref !== undefined) {
            sp.ref = ref;
            sp.refIsSpecification = attr === DW_AT.specification;
          }
          break;
        }
        case DW_AT.low_pc:
          if (isAddrxForm(form)) lowPcIndex = readUnsigned(r, form, header);
          else if (form === DW_FORM.addr) sp.lowPc = readUnsigned(r, form, header);
          else skipForm(r, form, header);
          break;
        case DW_AT.sibling:
          sibling = this.readRef(r, form, header);
          break;
        default:
          skipForm(r, form, header);
      }
    }
    if (lowPcIndex !== undefined) sp.lowPc = this.addressAt(unit, lowPcIndex);
    onSubprogram(unit, sp);
    return ab.hasChildren ? sibling : undefined;
  }

  /**
   * For each subprogram of `unit` that starts at one of `addresses`: the call site (in the
   * function's own file) of the outermost inlined call that covers that first address, as
   * llvm-symbolizer's outer frame reports it. A second, targeted walk of one unit, tracking depth.
   */
  entryCallSites(unit: UnitInfo, addresses: ReadonlySet<number>): Map<number, EntryCallSite> {
    const out = new Map<number, EntryCallSite>();
    const { header, abbrevs } = unit;
    const r = new ByteReader(this.sections.info, header.firstDie);
    /** Per open DIE with children: the probed function's address (if any), and whether an inlined call encloses it. */
    const stack: { address?: number; inInlined: boolean }[] = [];
    while (r.pos < header.end) {
      const offset = r.pos;
      const code = r.uleb();
      if (code === 0) {
        stack.pop();
        continue;
      }
      const ab = abbrevs[code];
      if (!ab) throw new DwarfError(`${this.file}: DIE at .debug_info+0x${offset.toString(16)} uses unknown abbreviation ${code}`, 'put an llvm-dwarfdump on PATH');
      const parent = stack[stack.length - 1] ?? { inInlined: false };
      let context = parent;
      if (ab.tag === DW_TAG.subprogram) {
        let address: number | undefined;
        this.readSubprogram(r, ab, unit, offset, (_u, sp) => (address = sp.lowPc));
        context = { address: address !== undefined && addresses.has(address) ? address : undefined, inInlined: false };
      } else if (ab.tag === DW_TAG.inlined_subroutine && parent.address !== undefined && !parent.inInlined) {
        const call = this.readInlinedCall(r, ab, unit);
        if (call && !out.has(parent.address) && call.covers(parent.address)) out.set(parent.address, { callFile: call.callFile, callLine: call.callLine });
        context = { address: parent.address, inInlined: true };
      } else if (ab.fixedSize >= 0) {
        r.pos += ab.fixedSize;
      } else {
        for (let i = 0; i < ab.forms.length; i++) skipForm(r, ab.forms[i]!, header);
      }
      if (ab.hasChildren) stack.push(context);
    }
    return out;
  }

  private readInlinedCall(r: ByteReader, ab: AbbrevTable[number], unit: UnitInfo): { callFile: number; callLine: number; covers: (address: number) => boolean } | undefined {
    const header = unit.header;
    let low: number | undefined;
    let high: number | undefined;
    let highIsOffset = false;
    let ranges: { value: number; form: number } | undefined;
    let callFile: number | undefined;
    let callLine: number | undefined;
    for (let i = 0; i < ab.attrs.length; i++) {
      const attr = ab.attrs[i]!;
      const form = ab.forms[i]!;
      if (form === DW_FORM.implicit_const) {
        const v = ab.implicitConsts.get(i);
        if (attr === DW_AT.call_file) callFile = v;
        else if (attr === DW_AT.call_line) callLine = v;
        continue;
      }
      switch (attr) {
        case DW_AT.low_pc: {
          const v = readUnsigned(r, form, header);
          low = isAddrxForm(form) ? this.addressAt(unit, v) : v;
          break;
        }
        case DW_AT.high_pc: {
          const v = readUnsigned(r, form, header);
          highIsOffset = form !== DW_FORM.addr && !isAddrxForm(form);
          high = isAddrxForm(form) ? this.addressAt(unit, v) : v;
          break;
        }
        case DW_AT.ranges:
          ranges = { value: readUnsigned(r, form, header), form };
          break;
        case DW_AT.call_file:
          callFile = readUnsigned(r, form, header);
          break;
        case DW_AT.call_line:
          callLine = readUnsigned(r, form, header);
          break;
        default:
          skipForm(r, form, header);
      }
    }
    if (callFile === undefined || callLine === undefined) return undefined;
    const end = low !== undefined && high !== undefined ? (highIsOffset ? low + high : high) : undefined;
    const covers = (address: number): boolean => {
      if (low !== undefined && end !== undefined) return address >= low && address < end;
      if (ranges) return this.rangeList(unit, ranges.value, ranges.form).some(([s, e]) => address >= s && address < e);
      return false;
    };
    return { callFile, callLine, covers };
  }

  /** A DW_AT_ranges list: `.debug_ranges` (DWARF 2-4) or `.debug_rnglists` (DWARF 5). */
  private rangeList(unit: UnitInfo, value: number, form: number): [number, number][] {
    const out: [number, number][] = [];
    const size = unit.header.addrSize;
    const maxAddress = size === 8 ? 0xffff_ffff_ffff_ffff : 0xffff_ffff;
    if (unit.header.version < 5) {
      const buf = this.sections.ranges;
      if (!buf) return out;
      const r = new ByteReader(buf, value);
      let base = unit.lowPc;
      while (r.pos + 2 * size <= buf.length) {
        const s = r.uN(size);
        const e = r.uN(size);
        if (s === 0 && e === 0) break;
        if (s === maxAddress) base = e;
        else out.push([base + s, base + e]);
      }
      return out;
    }
    const buf = this.sections.rnglists;
    if (!buf) return out;
    const offset = form === DW_FORM.rnglistx ? unit.rnglistsBase + buf.readUInt32LE(unit.rnglistsBase + value * 4) : value;
    const r = new ByteReader(buf, offset);
    let base = unit.lowPc;
    const addr = (index: number): number => this.addressAt(unit, index) ?? 0;
    for (;;) {
      const kind = r.u8();
      if (kind === 0) break; // DW_RLE_end_of_list
      if (kind === 1) base = addr(r.uleb()); // base_addressx
      else if (kind === 2) out.push([addr(r.uleb()), addr(r.uleb())]); // startx_endx
      else if (kind === 3) {
        const s = addr(r.uleb());
        out.push([s, s + r.uleb()]); // startx_length
      } else if (kind === 4) {
        const s = r.uleb();
        out.push([base + s, base + r.uleb()]); // offset_pair
      } else if (kind === 5) base = r.uN(size); // base_address
      else if (kind === 6) out.push([r.uN(size), r.uN(size)]); // start_end
      else if (kind === 7) {
        const s = r.uN(size);
        out.push([s, s + r.uleb()]); // start_length
      } else break; // unknown entry kind: stop rather than misread
    }
    return out;
  }

  /** Decode the subprogram DIE at an absolute `.debug_info` offset of `unit` (undefined if it is another tag). */
  subprogramAt(unit: UnitInfo, offset: number): Subprogram | undefined {
    const r = new ByteReader(this.sections.info, offset);
    const ab = unit.abbrevs[r.uleb()];
    if (!ab || ab.tag !== DW_TAG.subprogram) return undefined;
    let found: Subprogram | undefined;
    this.readSubprogram(r, ab, unit, offset, (_u, sp) => (found = sp));
    return found;
  }

  private readRef(r: ByteReader, form: number, header: UnitHeader): number | undefined {
    if (isUnitRelativeRef(form)) return header.offset + readUnsigned(r, form, header);
    if (form === DW_FORM.ref_addr) return readUnsigned(r, form, header);
    skipForm(r, form, header); // a reference into a supplementary (dwz) file: not followed
    return undefined;
  }

  private addressAt(unit: UnitInfo, index: number): number | undefined {
    const addr = this.sections.addr;
    const at = unit.addrBase + index * unit.header.addrSize;
    if (!addr || at + unit.header.addrSize > addr.length) return undefined;
    return new ByteReader(addr, at).uN(unit.header.addrSize);
  }

  /** A string attribute; undefined for forms that point into files this reader does not open. */
  readString(r: ByteReader, form: number, unit: UnitInfo): string | undefined {
    switch (form) {
      case DW_FORM.string:
        return r.cstr();
      case DW_FORM.strp:
        return stringAt(this.sections.str, r.u32(), '.debug_str');
      case DW_FORM.line_strp:
        return stringAt(this.sections.lineStr, r.u32(), '.debug_line_str');
      default:
        if (isStrxForm(form)) {
          const index = readUnsigned(r, form, unit.header);
          const offsets = this.sections.strOffsets;
          const at = unit.strOffsetsBase + index * 4;
          if (!offsets || at + 4 > offsets.length) return undefined;
          return stringAt(this.sections.str, offsets.readUInt32LE(at), '.debug_str');
        }
        skipForm(r, form, unit.header); // DW_FORM_GNU_strp_alt / strp_sup: in a supplementary file
        return undefined;
    }
  }
}
