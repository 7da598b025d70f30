import * as fs from 'node:fs';
import type { ResolvedComponent } from '../config/resolve-project';
import { requireProfdata, type EngineContext } from '../pipeline/engine-context';
import { readMetadata, type ProfileMetadata } from '../pipeline/profile-metadata';
import { byHeat, hottestFunctions, type RankedFunction } from '../profile/hot-functions';
import type { ProfileFunction } from '../profile/profile-model';
import { readProfile } from '../profile/read-profile';

/** What `pgo show` and "PGO: Show Hot Functions" display for one profile. */
export interface HotFunctionsSummary {
  totalCount: number;
  /** Records in the profile. */
  functions: number;
  hottest: RankedFunction[];
}

export interface ShownProfile extends HotFunctionsSummary {
  component: string;
  profdata: string;
  meta?: ProfileMetadata;
}

export interface MissingProfile {
  component: string;
  profdata: string;
  missing: true;
}

/** Reads one profile's hottest functions; the extension runs it off its event loop (engine worker). */
export type HotFunctionsReader = (llvmProfdata: string, profdata: string, top: number, signal?: AbortSignal) => Promise<HotFunctionsSummary>;

/**
 * The `top` hottest functions of a profile, streamed: only a few times `top` records are held at
 * once, however large the profile.
 */
export async function readHotFunctions(llvmProfdata: string, profdata: string, top: number, signal?: AbortSignal): Promise<HotFunctionsSummary> {
  let kept: ProfileFunction[] = [];
  let count = 0;
  const data = await readProfile(llvmProfdata, profdata, {
    signal,
    onFunction: (f) => {
      count++;
      kept.push(f);
      if (kept.length >= 4 * top + 64) kept = kept.sort(byHeat).slice(0, top);
    },
  });
  return { totalCount: data.summary.totalCount, functions: count, hottest: hottestFunctions(kept, top) };
}

/** Each component's profile with its hottest functions, or that it has none yet. */
export async function showProfiles(
  ctx: EngineContext,
  components: readonly ResolvedComponent[],
  opts: { top: number; signal?: AbortSignal; read?: HotFunctionsReader },
): Promise<(ShownProfile | MissingProfile)[]> {
  // Fail on a missing llvm-profdata even when no profile exists yet: the user learns it first.
  const llvm = await requireProfdata(ctx);
  const read = opts.read ?? readHotFunctions;
  const results: (ShownProfile | MissingProfile)[] = [];
  for (const c of components) {
    const profdata = ctx.layout.profdata(c.name);
    if (!fs.existsSync(profdata)) {
      results.push({ component: c.name, profdata, missing: true });
      continue;
    }
    const summary = await read(llvm.path, profdata, opts.top, opts.signal);
    results.push({ component: c.name, profdata, ...summary, meta: readMetadata(ctx.layout.metadata(c.name)) });
  }
  return results;
}

export function isMissing(p: ShownProfile | MissingProfile): p is MissingProfile {
  return 'missing' in p;
}
