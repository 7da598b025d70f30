import { resolveDeclFile, type SourceLocation } from './source-location';

/**
 * Parses `llvm-dwarfdump --debug-info` text for the declarations (file and `fn` line) of wanted
 * functions, and writes the `--name` response file that makes llvm-dwarfdump print only those.
 */

/**
 * Undo llvm-dwarfdump's escaping of a string attribute (raw_ostream::write_escaped): `\\`, `\t`,
 * `\n`, `\"` and three octal digits for every other byte outside printable ASCII (so UTF-8 paths
 * arrive as `\303\251`). The bytes are decoded as UTF-8.
 */
export function unescapeDwarfString(s: string): string {
  if (!s.includes('\\')) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x5c || i + 1 >= s.length) {
      if (c < 0x80) bytes.push(c);
      else bytes.push(...Buffer.from(s[i] ?? '', 'utf8'));
      continue;
    }
    const next = s[i + 1] ?? '';
    const octal = /^[0-7]{3}$/.test(s.slice(i + 1, i + 4)) ? s.slice(i + 1, i + 4) : undefined;
    if (octal) {
      bytes.push(Number.parseInt(octal, 8) & 0xff);
      i += 3;
    } else if (next === 'n') {
      bytes.push(0x0a);
      i++;
    } else if (next === 't') {
      bytes.push(0x09);
      i++;
    } else {
      bytes.push(next.charCodeAt(0) & 0xff); // `\\`, `\"`
      i++;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * The text inside `("…")`; undefined when the value is not a string (e.g. a bare file index).
 * String forms are escaped, but llvm-dwarfdump prints the path it builds for DW_AT_decl_file raw
 * (checked with LLVM 14 and 22 on `/tmp/sl-é "q" x`: comp_dir `"/tmp/sl-\303\251 \"q\" x"`,
 * decl_file `"/tmp/sl-é "q" x/pipeline/src/analysis.rs"`).
 */
function stringValue(value: string, escaped: boolean): string | undefined {
  if (value.length < 4 || !value.startsWith('("') || !value.endsWith('")')) return undefined;
  const inner = value.slice(2, -2);
  return escaped ? unescapeDwarfString(inner) : inner;
}

interface Die {
  offset: number;
  tag: string;
  linkageName?: string;
  /** DW_AT_name: the symbol itself for a `#[no_mangle]` or C function (no linkage name then). */
  name?: string;
  declFile?: string;
  declLine?: number;
  /** DW_AT_declaration: a C++ in-class declaration, whose definition DIE points back at it. */
  declaration?: boolean;
  /** DW_AT_specification / DW_AT_abstract_origin: the DIE that holds the names (and maybe the file). */
  ref?: number;
  /** The linkage name llvm-dwarfdump prints with a DW_AT_specification reference. */
  specName?: string;
}

export interface DwarfdumpStats {
  compileUnits: number;
  /** Subprograms with a DW_AT_decl_line, wanted or not: 0 means the debug info has no decl lines. */
  subprogramsWithDeclLine: number;
  /** Subprograms with a DW_AT_linkage_name, wanted or not. */
  subprogramsWithLinkageName: number;
  /**
   * Compile units with subprograms but not one decl line: rustc's `line-tables-only` output (std's
   * own units, built with more debug info, have decl lines either way).
   */
  unitsWithoutDeclLines: number;
}

const DIE_HEADER = /^0x([0-9a-fA-F]+):\s+(\S+)/;
const ATTRIBUTE = /^\s+(DW_AT_\w+)\s+(\(.*\))\s*$/;
const REF_VALUE = /^\((?:cu \+ )?0x([0-9a-fA-F]+)(?: "(.*)")?\)$/;

type UnitDecl = { file?: string; line?: number; ref?: number };

/**
 * A push parser for `llvm-dwarfdump --debug-info` text: feed it every line; it keeps only the
 * current DIE, the current compile unit's subprogram declarations (to follow a
 * DW_AT_specification) and the wanted results, never the dump.
 *
 * Rust puts the linkage name, decl file and decl line on one DIE (the out-of-line function, or the
 * abstract DIE of an inlined one, which its concrete DIEs point at with DW_AT_abstract_origin).
 * C++ (g++, clang) puts them on an in-class declaration (DW_AT_declaration) and the line of the
 * definition on a DIE that points at it with DW_AT_specification: the definition wins.
 */
export class DwarfdumpDeclParser {
  readonly locations = new Map<string, SourceLocation>();
  readonly stats: DwarfdumpStats = { compileUnits: 0, subprogramsWithDeclLine: 0, subprogramsWithLinkageName: 0, unitsWithoutDeclLines: 0 };
  private die: Die | undefined;
  private compDir: string | undefined;
  /** The current compile unit's subprograms, by DIE offset. */
  private unitDecls = new Map<number, UnitDecl>();
  /** Wanted definitions whose file (or line) is on a DIE not read yet. */
  private pending: { name: string; ref: number; line?: number; declaration: boolean }[] = [];
  /** Names whose location so far comes from a declaration only. */
  private fromDeclaration = new Set<string>();
  private unitSubprograms = 0;
  private unitDeclLines = 0;

  /** `workspaceRoot`: what relative paths (a remapped comp_dir) are resolved against. */
  constructor(
    private readonly wanted: ReadonlySet<string>,
    private readonly workspaceRoot?: string,
  ) {}

  push(line: string): void {
    if (line.startsWith('0x')) {
      this.endDie();
      const m = DIE_HEADER.exec(line);
      if (!m) return;
      const tag = m[2] ?? '';
      if (tag === 'Compile' || tag === 'Type' || tag === 'DW_TAG_compile_unit' || tag === 'DW_TAG_partial_unit') {
        if (tag.startsWith('DW_TAG')) this.stats.compileUnits++;
        else this.endUnit();
      }
      if (tag === 'DW_TAG_subprogram' || tag === 'DW_TAG_compile_unit' || tag === 'DW_TAG_partial_unit') {
        this.die = { offset: Number.parseInt(m[1] ?? '0', 16), tag };
      }
      return;
    }
    const die = this.die;
    if (!die || line.length === 0 || line.charCodeAt(0) !== 0x20) return;
    const m = ATTRIBUTE.exec(line);
    if (!m) return;
    const attr = m[1];
    const value = m[2] ?? '';
    if (die.tag === 'DW_TAG_subprogram') {
      if (attr === 'DW_AT_linkage_name' || attr === 'DW_AT_MIPS_linkage_name') die.linkageName = stringValue(value, true);
      else if (attr === 'DW_AT_name') die.name = stringValue(value, true);
      else if (attr === 'DW_AT_decl_file') die.declFile = stringValue(value, false);
      else if (attr === 'DW_AT_decl_line') {
        const n = Number.parseInt(value.slice(1), 10);
        if (Number.isFinite(n) && n > 0) die.declLine = n;
      } else if (attr === 'DW_AT_declaration') {
        die.declaration = value === '(true)';
      } else if (attr === 'DW_AT_specification' || attr === 'DW_AT_abstract_origin') {
        const r = REF_VALUE.exec(value);
        if (!r) return;
        die.ref = Number.parseInt(r[1] ?? '', 16);
        if (attr === 'DW_AT_specification' && r[2] !== undefined) die.specName = unescapeDwarfString(r[2]);
      }
    } else if (attr === 'DW_AT_comp_dir') {
      this.compDir = stringValue(value, true);
    }
  }

  /** Call after the last line. */
  finish(): Map<string, SourceLocation> {
    this.endDie();
    this.endUnit();
    return this.locations;
  }

  private endDie(): void {
    const die = this.die;
    this.die = undefined;
    if (!die || die.tag !== 'DW_TAG_subprogram') return;
    this.unitSubprograms++;
    if (die.linkageName !== undefined) this.stats.subprogramsWithLinkageName++;
    if (die.declLine !== undefined && die.declFile !== undefined) {
      this.stats.subprogramsWithDeclLine++;
      this.unitDeclLines++;
    }
    const file = die.declFile === undefined ? undefined : resolveDeclFile(die.declFile, this.compDir, this.workspaceRoot);
    this.unitDecls.set(die.offset, { file, line: die.declLine, ref: die.ref });
    // A wanted name that is a DW_AT_name is the symbol only where there is no linkage name
    // (rustc's `fn main` is named `main` too, but its symbol is `_ZN…4main17h…E`).
    const name = die.linkageName ?? die.specName ?? (die.ref === undefined ? die.name : undefined);
    if (name === undefined || !this.wanted.has(name)) return;
    const declaration = die.declaration === true;
    if (file !== undefined && die.declLine !== undefined) this.offer(name, { file, line: die.declLine }, declaration);
    else if (die.ref !== undefined && (die.declLine !== undefined || die.specName === undefined)) {
      this.pending.push({ name, ref: die.ref, line: die.declLine, declaration });
    }
  }

  /** A definition beats a declaration; otherwise the first location found stays. */
  private offer(name: string, location: SourceLocation, declaration: boolean): void {
    if (this.locations.has(name) && (declaration || !this.fromDeclaration.has(name))) return;
    this.locations.set(name, location);
    if (declaration) this.fromDeclaration.add(name);
    else this.fromDeclaration.delete(name);
  }

  private endUnit(): void {
    for (const p of this.pending) {
      let file: string | undefined;
      let line = p.line;
      let ref: number | undefined = p.ref;
      for (let hops = 0; ref !== undefined && hops < 4 && (file === undefined || line === undefined); hops++) {
        const d = this.unitDecls.get(ref);
        if (!d) break;
        file ??= d.file;
        line ??= d.line;
        ref = d.ref;
      }
      if (file !== undefined && line !== undefined) this.offer(p.name, { file, line }, p.declaration);
    }
    if (this.unitSubprograms > 0 && this.unitDeclLines === 0) this.stats.unitsWithoutDeclLines++;
    this.unitSubprograms = 0;
    this.unitDeclLines = 0;
    this.pending = [];
    this.unitDecls.clear();
    this.compDir = undefined;
  }
}

/** Parse a whole dump at once (for tests and small inputs). */
export function parseDwarfdumpDecls(
  text: string,
  wanted: ReadonlySet<string>,
  workspaceRoot?: string,
): { locations: Map<string, SourceLocation>; stats: DwarfdumpStats } {
  const p = new DwarfdumpDeclParser(wanted, workspaceRoot);
  for (const line of text.split('\n')) p.push(line.replace(/\r$/, ''));
  return { locations: p.finish(), stats: p.stats };
}

/** Mangled names (Rust legacy and v0, C++) need no quoting in a response file; anything else stays out. */
const PLAIN_NAME = /^[A-Za-z0-9_$.]+$/;

/**
 * The response file for `llvm-dwarfdump --debug-info @file <bin>`: one `--name=<mangled>` per
 * wanted name. llvm-dwarfdump then prints only the DIEs with that linkage name (and the concrete
 * or inlined instances that point at them) in one pass: ~0.2 s and 4,000 lines for midi-import
 * instead of ~1 s to read 670,000. A response file, because there can be thousands of names.
 */
export function dwarfdumpNameResponseFile(names: Iterable<string>): string {
  const lines: string[] = [];
  for (const n of names) if (PLAIN_NAME.test(n)) lines.push(`--name=${n}`);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
