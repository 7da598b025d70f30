import { escapeHtml } from './escape';

/**
 * The report's look, in terms of `--pgo-*` variables only. The standalone page defines them
 * (light and dark, following the system); the VS Code webview maps them to `--vscode-*` theme
 * colours (src/vscode/report-panel.ts), so the same body and the same charts follow the editor's theme.
 */
export const REPORT_CSS = `
body { font-family: var(--pgo-font); color: var(--pgo-fg); background: var(--pgo-bg); margin: 0 auto; padding: 16px 24px 48px; max-width: 1000px; line-height: 1.45; }
h1 { font-size: 1.6em; margin: 0.2em 0; } h2 { font-size: 1.35em; border-bottom: 1px solid var(--pgo-grid); padding-bottom: 4px; margin-top: 1.6em; } h3 { font-size: 1.1em; margin-top: 1.4em; }
code { font-family: var(--pgo-mono); font-size: 0.92em; background: var(--pgo-code-bg); padding: 0 3px; border-radius: 3px; overflow-wrap: anywhere; }
a { color: var(--pgo-link); }
figure { margin: 8px 0; } figcaption { color: var(--pgo-muted); font-size: 0.88em; }
.pgo-chart { max-width: 100%; height: auto; overflow: visible; }
.pgo-muted { color: var(--pgo-muted); }
.pgo-verdict { border-left: 4px solid var(--pgo-muted); background: var(--pgo-panel); padding: 8px 14px; margin: 12px 0; }
.pgo-verdict p { margin: 4px 0; } .pgo-verdict-head { font-size: 1.15em; }
.pgo-verdict.pgo-good { border-left-color: var(--pgo-good); } .pgo-verdict.pgo-neutral { border-left-color: var(--pgo-warn); }
.pgo-bad { color: var(--pgo-bad); font-weight: 600; } .pgo-warn { color: var(--pgo-warn); }
.pgo-good-text { color: var(--pgo-good); fill: var(--pgo-good); } .pgo-bad-text { color: var(--pgo-bad); fill: var(--pgo-bad); }
.pgo-table { border-collapse: collapse; margin: 8px 0; font-size: 0.92em; }
.pgo-table th, .pgo-table td { border-bottom: 1px solid var(--pgo-grid); padding: 3px 10px; text-align: right; white-space: nowrap; }
.pgo-table th:first-child, .pgo-table td:first-child { text-align: left; }
.pgo-swatch { display: inline-block; width: 10px; height: 10px; margin-right: 6px; border-radius: 2px; }
.pgo-checklist { list-style: none; padding-left: 0; } .pgo-check { margin: 6px 0; }
.pgo-mark { display: inline-block; width: 1.3em; text-align: center; font-weight: 700; }
.pgo-check-done .pgo-mark { color: var(--pgo-good); } .pgo-check-warn .pgo-mark { color: var(--pgo-warn); }
.pgo-check-fail .pgo-mark { color: var(--pgo-bad); } .pgo-check-todo .pgo-mark, .pgo-check-unknown .pgo-mark { color: var(--pgo-muted); }
.pgo-chart text { fill: var(--pgo-fg); font-family: var(--pgo-font); }
.pgo-chart .pgo-tick, .pgo-chart .pgo-axis-label { fill: var(--pgo-muted); font-size: 11px; }
.pgo-chart .pgo-note { font-size: 12px; }
.pgo-grid { stroke: var(--pgo-grid); stroke-width: 1; }
.pgo-baseline { stroke: var(--pgo-muted); stroke-dasharray: 4 3; }
.pgo-whisker { stroke: var(--pgo-fg); stroke-width: 1.5; }
.pgo-run { opacity: 0.55; } .pgo-median { stroke: var(--pgo-fg); stroke-width: 0.8; }
.pgo-line { fill: none; stroke-width: 2; } .pgo-limit { stroke: var(--pgo-bad); stroke-width: 2; stroke-dasharray: 5 3; } .pgo-chart .pgo-limit-label { fill: var(--pgo-bad); font-size: 11px; }
${[1, 2, 3, 4, 5, 6].map((i) => `.pgo-s${i} { fill: var(--pgo-series-${i}); background: var(--pgo-series-${i}); } .pgo-line.pgo-s${i} { fill: none; stroke: var(--pgo-series-${i}); } .pgo-stroke-s${i} { stroke: var(--pgo-series-${i}); }`).join('\n')}
`;

/** Colours of the standalone page: light by default, dark when the system prefers it. */
export const STANDALONE_THEME_CSS = `
:root { --pgo-font: system-ui, -apple-system, "Segoe UI", sans-serif; --pgo-mono: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
  --pgo-fg: #1f2328; --pgo-bg: #ffffff; --pgo-muted: #59636e; --pgo-grid: #d1d9e0; --pgo-panel: #f6f8fa; --pgo-code-bg: #eff1f3; --pgo-link: #0969da;
  --pgo-good: #1a7f37; --pgo-bad: #cf222e; --pgo-warn: #9a6700;
  --pgo-series-1: #8c959f; --pgo-series-2: #0969da; --pgo-series-3: #bf8700; --pgo-series-4: #1a7f37; --pgo-series-5: #8250df; --pgo-series-6: #cf222e; }
@media (prefers-color-scheme: dark) { :root {
  --pgo-fg: #e6edf3; --pgo-bg: #0d1117; --pgo-muted: #9198a1; --pgo-grid: #3d444d; --pgo-panel: #151b23; --pgo-code-bg: #262c36; --pgo-link: #4493f8;
  --pgo-good: #3fb950; --pgo-bad: #f85149; --pgo-warn: #d29922;
  --pgo-series-1: #9198a1; --pgo-series-2: #4493f8; --pgo-series-3: #d29922; --pgo-series-4: #3fb950; --pgo-series-5: #ab7df8; --pgo-series-6: #f85149; } }
`;

/**
 * index.html: one self-contained file (no script, no external resource), so it opens from disk, from
 * a CI artifact or a mail attachment. Its CSP forbids every remote load as a second line of defence.
 */
export function standaloneReportPage(body: string, title: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STANDALONE_THEME_CSS}${REPORT_CSS}</style>
</head><body>
${body}
</body></html>
`;
}
