import * as fs from 'node:fs';
import * as path from 'node:path';
import { ExitCode, PgoError } from '../errors';
import { builtinBoltVariants, type BenchmarkSpec } from '../config/bench-config';
import type { ResolvedComponent } from '../config/resolve-project';
import { outputValue } from '../bench/output-check';
import { buildVariants } from '../bench/variant-builds';
import { requireRustc, type BuildContext, type EngineContext } from '../pipeline/engine-context';
import { expandArgument } from '../pipeline/workload-phase';
import { runStreaming } from '../util/process';
import type { BoltedBinary } from './bolt-phase';

/**
 * `pgo bolt [component] [--pgo]`: the release build (or, with --pgo, a PGO build) linked with
 * --emit-relocs, optimized by BOLT with a profile of the component's workloads, then checked: the
 * BOLT-optimized binaries must print what the build they came from prints. The builds and BOLT
 * results are the bench's `bolt` / `pgo+bolt` variants: `pgo bench --variants bolt` reuses them.
 */
export interface BoltOutputCheck {
  /** The benchmark's or workload's name. */
  name: string;
  command: string[];
  mode: 'regex' | 'stdout-hash';
  before: string;
  after: string;
  agreed: boolean;
}

export interface BoltComponentOutcome {
  component: string;
  variant: string;
  binaries: (BoltedBinary & { inputBytes: number; outputBytes: number })[];
  checks: BoltOutputCheck[];
  reused: boolean;
  seconds?: number;
}

const MAX_STDOUT = 64 * 1024 * 1024;

/** Run one command and return its stdout (bounded), failing with the command's own words. */
async function stdoutOf(ctx: BuildContext, name: string, argv: string[], cwd: string, env: Record<string, string>, timeoutSeconds: number | undefined): Promise<string> {
  const [file, ...args] = argv;
  if (!file) throw new PgoError(`"${name}" has an empty command`, 'give it a command list in pgo.yaml', ExitCode.Usage);
  const out: string[] = [];
  let bytes = 0;
  const r = await runStreaming(/[\\/]/.test(file) ? path.resolve(cwd, file) : file, args, {
    cwd,
    env,
    signal: ctx.signal,
    timeoutMs: timeoutSeconds !== undefined ? timeoutSeconds * 1000 : undefined,
    onLine: (line, stream) => {
      if (stream !== 'stdout') return;
      bytes += line.length + 1;
      if (bytes <= MAX_STDOUT) out.push(line);
    },
  });
  if (r.timedOut || r.exitCode !== 0) {
    throw new PgoError(
      `"${name}" ${r.timedOut ? `did not finish within ${timeoutSeconds ?? '?'}s` : `failed (${r.exitCode !== undefined ? `exit code ${r.exitCode}` : `killed by ${r.signal ?? '?'}`})`}: ${argv.join(' ')}${r.stderrTail.length > 0 ? `\n${r.stderrTail.slice(-5).join('\n')}` : ''}`,
      'run it by hand; a crash only in the BOLT-optimized binary is a BOLT problem: report it with the binary and llvm-bolt\'s version',
    );
  }
  return `${out.join('\n')}\n`;
}

/**
 * What must agree: the benchmarks (with their output.regex) when the component has some, else the
 * workloads (their whole stdout).
 */
function checkCommands(component: ResolvedComponent): BenchmarkSpec[] {
  if (component.benchmarks.length > 0) return component.benchmarks;
  return component.workloads.map((w) => ({ name: w.name, command: w.command, env: w.env, cwd: w.cwd, timeoutSeconds: w.timeoutSeconds }));
}

async function checkOutputs(ctx: BuildContext, component: ResolvedComponent, before: Map<string, string>, after: Map<string, string>, size: number | undefined): Promise<BoltOutputCheck[]> {
  const ws = ctx.project.workspace.root;
  const checks: BoltOutputCheck[] = [];
  for (const spec of checkCommands(component)) {
    const cwd = spec.cwd ? path.resolve(ws, spec.cwd) : ws;
    const argvOf = (bins: Map<string, string>): string[] => spec.command.map((a) => expandArgument(a, { size: size ?? component.defaultSize, workspace: ws, bins }));
    ctx.reporter.info(`BOLT: checking that "${spec.name}" prints the same with the BOLT-optimized binaries`);
    const b = outputValue(spec, await stdoutOf(ctx, spec.name, argvOf(before), cwd, spec.env, spec.timeoutSeconds), 'before BOLT');
    const a = outputValue(spec, await stdoutOf(ctx, spec.name, argvOf(after), cwd, spec.env, spec.timeoutSeconds), 'after BOLT');
    checks.push({ name: spec.name, command: argvOf(after), mode: spec.output ? 'regex' : 'stdout-hash', before: b, after: a, agreed: a === b });
  }
  return checks;
}

export async function boltComponent(engine: EngineContext, component: ResolvedComponent, opts: { pgo?: boolean; size?: number } = {}): Promise<BoltComponentOutcome> {
  const ctx = await requireRustc(engine);
  const name = opts.pgo ? 'pgo+bolt' : 'bolt';
  const spec = ctx.project.variants.find((v) => v.name === name && v.bolt) ?? builtinBoltVariants().find((v) => v.name === name);
  if (!spec) throw new Error(`no built-in ${name} variant`);
  const [built] = await buildVariants(ctx, component, [spec], opts.size);
  if (!built?.bolt || !built.boltInput) throw new Error(`the ${name} variant was built without BOLT`);
  const checks = await checkOutputs(ctx, component, built.boltInput, built.binaries, opts.size);
  const outcome: BoltComponentOutcome = {
    component: component.name,
    variant: name,
    binaries: built.bolt.stamp.binaries.map((b) => ({ ...b, inputBytes: fs.statSync(b.input).size, outputBytes: fs.statSync(b.output).size })),
    checks,
    reused: built.reused,
    seconds: built.buildSeconds,
  };
  const bad = checks.find((c) => !c.agreed);
  if (bad) {
    throw new PgoError(
      `BOLT changed the program's output: "${bad.name}" printed ${bad.mode === 'regex' ? 'captured output' : 'stdout hash'} ${JSON.stringify(bad.after)} with the BOLT-optimized binary, ${JSON.stringify(bad.before)} with the build it came from`,
      `a BOLT bug or output that depends on the build (timings, addresses): if the output legitimately varies, give the component benchmarks with output.regex for the part that must agree; otherwise do not ship the BOLT-optimized binary, and report it with llvm-bolt's version (${built.bolt.stamp.boltVersion ?? 'unknown'})`,
      ExitCode.OutputChanged,
    );
  }
  return outcome;
}

/** Every given component, under the workspace lock. */
export async function boltComponents(engine: EngineContext, components: readonly ResolvedComponent[], opts: { pgo?: boolean; size?: number } = {}): Promise<BoltComponentOutcome[]> {
  const lock = engine.layout.lock(`pgo bolt${opts.pgo ? ' --pgo' : ''}`);
  try {
    const out: BoltComponentOutcome[] = [];
    for (const c of components) out.push(await boltComponent(engine, c, opts));
    return out;
  } finally {
    lock.release();
  }
}

export function formatBoltOutcome(o: BoltComponentOutcome): string {
  const lines = [`BOLT — ${o.component} (${o.variant}${o.reused ? ', reused: same binaries, workloads and llvm-bolt' : ''})`];
  for (const b of o.binaries) {
    if (!b.fdata) {
      lines.push(`  ${b.target}: not run by the workload, left as it is (${b.input})`);
      continue;
    }
    const dyno = b.dynoChanges ?? {};
    const shown = ['taken branches', 'executed instructions'].filter((k) => dyno[k] !== undefined).map((k) => `${k} ${(dyno[k] ?? 0) > 0 ? '+' : ''}${dyno[k]}%`);
    lines.push(`  ${b.target}: ${b.output}`);
    lines.push(`    from ${b.input}`);
    if (b.profiledFunctions) lines.push(`    profile: ${b.profiledFunctions.profiled} of ${b.profiledFunctions.total} functions ran in the workload (${b.fdata})`);
    if (shown.length > 0) lines.push(`    dynamic counts in the workload: ${shown.join(', ')}`);
    lines.push(`    size: ${b.inputBytes} → ${b.outputBytes} bytes`);
  }
  for (const c of o.checks) lines.push(`  output of "${c.name}": ${c.agreed ? 'the same' : 'DIFFERENT'} (${c.mode === 'regex' ? c.after : `stdout ${c.after}`})`);
  lines.push('  is it faster? `pgo bench --variants ' + (o.variant === 'bolt' ? 'bolt' : 'pgo,pgo+bolt') + '` measures it against release');
  return lines.join('\n');
}
