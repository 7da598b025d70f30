import type { ProfileFunction } from '../profile/profile-model';
import { isWorkspaceFunction } from './applied-profile';

/**
 * Whether a merged profile can help the shipped binaries, judged before any build uses it.
 * Only records whose names the instrumented *shipped* binaries carry (their `__llvm_prf_names`)
 * can ever apply; counts from unit-test builds or build scripts cannot.
 *
 *   unusable: none of the shipped binaries' own workspace functions ran, or the counts the shipped
 *             binaries can use add up to less than MIN_USABLE_COUNT (a handful of calls: the binary
 *             started and exited). Building with it would be a release "optimized" by nothing.
 *   thin:     fewer than THIN_WORKSPACE_SHARE of the shipped workspace functions ran, or less than
 *             THIN_USABLE_SHARE of the counts can apply: it helps the code it saw, little else.
 *   good:     otherwise.
 */
export const PROFILE_THRESHOLDS = {
  minUsableCount: 100,
  thinWorkspaceShare: 0.2,
  thinUsableShare: 0.5,
} as const;

export type ProfileVerdict = 'good' | 'thin' | 'unusable';

export interface ProfileQuality {
  verdict: ProfileVerdict;
  /** False when the binaries' function lists could not be read (not ELF): judged on the total count only. */
  measured: boolean;
  /** Workspace functions of the shipped binaries, and how many of them ran at least once. */
  workspaceFunctions: number;
  workspaceFunctionsRun: number;
  /** All instrumented functions of the shipped binaries (std and dependencies too), and how many ran. */
  shippedFunctions: number;
  shippedFunctionsRun: number;
  totalCount: number;
  /** The part of totalCount recorded in functions the shipped binaries carry. */
  usableCount: number;
  usableShare: number;
  /** Why the verdict is not "good", in words. */
  reasons: string[];
}

export interface QualityInput {
  /** The shipped binaries' instrumented function names; undefined when they cannot be read. */
  instrumented: readonly string[] | undefined;
  profile: readonly ProfileFunction[];
  workspaceCrates: ReadonlySet<string>;
}

const pct = (x: number): string => `${(x * 100).toFixed(x > 0 && x < 0.01 ? 1 : 0)}%`;

export function judgeProfile(input: QualityInput): ProfileQuality {
  const totalCount = input.profile.reduce((n, f) => n + f.sum, 0);
  const reasons: string[] = [];
  if (input.instrumented === undefined) {
    const unusable = totalCount < PROFILE_THRESHOLDS.minUsableCount;
    if (unusable) reasons.push(`the profile's total count is ${totalCount} (below ${PROFILE_THRESHOLDS.minUsableCount})`);
    return {
      verdict: unusable ? 'unusable' : 'good',
      measured: false,
      workspaceFunctions: 0,
      workspaceFunctionsRun: 0,
      shippedFunctions: 0,
      shippedFunctionsRun: 0,
      totalCount,
      usableCount: totalCount,
      usableShare: totalCount > 0 ? 1 : 0,
      reasons,
    };
  }
  const ran = new Map<string, number>();
  for (const f of input.profile) ran.set(f.name, (ran.get(f.name) ?? 0) + f.sum);
  const shipped = new Set(input.instrumented);
  let workspaceFunctions = 0;
  let workspaceFunctionsRun = 0;
  let shippedFunctionsRun = 0;
  let usableCount = 0;
  for (const name of shipped) {
    const sum = ran.get(name) ?? 0;
    usableCount += sum;
    if (sum > 0) shippedFunctionsRun++;
    if (isWorkspaceFunction(name, input.workspaceCrates)) {
      workspaceFunctions++;
      if (sum > 0) workspaceFunctionsRun++;
    }
  }
  const usableShare = totalCount === 0 ? 0 : usableCount / totalCount;
  const workspaceShare = workspaceFunctions === 0 ? 1 : workspaceFunctionsRun / workspaceFunctions;
  let verdict: ProfileVerdict = 'good';
  if (workspaceFunctions > 0 && workspaceFunctionsRun === 0) {
    verdict = 'unusable';
    reasons.push(`none of the shipped binaries' ${workspaceFunctions} workspace functions ran`);
  }
  if (usableCount < PROFILE_THRESHOLDS.minUsableCount) {
    verdict = 'unusable';
    reasons.push(`the counts the shipped binaries can use add up to ${usableCount} (below ${PROFILE_THRESHOLDS.minUsableCount}; the whole profile: ${totalCount})`);
  }
  if (verdict === 'good') {
    if (workspaceShare < PROFILE_THRESHOLDS.thinWorkspaceShare) {
      verdict = 'thin';
      reasons.push(`only ${workspaceFunctionsRun} of ${workspaceFunctions} workspace functions of the shipped binaries ran (${pct(workspaceShare)})`);
    }
    if (usableShare < PROFILE_THRESHOLDS.thinUsableShare) {
      verdict = 'thin';
      reasons.push(`only ${pct(usableShare)} of the profile's counts were recorded in the shipped binaries`);
    }
  }
  return {
    verdict,
    measured: true,
    workspaceFunctions,
    workspaceFunctionsRun,
    shippedFunctions: shipped.size,
    shippedFunctionsRun,
    totalCount,
    usableCount,
    usableShare,
    reasons,
  };
}
