import { demangle, splitProfileName } from '../demangle';
import type { ProfileFunction } from './profile-model';
import type { OriginKind } from './source-origin';
import type { FunctionHeat, SourceIndex } from './source-index';

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

/** One origin's part of the profile: this workspace, a dependency crate, or a std crate. */
export interface OriginShare {
  kind: OriginKind;
  crate: string;
  /** Total count of its functions. */
  sum: number;
  /** Share (0..1) of the profile's total count. */
  share: number;
  /** Profiled functions (records) from it. */
  functions: number;
}

/**
 * Profiled functions grouped by origin, hottest first: where the time goes (the sidebar lists
 * these, so "90% in a dependency" is visible at a glance, and the workspace's part next to it).
 */
export function groupByOrigin(entries: Iterable<{ origin: { kind: OriginKind; crate: string }; sum: number }>, totalCount: number): OriginShare[] {
  const byKey = new Map<string, OriginShare>();
  for (const { origin, sum } of entries) {
    const key = `${origin.kind}:${origin.crate}`;
    const o = byKey.get(key) ?? { kind: origin.kind, crate: origin.crate, sum: 0, share: 0, functions: 0 };
    o.sum += sum;
    o.functions++;
    byKey.set(key, o);
  }
  const total = totalCount || 1;
  return [...byKey.values()]
    .map((o) => ({ ...o, share: o.sum / total }))
    .sort((a, b) => b.sum - a.sum || a.crate.localeCompare(b.crate));
}

/** A group the sidebar shows under a profile: the workspace, one dependency crate, or std/core/alloc. */
export interface OriginGroup {
  kind: OriginKind;
  /** "this workspace", the dependency's crate name, "std/core/alloc", "other". */
  label: string;
  crates: string[];
  sum: number;
  share: number;
  /** Profiled functions (records) from it, mapped or not. */
  functions: number;
  /** Its hottest indexed functions, by total count. */
  hottest: { file: string; heat: FunctionHeat }[];
}

/**
 * The profile by origin, for the sidebar: the workspace first (the user's own code is always in
 * view, however small its share), then dependencies and std by share. Old indexes without origins
 * count every indexed function as the workspace's (they only held workspace files).
 */
export function hotFunctionsByOrigin(index: Pick<SourceIndex, 'files' | 'origins' | 'totalCount'>, perGroup: number): OriginGroup[] {
  const groupKey = (kind: OriginKind, crate: string): string => (kind === 'dependency' ? `dependency:${crate}` : kind);
  const labels: Record<OriginKind, string> = { workspace: 'this workspace', std: 'std/core/alloc', unknown: 'other', dependency: '' };
  const groups = new Map<string, OriginGroup>();
  const group = (kind: OriginKind, crate: string): OriginGroup => {
    const key = groupKey(kind, crate);
    let g = groups.get(key);
    if (!g) {
      g = { kind, label: labels[kind] || crate, crates: [], sum: 0, share: 0, functions: 0, hottest: [] };
      groups.set(key, g);
    }
    if (!g.crates.includes(crate)) g.crates.push(crate);
    return g;
  };
  for (const o of index.origins ?? []) {
    const g = group(o.kind, o.crate);
    g.sum += o.sum;
    g.functions += o.functions;
  }
  for (const [file, heats] of Object.entries(index.files)) {
    for (const heat of heats) {
      const g = group(heat.origin ?? 'workspace', heat.crate ?? '');
      g.hottest.push({ file, heat });
      if (!index.origins) {
        g.sum += heat.sum;
        g.functions += heat.records.length;
      }
    }
  }
  const total = index.totalCount || 1;
  const out = [...groups.values()].map((g) => {
    g.share = g.sum / total;
    g.crates = g.crates.filter(Boolean).sort();
    g.hottest = g.hottest.sort((a, b) => b.heat.sum - a.heat.sum || b.heat.max - a.heat.max).slice(0, perGroup);
    return g;
  });
  return out.sort((a, b) => Number(b.kind === 'workspace') - Number(a.kind === 'workspace') || b.sum - a.sum || a.label.localeCompare(b.label));
}
