import { ExitCode, PgoError } from '../errors';
import type { BenchmarkResult, Comparison, Recommendation, SampleSummary } from './bench-results';
import { formatComparison } from './speedup-text';

/**
 * The statistics behind "is it faster?": pure, deterministic functions over timing samples.
 *
 * Timings on a shared VM are noisy (CV 6–7 %) and not normally distributed (long right tails), so
 * everything here is rank-based and distribution-free: a Mann–Whitney U test for the verdict and
 * the Hodges–Lehmann interval of the log ratio for the speedup's confidence interval. Both come
 * from the same U distribution, so the verdict and the interval agree. Hand-written (no npm
 * statistics package offers the exact U distribution with ties and the HL interval); the p-values
 * are cross-checked against SciPy (test/fixtures/stats, scripts/mann-whitney-reference.py).
 */

export type { Comparison, Recommendation, SampleSummary } from './bench-results';

/** A comparison with the confidence its interval really has (less than asked for tiny samples). */
export interface SpeedupComparison extends Comparison {
  /** Achieved coverage of [ciLow, ciHigh]: the requested confidence, or less when n is too small. */
  ciLevel: number;
}

export interface CompareOptions {
  /** Confidence of the interval, and 1 − the test's significance level. Default 0.95. */
  confidence?: number;
}

/** One variant's wall-time samples (ms) per benchmark name. */
export interface VariantStats {
  name: string;
  samples: Record<string, number[]>;
}

const DEFAULT_CONFIDENCE = 0.95;
/** Up to this many samples in both groups together, p-values and interval ranks are exact. */
const EXACT_MAX_TOTAL = 50;

export function summarize(samples: readonly number[]): SampleSummary {
  checkSamples(samples, 'samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const mean = sorted.reduce((s, x) => s + x, 0) / n;
  const variance = n > 1 ? sorted.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1) : 0;
  const stddev = Math.sqrt(variance);
  return { n, median: medianOfSorted(sorted), min: sorted[0]!, max: sorted[n - 1]!, mean, stddev, cv: mean > 0 ? stddev / mean : 0 };
}

/**
 * The variant against the baseline: speedup = baseline median / variant median (> 1 = faster),
 * its confidence interval (Hodges–Lehmann on log ratios, distribution-free), the two-sided
 * Mann–Whitney p-value, and a verdict that is "faster"/"slower" only when p < 1 − confidence and
 * the interval excludes 1.
 */
export function compareToBaseline(baseline: readonly number[], variant: readonly number[], opts: CompareOptions = {}): SpeedupComparison {
  checkSamples(baseline, 'baseline samples', true);
  checkSamples(variant, 'variant samples', true);
  const confidence = opts.confidence ?? DEFAULT_CONFIDENCE;
  if (!(confidence > 0 && confidence < 1)) {
    throw new PgoError(`confidence must be between 0 and 1 (got ${confidence})`, 'Use e.g. 0.95 for a 95% interval.', ExitCode.Usage);
  }
  const alpha = 1 - confidence;
  const speedup = median(baseline) / median(variant);
  const { pValue } = mannWhitneyU(baseline, variant);
  const ci = hodgesLehmannInterval(baseline.map(Math.log), variant.map(Math.log), confidence);
  const ciLow = Math.exp(ci.low);
  const ciHigh = Math.exp(ci.high);
  const significant = pValue < alpha;
  const verdict = significant && ciLow > 1 ? 'faster' : significant && ciHigh < 1 ? 'slower' : 'no-difference';
  return { speedup, ciLow, ciHigh, pValue, verdict, ciLevel: ci.level };
}

/**
 * (ciHigh − ciLow) / speedup: how precisely the speedup is known; the adaptive stop ends when this
 * is small enough. Infinite while the samples are too few for an interval of the asked confidence.
 */
export function ciRelativeWidth(c: Comparison & { ciLevel?: number }, confidence = DEFAULT_CONFIDENCE): number {
  if (c.ciLevel !== undefined && c.ciLevel < confidence - 1e-9) return Infinity;
  return (c.ciHigh - c.ciLow) / c.speedup;
}

export interface MannWhitneyResult {
  /** U of the first sample: pairs (x, y) with x > y, ties counting one half. */
  u: number;
  pValue: number;
  method: 'exact' | 'normal';
}

/**
 * Two-sided Mann–Whitney U test. Exact (the permutation distribution of the rank sum, midranks
 * for ties) when both samples together have at most 50 values; otherwise the normal
 * approximation with tie and continuity correction (as SciPy's `method="asymptotic"`).
 */
export function mannWhitneyU(x: readonly number[], y: readonly number[]): MannWhitneyResult {
  const n1 = x.length;
  const n2 = y.length;
  const { ranks, tieSizes } = midranks([...x, ...y]);
  const rankSumX = ranks.slice(0, n1).reduce((s, r) => s + r, 0);
  const u = rankSumX - (n1 * (n1 + 1)) / 2;
  if (n1 === 0 || n2 === 0) return { u, pValue: 1, method: 'exact' };
  if (n1 + n2 <= EXACT_MAX_TOTAL) {
    // Doubled midranks are integers, so the rank-sum distribution can be counted exactly.
    const doubled = ranks.map((r) => Math.round(2 * r));
    const counts = subsetSumCounts(doubled, n1);
    const observed = Math.round(2 * rankSumX);
    let below = 0;
    let above = 0;
    let total = 0;
    counts.forEach((c, s) => {
      total += c;
      if (s <= observed) below += c;
      if (s >= observed) above += c;
    });
    return { u, pValue: Math.min(1, (2 * Math.min(below, above)) / total), method: 'exact' };
  }
  const n = n1 + n2;
  const mu = (n1 * n2) / 2;
  const tieTerm = tieSizes.reduce((s, t) => s + (t ** 3 - t), 0);
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  if (sigma === 0) return { u, pValue: 1, method: 'normal' };
  const z = (Math.abs(u - mu) - 0.5) / sigma;
  return { u, pValue: Math.min(1, erfc(z / Math.SQRT2)), method: 'normal' };
}

/**
 * The Hodges–Lehmann interval for the shift x − y: the k-th smallest and k-th largest of all
 * pairwise differences, k from the (tie-free) U distribution so that the interval covers the true
 * shift with at least `confidence`. With too few samples for that, k = 1 (the full range) and
 * `level` says the coverage the range really has.
 */
export function hodgesLehmannInterval(x: readonly number[], y: readonly number[], confidence: number): { low: number; high: number; level: number } {
  const diffs: number[] = [];
  for (const a of x) for (const b of y) diffs.push(a - b);
  diffs.sort((a, b) => a - b);
  const m = diffs.length;
  const { k, level } = intervalRank(x.length, y.length, 1 - confidence);
  return { low: diffs[k - 1]!, high: diffs[m - k]!, level };
}

/** Largest k ≥ 1 with P(U ≤ k − 1) ≤ α/2 under H0, and the interval's coverage 1 − 2·P(U ≤ k − 1). */
function intervalRank(n1: number, n2: number, alpha: number): { k: number; level: number } {
  const m = n1 * n2;
  if (n1 + n2 <= EXACT_MAX_TOTAL) {
    const dist = uDistribution(n1, n2);
    let cumulative = 0;
    let k = 0;
    while (k < Math.floor((m + 1) / 2) && cumulative + dist[k]! <= alpha / 2 + 1e-12) {
      cumulative += dist[k]!;
      k++;
    }
    if (k === 0) return { k: 1, level: Math.max(0, 1 - 2 * dist[0]!) };
    return { k, level: 1 - 2 * cumulative };
  }
  const mu = m / 2;
  const sigma = Math.sqrt((m * (n1 + n2 + 1)) / 12);
  const k = Math.max(1, Math.floor(mu + 0.5 - normalQuantile(1 - alpha / 2) * sigma));
  return { k, level: 1 - alpha };
}

const uDistributionCache = new Map<string, number[]>();

/** P(U = u) for u = 0..n1·n2 under H0 without ties. */
function uDistribution(n1: number, n2: number): number[] {
  const key = `${n1},${n2}`;
  const cached = uDistributionCache.get(key);
  if (cached) return cached;
  const ranks = Array.from({ length: n1 + n2 }, (_, i) => i + 1);
  const counts = subsetSumCounts(ranks, n1);
  const offset = (n1 * (n1 + 1)) / 2;
  const total = counts.reduce((s, c) => s + c, 0);
  const dist = Array.from({ length: n1 * n2 + 1 }, (_, u) => (counts[u + offset] ?? 0) / total);
  uDistributionCache.set(key, dist);
  return dist;
}

/**
 * counts[s] = number of ways to choose `size` of the (non-negative integer) scores with sum s.
 * Floating-point counts: C(50, 25) ≈ 1.3e14 is still exact in a double.
 */
function subsetSumCounts(scores: readonly number[], size: number): number[] {
  const maxSum = scores.reduce((s, x) => s + x, 0);
  // ways[k][s]: subsets of k scores seen so far with sum s.
  const ways = Array.from({ length: size + 1 }, () => new Float64Array(maxSum + 1));
  ways[0]![0] = 1;
  let reach = 0;
  scores.forEach((score, i) => {
    reach += score;
    for (let k = Math.min(size, i + 1); k >= 1; k--) {
      const into = ways[k]!;
      const from = ways[k - 1]!;
      for (let s = reach; s >= score; s--) into[s]! += from[s - score]!;
    }
  });
  return Array.from(ways[size]!);
}

function midranks(values: readonly number[]): { ranks: number[]; tieSizes: number[] } {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const ranks = new Array<number>(values.length);
  const tieSizes: number[] = [];
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]!.v === order[start]!.v) end++;
    const rank = (start + end) / 2 + 1;
    for (let j = start; j <= end; j++) ranks[order[j]!.i] = rank;
    if (end > start) tieSizes.push(end - start + 1);
    start = end + 1;
  }
  return { ranks, tieSizes };
}

/**
 * The variant to ship: among the variants that are significantly faster than every cheaper one
 * (earlier in `order`, cheapest first; names not in `order` count as the most expensive), the
 * fastest by the geometric mean of its speedups over the cheapest. "Significantly faster than B"
 * means faster on at least one benchmark and slower on none. When nothing beats the cheapest,
 * recommend the cheapest and say so.
 */
export function recommend(variants: readonly VariantStats[], order: readonly string[], opts: CompareOptions = {}): Recommendation {
  if (variants.length === 0) {
    throw new PgoError('no variants to compare', 'Run `pgo bench` with at least two variants.', ExitCode.Usage);
  }
  const rank = (name: string): number => {
    const i = order.indexOf(name);
    return i < 0 ? order.length + variants.findIndex((v) => v.name === name) : i;
  };
  const sorted = [...variants].sort((a, b) => rank(a.name) - rank(b.name));
  const cheapest = sorted[0]!;
  if (sorted.length === 1) return { variant: cheapest.name, reason: `${cheapest.name} is the only variant measured.` };

  const comparisons = (base: VariantStats, v: VariantStats): Array<{ benchmark: string; c: SpeedupComparison }> =>
    Object.keys(v.samples)
      .filter((b) => (base.samples[b]?.length ?? 0) > 0 && (v.samples[b]?.length ?? 0) > 0)
      .map((b) => ({ benchmark: b, c: compareToBaseline(base.samples[b]!, v.samples[b]!, opts) }));
  const beats = (v: VariantStats, base: VariantStats): boolean => {
    const cs = comparisons(base, v);
    return cs.some((x) => x.c.verdict === 'faster') && !cs.some((x) => x.c.verdict === 'slower');
  };
  const geoSpeedup = (v: VariantStats): number => {
    const cs = comparisons(cheapest, v);
    return cs.length === 0 ? 1 : Math.exp(cs.reduce((s, x) => s + Math.log(x.c.speedup), 0) / cs.length);
  };
  const describe = (base: VariantStats, v: VariantStats): string =>
    comparisons(base, v)
      .map((x) => (Object.keys(v.samples).length > 1 ? `${x.benchmark} ${formatComparison(x.c)}` : formatComparison(x.c)))
      .join(', ');

  const qualified = sorted.slice(1).filter((v, i) => sorted.slice(0, i + 1).every((cheaper) => beats(v, cheaper)));
  if (qualified.length === 0) {
    const best = [...sorted.slice(1)].sort((a, b) => geoSpeedup(b) - geoSpeedup(a))[0]!;
    return {
      variant: cheapest.name,
      reason:
        `No variant was significantly faster than ${cheapest.name} (best: ${best.name} ${describe(cheapest, best)}): ` +
        `keep ${cheapest.name}, the cheapest build, or measure more rounds.`,
    };
  }
  const chosen = [...qualified].sort((a, b) => geoSpeedup(b) - geoSpeedup(a))[0]!;
  const cheaperOthers = sorted.slice(1, sorted.indexOf(chosen)).map((v) => v.name);
  const notBetter = sorted.slice(sorted.indexOf(chosen) + 1).filter((v) => !beats(v, chosen));
  let reason = `${chosen.name} is significantly faster than ${cheapest.name} (${describe(cheapest, chosen)})`;
  if (cheaperOthers.length > 0) reason += ` and than ${cheaperOthers.join(', ')}`;
  reason += '.';
  if (notBetter.length > 0) {
    reason +=
      ` ${notBetter.map((v) => `${v.name} (${describe(chosen, v)} against ${chosen.name})`).join('; ')} ` +
      `${notBetter.length === 1 ? 'is' : 'are'} not significantly faster, so the cheaper ${chosen.name} is the one to ship.`;
  }
  return { variant: chosen.name, reason };
}

/** The per-variant samples of a results file's benchmarks, as `recommend` wants them. */
export function variantStatsFromBenchmarks(benchmarks: readonly BenchmarkResult[]): VariantStats[] {
  const byName = new Map<string, VariantStats>();
  for (const b of benchmarks) {
    for (const [variant, runs] of Object.entries(b.runs)) {
      const v = byName.get(variant) ?? { name: variant, samples: {} };
      v.samples[b.name] = runs.map((r) => r.wallMs);
      byName.set(variant, v);
    }
  }
  return [...byName.values()];
}

/**
 * Distribution-free interval for one sample's median: order statistics x(j)..x(n+1−j), j from the
 * Binomial(n, ½) distribution. With fewer than 6 samples no 95 % interval exists: the full range,
 * with the level it really has.
 */
export function medianInterval(samples: readonly number[], confidence = DEFAULT_CONFIDENCE): { low: number; high: number; level: number } {
  checkSamples(samples, 'samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const alpha = 1 - confidence;
  // P(B = i) for B ~ Binomial(n, 1/2), built in log space so large n does not overflow.
  const logHalfN = n * Math.log(0.5);
  let logChoose = 0;
  let cumulative = 0;
  let j = 0;
  while (j < Math.floor(n / 2)) {
    const p = Math.exp(logChoose + logHalfN);
    if (cumulative + p > alpha / 2 + 1e-12) break;
    cumulative += p;
    logChoose += Math.log((n - j) / (j + 1));
    j++;
  }
  if (j === 0) return { low: sorted[0]!, high: sorted[n - 1]!, level: Math.max(0, 1 - 2 * 0.5 ** n) };
  return { low: sorted[j - 1]!, high: sorted[n - j]!, level: 1 - 2 * cumulative };
}

export function median(samples: readonly number[]): number {
  return medianOfSorted([...samples].sort((a, b) => a - b));
}

function medianOfSorted(sorted: readonly number[]): number {
  const n = sorted.length;
  return n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
}

function checkSamples(samples: readonly number[], what: string, positive = false): void {
  if (samples.length === 0) {
    throw new PgoError(`no ${what}: nothing to summarize`, 'Run at least one measured round (`pgo bench --runs N`).', ExitCode.Usage);
  }
  const bad = samples.find((x) => !Number.isFinite(x) || (positive && x <= 0));
  if (bad !== undefined) {
    throw new PgoError(`${what} must be ${positive ? 'positive ' : ''}finite numbers (got ${bad})`, 'Check the timings in the results file.', ExitCode.Usage);
  }
}

/** Complementary error function, ~1e-14 relative accuracy: a series below 2, a continued fraction above. */
export function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) {
    // erf(x) = 2/√π · e^{−x²} · Σ 2ⁿ x^{2n+1} / (1·3·…·(2n+1)): all terms positive, no cancellation.
    let term = x;
    let sum = x;
    for (let n = 1; term > sum * 1e-17; n++) {
      term *= (2 * x * x) / (2 * n + 1);
      sum += term;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
  }
  // erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + (2/2)/(x + (3/2)/(x + …)))), evaluated backwards.
  let t = x;
  for (let k = 120; k >= 1; k--) t = x + k / 2 / t;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / t;
}

/** Inverse of the standard normal CDF (Acklam's approximation, refined by one Halley step). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  let x: number;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - low) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  const e = 0.5 * erfc(-x / Math.SQRT2) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}
