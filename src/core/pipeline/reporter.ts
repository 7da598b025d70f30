/**
 * How the engine tells its caller what is happening. The CLI prints it; the extension feeds a
 * task terminal, a status bar item and an output channel. The engine itself never prints.
 */
export type PhaseName = 'instrument' | 'workload' | 'merge' | 'optimize';
export const PHASES: readonly PhaseName[] = ['instrument', 'workload', 'merge', 'optimize'];

export interface Reporter {
  phaseStart(phase: PhaseName, component: string, detail: string): void;
  phaseEnd(phase: PhaseName, component: string, ok: boolean, durationMs: number, detail: string): void;
  /** A line of a child process's output (cargo, a workload command, llvm-profdata). */
  output(line: string, stream: 'stdout' | 'stderr'): void;
  info(message: string): void;
  warn(message: string): void;
}

export const silentReporter: Reporter = {
  phaseStart: () => undefined,
  phaseEnd: () => undefined,
  output: () => undefined,
  info: () => undefined,
  warn: () => undefined,
};
