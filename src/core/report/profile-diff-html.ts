import type { FunctionDelta, ProfileFilesDiff } from '../profile/profile-diff';
import { percent } from '../util/format-number';
import { escapeHtml as h } from './escape';
import { diffNotes, shareChange } from './profile-diff-table';

/**
 * "PGO: Compare Profiles" as an HTML body (the report's styles; no script): the overlap, then
 * hotter / colder / new / vanished hot functions with both shares, counts and the change. `link`
 * gives a function's href (the editor's command link to its source) or undefined when its source
 * is not known.
 */
export function renderProfileDiffBody(d: ProfileFilesDiff, names: { a: string; b: string }, link: (display: string) => string | undefined): string {
  const count = (n: number): string => n.toLocaleString('en-US');
  const out = [
    '<header class="pgo-header"><h1>Compare profiles</h1>',
    `<p class="pgo-muted">A (baseline): <code>${h(names.a)}</code> — ${count(d.functionsA)} functions, total count ${count(d.totalA)}<br>` +
      `B: <code>${h(names.b)}</code> — ${count(d.functionsB)} functions, total count ${count(d.totalB)}</p></header>`,
    `<div class="pgo-verdict ${d.overlap >= 0.9 ? 'pgo-good' : 'pgo-neutral'}"><p class="pgo-verdict-head">Overlap ${h(percent(d.overlap))}</p>` +
      '<p>The share of the counts spread the same way in both (100% = the same hot path). Shares are of each profile\'s own total, so workloads of different sizes compare.</p></div>',
  ];
  for (const note of diffNotes(d)) out.push(`<p class="pgo-warn">${h(note)}</p>`);
  const fn = (r: FunctionDelta): string => {
    const href = link(r.display);
    return href ? `<a href="${h(href)}" title="Go to the source"><code>${h(r.display)}</code></a>` : `<code>${h(r.display)}</code>`;
  };
  const section = (title: string, hint: string, rows: readonly FunctionDelta[]): void => {
    out.push(`<h2>${h(title)} <span class="pgo-muted">(${rows.length})</span></h2>`, `<p class="pgo-muted">${h(hint)}</p>`);
    if (rows.length === 0) {
      out.push('<p class="pgo-muted">None.</p>');
      return;
    }
    out.push('<table class="pgo-table"><thead><tr><th>function</th><th>share in A</th><th>share in B</th><th>change (points)</th><th>count in A</th><th>count in B</th></tr></thead><tbody>');
    for (const r of rows) {
      const change = r.shareB - r.shareA;
      out.push(
        `<tr><td>${fn(r)}</td><td>${r.inA ? h(percent(r.shareA)) : '—'}</td><td>${r.inB ? h(percent(r.shareB)) : '—'}</td>` +
          `<td>${h(shareChange(change))}</td>` +
          `<td>${r.inA ? count(r.sumA) : '—'}</td><td>${r.inB ? count(r.sumB) : '—'}</td></tr>`,
      );
    }
    out.push('</tbody></table>');
  };
  section('Hotter in B', 'Functions in both whose share of the counts grew: the hot path moved towards them.', d.hotter);
  section('Colder in B', 'Functions in both whose share shrank.', d.colder);
  section('New hot functions', 'Hot in B, absent from A: added or renamed code, or code A\'s build did not have.', d.appeared);
  section('Vanished hot functions', 'Hot in A, absent from B: removed, renamed or inlined away.', d.vanished);
  return out.join('\n');
}
