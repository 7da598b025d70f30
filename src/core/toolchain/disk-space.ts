import * as fs from 'node:fs';
import * as path from 'node:path';

/** Free bytes on the filesystem that holds `dir` (or its nearest existing parent: it may not exist yet). */
export async function freeBytes(dir: string): Promise<number> {
  let probe = path.resolve(dir);
  while (!fs.existsSync(probe)) {
    const parent = path.dirname(probe);
    if (parent === probe) break;
    probe = parent;
  }
  const s = await fs.promises.statfs(probe);
  return s.bavail * s.bsize;
}

export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 || i === 0 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}
