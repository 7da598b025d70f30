import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../util/atomic-write';
import type { PhaseName } from './reporter';

/**
 * How the last CLI command ended, written beside the profiles. The extension runs phases as tasks
 * (the CLI in a task terminal) and reads this afterwards to say which phase failed and why.
 */
export interface LastRun {
  command: string;
  component?: string;
  phase?: PhaseName;
  ok: boolean;
  exitCode: number;
  message?: string;
  fix?: string;
  finishedAt: string;
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
  try {
    return JSON.parse(fs.readFileSync(path.join(artifactRoot, LAST_RUN_FILE), 'utf8')) as LastRun;
  } catch {
    return undefined;
  }
}
