import * as fs from 'node:fs';
import * as path from 'node:path';

/** A temporary name beside `target`, so the final rename stays on one filesystem. */
export function tempPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.tmp-${process.pid}-${Date.now()}`);
}

/** Write the whole file, then rename: readers see the old file or the new one, never half of one. */
export function writeFileAtomic(target: string, data: string | Buffer): void {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = tempPathFor(target);
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** Leftover temporaries of crashed runs are not profiles: remove them. */
export function removeStaleTemps(dir: string): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const e of entries) if (e.startsWith('.') && e.includes('.tmp-')) fs.rmSync(path.join(dir, e), { force: true, recursive: true });
}
