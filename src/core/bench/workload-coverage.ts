import * as fs from 'node:fs';
import * as path from 'node:path';
import { PgoError } from '../errors';
import type { BenchmarkSpec } from '../config/bench-config';
import { readProfile } from '../profile/read-profile';
import type { ProfileFunction } from '../profile/profile-model';
import { displayName } from '../profile/hot-functions';
import { capture, runStreaming } from '../util/process';
import { expandArgument, rawFilesIn } from '../pipeline/workload-phase';
import type { BenchmarkCoverage } from './bench-results';

/**
 * Is the training workload representative of a benchmark? The benchmark runs once on the
 * instrumented binary; its profile is compared with the training profile by
 * `llvm-profdata overlap` (program-level edge overlap: the sum over counters of the smaller of the
 * two normalised counts), and the benchmark's hot functions the training never ran are listed.
 */

/** "Edge profile overlap: 99.607%" under "Program level:" (LLVM 12+; older ones print the same line). */
export function parseEdgeOverlap(text: string): number | undefined {
  const m = /Edge profile overlap:\s*([\d.]+)%/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** A benchmark function is hot from this share of the benchmark's counts up. */
const HOT_SHARE = 0.01;
const MAX_LISTED = 10;

/** The benchmark's functions (≥ 1% of its counts) that have no counts in the training profile. */
export function untrainedHot(training: readonly ProfileFunction[], bench: readonly ProfileFunction[]): Array<{ name: string; share: number }> {
  const trained = new Set(training.filter((f) => f.sum > 0).map((f) => f.name));
  const total = bench.reduce((s, f) => s + f.sum, 0);
  if (total === 0) return [];
  return bench
    .filter((f) => !trained.has(f.name) && f.sum / total >= HOT_SHARE)
    .sort((a, b) => b.sum - a.sum || a.name.localeCompare(b.name))
    .slice(0, MAX_LISTED)
    .map((f) => ({ name: displayName(f.name), share: f.sum / total }));
}

export async function measureCoverage(o: {
  llvmProfdata: string;
  trainingProfile: string;
  instrumented: Map<string, string>;
  benchmark: BenchmarkSpec;
  workspace: string;
  workDir: string;
  signal?: AbortSignal;
}): Promise<BenchmarkCoverage> {
  const dir = path.join(o.workDir, o.benchmark.name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const argv = o.benchmark.command.map((a) => expandArgument(a, { workspace: o.workspace, bins: o.instrumented }));
  const [file, ...args] = argv;
  if (!file) throw new PgoError(`benchmark "${o.benchmark.name}" has an empty command`, 'give it a command list in pgo.yaml');
  const r = await runStreaming(file, args, {
    cwd: o.benchmark.cwd ? path.resolve(o.workspace, o.benchmark.cwd) : o.workspace,
    env: { ...o.benchmark.env, LLVM_PROFILE_FILE: path.join(dir, '%p-%m.profraw') },
    signal: o.signal,
  });
  if (r.exitCode !== 0) {
    throw new PgoError(`benchmark "${o.benchmark.name}" failed on the instrumented binary (${r.exitCode ?? r.signal}): ${r.stderrTail.slice(-3).join(' ')}`, `run it by hand: ${argv.join(' ')}`);
  }
  const raw = rawFilesIn(dir);
  if (raw.length === 0) throw new PgoError(`benchmark "${o.benchmark.name}" wrote no profile on the instrumented binary`, 'use {bin:NAME} in its command so it runs the component\'s binary');
  const merged = path.join(dir, 'benchmark.profdata');
  await capture(o.llvmProfdata, ['merge', '-o', merged, ...raw], { timeoutMs: 600_000 });
  const overlapText = await capture(o.llvmProfdata, ['overlap', o.trainingProfile, merged], { timeoutMs: 600_000 });
  const overlap = parseEdgeOverlap(overlapText);
  if (overlap === undefined) throw new PgoError(`could not read the output of llvm-profdata overlap: ${overlapText.slice(0, 300)}`, 'report it with your llvm-profdata version');
  const [training, bench] = await Promise.all([
    readProfile(o.llvmProfdata, o.trainingProfile, { signal: o.signal }),
    readProfile(o.llvmProfdata, merged, { signal: o.signal }),
  ]);
  return { trainingCoversPercent: overlap, untrainedHot: untrainedHot(training.functions, bench.functions) };
}
