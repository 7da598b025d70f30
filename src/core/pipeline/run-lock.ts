import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExitCode, PgoError } from '../errors';
import { ensureWritableDir } from '../util/writable-dir';

/**
 * One pipeline at a time per artifact directory (two windows, or the CLI and the extension).
 * The lock file names its owner; a lock whose process is gone (a crash, kill -9) is taken over.
 */
export interface LockOwner {
  pid: number;
  host: string;
  command: string;
  startedAt: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readLockOwner(lockFile: string): LockOwner | undefined {
  try {
    return JSON.parse(fs.readFileSync(lockFile, 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}

export class RunLock {
  private constructor(private readonly file: string) {}

  static acquire(lockFile: string, command: string): RunLock {
    ensureWritableDir(path.dirname(lockFile));
    const me: LockOwner = { pid: process.pid, host: os.hostname(), command, startedAt: new Date().toISOString() };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(lockFile, JSON.stringify(me), { flag: 'wx' });
        return new RunLock(lockFile);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const owner = readLockOwner(lockFile);
      const stale = !owner || (owner.host === os.hostname() && !alive(owner.pid));
      if (!stale) {
        throw new PgoError(
          `another PGO run is in progress: "${owner.command}" (pid ${owner.pid} on ${owner.host}, started ${owner.startedAt})`,
          `wait for it to finish or stop it; if it is gone, delete ${lockFile}`,
          ExitCode.Locked,
        );
      }
      fs.rmSync(lockFile, { force: true }); // its owner died: recover
    }
    throw new PgoError(`could not take the lock ${lockFile}`, `delete ${lockFile} if no PGO run is active`, ExitCode.Locked);
  }

  release(): void {
    const owner = readLockOwner(this.file);
    if (owner?.pid === process.pid) fs.rmSync(this.file, { force: true });
  }
}
