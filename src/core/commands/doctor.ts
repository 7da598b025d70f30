import * as fs from 'node:fs';
import type { ProjectOverrides } from '../config/resolve-project';
import { runDoctor, type DoctorReport } from '../toolchain/doctor';
import { checkWorkspace } from '../config/workspace-check';

/**
 * `pgo doctor` and "PGO: Check Prerequisites": the toolchain checks plus the workspace and pgo.yaml.
 * Always looks again (no cached tools): it is what a user runs after fixing something.
 */
export async function checkPrerequisites(dir: string, overrides: ProjectOverrides): Promise<DoctorReport> {
  const ws = await checkWorkspace(dir, overrides);
  return runDoctor({
    llvmProfdataPath: overrides.llvmProfdataPath,
    artifactDir: ws.artifactDir,
    minFreeGb: ws.minFreeGb,
    cwd: fs.existsSync(dir) ? dir : undefined,
    extra: [ws.check],
  });
}
