import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The real path of `p`, following symlinks on the part that exists, so "inside" checks cannot be
 * fooled by a link (target/pgo → /) or by `..`.
 */
export function realPathLoose(p: string): string {
  const probe = nearestExisting(p);
  const rest = path.relative(probe, path.resolve(p)).split(path.sep).filter(Boolean);
  let real = probe;
  try {
    real = fs.realpathSync(probe);
  } catch {
    /* keep the resolved path */
  }
  return path.join(real, ...rest);
}

/** `p` itself, or its nearest parent that exists (a folder the engine will create later). */
export function nearestExisting(p: string): string {
  let probe = path.resolve(p);
  while (!fs.existsSync(probe)) {
    const parent = path.dirname(probe);
    if (parent === probe) break;
    probe = parent;
  }
  return probe;
}

/** True when `child` is strictly below `parent` (both resolved through symlinks). */
export function isStrictlyInside(child: string, parent: string): boolean {
  const rel = path.relative(realPathLoose(parent), realPathLoose(child));
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}
