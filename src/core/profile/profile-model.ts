/** A function record of an instrumentation profile, as `llvm-profdata show --counts` prints it. */
export interface ProfileFunction {
  /** The record name exactly as in the profile (may carry a `<cgu>;` prefix). */
  name: string;
  hash: string;
  counters: number;
  /** LLVM ≤ 14 prints the entry count apart from the block counts. */
  functionCount?: number;
  /** Kept only when asked for (they dominate memory on large profiles). */
  blockCounts?: number[];
  /** Sum of all counters: the function's weight in the profile. */
  sum: number;
  /** Largest single counter: how hot its hottest block is. */
  max: number;
}

export interface ProfileSummary {
  instrumentationLevel?: string;
  functionsShown?: number;
  totalFunctions?: number;
  maximumFunctionCount?: number;
  maximumInternalBlockCount?: number;
  totalBlocks?: number;
  /** As printed by llvm-profdata when it prints one; otherwise the sum of all records. */
  totalCount: number;
}

export interface ProfileData {
  functions: ProfileFunction[];
  summary: ProfileSummary;
}
