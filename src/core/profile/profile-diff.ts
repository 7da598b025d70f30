import { displayName } from './hot-functions';
import type { ProfileFunction } from './profile-model';

/**
 * Two profiles of one program compared function by function (`pgo diff A B`): which functions got
 * hotter or colder (by share of each profile's total count, so profiles of different workload
 * sizes compare), which hot functions are new in B or gone from it, and how much the two overlap.
 * Functions are matched by demangled name without the symbol hash: the hash changes with every
 * edit of the crate, the name only when the function is renamed. Instances with one name (generic
 * monomorphizations, a function in two binaries) are summed.
 */
export interface FunctionDelta {
  display: string;
  /** Share (0..1) of A's / B's total count; 0 when absent. */
  shareA: number;
  shareB: number;
  sumA: number;
  sumB: number;
  inA: boolean;
  inB: boolean;
}

export interface ProfileDiff {
  totalA: number;
  totalB: number;
  functionsA: number;
  functionsB: number;
  /**
   * Σ min(share in A, share in B) over all functions: 1 = the same distribution, 0 = nothing in
   * common (like `llvm-profdata overlap`'s function-level figure, by name instead of hash).
   */
  overlap: number;
  /** Largest gain in share first. */
  hotter: FunctionDelta[];
  /** Largest loss in share first. */
  colder: FunctionDelta[];
  /** Hot in B (at least `hotShare` of it), absent from A. */
  appeared: FunctionDelta[];
  /** Hot in A, absent from B. */
  vanished: FunctionDelta[];
}

/** A diff of two profile files, with what the files themselves tell. */
export interface ProfileFilesDiff extends ProfileDiff {
  /** The two files hold the same bytes: every share is unchanged. */
  identical: boolean;
  /** Indexed profile format versions (differ when two LLVM releases wrote them). */
  formatVersionA?: number;
  formatVersionB?: number;
}

export interface DiffOptions {
  /** Rows per list (default 10). */
  top?: number;
  /** A function at least this share (0..1) of a profile is hot (default 0.005). */
  hotShare?: number;
  /** Changes of share smaller than this are noise, not listed (default 0.0001: 0.01 percentage points). */
  minChange?: number;
}

function byName(functions: readonly ProfileFunction[]): Map<string, number> {
  const sums = new Map<string, number>();
  for (const f of functions) {
    const name = displayName(f.name);
    sums.set(name, (sums.get(name) ?? 0) + f.sum);
  }
  return sums;
}

function total(sums: ReadonlyMap<string, number>): number {
  let t = 0;
  for (const v of sums.values()) t += v;
  return t;
}

export function diffProfiles(a: readonly ProfileFunction[], b: readonly ProfileFunction[], opts: DiffOptions = {}): ProfileDiff {
  const top = opts.top ?? 10;
  const hotShare = opts.hotShare ?? 0.005;
  const minChange = opts.minChange ?? 0.0001;
  const sumsA = byName(a);
  const sumsB = byName(b);
  const totalA = total(sumsA);
  const totalB = total(sumsB);
  const deltas: FunctionDelta[] = [];
  let overlap = 0;
  for (const display of new Set([...sumsA.keys(), ...sumsB.keys()])) {
    const sumA = sumsA.get(display) ?? 0;
    const sumB = sumsB.get(display) ?? 0;
    const d: FunctionDelta = {
      display,
      sumA,
      sumB,
      shareA: totalA ? sumA / totalA : 0,
      shareB: totalB ? sumB / totalB : 0,
      inA: sumsA.has(display),
      inB: sumsB.has(display),
    };
    overlap += Math.min(d.shareA, d.shareB);
    deltas.push(d);
  }
  const change = (d: FunctionDelta): number => d.shareB - d.shareA;
  const stable = (x: FunctionDelta, y: FunctionDelta): number => x.display.localeCompare(y.display);
  const both = deltas.filter((d) => d.inA && d.inB);
  return {
    totalA,
    totalB,
    functionsA: sumsA.size,
    functionsB: sumsB.size,
    overlap,
    hotter: both.filter((d) => change(d) >= minChange).sort((x, y) => change(y) - change(x) || stable(x, y)).slice(0, top),
    colder: both.filter((d) => change(d) <= -minChange).sort((x, y) => change(x) - change(y) || stable(x, y)).slice(0, top),
    appeared: deltas.filter((d) => !d.inA && d.shareB >= hotShare).sort((x, y) => y.shareB - x.shareB || stable(x, y)).slice(0, top),
    vanished: deltas.filter((d) => !d.inB && d.shareA >= hotShare).sort((x, y) => y.shareA - x.shareA || stable(x, y)).slice(0, top),
  };
}
