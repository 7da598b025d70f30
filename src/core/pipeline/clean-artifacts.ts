import * as fs from 'node:fs';
import * as path from 'node:path';
import { ExitCode, PgoError } from '../errors';
import { isStrictlyInside } from '../util/safe-path';
import type { EngineContext } from './engine-context';
import { RunLock } from './run-lock';

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
  const lock = RunLock.acquire(layout.lockFile, 'pgo clean');
  const removed: string[] = [];
  try {
    const names = component ? [component] : fs.readdirSync(layout.root).filter((n) => n !== path.basename(layout.lockFile));
    for (const name of names) {
      const dir = path.join(layout.root, name);
      if (!isStrictlyInside(dir, layout.root) || !fs.existsSync(dir)) continue;
      fs.rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    }
  } finally {
    lock.release();
  }
  if (!component) fs.rmSync(layout.root, { recursive: true, force: true });
  return removed;
}

/** Delete one component's profile, its metadata and source index (not its builds). */
export function deleteProfile(ctx: EngineContext, component: string): string[] {
  const files = [ctx.layout.profdata(component), ctx.layout.metadata(component), ctx.layout.sourceIndex(component)];
  for (const f of files) {
    if (!isStrictlyInside(f, ctx.project.workspace.targetDirectory)) {
      throw new PgoError(`refusing to delete ${f}: it is not inside ${ctx.project.workspace.targetDirectory}`, 'fix artifactDir in pgo.yaml', ExitCode.Usage);
    }
  }
  const lock = RunLock.acquire(ctx.layout.lockFile, `delete ${component} profile`);
  try {
    const removed = files.filter((f) => fs.existsSync(f));
    for (const f of removed) fs.rmSync(f, { force: true });
    return removed;
  } finally {
    lock.release();
  }
}
