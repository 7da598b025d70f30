import type { FunctionHeat, SourceIndex } from './source-index';
import type { OriginKind } from './source-origin';

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
