import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { renderReportBody } from '../core/report/report-html';
import { REPORT_CSS } from '../core/report/report-style';
import type { DoctorReport } from '../core/toolchain/doctor';
import type { EngineWorker } from './engine-worker-client';
import type { PgoWorkspace } from './pgo-workspace';
import { readSettings, toOverrides } from './settings';
import type { WorkspaceRegistry } from './workspace-registry';

/**
 * "PGO: Show Report": the same body as `pgo report`'s index.html, in a webview. No script runs
 * (enableScripts: false), the CSP allows only this page's own nonce-tagged stylesheet and inline
 * SVG, and nothing is loaded from anywhere. The report's `--pgo-*` colours map to the theme's.
 */
export const WEBVIEW_THEME_CSS = `
:root { --pgo-font: var(--vscode-font-family); --pgo-mono: var(--vscode-editor-font-family, monospace);
  --pgo-fg: var(--vscode-foreground); --pgo-bg: var(--vscode-editor-background); --pgo-muted: var(--vscode-descriptionForeground);
  --pgo-grid: var(--vscode-editorWidget-border, var(--vscode-panel-border)); --pgo-panel: var(--vscode-textBlockQuote-background);
  --pgo-code-bg: var(--vscode-textCodeBlock-background); --pgo-link: var(--vscode-textLink-foreground);
  --pgo-good: var(--vscode-charts-green); --pgo-bad: var(--vscode-charts-red); --pgo-warn: var(--vscode-charts-yellow);
  --pgo-series-1: var(--vscode-descriptionForeground); --pgo-series-2: var(--vscode-charts-blue); --pgo-series-3: var(--vscode-charts-orange);
  --pgo-series-4: var(--vscode-charts-green); --pgo-series-5: var(--vscode-charts-purple); --pgo-series-6: var(--vscode-charts-red); }
body { background: transparent; }
`;

export function webviewReportPage(body: string, cspSource: string, nonce: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'nonce-${nonce}'; img-src ${cspSource} data:;">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style nonce="${nonce}">${WEBVIEW_THEME_CSS}${REPORT_CSS}</style>
</head><body>
${body}
</body></html>
`;
}

export class ReportPanel implements vscode.Disposable {
  static readonly viewType = 'pgo.report';
  private panel?: vscode.WebviewPanel;
  private shown?: { ws: PgoWorkspace; component: string };
  private doctor?: DoctorReport;
  private readonly sub: vscode.Disposable;
  private generation = 0;
  private latest?: Promise<void>;

  constructor(
    registry: WorkspaceRegistry,
    private readonly worker: EngineWorker,
    private readonly log: vscode.LogOutputChannel,
  ) {
    // New results, a new profile or a verify run: redraw what is shown.
    this.sub = registry.onDidChange(() => {
      if (this.panel && this.shown) this.latest = this.render().catch(() => undefined);
    });
  }

  /** Open (or reveal) the panel for a component, or "all"; resolves once the page is set. */
  async show(ws: PgoWorkspace, component: string): Promise<vscode.WebviewPanel> {
    this.shown = { ws, component };
    const title = `PGO Report: ${component}`;
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(ReportPanel.viewType, title, vscode.ViewColumn.Active, {
        enableScripts: false,
        enableFindWidget: true,
        localResourceRoots: [],
      });
      this.panel.onDidDispose(() => {
        this.panel = undefined;
        this.shown = undefined;
      });
    } else {
      this.panel.title = title;
      this.panel.reveal();
    }
    this.doctor = undefined;
    // Wait for the page to be set: a render started by a change meanwhile supersedes this one.
    let current: Promise<void>;
    do {
      current = this.latest = this.render();
      await current;
    } while (current !== this.latest);
    return this.panel;
  }

  get current(): vscode.WebviewPanel | undefined {
    return this.panel;
  }

  private async render(): Promise<void> {
    const panel = this.panel;
    const shown = this.shown;
    const project = shown?.ws.project;
    if (!panel || !shown || !project) return;
    const generation = ++this.generation;
    try {
      // Both in the engine worker: the doctor starts processes, the data reads and hashes files.
      this.doctor ??= await this.worker.doctor(shown.ws.root, toOverrides(readSettings(shown.ws.folder.uri)));
      const data = await this.worker.reportData(project, shown.component, this.doctor);
      // A newer render started meanwhile (results changed again): let it win.
      if (generation !== this.generation || panel !== this.panel) return;
      panel.webview.html = webviewReportPage(renderReportBody(data), panel.webview.cspSource, randomBytes(16).toString('base64'));
    } catch (e) {
      this.log.error(`report: ${(e as Error).message}`);
      throw e;
    }
  }

  dispose(): void {
    this.sub.dispose();
    this.panel?.dispose();
  }
}
