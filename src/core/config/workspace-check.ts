import { DEFAULT_MIN_FREE_GB } from './config-schema';
import { loadProject, type ProjectOverrides } from './resolve-project';
import { errorMessage, isPgoError } from '../errors';
import type { CheckResult } from '../toolchain/doctor';

/** The doctor's line about the workspace and pgo.yaml, plus what the other checks need from it. */
export async function checkWorkspace(
  dir: string,
  overrides: ProjectOverrides,
): Promise<{ check: CheckResult; artifactDir: string; minFreeGb: number; root?: string }> {
  try {
    const project = await loadProject(dir, overrides);
    const source = project.configFile ? ` (from ${project.configFile})` : ' (no pgo.yaml: one component per binary package)';
    return {
      check: {
        id: 'workspace',
        title: 'workspace',
        status: 'ok',
        message: `${project.workspace.root}: components ${project.components.map((c) => c.name).join(', ')}${source}`,
      },
      artifactDir: project.artifactRoot,
      minFreeGb: project.minFreeDiskGb,
      root: project.workspace.root,
    };
  } catch (e) {
    return {
      check: {
        id: 'workspace',
        title: 'workspace',
        status: 'fail',
        message: isPgoError(e) ? e.message : errorMessage(e),
        fix: isPgoError(e) ? e.fix : undefined,
      },
      artifactDir: dir,
      minFreeGb: overrides.minFreeDiskGb ?? DEFAULT_MIN_FREE_GB,
    };
  }
}
