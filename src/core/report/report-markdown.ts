import type { BenchResults } from '../bench/bench-results';
import { checklistMark } from '../bench/checklist';
import { formatComparison, formatPValue, verdictText } from '../bench/speedup-text';
import { escapeMarkdown as md, markdownCode as code } from './escape';
import type { ComponentReportData, ReportData } from './report-data';

/**
 * report.md: the same findings as index.html for CI job summaries ($GITHUB_STEP_SUMMARY, GitLab
 * merge-request notes), as tables: those places show no inline SVG, so the plots stay in the HTML.
 */
export function renderReportMarkdown(data: ReportData): string {
  const out = ['# Is it faster? PGO report', '', `Generated ${md(data.generatedAt)}.`, ''];
  for (const c of data.components) out.push(...component(c), '');
  return `${out.join('\n').trimEnd()}\n`;
}

function component(c: ComponentReportData): string[] {
  const out = [`## ${md(c.component)}`, ''];
  const r = c.latest;
  if (!r) {
    out.push(`Not benchmarked yet: run ${code(`pgo bench ${c.component}`)}.`, '');
  } else {
    out.push(...verdict(r), '');
    for (const b of r.benchmarks) {
      out.push(`### Benchmark ${code(b.name)}`, '', `Command: ${code(b.command.join(' '))}`, '');
      out.push('| variant | median | min – max | CV | runs | vs release | p | verdict |', '|---|---:|---:|---:|---:|---:|---:|---|');
      for (const v of r.variants) {
        const s = b.stats[v.name];
        if (!s) continue;
        const cmp = b.vsRelease[v.name];
        out.push(
          `| ${md(v.name)} | ${s.median.toFixed(1)} ms | ${s.min.toFixed(1)} – ${s.max.toFixed(1)} ms | ${(s.cv * 100).toFixed(1)}% | ${s.n} | ` +
            `${cmp ? formatComparison(cmp) : v.name === 'release' ? 'baseline' : '–'} | ${cmp ? formatPValue(cmp.pValue) : ''} | ${cmp ? (cmp.verdict === 'faster' ? '**faster**' : verdictText(cmp)) : ''} |`,
        );
      }
      if (!b.outputCheck.agreed) out.push('', `> **The variants' outputs differ** (${md(b.outputCheck.mode)}): do not ship before finding out why.`);
      if (b.coverage) out.push('', `Training covers ${b.coverage.trainingCoversPercent.toFixed(0)}% of what this benchmark runs.`);
      out.push('');
    }
    out.push('### Builds', '', '| variant | binary | size | build time |', '|---|---|---:|---:|');
    for (const v of r.variants) {
      for (const bin of v.binaries) {
        out.push(`| ${md(v.name)} | ${md(bin.name)} | ${(bin.fileBytes / 1e6).toFixed(2)} MB | ${v.buildSeconds !== undefined ? `${v.buildSeconds.toFixed(1)} s` : 'reused'} |`);
      }
    }
    out.push('');
  }
  if (c.hottest && c.hottest.totalCount > 0) {
    out.push('### Hottest functions', '', '| function | share of counts |', '|---|---:|');
    for (const f of c.hottest.rows.slice(0, 10)) out.push(`| ${code(f.display)} | ${((f.sum / c.hottest.totalCount) * 100).toFixed(1)}% |`);
    out.push('');
  }
  out.push('### Tuning checklist', '');
  for (const i of c.checklist) out.push(`- ${checklistMark(i.state)} **${md(i.title)}**: ${md(i.detail)}${i.fix && i.state !== 'done' ? ` — next: ${md(i.fix)}` : ''}`);
  return out;
}

function verdict(r: BenchResults): string[] {
  const rec = r.recommendation;
  const vs = r.benchmarks[0]?.vsRelease[rec.variant];
  const head =
    rec.variant === 'release' || !vs
      ? '**Keep release**: no variant was significantly faster.'
      : `**Ship ${md(rec.variant)}**: ${formatComparison(vs)} faster than release (95% interval).`;
  const info = `${r.rounds} interleaved rounds${r.cancelled ? ' (cancelled early)' : ''}, ${md(r.startedAt)}${r.git ? `, commit ${code(r.git.commit.slice(0, 12))}${r.git.dirty ? ' (dirty)' : ''}` : ''}, ${md(r.toolchain.rustc)}.`;
  return [head, '', md(rec.reason), '', info];
}
