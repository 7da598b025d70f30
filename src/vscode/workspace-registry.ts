import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { NewestReload } from '../core/util/newest-reload';
import type { EngineWorker } from './engine-worker-client';
import { findCargoRoots, PgoWorkspace } from './pgo-workspace';

const DEBOUNCE_MS = 500;

/**
 * All Cargo workspaces of the open folders, kept current: pgo.yaml / Cargo.toml / settings changes
 * reload the project; changes under the artifact directories (a new profile, a run's progress)
 * only re-read the files. Listeners get one debounced event per burst of changes.
 */
export class WorkspaceRegistry implements vscode.Disposable {
  private list: PgoWorkspace[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private artifactWatchers: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private reloadNeeded = false;
  running = false;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly worker: EngineWorker,
  ) {
    // What the engine context is made of: the manifest, pgo.yaml, and the toolchain pin (rustc).
    const configWatcher = vscode.workspace.createFileSystemWatcher('**/{pgo.yaml,Cargo.toml,rust-toolchain,rust-toolchain.toml}');
    for (const ev of [configWatcher.onDidChange, configWatcher.onDidCreate, configWatcher.onDidDelete]) {
      this.disposables.push(ev(() => this.schedule(true)));
    }
    this.disposables.push(
      configWatcher,
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.schedule(true)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('pgo')) this.schedule(true);
      }),
    );
  }

  get workspaces(): readonly PgoWorkspace[] {
    return this.list;
  }

  /** The workspace a command means: the one containing `fsPath`, else the active editor's, else the first. */
  pick(fsPath?: string): PgoWorkspace | undefined {
    const loaded = this.list.filter((w) => w.project);
    const inside = (p: string, w: PgoWorkspace): boolean => !path.relative(w.root, p).startsWith('..');
    if (fsPath) return this.list.find((w) => w.root === fsPath) ?? this.list.find((w) => inside(fsPath, w));
    const active = vscode.window.activeTextEditor?.document.uri;
    if (active?.scheme === 'file') {
      const w = loaded.find((x) => inside(active.fsPath, x));
      if (w) return w;
    }
    return loaded[0] ?? this.list[0];
  }

  /** Same as pick, once the newest reload has published (commands may run during activation's). */
  async pickLoaded(fsPath?: string): Promise<PgoWorkspace | undefined> {
    await this.whenLoaded();
    return this.pick(fsPath);
  }

  private readonly reloads = new NewestReload();

  /** Resolves when no reload is in flight: the workspaces are the newest loaded. */
  whenLoaded(): Promise<void> {
    return this.reloads.settled();
  }

  /** Load every Cargo workspace again (cargo metadata); activation starts one without waiting. */
  reload(): Promise<void> {
    // Reloads overlap (activation, Refresh, file changes): only the newest may publish its result.
    return this.reloads.run((isNewest) => this.load(isNewest));
  }

  private async load(isNewest: () => boolean): Promise<void> {
    const next: PgoWorkspace[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') continue;
      for (const root of findCargoRoots(folder)) next.push(new PgoWorkspace(folder, root));
    }
    await Promise.all(next.map((w) => w.load(this.worker)));
    if (!isNewest()) return;
    for (const w of next) {
      if (w.error) this.log.warn(`${w.label}: ${w.error}`);
      else this.log.info(`${w.label}: components ${w.project?.components.map((c) => c.name).join(', ')}; artifacts in ${w.project?.artifactRoot}`);
    }
    this.list = next;
    this.watchArtifacts();
    await this.updateContext();
    this.changed.fire();
  }

  /** Re-read what is on disk (profiles, runs) without reloading the projects. */
  async touch(): Promise<void> {
    await this.updateContext();
    this.changed.fire();
  }

  schedule(reload = false): void {
    this.reloadNeeded ||= reload;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const r = this.reloadNeeded;
      this.reloadNeeded = false;
      void (r ? this.reload() : this.touch());
    }, DEBOUNCE_MS);
  }

  async setRunning(running: boolean): Promise<void> {
    this.running = running;
    await vscode.commands.executeCommand('setContext', 'pgo.running', running);
  }

  private watchArtifacts(): void {
    for (const d of this.artifactWatchers) d.dispose();
    this.artifactWatchers = [];
    for (const w of this.list) {
      const root = w.project?.artifactRoot;
      if (!root) continue;
      // Relative to the folder when possible: the artifact dir may not exist yet.
      const rel = path.relative(w.folder.uri.fsPath, root);
      // Only the files the extension reads: cargo's own .json files under the build folders would
      // keep the debounce busy for a whole build.
      const files = '{last-run.json,*/*.profdata,*/*.profdata.json,*/*.profdata.index.json,*/raw/*/run.json,*/instrumented/pgo-build-settings.json}';
      const pattern = rel.startsWith('..')
        ? new vscode.RelativePattern(vscode.Uri.file(root), files)
        : new vscode.RelativePattern(w.folder, `${rel.split(path.sep).join('/')}/${files}`);
      const watcher = vscode.workspace.createFileSystemWatcher(pattern);
      const onChange = (): void => this.schedule(false);
      this.artifactWatchers.push(watcher, watcher.onDidChange(onChange), watcher.onDidCreate(onChange), watcher.onDidDelete(onChange));
    }
  }

  private async updateContext(): Promise<void> {
    const states = this.list.flatMap((w) => w.componentStates());
    const set = (key: string, value: boolean): Thenable<unknown> => vscode.commands.executeCommand('setContext', key, value);
    await Promise.all([
      set('pgo.hasCargoWorkspace', this.list.length > 0),
      set('pgo.hasProfile', states.some((s) => s.profdata)),
      set('pgo.hasInstrumentedBuild', states.some((s) => s.instrumented)),
      set('pgo.hasRawProfiles', states.some((s) => s.hasCompleteRun)),
      set('pgo.hasArtifacts', this.list.some((w) => w.project && fs.existsSync(w.project.artifactRoot))),
    ]);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of [...this.disposables, ...this.artifactWatchers]) d.dispose();
  }
}
