import * as fs from 'node:fs';
import type { Project } from '../config/resolve-project';
import { readLatestBenchResults } from '../bench/results-store';
import type { ArtifactLayout } from '../pipeline/artifact-layout';
import { isDefaultArchiveName } from '../pipeline/profile-archive';
import { readMetadata } from '../pipeline/profile-metadata';

/**
 * The steps of a first PGO build (the extension's "Get Started" walkthrough), each judged from
 * what exists, never from which button was clicked: a step is done when its result is there.
 */
export const FIRST_BUILD_STEPS = ['prerequisites', 'component', 'workload', 'profile', 'summary', 'compared', 'archived'] as const;
export type FirstBuildStep = (typeof FIRST_BUILD_STEPS)[number];
export type FirstBuildProgress = Record<FirstBuildStep, boolean>;

export interface ProgressInput {
  project: Project;
  layout: ArtifactLayout;
  /** The last prerequisites check's verdict; undefined when none ran. */
  doctorPassed?: boolean;
}

export function firstBuildProgress({ project, layout, doctorPassed }: ProgressInput): FirstBuildProgress {
  const components = project.components;
  const metas = components.map((c) => (fs.existsSync(layout.profdata(c.name)) ? readMetadata(layout.metadata(c.name)) : undefined));
  let rootFiles: string[] = [];
  try {
    rootFiles = fs.readdirSync(project.workspace.root);
  } catch {
    // an unreadable root holds no archive we could see
  }
  return {
    prerequisites: doctorPassed === true,
    // Named in pgo.yaml, not the fallback of one component per binary package.
    component: project.configFile !== undefined && project.configuredComponents,
    workload: project.configuredComponents && components.some((c) => !c.usesDefaultWorkload),
    profile: metas.some((m) => m !== undefined),
    // The summary's figures come with the optimized build: its binaries must still be there.
    summary: metas.some((m) => (m?.applied?.optimizedBinaries.length ?? 0) > 0 && m?.applied?.optimizedBinaries.every((b) => fs.existsSync(b)) === true),
    compared: components.some((c) => readLatestBenchResults(project.artifactRoot, c.name) !== undefined),
    archived: rootFiles.some(isDefaultArchiveName),
  };
}

/** Several Cargo workspaces: a step is done when it is done in any of them. */
export function mergeProgress(list: readonly FirstBuildProgress[]): FirstBuildProgress {
  const out = Object.fromEntries(FIRST_BUILD_STEPS.map((s) => [s, list.some((p) => p[s])])) as FirstBuildProgress;
  return out;
}
