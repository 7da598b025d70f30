import * as vscode from 'vscode';
import type { DoctorReport } from '../core/toolchain/doctor';

/** The doctor's results as a readable Markdown page, each problem with its fix. */
export function doctorMarkdown(report: DoctorReport, workspaceLabel: string): string {
  const icon = { ok: '✅', warn: '⚠️', fail: '❌' };
  const lines = [`# PGO prerequisites — ${workspaceLabel}`, '', report.ok ? '**Ready for PGO.**' : '**Not ready**: fix the ❌ lines below.', ''];
  for (const c of report.checks) {
    lines.push(`## ${icon[c.status]} ${c.title}`, '', c.message, '');
    if (c.fix && c.status !== 'ok') lines.push(`**Fix:** ${c.fix.split('; or ').map((f) => `\`${f}\``).join(' or ')}`, '');
    if (c.details && c.details.length > 0) {
      lines.push('<details><summary>Looked at</summary>', '', ...c.details.map((d) => `- ${d}`), '', '</details>', '');
    }
  }
  lines.push('---', `Checked ${new Date().toLocaleString()}. Run **PGO: Check Prerequisites** again after a fix.`);
  return lines.join('\n');
}

/** Read-only documents for reports (no "save changes?" prompt, unlike untitled files). */
export class ReportDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  static readonly scheme = 'pgo-report';
  private readonly contents = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.path) ?? '';
  }

  async show(name: string, markdown: string): Promise<vscode.Uri> {
    const uri = vscode.Uri.from({ scheme: ReportDocuments.scheme, path: `/${name}.md` });
    this.contents.set(uri.path, markdown);
    this.emitter.fire(uri);
    try {
      await vscode.commands.executeCommand('markdown.showPreview', uri);
    } catch {
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
    }
    return uri;
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
