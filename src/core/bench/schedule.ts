/**
 * Which variant runs when. Runs alternate between the variants, in a new shuffled order each
 * round, so slow drifts of a shared machine (other tenants, thermal state, caches) spread over all
 * variants instead of favouring the one that ran first. The shuffle is seeded: a run can be
 * reproduced exactly.
 */

/** mulberry32: small, fast, good enough to shuffle a handful of names. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates with the given random source; the input is not changed. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

export interface PlannedRound {
  /** 0 for the warm-up round(s), then 1, 2, … */
  index: number;
  warmup: boolean;
  order: string[];
}

/** Hands out rounds: first the warm-up rounds, then measured ones, each in its own order. */
export class RoundPlanner {
  private readonly random: () => number;
  private measured = 0;
  private warmupsLeft: number;

  constructor(
    private readonly variants: readonly string[],
    seed: number,
    warmup = 1,
  ) {
    this.random = seededRandom(seed);
    this.warmupsLeft = warmup;
  }

  next(): PlannedRound {
    const order = shuffled(this.variants, this.random);
    if (this.warmupsLeft > 0) {
      this.warmupsLeft--;
      return { index: 0, warmup: true, order };
    }
    this.measured++;
    return { index: this.measured, warmup: false, order };
  }
}

export interface StopPolicy {
  /** Fixed number of measured rounds (`--runs N`); undefined = adaptive. */
  fixedRounds?: number;
  /** Adaptive: at least this many rounds. */
  minRounds: number;
  /** Adaptive: at most this many rounds, whatever the precision. */
  maxRounds: number;
  /** Adaptive: stop when every variant's speedup CI is at most this wide, relative (0.04 = 4%). */
  targetRelativeWidth: number;
  /** Adaptive: time budget for the benchmark's measured rounds. */
  budgetMs: number;
}

export const DEFAULT_STOP: Omit<StopPolicy, 'fixedRounds'> = { minRounds: 5, maxRounds: 200, targetRelativeWidth: 0.04, budgetMs: 120_000 };

export type StopReason = 'fixed' | 'precise' | 'budget' | 'max-rounds';

/**
 * Whether to run another round. `widths` are the variants' relative CI widths (Infinity while too
 * few samples); `elapsedMs` the time spent on measured rounds so far. The budget check looks one
 * round ahead: a round that would overrun it is not started.
 */
export function stopReason(policy: StopPolicy, s: { rounds: number; widths: readonly number[]; elapsedMs: number }): StopReason | undefined {
  if (policy.fixedRounds !== undefined) return s.rounds >= policy.fixedRounds ? 'fixed' : undefined;
  if (s.rounds < policy.minRounds) return undefined;
  if (s.widths.every((w) => w <= policy.targetRelativeWidth)) return 'precise';
  if (s.rounds >= policy.maxRounds) return 'max-rounds';
  const perRound = s.elapsedMs / s.rounds;
  if (s.elapsedMs + perRound > policy.budgetMs) return 'budget';
  return undefined;
}

/** Rounds still to come, for the progress line: exact when fixed, a budget estimate otherwise. */
export function roundsLeftEstimate(policy: StopPolicy, rounds: number, elapsedMs: number): number {
  if (policy.fixedRounds !== undefined) return Math.max(0, policy.fixedRounds - rounds);
  if (rounds === 0) return policy.minRounds;
  const perRound = elapsedMs / rounds;
  const byBudget = Math.floor((policy.budgetMs - elapsedMs) / perRound);
  return Math.max(Math.max(0, policy.minRounds - rounds), Math.min(policy.maxRounds - rounds, byBudget));
}

/** A probe call should last about this long: long enough that starting it costs nothing per run. */
export const TARGET_CALL_MS = 500;
export const MAX_ROUNDS_PER_CALL = 50;

/**
 * How many rounds the next probe call runs. Short benchmarks run many rounds per call, so Node's
 * cost of starting the probe and reading its report is spread over many runs; a round of seconds
 * runs alone, so the adaptive stop is checked after every round. Never more than a fixed count
 * still needs, nor more than the budget still allows.
 */
export function roundsPerCall(policy: StopPolicy, rounds: number, elapsedMs: number): number {
  if (rounds === 0) return 1; // no round time known yet
  const perRound = Math.max(elapsedMs / rounds, 0.001);
  let n = Math.max(1, Math.min(MAX_ROUNDS_PER_CALL, Math.floor(TARGET_CALL_MS / perRound)));
  if (policy.fixedRounds !== undefined) n = Math.min(n, policy.fixedRounds - rounds);
  else n = Math.max(1, Math.min(n, Math.floor((policy.budgetMs - elapsedMs) / perRound), policy.maxRounds - rounds));
  return Math.max(1, n);
}
