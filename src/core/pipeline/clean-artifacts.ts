import * as fs from 'node:fs';
import * as path from 'node:path';
import { ExitCode, PgoError } from '../errors';
import { isStrictlyInside } from '../util/safe-path';
import type { EngineContext } from './engine-context';
import { RunLock } from './run-lock';
import { isLockFileName, OWNER_MARKER } from './artifact-layout';
import { LAST_RUN_FILE } from './last-run';

/**
 * Delete PGO artifacts: one component's folder, or all of them. Only folders strictly inside the
 * workspace's target directory are ever removed, checked again here (through symlinks), because
 * this is the one place that deletes recursively.
 */
export function cleanArtifacts(ctx: EngineContext, component?: string): string[] {
  const { layout, project } = ctx;
  const targetDir = project.workspace.targetDirectory;
  if (!isStrictlyInside(layout.root, targetDir)) {
    throw new PgoError(`refusing to delete ${layout.root}: it is not inside ${targetDir}`, 'fix artifactDir in pgo.yaml', ExitCode.Usage);
  }
  if (!fs.existsSync(layout.root)) return [];
  if (!layout.isOwned()) {
    throw new PgoError(
      `refusing to delete in ${layout.root}: Rust PGO did not create it (no ${OWNER_MARKER} marker)`,
      'set artifactDir in pgo.yaml to a folder of its own, e.g. target/pgo',
      ExitCode.Usage,
    );
  }
  layout.checkOwner();
  const lock = RunLock.acquire(layout.lockFile, 'pgo clean');
  const removed: string[] = [];
  try {
    // Only what the engine makes: the components' folders and its run record, never other entries.
    // `bench` holds every component's comparisons (and the run probe); `report` what `pgo report` wrote.
    const names = component ? [component] : [...project.components.map((c) => c.name), LAST_RUN_FILE, 'bench', 'report'];
    for (const name of names) {
      const p = path.join(layout.root, name);
      if (!isStrictlyInside(p, layout.root) || !fs.existsSync(p)) continue;
      fs.rmSync(p, { recursive: true, force: true });
      removed.push(p);
    }
    if (!component) removeEmptyRoot(layout.root);
  } finally {
    lock.release(); // a no-op once the root (and the lock in it) is gone
  }
  return removed;
}

/**
 * The root goes only when nothing but its marker and our lock is left, and while we still hold
 * that lock: it is first renamed away in one step, so a run that starts now finds no folder and
 * makes a new one, and the deletion below can never take its lock or its work with it.
 */
function removeEmptyRoot(root: string): void {
  if (!fs.readdirSync(root).every((n) => n === OWNER_MARKER || isLockFileName(n))) return;
  const doomed = `${root}.removing-${process.pid}-${Date.now()}`;
  try {
    fs.renameSync(root, doomed);
  } catch {
    return; // Windows refuses while another process has a file open in it: leave the empty root
  }
  fs.rmSync(doomed, { recursive: true, force: true });
}

/** Delete one component's profile, its metadata and source index (not its builds). */
export function deleteProfile(ctx: EngineContext, component: string): string[] {
  const files = ctx.layout.profileFiles(component);
  for (const f of files) {
    if (!isStrictlyInside(f, ctx.project.workspace.targetDirectory)) {
      throw new PgoError(`refusing to delete ${f}: it is not inside ${ctx.project.workspace.targetDirectory}`, 'fix artifactDir in pgo.yaml', ExitCode.Usage);
    }
  }
  ctx.layout.checkOwner();
  const lock = RunLock.acquire(ctx.layout.lockFile, `delete ${component} profile`);
  try {
    const removed = files.filter((f) => fs.existsSync(f));
    for (const f of removed) fs.rmSync(f, { force: true });
    return removed;
  } finally {
    lock.release();
  }
}
