import type { OriginKind } from './source-origin';
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
