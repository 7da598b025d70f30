import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { capture } from '../util/process';
import type { CargoWorkspace } from './cargo-workspace';

/** Git commit and dirty flag, when the workspace is in a git checkout. */
export async function gitState(dir: string): Promise<{ commit?: string; dirty?: boolean }> {
  try {
    const commit = (await capture('git', ['rev-parse', 'HEAD'], { cwd: dir, timeoutMs: 10_000 })).trim();
    const status = await capture('git', ['status', '--porcelain', '--untracked-files=no', '--', '.'], { cwd: dir, timeoutMs: 30_000 });
    return { commit, dirty: status.trim().length > 0 };
  } catch {
    return {};
  }
}

const SOURCE_EXT = new Set(['.rs', '.toml', '.lock']);
const SKIP_DIRS = new Set(['target', 'node_modules', '.git']);

/**
 * A hash of the workspace's Rust sources and manifests, so a later run can tell that a profile was
 * recorded from other code (its functions' hashes no longer match).
 */
export function sourceHash(ws: CargoWorkspace, opts: { lockfiles?: boolean } = {}): string {
  const withLocks = opts.lockfiles ?? true;
  const files: string[] = [];
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.') && path.resolve(p) !== path.resolve(ws.targetDirectory)) walk(p);
      } else if (e.isFile() && SOURCE_EXT.has(path.extname(e.name)) && (withLocks || path.extname(e.name) !== '.lock')) files.push(p);
    }
  };
  const roots = [...new Set([ws.root, ...ws.packages.map((p) => p.root)])];
  for (const r of roots) walk(r);
  const hash = createHash('sha256');
  for (const f of [...new Set(files)].sort()) {
    hash.update(path.relative(ws.root, f));
    hash.update('\0');
    hash.update(fs.readFileSync(f));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * The source hash to stamp on a build: taken before it, so an edit made during the build makes the
 * stamp stale; but cargo itself may write Cargo.lock during the build (the first build, a new
 * dependency), and the lock file it wrote is what it compiled against: then the hash after it counts.
 */
export function buildSourceHash(ws: CargoWorkspace, before: { all: string; code: string }): string {
  const code = sourceHash(ws, { lockfiles: false });
  return code === before.code ? sourceHash(ws) : before.all;
}

/** What buildSourceHash compares against: call it before the build starts. */
export function sourcesBeforeBuild(ws: CargoWorkspace): { all: string; code: string } {
  return { all: sourceHash(ws), code: sourceHash(ws, { lockfiles: false }) };
}
