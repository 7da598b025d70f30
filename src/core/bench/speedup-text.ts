import type { Comparison } from './bench-results';

/** "1.21×": two decimals, enough for differences of a few percent. */
export function formatSpeedup(x: number): string {
  return `${x.toFixed(2)}×`;
}

/**
 * "1.21× [1.15–1.27]": the speedup and its 95% confidence interval, as the CLI, the report and the
 * sidebar show it. With too few runs for 95% the interval says its real level: "[1.05–1.96] 90% CI".
 */
export function formatComparison(c: Pick<Comparison, 'speedup' | 'ciLow' | 'ciHigh'> & { ciLevel?: number }): string {
  const weak = c.ciLevel !== undefined && c.ciLevel < 0.945 ? ` ${Math.floor(c.ciLevel * 100)}% CI` : '';
  return `${formatSpeedup(c.speedup)} [${c.ciLow.toFixed(2)}–${c.ciHigh.toFixed(2)}]${weak}`;
}

/** "p = 0.003", "p < 0.001": p-values to the precision that matters for a verdict. */
export function formatPValue(p: number): string {
  return p < 0.001 ? 'p < 0.001' : `p = ${p < 0.01 ? p.toFixed(3) : p.toFixed(2)}`;
}

/** What a verdict means for the person deciding what to ship. */
export function verdictText(c: Pick<Comparison, 'verdict'>): string {
  return c.verdict === 'faster' ? 'faster' : c.verdict === 'slower' ? 'slower' : 'no significant difference';
}
