import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ExitCode, PgoError } from '../errors';
import type { ResolvedComponent } from '../config/resolve-project';
import type { BuildContext } from '../pipeline/engine-context';
import { runWorkloadCommand } from '../pipeline/workload-phase';
import { removeStaleTemps, renameDurably, tempPathFor, writeFileAtomic } from '../util/atomic-write';
import { runStreaming } from '../util/process';
import { readJson } from '../util/read-json';
import { boltInputProblem, classifyBoltFailure, readBoltInputFacts } from './bolt-failure';
import { boltInstrumentFlags, boltOptimizeFlags } from './bolt-flags';
import { requireBoltTools, type BoltTools } from './bolt-tools';
import { fdataMergePlan } from './fdata-merge';

/**
 * BOLT in instrumentation mode (no perf, no hardware counters): llvm-bolt -instrument → the
 * component's workloads on those binaries → merge-fdata → llvm-bolt with the profile. Works on
 * binaries linked with --emit-relocs, under `dir`:
 *
 *   <dir>/instrumented/<bin>     BOLT-instrumented binaries
 *   <dir>/raw/<bin>/prof.<pid>.fdata   what each of their processes wrote (replaced every run)
 *   <dir>/raw/<bin>.parts/       partial merges, when there are too many .fdata for one command line
 *   <dir>/<bin>.fdata            the merged profile of the last good run
 *   <dir>/optimized/<bin>        the BOLT-optimized binary of the last good run
 *   <dir>/bolt.json              what they were made from (a fresh one is reused)
 *
 * The profile and the optimized binary are written under temporary names and renamed only when
 * every binary is done: a failed or cancelled run leaves the last good ones as they were.
 */
export interface BoltedBinary {
  target: string;
  input: string;
  inputSha256: string;
  /** The BOLT-optimized binary; the input itself when the workload never ran this binary. */
  output: string;
  fdata?: string;
  /** "250 out of 3029 functions … have non-empty execution profile". */
  profiledFunctions?: { profiled: number; total: number };
  /** `-dyno-stats`: change of the profile's dynamic counts, e.g. { "taken branches": -27.9 }. */
  dynoChanges?: Record<string, number>;
}

export interface BoltStamp {
  version: 1;
  llvmBolt: string;
  boltVersion?: string;
  /** The optimizing flags, without the file names. */
  flags: string[];
  /** The workloads and size the profile was recorded with. */
  workloadKey: string;
  binaries: BoltedBinary[];
  createdAt: string;
}

export interface BoltOutcome {
  /** Bin target → the binary to ship/measure (BOLT-optimized, or the input when not run). */
  binaries: Map<string, string>;
  stamp: BoltStamp;
  reused: boolean;
  seconds: number;
}

export const BOLT_STAMP = 'bolt.json';

/** In 1 MB pieces: a binary with debug info can be hundreds of megabytes. */
function sha256File(file: string): string {
  const hash = createHash('sha256');
  const buf = Buffer.alloc(1 << 20);
  const fd = fs.openSync(file, 'r');
  try {
    for (let n = fs.readSync(fd, buf, 0, buf.length, null); n > 0; n = fs.readSync(fd, buf, 0, buf.length, null)) hash.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

const toolsOf = new WeakMap<object, Promise<BoltTools>>();

/** Found once per toolchain (the bench builds several BOLT variants); fails before any build when missing. */
export function boltTools(ctx: BuildContext): Promise<BoltTools> {
  let t = toolsOf.get(ctx.rustc);
  if (!t) {
    t = requireBoltTools(ctx.rustc);
    toolsOf.set(ctx.rustc, t);
    t.catch(() => toolsOf.delete(ctx.rustc));
  }
  return t;
}

/** The flags with the file names left out: what decides whether a stamp still fits. */
function flagKey(tools: BoltTools, keepDebugInfo: boolean): string[] {
  return boltOptimizeFlags(tools.help, { data: '', output: '', keepDebugInfo }).filter((f) => !f.startsWith('-o=') && !f.startsWith('-data='));
}

function workloadKey(component: ResolvedComponent, size: number | undefined): string {
  return createHash('sha256').update(JSON.stringify({ workloads: component.workloads, size })).digest('hex').slice(0, 16);
}

/** Run llvm-bolt or merge-fdata; a failure names its cause when it is a known one. */
async function runBoltTool(ctx: BuildContext, file: string, args: string[], what: string, quiet?: RegExp): Promise<string[]> {
  const said: string[] = [];
  const result = await runStreaming(file, args, {
    signal: ctx.signal,
    onLine: (line) => {
      if (said.length < 20000) said.push(line);
      // BOLT-INFO is chatty (hundreds of lines): only errors and warnings are shown as they come.
      if (/ERROR|WARNING|error:|warning:/i.test(line) && !quiet?.test(line)) ctx.reporter.output(line, 'stderr');
    },
  });
  if (result.exitCode !== 0 || said.some((l) => l.startsWith('BOLT-ERROR'))) {
    const known = classifyBoltFailure(said);
    const shown = said.filter((l) => /ERROR|error/i.test(l)).slice(-5).join('\n') || said.slice(-5).join('\n');
    if (known) throw new PgoError(`${what} failed: ${known.cause}`, known.fix, ExitCode.PhaseFailed, shown);
    throw new PgoError(
      `${what} failed (${result.exitCode !== undefined ? `exit code ${result.exitCode}` : `killed by ${result.signal ?? '?'}`})${shown ? `:\n${shown}` : ''}`,
      `run it by hand to see why: ${[file, ...args].join(' ')}`,
    );
  }
  return said;
}

export function parseBoltReport(lines: readonly string[]): Pick<BoltedBinary, 'profiledFunctions' | 'dynoChanges'> {
  const out: Pick<BoltedBinary, 'profiledFunctions' | 'dynoChanges'> = {};
  for (const line of lines) {
    const f = /(\d+) out of (\d+) functions in the binary \([\d.]+%\) have non-empty execution profile/.exec(line);
    if (f) out.profiledFunctions = { profiled: Number(f[1]), total: Number(f[2]) };
    const d = /^\s*\d+ : (.+?) \(([+-][\d.]+)%\)\s*$/.exec(line);
    if (d?.[1] && d[2]) (out.dynoChanges ??= {})[d[1]] = Number(d[2]);
  }
  return out;
}

/** The BOLT steps for a component's binaries (linked with --emit-relocs), or the fresh result of an earlier run. */
export async function boltPhase(ctx: BuildContext, component: ResolvedComponent, input: Map<string, string>, dir: string, opts: { size?: number } = {}): Promise<BoltOutcome> {
  const started = Date.now();
  for (const [target, file] of input) {
    const problem = boltInputProblem(readBoltInputFacts(file));
    if (problem) throw new PgoError(`BOLT cannot optimize ${target} (${file}): ${problem.cause}`, problem.fix, problem.id === 'not-linux' ? ExitCode.Prerequisites : ExitCode.PhaseFailed);
  }
  const tools = await boltTools(ctx);
  const size = opts.size ?? component.defaultSize;
  const hashes = new Map([...input].map(([t, f]) => [t, sha256File(f)]));
  const debug = new Map([...input].map(([t, f]) => [t, readBoltInputFacts(f).hasDebugInfo]));
  const key = workloadKey(component, size);
  const flags = flagKey(tools, [...debug.values()].some(Boolean));
  const stampFile = path.join(dir, BOLT_STAMP);
  const old = readJson<BoltStamp>(stampFile);
  if (
    old?.version === 1 &&
    old.llvmBolt === tools.llvmBolt &&
    old.workloadKey === key &&
    JSON.stringify(old.flags) === JSON.stringify(flags) &&
    old.binaries.length === input.size &&
    old.binaries.every((b) => hashes.get(b.target) === b.inputSha256 && input.get(b.target) === b.input && fs.existsSync(b.output))
  ) {
    ctx.reporter.info(`BOLT: reusing ${dir} (same binaries, workloads and llvm-bolt)`);
    return { binaries: new Map(old.binaries.map((b) => [b.target, b.output])), stamp: old, reused: true, seconds: 0 };
  }

  const instrumentedDir = path.join(dir, 'instrumented');
  const rawDir = path.join(dir, 'raw');
  const optimizedDir = path.join(dir, 'optimized');
  fs.rmSync(rawDir, { recursive: true, force: true });
  for (const d of [instrumentedDir, rawDir, optimizedDir]) fs.mkdirSync(d, { recursive: true });
  removeStaleTemps(dir);
  removeStaleTemps(optimizedDir);

  // 1. Instrument.
  const instrumented = new Map<string, string>();
  for (const [target, file] of input) {
    const out = path.join(instrumentedDir, path.basename(file));
    fs.mkdirSync(path.join(rawDir, target), { recursive: true });
    ctx.reporter.info(`BOLT: instrumenting ${target} (llvm-bolt -instrument)`);
    await runBoltTool(ctx, tools.llvmBolt, [file, ...boltInstrumentFlags({ output: out, profilePrefix: path.join(rawDir, target, 'prof') })], `llvm-bolt -instrument of ${target}`, /debug info will be stripped/);
    instrumented.set(target, out);
  }

  // 2. The component's workloads, by the PGO workload phase's runner, on the BOLT-instrumented binaries.
  for (const spec of component.workloads) {
    await runWorkloadCommand(ctx, spec, {
      root: ctx.project.workspace.root,
      bins: instrumented,
      size,
      env: { PGO_PROFILE_DIR: rawDir },
      keptNote: `the last good BOLT profile and binary in ${dir} are unchanged`,
    });
  }

  // 3. merge-fdata and 4. llvm-bolt with the profile, into temporary files.
  const temps: { tmp: string; target: string }[] = [];
  const binaries: BoltedBinary[] = [];
  try {
    for (const [target, file] of input) {
      const raw = fs.readdirSync(path.join(rawDir, target)).filter((f) => f.endsWith('.fdata')).map((f) => path.join(rawDir, target, f));
      const base: BoltedBinary = { target, input: file, inputSha256: hashes.get(target) ?? '', output: file };
      if (raw.length === 0) {
        ctx.reporter.warn(`BOLT: the workload did not run ${target} (no .fdata written): it is left as it is`);
        binaries.push(base);
        continue;
      }
      const fdata = path.join(dir, `${target}.fdata`);
      const fdataTmp = tempPathFor(fdata);
      temps.push({ tmp: fdataTmp, target: fdata });
      ctx.reporter.info(`BOLT: merge-fdata of ${raw.length} profile(s) of ${target}`);
      const plan = fdataMergePlan(raw, fdataTmp, path.join(rawDir, `${target}.parts`));
      if (plan.length > 1) fs.mkdirSync(path.join(rawDir, `${target}.parts`), { recursive: true });
      for (const step of plan) await runBoltTool(ctx, tools.mergeFdata, [...step.inputs, '-o', step.output], `merge-fdata of ${target}`);
      const output = path.join(optimizedDir, path.basename(file));
      const outTmp = tempPathFor(output);
      temps.push({ tmp: outTmp, target: output });
      ctx.reporter.info(`BOLT: optimizing ${target} with its profile`);
      const said = await runBoltTool(ctx, tools.llvmBolt, [file, ...boltOptimizeFlags(tools.help, { data: fdataTmp, output: outTmp, keepDebugInfo: debug.get(target) ?? false })], `llvm-bolt of ${target}`);
      const report = parseBoltReport(said);
      binaries.push({ ...base, output, fdata, ...report });
      const taken = report.dynoChanges?.['taken branches'];
      ctx.reporter.info(
        `BOLT: ${target}: ${report.profiledFunctions ? `${report.profiledFunctions.profiled} of ${report.profiledFunctions.total} functions profiled` : 'optimized'}` +
          (taken !== undefined ? `, taken branches ${taken > 0 ? '+' : ''}${taken}%` : ''),
      );
    }
    if (binaries.every((b) => b.fdata === undefined)) {
      throw new PgoError(
        `BOLT: the workload ran none of ${[...input.keys()].join(', ')}: the BOLT-instrumented binaries wrote no profile (.fdata) into ${rawDir}`,
        'run the binaries with {bin:NAME} (or $PGO_BIN_NAME in a script) in the workload: `cargo run`/`cargo test` run cargo\'s own builds, not the BOLT-instrumented ones; a process killed by a signal writes no profile',
      );
    }
    // Every binary is done: now the new profiles and binaries replace the last good ones.
    for (const t of temps) {
      if (!fs.existsSync(t.tmp)) throw new PgoError(`BOLT wrote no ${t.tmp}`, 'run again; if it persists, run llvm-bolt by hand on the binary');
      renameDurably(t.tmp, t.target);
    }
    temps.length = 0;
  } finally {
    for (const t of temps) fs.rmSync(t.tmp, { force: true });
  }
  const stamp: BoltStamp = { version: 1, llvmBolt: tools.llvmBolt, boltVersion: tools.version, flags, workloadKey: key, binaries, createdAt: new Date().toISOString() };
  writeFileAtomic(stampFile, JSON.stringify(stamp, null, 2));
  return { binaries: new Map(binaries.map((b) => [b.target, b.output])), stamp, reused: false, seconds: (Date.now() - started) / 1000 };
}
