import { writeBenchProgress } from './bench-progress';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CancelledError, ExitCode, PgoError } from '../errors';
import { BASELINE_VARIANT, builtinBoltVariants, EMIT_RELOCS_RUSTFLAG, type BenchmarkSpec, type VariantSpec } from '../config/bench-config';
import type { ResolvedComponent } from '../config/resolve-project';
import { ElfFile } from '../dwarf/elf-file';
import { requireProfdata, requireRustc, type BuildContext, type EngineContext } from '../pipeline/engine-context';
import { RunLock } from '../pipeline/run-lock';
import { expandArgument } from '../pipeline/workload-phase';
import { gitState } from '../workspace/source-state';
import type { BenchmarkResult, BenchResults, BenchRun, Comparison, SampleSummary, VariantResult } from './bench-results';
import { firstDisagreement, outputChangedError, outputMode, outputValue } from './output-check';
import { writeBenchResults } from './results-store';
import { ensureProbe, probeDir, runProbe, type ProbeJob } from './run-probe';
import { DEFAULT_STOP, RoundPlanner, roundsLeftEstimate, roundsPerCall, stopReason, type StopPolicy, type StopReason } from './schedule';
import { ciRelativeWidth, compareToBaseline, recommend, summarize, variantStatsFromBenchmarks } from './statistics';
import { buildVariants, settingsDiff, type BuiltVariant } from './variant-builds';
import { measureCoverage } from './workload-coverage';

export interface BenchOptions {
  /** Fixed number of measured rounds; undefined = adaptive. */
  runs?: number;
  /** Adaptive: time budget per benchmark, in seconds. */
  budgetSeconds?: number;
  /** Only these variants (release is always added: it is the baseline). */
  variants?: string[];
  /** Seed of the shuffled round order. */
  seed?: number;
  /** Skip the coverage check (one extra run per benchmark on the instrumented binary). */
  coverage?: boolean;
}

export interface BenchOutcome {
  results: BenchResults;
  file: string;
  /** Why measuring stopped, per benchmark. */
  stopped: Record<string, StopReason | 'cancelled' | 'output-changed'>;
}

/**
 * The variants to build: pgo.yaml's (or the defaults), narrowed by `--variants`, release first.
 * `bolt` and `pgo+bolt` can be asked for by name without declaring them in pgo.yaml.
 */
export function selectVariants(all: readonly VariantSpec[], wanted: readonly string[] | undefined): VariantSpec[] {
  if (!wanted || wanted.length === 0) return [...all];
  const known = [...all, ...builtinBoltVariants().filter((b) => !all.some((v) => v.name === b.name))];
  for (const w of wanted) {
    if (!known.some((v) => v.name === w)) {
      throw new PgoError(`no variant "${w}"`, `use some of: ${known.map((v) => v.name).join(', ')} (variants are defined in pgo.yaml's variants:)`, ExitCode.Usage);
    }
  }
  return known.filter((v) => v.name === BASELINE_VARIANT || wanted.includes(v.name));
}

function binaryInfo(name: string, file: string): VariantResult['binaries'][number] {
  const fileBytes = fs.existsSync(file) ? fs.statSync(file).size : 0;
  let textBytes: number | undefined;
  try {
    const elf = ElfFile.open(file); // ELF only; Mach-O and PE: file size only
    try {
      textBytes = elf?.section('.text')?.size;
    } finally {
      elf?.close();
    }
  } catch {
    textBytes = undefined;
  }
  return { name, path: file, fileBytes, textBytes };
}

type Analysis = Pick<BenchmarkResult, 'stats' | 'vsRelease' | 'cpuStats' | 'cpuVsRelease'>;

function compare(runs: Record<string, number[]>): { stats: Record<string, SampleSummary>; vs: Record<string, Comparison> } {
  const stats: Record<string, SampleSummary> = {};
  const vs: Record<string, Comparison> = {};
  const base = runs[BASELINE_VARIANT] ?? [];
  for (const [variant, xs] of Object.entries(runs)) {
    if (xs.length === 0) continue;
    stats[variant] = summarize(xs);
    if (variant !== BASELINE_VARIANT && base.length > 0) vs[variant] = compareToBaseline(base, xs);
  }
  return { stats, vs };
}

/** Stats, comparisons against release: whatever the runs so far allow (wall time; CPU time too when measured). */
export function analyse(runs: Record<string, BenchRun[]>): Analysis {
  const wall = compare(Object.fromEntries(Object.entries(runs).map(([v, rs]) => [v, rs.map((r) => r.wallMs)])));
  const all = Object.values(runs).flat();
  const hasCpu = all.length > 0 && all.every((r) => r.cpuMs !== undefined && r.cpuMs > 0);
  if (!hasCpu) return { stats: wall.stats, vsRelease: wall.vs };
  const cpu = compare(Object.fromEntries(Object.entries(runs).map(([v, rs]) => [v, rs.map((r) => r.cpuMs ?? 0)])));
  return { stats: wall.stats, vsRelease: wall.vs, cpuStats: cpu.stats, cpuVsRelease: cpu.vs };
}

interface BenchmarkRunContext {
  ctx: BuildContext;
  component: ResolvedComponent;
  built: BuiltVariant[];
  probe: string;
  workDir: string;
  policy: StopPolicy;
  seed: number;
}

function jobsFor(b: BenchmarkSpec, order: readonly string[], built: readonly BuiltVariant[], workspace: string, dir: string, capture: boolean): ProbeJob[] {
  return order.map((name) => {
    const v = built.find((x) => x.spec.name === name);
    if (!v) throw new Error(`unknown variant ${name}`);
    return {
      id: name,
      argv: b.command.map((a) => expandArgument(a, { workspace, bins: v.binaries })),
      stdoutFile: capture ? path.join(dir, `${v.spec.name.replace(/[^\w.+-]/g, '_')}.stdout`) : undefined,
      stderrFile: path.join(dir, `${v.spec.name.replace(/[^\w.+-]/g, '_')}.stderr`),
    };
  });
}

function failedRunError(b: BenchmarkSpec, job: ProbeJob, status: string): PgoError {
  const stderr = job.stderrFile && fs.existsSync(job.stderrFile) ? fs.readFileSync(job.stderrFile, 'utf8').trimEnd().split('\n').slice(-5).join('\n') : '';
  const why = status.startsWith('spawn-error:') ? `could not start: ${status.slice(12)}` : status.replace('exit:', 'exit code ').replace('signal:', 'killed by signal ');
  return new PgoError(
    `benchmark "${b.name}" failed on variant ${job.id} (${why}): ${job.argv.join(' ')}${stderr ? `\n${stderr}` : ''}`,
    'run the command by hand to see why; a crash only in an optimized variant is a miscompile or undefined behaviour (`pgo verify` runs the tests)',
  );
}

/**
 * One benchmark: a warm-up round (its stdout checked for agreement), then measured rounds, each
 * running every variant once in a shuffled order through the probe, until the policy says stop.
 */
async function runBenchmark(
  r: BenchmarkRunContext,
  b: BenchmarkSpec,
  result: BenchmarkResult,
): Promise<StopReason | 'cancelled' | 'output-changed'> {
  const { ctx, built } = r;
  const names = built.map((v) => v.spec.name);
  const dir = path.join(r.workDir, b.name);
  fs.mkdirSync(dir, { recursive: true });
  const ws = ctx.project.workspace.root;
  const cwd = b.cwd ? path.resolve(ws, b.cwd) : ws;
  const planner = new RoundPlanner(names, r.seed);
  /** Rounds back to back in one probe call; the runs grouped by round. */
  const run = async (orders: string[][], capture: boolean): Promise<{ job: ProbeJob; run: BenchRun }[]> => {
    const jobs = orders.flatMap((order) => jobsFor(b, order, built, ws, dir, capture));
    const timeoutMs = b.timeoutSeconds !== undefined ? b.timeoutSeconds * 1000 * jobs.length : undefined;
    const res = await runProbe(r.probe, jobs, { cwd, env: b.env, workDir: dir, signal: ctx.signal, timeoutMs });
    if (timeoutMs !== undefined && res.length === 0) {
      throw new PgoError(
        `benchmark "${b.name}" did not finish within ${b.timeoutSeconds}s a run (${jobs.length} run(s) of ${[...new Set(jobs.map((j) => j.id))].join(', ')} took over ${timeoutMs / 1000}s) and was stopped`,
        'run the command by hand on each variant to find the one that hangs, or raise timeoutSeconds in pgo.yaml',
      );
    }
    return jobs.map((job, i) => {
      const p = res[i];
      if (!p || p.status !== 'exit:0') throw failedRunError(b, job, p?.status ?? 'no result');
      return { job, run: { wallMs: p.wallMs, cpuMs: p.cpuMs, maxRssKb: p.maxRssKb } };
    });
  };
  try {
    const warm = planner.next();
    ctx.reporter.info(`${b.name}: warm-up round (${warm.order.join(', ')}), checking that the outputs agree`);
    const warmRuns = await run([warm.order], true);
    for (const { job } of warmRuns) result.outputCheck.values[job.id] = outputValue(b, fs.readFileSync(job.stdoutFile ?? '', 'utf8'), job.id);
    const d = firstDisagreement(result.outputCheck.values, BASELINE_VARIANT);
    if (d) {
      result.outputCheck.agreed = false;
      return 'output-changed';
    }
    result.outputCheck.agreed = true;
    let elapsedMs = 0;
    let rounds = 0;
    let lastReport = 0;
    for (;;) {
      const widths = Object.values(analyse(result.runs).vsRelease).map((c) => ciRelativeWidth(c));
      const reason = stopReason(r.policy, { rounds, widths: names.length > 1 ? widths : [0], elapsedMs });
      if (reason) return reason;
      const batch = Array.from({ length: roundsPerCall(r.policy, rounds, elapsedMs) }, () => planner.next());
      const left = roundsLeftEstimate(r.policy, rounds, elapsedMs);
      const total = rounds + left;
      const first = batch[0]?.index ?? rounds + 1;
      const etaSeconds = rounds > 0 ? Math.ceil(((elapsedMs / rounds) * left) / 1000) : undefined;
      // At most one progress line a second: short benchmarks run hundreds of rounds.
      if (Date.now() - lastReport >= 1000 || rounds === 0) {
        lastReport = Date.now();
        const eta = etaSeconds !== undefined ? `, ~${etaSeconds}s left` : '';
        const span = batch.length > 1 ? `rounds ${first}–${first + batch.length - 1}` : `round ${first}`;
        ctx.reporter.info(`${b.name}: ${span} of ${r.policy.fixedRounds !== undefined ? total : `~${total}`}${eta}`);
      }
      writeBenchProgress(ctx.layout.root, { component: r.component.name, benchmark: b.name, round: first, total, totalIsEstimate: r.policy.fixedRounds === undefined, etaSeconds });
      const started = Date.now();
      for (const { job, run: one } of await run(batch.map((x) => x.order), false)) (result.runs[job.id] ??= []).push(one);
      elapsedMs += Date.now() - started;
      rounds += batch.length;
    }
  } catch (e) {
    if (e instanceof CancelledError || ctx.signal?.aborted) return 'cancelled';
    throw e;
  }
}

/**
 * `pgo bench` for one component: build (or reuse) every variant, measure each benchmark, check the
 * outputs agree, compare with release, check the training's coverage, recommend, and write the
 * results file. A SIGINT/SIGTERM keeps the rounds done so far (`cancelled: true`).
 */
export async function benchComponent(engine: EngineContext, component: ResolvedComponent, opts: BenchOptions = {}): Promise<BenchOutcome> {
  if (component.benchmarks.length === 0) {
    throw new PgoError(
      `component "${component.name}" has no benchmarks`,
      `add a benchmarks: list to it in pgo.yaml, e.g. benchmarks: [{ name: big-input, command: ["{bin:${component.bins[0]?.name ?? 'app'}}", "--input", "other-data.txt"] }] (inputs other than the training's)`,
      ExitCode.Usage,
    );
  }
  const startedAt = new Date().toISOString();
  const ctx = await requireRustc(engine);
  const variants = selectVariants(ctx.project.variants, opts.variants);
  const built = await buildVariants(ctx, component, variants);
  const probe = await ensureProbe(probeDir(ctx.layout.root), ctx.rustc.versionLine, ctx.signal);
  const policy: StopPolicy = { ...DEFAULT_STOP, fixedRounds: opts.runs, budgetMs: (opts.budgetSeconds ?? DEFAULT_STOP.budgetMs / 1000) * 1000 };
  const workDir = path.join(ctx.layout.root, 'bench', component.name, 'work');
  const seed = opts.seed ?? 1;
  const benchmarks: BenchmarkResult[] = [];
  const stopped: BenchOutcome['stopped'] = {};
  let cancelled = false;
  let changed: PgoError | undefined;
  for (const b of component.benchmarks) {
    const result: BenchmarkResult = { name: b.name, command: b.command, runs: {}, stats: {}, vsRelease: {}, outputCheck: { mode: outputMode(b), agreed: false, values: {} } };
    benchmarks.push(result);
    const reason = await runBenchmark({ ctx, component, built, probe, workDir, policy, seed }, b, result);
    stopped[b.name] = reason;
    Object.assign(result, analyse(result.runs));
    if (reason === 'cancelled') {
      cancelled = true;
      break;
    }
    if (reason === 'output-changed') {
      const d = firstDisagreement(result.outputCheck.values, BASELINE_VARIANT);
      const spec = built.find((v) => v.spec.name === d?.variant)?.spec;
      if (d) changed = outputChangedError(b.name, BASELINE_VARIANT, d, result.outputCheck.mode, (spec?.pgo ?? false) && !spec?.bolt);
      break;
    }
  }
  if (!cancelled && !changed && opts.coverage !== false) await addCoverage(ctx, component, built, benchmarks);
  const measured = benchmarks.filter((b) => Object.keys(b.stats).length > 0);
  const recommendation = measured.length > 0
    ? recommend(variantStatsFromBenchmarks(measured), built.map((v) => v.spec.name))
    : { variant: BASELINE_VARIANT, reason: changed ? changed.message : 'nothing was measured' };
  const git = await gitState(ctx.project.workspace.root);
  const results: BenchResults = {
    version: 1,
    component: component.name,
    startedAt,
    finishedAt: new Date().toISOString(),
    git: git.commit ? { commit: git.commit, dirty: git.dirty ?? false } : undefined,
    host: { triple: ctx.rustc.host, cpus: os.cpus().length, os: `${os.type()} ${os.release()}` },
    toolchain: { rustc: ctx.rustc.versionLine, llvmMajor: ctx.rustc.llvmMajor },
    rounds: Math.max(0, ...measured.flatMap((b) => Object.values(b.stats).map((s) => s.n))),
    warmup: 1,
    adaptive: opts.runs === undefined,
    cancelled,
    variants: built.map((v) => ({
      name: v.spec.name,
      // --emit-relocs is part of "BOLT", not a setting of its own.
      settings: settingsDiff(ctx.project.build, v.spec.bolt ? { ...v.settings, rustflags: v.settings.rustflags.filter((f) => f !== EMIT_RELOCS_RUSTFLAG) } : v.settings),
      usesProfile: v.spec.pgo,
      usesBolt: v.spec.bolt || undefined,
      buildSeconds: v.buildSeconds,
      reused: v.reused,
      binaries: [...v.binaries].map(([name, file]) => binaryInfo(name, file)),
      applied: v.applied,
    })),
    benchmarks,
    recommendation,
  };
  const file = writeBenchResults(ctx.layout.root, results);
  if (changed) throw changed;
  return { results, file, stopped };
}

/** The `pgo` variant's (else the first PGO variant's) training profile against each benchmark. */
async function addCoverage(ctx: BuildContext, component: ResolvedComponent, built: readonly BuiltVariant[], benchmarks: BenchmarkResult[]): Promise<void> {
  const pgo = built.find((v) => v.spec.name === 'pgo' && v.instrumented) ?? built.find((v) => v.spec.pgo && v.instrumented);
  if (!pgo?.instrumented || !pgo.profdata) return;
  const llvm = await requireProfdata(ctx);
  for (const b of benchmarks) {
    const spec = component.benchmarks.find((s) => s.name === b.name);
    if (!spec) continue;
    ctx.reporter.info(`${b.name}: one run on the instrumented ${pgo.spec.name} binary, to compare with the training profile`);
    try {
      b.coverage = await measureCoverage({
        llvmProfdata: llvm.path,
        trainingProfile: pgo.profdata,
        instrumented: pgo.instrumented,
        benchmark: spec,
        workspace: ctx.project.workspace.root,
        workDir: path.join(ctx.layout.root, 'bench', component.name, 'coverage'),
        signal: ctx.signal,
      });
    } catch (e) {
      if (ctx.signal?.aborted) return;
      ctx.reporter.warn(`coverage of "${b.name}" could not be measured: ${(e as Error).message}`);
    }
  }
}

/** Every given component, under the workspace lock (builds and timings must not overlap a pipeline run). */
export async function benchComponents(ctx: EngineContext, components: readonly ResolvedComponent[], opts: BenchOptions = {}): Promise<BenchOutcome[]> {
  ctx.layout.ensureRoot();
  const lock = RunLock.acquire(ctx.layout.lockFile, 'pgo bench');
  try {
    const out: BenchOutcome[] = [];
    for (const c of components) {
      out.push(await benchComponent(ctx, c, opts));
      if (out[out.length - 1]?.results.cancelled) break;
    }
    return out;
  } finally {
    lock.release();
  }
}
