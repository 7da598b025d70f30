import { readDebugSections, type DebugSections } from './debug-sections';
import { DwarfError } from './dwarf-error';
import { ElfFile } from './elf-file';
import { functionAddresses } from './elf-symbols';
import { filePath, readLineTableHeader, scanLineProgram, type LineRow, type LineTableHeader } from './line-table';
import { UnitWalker, type EntryCallSite, type Subprogram, type UnitInfo } from './unit-walker';

/**
 * The built-in DWARF reader's answer to "where is this function's source?", from an ELF binary's
 * own debug info, with no external tool. (There is no well-kept JavaScript DWARF library on npm:
 * the few packages are unmaintained, partial, or wrap native code; so this reads the few
 * sections it needs itself.)
 *
 * 1. DW_AT_decl_file + DW_AT_decl_line of the DW_TAG_subprogram whose DW_AT_linkage_name is the
 *    wanted symbol, following DW_AT_specification / DW_AT_abstract_origin (generic and inlined
 *    instances point at the DIE that holds the declaration): the exact `fn` line
 *    (`build.debug: limited` or `full`). Same rules as the llvm-dwarfdump path it replaces.
 * 2. Without decl lines (`line-tables-only`: rustc then writes no linkage names either), the
 *    function's address from the symbol table, and the line-table row there: the `fn` line, or
 *    the first statement's a few lines below.
 */
export interface DwarfFunctionLocation {
  /** The path as the debug info spells it (joined with its directory and the compilation directory). */
  file: string;
  line: number;
  column?: number;
  /** `decl`: DW_AT_decl_line; `entry`: the line table at the function's first address. */
  kind: 'decl' | 'entry';
  /** DW_AT_comp_dir of the unit, for resolving a path that is still relative. */
  compDir?: string;
}

export interface DwarfReadStats {
  compileUnits: number;
  subprogramsWithDeclLine: number;
  subprogramsWithLinkageName: number;
  /** Units with subprograms but not one decl line: rustc's `line-tables-only` output. */
  unitsWithoutDeclLines: number;
  /** DWARF versions seen in unit headers. */
  versions: number[];
}

export interface DwarfReadResult {
  locations: Map<string, DwarfFunctionLocation>;
  stats: DwarfReadStats;
  /** False when the binary has no `.debug_info` at all. */
  hasDebugInfo: boolean;
}

export interface DwarfReadOptions {
  /** Also map the remaining functions to the line at their first address (default true). */
  entryLines?: boolean;
  /** The key a symbol table name counts as (e.g. without a ThinLTO `.llvm.<id>` suffix). */
  symbolKey?: (symbol: string) => string;
}

/** Read `binary`'s debug info for the `wanted` mangled names. Throws DwarfError when it cannot. */
export function readFunctionLocations(binary: string, wanted: ReadonlySet<string>, opts: DwarfReadOptions = {}): DwarfReadResult {
  const elf = ElfFile.open(binary);
  if (!elf) throw new DwarfError(`${binary} is not an ELF file`, 'on macOS and Windows, put an llvm-dwarfdump on PATH (debug info lives in dSYM / PDB files there)');
  try {
    const sections = readDebugSections(elf);
    const stats: DwarfReadStats = { compileUnits: 0, subprogramsWithDeclLine: 0, subprogramsWithLinkageName: 0, unitsWithoutDeclLines: 0, versions: [] };
    if (!sections) return { locations: new Map(), stats, hasDebugInfo: false };
    const reader = new DeclarationResolver(sections, binary, wanted, stats);
    reader.run();
    const locations = reader.locations;
    // The line tables are scanned only where decl lines are missing (line-tables-only units, or
    // wanted DIEs without one): with `limited` debug info what is left has no debug info at all
    // (rustc's C `main` shim), and scanning every line program for it would cost more than the rest.
    const entryUseful = stats.unitsWithoutDeclLines > 0 || reader.lowPcs.size > 0;
    if (opts.entryLines !== false && entryUseful && locations.size < wanted.size && sections.line) {
      const remaining = new Set([...wanted].filter((n) => !locations.has(n)));
      const addresses = functionAddresses(elf, remaining, opts.symbolKey ?? ((s) => s));
      for (const [name, address] of reader.lowPcs) if (remaining.has(name) && !addresses.has(name)) addresses.set(name, address);
      const callSites = new Map<number, { unit: UnitInfo; site: EntryCallSite }>();
      const probe = new Map<UnitInfo, Set<number>>();
      for (const address of addresses.values()) {
        const unit = reader.functionUnits.get(address);
        if (unit) probe.set(unit, (probe.get(unit) ?? new Set()).add(address));
      }
      const walker = new UnitWalker(sections, binary);
      for (const [unit, set] of probe) for (const [address, site] of walker.entryCallSites(unit, set)) callSites.set(address, { unit, site });
      for (const [name, loc] of entryLines(sections, reader.units, addresses, callSites)) locations.set(name, loc);
    }
    return { locations, stats, hasDebugInfo: true };
  } finally {
    elf.close();
  }
}

interface Declared {
  unit: UnitInfo;
  sp: Subprogram;
}

/** Up to this many DW_AT_specification / abstract_origin hops (Rust needs 1-2). */
const MAX_HOPS = 4;

class DeclarationResolver {
  readonly locations = new Map<string, DwarfFunctionLocation>();
  /** Wanted functions with an address but no decl line, for the entry-line pass. */
  readonly lowPcs = new Map<string, number>();
  /** The unit of every function with an address (DW_AT_low_pc), for the entry-line pass. */
  readonly functionUnits = new Map<number, UnitInfo>();
  units: UnitInfo[] = [];
  private readonly walker: UnitWalker;
  /** The current unit's subprograms by offset (cleared after each unit). */
  private unitSubprograms = new Map<number, Subprogram>();
  /** The current unit's wanted subprograms, resolved when the unit ends. */
  private unitWanted: Subprogram[] = [];
  /** Wanted subprograms whose chain leaves their unit: resolved after the walk. */
  private crossUnit: Declared[] = [];
  private readonly fromDeclaration = new Set<string>();
  private readonly lineHeaders = new Map<number, LineTableHeader | null>();
  private unitHasSubprograms = false;
  private unitDeclLines = 0;

  constructor(
    private readonly sections: DebugSections,
    private readonly file: string,
    private readonly wanted: ReadonlySet<string>,
    private readonly stats: DwarfReadStats,
  ) {
    this.walker = new UnitWalker(sections, file);
  }

  run(): void {
    this.units = this.walker.walk(
      (unit, sp) => {
        if (sp.lowPc !== undefined && sp.lowPc !== 0) this.functionUnits.set(sp.lowPc, unit);
        this.onSubprogram(sp);
      },
      (unit) => this.onUnitEnd(unit),
    );
    for (const d of this.crossUnit) this.resolve(d.unit, d.sp, (offset) => this.subprogramAnywhere(offset));
  }

  private onSubprogram(sp: Subprogram): void {
    this.unitHasSubprograms = true;
    if (sp.linkageName !== undefined) this.stats.subprogramsWithLinkageName++;
    if (sp.declLine !== undefined && sp.declFile !== undefined) {
      this.stats.subprogramsWithDeclLine++;
      this.unitDeclLines++;
    }
    // Kept as a possible target of another DIE's DW_AT_specification / DW_AT_abstract_origin:
    // only what a target can contribute (a declaration, or a further reference; a C++ in-class
    // declaration also gives its linkage name).
    if (sp.declFile !== undefined || sp.declLine !== undefined || sp.ref !== undefined || sp.declaration) {
      this.unitSubprograms.set(sp.offset, sp);
    }
    // A candidate: named here, or named by the declaration it specifies (C++), resolved at unit end.
    if (sp.linkageName !== undefined ? this.wanted.has(sp.linkageName) : sp.ref !== undefined || (sp.name !== undefined && this.wanted.has(sp.name))) {
      this.unitWanted.push(sp);
    }
  }

  private onUnitEnd(unit: UnitInfo): void {
    this.stats.compileUnits++;
    if (!this.stats.versions.includes(unit.header.version)) this.stats.versions.push(unit.header.version);
    const inUnit = (offset: number): Subprogram | undefined => this.unitSubprograms.get(offset);
    for (const sp of this.unitWanted) {
      if (!this.resolve(unit, sp, inUnit)) this.crossUnit.push({ unit, sp });
    }
    if (this.unitHasSubprograms && this.unitDeclLines === 0) this.stats.unitsWithoutDeclLines++;
    this.unitHasSubprograms = false;
    this.unitDeclLines = 0;
    this.unitWanted = [];
    this.unitSubprograms = new Map();
  }

  /**
   * Follow `sp`'s chain for its name, file and line, and offer the result. False when the chain
   * leaves what `lookup` can see (another unit): then it is tried again after the walk.
   */
  private resolve(unit: UnitInfo, sp: Subprogram, lookup: (offset: number) => Declared | Subprogram | undefined): boolean {
    // A name found here is the symbol only where there is no linkage name and no reference
    // (rustc's `fn main` is named `main` too, but its symbol is `_ZN…4main17h…E`).
    let name = sp.linkageName ?? (sp.ref === undefined ? sp.name : undefined);
    let fileOwner: UnitInfo | undefined = sp.declFile !== undefined ? unit : undefined;
    let fileIndex = sp.declFile;
    let line = sp.declLine;
    let ref = sp.ref;
    let viaSpecification = sp.refIsSpecification;
    let current = unit;
    for (let hops = 0; ref !== undefined && hops < MAX_HOPS && (name === undefined || fileIndex === undefined || line === undefined); hops++) {
      const found = lookup(ref);
      if (!found) {
        if (ref >= current.header.offset && ref < current.header.end) break; // not a subprogram: give up
        return false;
      }
      const target: Subprogram = 'sp' in found ? found.sp : found;
      const targetUnit = 'sp' in found ? found.unit : current;
      // The name comes through DW_AT_specification only: an abstract origin names the same function.
      if (name === undefined && viaSpecification) name = target.linkageName;
      if (fileIndex === undefined && target.declFile !== undefined) {
        fileIndex = target.declFile;
        fileOwner = targetUnit;
      }
      line ??= target.declLine;
      ref = target.ref;
      viaSpecification = target.refIsSpecification;
      current = targetUnit;
    }
    if (name === undefined || !this.wanted.has(name)) return true;
    if (fileOwner && fileIndex !== undefined && line !== undefined && line > 0) {
      const file = this.declFilePath(fileOwner, fileIndex);
      if (file !== undefined) {
        this.offer(name, { file, line, kind: 'decl', compDir: fileOwner.compDir }, sp.declaration);
        return true;
      }
    }
    if (sp.lowPc !== undefined && !this.lowPcs.has(name)) this.lowPcs.set(name, sp.lowPc);
    return true;
  }

  /** A definition beats a declaration; otherwise the first location found stays. */
  private offer(name: string, location: DwarfFunctionLocation, declaration: boolean): void {
    if (this.locations.has(name) && (declaration || !this.fromDeclaration.has(name))) return;
    this.locations.set(name, location);
    if (declaration) this.fromDeclaration.add(name);
    else this.fromDeclaration.delete(name);
  }

  private subprogramAnywhere(offset: number): Declared | undefined {
    const unit = unitContaining(this.units, offset);
    if (!unit) return undefined;
    const sp = this.walker.subprogramAt(unit, offset);
    return sp ? { unit, sp } : undefined;
  }

  private declFilePath(unit: UnitInfo, index: number): string | undefined {
    const header = lineHeader(this.sections, unit, this.lineHeaders, this.file);
    return header ? filePath(header, index, unit.compDir) : undefined;
  }
}

function unitContaining(units: readonly UnitInfo[], offset: number): UnitInfo | undefined {
  let lo = 0;
  let hi = units.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const u = units[mid]!;
    if (offset < u.header.offset) hi = mid - 1;
    else if (offset >= u.header.end) lo = mid + 1;
    else return u;
  }
  return undefined;
}

function lineHeader(sections: DebugSections, unit: UnitInfo, cache: Map<number, LineTableHeader | null>, file: string): LineTableHeader | undefined {
  if (unit.stmtList === undefined || !sections.line) return undefined;
  let header = cache.get(unit.stmtList);
  if (header === undefined) {
    try {
      header = readLineTableHeader(sections.line, unit.stmtList, { str: sections.str, lineStr: sections.lineStr });
    } catch (e) {
      if (!(e instanceof DwarfError) && !(e instanceof RangeError)) throw e;
      throw new DwarfError(`${file}: unreadable line table at .debug_line+0x${unit.stmtList.toString(16)}: ${e.message}`, e instanceof DwarfError ? e.fix : 'put an llvm-dwarfdump on PATH');
    }
    cache.set(unit.stmtList, header);
  }
  return header ?? undefined;
}

/**
 * The line at each function's first address, from the line tables, the way llvm-symbolizer's
 * outermost frame gives it. Several rows can share that address (the prologue, then inlined code
 * that starts there). When an inlined call covers the address, the function's own line there is
 * the call site, unless the row is a column-0 (prologue) row in the same file: then the row. With
 * no inlined call: a column-0 row if there is one (the prologue, on the `fn` line), else the last
 * row, the one llvm-symbolizer reports.
 */
function entryLines(
  sections: DebugSections,
  units: readonly UnitInfo[],
  addresses: ReadonlyMap<string, number>,
  callSites: ReadonlyMap<number, { unit: UnitInfo; site: EntryCallSite }>,
): Map<string, DwarfFunctionLocation> {
  const out = new Map<string, DwarfFunctionLocation>();
  if (addresses.size === 0 || !sections.line) return out;
  const namesAt = new Map<number, string[]>();
  for (const [name, address] of addresses) namesAt.set(address, [...(namesAt.get(address) ?? []), name]);
  const wantedAddresses = new Set(namesAt.keys());
  const headers = new Map<number, LineTableHeader | null>();
  type Seen = { row: LineRow; unit: UnitInfo; header: LineTableHeader };
  const rows = new Map<number, { prologue?: Seen; last: Seen }>();
  const scanned = new Set<number>();
  for (const unit of units) {
    if (unit.stmtList === undefined || scanned.has(unit.stmtList)) continue;
    scanned.add(unit.stmtList);
    const header = lineHeader(sections, unit, headers, '');
    if (!header) continue;
    scanLineProgram(sections.line, header, wantedAddresses, (row) => {
      const seen = { row, unit, header };
      const prev = rows.get(row.address);
      if (prev && prev.last.unit !== unit) return; // the same address in another unit's table: keep the first
      rows.set(row.address, { prologue: prev?.prologue ?? (row.column === 0 ? seen : undefined), last: seen });
    });
  }
  for (const [address, { prologue, last }] of rows) {
    const call = callSites.get(address);
    let file: string | undefined;
    let line: number;
    let column: number | undefined;
    let unit = last.unit;
    if (call) {
      const callHeader = lineHeader(sections, call.unit, headers, '');
      const callFile = callHeader ? filePath(callHeader, call.site.callFile, call.unit.compDir) : undefined;
      const rowFile = filePath(last.header, last.row.file, last.unit.compDir);
      if (last.row.column === 0 && rowFile === callFile) {
        file = rowFile;
        line = last.row.line;
      } else {
        file = callFile;
        line = call.site.callLine;
        unit = call.unit;
      }
    } else {
      const chosen = prologue ?? last;
      file = filePath(chosen.header, chosen.row.file, chosen.unit.compDir);
      line = chosen.row.line;
      column = chosen.row.column || undefined;
      unit = chosen.unit;
    }
    if (file === undefined || line === 0) continue;
    for (const name of namesAt.get(address) ?? []) {
      const loc: DwarfFunctionLocation = { file, line, kind: 'entry', compDir: unit.compDir };
      if (column) loc.column = column;
      out.set(name, loc);
    }
  }
  return out;
}
