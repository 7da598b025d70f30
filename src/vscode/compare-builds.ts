import * as vscode from 'vscode';
import { describeBenchProgress, readBenchProgress } from '../core/bench/bench-progress';
import { readLatestBenchResults } from '../core/bench/results-store';
import { verdictLine } from '../core/bench/verdict-line';
import { TASK_TYPE, type PgoTaskDefinition } from './pgo-tasks';
import type { PgoWorkspace } from './pgo-workspace';
import type { TaskOutcome, TaskRunner } from './task-runner';

/** How often the notification re-reads progress.json (a small file; the CLI writes it per round). */
const PROGRESS_POLL_MS = 1000;

export interface CompareOutcome extends TaskOutcome {
  /** The verdict lines of the components this run wrote results for. */
  verdicts: Array<{ component: string; line: string }>;
}

/**
 * "PGO: Compare Builds": `pgo bench` as a `pgo` task, with a cancellable progress notification
 * ("round 3 of ~12, about 40 s left", read from the CLI's progress.json). Cancelling terminates the
 * task; the CLI then writes the rounds measured so far as a results file marked cancelled.
 */
export async function compareBuilds(runner: TaskRunner, ws: PgoWorkspace, def: PgoTaskDefinition): Promise<CompareOutcome> {
  const project = ws.project;
  const components = (project?.components ?? []).filter((c) => def.component === undefined || def.component === 'all' || c.name === def.component).map((c) => c.name);
  const started = Date.now();
  const ours = (iso: string | undefined): boolean => iso !== undefined && Date.parse(iso) >= started - 1000;
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `PGO: comparing builds of ${def.component ?? 'the default component'}`, cancellable: true },
    async (progress, token) => {
      progress.report({ message: 'building the variants (release, PGO, LTO…)' });
      let shown = 0;
      const timer = setInterval(() => {
        if (!project) return;
        for (const c of components) {
          const p = readBenchProgress(project.artifactRoot, c);
          if (!p || !ours(p.updatedAt)) continue;
          const pct = Math.min(100, Math.round((100 * (p.round - 1)) / Math.max(1, p.total)));
          progress.report({ message: `${components.length > 1 ? `${c} · ` : ''}${describeBenchProgress(p)}`, increment: Math.max(0, pct - shown) });
          shown = Math.max(shown, pct);
        }
      }, PROGRESS_POLL_MS);
      const cancel = token.onCancellationRequested(() => {
        const running = vscode.tasks.taskExecutions.find((e) => e.task.definition.type === TASK_TYPE && (e.task.definition as PgoTaskDefinition).phase === 'bench');
        running?.terminate();
      });
      try {
        return await runner.run(ws, def);
      } finally {
        clearInterval(timer);
        cancel.dispose();
      }
    },
  );
  const verdicts = project
    ? components.flatMap((c) => {
        const r = readLatestBenchResults(project.artifactRoot, c);
        return r && ours(r.finishedAt) ? [{ component: c, line: verdictLine(r) }] : [];
      })
    : [];
  if (verdicts.length > 0) {
    const text = verdicts.map((v) => `${v.component}: ${v.line}`).join('; ');
    void vscode.window.showInformationMessage(`PGO: ${text}`, 'Show Report').then((c) => {
      if (c) void vscode.commands.executeCommand('pgo.showReport', { folder: ws.root, component: def.component });
    });
  }
  return { ...outcome, verdicts };
}
