import * as vscode from 'vscode';
import { annotateFile, type FunctionAnnotation } from '../core/profile/file-annotations';
import type { Tier } from '../core/profile/hotness';
import type { HeatIndex } from './heat-index';

const UPDATE_DELAY_MS = 150;

/**
 * CodeLenses above hot functions and heat decorations on the `fn` lines of hot and warm ones, both
 * computed from the heat index for the open document (annotateFile: pure, shared with the bench).
 * Three decoration types in all (hot, warm, stale), ranges batched per type.
 */
export class HotPathAnnotations implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly lensEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.lensEmitter.event;
  private readonly types: Record<'hot' | 'warm' | 'stale', vscode.TextEditorDecorationType>;
  private readonly disposables: vscode.Disposable[] = [];
  private visible = true;
  private timer: NodeJS.Timeout | undefined;
  /** What was last applied per document, for tests and the clear command. */
  readonly applied = new Map<string, { hot: number; warm: number; stale: number }>();
  private readonly decoratedEmitter = new vscode.EventEmitter<vscode.TextEditor>();
  /** Fires after an editor's decorations were set (tests wait on it instead of on time). */
  readonly onDidDecorate = this.decoratedEmitter.event;

  constructor(private readonly index: HeatIndex) {
    const bar = (color: string): vscode.DecorationRenderOptions => ({
      isWholeLine: true,
      borderWidth: '0 0 0 3px',
      borderStyle: 'solid',
      borderColor: new vscode.ThemeColor(color),
      overviewRulerColor: new vscode.ThemeColor(color),
      overviewRulerLane: vscode.OverviewRulerLane.Right,
    });
    this.types = {
      hot: vscode.window.createTextEditorDecorationType({ ...bar('pgo.hotForeground'), backgroundColor: new vscode.ThemeColor('pgo.hotBackground') }),
      warm: vscode.window.createTextEditorDecorationType({ ...bar('pgo.warmForeground'), backgroundColor: new vscode.ThemeColor('pgo.warmBackground') }),
      stale: vscode.window.createTextEditorDecorationType({ isWholeLine: true }),
    };
    this.disposables.push(
      ...Object.values(this.types),
      this.lensEmitter,
      this.decoratedEmitter,
      index.onDidChange(() => this.refreshAll()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.schedule()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.languageId === 'rust' && this.index.has(e.document.uri.fsPath)) this.schedule();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('pgo.codeLens') || e.affectsConfiguration('pgo.decorations')) this.refreshAll();
      }),
    );
    void this.setContext();
  }

  get annotationsVisible(): boolean {
    return this.visible;
  }

  async setVisible(visible: boolean): Promise<void> {
    this.visible = visible;
    await this.setContext();
    this.refreshAll();
  }

  private async setContext(): Promise<void> {
    await vscode.commands.executeCommand('setContext', 'pgo.annotationsVisible', this.visible && this.index.size > 0);
  }

  private cached: { uri: string; version: number; generation: number; notes: FunctionAnnotation[] } | undefined;
  private generation = 0;

  /** Annotations for a document now (lines located in its current text); lenses and decorations share one computation per version. */
  annotate(document: vscode.TextDocument, minTier: Tier = 'cold'): FunctionAnnotation[] {
    const entries = this.index.forFile(document.uri.fsPath);
    if (entries.length === 0) return [];
    const c = this.cached;
    if (!c || c.uri !== document.uri.toString() || c.version !== document.version || c.generation !== this.generation) {
      const lines = document.getText().split(/\r?\n/);
      const notes = entries.flatMap((e) => annotateFile(e.heats, lines, { source: e.component, minTier: 'warm' }));
      this.cached = { uri: document.uri.toString(), version: document.version, generation: this.generation, notes };
    }
    const rank: Record<Tier, number> = { hot: 2, warm: 1, cold: 0 };
    return (this.cached?.notes ?? []).filter((n) => rank[n.tier] >= rank[minTier]);
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    await this.index.whenLoaded(); // a profile that just changed is read in the worker
    const enabled = vscode.workspace.getConfiguration('pgo', document.uri).get<boolean>('codeLens.enabled', true);
    if (!this.visible || !enabled) return [];
    return this.annotate(document, 'hot').map((a) => {
      const range = new vscode.Range(a.line, 0, a.line, 0);
      return new vscode.CodeLens(range, {
        title: a.lensTitle,
        tooltip: a.stale ? 'Changed since the profile: run the pipeline to refresh.' : 'Show the block-count distribution',
        command: a.stale ? 'pgo.buildPipeline' : 'pgo.showFunctionDetail',
        arguments: a.stale ? [] : [{ file: document.uri.fsPath, line: a.heat.line, display: a.heat.display }],
      });
    });
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      for (const editor of vscode.window.visibleTextEditors) this.decorate(editor);
    }, UPDATE_DELAY_MS);
  }

  private refreshAll(): void {
    this.generation++; // the index changed: cached annotations are void
    void this.setContext();
    this.lensEmitter.fire();
    for (const editor of vscode.window.visibleTextEditors) this.decorate(editor);
  }

  decorate(editor: vscode.TextEditor): void {
    const doc = editor.document;
    const enabled = vscode.workspace.getConfiguration('pgo', doc.uri).get<boolean>('decorations.enabled', true);
    const notes = this.visible && enabled && doc.uri.scheme === 'file' ? this.annotate(doc, 'warm') : [];
    const ranges: Record<'hot' | 'warm' | 'stale', vscode.DecorationOptions[]> = { hot: [], warm: [], stale: [] };
    for (const a of notes) {
      const kind = a.stale ? 'stale' : a.tier === 'hot' ? 'hot' : 'warm';
      const color = a.stale ? 'pgo.staleForeground' : a.tier === 'hot' ? 'pgo.hotForeground' : 'pgo.warmForeground';
      const hover = new vscode.MarkdownString(a.hoverMarkdown);
      ranges[kind].push({
        range: new vscode.Range(a.line, 0, a.line, doc.lineAt(a.line).text.length),
        hoverMessage: hover,
        renderOptions: { after: { contentText: a.afterText, color: new vscode.ThemeColor(color), fontStyle: 'italic' } },
      });
    }
    for (const kind of ['hot', 'warm', 'stale'] as const) editor.setDecorations(this.types[kind], ranges[kind]);
    if (notes.length > 0 || this.applied.has(doc.uri.fsPath)) {
      this.applied.set(doc.uri.fsPath, { hot: ranges.hot.length, warm: ranges.warm.length, stale: ranges.stale.length });
    }
    this.decoratedEmitter.fire(editor);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
