import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ciRelativeWidth,
  compareToBaseline,
  erfc,
  medianInterval,
  mannWhitneyU,
  normalQuantile,
  recommend,
  summarize,
  variantStatsFromBenchmarks,
} from '../../src/core/bench/statistics';
import { PgoError } from '../../src/core/errors';
import type { BenchmarkResult } from '../../src/core/bench/bench-results';
import { noisyTimings } from './sample-bench-results';

const timings = noisyTimings;

/** Two-sided exact p by listing every split of the pooled values: the definition, no cleverness. */
function bruteForceP(x: number[], y: number[]): number {
  const pooled = [...x, ...y];
  const sorted = [...pooled].sort((a, b) => a - b);
  const rankOf = (v: number): number => {
    const first = sorted.indexOf(v);
    const last = sorted.lastIndexOf(v);
    return (first + last) / 2 + 1;
  };
  const ranks = pooled.map(rankOf);
  const observed = ranks.slice(0, x.length).reduce((s, r) => s + r, 0);
  let below = 0;
  let above = 0;
  let total = 0;
  const walk = (start: number, left: number, sum: number): void => {
    if (left === 0) {
      total++;
      if (sum <= observed + 1e-9) below++;
      if (sum >= observed - 1e-9) above++;
      return;
    }
    for (let i = start; i <= ranks.length - left; i++) walk(i + 1, left - 1, sum + ranks[i]!);
  };
  walk(0, x.length, 0);
  return Math.min(1, (2 * Math.min(below, above)) / total);
}

describe('bench statistics: summarize', () => {
  it('gives median, range, mean, sample stddev and CV', () => {
    const s = summarize([4, 1, 3, 2]);
    assert.deepEqual({ n: s.n, median: s.median, min: s.min, max: s.max, mean: s.mean }, { n: 4, median: 2.5, min: 1, max: 4, mean: 2.5 });
    assert.ok(Math.abs(s.stddev - Math.sqrt(5 / 3)) < 1e-12);
    assert.ok(Math.abs(s.cv - Math.sqrt(5 / 3) / 2.5) < 1e-12);
    assert.deepEqual(summarize([7]), { n: 1, median: 7, min: 7, max: 7, mean: 7, stddev: 0, cv: 0 });
  });

  it('rejects empty and non-finite samples with a fix', () => {
    assert.throws(() => summarize([]), (e: unknown) => e instanceof PgoError && /no samples/.test(e.message) && !!e.fix);
    assert.throws(() => summarize([1, NaN]), /finite numbers \(got NaN\)/);
    assert.throws(() => compareToBaseline([1, 2], [0, 2]), /variant samples must be positive finite numbers \(got 0\)/);
  });
});

describe('bench statistics: compareToBaseline', () => {
  it('finds no difference between identical samples', () => {
    const a = timings(1, 10, 1000);
    const c = compareToBaseline(a, [...a]);
    assert.equal(c.verdict, 'no-difference');
    assert.equal(c.speedup, 1);
    assert.equal(c.pValue, 1);
    assert.ok(c.ciLow <= 1 && c.ciHigh >= 1);
  });

  it('finds no difference between two draws of the same noise (at most the expected false alarms)', () => {
    let alarms = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const c = compareToBaseline(timings(seed, 10, 1000), timings(1000 + seed, 10, 1000));
      if (c.verdict !== 'no-difference') alarms++;
    }
    // 5 % expected: 2 of 40; the exact test is conservative, so more than 6 means a broken test.
    assert.ok(alarms <= 6, `${alarms} false alarms in 40`);
  });

  it('detects a 20% speedup through realistic noise, and its mirror image as slower', () => {
    const release = timings(11, 10, 1200);
    const optimized = timings(12, 10, 1000);
    const c = compareToBaseline(release, optimized);
    assert.equal(c.verdict, 'faster');
    assert.ok(c.pValue < 0.01, `p = ${c.pValue}`);
    assert.ok(c.ciLow > 1 && c.ciLow <= 1.2 && c.ciHigh >= 1.2, `CI ${c.ciLow}–${c.ciHigh}`);
    assert.ok(Math.abs(c.speedup - 1.2) < 0.1, `speedup ${c.speedup}`);
    assert.equal(c.ciLevel >= 0.95, true);
    const back = compareToBaseline(optimized, release);
    assert.equal(back.verdict, 'slower');
    assert.ok(Math.abs(back.ciLow * c.ciHigh - 1) < 1e-9 && Math.abs(back.ciHigh * c.ciLow - 1) < 1e-9, 'the interval mirrors');
  });

  it('handles 2 and 3 samples without throwing and without a verdict, and says the interval is weak', () => {
    for (const n of [1, 2, 3]) {
      const c = compareToBaseline(timings(21, n, 1200), timings(22, n, 1000));
      assert.equal(c.verdict, 'no-difference', `n = ${n}`);
      assert.ok(c.ciLevel < 0.95, `n = ${n}: level ${c.ciLevel}`);
      assert.equal(ciRelativeWidth(c), Infinity);
      assert.ok(Number.isFinite(c.ciLow) && Number.isFinite(c.ciHigh), 'the interval stays JSON-safe');
    }
    // 3 against 3 with no overlap: the smallest exact two-sided p is 2/20.
    assert.equal(compareToBaseline([12, 13, 14], [10, 10.5, 11]).pValue, 0.1);
  });

  it('copes with ties (timings rounded to 10 ms) and matches exhaustive enumeration', () => {
    const round = (xs: number[]): number[] => xs.map((x) => Math.round(x / 10) * 10);
    const release = round(timings(31, 7, 100, 0.1));
    const pgo = round(timings(32, 7, 90, 0.1));
    assert.ok(new Set([...release, ...pgo]).size < 14, 'the data really has ties');
    const r = mannWhitneyU(release, pgo);
    assert.equal(r.method, 'exact');
    assert.ok(Math.abs(r.pValue - bruteForceP(release, pgo)) < 1e-12, `${r.pValue} vs ${bruteForceP(release, pgo)}`);
    const allTied = compareToBaseline([5, 5, 5, 5], [5, 5, 5]);
    assert.equal(allTied.pValue, 1);
    assert.equal(allTied.verdict, 'no-difference');
    const big = compareToBaseline(round(timings(33, 40, 100, 0.1)), round(timings(34, 40, 100, 0.1)));
    assert.ok(big.pValue > 0 && big.pValue <= 1);
  });

  it('matches exhaustive enumeration on small samples with and without ties', () => {
    const cases: Array<[number[], number[]]> = [
      [[1, 2, 3], [4, 5, 6]],
      [[1, 2, 2, 3], [2, 3, 3, 4, 5]],
      [[10, 10, 10, 11], [9, 10, 12]],
      [timings(41, 6, 50), timings(42, 5, 45)],
    ];
    for (const [x, y] of cases) assert.ok(Math.abs(mannWhitneyU(x, y).pValue - bruteForceP(x, y)) < 1e-12, JSON.stringify([x, y]));
  });

  it('matches SciPy (exact without ties; asymptotic with tie and continuity correction)', () => {
    const file = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'stats', 'mann-whitney-scipy.json');
    const ref = JSON.parse(fs.readFileSync(file, 'utf8')) as { cases: Array<{ x: number[]; y: number[]; method: string; u: number; p: number }> };
    assert.ok(ref.cases.length >= 10);
    for (const c of ref.cases) {
      const r = mannWhitneyU(c.x, c.y);
      const label = `n = ${c.x.length}+${c.y.length}`;
      assert.equal(r.method, c.method, label);
      // SciPy reports U of the first sample.
      assert.equal(r.u, c.u, label);
      assert.ok(Math.abs(r.pValue - c.p) <= 1e-9 * Math.max(1, c.p) + 1e-12, `${label}: ${r.pValue} vs SciPy ${c.p}`);
    }
  });

  it('covers the true ratio of a known shift in about 95% of experiments', () => {
    const truth = 1.15;
    let covered = 0;
    const experiments = 200;
    for (let seed = 0; seed < experiments; seed++) {
      const c = compareToBaseline(timings(5000 + seed, 12, 1150), timings(9000 + seed, 12, 1000));
      if (c.ciLow <= truth && truth <= c.ciHigh) covered++;
    }
    // Distribution-free coverage is at least 95 %; 200 draws: anything under 90 % is a bug.
    assert.ok(covered / experiments >= 0.9, `coverage ${covered}/${experiments}`);
    const one = compareToBaseline(timings(77, 15, 1150), timings(78, 15, 1000));
    assert.ok(one.ciLow <= truth && truth <= one.ciHigh, `${one.ciLow}–${one.ciHigh}`);
  });

  it('uses the normal approximation for large samples, and the interval narrows with more rounds', () => {
    const few = compareToBaseline(timings(61, 8, 1100), timings(62, 8, 1000));
    const many = compareToBaseline(timings(63, 40, 1100), timings(64, 40, 1000));
    assert.equal(mannWhitneyU(timings(63, 40, 1100), timings(64, 40, 1000)).method, 'normal');
    assert.ok(ciRelativeWidth(many) < ciRelativeWidth(few), `${ciRelativeWidth(many)} vs ${ciRelativeWidth(few)}`);
    assert.equal(many.verdict, 'faster');
  });
});

describe('bench statistics: recommend', () => {
  const order = ['release', 'pgo', 'lto', 'lto+pgo'];
  const variant = (name: string, seed: number, medianMs: number, n = 12): { name: string; samples: Record<string, number[]> } => ({
    name,
    samples: { parse: timings(seed, n, medianMs) },
  });

  it('keeps release when nothing is significantly faster', () => {
    const r = recommend([variant('release', 1, 1000), variant('pgo', 2, 990), variant('lto', 3, 1005), variant('lto+pgo', 4, 995)], order);
    assert.equal(r.variant, 'release');
    assert.match(r.reason, /No variant was significantly faster than release/);
  });

  it('prefers lto over lto+pgo when the two are indistinguishable', () => {
    const r = recommend([variant('lto+pgo', 4, 800), variant('release', 1, 1000), variant('pgo', 2, 950), variant('lto', 3, 800)], order);
    assert.equal(r.variant, 'lto');
    assert.match(r.reason, /lto is significantly faster than release \(1\.\d\d× \[/);
    assert.match(r.reason, /lto\+pgo .* is not significantly faster, so the cheaper lto is the one to ship/);
  });

  it('picks lto+pgo when it beats every cheaper variant', () => {
    const r = recommend([variant('release', 1, 1000), variant('pgo', 2, 900), variant('lto', 3, 880), variant('lto+pgo', 4, 700)], order);
    assert.equal(r.variant, 'lto+pgo');
    assert.match(r.reason, /and than pgo, lto\./);
  });

  it('does not recommend a variant that is slower on one of the benchmarks', () => {
    const release = { name: 'release', samples: { parse: timings(1, 12, 1000), mix: timings(2, 12, 1000) } };
    const pgo = { name: 'pgo', samples: { parse: timings(3, 12, 700), mix: timings(4, 12, 1300) } };
    assert.equal(recommend([release, pgo], order).variant, 'release');
  });

  it('reads the samples out of a results file', () => {
    const bench = (name: string, runs: Record<string, number[]>): BenchmarkResult => ({
      name,
      command: ['{bin:pipeline}'],
      runs: Object.fromEntries(Object.entries(runs).map(([v, xs]) => [v, xs.map((wallMs) => ({ wallMs }))])),
      stats: {},
      vsRelease: {},
      outputCheck: { mode: 'stdout-hash', agreed: true, values: {} },
    });
    const stats = variantStatsFromBenchmarks([bench('a', { release: [1, 2], pgo: [3] }), bench('b', { release: [4] })]);
    assert.deepEqual(stats, [
      { name: 'release', samples: { a: [1, 2], b: [4] } },
      { name: 'pgo', samples: { a: [3] } },
    ]);
  });
});

describe('bench statistics: numerics', () => {
  it('erfc and the normal quantile agree with Python/SciPy to 1e-12', () => {
    const erfcRef: Array<[number, number]> = [
      [0, 1],
      [0.5, 0.4795001221869535],
      [1, 0.15729920705028513],
      [1.99, 0.004888586800383003],
      [2, 0.004677734981047265],
      [3, 2.2090496998585438e-5],
      [6, 2.1519736712498916e-17],
      [-1, 1.842700792949715],
    ];
    for (const [x, want] of erfcRef) assert.ok(Math.abs(erfc(x) - want) <= 1e-12 * want, `erfc(${x}) = ${erfc(x)}, want ${want}`);
    assert.ok(Math.abs(normalQuantile(0.975) - 1.959963984540054) < 1e-12);
    assert.ok(Math.abs(normalQuantile(0.01) + 2.3263478740408408) < 1e-12);
  });
});

describe('bench statistics: medianInterval', () => {
  it('takes order statistics from the binomial distribution', () => {
    const xs = Array.from({ length: 10 }, (_, i) => i + 1);
    // n = 10: P(B ≤ 1) = 11/1024 ≤ 0.025 < P(B ≤ 2): the 2nd and 9th values, level 1 − 22/1024.
    const ci = medianInterval(xs);
    assert.deepEqual([ci.low, ci.high], [2, 9]);
    assert.ok(Math.abs(ci.level - (1 - 22 / 1024)) < 1e-12);
    const tiny = medianInterval([3, 1, 2]);
    assert.deepEqual([tiny.low, tiny.high], [1, 3]);
    assert.ok(tiny.level < 0.95);
    const many = medianInterval(Array.from({ length: 400 }, (_, i) => i));
    assert.ok(many.low > 170 && many.high < 230 && many.level >= 0.95);
  });
});
