import { ExitCode } from '../core/errors';
import type { ResolvedComponent } from '../core/config/resolve-project';
import type { EngineContext } from '../core/pipeline/engine-context';
import { benchComponents } from '../core/bench/run-bench';
import { formatBenchResults } from '../core/bench/bench-table';
import { verifyComponent } from '../core/bench/verify';
import { RunLock } from '../core/pipeline/run-lock';
import type { Paint } from '../core/report/format';
import type { CliArgs } from './cli-args';

/** `pgo bench [component|all]`: the results table per component; exit 130 when interrupted (results kept). */
export async function benchCommand(ctx: EngineContext, components: ResolvedComponent[], args: CliArgs, paint: Paint, print: (s: string) => void): Promise<number> {
  // "all" means every component that has benchmarks; a named one without them is an error.
  const chosen = args.component === 'all' ? components.filter((c) => c.benchmarks.length > 0) : components;
  for (const c of components) if (!chosen.includes(c)) ctx.reporter.info(`${c.name}: no benchmarks in pgo.yaml, skipped`);
  const outcomes = await benchComponents(ctx, chosen.length > 0 ? chosen : components, {
    runs: args.runs,
    budgetSeconds: args.budget,
    variants: args.variants,
    seed: args.seed,
  });
  if (args.json) print(JSON.stringify(outcomes.map((o) => ({ file: o.file, stopped: o.stopped, ...o.results })), null, 2));
  else for (const o of outcomes) print(`\n${formatBenchResults(o.results, paint)}\n${paint.dim(`results: ${o.file}`)}`);
  return outcomes.some((o) => o.results.cancelled) ? ExitCode.Cancelled : ExitCode.Ok;
}

/** `pgo verify [component]`: the tests with the PGO build's settings, under the workspace lock. */
export async function verifyCommand(ctx: EngineContext, components: ResolvedComponent[], print: (s: string) => void): Promise<number> {
  ctx.layout.ensureRoot();
  const lock = RunLock.acquire(ctx.layout.lockFile, 'pgo verify');
  try {
    for (const c of components) {
      await verifyComponent(ctx, c);
      print(`${c.name}: the tests pass when built with the PGO profile and settings`);
    }
  } finally {
    lock.release();
  }
  return ExitCode.Ok;
}
