import { selectComponents } from '../config/resolve-project';
import { cleanArtifacts, deleteProfile } from '../pipeline/clean-artifacts';
import type { EngineContext } from '../pipeline/engine-context';

/**
 * `pgo clean` and "PGO: Clean": one component's PGO data, or all of it (no component, or "all").
 * An unknown component is an error naming the choices, never a silent no-op.
 */
export function clean(ctx: EngineContext, component?: string): { root: string; removed: string[] } {
  const only = component && component !== 'all' ? selectComponents(ctx.project, component)[0]?.name : undefined;
  return { root: ctx.layout.root, removed: cleanArtifacts(ctx, only) };
}

/** `pgo delete-profile` and "PGO: Delete Profile": a component's profile, metadata and source index (not its builds). */
export function deleteProfiles(ctx: EngineContext, component: string): string[] {
  return selectComponents(ctx.project, component).flatMap((c) => deleteProfile(ctx, c.name));
}
