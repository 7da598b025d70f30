import type { ResolvedComponent } from '../config/resolve-project';
import { errorMessage, fromSystemError } from '../errors';
import { requireRustc, type BuildContext, type EngineContext } from './engine-context';
import { instrumentPhase } from './instrument-phase';
import { mergePhase, type AddedProfile } from './merge-phase';
import { optimizePhase, type OptimizeResult } from './optimize-phase';
import type { ProfileMetadata } from './profile-metadata';
import { profileWarning } from './profile-warning';
import { PHASES, type PhaseName } from './reporter';
import { workloadPhase } from './workload-phase';
import { exportRunProfiles } from './profile-export';
import { selectWorkloads } from './workload-selection';

export interface PhaseTiming {
  phase: PhaseName;
  component: string;
  durationMs: number;
}

export interface ComponentOutcome {
  component: string;
  timings: PhaseTiming[];
  meta?: ProfileMetadata;
  optimized?: OptimizeResult;
}

/** Options of the workload and merge phases (CLI flags, task properties). */
export interface PhaseOptions {
  skipCorrupt?: boolean;
  added?: readonly AddedProfile[];
  /** Workload: only these named workloads. */
  only?: readonly string[];
  /** Workload: also copy the run's raw profiles into this folder (a CI job's upload). */
  profileDir?: string;
}

function describeStart(phase: PhaseName, c: ResolvedComponent, size: number | undefined, only?: readonly string[]): string {
  switch (phase) {
    case 'instrument':
      return `building ${c.bins.map((b) => b.name).join(', ') || c.packages.join(', ')} with -Cprofile-generate`;
    case 'workload':
      if (only && only.length > 0) return `${only.map((n) => `"${n}"`).join(', ')}${size !== undefined ? `, size ${size}` : ''}`;
      return `${c.workloads.length} command(s)${size !== undefined ? `, size ${size}` : ''}${c.usesDefaultWorkload ? ' (default: cargo test --release)' : ''}`;
    case 'merge':
      return 'llvm-profdata merge';
    case 'optimize':
      return 'building with -Cprofile-use';
  }
}

/** Run one phase with start/end reports and its duration. */
export async function runPhase(
  ctx: BuildContext,
  phase: PhaseName,
  component: ResolvedComponent,
  size: number | undefined,
  outcome: ComponentOutcome,
  opts: PhaseOptions = {},
): Promise<void> {
  const effectiveSize = size ?? component.defaultSize;
  ctx.reporter.phaseStart(phase, component.name, describeStart(phase, component, effectiveSize, opts.only));
  const started = Date.now();
  const end = (ok: boolean, detail: string): void => {
    const durationMs = Date.now() - started;
    outcome.timings.push({ phase, component: component.name, durationMs });
    ctx.reporter.phaseEnd(phase, component.name, ok, durationMs, detail);
  };
  try {
    switch (phase) {
      case 'instrument': {
        const stamp = await instrumentPhase(ctx, component);
        end(true, stamp.binaries.map((b) => b.path).join(', '));
        break;
      }
      case 'workload': {
        const run = await workloadPhase(ctx, component, size, { only: opts.only });
        const exported = opts.profileDir !== undefined ? exportRunProfiles(run, opts.profileDir) : undefined;
        if (exported && exported.earlier > 0) ctx.reporter.warn(`${exported.dir} already held ${exported.earlier} other .profraw file(s): \`pgo merge --add ${opts.profileDir ?? ''}\` merges them along with this run's`);
        end(true, `${run.commands.reduce((n, c) => n + c.rawFiles, 0)} raw profile(s)${exported ? `, copied to ${exported.dir}` : ''}`);
        break;
      }
      case 'merge': {
        outcome.meta = await mergePhase(ctx, component, { skipCorrupt: opts.skipCorrupt, added: opts.added });
        // A thin profile is usable, so the phase succeeded; the line still says it is thin.
        const thin = profileWarning(outcome.meta);
        end(true, `${outcome.meta.functions} functions, total count ${outcome.meta.totalCount}${thin ? ` — ⚠ ${thin.headline}` : ''}`);
        break;
      }
      case 'optimize': {
        outcome.optimized = await optimizePhase(ctx, component);
        outcome.meta = outcome.optimized.meta;
        const a = outcome.optimized.applied;
        end(true, a.instrumented > 0 ? `profile applied to ${a.applied} of ${a.instrumented} instrumented functions` : 'profile applied: not measured (no instrumented build here)');
        break;
      }
    }
  } catch (err) {
    const e = fromSystemError(err);
    end(false, errorMessage(e).split('\n')[0] ?? '');
    throw e;
  }
}

/**
 * Run the given phases (default: all four) for each component, under the workspace lock. Stops at
 * the first failure; every phase leaves the last good profile in place when it fails.
 */
export async function runPipeline(
  ctx: EngineContext,
  components: ResolvedComponent[],
  opts: PhaseOptions & { size?: number; phases?: readonly PhaseName[]; command?: string } = {},
): Promise<ComponentOutcome[]> {
  const phases = opts.phases ?? PHASES;
  // A misspelt --only fails now, not after the instrumented build.
  if (phases.includes('workload')) for (const c of components) selectWorkloads(c, opts.only);
  const build = await requireRustc(ctx);
  const lock = ctx.layout.lock(opts.command ?? `pgo ${phases.join('+')}`);
  const outcomes: ComponentOutcome[] = [];
  try {
    for (const c of components) {
      const outcome: ComponentOutcome = { component: c.name, timings: [] };
      outcomes.push(outcome);
      for (const phase of phases) await runPhase(build, phase, c, opts.size, outcome, opts);
    }
    return outcomes;
  } finally {
    lock.release();
  }
}
