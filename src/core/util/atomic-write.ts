import * as fs from 'node:fs';
import * as path from 'node:path';

/** A temporary name beside `target`, so the final rename stays on one filesystem. */
export function tempPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.tmp-${process.pid}-${Date.now()}`);
}

/**
 * Errors of fsync on a directory where the platform does not offer it: Windows cannot open a folder
 * as a file (EISDIR) or flush one (EPERM), and some filesystems (network, FUSE) answer EINVAL.
 * There the rename is as durable as the system makes it; nothing more can be done.
 */
const DIR_SYNC_UNSUPPORTED = new Set(['EISDIR', 'EPERM', 'EINVAL', 'ENOTSUP', 'EBADF', 'EACCES']);

/** Flush a folder's entries (a rename into it) to disk. */
export function syncDir(dir: string): void {
  let fd: number;
  try {
    fd = fs.openSync(dir, 'r');
  } catch (e) {
    if (DIR_SYNC_UNSUPPORTED.has((e as NodeJS.ErrnoException).code ?? '')) return;
    throw e;
  }
  try {
    fs.fsyncSync(fd);
  } catch (e) {
    if (!DIR_SYNC_UNSUPPORTED.has((e as NodeJS.ErrnoException).code ?? '')) throw e;
  } finally {
    fs.closeSync(fd);
  }
}

/** Flush a file's bytes to disk (one written by another process, like llvm-profdata's output). */
export function syncFile(file: string): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Rename `tmp` over `target` durably: its bytes reach the disk before the rename, and the rename
 * before we return. Without the first fsync a crash can leave `target` renamed but empty (ext4,
 * XFS and APFS may commit the rename before the data), which would replace the last good profile.
 */
export function renameDurably(tmp: string, target: string): void {
  syncFile(tmp);
  fs.renameSync(tmp, target);
  syncDir(path.dirname(target));
}

/** Write the whole file, then rename: readers see the old file or the new one, never half of one. */
export function writeFileAtomic(target: string, data: string | Buffer): void {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = tempPathFor(target);
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, target);
    syncDir(path.dirname(target));
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** Errors of link() where a filesystem has no hard links (FAT, some network shares). */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);

/**
 * Give the finished file `tmp` (already flushed to disk by its writer) the name `target` only if
 * nothing has that name: never overwrite. Returns false when `target` exists. A hard link claims
 * the name atomically; where there are no hard links, an exclusively created placeholder claims it
 * and the rename replaces only that.
 */
export function publishNoClobber(tmp: string, target: string): boolean {
  try {
    fs.linkSync(tmp, target);
    fs.rmSync(tmp, { force: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') return false;
    if (!NO_HARD_LINKS.has(code)) throw e;
    try {
      fs.closeSync(fs.openSync(target, 'wx'));
    } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e2;
    }
    fs.renameSync(tmp, target);
  }
  syncDir(path.dirname(target));
  return true;
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
