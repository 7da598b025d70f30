import type { LastRun } from '../core/pipeline/last-run';

/** How a PGO task ended; its own file so the status bar and the task runner need not import each other. */
export interface TaskOutcome {
  exitCode: number | undefined;
  /** What the CLI recorded: which phase, and its error and fix. */
  lastRun?: LastRun;
}
