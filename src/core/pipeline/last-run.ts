import * as path from 'node:path';
import type { PgoErrorKind } from '../errors';
import { writeFileAtomic } from '../util/atomic-write';
import type { PhaseName } from './reporter';
import { readJson } from '../util/read-json';

/**
 * The phase the CLI is running, then how it ended, written beside the profiles. The extension runs
 * phases as tasks (the CLI in a task terminal) and watches this file for its status bar, and to say
 * which phase failed and why.
 */
export interface LastRun {
  state: 'running' | 'ok' | 'failed' | 'cancelled';
  command: string;
  component?: string;
  phase?: PhaseName;
  pid: number;
  exitCode?: number;
  message?: string;
  fix?: string;
  /** The failure's kind (PgoError.kind), for programs to act on; `message` is for people. */
  errorKind?: PgoErrorKind;
  updatedAt: string;
}

export const LAST_RUN_FILE = 'last-run.json';

export function writeLastRun(artifactRoot: string, run: LastRun): void {
  try {
    writeFileAtomic(path.join(artifactRoot, LAST_RUN_FILE), JSON.stringify(run, null, 2));
  } catch {
    /* a read-only or vanished target dir must not turn a result into a crash */
  }
}

export function readLastRun(artifactRoot: string): LastRun | undefined {
  return readJson<LastRun>(path.join(artifactRoot, LAST_RUN_FILE));
}
