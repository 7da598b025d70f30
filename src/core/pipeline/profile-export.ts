import * as fs from 'node:fs';
import * as path from 'node:path';
import { ExitCode, PgoError } from '../errors';
import { writeFileAtomic } from '../util/atomic-write';
import { rawFilesIn, type WorkloadRun } from './workload-phase';

/** Written next to the exported raw profiles: which build, workload and size they come from. */
export const EXPORT_MARKER = 'pgo-workload.json';

/**
 * `pgo workload --profile-dir DIR`: the run's raw profiles, copied flat into DIR as
 * `<workload>-<file>.profraw`, the folder a CI job uploads and `pgo merge --add DIR` reads.
 * The run itself stays in the artifact folder, so a local merge still finds it.
 */
export function exportRunProfiles(run: WorkloadRun, dir: string): { dir: string; files: string[]; earlier: number } {
  const abs = path.resolve(dir);
  try {
    fs.mkdirSync(abs, { recursive: true });
  } catch (e) {
    throw new PgoError(`--profile-dir ${dir}: cannot create the folder (${(e as Error).message})`, 'give a folder you can write to, e.g. --profile-dir profiles/<job name>', ExitCode.Usage);
  }
  const fresh = new Set<string>();
  for (const c of run.commands) {
    for (const file of rawFilesIn(c.rawDir)) {
      const name = `${c.name}-${path.basename(file)}`;
      fs.copyFileSync(file, path.join(abs, name));
      fresh.add(name);
    }
  }
  writeFileAtomic(path.join(abs, EXPORT_MARKER), `${JSON.stringify({ ...run, commands: run.commands.map((c) => ({ name: c.name, command: c.command, durationMs: c.durationMs, rawFiles: c.rawFiles })) }, null, 2)}\n`);
  // Profiles from an earlier run in the same folder would be merged along with these by --add DIR.
  const earlier = rawFilesIn(abs).filter((f) => !fresh.has(path.basename(f))).length;
  return { dir: abs, files: [...fresh].sort().map((f) => path.join(abs, f)), earlier };
}
