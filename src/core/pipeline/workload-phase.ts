import * as fs from 'node:fs';
import * as path from 'node:path';
import { ExitCode, PgoError } from '../errors';
import type { ResolvedComponent } from '../config/resolve-project';
import type { WorkloadSpec } from '../config/config-schema';
import { runStreaming } from '../util/process';
import { writeFileAtomic } from '../util/atomic-write';
import { sharedBuildEnv, modeRustflags } from './build-invocation';
import type { BuildContext } from './engine-context';
import { instrumentInvocation, readInstrumentStamp, type InstrumentStamp } from './instrument-phase';
import { readJson } from '../util/read-json';
import { isCargoCommand, rustToolPath } from '../util/rust-tools';

export interface WorkloadCommandResult {
  name: string;
  command: string[];
  durationMs: number;
  rawFiles: number;
  rawDir: string;
}

/** Written last into a run's folder: only complete runs are merged. */
export interface WorkloadRun {
  runId: string;
  component: string;
  /** Which instrumented build the counts come from (its settings fingerprint and sources). */
  fingerprint: string;
  sourceHash: string;
  size?: number;
  finishedAt: string;
  commands: WorkloadCommandResult[];
}

export const RUN_MARKER = 'run.json';
const KEEP_RUNS = 5;

/** Replace `{size}`, `{bin:NAME}` and `{workspace}` in one argument. */
export function expandArgument(arg: string, vars: { size?: number; workspace: string; bins: Map<string, string> }): string {
  return arg.replace(/\{(size|workspace|bin:[^}]+)\}/g, (whole, key: string) => {
    if (key === 'size') {
      if (vars.size === undefined) {
        throw new PgoError(`the workload uses {size} but no size was given`, 'pass a size (`--size N`) or set defaultSize for the component in pgo.yaml', ExitCode.Usage);
      }
      return String(vars.size);
    }
    if (key === 'workspace') return vars.workspace;
    const bin = vars.bins.get(key.slice(4));
    if (!bin) throw new PgoError(`unknown binary in ${whole}`, `use one of: ${[...vars.bins.keys()].map((b) => `{bin:${b}}`).join(', ')}`, ExitCode.Usage);
    return bin;
  });
}

function newRunId(): string {
  return `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-')}-${process.pid}`;
}

/** The .profraw files in one workload command's folder. */
export function rawFilesIn(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.profraw'))
      .map((f) => path.join(dir, f));
  } catch {
    return [];
  }
}

export async function workloadPhase(ctx: BuildContext, component: ResolvedComponent, size: number | undefined): Promise<WorkloadRun> {
  const stamp: InstrumentStamp = readInstrumentStamp(ctx, component);
  const root = ctx.project.workspace.root;
  const bins = new Map(stamp.binaries.map((b) => [b.target, b.path]));
  const runId = newRunId();
  const runDir = path.join(ctx.layout.rawRoot(component.name), runId);
  pruneRuns(ctx.layout.rawRoot(component.name), runId); // failed runs count too: keep the disk bounded
  const effectiveSize = size ?? component.defaultSize;
  // `cargo` workload commands (the seed's `cargo test --release`) must reuse the instrumented
  // build: same target dir, same flags, so they neither rebuild the world nor go uninstrumented.
  const inv = instrumentInvocation(ctx, component);
  const cargoEnv = sharedBuildEnv(ctx.project, ctx.layout.instrumentedTargetDir(component.name), ctx.rustc.host, [
    ...inv.sharedRustflags,
    ...modeRustflags({ kind: 'instrument', rawDir: path.join(ctx.layout.rawRoot(component.name), 'stray') }),
  ]);
  if (process.env.LLVM_PROFILE_FILE) {
    ctx.reporter.warn(`LLVM_PROFILE_FILE=${process.env.LLVM_PROFILE_FILE} in your environment is replaced for the workload, so that its profiles land in ${runDir}`);
  }
  const results: WorkloadCommandResult[] = [];
  for (const spec of component.workloads) {
    results.push(await runOne(ctx, spec, { runDir, root, bins, size: effectiveSize, cargoEnv }));
  }
  const run: WorkloadRun = {
    runId,
    component: component.name,
    fingerprint: stamp.fingerprint,
    sourceHash: stamp.sourceHash,
    size: effectiveSize,
    finishedAt: new Date().toISOString(),
    commands: results,
  };
  writeFileAtomic(path.join(runDir, RUN_MARKER), JSON.stringify(run, null, 2));
  pruneRuns(ctx.layout.rawRoot(component.name), runId);
  return run;
}

async function runOne(
  ctx: BuildContext,
  spec: WorkloadSpec,
  o: { runDir: string; root: string; bins: Map<string, string>; size?: number; cargoEnv: Record<string, string | undefined> },
): Promise<WorkloadCommandResult> {
  const argv = spec.command.map((a) => expandArgument(a, { size: o.size, workspace: o.root, bins: o.bins }));
  const [command, ...args] = argv;
  if (!command) throw new PgoError(`workload "${spec.name}" has an empty command`, 'give it a command list in pgo.yaml', ExitCode.Usage);
  // A bare `cargo` is the one the engine found (it may not be on the editor's PATH).
  const file = command === 'cargo' ? rustToolPath('cargo') : command;
  const rawDir = path.join(o.runDir, spec.name);
  fs.mkdirSync(rawDir, { recursive: true });
  const cwd = spec.cwd ? path.resolve(o.root, spec.cwd) : o.root;
  const env: Record<string, string | undefined> = {
    ...(isCargoCommand(file) ? o.cargoEnv : {}),
    ...spec.env,
    // %p: one file per process; %m: processes of the same binary merge into it safely.
    LLVM_PROFILE_FILE: path.join(rawDir, '%p-%m.profraw'),
  };
  ctx.reporter.info(`workload "${spec.name}": ${argv.join(' ')}`);
  const started = Date.now();
  const result = await runStreaming(file, args, {
    cwd,
    env,
    signal: ctx.signal,
    timeoutMs: spec.timeoutSeconds !== undefined ? spec.timeoutSeconds * 1000 : undefined,
    onLine: (line, stream) => ctx.reporter.output(line, stream),
  });
  const durationMs = Date.now() - started;
  if (result.timedOut) {
    throw new PgoError(
      `workload "${spec.name}" did not finish within ${spec.timeoutSeconds}s and was stopped; its raw data is kept in ${rawDir} and was not merged`,
      'make the workload smaller (`--size`), or raise timeoutSeconds in pgo.yaml',
    );
  }
  if (result.exitCode !== 0) {
    throw new PgoError(
      `workload "${spec.name}" failed (${result.exitCode !== undefined ? `exit code ${result.exitCode}` : `killed by ${result.signal}`}): ${argv.join(' ')}; its raw data is kept in ${rawDir} and was not merged`,
      'fix the workload command (run it by hand to see why), then run the pipeline again',
    );
  }
  const rawFiles = rawFilesIn(rawDir).length;
  if (rawFiles === 0) {
    throw new PgoError(
      `workload "${spec.name}" wrote no .profraw file: it did not run an instrumented binary, or something it ran set LLVM_PROFILE_FILE itself (a wrapper script), so the profiles went elsewhere`,
      'run the instrumented binary with {bin:NAME} in the command, or a `cargo` command (it reuses the instrumented build); do not set LLVM_PROFILE_FILE inside the workload',
    );
  }
  ctx.reporter.info(`workload "${spec.name}": ${rawFiles} raw profile file(s) in ${(durationMs / 1000).toFixed(1)}s`);
  return { name: spec.name, command: argv, durationMs, rawFiles, rawDir };
}

/** Keep the newest runs (complete or not, for inspection); older ones only cost disk. */
function pruneRuns(rawRoot: string, keep: string): void {
  if (!fs.existsSync(rawRoot)) return;
  const runs = fs
    .readdirSync(rawRoot, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== 'stray')
    .map((e) => e.name)
    .sort()
    .reverse();
  for (const old of runs.slice(KEEP_RUNS)) if (old !== keep) fs.rmSync(path.join(rawRoot, old), { recursive: true, force: true });
}

/** The newest run whose workload finished. */
export function latestCompleteRun(rawRoot: string): WorkloadRun | undefined {
  let names: string[];
  try {
    names = fs.readdirSync(rawRoot).sort().reverse();
  } catch {
    return undefined;
  }
  for (const n of names) {
    const run = readJson<WorkloadRun>(path.join(rawRoot, n, RUN_MARKER)); // none: incomplete or failed
    if (run) return run;
  }
  return undefined;
}
