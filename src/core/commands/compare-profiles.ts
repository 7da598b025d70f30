import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { extractArchivedProfile } from '../pipeline/archived-profile';
import { locateDiffFunctions, type DiffLocations } from '../profile/profile-diff-locations';
import { readSourceIndex, type SourceIndex } from '../profile/source-index';
import { diffCheckedFiles, type ProfileFilesDiff } from './diff-profiles';

/** A profile to compare: a .profdata file, or one component's profile inside a `pgo archive` file. */
export type ProfileSource = { file: string } | { archive: string; component: string };

export interface ProfileComparison {
  diff: ProfileFilesDiff;
  /** Where the listed functions are defined, when a source index knows them. */
  locations: DiffLocations;
}

/** A profile's source index (`<profdata>.index.json`), only when it was built from these very bytes. */
function indexOf(profdata: string): SourceIndex | undefined {
  const index = readSourceIndex(`${profdata}.index.json`);
  if (!index) return undefined;
  return index.profileSha256 === createHash('sha256').update(fs.readFileSync(profdata)).digest('hex') ? index : undefined;
}

/**
 * "PGO: Compare Profiles" (run in the extension's engine worker): B against the baseline A, archived
 * profiles unpacked into a temporary folder that is removed afterwards, the listed functions placed
 * on their source lines by the profiles' own source indexes.
 */
export async function compareProfileSources(llvmProfdata: string, a: ProfileSource, b: ProfileSource, opts: { top: number; signal?: AbortSignal }): Promise<ProfileComparison> {
  const tmp = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'pgo-compare-'));
  try {
    const fileOf = async (s: ProfileSource, side: string): Promise<string> => {
      if ('file' in s) return s.file;
      const dir = path.join(tmp, side);
      await fs.promises.mkdir(dir);
      return extractArchivedProfile(s.archive, s.component, dir);
    };
    const fileA = await fileOf(a, 'a');
    const fileB = await fileOf(b, 'b');
    const diff = await diffCheckedFiles(llvmProfdata, fileA, fileB, opts);
    return { diff, locations: locateDiffFunctions(diff, [indexOf(fileB), indexOf(fileA)]) };
  } finally {
    await fs.promises.rm(tmp, { recursive: true, force: true });
  }
}
