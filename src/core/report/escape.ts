/**
 * Everything in a report that comes from a results file, pgo.yaml or a profile (benchmark and
 * variant names, commands, function names) is untrusted text: escape it for where it lands.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/**
 * Text for Markdown that GitHub and GitLab render (job summaries allow inline HTML): the ASCII
 * punctuation that can start inline markup, an HTML tag, an entity or a table cell is
 * backslash-escaped (CommonMark then shows it literally), so is a block marker at the start
 * (heading, quote, list), and line breaks become spaces so a table row stays one row.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*_[\]<>&|~]/g, (c) => `\\${c}`)
    .replace(/^(\s*)([#>+-]|\d+[.)])/, (_, space: string, mark: string) => `${space}${mark.replace(/([#>+\-.)])$/, '\\$1')}`);
}

/**
 * Inline code in Markdown (literal: no HTML, no entities inside), fenced by more backticks than
 * any run inside it. A pipe would still split a table cell on GitHub, so it is escaped as GFM asks.
 */
export function markdownCode(text: string): string {
  const body = text.replace(/[\r\n]+/g, ' ').replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = body.startsWith('`') || body.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}
