import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatBytes } from '../core/toolchain/disk-space';
import { compactCount, percent } from '../core/report/format';
import type { ComponentState, PgoWorkspace } from './pgo-workspace';
import type { WorkspaceRegistry } from './workspace-registry';
import type { HeatIndex } from './heat-index';
import type { EngineWorker } from './engine-worker-client';
import type { FunctionHeat } from '../core/profile/source-index';
import { hotFunctionsByOrigin, type OriginGroup } from '../core/profile/origin-groups';
import type { BenchResults } from '../core/bench/bench-results';
import type { ChecklistItem } from '../core/bench/checklist';
import { readLatestBenchResults } from '../core/bench/results-store';
import { verdictLine } from '../core/bench/verdict-line';

/** Sidebar: (workspaces →) components → binaries and the profile, with the profile's figures. */
export type PgoNode =
  | { kind: 'workspace'; ws: PgoWorkspace }
  | { kind: 'error'; ws: PgoWorkspace; message: string; line?: number; col?: number; file?: string }
  | { kind: 'component'; ws: PgoWorkspace; state: ComponentState }
  | { kind: 'binary'; ws: PgoWorkspace; state: ComponentState; name: string; optimized?: string }
  | { kind: 'profile'; ws: PgoWorkspace; state: ComponentState }
  | { kind: 'origin'; ws: PgoWorkspace; group: OriginGroup }
  | { kind: 'hot-function'; ws: PgoWorkspace; rank: number; file: string; heat: FunctionHeat }
  | { kind: 'no-profile'; ws: PgoWorkspace; state: ComponentState }
  | { kind: 'verdict'; ws: PgoWorkspace; state: ComponentState; results?: BenchResults }
  | { kind: 'checklist'; ws: PgoWorkspace; state: ComponentState }
  | { kind: 'check'; ws: PgoWorkspace; item: ChecklistItem };

export function age(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

/** The one-line figures a profile node shows. */
export function profileDescription(state: ComponentState, now = Date.now()): string {
  const m = state.meta;
  if (!m) return 'no metadata';
  const parts = [age(m.createdAt, now), formatBytes(m.sizeBytes), `${m.functions} fn`, `total ${compactCount(m.totalCount)}`];
  if (m.applied) parts.push(`applied ${m.applied.applied}/${m.applied.instrumented}`);
  return parts.join(' · ');
}

export class ProfilesTree implements vscode.TreeDataProvider<PgoNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<PgoNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly sub: vscode.Disposable;

  private readonly heatSub: vscode.Disposable;

  constructor(
    private readonly registry: WorkspaceRegistry,
    private readonly heat: HeatIndex,
    private readonly worker: EngineWorker,
  ) {
    this.sub = registry.onDidChange(() => this.emitter.fire(undefined));
    this.heatSub = heat.onDidChange(() => this.emitter.fire(undefined));
  }

  async getChildren(node?: PgoNode): Promise<PgoNode[]> {
    // The registry's projects and the heat index load in the background: show what they found.
    await this.registry.whenLoaded();
    await this.heat.whenLoaded();
    if (!node) {
      const list = this.registry.workspaces;
      // No profile anywhere yet: an empty tree shows the welcome view with its button.
      const anyProfile = list.some((w) => w.componentStates().some((s) => s.profdata));
      const anyError = list.some((w) => w.error);
      if (!anyProfile && !anyError) return [];
      return list.length === 1 && list[0] ? this.workspaceChildren(list[0]) : list.map((ws) => ({ kind: 'workspace', ws }));
    }
    switch (node.kind) {
      case 'workspace':
        return this.workspaceChildren(node.ws);
      case 'component': {
        const s = node.state;
        const children: PgoNode[] = s.component.bins.map((b) => ({
          kind: 'binary',
          ws: node.ws,
          state: s,
          name: b.name,
          // The last optimized build's binaries are recorded with the profile's figures.
          optimized: s.meta?.applied?.optimizedBinaries.find((p) => path.basename(p) === b.name && fs.existsSync(p)),
        }));
        children.push(s.profdata ? { kind: 'profile', ws: node.ws, state: s } : { kind: 'no-profile', ws: node.ws, state: s });
        // "Is it faster?": the latest comparison's verdict, and the tuning checklist (bench/checklist.ts).
        const project = node.ws.project;
        if (project && (s.component.benchmarks.length > 0 || s.profdata)) {
          children.push({ kind: 'verdict', ws: node.ws, state: s, results: readLatestBenchResults(project.artifactRoot, s.component.name) });
          children.push({ kind: 'checklist', ws: node.ws, state: s });
        }
        return children;
      }
      case 'profile': {
        const n = vscode.workspace.getConfiguration('pgo', node.ws.folder.uri).get<number>('sidebar.hotFunctions', 10);
        const loaded = this.heat.indexes.find((i) => i.root === node.ws.root && i.component === node.state.component.name);
        if (!loaded || n <= 0) return [];
        if (loaded.head.origins) {
          // Where the time goes: this workspace first, then each dependency and std, with shares.
          const files: Record<string, FunctionHeat[]> = {};
          for (const { file, heat } of loaded.hottest) (files[file] ??= []).push(heat);
          return hotFunctionsByOrigin({ files, origins: loaded.head.origins, totalCount: loaded.head.totalCount }, n)
            .filter((group) => group.hottest.length > 0)
            .map((group) => ({ kind: 'origin', ws: node.ws, group }));
        }
        return loaded.hottest
          .slice(0, n)
          .map(({ file, heat }, i) => ({ kind: 'hot-function', ws: node.ws, rank: i + 1, file, heat }));
      }
      case 'origin':
        return node.group.hottest.map(({ file, heat }, i) => ({ kind: 'hot-function', ws: node.ws, rank: i + 1, file, heat }));
      case 'checklist': {
        // Computed on expand only, in the engine worker: the freshness check hashes the workspace's sources.
        const project = node.ws.project;
        if (!project) return [];
        return (await this.worker.checklist(project, node.state.component.name)).map((item) => ({ kind: 'check', ws: node.ws, item }));
      }
      default:
        return [];
    }
  }

  private workspaceChildren(ws: PgoWorkspace): PgoNode[] {
    if (ws.error) {
      if (ws.problems.length > 0) return ws.problems.map((p) => ({ kind: 'error', ws, message: p.message, line: p.line, col: p.col, file: p.file }));
      return [{ kind: 'error', ws, message: ws.error }];
    }
    return ws.componentStates().map((state) => ({ kind: 'component', ws, state }));
  }

  getTreeItem(node: PgoNode): vscode.TreeItem {
    switch (node.kind) {
      case 'workspace': {
        const item = new vscode.TreeItem(node.ws.label, vscode.TreeItemCollapsibleState.Expanded);
        item.iconPath = new vscode.ThemeIcon('root-folder');
        item.tooltip = node.ws.root;
        return item;
      }
      case 'error': {
        const item = new vscode.TreeItem(node.line ? `pgo.yaml:${node.line}:${node.col}` : 'cannot load the workspace', vscode.TreeItemCollapsibleState.None);
        item.description = node.message;
        item.tooltip = node.message;
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
        if (node.file) {
          const pos = new vscode.Position(Math.max(0, (node.line ?? 1) - 1), Math.max(0, (node.col ?? 1) - 1));
          item.command = { title: 'Open', command: 'vscode.open', arguments: [vscode.Uri.file(node.file), { selection: new vscode.Range(pos, pos) }] };
        }
        return item;
      }
      case 'component': {
        const c = node.state.component;
        const item = new vscode.TreeItem(c.name, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `${node.ws.root}#${c.name}`;
        item.description = c.description ?? c.packages.join(', ');
        item.iconPath = new vscode.ThemeIcon('package');
        item.contextValue = node.state.profdata ? 'pgo.component.profiled' : 'pgo.component';
        item.tooltip = new vscode.MarkdownString(
          `**${c.name}**${c.description ? ` — ${c.description}` : ''}\n\npackages: ${c.packages.map((p) => `\`${p}\``).join(', ')}\n\nworkload: ${c.workloads.map((w) => `\`${w.command.join(' ')}\``).join('; ')}${c.usesDefaultWorkload ? ' (default)' : ''}`,
        );
        return item;
      }
      case 'binary': {
        const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon(node.optimized ? 'rocket' : 'file-binary');
        item.description = node.optimized ? 'PGO-optimized' : 'not optimized yet';
        item.tooltip = node.optimized ?? `Run the pipeline to build a PGO-optimized ${node.name}.`;
        item.contextValue = 'pgo.binary';
        return item;
      }
      case 'profile': {
        const s = node.state;
        const m = s.meta;
        const hasIndex = this.heat.indexes.some((i) => i.root === node.ws.root && i.component === s.component.name);
        const item = new vscode.TreeItem(path.basename(s.profdata ?? ''), hasIndex ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.id = `${node.ws.root}#${s.component.name}#profile`;
        item.description = s.problem ? `unreadable — ${s.problem.message.replace(`${s.profdata} `, '')}` : profileDescription(s);
        item.iconPath = s.problem
          ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'))
          : new vscode.ThemeIcon('flame', new vscode.ThemeColor('pgo.profileIconForeground'));
        item.contextValue = 'pgo.profile';
        item.resourceUri = s.profdata ? vscode.Uri.file(s.profdata) : undefined;
        item.command = { title: 'Show Hot Functions', command: 'pgo.showHotFunctions', arguments: [{ folder: node.ws.root, component: s.component.name }] };
        const md = new vscode.MarkdownString(`**${s.component.name}** profile\n\n`);
        if (s.problem) md.appendMarkdown(`⚠ ${s.problem.message}. Fix: ${s.problem.fix}\n\n`);
        if (m) {
          md.appendMarkdown(
            [
              `| | |`,
              `|---|---|`,
              `| recorded | ${new Date(m.createdAt).toLocaleString()} (${age(m.createdAt)}) |`,
              `| size | ${formatBytes(m.sizeBytes)} |`,
              `| functions | ${m.functions} |`,
              `| total count | ${m.totalCount.toLocaleString('en-US')} |`,
              `| workload | ${m.workload.commands.map((c) => c.name).join(', ')}${m.workload.size !== undefined ? ` (size ${m.workload.size})` : ''} |`,
              `| toolchain | ${m.toolchain.rustc}, LLVM ${m.toolchain.llvm} |`,
              `| llvm-profdata | ${m.llvmProfdata.version} |`,
              `| git | ${m.git.commit ? `${m.git.commit.slice(0, 10)}${m.git.dirty ? ' (dirty)' : ''}` : '—'} |`,
              m.applied
                ? `| applied | ${m.applied.applied} of ${m.applied.instrumented} instrumented functions; ${percent(m.applied.usableShare)} of the counts usable |`
                : '| applied | not measured yet (run the optimized build) |',
            ].join('\n'),
          );
        }
        item.tooltip = md;
        return item;
      }
      case 'origin': {
        const g = node.group;
        const item = new vscode.TreeItem(g.label, g.kind === 'workspace' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
        item.description = `${percent(g.share)} of the profile · ${g.functions} fn`;
        item.iconPath = new vscode.ThemeIcon(g.kind === 'workspace' ? 'home' : g.kind === 'std' ? 'library' : 'package');
        item.tooltip = `${g.label}${g.crates.length > 1 ? ` (${g.crates.join(', ')})` : ''}: ${percent(g.share)} of the profile's total count, ${g.functions} profiled functions`;
        item.contextValue = 'pgo.origin';
        return item;
      }
      case 'hot-function': {
        const h = node.heat;
        const item = new vscode.TreeItem(h.display, vscode.TreeItemCollapsibleState.None);
        item.description = `${percent(h.share)} · ${path.basename(node.file)}:${h.line}`;
        item.iconPath = new vscode.ThemeIcon(h.tier === 'cold' ? 'symbol-function' : 'flame', new vscode.ThemeColor(h.tier === 'hot' ? 'pgo.hotForeground' : h.tier === 'warm' ? 'pgo.warmForeground' : 'foreground'));
        item.tooltip = `#${node.rank} ${h.display}\n${h.tier}, ${percent(h.share)} of the profile, hottest block ${h.max.toLocaleString('en-US')}\n${node.file}:${h.line}`;
        item.contextValue = 'pgo.hotFunction';
        item.command = { title: 'Go to Function', command: 'pgo.goToFunction', arguments: [{ file: node.file, line: h.line }] };
        return item;
      }
      case 'verdict': {
        const r = node.results;
        const c = node.state.component.name;
        const item = new vscode.TreeItem(r ? verdictLine(r) : 'not compared yet', vscode.TreeItemCollapsibleState.None);
        item.id = `${node.ws.root}#${c}#verdict`;
        item.contextValue = r ? 'pgo.verdict' : 'pgo.verdict.none';
        if (r) {
          const good = r.recommendation.variant !== 'release' && !r.benchmarks.some((b) => !b.outputCheck.agreed);
          item.description = `${r.rounds} rounds · ${age(r.finishedAt)}`;
          item.iconPath = new vscode.ThemeIcon(good ? 'pass' : 'dash', new vscode.ThemeColor(good ? 'charts.green' : 'descriptionForeground'));
          item.tooltip = new vscode.MarkdownString().appendText(r.recommendation.reason);
          item.command = { title: 'Show Report', command: 'pgo.showReport', arguments: [{ folder: node.ws.root, component: c }] };
        } else {
          item.description = node.state.component.benchmarks.length > 0 ? 'Compare Builds' : 'add benchmarks to pgo.yaml';
          item.iconPath = new vscode.ThemeIcon('dashboard');
          if (node.state.component.benchmarks.length > 0) item.command = { title: 'Compare Builds', command: 'pgo.compareBuilds', arguments: [{ folder: node.ws.root, component: c }] };
        }
        return item;
      }
      case 'checklist': {
        const item = new vscode.TreeItem('tuning checklist', vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `${node.ws.root}#${node.state.component.name}#checklist`;
        item.iconPath = new vscode.ThemeIcon('checklist');
        return item;
      }
      case 'check': {
        const i = node.item;
        const item = new vscode.TreeItem(i.title, vscode.TreeItemCollapsibleState.None);
        item.description = i.detail;
        item.tooltip = `${i.title}\n${i.detail}${i.fix && i.state !== 'done' ? `\nNext: ${i.fix}` : ''}`;
        const icon = { done: ['pass', 'charts.green'], warn: ['warning', 'problemsWarningIcon.foreground'], fail: ['error', 'problemsErrorIcon.foreground'], todo: ['circle-large-outline', 'descriptionForeground'], unknown: ['question', 'descriptionForeground'] }[i.state];
        item.iconPath = new vscode.ThemeIcon(icon[0] ?? 'circle-large-outline', new vscode.ThemeColor(icon[1] ?? 'foreground'));
        item.contextValue = `pgo.check.${i.state}`;
        return item;
      }
      case 'no-profile': {
        const item = new vscode.TreeItem('no profile yet', vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('circle-slash');
        item.description = 'run the pipeline';
        item.command = { title: 'Build Pipeline', command: 'pgo.buildPipeline', arguments: [{ folder: node.ws.root, component: node.state.component.name }] };
        return item;
      }
    }
  }

  dispose(): void {
    this.sub.dispose();
    this.heatSub.dispose();
    this.emitter.dispose();
  }
}
