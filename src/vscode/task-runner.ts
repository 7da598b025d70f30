import * as vscode from 'vscode';
import { ExitCode } from '../core/errors';
import { createPgoTask, type PgoTaskDefinition } from './pgo-tasks';
import type { PgoWorkspace } from './pgo-workspace';
import type { StatusBar } from './status-bar';
import type { TaskOutcome } from './task-outcome';
import type { WorkspaceRegistry } from './workspace-registry';

export type { TaskOutcome };

const MEANING: Partial<Record<number, string>> = {
  [ExitCode.PhaseFailed]: 'a phase failed',
  [ExitCode.Usage]: 'bad configuration',
  [ExitCode.Prerequisites]: 'prerequisites missing',
  [ExitCode.ProfileNotApplied]: 'the profile was not applied',
  [ExitCode.Locked]: 'another PGO run is active',
  [ExitCode.OutputChanged]: "a build changed the program's output",
  [ExitCode.ProfileUnusable]: 'the workload gave a profile that cannot help (add a workload that runs the binary)',
  [ExitCode.Cancelled]: 'cancelled',
};

/**
 * Runs a `pgo` task and waits for its process to end, updating the status bar and the `pgo.running`
 * context key; on failure, a notification names the phase and offers the output and the doctor.
 */
export class TaskRunner {
  constructor(
    private readonly cliPath: string,
    private readonly registry: WorkspaceRegistry,
    private readonly status: StatusBar,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async run(ws: PgoWorkspace, def: PgoTaskDefinition, opts: { notify?: boolean } = {}): Promise<TaskOutcome> {
    if (this.registry.running) {
      void vscode.window.showWarningMessage('A PGO task is already running: wait for it, or terminate it in its terminal.');
      return { exitCode: ExitCode.Locked };
    }
    // A unique id in the definition: the events' TaskExecution is matched by it, not by identity.
    const runId = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const task = createPgoTask(this.cliPath, ws, { ...def, runId });
    this.log.info(`task: ${task.detail ?? task.name}`);
    await this.registry.setRunning(true);
    this.status.running(ws, def);
    const started = Date.now();
    try {
      // Listen before starting: a task that fails to spawn ends at once, with no process event.
      let execution: vscode.TaskExecution | undefined;
      let settle: (code: number | undefined) => void = () => undefined;
      const ended = new Promise<number | undefined>((resolve) => (settle = resolve));
      const early: { code: number | undefined; execution: vscode.TaskExecution }[] = [];
      const ours = (e: vscode.TaskExecution): boolean => e === execution || (e.task.definition as PgoTaskDefinition).runId === runId;
      const onEnd = (e: vscode.TaskExecution, code: number | undefined): void => {
        if (execution === undefined) early.push({ code, execution: e });
        else if (ours(e)) settle(code);
      };
      const subs = [
        vscode.tasks.onDidEndTaskProcess((e) => onEnd(e.execution, e.exitCode)),
        vscode.tasks.onDidEndTask((e) => onEnd(e.execution, undefined)),
      ];
      let exitCode: number | undefined;
      try {
        execution = await vscode.tasks.executeTask(task);
        const before = early.find((x) => ours(x.execution));
        if (before) settle(before.code);
        exitCode = await ended;
      } finally {
        for (const s of subs) s.dispose();
      }
      // Only this run's record counts: an older one would describe another run's failure.
      const recorded = ws.lastRun();
      const lastRun = recorded && Date.parse(recorded.updatedAt) >= started - 1000 ? recorded : undefined;
      const outcome: TaskOutcome = { exitCode, lastRun };
      this.log.info(`task ended with exit code ${exitCode}: ${task.name}`);
      this.status.finished(ws, def, outcome);
      if (exitCode !== 0 && opts.notify !== false) void this.notifyFailure(ws, def, outcome);
      return outcome;
    } finally {
      await this.registry.setRunning(false);
      await this.registry.touch();
    }
  }

  private async notifyFailure(ws: PgoWorkspace, def: PgoTaskDefinition, o: TaskOutcome): Promise<void> {
    // A terminated task reports no exit code; the CLI's own record says it was cancelled.
    if (o.exitCode === ExitCode.Cancelled || o.exitCode === undefined || o.lastRun?.exitCode === ExitCode.Cancelled) {
      void vscode.window.showInformationMessage('PGO: cancelled; the last good profile was kept.');
      return;
    }
    const phase = o.lastRun?.state === 'failed' ? o.lastRun.phase : undefined;
    const what = phase ? `the ${phase} phase failed` : `"${def.phase}" failed`;
    const why = o.lastRun?.state === 'failed' && o.lastRun.message ? o.lastRun.message.split('\n')[0] : MEANING[o.exitCode ?? -1] ?? `exit code ${o.exitCode}`;
    const fix = o.lastRun?.state === 'failed' && o.lastRun.fix ? ` Fix: ${o.lastRun.fix}` : '';
    // A corrupt raw profile among good ones: offer to merge without it (llvm-profdata --failure-mode).
    const corrupt = o.lastRun?.state === 'failed' && o.lastRun.errorKind === 'corrupt-profraw';
    // A workload that ran none of the binary's code (exit 7): offer to write one that runs it.
    const unusable = o.exitCode === ExitCode.ProfileUnusable || (o.lastRun?.state === 'failed' && o.lastRun.errorKind === 'profile-unusable');
    const actions = corrupt ? ['Merge Without Them', 'Show Output'] : unusable ? ['Create Workload', 'Show Output'] : ['Show Output', 'Check Prerequisites'];
    const choice = await vscode.window.showErrorMessage(`PGO: ${what}${o.lastRun?.component ? ` for ${o.lastRun.component}` : ''}: ${why}.${fix}`, ...actions);
    if (choice === 'Show Output') await vscode.commands.executeCommand('workbench.action.terminal.focus');
    if (choice === 'Check Prerequisites') await vscode.commands.executeCommand('pgo.checkPrerequisites');
    if (choice === 'Create Workload') {
      const component = o.lastRun?.component ?? def.component;
      await vscode.commands.executeCommand('pgo.createWorkload', { folder: ws.root, component: component === 'all' ? undefined : component });
    }
    if (choice === 'Merge Without Them') {
      await vscode.commands.executeCommand('pgo.mergeProfiles', { component: o.lastRun?.component ?? def.component, skipCorrupt: true });
    }
  }
}
