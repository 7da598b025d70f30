import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { removeStaleTemps, syncDir, syncFile, tempPathFor } from '../util/atomic-write';
import type { ArtifactLayout } from './artifact-layout';

function sha256Of(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/**
 * Before a merge replaces `<component>.profdata`, keep it (with its metadata and source index) as
 * `<component>/previous/`: the one earlier profile "PGO: Compare Profiles" offers. Exactly one copy
 * is kept. Each file is linked (or copied where links are not offered) under a temporary name and
 * renamed into place, so `previous/` holds whole files only. It runs before the merge's own renames:
 * a crash between them leaves previous equal to the current profile (the older copy is gone, the
 * last good profile never is), where the other order could lose the replaced one. A new profile with
 * the same bytes as the current one (a merge of the same run) leaves the older previous copy alone.
 * Returns whether previous/ was replaced.
 */
export function keepPreviousProfile(layout: ArtifactLayout, component: string, newSha256: string): boolean {
  const current = layout.profdata(component);
  if (!fs.existsSync(current) || sha256Of(current) === newSha256) return false;
  const dir = layout.previousDir(component);
  fs.mkdirSync(dir, { recursive: true });
  removeStaleTemps(dir);
  // The profile first, its metadata last: the metadata's sha256 then names a half-replaced set.
  const [profdata, meta, index] = [layout.profdata(component), layout.metadata(component), layout.sourceIndex(component)];
  for (const source of [profdata, index, meta]) {
    const target = path.join(dir, path.basename(source));
    if (!fs.existsSync(source)) {
      fs.rmSync(target, { force: true }); // no older companion may pass for this profile's
      continue;
    }
    const tmp = tempPathFor(target);
    try {
      try {
        fs.linkSync(source, tmp); // the current files are only ever replaced by rename, never edited
      } catch {
        fs.copyFileSync(source, tmp);
        syncFile(tmp);
      }
      fs.renameSync(tmp, target);
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }
  syncDir(dir);
  return true;
}
