/**
 * Every failure the engine reports names the problem and the fix, so the CLI, the extension and CI
 * can all show the same actionable text. `code` doubles as the CLI's exit code.
 */
export enum ExitCode {
  Ok = 0,
  PhaseFailed = 1,
  Usage = 2,
  Prerequisites = 3,
  ProfileNotApplied = 4,
  Locked = 5,
  /** `pgo bench`: a variant's output differs from release's (PGO or LTO changed the program's behaviour). */
  OutputChanged = 6,
  /** The workload's profile cannot help the shipped binaries (see profile-quality.ts): no optimized build. */
  ProfileUnusable = 7,
  Cancelled = 130,
}

/**
 * What kind of failure, for programs that act on it (the extension's "Merge Without Them" offer reads
 * it from last-run.json) instead of matching the message text, which is for people and may change.
 * Add a kind when a caller needs to tell that failure apart.
 */
export type PgoErrorKind =
  /** merge: some .profraw files cannot be read (truncated, corrupt); `--skip-corrupt` merges the rest */
  | 'corrupt-profraw'
  /** no llvm-profdata of rustc's LLVM major, or the one used cannot read the profiles */
  | 'profdata-mismatch'
  /** another PGO run holds the workspace's run lock */
  | 'locked'
  | 'disk-full'
  /** merge: the workload ran (almost) none of the shipped binaries' code; the pipeline stops before optimize */
  | 'profile-unusable'
  /** instrument/optimize: cargo failed for a recognised cause (build-failure.ts) */
  | 'build-failed'
  | 'cancelled';

export class PgoError extends Error {
  constructor(
    message: string,
    readonly fix: string | undefined,
    readonly code: ExitCode = ExitCode.PhaseFailed,
    readonly details?: string,
    readonly kind?: PgoErrorKind,
  ) {
    super(message);
    this.name = 'PgoError';
  }

  /** One line for the problem, one for the fix: what a terminal or a notification shows. */
  describe(): string {
    return this.fix ? `${this.message}\nFix: ${this.fix}` : this.message;
  }
}

export class CancelledError extends PgoError {
  constructor(what: string) {
    super(`${what} was cancelled; the last good profile is unchanged`, undefined, ExitCode.Cancelled, undefined, 'cancelled');
    this.name = 'CancelledError';
  }
}

export function isPgoError(e: unknown): e is PgoError {
  return e instanceof PgoError;
}

export function errorMessage(e: unknown): string {
  if (e instanceof PgoError) return e.describe();
  if (e instanceof Error) return e.message;
  return String(e);
}

/**
 * A file-system failure from Node (no space, no permission, read-only) in the user's terms; other
 * values pass through unchanged.
 */
export function fromSystemError(e: unknown): unknown {
  if (e instanceof PgoError || !(e instanceof Error)) return e;
  const { code, path } = e as NodeJS.ErrnoException;
  const where = path ? ` (${path})` : '';
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new PgoError(`the disk is full${where}`, 'free disk space and run again; the last good profile is unchanged', ExitCode.PhaseFailed, undefined, 'disk-full');
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new PgoError(`cannot write${where}: ${code === 'EROFS' ? 'read-only file system' : 'permission denied'}`, 'make the workspace and its target directory writable', ExitCode.Prerequisites);
    default:
      return e;
  }
}
