import { crateOf, demangle, splitProfileName } from '../demangle';
import type { ProfileFunction } from '../profile/profile-model';
import type { PgoWarning } from './pgo-warnings';

/**
 * How much of a profile the optimized build could use. A profile record applies only to a
 * function with the same symbol name (hash included) in the build that uses it, so:
 *   instrumented = functions the shipped binaries carry counters for (their __llvm_prf_names),
 *   applied      = those with a profile record that rustc did not reject,
 *   usable share = the part of the profile's total count that sits in applied records.
 * Counts recorded in unit-test builds (other symbol hashes) are never usable by the binary.
 */
export interface AppliedInput {
  /** Instrumented function names of the shipped binaries (record-name form). */
  instrumented: readonly string[];
  profile: readonly ProfileFunction[];
  warnings: readonly PgoWarning[];
  /** Crate names of the workspace's own packages (`-` already turned into `_`). */
  workspaceCrates: ReadonlySet<string>;
}

export interface AppliedResult {
  applied: number;
  instrumented: number;
  workspaceApplied: number;
  workspaceInstrumented: number;
  usableShare: number;
  missing: number;
  mismatched: number;
}

/** A profile record's symbol, without the `<cgu>;` prefix of internal functions. */
export const mangledOf = (name: string): string => splitProfileName(name).mangled;

export function isWorkspaceFunction(name: string, crates: ReadonlySet<string>): boolean {
  const c = crateOf(demangle(mangledOf(name)).display);
  return c !== undefined && crates.has(c);
}

/** The symbols rustc said it could not use (missing or hash-mismatched). */
export function rejectedSymbols(warnings: readonly PgoWarning[]): Set<string> {
  return new Set(warnings.map((w) => w.mangled));
}

/** Share (0..1) of `profile`'s total count that lies in records the shipped binaries use. */
export function usableShare(profile: readonly ProfileFunction[], usable: ReadonlySet<string>, rejected: ReadonlySet<string>): number {
  let total = 0;
  let ok = 0;
  for (const f of profile) {
    total += f.sum;
    if (usable.has(f.name) && !rejected.has(mangledOf(f.name))) ok += f.sum;
  }
  return total === 0 ? 0 : ok / total;
}

export function computeApplied(input: AppliedInput): AppliedResult {
  const rejected = rejectedSymbols(input.warnings);
  const inProfile = new Set(input.profile.map((f) => f.name));
  const shipped = new Set(input.instrumented);
  let applied = 0;
  let wsApplied = 0;
  let wsInstrumented = 0;
  for (const name of shipped) {
    const ok = inProfile.has(name) && !rejected.has(mangledOf(name));
    const ws = isWorkspaceFunction(name, input.workspaceCrates);
    if (ok) applied++;
    if (ws) {
      wsInstrumented++;
      if (ok) wsApplied++;
    }
  }
  return {
    applied,
    instrumented: shipped.size,
    workspaceApplied: wsApplied,
    workspaceInstrumented: wsInstrumented,
    usableShare: usableShare(input.profile, shipped, rejected),
    missing: input.warnings.filter((w) => w.kind === 'missing').length,
    mismatched: input.warnings.filter((w) => w.kind === 'mismatch').length,
  };
}
