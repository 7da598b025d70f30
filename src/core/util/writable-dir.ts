import * as fs from 'node:fs';
import { ExitCode, PgoError } from '../errors';

/**
 * Create `dir` (and parents) or explain, in the user's terms, why it cannot be: a read-only
 * workspace or target directory is a setup problem with a fix, not an internal error.
 */
export function ensureWritableDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
      throw new PgoError(
        `cannot write to ${dir} (${code === 'EROFS' ? 'read-only file system' : 'permission denied'}): PGO builds and profiles need a writable target directory`,
        'make the workspace writable, or point cargo at a writable target directory (CARGO_TARGET_DIR=/some/writable/dir)',
        ExitCode.Prerequisites,
      );
    }
    throw e;
  }
}
