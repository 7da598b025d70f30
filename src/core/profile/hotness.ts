import { DEFAULT_CUTOFFS, type HotnessCutoffs } from '../config/config-schema';

/**
 * Hot / warm / cold, in the spirit of `llvm-profdata show --detailed-summary`: sort every block
 * counter of the profile, and find the smallest count among the blocks that together make up
 * `hotCutoff` (default 90%) of all counts — blocks at least that hot are hot; the same for
 * `warmCutoff` (99%) gives the warm threshold. A function's tier is the tier of its hottest block.
 */
export type Tier = 'hot' | 'warm' | 'cold';

// The cutoffs are pgo.yaml settings: their type and defaults live with the config.
export { DEFAULT_CUTOFFS, type HotnessCutoffs };

export interface Thresholds {
  hot: number;
  warm: number;
  totalCount: number;
}

/** Accumulates counters without keeping per-function arrays; `thresholds()` sorts once. */
export class ThresholdBuilder {
  private counts: Float64Array = new Float64Array(1024);
  private n = 0;
  private total = 0;

  add(count: number): void {
    if (count <= 0) return; // zero blocks never make up any share
    if (this.n === this.counts.length) {
      const bigger = new Float64Array(this.counts.length * 2);
      bigger.set(this.counts);
      this.counts = bigger;
    }
    this.counts[this.n++] = count;
    this.total += count;
  }

  thresholds(cutoffs: HotnessCutoffs = DEFAULT_CUTOFFS): Thresholds {
    const sorted = this.counts.subarray(0, this.n).sort().reverse();
    const at = (share: number): number => {
      const goal = this.total * share;
      let acc = 0;
      for (const c of sorted) {
        acc += c;
        if (acc >= goal) return c;
      }
      return sorted[sorted.length - 1] ?? 0;
    };
    return { hot: at(cutoffs.hotCutoff), warm: at(cutoffs.warmCutoff), totalCount: this.total };
  }
}

export function tierOf(maxBlock: number, t: Thresholds): Tier {
  if (maxBlock > 0 && maxBlock >= t.hot) return 'hot';
  if (maxBlock > 0 && maxBlock >= t.warm) return 'warm';
  return 'cold';
}
