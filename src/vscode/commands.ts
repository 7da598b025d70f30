import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { starterConfig } from '../core/config/starter-config';
import { CONFIG_FILE_NAME } from '../core/config/config-schema';
import { errorMessage } from '../core/errors';
import { archive, restore } from '../core/commands/archive';
import { isMissing, showProfiles } from '../core/commands/show-profile';
import type { EngineContext } from '../core/pipeline/engine-context';
import type { RankedFunction } from '../core/profile/hot-functions';
import { missingSourceMessage } from '../core/profile/source-origin';
import { formatHotTable, percent } from '../core/report/format';
import type { DoctorReport } from '../core/toolchain/doctor';
import { loadCargoWorkspace } from '../core/workspace/cargo-workspace';
import { doctorMarkdown, type ReportDocuments } from './doctor-report';
import { TASK_TYPE, type TaskPhase } from './pgo-tasks';
import type { PgoWorkspace } from './pgo-workspace';
import { readSettings, toOverrides } from './settings';
import type { TaskOutcome, TaskRunner } from './task-runner';
import type { WorkspaceRegistry } from './workspace-registry';
import type { PgoNode } from './profiles-tree';
import { functionDetailMarkdown } from './function-detail';
import type { HeatIndex } from './heat-index';
import type { HotPathAnnotations } from './hot-path-annotations';
import { compareBuilds, type CompareOutcome } from './compare-builds';
import { ProfileComparer, type CompareProfilesArgs, type CompareProfilesResult } from './compare-profiles';
import type { ReportPanel } from './report-panel';
import type { EngineWorker } from './engine-worker-client';
import { ConfigWriters, type CreateWorkloadArgs } from './config-writers';
import { WALKTHROUGH_ID, type WalkthroughContext } from './walkthrough-context';

/**
 * Every command takes an optional argument object, so tests and keybindings can run it without
 * prompts: `{ folder, component, size, confirmed }`. Tree context menus pass their node instead.
 */
export interface CommandArgs {
  /** A Cargo workspace root (or any path inside one). */
  folder?: string;
  component?: string;
  size?: number;
  /** Skip the confirmation of Clean / Delete Profile. */
  confirmed?: boolean;
  /** Merge Profiles: leave out unreadable raw profiles. */
  skipCorrupt?: boolean;
  /** Archive Profiles: where to write; Restore Profiles: what to read. */
  file?: string;
  /** Compare Builds: measured rounds (default: adaptive). */
  runs?: number;
}

export interface CommandDeps {
  registry: WorkspaceRegistry;
  runner: TaskRunner;
  reports: ReportDocuments;
  log: vscode.LogOutputChannel;
  heat: HeatIndex;
  annotations: HotPathAnnotations;
  reportPanel: ReportPanel;
  worker: EngineWorker;
  walkthrough: WalkthroughContext;
}

/** Arguments of the function-level commands (from a CodeLens or a sidebar item). */
export interface FunctionArgs {
  file: string;
  line: number;
  display?: string;
}

/** What Go to Function showed: the editor (read-only outside the workspace), or why it could not. */
export type GoToResult = { shown: 'editor'; file: string; line: number; readonly: boolean } | { shown: 'message'; message: string };

function argsOf(arg: unknown): CommandArgs {
  if (!arg || typeof arg !== 'object') return {};
  const node = arg as Partial<PgoNode> & CommandArgs;
  if (node.kind && node.ws) {
    const component = 'state' in node && node.state ? node.state.component.name : undefined;
    return { folder: node.ws.root, component };
  }
  return node;
}

export class Commands {
  private readonly comparer: ProfileComparer;
  private readonly writers: ConfigWriters;

  constructor(private readonly d: CommandDeps) {
    this.comparer = new ProfileComparer(d.worker);
    this.writers = new ConfigWriters(d.registry, d.log);
  }

  register(): vscode.Disposable[] {
    const cmds: Record<string, (arg?: unknown) => Promise<unknown>> = {
      'pgo.buildPipeline': (a) => this.runPhase('pipeline', argsOf(a)),
      'pgo.runComponentPipeline': (a) => this.runPhase('pipeline', argsOf(a)),
      'pgo.instrument': (a) => this.runPhase('instrument', argsOf(a)),
      'pgo.runWorkload': (a) => this.runPhase('workload', argsOf(a)),
      'pgo.mergeProfiles': (a) => this.runPhase('merge', argsOf(a)),
      'pgo.optimizedBuild': (a) => this.runPhase('optimize', argsOf(a)),
      'pgo.checkPrerequisites': (a) => this.checkPrerequisites(argsOf(a)),
      'pgo.clean': (a) => this.clean(argsOf(a)),
      'pgo.showHotFunctions': (a) => this.showHotFunctions(argsOf(a)),
      'pgo.openConfig': (a) => this.openConfig(argsOf(a)),
      'pgo.refresh': () => this.d.registry.reload(),
      'pgo.revealProfile': (a) => this.revealProfile(argsOf(a)),
      'pgo.deleteProfile': (a) => this.deleteProfile(argsOf(a)),
      'pgo.showOutput': async () => this.d.log.show(),
      'pgo.archiveProfiles': (a) => this.archive(argsOf(a)),
      'pgo.restoreProfiles': (a) => this.restore(argsOf(a)),
      'pgo.toggleDecorations': () => this.d.annotations.setVisible(!this.d.annotations.annotationsVisible),
      'pgo.clearAnnotations': () => this.d.annotations.setVisible(false),
      'pgo.showFunctionDetail': (a) => this.showFunctionDetail(a as FunctionArgs),
      'pgo.goToFunction': (a) => this.goToLocation(a as FunctionArgs),
      'pgo.compareBuilds': (a) => this.compareBuilds(argsOf(a)),
      'pgo.showReport': (a) => this.showReport(argsOf(a)),
      'pgo.compareProfiles': (a) => this.compareProfiles(a),
      'pgo.createWorkload': (a) => this.writers.createWorkload(argsOf(a) as CreateWorkloadArgs),
      'pgo.addTasks': (a) => this.writers.addTasks(argsOf(a)),
      'pgo.getStarted': async () => {
        await vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false);
        await this.d.walkthrough.markShown();
      },
    };
    const registered = Object.entries(cmds).map(([id, fn]) =>
      vscode.commands.registerCommand(id, async (arg?: unknown) => {
        try {
          return await fn(arg);
        } catch (e) {
          this.d.log.error(`${id}: ${errorMessage(e)}`);
          void vscode.window.showErrorMessage(`PGO: ${errorMessage(e).replace(/\nFix: /, ' — Fix: ')}`, 'Show Output').then((c) => {
            if (c) this.d.log.show();
          });
          return undefined;
        }
      }),
    );
    return [...registered, this.comparer];
  }

  /** PGO: Compare Profiles (compare-profiles.ts); a sidebar node passes its component. */
  private async compareProfiles(arg: unknown): Promise<CompareProfilesResult | undefined> {
    const args: CommandArgs & CompareProfilesArgs = argsOf(arg); // an argument object passes through whole
    const ws = await this.workspace(args);
    if (!ws) return undefined;
    return this.comparer.run(ws, args);
  }

  /** The workspace to act on, loaded, with its engine context; an error message that says what to do otherwise. */
  private async workspace(args: CommandArgs): Promise<(PgoWorkspace & { engine: EngineContext }) | undefined> {
    const ws = await this.d.registry.pickLoaded(args.folder);
    if (!ws) {
      void vscode.window.showErrorMessage('PGO: no Cargo workspace is open. Open a folder that contains a Cargo.toml.');
      return undefined;
    }
    if (!ws.engine) {
      void vscode.window.showErrorMessage(`PGO: ${ws.label} cannot be used: ${ws.error ?? 'not loaded'}`, 'Open pgo.yaml').then((c) => {
        if (c) void this.openConfig({ folder: ws.root });
      });
      return undefined;
    }
    return ws as PgoWorkspace & { engine: EngineContext };
  }

  private async pickComponent(ws: PgoWorkspace, args: CommandArgs, allowAll: boolean): Promise<string | undefined> {
    const comps = ws.project?.components ?? [];
    if (args.component) return args.component;
    if (comps.length === 1) return comps[0]?.name;
    const preferred = readSettings(ws.folder.uri).defaultComponent ?? ws.defaultComponent();
    const items: (vscode.QuickPickItem & { value: string })[] = comps.map((c) => ({
      label: c.name,
      value: c.name,
      description: c.name === preferred ? 'default' : c.packages.join(', '),
      detail: c.description,
    }));
    items.sort((a, b) => Number(b.value === preferred) - Number(a.value === preferred));
    if (allowAll) items.push({ label: 'all', value: 'all', description: `every component: ${comps.map((c) => c.name).join(', ')}` });
    const pick = await vscode.window.showQuickPick(items, { title: 'PGO: component', placeHolder: 'Which component?' });
    return pick?.value;
  }

  private async pickSize(ws: PgoWorkspace, component: string, args: CommandArgs): Promise<number | undefined | null> {
    if (args.size !== undefined) return args.size;
    const comps = component === 'all' ? (ws.project?.components ?? []) : (ws.project?.components.filter((c) => c.name === component) ?? []);
    const usesSize = comps.some((c) => c.workloads.some((w) => w.command.some((a) => a.includes('{size}'))));
    if (!usesSize) return undefined;
    const dflt = comps.length === 1 ? comps[0]?.defaultSize : undefined;
    const input = await vscode.window.showInputBox({
      title: `PGO: workload size for ${component}`,
      prompt: 'Replaces {size} in the workload commands of pgo.yaml.',
      value: dflt !== undefined ? String(dflt) : '',
      placeHolder: comps.length > 1 ? "empty: each component's defaultSize" : undefined,
      validateInput: (v) => (v.trim() === '' || (/^\d+$/.test(v.trim()) && Number(v) >= 1) ? undefined : 'a whole number ≥ 1'),
    });
    if (input === undefined) return null; // Escape: cancel the command
    return input.trim() === '' ? undefined : Number(input);
  }

  private async runPhase(phase: TaskPhase, args: CommandArgs): Promise<TaskOutcome | undefined> {
    const ws = await this.workspace(args);
    if (!ws) return undefined;
    const component = await this.pickComponent(ws, args, phase === 'pipeline');
    if (!component) return undefined;
    let size: number | undefined;
    if (phase === 'pipeline' || phase === 'workload') {
      const s = await this.pickSize(ws, component, args);
      if (s === null) return undefined;
      size = s;
    }
    const outcome = await this.d.runner.run(ws, { type: TASK_TYPE, phase, component, size, skipCorrupt: args.skipCorrupt });
    if (outcome.exitCode === 0 && (phase === 'pipeline' || phase === 'optimize')) {
      const applied = ws
        .componentStates()
        .filter((s) => component === 'all' || s.component.name === component)
        .map((s) => (s.meta?.applied ? `${s.component.name}: applied to ${s.meta.applied.applied}/${s.meta.applied.instrumented} functions, ${percent(s.meta.applied.usableShare)} of counts usable` : undefined))
        .filter(Boolean);
      void vscode.window.showInformationMessage(`PGO: optimized build ready. ${applied.join('; ')}`, 'Show Hot Functions').then((c) => {
        if (c) void vscode.commands.executeCommand('pgo.showHotFunctions', { folder: ws.root, component: component === 'all' ? undefined : component });
      });
    }
    return outcome;
  }

  /** `pgo bench` as a task, with progress and cancellation (compare-builds.ts). */
  private async compareBuilds(args: CommandArgs): Promise<CompareOutcome | undefined> {
    const ws = await this.workspace(args);
    if (!ws) return undefined;
    const component = await this.pickComponent(ws, args, true);
    if (!component) return undefined;
    let runs = args.runs;
    if (runs === undefined) {
      const pick = await vscode.window.showQuickPick(
        [
          { label: 'Adaptive', description: 'until every speedup is known within a few percent, or the time budget is spent', runs: undefined },
          { label: '3 rounds', description: 'a first look: no verdict is likely on a noisy machine', runs: 3 },
          { label: '10 rounds', runs: 10 },
          { label: '30 rounds', description: 'small differences on a noisy machine', runs: 30 },
        ],
        { title: 'PGO: how many measured rounds?', placeHolder: 'Each round runs every variant once, in a shuffled order' },
      );
      if (!pick) return undefined;
      runs = pick.runs;
    }
    return compareBuilds(this.d.runner, ws, { type: TASK_TYPE, phase: 'bench', component, runs });
  }

  private async showReport(args: CommandArgs): Promise<string | undefined> {
    const ws = await this.workspace(args);
    if (!ws) return undefined;
    const component = await this.pickComponent(ws, args, true);
    if (!component) return undefined;
    return (await this.d.reportPanel.show(ws, component)).title;
  }

  private async checkPrerequisites(args: CommandArgs): Promise<DoctorReport | undefined> {
    const ws = await this.d.registry.pickLoaded(args.folder);
    if (!ws) {
      void vscode.window.showErrorMessage('PGO: no Cargo workspace is open.');
      return undefined;
    }
    // The core's checkPrerequisites, in the engine worker: it starts a dozen processes.
    const report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'PGO: checking prerequisites…' }, () =>
      this.d.worker.doctor(ws.root, toOverrides(readSettings(ws.folder.uri))),
    );
    for (const c of report.checks) this.d.log.info(`doctor: ${c.status} ${c.title}: ${c.message}${c.fix ? ` (fix: ${c.fix})` : ''}`);
    await this.d.walkthrough.recordDoctor(ws.root, report);
    await this.d.reports.show('PGO Prerequisites', doctorMarkdown(report, ws.label));
    const failing = report.checks.filter((c) => c.status === 'fail');
    if (failing.length > 0) void vscode.window.showWarningMessage(`PGO: not ready — ${failing.map((c) => c.title).join(', ')}. The report lists each fix.`);
    return report;
  }

  private async clean(args: CommandArgs): Promise<string[] | undefined> {
    const ws = await this.workspace(args);
    if (!ws) return undefined;
    const target = args.component && args.component !== 'all' ? `the "${args.component}" PGO data` : 'all PGO data';
    if (!args.confirmed) {
      const ok = await vscode.window.showWarningMessage(
        `Delete ${target} (profiles, raw profiles, instrumented and optimized builds) in ${ws.engine.project.artifactRoot}?`,
        { modal: true, detail: 'Your own target/ builds are not touched.' },
        'Delete',
      );
      if (ok !== 'Delete') return undefined;
    }
    const removed = await this.d.worker.clean(ws.engine, args.component); // core clean, in the engine worker
    this.d.log.info(`clean: removed ${removed.join(', ') || 'nothing'}`);
    await this.d.registry.touch();
    void vscode.window.showInformationMessage(removed.length > 0 ? `PGO: removed ${removed.length} folder(s) of PGO data.` : 'PGO: nothing to clean.');
    return removed;
  }

  private async archive(args: CommandArgs): Promise<string | undefined> {
    const ws = await this.workspace(args);
    if (!ws) return undefined;
    const { file, entries } = await archive(ws.engine, args.file);
    this.d.log.info(`archived ${entries.join(', ')} into ${file}`);
    await this.d.registry.touch(); // the walkthrough's archive step
    void vscode.window.showInformationMessage(`PGO: profiles archived in ${path.basename(file)} (${entries.length} files).`);
    return file;
  }

  private async restore(args: CommandArgs): Promise<string[] | undefined> {
    const ws = await this.workspace(args);
    if (!ws) return undefined;
    let file = args.file;
    if (!file) {
      const picked = await vscode.window.showOpenDialog({
        title: 'PGO: restore profiles from an archive',
        defaultUri: vscode.Uri.file(ws.root),
        filters: { 'Profile archives': ['gz', 'tgz'] },
        canSelectMany: false,
      });
      file = picked?.[0]?.fsPath;
      if (!file) return undefined;
    }
    const written = await restore(ws.engine, file, ws.root);
    this.d.log.info(`restored ${written.join(', ')}`);
    await this.d.registry.touch();
    void vscode.window.showInformationMessage(`PGO: restored ${written.length} file(s) from ${path.basename(file)}.`);
    return written;
  }

  private async deleteProfile(args: CommandArgs): Promise<string[] | undefined> {
    const ws = await this.workspace(args);
    if (!ws) return undefined;
    const component = await this.pickComponent(ws, args, false);
    if (!component) return undefined;
    if (!args.confirmed) {
      const ok = await vscode.window.showWarningMessage(`Delete the "${component}" profile and its metadata?`, { modal: true }, 'Delete');
      if (ok !== 'Delete') return undefined;
    }
    const removed = await this.d.worker.deleteProfile(ws.engine, component); // core delete-profile, in the engine worker
    await this.d.registry.touch();
    return removed;
  }

  private async revealProfile(args: CommandArgs): Promise<void> {
    const ws = await this.workspace(args);
    const component = ws ? await this.pickComponent(ws, args, false) : undefined;
    const file = ws && component ? ws.layout?.profdata(component) : undefined;
    if (!file || !fs.existsSync(file)) {
      void vscode.window.showInformationMessage('PGO: that component has no profile yet.');
      return;
    }
    // revealFileInOS needs a desktop; in a browser or remote window, reveal it in the Explorer.
    const desktop = vscode.env.uiKind === vscode.UIKind.Desktop && !vscode.env.remoteName;
    await vscode.commands.executeCommand(desktop ? 'revealFileInOS' : 'revealInExplorer', vscode.Uri.file(file));
  }

  private async openConfig(args: CommandArgs): Promise<vscode.Uri | undefined> {
    const ws = await this.d.registry.pickLoaded(args.folder);
    if (!ws) {
      void vscode.window.showErrorMessage('PGO: no Cargo workspace is open.');
      return undefined;
    }
    const file = path.join(ws.root, CONFIG_FILE_NAME);
    if (!fs.existsSync(file)) {
      const cargo = ws.project?.workspace ?? (await loadCargoWorkspace(ws.root));
      fs.writeFileSync(file, starterConfig(cargo), { flag: 'wx' });
      this.d.log.info(`created ${file}`);
    }
    const uri = vscode.Uri.file(file);
    await vscode.window.showTextDocument(uri);
    return uri;
  }

  private async showHotFunctions(args: CommandArgs): Promise<RankedFunction[] | undefined> {
    const ws = await this.workspace(args);
    if (!ws) return undefined;
    const withProfile = ws.componentStates().filter((s) => s.profdata);
    if (withProfile.length === 0) {
      const c = await vscode.window.showInformationMessage('PGO: no profile yet.', 'Build Pipeline');
      if (c) await vscode.commands.executeCommand('pgo.buildPipeline', { folder: ws.root });
      return undefined;
    }
    const component =
      args.component ??
      (withProfile.length === 1
        ? withProfile[0]?.component.name
        : (await vscode.window.showQuickPick(withProfile.map((s) => s.component.name), { title: 'PGO: hot functions of which profile?' })));
    const state = withProfile.find((s) => s.component.name === component);
    if (!state?.profdata) return undefined;
    const profdata = state.profdata;
    // The same core command as `pgo show`; the profile is read in the engine worker, off this loop.
    const [shown] = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'PGO: reading the profile' }, async () => {
      await this.d.worker.resolveTools(ws.engine); // rustc and llvm-profdata, once per workspace
      return showProfiles(ws.engine, [state.component], { top: 50, read: (llvm, file, top, signal) => this.d.worker.hotFunctions(llvm, file, top, signal) });
    });
    if (!shown || isMissing(shown)) return undefined; // deleted meanwhile
    const { hottest: rows, totalCount: total } = shown;
    this.d.log.info(`hot functions of ${profdata}:\n${formatHotTable(rows, total)}`);
    // Shown, not awaited: the command returns the rows (for callers and tests) while the list is open.
    const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { row: RankedFunction }>();
    pick.title = `PGO: hottest functions of ${component}`;
    pick.placeholder = 'Jump to a function (its location comes from rust-analyzer)';
    pick.matchOnDescription = true;
    pick.items = rows.map((r, i) => ({
      label: r.display,
      description: `${percent(total ? r.sum / total : 0)} · ${r.sum.toLocaleString('en-US')}`,
      detail: `#${i + 1} · hottest block ${r.max.toLocaleString('en-US')}`,
      row: r,
    }));
    pick.onDidAccept(() => {
      const chosen = pick.selectedItems[0];
      pick.hide();
      if (chosen) void this.goToFunction(chosen.row);
    });
    pick.onDidHide(() => pick.dispose());
    pick.show();
    return rows;
  }

  private async showFunctionDetail(args: FunctionArgs | undefined): Promise<string | undefined> {
    if (!args?.file) return undefined;
    for (const entry of this.d.heat.forFile(args.file)) {
      const heat = entry.heats.find((h) => h.line === args.line);
      if (!heat) continue;
      const md = functionDetailMarkdown(heat, entry.component);
      await this.d.reports.show(`PGO ${heat.display.replace(/[^\w:]+/g, '_').slice(0, 80)}`, md);
      return md;
    }
    void vscode.window.showInformationMessage('PGO: no profile data for that function any more (the profile changed).');
    return undefined;
  }

  /**
   * Open a function's `fn` line from the source index (a sidebar hot-function item). A file outside
   * the workspace (a dependency in the registry cache or a path dependency elsewhere, std in
   * rust-src) opens read-only for the session: an edit there would not be the dependency's source
   * any more, and the profile's lens would go stale. Returns what the user was shown (for tests).
   */
  private async goToLocation(args: FunctionArgs | undefined): Promise<GoToResult | undefined> {
    if (!args?.file) return undefined;
    const missing = missingSourceMessage(args.file, fs.existsSync(args.file));
    if (missing) {
      void vscode.window.showInformationMessage(`PGO: ${missing}`);
      return { shown: 'message', message: missing };
    }
    const uri = vscode.Uri.file(args.file);
    const pos = new vscode.Position(Math.max(0, args.line - 1), 0);
    const editor = await vscode.window.showTextDocument(uri, { selection: new vscode.Range(pos, pos) });
    const readonly = vscode.workspace.getWorkspaceFolder(uri) === undefined;
    // The command acts on the active editor: the one just shown.
    if (readonly && vscode.window.activeTextEditor === editor) await vscode.commands.executeCommand('workbench.action.files.setActiveEditorReadonlyInSession');
    return { shown: 'editor', file: args.file, line: args.line, readonly };
  }

  /** Find a function's definition: the source index, else the workspace symbol provider (rust-analyzer). */
  private async goToFunction(row: RankedFunction): Promise<void> {
    // The profile's own source index knows the exact `fn` line; symbols are the fallback.
    const known = this.d.heat.findRecord(row.name);
    if (known) {
      await this.goToLocation(known);
      return;
    }
    const plain = row.display.replace(/<[^<>]*>/g, '').replace(/<[^<>]*>/g, '');
    const segments = plain.split('::').filter(Boolean);
    const name = segments.at(-1) ?? plain;
    const symbols = (await vscode.commands.executeCommand<vscode.SymbolInformation[]>('vscode.executeWorkspaceSymbolProvider', name)) ?? [];
    const parent = segments.at(-2);
    const match = symbols.find((s) => s.name === name && (!parent || s.containerName?.includes(parent))) ?? symbols.find((s) => s.name === name);
    if (!match) {
      void vscode.window.showInformationMessage(`PGO: no source location for ${row.display} (is rust-analyzer running?).`);
      return;
    }
    await vscode.window.showTextDocument(match.location.uri, { selection: match.location.range });
  }
}
