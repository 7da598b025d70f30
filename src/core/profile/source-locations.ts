import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CancelledError } from '../errors';
import { stripLlvmSuffix } from '../demangle/symbol-suffix';
import { runStreaming, type RunResult } from '../util/process';
import { isExecutable, which } from '../util/which';

/**
 * Maps profiled functions to the source file and `fn` line they come from, using the debug info
 * of the instrumented binaries (toolchain-facts.md, "Mapping a profiled function back to source").
 *
 * 1. `llvm-dwarfdump --debug-info`, streamed line by line: every `DW_TAG_subprogram` whose
 *    `DW_AT_linkage_name` is wanted gives `DW_AT_decl_file` + `DW_AT_decl_line`, the line of the
 *    `fn` (for a closure: the line of the closure expression). Functions inlined everywhere are
 *    found too (their abstract DIE carries the names). The names go to llvm-dwarfdump as `--name`
 *    options in a response file, so it prints only those DIEs (~4,000 lines for midi-import); the
 *    whole dump (~670,000 lines: std ships its own debug info) is read only when that fails or finds
 *    nothing. Needs `build.debug: limited` (or `full`): with `line-tables-only` rustc writes the
 *    crate's subprograms with a name only, no linkage name and no decl line.
 * 2. For what is left: `llvm-nm` gives the address of each wanted symbol and `llvm-symbolizer
 *    --verbose` the outermost frame there: its `Function start line` (the decl line) or, without
 *    decl lines (`line-tables-only`), the line of the function's first instruction. That is the
 *    `fn` line or the first statement's (102 of 144 functions of midi-import exact, 28 of its own
 *    33; the rest 1-14 lines further down). Only functions with a symbol of their own are found.
 *
 * The tools need not match rustc's LLVM (unlike llvm-profdata): LLVM 14's llvm-dwarfdump printed
 * the same declarations for rustc 1.95's (LLVM 22) binaries. rustup's llvm-tools component has
 * llvm-nm but neither llvm-dwarfdump nor llvm-symbolizer; Debian's llvm-<N> packages have all three.
 */

export interface SourceLocation {
  file: string;
  line: number;
  column?: number;
}

export interface SourceLookupResult {
  /** keyed by the mangled symbol (record name without the "<cgu>;" prefix) */
  locations: Map<string, SourceLocation>;
  /**
   * How it was done: `+`-joined parts that each mapped at least one function, in this order:
   * - `dwarf-decl-line`: DW_AT_decl_line from llvm-dwarfdump (exact `fn` line, every function);
   * - `symbolizer:symbols-only`: llvm-symbolizer's `Function start line` (exact `fn` line, but only
   *   functions that have a symbol);
   * - `symbolizer-entry-line:symbols-only`: no decl lines in the debug info (line-tables-only): the
   *   line of the function's first instruction, the `fn` line or a few lines below (the first
   *   statement); only functions with a symbol;
   * - `none`: nothing was mapped (see `problem`).
   */
  method: string;
  /** when nothing could be mapped: why, and the fix (e.g. "set build.debug: limited in pgo.yaml") */
  problem?: { message: string; fix: string };
  /** When the mapping is partial or approximate: what is missing and how to get exact lines. */
  note?: string;
}

export interface SourceLookupOptions {
  binaries: string[];
  /**
   * The bin directory of the matched llvm-profdata (pass it through fs.realpathSync: Debian's
   * /usr/bin/llvm-profdata-22 is a link into /usr/lib/llvm-22/bin, where the unversioned tools
   * are). A tool missing there is looked up on PATH, unversioned or as the highest `<tool>-<N>`.
   */
  llvmBinDir: string;
  mangledNames: ReadonlySet<string>;
  signal?: AbortSignal;
  /**
   * What relative paths are resolved against (they only occur with a relative comp_dir, e.g.
   * `--remap-path-prefix=<ws>=.`). Default: the nearest directory above each binary with a Cargo.toml.
   */
  workspaceRoot?: string;
}

const DEBUG_FIX = 'set `build.debug: limited` in pgo.yaml (both PGO builds use it, so run the pipeline again)';
const TOOL_TIMEOUT_MS = 15 * 60_000;
/** Addresses per llvm-symbolizer run: they go on the command line (process.ts gives no stdin). */
const SYMBOLIZER_BATCH = 2000;

// ---------------------------------------------------------------------------------------------
// llvm-dwarfdump --debug-info

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

/**
 * An absolute path for a DW_AT_decl_file. llvm-dwarfdump and llvm-symbolizer already put
 * DW_AT_comp_dir in front of a relative file name, so a path is only left relative when the
 * comp_dir itself is (`--remap-path-prefix=<ws>=.` gives comp_dir `.` and
 * `./pipeline/src/analysis.rs`): rustc ran in the workspace root, so that is what it is relative to.
 */
export function resolveDeclFile(file: string, compDir: string | undefined, workspaceRoot: string | undefined): string {
  if (path.isAbsolute(file)) return path.normalize(file);
  if (compDir && path.isAbsolute(compDir)) return path.resolve(compDir, file);
  return workspaceRoot ? path.resolve(workspaceRoot, file) : file;
}

/** The nearest directory above a binary that has a Cargo.toml (`<ws>/target/pgo/…/bin` gives `<ws>`). */
export function inferWorkspaceRoot(binary: string): string | undefined {
  let dir = path.dirname(path.resolve(binary));
  for (;;) {
    if (fs.existsSync(path.join(dir, 'Cargo.toml'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
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

// ---------------------------------------------------------------------------------------------
// llvm-nm

export interface NmSymbol {
  /** Lower-case hex without leading zeros or `0x`. */
  address: string;
  type: string;
  name: string;
}

const NM_LINE = /^([0-9a-fA-F]+) ([A-Za-z]) (\S.*)$/;

/** One line of `llvm-nm --defined-only` (BSD format); undefined for anything that is not a function symbol. */
export function parseNmLine(line: string): NmSymbol | undefined {
  const m = NM_LINE.exec(line);
  if (!m || !/^[tTwWiI]$/.test(m[2] ?? '')) return undefined;
  return { address: normalizeAddress(m[1] ?? '0'), type: m[2] ?? '', name: m[3] ?? '' };
}

function normalizeAddress(hex: string): string {
  return BigInt(`0x${hex.replace(/^0x/i, '')}`).toString(16);
}

// ---------------------------------------------------------------------------------------------
// llvm-symbolizer --verbose --print-address

export interface SymbolizerFrame {
  function: string;
  filename?: string;
  functionStartFilename?: string;
  functionStartLine?: number;
  functionStartAddress?: string;
  line?: number;
  column?: number;
}

export interface SymbolizedAddress {
  /** Lower-case hex without leading zeros or `0x`. */
  address: string;
  /** Inlined frames first, the function that contains the address last. */
  frames: SymbolizerFrame[];
}

const ADDRESS_LINE = /^0x[0-9a-fA-F]+$/;
const FIELD_LINE = /^\s+([A-Za-z][A-Za-z ]*):\s?(.*)$/;

/** A push parser for `llvm-symbolizer --verbose --print-address` output. */
export class SymbolizerVerboseParser {
  readonly results: SymbolizedAddress[] = [];
  private current: SymbolizedAddress | undefined;

  push(line: string): void {
    if (line.trim() === '') {
      this.current = undefined;
      return;
    }
    if (ADDRESS_LINE.test(line)) {
      this.current = { address: normalizeAddress(line), frames: [] };
      this.results.push(this.current);
      return;
    }
    if (!this.current) return;
    const field = FIELD_LINE.exec(line);
    if (!field) {
      if (!/^\s/.test(line)) this.current.frames.push({ function: line });
      return;
    }
    const frame = this.current.frames[this.current.frames.length - 1];
    if (!frame) return;
    const value = (field[2] ?? '').trim();
    const num = (): number | undefined => (/^\d+$/.test(value) ? Number.parseInt(value, 10) : undefined);
    switch (field[1]) {
      case 'Filename':
        frame.filename = value;
        break;
      case 'Function start filename':
        frame.functionStartFilename = value;
        break;
      case 'Function start line':
        frame.functionStartLine = num();
        break;
      case 'Function start address':
        frame.functionStartAddress = value;
        break;
      case 'Line':
        frame.line = num();
        break;
      case 'Column':
        frame.column = num();
        break;
      default:
        break;
    }
  }
}

export function parseSymbolizerVerbose(text: string): SymbolizedAddress[] {
  const p = new SymbolizerVerboseParser();
  for (const line of text.split('\n')) p.push(line.replace(/\r$/, ''));
  return p.results;
}

const UNKNOWN_FILE = new Set(['', '??', '<invalid>']);

/**
 * The source location of the function that contains an address (its outermost frame): the
 * `Function start line` (the decl line) when the debug info has one. Without (line tables only),
 * the line at the function's first address: the line-table row itself when it is a column-0
 * prologue row in the function's file (reported in the innermost frame when inlined code starts at
 * the same address: `encode_vlq` gives `min<u32>` smf.rs:544:0 inside `encode_vlq` smf.rs:545:23,
 * and 544 is the `fn` line), else the outer frame's line.
 */
export function frameLocation(
  entry: SymbolizedAddress,
  workspaceRoot?: string,
): { location: SourceLocation; kind: 'decl' | 'entry' } | undefined {
  const outer = entry.frames[entry.frames.length - 1];
  if (!outer) return undefined;
  const startFile = outer.functionStartFilename ?? outer.filename;
  if (outer.functionStartLine && startFile !== undefined && !UNKNOWN_FILE.has(startFile)) {
    return { location: { file: resolveDeclFile(startFile, undefined, workspaceRoot), line: outer.functionStartLine }, kind: 'decl' };
  }
  const inner = entry.frames[0];
  const row = inner && inner !== outer && inner.column === 0 && inner.filename === outer.filename && inner.line ? inner : outer;
  if (row.line && row.filename !== undefined && !UNKNOWN_FILE.has(row.filename)) {
    const location: SourceLocation = { file: resolveDeclFile(row.filename, undefined, workspaceRoot), line: row.line };
    if (row.column) location.column = row.column;
    return { location, kind: 'entry' };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The lookup

/** `<llvmBinDir>/<name>`, else `<name>` on PATH, else the highest `<name>-<N>` on PATH. */
export function findLlvmTool(llvmBinDir: string, name: string, pathVar = process.env.PATH ?? ''): string | undefined {
  const exe = process.platform === 'win32' ? '.exe' : '';
  const sibling = path.join(llvmBinDir, `${name}${exe}`);
  if (isExecutable(sibling)) return sibling;
  const plain = which(`${name}${exe}`, pathVar);
  if (plain) return plain;
  const versioned = new RegExp(`^${name}-(\\d+)${exe.replace('.', '\\.')}$`);
  let best: { file: string; major: number } | undefined;
  for (const dir of pathVar.split(path.delimiter)) {
    if (!dir) continue;
    let entries: string[];
    try {
      entries = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const entry of entries) {
      const m = versioned.exec(entry);
      const major = Number(m?.[1]);
      const file = path.join(dir, entry);
      if (m && (!best || major > best.major) && isExecutable(file)) best = { file, major };
    }
  }
  return best?.file;
}

function failure(tool: string, r: RunResult): string | undefined {
  if (r.timedOut) return `\`${tool}\` timed out`;
  if (r.exitCode === 0) return undefined;
  const detail = r.stderrTail.filter((l) => l.trim()).slice(-3).join(' / ');
  return `\`${tool}\` exited with ${r.exitCode ?? r.signal ?? '?'}${detail ? `: ${detail}` : ''}`;
}

interface DwarfdumpRun {
  locations: Map<string, SourceLocation>;
  stats: DwarfdumpStats;
  error?: string;
}

async function runDwarfdump(
  tool: string,
  args: string[],
  wanted: ReadonlySet<string>,
  root: string | undefined,
  signal: AbortSignal | undefined,
): Promise<DwarfdumpRun> {
  const parser = new DwarfdumpDeclParser(wanted, root);
  const r = await runStreaming(tool, args, {
    signal,
    timeoutMs: TOOL_TIMEOUT_MS,
    onLine: (line, stream) => {
      if (stream === 'stdout') parser.push(line);
    },
  });
  const locations = parser.finish();
  const error = failure(path.basename(tool), r);
  return error ? { locations, stats: parser.stats, error } : { locations, stats: parser.stats };
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

async function dwarfdumpFiltered(
  tool: string,
  binary: string,
  wanted: ReadonlySet<string>,
  root: string | undefined,
  signal: AbortSignal | undefined,
): Promise<DwarfdumpRun | undefined> {
  const rsp = dwarfdumpNameResponseFile(wanted);
  if (!rsp) return undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgo-dwarf-'));
  try {
    const file = path.join(dir, 'names.rsp');
    fs.writeFileSync(file, rsp);
    return await runDwarfdump(tool, ['--debug-info', `@${file}`, binary], wanted, root, signal);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function symbolizerLookup(
  nm: string,
  symbolizer: string,
  binary: string,
  wanted: ReadonlySet<string>,
  root: string | undefined,
  signal: AbortSignal | undefined,
): Promise<{ locations: Map<string, { location: SourceLocation; kind: 'decl' | 'entry' }>; error?: string }> {
  const byAddress = new Map<string, string[]>();
  const nmRun = await runStreaming(nm, ['--defined-only', binary], {
    signal,
    timeoutMs: TOOL_TIMEOUT_MS,
    onLine: (line, stream) => {
      if (stream !== 'stdout') return;
      const sym = parseNmLine(line);
      if (!sym) return;
      const name = wanted.has(sym.name) ? sym.name : stripLlvmSuffix(sym.name);
      if (!wanted.has(name)) return;
      const names = byAddress.get(sym.address) ?? [];
      if (!names.includes(name)) names.push(name);
      byAddress.set(sym.address, names);
    },
  });
  const locations = new Map<string, { location: SourceLocation; kind: 'decl' | 'entry' }>();
  const nmError = failure(path.basename(nm), nmRun);
  if (nmError) return { locations, error: nmError };
  const addresses = [...byAddress.keys()];
  for (let i = 0; i < addresses.length; i += SYMBOLIZER_BATCH) {
    const batch = addresses.slice(i, i + SYMBOLIZER_BATCH);
    const parser = new SymbolizerVerboseParser();
    const r = await runStreaming(symbolizer, ['--verbose', '--print-address', `--obj=${binary}`, ...batch.map((a) => `0x${a}`)], {
      signal,
      timeoutMs: TOOL_TIMEOUT_MS,
      onLine: (line, stream) => {
        if (stream === 'stdout') parser.push(line);
      },
    });
    const error = failure(path.basename(symbolizer), r);
    if (error) return { locations, error };
    for (const entry of parser.results) {
      const found = frameLocation(entry, root);
      if (!found) continue;
      for (const name of byAddress.get(entry.address) ?? []) if (!locations.has(name)) locations.set(name, found);
    }
  }
  return { locations };
}

/** Legacy (`_ZN…E`) or v0 (`_R…`) Rust mangling. */
function isRustSymbol(name: string): boolean {
  return /^_?_(ZN|R[0-9A-Z_])/.test(name);
}

/**
 * Map each wanted mangled name to its source file and `fn` line. Never throws for missing tools,
 * binaries or debug info (the result says what is missing and the fix); only cancellation throws.
 */
export async function lookupSourceLocations(opts: SourceLookupOptions): Promise<SourceLookupResult> {
  const locations = new Map<string, SourceLocation>();
  const remaining = new Set(opts.mangledNames);
  if (remaining.size === 0) return { locations, method: 'none' };
  const dwarfdump = findLlvmTool(opts.llvmBinDir, 'llvm-dwarfdump');
  const nm = findLlvmTool(opts.llvmBinDir, 'llvm-nm');
  const symbolizer = findLlvmTool(opts.llvmBinDir, 'llvm-symbolizer');
  const used = { dwarf: 0, decl: 0, entry: 0 };
  const problems: string[] = [];
  const seen = { debugInfo: false, declLines: false, lineTablesOnly: false };
  let existing = 0;

  for (const binary of opts.binaries) {
    if (remaining.size === 0) break;
    if (!fs.existsSync(binary)) {
      problems.push(`${binary} does not exist`);
      continue;
    }
    existing++;
    const root = opts.workspaceRoot ?? inferWorkspaceRoot(binary);
    let found = 0;
    let stats: DwarfdumpStats | undefined;
    const noteStats = (d: DwarfdumpRun): void => {
      stats = d.stats;
      if (d.stats.compileUnits > 0) seen.debugInfo = true;
      if (d.stats.subprogramsWithDeclLine > 0) seen.declLines = true;
      if (d.stats.unitsWithoutDeclLines > 0) seen.lineTablesOnly = true;
    };
    const takeDwarf = (d: DwarfdumpRun): void => {
      for (const [name, loc] of d.locations) {
        if (!remaining.delete(name)) continue;
        locations.set(name, loc);
        used.dwarf++;
        found++;
        seen.debugInfo = true;
      }
    };
    try {
      if (dwarfdump) {
        let d = await dwarfdumpFiltered(dwarfdump, binary, remaining, root, opts.signal);
        if (!d || d.error) {
          // An llvm-dwarfdump without response files or --name: read the whole dump.
          d = await runDwarfdump(dwarfdump, ['--debug-info', binary], remaining, root, opts.signal);
          noteStats(d);
        }
        if (d.error) problems.push(`${binary}: ${d.error}`);
        takeDwarf(d);
      }
      // The fallback, for what llvm-dwarfdump left: all of it with line-tables-only (only a few
      // std functions have decl lines then), or Rust functions of a crate built with less debug
      // info. Not for `main` alone, rustc's C shim, which has no debug info at all: llvm-nm and
      // llvm-symbolizer would double the time for nothing (~0.15 s on midi-import).
      if (remaining.size > 0 && nm && symbolizer && (found === 0 || [...remaining].some(isRustSymbol))) {
        const s = await symbolizerLookup(nm, symbolizer, binary, remaining, root, opts.signal);
        if (s.error) problems.push(`${binary}: ${s.error}`);
        for (const [name, { location, kind }] of s.locations) {
          if (!remaining.delete(name)) continue;
          locations.set(name, location);
          found++;
          seen.debugInfo = true;
          if (kind === 'decl') used.decl++;
          else used.entry++;
        }
      }
      if (found === 0 && dwarfdump && !stats) {
        // Nothing found: read the whole dump once, to tell "no debug info" from "no decl lines".
        const d = await runDwarfdump(dwarfdump, ['--debug-info', binary], remaining, root, opts.signal);
        noteStats(d);
        takeDwarf(d);
      }
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      problems.push(`${binary}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  const parts: string[] = [];
  if (used.dwarf > 0) parts.push('dwarf-decl-line');
  if (used.decl > 0) parts.push('symbolizer:symbols-only');
  if (used.entry > 0) parts.push('symbolizer-entry-line:symbols-only');
  const result: SourceLookupResult = { locations, method: parts.length > 0 ? parts.join('+') : 'none' };

  if (locations.size === 0) {
    result.problem = noMappingProblem({
      tools: { dwarfdump, nm, symbolizer },
      llvmBinDir: opts.llvmBinDir,
      existing,
      seen,
      problems,
    });
    return result;
  }
  const notes: string[] = [];
  if (used.entry > 0) {
    notes.push(
      `${used.entry} function${used.entry === 1 ? '' : 's'} mapped to the line of their first instruction (the \`fn\` line or the ` +
        `first statement's): the debug info has no \`fn\` lines (build.debug: line-tables-only?), and functions without a ` +
        `symbol of their own (inlined everywhere) cannot be found; for exact lines of every function ${DEBUG_FIX}`,
    );
  } else if (!dwarfdump) {
    notes.push('llvm-dwarfdump was not found: only functions with a symbol of their own were looked up (llvm-nm + llvm-symbolizer)');
  }
  if (remaining.size > 0) notes.push(`${remaining.size} of ${opts.mangledNames.size} functions were not found in the debug info`);
  notes.push(...problems);
  if (notes.length > 0) result.note = notes.join('; ');
  return result;
}

function noMappingProblem(c: {
  tools: { dwarfdump?: string; nm?: string; symbolizer?: string };
  llvmBinDir: string;
  existing: number;
  seen: { debugInfo: boolean; declLines: boolean; lineTablesOnly: boolean };
  problems: string[];
}): { message: string; fix: string } {
  const detail = c.problems.length > 0 ? ` (${c.problems.join('; ')})` : '';
  if (c.existing === 0) {
    return {
      message: `no instrumented binary to read debug info from${detail}`,
      fix: 'build the instrumented binaries first (`pgo instrument <component>`)',
    };
  }
  const { dwarfdump, nm, symbolizer } = c.tools;
  if (!dwarfdump && !(nm && symbolizer)) {
    const missing = ['llvm-dwarfdump', ...(nm ? [] : ['llvm-nm']), ...(symbolizer ? [] : ['llvm-symbolizer'])];
    return {
      message:
        `${missing.join(', ')} not found in ${c.llvmBinDir} or on PATH, so nothing can read the debug info ` +
        `(rustup's llvm-tools component has neither llvm-dwarfdump nor llvm-symbolizer)`,
      fix:
        'put an llvm-dwarfdump on PATH; any recent LLVM reads rustc\'s debug info, its version need not match ' +
        '(Debian/Ubuntu: `apt-get install llvm`, or `apt-get install llvm-<N>` for /usr/lib/llvm-<N>/bin)',
    };
  }
  if (!c.seen.debugInfo) {
    return {
      message: `the binaries have no debug info (build.debug is none or unset, and cargo's release profile strips it then)${detail}`,
      fix: DEBUG_FIX,
    };
  }
  if (c.seen.declLines && !c.seen.lineTablesOnly) {
    return {
      message: `none of the profiled functions is in the binaries' debug info: the names do not match (names from another build?)${detail}`,
      fix: 'look the names up in the instrumented binaries of the same build (run `pgo instrument <component>` again)',
    };
  }
  return {
    message: `the debug info has no \`fn\` lines for the profiled functions (build.debug: line-tables-only?)${detail}`,
    fix: DEBUG_FIX,
  };
}
