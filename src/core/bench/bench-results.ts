/**
 * The results file of one `pgo bench` run (see BENCH-CONTRACT.md): written by the bench engine,
 * read by `pgo report` and the VS Code views. One file per run, never overwritten:
 *   <artifact root>/bench/<component>/results-<ISO time, ":" → "-">.json
 *   <artifact root>/bench/<component>/latest.json   (a copy of the newest)
 */

/** Summary of one variant's samples (wall time in ms). Same shape as statistics.summarize(). */
export interface SampleSummary {
  n: number;
  median: number;
  min: number;
  max: number;
  mean: number;
  stddev: number;
  /** Coefficient of variation: stddev / mean. */
  cv: number;
}

export type Verdict = 'faster' | 'slower' | 'no-difference';

/** One variant against the baseline. Same shape as statistics.compareToBaseline(). */
export interface Comparison {
  /** baseline median / variant median: > 1 = faster. */
  speedup: number;
  ciLow: number;
  ciHigh: number;
  pValue: number;
  verdict: Verdict;
}

export interface Recommendation {
  variant: string;
  reason: string;
}

export interface BenchRun {
  wallMs: number;
  /** user + system CPU time of the process tree (unix only). */
  cpuMs?: number;
  /** Peak resident set size in KiB (unix only). */
  maxRssKb?: number;
}

export interface VariantBinary {
  name: string;
  path: string;
  fileBytes: number;
  /** Size of the `.text` section (ELF only). */
  textBytes?: number;
}

export interface VariantResult {
  /** 'release' | 'pgo' | 'lto' | 'lto+pgo' | user-defined. */
  name: string;
  /** Build settings that differ from release. */
  settings: Record<string, unknown>;
  usesProfile: boolean;
  /** Optimized by BOLT after the build (the bolt variants); its `.text` then holds only the hot code BOLT laid out. */
  usesBolt?: boolean;
  /** Wall time of the (last real) build; undefined when reused. */
  buildSeconds?: number;
  reused: boolean;
  binaries: VariantBinary[];
  /** PGO variants: instrumented functions of the shipped binaries that found their profile record. */
  applied?: { applied: number; instrumented: number };
}

export type OutputCheckMode = 'stdout-hash' | 'regex';

export interface BenchmarkCoverage {
  /** llvm-profdata overlap's program-level overlap of the training and the benchmark profile, in %. */
  trainingCoversPercent: number;
  /** The benchmark's hot functions the training never ran (share = share of the benchmark's counts). */
  untrainedHot: Array<{ name: string; share: number }>;
}

export interface BenchmarkResult {
  name: string;
  /** As configured, before {bin:…} substitution. */
  command: string[];
  /** Per variant, the measured runs (warm-up excluded), in the order they ran. */
  runs: Record<string, BenchRun[]>;
  /** Per variant, wall time summary. */
  stats: Record<string, SampleSummary>;
  /** Every variant except release, against release. */
  vsRelease: Record<string, Comparison>;
  outputCheck: { mode: OutputCheckMode; agreed: boolean; values: Record<string, string> };
  coverage?: BenchmarkCoverage;
  /**
   * The same for user+system CPU time, when every run has it (unix). Less sensitive than wall time
   * to a busy machine (a run that waits for a CPU does not use any); shown beside the wall-time
   * verdict, which stays the one that decides.
   */
  cpuStats?: Record<string, SampleSummary>;
  cpuVsRelease?: Record<string, Comparison>;
}

export interface BenchResults {
  version: 1;
  component: string;
  /** ISO times. */
  startedAt: string;
  finishedAt: string;
  git?: { commit: string; dirty: boolean };
  host: { triple: string; cpus: number; os: string };
  toolchain: { rustc: string; llvmMajor: number };
  /** Measured rounds (each runs every variant once), warm-up rounds not counted. */
  rounds: number;
  warmup: number;
  adaptive: boolean;
  /** True when the run was interrupted: the rounds done so far are kept. */
  cancelled: boolean;
  variants: VariantResult[];
  benchmarks: BenchmarkResult[];
  recommendation: Recommendation;
}

export const BENCH_RESULTS_VERSION = 1;
