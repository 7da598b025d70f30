import { createHash } from 'node:crypto';
import { ExitCode, PgoError } from '../errors';
import type { BenchmarkSpec } from '../config/bench-config';
import type { OutputCheckMode } from './bench-results';

/**
 * The variants must compute the same thing: a build that is faster because it is wrong is not an
 * optimization. By default the whole stdout is hashed; a benchmark whose output also carries
 * timings (`files/sec: …`) names the part to compare with `output: { regex }` (its first group).
 */
export function outputMode(spec: BenchmarkSpec): OutputCheckMode {
  return spec.output ? 'regex' : 'stdout-hash';
}

export function outputValue(spec: BenchmarkSpec, stdout: string, variant: string): string {
  if (!spec.output) return createHash('sha256').update(stdout).digest('hex').slice(0, 16);
  const m = new RegExp(spec.output.regex, 'm').exec(stdout);
  if (!m) {
    throw new PgoError(
      `benchmark "${spec.name}": the output of variant ${variant} does not match output.regex /${spec.output.regex}/ (stdout began: ${JSON.stringify(stdout.slice(0, 200))})`,
      'fix output.regex in pgo.yaml so it captures the result the program prints',
      ExitCode.Usage,
    );
  }
  return m[1] ?? m[0];
}

/** The first variant whose value differs from the baseline's, if any. */
export function firstDisagreement(values: Record<string, string>, baseline: string): { variant: string; value: string; expected: string } | undefined {
  const expected = values[baseline];
  if (expected === undefined) return undefined;
  for (const [variant, value] of Object.entries(values)) if (value !== expected) return { variant, value, expected };
  return undefined;
}

export function outputChangedError(benchmark: string, baseline: string, d: { variant: string; value: string; expected: string }, mode: OutputCheckMode, usesProfile: boolean): PgoError {
  const what = mode === 'regex' ? 'captured output' : 'stdout hash';
  return new PgoError(
    `${usesProfile ? 'PGO' : `the ${d.variant} build`} changed the program's output: variant ${d.variant} of benchmark "${benchmark}" printed ${what} ${JSON.stringify(d.value)}, ${baseline} printed ${JSON.stringify(d.expected)}`,
    `a miscompile, undefined behaviour, or output that depends on the build (timings, addresses): run \`pgo verify\` for the tests; if the output legitimately varies, set output.regex for "${benchmark}" in pgo.yaml to the part that must agree`,
    ExitCode.OutputChanged,
  );
}
