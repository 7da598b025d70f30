import type { FunctionDelta, ProfileDiff, ProfileFilesDiff } from '../profile/profile-diff';
import { percent } from '../util/format-number';
import { noPaint, type Paint } from './format';

/** `pgo diff A B` as text: the overlap, then hotter / colder / new / vanished functions. */
export function formatProfileDiff(d: ProfileDiff & Partial<ProfileFilesDiff>, names: { a: string; b: string }, p: Paint = noPaint): string {
  const out = [
    `A: ${names.a} — ${d.functionsA} functions, total count ${d.totalA}`,
    `B: ${names.b} — ${d.functionsB} functions, total count ${d.totalB}`,
    `overlap: ${percent(d.overlap)} of the counts are spread the same way (100% = identical distribution)`,
  ];
  const notes = diffNotes(d);
  if (notes.length > 0) out.push(...notes.map((n) => `note: ${n}`));
  const section = (title: string, rows: readonly FunctionDelta[]): void => {
    out.push('', p.bold(title));
    if (rows.length === 0) {
      out.push('  (none)');
      return;
    }
    const cells = rows.map((r) => [percent(r.shareA), percent(r.shareB), shareChange(r.shareB - r.shareA), r.display]);
    const head = ['A', 'B', 'change', 'function'];
    const widths = [0, 1, 2].map((i) => Math.max((head[i] ?? '').length, ...cells.map((c) => (c[i] ?? '').length)));
    const fmt = (c: string[]): string => `  ${c.map((x, i) => (i < 3 ? x.padStart(widths[i] ?? 0) : x)).join('  ')}`;
    out.push(fmt(head), ...cells.map(fmt));
  };
  section('hotter in B (share of the profile)', d.hotter);
  section('colder in B', d.colder);
  section('hot in B, not in A', d.appeared);
  section('hot in A, gone from B', d.vanished);
  return out.join('\n');
}

/** What the reader should know before trusting the lists: identical files, two LLVM releases. */
export function diffNotes(d: Partial<ProfileFilesDiff>): string[] {
  const notes: string[] = [];
  if (d.identical) notes.push('A and B hold the same bytes: nothing changed between them');
  if (d.formatVersionA !== undefined && d.formatVersionB !== undefined && d.formatVersionA !== d.formatVersionB) {
    notes.push(`A and B were written by different LLVM releases (profile format ${d.formatVersionA} and ${d.formatVersionB}): functions may differ only because the toolchain changed`);
  }
  return notes;
}

/**
 * A change of share in percentage points, precise enough to tell small moves apart: "+0.43 pp",
 * "−12.5 pp" (a change below 0.005 points reads "±0.00 pp").
 */
export function shareChange(delta: number): string {
  const points = Math.abs(delta) * 100;
  const text = points.toFixed(points < 10 ? 2 : 1);
  return `${Number(text) === 0 ? '±' : delta > 0 ? '+' : '−'}${text} pp`;
}
