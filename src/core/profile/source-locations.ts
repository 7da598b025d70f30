import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CancelledError } from '../errors';
import { stripLlvmSuffix } from '../demangle/symbol-suffix';
import { findLlvmTool, type LlvmToolSearch } from '../toolchain/llvm-tools';
import { runStreaming, type RunResult } from '../util/process';
import { DwarfError } from '../dwarf/dwarf-error';
import { readFunctionLocations, type DwarfReadResult } from '../dwarf/function-locations';
import { DwarfdumpDeclParser, dwarfdumpNameResponseFile, type DwarfdumpStats } from './dwarfdump-decls';
import { resolveDeclFile, type SourceLocation } from './source-location';
import { frameLocation, parseNmLine, SymbolizerVerboseParser } from './symbolizer-output';

/**
 * Maps profiled functions to the source file and `fn` line they come from, using the debug info
 * of the instrumented binaries (toolchain-facts.md, "Mapping a profiled function back to source").
 *
 * 0. The built-in DWARF reader (src/core/dwarf, ELF binaries: Linux and the BSDs), first and
 *    always available: DW_AT_decl_line of each wanted DW_AT_linkage_name (exact `fn` line), and
 *    without decl lines (`line-tables-only`) the line-table row at the function's symbol address.
 *    It needs no LLVM tool, so it works with rustup's llvm-tools, which have neither
 *    llvm-dwarfdump nor llvm-symbolizer. The external tools below run only when it cannot read a
 *    binary (not ELF: macOS/Windows; zstd-compressed or 64-bit DWARF; a malformed section).
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

export interface SourceLookupResult {
  /** keyed by the mangled symbol (record name without the "<cgu>;" prefix) */
  locations: Map<string, SourceLocation>;
  /**
   * How it was done: `+`-joined parts that each mapped at least one function, in this order:
   * - `builtin-dwarf:decl-line`: DW_AT_decl_line read by the built-in reader (exact `fn` line);
   * - `builtin-dwarf:entry-line`: no decl line: the line table at the function's symbol (the `fn`
   *   line or the first statement's);
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
   * The bin directory of the matched llvm-profdata: the tools are looked for there first, then
   * where the one LLVM tool finder looks (toolchain/llvm-tools.ts), their version need not match.
   */
  llvmBinDir: string;
  /** rustc's LLVM (for rustup's llvm-tools and `<tool>-<major>`), and where to search: see LlvmToolSearch. */
  toolSearch?: Omit<LlvmToolSearch, 'besideDir' | 'explicitPath'>;
  mangledNames: ReadonlySet<string>;
  signal?: AbortSignal;
  /** False: only the external tools (to compare with them, in tests and `npm run bench:profile`). Default true. */
  builtinReader?: boolean;
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

/** The built-in reader on one binary; a DwarfError (it cannot read this binary) comes back as `error`. */
function builtinLookup(binary: string, wanted: ReadonlySet<string>): { result?: DwarfReadResult; error?: string } {
  try {
    return { result: readFunctionLocations(binary, wanted, { symbolKey: stripLlvmSuffix }) };
  } catch (e) {
    if (e instanceof DwarfError) return { error: `${e.message} (${e.fix})` };
    if (e instanceof RangeError) return { error: `${binary}: the built-in DWARF reader found malformed debug info (${e.message})` };
    throw e;
  }
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
  const search: LlvmToolSearch = { ...opts.toolSearch, besideDir: opts.llvmBinDir };
  // The external tools are looked for only when the built-in reader cannot read a binary.
  let tools: { dwarfdump?: string; nm?: string; symbolizer?: string } | undefined;
  const findTools = async (): Promise<{ dwarfdump?: string; nm?: string; symbolizer?: string }> =>
    (tools ??= {
      dwarfdump: await findLlvmTool('llvm-dwarfdump', search),
      nm: await findLlvmTool('llvm-nm', search),
      symbolizer: await findLlvmTool('llvm-symbolizer', search),
    });
  const used = { builtinDecl: 0, builtinEntry: 0, dwarf: 0, decl: 0, entry: 0 };
  const problems: string[] = [];
  /** Binaries the built-in reader could not read, and why (the external tools then tried them). */
  const builtinFailures: string[] = [];
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
      if (opts.signal?.aborted) throw new CancelledError('the source lookup');
      const builtin = opts.builtinReader === false ? { error: 'not used (builtinReader: false)' } : builtinLookup(binary, remaining);
      if (builtin.result) {
        const b = builtin.result;
        if (b.hasDebugInfo) seen.debugInfo = true;
        if (b.stats.subprogramsWithDeclLine > 0) seen.declLines = true;
        if (b.stats.unitsWithoutDeclLines > 0) seen.lineTablesOnly = true;
        for (const [name, loc] of b.locations) {
          if (!remaining.delete(name)) continue;
          const location: SourceLocation = { file: resolveDeclFile(loc.file, loc.compDir, root), line: loc.line };
          if (loc.column !== undefined) location.column = loc.column;
          locations.set(name, location);
          if (loc.kind === 'decl') used.builtinDecl++;
          else used.builtinEntry++;
        }
        // The external tools read the same debug info: they would find nothing more.
        continue;
      }
      builtinFailures.push(builtin.error ?? binary);
      const { dwarfdump, nm, symbolizer } = await findTools();
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
  if (used.builtinDecl > 0) parts.push('builtin-dwarf:decl-line');
  if (used.builtinEntry > 0) parts.push('builtin-dwarf:entry-line');
  if (used.dwarf > 0) parts.push('dwarf-decl-line');
  if (used.decl > 0) parts.push('symbolizer:symbols-only');
  if (used.entry > 0) parts.push('symbolizer-entry-line:symbols-only');
  const result: SourceLookupResult = { locations, method: parts.length > 0 ? parts.join('+') : 'none' };

  if (locations.size === 0) {
    result.problem = noMappingProblem({
      tools: tools ?? {},
      builtinFailures,
      llvmBinDir: opts.llvmBinDir,
      existing,
      seen,
      problems,
    });
    return result;
  }
  const notes: string[] = [];
  const entry = used.entry + used.builtinEntry;
  if (entry > 0) {
    notes.push(
      `${entry} function${entry === 1 ? '' : 's'} mapped to the line of their first instruction (the \`fn\` line or the ` +
        `first statement's): the debug info has no \`fn\` lines (build.debug: line-tables-only?), and functions without a ` +
        `symbol of their own (inlined everywhere) cannot be found; for exact lines of every function ${DEBUG_FIX}`,
    );
  } else if (tools && !tools.dwarfdump && builtinFailures.length > 0) {
    notes.push('llvm-dwarfdump was not found: only functions with a symbol of their own were looked up (llvm-nm + llvm-symbolizer)');
  }
  if (remaining.size > 0) notes.push(`${remaining.size} of ${opts.mangledNames.size} functions were not found in the debug info`);
  notes.push(...problems);
  // Said only when something is missing: on macOS and Windows (not ELF) the tools are the way.
  if (builtinFailures.length > 0 && remaining.size > 0 && opts.builtinReader !== false) notes.push(`the built-in DWARF reader could not read: ${builtinFailures.join('; ')}`);
  if (notes.length > 0) result.note = notes.join('; ');
  return result;
}

function noMappingProblem(c: {
  tools: { dwarfdump?: string; nm?: string; symbolizer?: string };
  builtinFailures: string[];
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
  if (c.builtinFailures.length > 0 && !dwarfdump && !(nm && symbolizer)) {
    const missing = ['llvm-dwarfdump', ...(nm ? [] : ['llvm-nm']), ...(symbolizer ? [] : ['llvm-symbolizer'])];
    return {
      message:
        `the built-in DWARF reader could not read the binaries (${c.builtinFailures.join('; ')}), and ` +
        `${missing.join(', ')} ${missing.length === 1 ? 'was' : 'were'} not found beside llvm-profdata (${c.llvmBinDir}), in the LLVM installations or on PATH ` +
        `(rustup's llvm-tools component has neither llvm-dwarfdump nor llvm-symbolizer)`,
      fix:
        'put an llvm-dwarfdump on PATH (or name it in LLVM_DWARFDUMP); any recent LLVM reads rustc\'s debug info, its version need not match ' +
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
