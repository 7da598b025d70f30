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
import { rustToolPath } from '../util/rust-tools';
import { collectOwnProfraws, profileFileSettings } from './workload-own-profiles';
import { selectWorkloads } from './workload-selection';

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

/** `PGO_BIN_MIDI_IMPORT` for the binary `midi-import`. */
export function binVariable(bin: string): string {
  return `PGO_BIN_${bin.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
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

/** `--size N` for a component none of whose workload commands has {size}: it would change nothing. */
export function unusedSizeWarning(component: ResolvedComponent, size: number): string | undefined {
  if (component.workloads.some((w) => w.command.some((a) => a.includes('{size}')))) return undefined;
  const how = component.usesDefaultWorkload
    ? `its workload is the default \`cargo test --release\`, which takes no size; add workloads to pgo.yaml with {size} in a command`
    : `put {size} in a workload command in pgo.yaml, e.g. command: ["{bin:${component.bins[0]?.name ?? 'app'}}", "--iterations", "{size}"]`;
  return `--size ${size} is ignored for component "${component.name}": none of its workload commands uses {size}; ${how}`;
}

/** `--only`: run just these workloads (a CI matrix job each). */
export interface WorkloadOptions {
  only?: readonly string[];
}

export async function workloadPhase(ctx: BuildContext, component: ResolvedComponent, size: number | undefined, opts: WorkloadOptions = {}): Promise<WorkloadRun> {
  const specs = selectWorkloads(component, opts.only);
  const stamp: InstrumentStamp = readInstrumentStamp(ctx, component);
  const root = ctx.project.workspace.root;
  const bins = new Map(stamp.binaries.map((b) => [b.target, b.path]));
  const runId = newRunId();
  const runDir = path.join(ctx.layout.rawRoot(component.name), runId);
  pruneRuns(ctx.layout.rawRoot(component.name), runId); // failed runs count too: keep the disk bounded
  const effectiveSize = size ?? component.defaultSize;
  const unused = size !== undefined ? unusedSizeWarning(component, size) : undefined;
  if (unused) ctx.reporter.warn(unused);
  // Every workload command gets the instrumented build's cargo environment: a `cargo test`, or a
  // script that runs `cargo run --release`, reuses the instrumented build (same target dir, same
  // flags: cargo finds it fresh) instead of rebuilding uninstrumented binaries elsewhere.
  const inv = instrumentInvocation(ctx, component);
  const cargoEnv = sharedBuildEnv(ctx.project, ctx.layout.instrumentedTargetDir(component.name), ctx.rustc.host, [
    ...inv.sharedRustflags,
    ...modeRustflags({ kind: 'instrument', rawDir: path.join(ctx.layout.rawRoot(component.name), 'stray') }),
  ]);
  if (process.env.LLVM_PROFILE_FILE) {
    ctx.reporter.warn(`LLVM_PROFILE_FILE=${process.env.LLVM_PROFILE_FILE} in your environment is replaced for the workload, so that its profiles land in ${runDir}`);
  }
  const results: WorkloadCommandResult[] = [];
  for (const spec of specs) {
    results.push(await runOne(ctx, spec, { runDir, root, bins, size: effectiveSize, cargoEnv, targetDir: ctx.layout.instrumentedTargetDir(component.name), rawRoot: ctx.layout.rawRoot(component.name) }));
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

/** Where a workload command runs, and what it gets besides the engine's environment. */
export interface WorkloadCommandOptions {
  root: string;
  /** Bin target → the binary `{bin:NAME}` and `$PGO_BIN_NAME` name (instrumented by PGO or by BOLT). */
  bins: Map<string, string>;
  size?: number;
  env: Record<string, string | undefined>;
  /** Appended to a failure's message: what was kept of the run (e.g. its raw data, unmerged). */
  keptNote: string;
}

/**
 * Run one workload command as the PGO workload phase does (`{…}` expanded, `$PGO_BIN_*` set, a bare
 * `cargo` is the engine's, output streamed, time-out and exit status turned into clear errors).
 * The BOLT phase runs the same commands through it, on its own instrumented binaries.
 */
export async function runWorkloadCommand(ctx: BuildContext, spec: WorkloadSpec, o: WorkloadCommandOptions): Promise<{ argv: string[]; cwd: string; started: number; durationMs: number }> {
  const argv = spec.command.map((a) => expandArgument(a, { size: o.size, workspace: o.root, bins: o.bins }));
  const [command, ...args] = argv;
  if (!command) throw new PgoError(`workload "${spec.name}" has an empty command`, 'give it a command list in pgo.yaml', ExitCode.Usage);
  const cwd = spec.cwd ? path.resolve(o.root, spec.cwd) : o.root;
  // A bare `cargo` is the one the engine found (it may not be on the editor's PATH); a script
  // named by a relative path (`./scripts/pgo-workload.sh`) is found from the command's folder.
  const file = command === 'cargo' ? rustToolPath('cargo') : /[\\/]/.test(command) ? path.resolve(cwd, command) : command;
  const env: Record<string, string | undefined> = {
    ...o.env,
    // Scripts can run the instrumented binaries directly.
    ...Object.fromEntries([...o.bins].map(([name, p]) => [binVariable(name), p])),
    ...spec.env,
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
      `workload "${spec.name}" did not finish within ${spec.timeoutSeconds}s and was stopped; ${o.keptNote}`,
      'make the workload smaller (`--size`), or raise timeoutSeconds in pgo.yaml',
    );
  }
  if (result.exitCode !== 0) {
    throw new PgoError(
      `workload "${spec.name}" failed (${result.exitCode !== undefined ? `exit code ${result.exitCode}` : `killed by ${result.signal}`}): ${argv.join(' ')}; ${o.keptNote}`,
      'fix the workload command (run it by hand to see why), then run the pipeline again',
    );
  }
  return { argv, cwd, started, durationMs };
}

async function runOne(
  ctx: BuildContext,
  spec: WorkloadSpec,
  o: { runDir: string; root: string; bins: Map<string, string>; size?: number; cargoEnv: Record<string, string | undefined>; targetDir: string; rawRoot: string },
): Promise<WorkloadCommandResult> {
  const rawDir = path.join(o.runDir, spec.name);
  fs.mkdirSync(rawDir, { recursive: true });
  const { argv, cwd, started, durationMs } = await runWorkloadCommand(ctx, spec, {
    root: o.root,
    bins: o.bins,
    size: o.size,
    env: {
      ...o.cargoEnv,
      PGO_PROFILE_DIR: rawDir,
      // %p: one file per process; %m: processes of the same binary merge into it safely.
      LLVM_PROFILE_FILE: path.join(rawDir, '%p-%m.profraw'),
    },
    keptNote: `its raw data is kept in ${rawDir} and was not merged`,
  });
  // A script that sets LLVM_PROFILE_FILE itself (the seed's example does) wrote them elsewhere:
  // fetch the ones this command wrote inside the workspace or the target dir.
  // The stray folder (the -Cprofile-generate default) and the instrumented build's target dir are
  // searched; the rest of the artifact folder is not: other components' and runs' raw data live
  // there, and a run of another component just before this one must not be taken for ours.
  const own = collectOwnProfraws([path.join(o.rawRoot, 'stray'), o.root, o.targetDir, ctx.project.workspace.targetDirectory], started, rawDir, [o.rawRoot, ctx.layout.root]);
  if (own.length > 0) ctx.reporter.info(`workload "${spec.name}" set LLVM_PROFILE_FILE itself: collected ${own.length} .profraw file(s) from ${[...new Set(own.map((f) => path.dirname(f)))].join(', ')}`);
  const rawFiles = rawFilesIn(rawDir).length;
  if (rawFiles === 0) {
    const settings = profileFileSettings(argv, cwd);
    throw new PgoError(
      `workload "${spec.name}" wrote no .profraw file: ` +
        (settings.length > 0
          ? `it sets ${settings.map((s) => `LLVM_PROFILE_FILE=${s.value} (${s.file})`).join(', ')}, a place outside the workspace and its target dir, so its profiles went there`
          : 'it did not run an instrumented binary (a `cargo` or a binary it runs must see the environment the workload gets), or it set LLVM_PROFILE_FILE to a place outside the workspace'),
      'run the instrumented binary with {bin:NAME} (or $PGO_BIN_NAME in a script), or `cargo run --release`/`cargo test --release`; leave LLVM_PROFILE_FILE to the pipeline, or point it inside the workspace',
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
