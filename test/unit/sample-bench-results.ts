import type { BenchmarkResult, BenchResults, VariantResult } from '../../src/core/bench/bench-results';
import { seededRandom as seeded } from '../../src/core/bench/schedule';
import { compareToBaseline, recommend, summarize, variantStatsFromBenchmarks } from '../../src/core/bench/statistics';

/** Wall times with this VM's noise: CV ~6.5 %, a right tail, an occasional slow run. */
export function noisyTimings(seed: number, n: number, medianMs: number, cv = 0.065): number[] {
  const rnd = seeded(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  return Array.from({ length: n }, () => medianMs * Math.exp(cv * gauss()) * (rnd() < 0.05 ? 1.25 : 1));
}

export interface SampleOptions {
  component?: string;
  startedAt?: string;
  /** Median ms per variant and benchmark. */
  medians?: Record<string, Record<string, number>>;
  rounds?: number;
  seed?: number;
  benchmarkName?: string;
  command?: string[];
  commit?: string;
}

/**
 * A results file as `pgo bench` writes it (BENCH-CONTRACT.md), with statistics computed by the
 * real statistics module from seeded timings: a renderer input, not a stand-in for the engine.
 */
export function sampleResults(opts: SampleOptions = {}): BenchResults {
  const rounds = opts.rounds ?? 12;
  const medians = opts.medians ?? { parse: { release: 1000, pgo: 900, lto: 880, 'lto+pgo': 760 } };
  const variantNames = Object.keys(Object.values(medians)[0] ?? {});
  let seed = opts.seed ?? 1;
  const benchmarks: BenchmarkResult[] = Object.entries(medians).map(([name, perVariant]) => {
    const runs = Object.fromEntries(Object.entries(perVariant).map(([v, m]) => [v, noisyTimings(seed++, rounds, m).map((wallMs) => ({ wallMs }))]));
    const wall = (v: string): number[] => runs[v]!.map((r) => r.wallMs);
    return {
      name: opts.benchmarkName ?? name,
      command: opts.command ?? ['{bin:midi-import}', '--size', '20000'],
      runs,
      stats: Object.fromEntries(variantNames.map((v) => [v, summarize(wall(v))])),
      vsRelease: Object.fromEntries(variantNames.filter((v) => v !== 'release').map((v) => [v, compareToBaseline(wall('release'), wall(v))])),
      outputCheck: { mode: 'stdout-hash', agreed: true, values: Object.fromEntries(variantNames.map((v) => [v, 'a1b2c3d4e5f6'])) },
      coverage: { trainingCoversPercent: 92, untrainedHot: [{ name: 'pipeline::mix::render', share: 0.03 }] },
    };
  });
  const variants: VariantResult[] = variantNames.map((name, i) => ({
    name,
    settings: name.includes('lto') ? { lto: 'fat', codegenUnits: 1 } : {},
    usesProfile: name.includes('pgo'),
    buildSeconds: 20 + i * 9,
    reused: false,
    binaries: [{ name: 'midi-import', path: `/ws/target/pgo/bench/${name}/midi-import`, fileBytes: 4_200_000 + i * 150_000 }],
    applied: name.includes('pgo') ? { applied: 95, instrumented: 100 } : undefined,
  }));
  const startedAt = opts.startedAt ?? '2026-12-02T16:00:00.000Z';
  return {
    version: 1,
    component: opts.component ?? 'pipeline',
    startedAt,
    finishedAt: startedAt.replace('16:00', '16:09'),
    git: { commit: opts.commit ?? '0123456789abcdef0123456789abcdef01234567', dirty: false },
    host: { triple: 'x86_64-unknown-linux-gnu', cpus: 2, os: 'linux' },
    toolchain: { rustc: 'rustc 1.95.0', llvmMajor: 22 },
    rounds,
    warmup: 1,
    adaptive: false,
    cancelled: false,
    variants,
    benchmarks,
    recommendation: recommend(variantStatsFromBenchmarks(benchmarks), ['release', 'pgo', 'lto', 'lto+pgo']),
  };
}
