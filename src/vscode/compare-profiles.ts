import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ProfileComparison, ProfileSource } from '../core/commands/compare-profiles';
import { ExitCode, PgoError } from '../core/errors';
import type { EngineContext } from '../core/pipeline/engine-context';
import { findProfileArchives } from '../core/pipeline/archived-profile';
import { readMetadata } from '../core/pipeline/profile-metadata';
import { renderProfileDiffBody } from '../core/report/profile-diff-html';
import type { EngineWorker } from './engine-worker-client';
import type { PgoWorkspace } from './pgo-workspace';
import { age } from './profiles-tree';
import { webviewReportPage } from './report-panel';
import { readSettings } from './settings';

/**
 * Arguments of "PGO: Compare Profiles", so tests and other commands can skip the pickers:
 * `profile` is B (default: the component's current profile); `against` is the baseline A:
 * "previous" (the profile the last merge replaced), a .profdata file, or a `pgo archive` .tar.gz
 * (then `againstComponent`, default the component, names the profile inside it).
 */
export interface CompareProfilesArgs {
  component?: string;
  profile?: string;
  against?: string;
  againstComponent?: string;
}

/** What the command returns (for callers and tests): the comparison and the page shown. */
export interface CompareProfilesResult extends ProfileComparison {
  a: string;
  b: string;
  html: string;
}

type Side = { source: ProfileSource; label: string };
type Pick = vscode.QuickPickItem & { side?: Side; browse?: true };

const TOP = 15;

function noProfileYet(component: string): PgoError {
  return new PgoError(`"${component}" has no profile yet, so there is nothing to compare`, `build one first: PGO: Build Pipeline (\`pgo pipeline ${component}\`)`, ExitCode.Usage);
}

function noPrevious(component: string): PgoError {
  return new PgoError(
    `"${component}" has no previous profile yet: one is kept when a merge replaces the profile`,
    'run the pipeline (or workload and merge) again after your change, or compare against an archived profile or another file',
    ExitCode.Usage,
  );
}

function isArchive(file: string): boolean {
  return /\.(tar\.gz|tgz)$/i.test(file);
}

/** "PGO: Compare Profiles": pick B and a baseline A, compare them in the engine worker, show the result in a webview. */
export class ProfileComparer implements vscode.Disposable {
  static readonly viewType = 'pgo.profileDiff';
  private panel?: vscode.WebviewPanel;

  constructor(private readonly worker: EngineWorker) {}

  get current(): vscode.WebviewPanel | undefined {
    return this.panel;
  }

  async run(ws: PgoWorkspace & { engine: EngineContext }, args: CompareProfilesArgs): Promise<CompareProfilesResult | undefined> {
    const b = await this.pickProfile(ws, args);
    if (!b) return undefined;
    const a = await this.pickBaseline(ws, args, b);
    if (!a) return undefined;
    const comparison = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `PGO: comparing ${b.side.label} with ${a.label}…`, cancellable: true },
      async (_progress, token) => {
        const controller = new AbortController();
        const sub = token.onCancellationRequested(() => controller.abort());
        try {
          await this.worker.resolveTools(ws.engine); // the matched llvm-profdata, once per workspace
          const llvm = ws.engine.profdata?.path;
          if (!llvm) throw new PgoError('no llvm-profdata matching rustc was found', 'run PGO: Check Prerequisites and install the one it names', ExitCode.Prerequisites);
          return await this.worker.compareProfiles(llvm, a.source, b.side.source, TOP, controller.signal);
        } finally {
          sub.dispose();
        }
      },
    );
    const html = this.show(comparison, { a: a.label, b: b.side.label });
    return { ...comparison, a: a.label, b: b.side.label, html };
  }

  /** B: the component's current profile (the default), another component's, or any .profdata. */
  private async pickProfile(ws: PgoWorkspace, args: CompareProfilesArgs): Promise<{ side: Side; component?: string } | undefined> {
    if (args.profile) return { side: { source: { file: path.resolve(ws.root, args.profile) }, label: this.label(ws, args.profile) }, component: args.component };
    const withProfile = ws.componentStates().filter((s) => s.profdata);
    if (args.component) {
      const state = withProfile.find((s) => s.component.name === args.component);
      if (!state?.profdata) throw noProfileYet(args.component);
      return { side: { source: { file: state.profdata }, label: this.label(ws, state.profdata) }, component: args.component };
    }
    if (withProfile.length === 0) throw noProfileYet(ws.defaultComponent() ?? ws.project?.components[0]?.name ?? 'the component');
    const preferred = readSettings(ws.folder.uri).defaultComponent ?? ws.defaultComponent();
    withProfile.sort((x, y) => Number(y.component.name === preferred) - Number(x.component.name === preferred));
    const items: (Pick & { component?: string })[] = withProfile.map((s) => ({
      label: `$(file) ${s.component.name}`,
      description: s.meta ? `current profile · ${age(s.meta.createdAt)} · ${s.meta.functions} fn` : 'current profile',
      detail: s.profdata,
      side: { source: { file: s.profdata ?? '' }, label: this.label(ws, s.profdata ?? '') },
      component: s.component.name,
    }));
    items.push({ label: '$(folder-opened) Browse…', description: 'any .profdata file', browse: true });
    const pick = await vscode.window.showQuickPick(items, { title: 'PGO: Compare Profiles (1/2) — which profile?', placeHolder: 'The profile to judge (B); next, what to compare it with' });
    if (!pick) return undefined;
    if (pick.side) return { side: pick.side, component: pick.component };
    const file = await this.browse(ws, 'PGO: the profile to judge (B)', false);
    return file ? { side: { source: { file }, label: this.label(ws, file) } } : undefined;
  }

  /** A: the previous profile, an archived one, another component's, or any file. */
  private async pickBaseline(ws: PgoWorkspace, args: CompareProfilesArgs, b: { side: Side; component?: string }): Promise<Side | undefined> {
    const layout = ws.engine?.layout;
    const component = b.component;
    if (args.against) {
      if (args.against === 'previous') {
        const prev = component && layout ? layout.previousProfdata(component) : undefined;
        if (!component || !prev || !fs.existsSync(prev)) throw noPrevious(component ?? 'this profile');
        return { source: { file: prev }, label: `${this.label(ws, prev)} (previous)` };
      }
      const file = path.resolve(ws.root, args.against);
      if (isArchive(file)) {
        const inside = args.againstComponent ?? component;
        if (!inside) throw new PgoError(`which profile of ${file} to compare with?`, 'pass againstComponent', ExitCode.Usage);
        return { source: { archive: file, component: inside }, label: `${path.basename(file)} › ${inside}` };
      }
      return { source: { file }, label: this.label(ws, file) };
    }
    const items: Pick[] = [];
    const prev = component && layout ? layout.previousProfdata(component) : undefined;
    if (component && prev && fs.existsSync(prev)) {
      const meta = readMetadata(`${prev}.json`);
      items.push({
        label: `$(history) Previous profile of ${component}`,
        description: meta ? `the one the last merge replaced · ${age(meta.createdAt)} · ${meta.functions} fn` : 'the one the last merge replaced',
        side: { source: { file: prev }, label: `${this.label(ws, prev)} (previous)` },
      });
    }
    const project = ws.project;
    const archives = project ? findProfileArchives([ws.root, project.artifactRoot]) : [];
    if (archives.length > 0) {
      // The archives are read in the worker: each is a stream to unpack.
      const listed = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'PGO: reading profile archives' }, () =>
        Promise.all(archives.map(async (x) => ({ ...x, components: await this.worker.archivedComponents(x.file).catch(() => [] as string[]) }))),
      );
      for (const x of listed) {
        const sorted = [...x.components].sort((p, q) => Number(q === component) - Number(p === component));
        for (const c of sorted) {
          items.push({
            label: `$(archive) ${path.basename(x.file)} › ${c}`,
            description: `archived ${age(x.mtime.toISOString())}`,
            detail: x.file,
            side: { source: { archive: x.file, component: c }, label: `${path.basename(x.file)} › ${c}` },
          });
        }
      }
    }
    const bFile = 'file' in b.side.source ? b.side.source.file : undefined;
    for (const s of ws.componentStates()) {
      if (!s.profdata || s.profdata === bFile) continue;
      items.push({ label: `$(file) ${s.component.name}`, description: 'current profile of another component', detail: s.profdata, side: { source: { file: s.profdata }, label: this.label(ws, s.profdata) } });
    }
    items.push({ label: '$(folder-opened) Browse…', description: 'a .profdata file, or a profile archive (.tar.gz)', browse: true });
    const pick = await vscode.window.showQuickPick(items, { title: `PGO: Compare Profiles (2/2) — compare ${b.side.label} with…`, placeHolder: 'The baseline (A): what B is compared against' });
    if (!pick) return undefined;
    if (pick.side) return pick.side;
    const file = await this.browse(ws, 'PGO: the baseline profile (A)', true);
    if (!file) return undefined;
    if (!isArchive(file)) return { source: { file }, label: this.label(ws, file) };
    const components = await this.worker.archivedComponents(file);
    if (components.length === 0) throw new PgoError(`${file} holds no profile`, 'pick a .tar.gz made by "PGO: Archive Profiles" (`pgo archive`)', ExitCode.Usage);
    const inside =
      components.length === 1 || (component && components.includes(component))
        ? (components.find((c) => c === component) ?? components[0])
        : await vscode.window.showQuickPick(components, { title: `PGO: which profile of ${path.basename(file)}?` });
    return inside ? { source: { archive: file, component: inside }, label: `${path.basename(file)} › ${inside}` } : undefined;
  }

  private async browse(ws: PgoWorkspace, title: string, archives: boolean): Promise<string | undefined> {
    const picked = await vscode.window.showOpenDialog({
      title,
      defaultUri: vscode.Uri.file(ws.engine?.project.artifactRoot && fs.existsSync(ws.engine.project.artifactRoot) ? ws.engine.project.artifactRoot : ws.root),
      filters: archives ? { Profiles: ['profdata'], 'Profile archives': ['gz', 'tgz'] } : { Profiles: ['profdata'] },
      canSelectMany: false,
    });
    return picked?.[0]?.fsPath;
  }

  /** A path as the user knows it: relative to the workspace when inside it. */
  private label(ws: PgoWorkspace, file: string): string {
    const rel = path.relative(ws.root, path.resolve(ws.root, file));
    return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
  }

  /** The result in a webview without scripts; function names link to their source (command URIs of pgo.goToFunction only). */
  private show(c: ProfileComparison, names: { a: string; b: string }): string {
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(ProfileComparer.viewType, 'PGO: Compare Profiles', vscode.ViewColumn.Active, {
        enableScripts: false,
        enableFindWidget: true,
        enableCommandUris: ['pgo.goToFunction'],
        localResourceRoots: [],
      });
      this.panel.onDidDispose(() => (this.panel = undefined));
    } else this.panel.reveal();
    this.panel.title = `PGO: ${path.basename(names.b)} vs ${path.basename(names.a)}`;
    const link = (display: string): string | undefined => {
      const at = c.locations[display];
      return at ? `command:pgo.goToFunction?${encodeURIComponent(JSON.stringify([{ file: at.file, line: at.line, display }]))}` : undefined;
    };
    const html = webviewReportPage(renderProfileDiffBody(c.diff, names, link), this.panel.webview.cspSource, randomBytes(16).toString('base64'));
    this.panel.webview.html = html;
    return html;
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
