import { demangle, splitProfileName } from '../demangle';
import type { ProfileFunction } from './profile-model';

export interface RankedFunction {
  /** The profile record's name. */
  name: string;
  /** Demangled, hash stripped. */
  display: string;
  sum: number;
  max: number;
}

export function displayName(recordName: string): string {
  return demangle(splitProfileName(recordName).mangled).display;
}

/** Hottest first: largest total count, then hottest block, then name (stable output). */
export function byHeat(a: ProfileFunction, b: ProfileFunction): number {
  return b.sum - a.sum || b.max - a.max || a.name.localeCompare(b.name);
}

/** The `n` functions with the largest total count, demangled (ties broken by name for stable output). */
export function hottestFunctions(functions: readonly ProfileFunction[], n: number): RankedFunction[] {
  return [...functions]
    .sort(byHeat)
    .slice(0, n)
    .map((f) => ({ name: f.name, display: displayName(f.name), sum: f.sum, max: f.max }));
}
