import * as fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExitCode, PgoError } from '../errors';
import { ensureWritableDir } from '../util/writable-dir';
import { readJson } from '../util/read-json';

/**
 * One pipeline at a time per artifact directory (two windows, or the CLI and the extension).
 * The lock file names its owner; a lock whose process is gone (a crash, kill -9) is taken over.
 * It is created whole (written under another name, then hard-linked into place), so nobody ever
 * reads a lock without its owner in it.
 */
export interface LockOwner {
  pid: number;
  host: string;
  command: string;
  startedAt: string;
  /** Tells this lock from a later one of the same process (the extension host runs several). */
  token?: string;
}

/** A lock file nobody can parse yet may be one being replaced: treat it as live this long. */
const UNREADABLE_GRACE_MS = 10_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readLockOwner(lockFile: string): LockOwner | undefined {
  return readJson<LockOwner>(lockFile);
}

function isStale(lockFile: string, owner: LockOwner | undefined): boolean {
  if (owner) return owner.host === os.hostname() && !alive(owner.pid);
  try {
    return Date.now() - fs.statSync(lockFile).mtimeMs > UNREADABLE_GRACE_MS;
  } catch {
    return true; // gone already
  }
}

export class RunLock {
  private constructor(
    private readonly file: string,
    private readonly token: string,
  ) {}

  static acquire(lockFile: string, command: string): RunLock {
    for (let attempt = 0; ; attempt++) {
      try {
        return RunLock.tryAcquire(lockFile, command);
      } catch (e) {
        // A `clean` moved the whole folder away while we were writing into it: start over.
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 2) throw e;
      }
    }
  }

  private static tryAcquire(lockFile: string, command: string): RunLock {
    ensureWritableDir(path.dirname(lockFile));
    const me: LockOwner = { pid: process.pid, host: os.hostname(), command, startedAt: new Date().toISOString(), token: randomUUID() };
    const tmp = `${lockFile}.${process.pid}.${Date.now()}`;
    fs.writeFileSync(tmp, JSON.stringify(me));
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          fs.linkSync(tmp, lockFile); // atomic: fails if a lock exists
          return new RunLock(lockFile, me.token ?? '');
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        }
        const owner = readLockOwner(lockFile);
        if (!isStale(lockFile, owner)) {
          throw new PgoError(
            owner
              ? `another PGO run is in progress: "${owner.command}" (pid ${owner.pid} on ${owner.host}, started ${owner.startedAt})`
              : `another PGO run is starting (${lockFile} is being written)`,
            `wait for it to finish or stop it; if it is gone, delete ${lockFile}`,
            ExitCode.Locked,
            undefined,
            'locked',
          );
        }
        // Take the dead owner's lock away under a unique name, and only drop it if it is still
        // theirs: two processes recovering at once must not delete each other's fresh lock.
        const aside = `${lockFile}.stale.${process.pid}.${attempt}`;
        try {
          fs.renameSync(lockFile, aside);
        } catch {
          continue; // someone else moved it first
        }
        const moved = readLockOwner(aside);
        if (moved && owner && moved.pid !== owner.pid) {
          // It was a fresh lock of another process: put it back if nobody took the place.
          try {
            fs.linkSync(aside, lockFile);
          } catch {
            /* a third process holds it now */
          }
        }
        fs.rmSync(aside, { force: true });
      }
      throw new PgoError(`could not take the lock ${lockFile}`, `delete ${lockFile} if no PGO run is active`, ExitCode.Locked, undefined, 'locked');
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }

  release(): void {
    const owner = readLockOwner(this.file);
    // Only our own lock: after a clean removed the folder, the file there may be a new run's.
    if (owner?.pid === process.pid && owner.token === this.token) fs.rmSync(this.file, { force: true });
  }
}
