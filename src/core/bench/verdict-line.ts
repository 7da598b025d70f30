import type { BenchResults } from './bench-results';
import { formatComparison } from './speedup-text';

/**
 * One line for a component's latest comparison, as the sidebar and notifications show it:
 * "lto+pgo: 1.21× [1.15–1.27], ship it" or "no significant difference: keep release".
 */
export function verdictLine(r: BenchResults): string {
  const rec = r.recommendation;
  const vs = r.benchmarks[0]?.vsRelease[rec.variant];
  const partial = r.cancelled ? ' (cancelled early)' : '';
  const changed = r.benchmarks.some((b) => !b.outputCheck.agreed);
  if (changed) return `outputs differ between variants: do not ship${partial}`;
  if (rec.variant === 'release' || !vs) return `no significant difference: keep release${partial}`;
  return `${rec.variant}: ${formatComparison(vs)}, ship it${partial}`;
}
