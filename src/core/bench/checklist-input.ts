import * as path from 'node:path';
import type { Project, ResolvedComponent } from '../config/resolve-project';
import { binarySizeLimitBytes } from '../config/binary-size-limit';
import { ArtifactLayout } from '../pipeline/artifact-layout';
import { readMetadata } from '../pipeline/profile-metadata';
import { findProfileArchives } from '../pipeline/archived-profile';
import type { DoctorReport } from '../toolchain/doctor';
import { readJson } from '../util/read-json';
import { sourceHash } from '../workspace/source-state';
import type { ChecklistInput, VerifyRecord } from './checklist';
import { readLatestBenchResults } from './results-store';

/** `<artifact root>/<component>/verify.json` (BENCH-CONTRACT.md; the same path verify.ts writes). */
export function verifyRecordFile(layout: ArtifactLayout, component: string): string {
  return path.join(layout.componentDir(component), 'verify.json');
}

/**
 * The newest `pgo-profiles-*.tar.gz` (the default name `pgo archive` writes) in the workspace root
 * or the artifact root. Archives written elsewhere with --output are not seen: the checklist then
 * says "todo", which is the safe side.
 */
export function newestProfileArchive(project: Project): { file: string; mtime: Date } | undefined {
  return findProfileArchives([project.workspace.root, project.artifactRoot])[0];
}

export interface GatherOptions {
  doctor?: DoctorReport;
  /** Hash the workspace sources to tell whether the profile is fresh (reads every .rs file). */
  checkSources?: boolean;
}

/** Everything the checklist of one component needs, read from the artifact directory. */
export function gatherChecklistInput(project: Project, component: ResolvedComponent, opts: GatherOptions = {}): ChecklistInput {
  const layout = new ArtifactLayout(project.artifactRoot);
  const verify = readJson<VerifyRecord>(verifyRecordFile(layout, component.name));
  return {
    component: component.name,
    doctor: opts.doctor,
    metadata: readMetadata(layout.metadata(component.name)),
    currentSourceHash: opts.checkSources ? sourceHash(project.workspace) : undefined,
    results: readLatestBenchResults(project.artifactRoot, component.name),
    verify: verify && typeof verify.ok === 'boolean' && Array.isArray(verify.command) ? verify : undefined,
    maxBinaryBytes: binarySizeLimitBytes(component.maxBinarySizeMb),
    newestArchive: newestProfileArchive(project),
  };
}
