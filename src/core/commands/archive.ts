import * as path from 'node:path';
import type { EngineContext } from '../pipeline/engine-context';
import { archiveProfiles, restoreProfiles } from '../pipeline/profile-archive';

/** `pgo archive` and "PGO: Archive Profiles"; a relative output is taken from the workspace root. */
export async function archive(ctx: EngineContext, output?: string): Promise<{ file: string; entries: string[] }> {
  return archiveProfiles(ctx, output);
}

/** `pgo restore` and "PGO: Restore Profiles"; a relative archive path is taken from `cwd`. */
export async function restore(ctx: EngineContext, archiveFile: string, cwd: string): Promise<string[]> {
  return restoreProfiles(ctx, path.resolve(cwd, archiveFile));
}
