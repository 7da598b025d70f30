/**
 * llvm-bolt's command lines. The optimization flags are chosen from the installed llvm-bolt's
 * `--help`, because their names and values changed between releases: `cdsort` (function order)
 * arrived in LLVM 18 (older ones have `hfsort+`), `-split-functions` took a number before LLVM 15,
 * and LLVM 22 deprecates `-icf=1` for `-icf=all`.
 */

/** What the help text offers, read once per llvm-bolt. */
export interface BoltHelp {
  reorderBlocks: readonly string[];
  reorderFunctions: readonly string[];
  icf: readonly string[];
  options: ReadonlySet<string>;
  /** `-split-functions` is a switch (LLVM ≥ 15) rather than a level `=N`. */
  splitFunctionsIsSwitch: boolean;
}

/** The `=value` lines listed under `--name=<value>` in `llvm-bolt --help`. */
function valuesOf(help: string, name: string): string[] {
  const lines = help.split('\n');
  const start = lines.findIndex((l) => new RegExp(`^\\s*--${name}=<`).test(l));
  if (start < 0) return [];
  const out: string[] = [];
  for (const line of lines.slice(start + 1)) {
    const m = /^\s+=(\S*)\s/.exec(line);
    if (!m) break;
    out.push(m[1] ?? '');
  }
  return out;
}

export function parseBoltHelp(help: string): BoltHelp {
  const options = new Set<string>();
  for (const m of help.matchAll(/^\s*--?([a-z][\w-]*)/gm)) if (m[1]) options.add(m[1]);
  return {
    reorderBlocks: valuesOf(help, 'reorder-blocks'),
    reorderFunctions: valuesOf(help, 'reorder-functions'),
    icf: valuesOf(help, 'icf'),
    options,
    splitFunctionsIsSwitch: /^\s*--split-functions\s/m.test(help),
  };
}

const first = (offered: readonly string[], preferred: readonly string[]): string | undefined => preferred.find((p) => offered.includes(p));

/**
 * The optimizing run: block layout for the I-cache (ext-tsp), hot functions together (cdsort, else
 * hfsort+), cold blocks split out of hot functions, identical code folded, and the branch
 * statistics before/after (`-dyno-stats`, shown to the user). `keepDebugInfo` rewrites the debug
 * sections instead of dropping them, so backtraces and the editor's source mapping keep working.
 */
export function boltOptimizeFlags(h: BoltHelp, opts: { data: string; output: string; keepDebugInfo: boolean }): string[] {
  const flags = [`-o=${opts.output}`, `-data=${opts.data}`];
  const blocks = first(h.reorderBlocks, ['ext-tsp', 'cache+']);
  if (blocks) flags.push(`-reorder-blocks=${blocks}`);
  const functions = first(h.reorderFunctions, ['cdsort', 'hfsort+', 'hfsort']);
  if (functions) flags.push(`-reorder-functions=${functions}`);
  if (h.splitFunctionsIsSwitch) flags.push('-split-functions');
  else if (h.options.has('split-functions')) flags.push('-split-functions=3');
  for (const o of ['split-all-cold', 'split-eh', 'dyno-stats', 'use-gnu-stack']) if (h.options.has(o)) flags.push(`-${o}`);
  const icf = first(h.icf, ['all', '1']);
  if (icf) flags.push(`-icf=${icf}`);
  if (opts.keepDebugInfo && h.options.has('update-debug-sections')) flags.push('-update-debug-sections');
  return flags;
}

/**
 * The instrumenting run: counters need no perf and no hardware counters (a VM has none). Each
 * process of the instrumented binary writes `<profilePrefix>.<pid>.fdata` when it exits.
 */
export function boltInstrumentFlags(opts: { output: string; profilePrefix: string }): string[] {
  return ['-instrument', `--instrumentation-file=${opts.profilePrefix}`, '--instrumentation-file-append-pid', `-o=${opts.output}`];
}
