import * as fs from 'node:fs';
import { nearestExisting } from '../util/safe-path';

/** Free bytes on the filesystem that holds `dir` (or its nearest existing parent: it may not exist yet). */
export async function freeBytes(dir: string): Promise<number> {
  const s = await fs.promises.statfs(nearestExisting(dir));
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
