import * as vscode from 'vscode';
import { formatBytes } from '../core/toolchain/disk-space';
import { profileWarning } from '../core/pipeline/profile-warning';
import type { PgoTaskDefinition } from './pgo-tasks';
import type { PgoWorkspace } from './pgo-workspace';
import type { TaskOutcome } from './task-outcome';
import type { WorkspaceRegistry } from './workspace-registry';

/**
 * One status bar item: the running phase with a spinner (the CLI reports each phase start in
 * last-run.json, which the registry watches), then the last result; the tooltip holds command links.
 */
export class StatusBar implements vscode.Disposable {
  private readonly statusItem = vscode.window.createStatusBarItem('pgo.status', vscode.StatusBarAlignment.Left, 10);
  private active: { ws: PgoWorkspace; def: PgoTaskDefinition } | undefined;
  private readonly sub: vscode.Disposable;

  constructor(private readonly registry: WorkspaceRegistry) {
    this.statusItem.name = 'Rust PGO';
    this.sub = registry.onDidChange(() => this.refresh());
    this.refresh();
  }

  /** What VS Code shows (text, colour, tooltip): the integration tests read it here. */
  get item(): vscode.StatusBarItem {
    return this.statusItem;
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
      this.statusItem.hide();
      return;
    }
    const last = ws.lastRun();
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.isTrusted = { enabledCommands: ['pgo.buildPipeline', 'pgo.showHotFunctions', 'pgo.checkPrerequisites', 'pgo.openConfig', 'workbench.view.extension.pgo'] };
    this.statusItem.backgroundColor = undefined;
    if (this.active) {
      const phase = last?.state === 'running' ? last.phase : undefined;
      this.statusItem.text = `$(sync~spin) PGO: ${phase ?? this.active.def.phase} ${last?.component ?? this.active.def.component ?? ''}`.trimEnd();
      tooltip.appendMarkdown(`**Rust PGO** — running \`pgo ${this.active.def.phase}\`${phase ? `, phase **${phase}**` : ''}\n\nTerminate the task to cancel; the last good profile is kept.`);
      this.statusItem.command = 'workbench.action.tasks.showTasks';
    } else {
      const states = ws.componentStates();
      const withProfile = states.filter((s) => s.meta);
      if (last?.state === 'cancelled') {
        this.statusItem.text = `$(circle-slash) PGO: ${last.phase ?? 'run'} cancelled`;
        tooltip.appendMarkdown(`**Rust PGO** — \`${last.command}\` was cancelled; the last good profile was kept.\n\n`);
      } else if (last?.state === 'failed') {
        this.statusItem.text = `$(error) PGO: ${last.phase ?? 'run'} failed`;
        this.statusItem.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        tooltip.appendMarkdown(`**Rust PGO** — \`${last.command}\` failed${last.phase ? ` in the **${last.phase}** phase` : ''}:\n\n${last.message ?? ''}\n\n${last.fix ? `Fix: ${last.fix}\n\n` : ''}`);
      } else if (withProfile.length > 0) {
        const applied = withProfile.map((s) => s.meta?.applied).filter((a) => a !== undefined);
        // A thin profile is a warning, not a flame: the figures would read as success.
        const thin = withProfile.map((s) => profileWarning(s.meta)).filter((w) => w !== undefined);
        const figures = applied.length > 0 ? `applied ${applied.map((a) => `${a.applied}/${a.instrumented}`).join(', ')}` : `${withProfile.length} profile(s)`;
        this.statusItem.text = thin.length > 0 ? `$(warning) PGO: ${thin.length === 1 ? `thin profile (${thin[0]?.component})` : `${thin.length} thin profiles`} · ${figures}` : `$(flame) PGO: ${figures}`;
        if (thin.length > 0) this.statusItem.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
        tooltip.appendMarkdown('**Rust PGO** profiles\n\n');
        for (const s of withProfile) {
          const m = s.meta!;
          tooltip.appendMarkdown(`- **${s.component.name}**: ${formatBytes(m.sizeBytes)}, ${m.functions} functions${m.applied ? `, applied ${m.applied.applied}/${m.applied.instrumented}` : ''}\n`);
        }
        tooltip.appendMarkdown('\n');
        for (const w of thin) tooltip.appendMarkdown(`$(warning) **${w.component}**: ${w.detail}.\n\nWhat to do: ${w.fix}.\n\n`);
      } else {
        this.statusItem.text = '$(flame) PGO';
        tooltip.appendMarkdown('**Rust PGO** — no profile yet.\n\n');
      }
      tooltip.appendMarkdown('[$(rocket) Build Pipeline](command:pgo.buildPipeline) · [$(flame) Hot Functions](command:pgo.showHotFunctions) · [$(checklist) Check Prerequisites](command:pgo.checkPrerequisites) · [$(go-to-file) pgo.yaml](command:pgo.openConfig)');
      this.statusItem.command = 'workbench.view.extension.pgo';
    }
    this.statusItem.tooltip = tooltip;
    this.statusItem.show();
  }

  dispose(): void {
    this.sub.dispose();
    this.statusItem.dispose();
  }
}
