import * as vscode from 'vscode';
import { formatBytes } from '../core/toolchain/disk-space';
import type { PgoTaskDefinition } from './pgo-tasks';
import type { PgoWorkspace } from './pgo-workspace';
import type { TaskOutcome } from './task-outcome';
import type { WorkspaceRegistry } from './workspace-registry';

/**
 * One status bar item: the running phase with a spinner (the CLI reports each phase start in
 * last-run.json, which the registry watches), then the last result; the tooltip holds command links.
 */
export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('pgo.status', vscode.StatusBarAlignment.Left, 10);
  private active: { ws: PgoWorkspace; def: PgoTaskDefinition } | undefined;
  private readonly sub: vscode.Disposable;

  constructor(private readonly registry: WorkspaceRegistry) {
    this.item.name = 'Rust PGO';
    this.sub = registry.onDidChange(() => this.refresh());
    this.refresh();
  }

  running(ws: PgoWorkspace, def: PgoTaskDefinition): void {
    this.active = { ws, def };
    this.refresh();
  }

  finished(_ws: PgoWorkspace, _def: PgoTaskDefinition, _o: TaskOutcome): void {
    this.active = undefined;
    this.refresh();
  }

  private refresh(): void {
    const ws = this.active?.ws ?? this.registry.pick();
    if (!ws?.project) {
      this.item.hide();
      return;
    }
    const last = ws.lastRun();
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.isTrusted = { enabledCommands: ['pgo.buildPipeline', 'pgo.showHotFunctions', 'pgo.checkPrerequisites', 'pgo.openConfig', 'workbench.view.extension.pgo'] };
    this.item.backgroundColor = undefined;
    if (this.active) {
      const phase = last?.state === 'running' ? last.phase : undefined;
      this.item.text = `$(sync~spin) PGO: ${phase ?? this.active.def.phase} ${last?.component ?? this.active.def.component ?? ''}`.trimEnd();
      tooltip.appendMarkdown(`**Rust PGO** — running \`pgo ${this.active.def.phase}\`${phase ? `, phase **${phase}**` : ''}\n\nTerminate the task to cancel; the last good profile is kept.`);
      this.item.command = 'workbench.action.tasks.showTasks';
    } else {
      const states = ws.componentStates();
      const withProfile = states.filter((s) => s.meta);
      if (last?.state === 'cancelled') {
        this.item.text = `$(circle-slash) PGO: ${last.phase ?? 'run'} cancelled`;
        tooltip.appendMarkdown(`**Rust PGO** — \`${last.command}\` was cancelled; the last good profile was kept.\n\n`);
      } else if (last?.state === 'failed') {
        this.item.text = `$(error) PGO: ${last.phase ?? 'run'} failed`;
        this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        tooltip.appendMarkdown(`**Rust PGO** — \`${last.command}\` failed${last.phase ? ` in the **${last.phase}** phase` : ''}:\n\n${last.message ?? ''}\n\n${last.fix ? `Fix: ${last.fix}\n\n` : ''}`);
      } else if (withProfile.length > 0) {
        const applied = withProfile.map((s) => s.meta?.applied).filter((a) => a !== undefined);
        this.item.text = applied.length > 0 ? `$(flame) PGO: applied ${applied.map((a) => `${a.applied}/${a.instrumented}`).join(', ')}` : `$(flame) PGO: ${withProfile.length} profile(s)`;
        tooltip.appendMarkdown('**Rust PGO** profiles\n\n');
        for (const s of withProfile) {
          const m = s.meta!;
          tooltip.appendMarkdown(`- **${s.component.name}**: ${formatBytes(m.sizeBytes)}, ${m.functions} functions${m.applied ? `, applied ${m.applied.applied}/${m.applied.instrumented}` : ''}\n`);
        }
        tooltip.appendMarkdown('\n');
      } else {
        this.item.text = '$(flame) PGO';
        tooltip.appendMarkdown('**Rust PGO** — no profile yet.\n\n');
      }
      tooltip.appendMarkdown('[$(rocket) Build Pipeline](command:pgo.buildPipeline) · [$(flame) Hot Functions](command:pgo.showHotFunctions) · [$(checklist) Check Prerequisites](command:pgo.checkPrerequisites) · [$(go-to-file) pgo.yaml](command:pgo.openConfig)');
      this.item.command = 'workbench.view.extension.pgo';
    }
    this.item.tooltip = tooltip;
    this.item.show();
  }

  dispose(): void {
    this.sub.dispose();
    this.item.dispose();
  }
}
