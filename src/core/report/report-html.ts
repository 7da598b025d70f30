import type { BenchmarkResult, BenchResults, Comparison, VariantResult } from '../bench/bench-results';
import { checklistMark, type ChecklistItem } from '../bench/checklist';
import { formatComparison, formatPValue, verdictText } from '../bench/speedup-text';
import { medianInterval } from '../bench/statistics';
import { escapeHtml as h } from './escape';
import type { ComponentReportData, ReportData } from './report-data';
import { barChart, dotWhiskerChart, trendChart, type TrendSeries } from './svg-chart';

/**
 * The report's body as an HTML fragment: no <html>, no <style>, no script. Two thin wrappers put
 * it in a page: `standaloneReportPage` (index.html, works offline from disk) and the VS Code
 * webview (src/vscode/report-panel.ts, with its CSP nonce and theme colours).
 */
export function renderReportBody(data: ReportData): string {
  const parts = [`<header class="pgo-header"><h1>Is it faster? PGO report</h1>`];
  parts.push(`<p class="pgo-muted">${h(data.workspaceRoot)} · generated ${h(data.generatedAt)}</p></header>`);
  if (data.components.length > 1) {
    parts.push(`<nav class="pgo-toc">${data.components.map((c) => `<a href="#pgo-${h(anchor(c.component))}">${h(c.component)}</a>`).join(' · ')}</nav>`);
  }
  for (const c of data.components) parts.push(renderComponent(c));
  return parts.join('\n');
}

/** Escaped text, with our own `code` spans shown as code (escaping first keeps it safe). */
function withCode(text: string): string {
  return h(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

function anchor(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_');
}

/** Variants in the results' order (release first), each with its colour series 1..6. */
export function seriesOf(results: BenchResults | undefined): Map<string, number> {
  const m = new Map<string, number>();
  (results?.variants ?? []).forEach((v, i) => m.set(v.name, (i % 6) + 1));
  return m;
}

function renderComponent(c: ComponentReportData): string {
  const out = [`<section class="pgo-component" id="pgo-${h(anchor(c.component))}">`, `<h2>${h(c.component)}</h2>`];
  if (c.description) out.push(`<p class="pgo-muted">${h(c.description)}</p>`);
  const r = c.latest;
  if (!r) {
    out.push(`<p class="pgo-verdict pgo-neutral">Not benchmarked yet: run <code>pgo bench ${h(c.component)}</code> to compare release, PGO and LTO builds.</p>`);
  } else {
    out.push(renderVerdict(r));
    out.push(renderRunInfo(r));
    for (const b of r.benchmarks) out.push(renderBenchmark(b, r));
    out.push(renderSizes(r, c.maxBinaryBytes));
    out.push(renderBuildTimes(r));
  }
  out.push(renderHottest(c));
  if (c.history.length > 1) out.push(renderTrend(c.history));
  out.push(renderChecklist(c.checklist));
  out.push('</section>');
  return out.join('\n');
}

function renderVerdict(r: BenchResults): string {
  const rec = r.recommendation;
  const vs = r.benchmarks[0]?.vsRelease[rec.variant];
  const head =
    rec.variant === 'release' || !vs
      ? `Keep <strong>release</strong>: no variant was significantly faster`
      : `Ship <strong>${h(rec.variant)}</strong>: ${h(formatComparison(vs))} faster than release`;
  const cls = rec.variant === 'release' || !vs ? 'pgo-neutral' : 'pgo-good';
  const cancelled = r.cancelled ? `<p class="pgo-warn">This run was cancelled after ${r.rounds} round(s): the figures use the rounds that finished.</p>` : '';
  const disagreed = r.benchmarks.filter((b) => !b.outputCheck.agreed);
  const outputs = disagreed.length
    ? `<p class="pgo-bad">The variants' outputs differ on ${disagreed.map((b) => `<code>${h(b.name)}</code>`).join(', ')}: an optimized build computes something else. Do not ship it before finding out why.</p>`
    : '';
  return `<div class="pgo-verdict ${cls}"><p class="pgo-verdict-head">${head}</p><p>${h(rec.reason)}</p></div>${cancelled}${outputs}`;
}

function renderRunInfo(r: BenchResults): string {
  const items = [
    `${r.rounds} rounds${r.warmup ? ` after ${r.warmup} warm-up` : ''}${r.adaptive ? ' (adaptive stop)' : ''}, variants interleaved`,
    `${h(r.startedAt)} → ${h(r.finishedAt)}`,
    r.git ? `commit <code>${h(r.git.commit.slice(0, 12))}</code>${r.git.dirty ? ' (uncommitted changes)' : ''}` : '',
    `${h(r.host.triple)}, ${r.host.cpus} CPUs, ${h(r.host.os)}`,
    `${h(r.toolchain.rustc)}, LLVM ${r.toolchain.llvmMajor}`,
  ].filter(Boolean);
  return `<p class="pgo-muted pgo-runinfo">${items.join(' · ')}</p>`;
}

function ms(x: number): string {
  return x >= 10_000 ? `${(x / 1000).toFixed(2)} s` : `${x >= 100 ? x.toFixed(0) : x.toFixed(1)} ms`;
}

function comparisonNote(c: Comparison | undefined, isBaseline: boolean): { note: string; cls: string } {
  if (isBaseline) return { note: 'baseline', cls: 'pgo-note' };
  if (!c) return { note: '', cls: 'pgo-note' };
  const cls = c.verdict === 'faster' ? 'pgo-note pgo-good-text' : c.verdict === 'slower' ? 'pgo-note pgo-bad-text' : 'pgo-note';
  return { note: `${formatComparison(c)} ${c.verdict === 'no-difference' ? 'not significant' : c.verdict}`, cls };
}

function renderBenchmark(b: BenchmarkResult, r: BenchResults): string {
  const series = seriesOf(r);
  const variants = r.variants.map((v) => v.name).filter((n) => (b.runs[n]?.length ?? 0) > 0);
  const rows = variants.map((name) => {
    const samples = b.runs[name]!.map((x) => x.wallMs);
    const ci = medianInterval(samples);
    const s = b.stats[name];
    const { note, cls } = comparisonNote(b.vsRelease[name], name === 'release');
    return { label: name, series: series.get(name) ?? 1, samples, median: s?.median ?? ci.low, low: ci.low, high: ci.high, note, noteClass: cls };
  });
  const out = [`<h3>Benchmark <code>${h(b.name)}</code></h3>`, `<p class="pgo-muted">Command: <code>${h(b.command.join(' '))}</code></p>`];
  if (rows.length > 0) {
    out.push(`<figure>${dotWhiskerChart(rows, 'wall time, ms', `${b.name}: wall time per variant`)}`);
    out.push('<figcaption>Dots: every measured run. Bar: median. Whisker: 95% confidence interval of the median (with fewer than 6 runs: the full range). Right: speedup against release with its 95% interval.</figcaption></figure>');
  }
  out.push('<table class="pgo-table"><thead><tr><th>variant</th><th>median</th><th>min – max</th><th>CV</th><th>runs</th><th>vs release</th><th>p</th><th>verdict</th></tr></thead><tbody>');
  for (const name of variants) {
    const s = b.stats[name];
    const c = b.vsRelease[name];
    const verdictCls = c?.verdict === 'faster' ? 'pgo-good-text' : c?.verdict === 'slower' ? 'pgo-bad-text' : '';
    out.push(
      `<tr><td><span class="pgo-swatch pgo-s${series.get(name) ?? 1}"></span>${h(name)}</td>` +
        `<td>${s ? ms(s.median) : '–'}</td><td>${s ? `${ms(s.min)} – ${ms(s.max)}` : '–'}</td>` +
        `<td>${s ? `${(s.cv * 100).toFixed(1)}%` : '–'}</td><td>${s?.n ?? 0}</td>` +
        `<td>${c ? h(formatComparison(c)) : name === 'release' ? 'baseline' : '–'}</td><td>${c ? h(formatPValue(c.pValue)) : ''}</td>` +
        `<td class="${verdictCls}">${c ? h(verdictText(c)) : ''}</td></tr>`,
    );
  }
  out.push('</tbody></table>');
  if (!b.outputCheck.agreed) {
    const vals = Object.entries(b.outputCheck.values).map(([v, x]) => `${h(v)}: <code>${h(x.slice(0, 16))}</code>`).join(', ');
    out.push(`<p class="pgo-bad">Outputs (${h(b.outputCheck.mode)}) differ: ${vals}</p>`);
  }
  if (b.coverage) {
    const untrained = b.coverage.untrainedHot.slice(0, 5).map((u) => `<code>${h(u.name)}</code> (${(u.share * 100).toFixed(1)}%)`).join(', ');
    out.push(
      `<p>The training workload covers <strong>${b.coverage.trainingCoversPercent.toFixed(0)}%</strong> of what this benchmark runs` +
        `${untrained ? `; hot here but never trained: ${untrained}` : ''}.</p>`,
    );
  }
  return out.join('\n');
}

function binaryRows(variants: readonly VariantResult[], series: Map<string, number>): Array<{ v: VariantResult; bin: VariantResult['binaries'][number] }> {
  return variants.flatMap((v) => v.binaries.map((bin) => ({ v, bin }))).filter((x) => series.has(x.v.name));
}

function renderSizes(r: BenchResults, limit: number | undefined): string {
  const series = seriesOf(r);
  const rows = binaryRows(r.variants, series);
  if (rows.length === 0) return '';
  const many = new Set(rows.map((x) => x.bin.name)).size > 1;
  const chart = barChart(
    rows.map(({ v, bin }) => ({
      label: many ? `${v.name} · ${bin.name}` : v.name,
      value: bin.fileBytes / 1e6,
      valueText: `${(bin.fileBytes / 1e6).toFixed(2)} MB${bin.textBytes !== undefined ? ` (.text ${(bin.textBytes / 1e6).toFixed(2)})` : ''}`,
      series: series.get(v.name),
    })),
    'file size, MB',
    'binary size per variant',
    limit !== undefined ? { value: limit / 1e6, text: `limit ${(limit / 1e6).toFixed(1)} MB` } : undefined,
  );
  return `<h3>Binary size</h3><figure>${chart}</figure>`;
}

function renderBuildTimes(r: BenchResults): string {
  const series = seriesOf(r);
  const built = r.variants.filter((v) => v.buildSeconds !== undefined);
  const reused = r.variants.filter((v) => v.buildSeconds === undefined).map((v) => v.name);
  if (built.length === 0) return reused.length ? `<h3>Build time</h3><p class="pgo-muted">All builds were reused from an earlier run.</p>` : '';
  const chart = barChart(
    built.map((v) => ({ label: v.name, value: v.buildSeconds!, valueText: `${v.buildSeconds!.toFixed(1)} s`, series: series.get(v.name) })),
    'build time, s',
    'build time per variant',
  );
  const note = reused.length ? `<p class="pgo-muted">Reused (unchanged since an earlier run): ${reused.map(h).join(', ')}.</p>` : '';
  return `<h3>Build time</h3><figure>${chart}</figure>${note}`;
}

function renderHottest(c: ComponentReportData): string {
  const hot = c.hottest;
  if (!hot || hot.rows.length === 0 || hot.totalCount <= 0) {
    return `<h3>Hottest functions</h3><p class="pgo-muted">No profile yet: run <code>pgo pipeline ${h(c.component)}</code>.</p>`;
  }
  const chart = barChart(
    hot.rows.map((f) => ({ label: f.display, tooltip: f.display, series: 5, value: (f.sum / hot.totalCount) * 100, valueText: `${((f.sum / hot.totalCount) * 100).toFixed(1)}%` })),
    'share of all counts in the profile, %',
    'hottest functions of the profile',
  );
  const m = c.metadata;
  const meta = m
    ? `<p class="pgo-muted">Profile of ${h(m.createdAt)}: ${m.functions} functions, workload ${m.workload.commands.map((w) => `<code>${h(w.name)}</code>`).join(', ')}` +
      `${m.applied ? `; applied to ${m.applied.applied} of ${m.applied.instrumented} instrumented functions, ${(m.applied.usableShare * 100).toFixed(0)}% of the counts usable` : ''}.</p>`
    : '';
  return `<h3>Hottest functions</h3><figure>${chart}</figure>${meta}`;
}

/** Speedup against release over the runs, per variant, from each run's first benchmark. */
export function trendSeries(history: readonly BenchResults[]): { labels: string[]; series: TrendSeries[] } {
  const labels = history.map((r) => `${r.startedAt.slice(5, 16).replace('T', ' ')}${r.git ? ` ${r.git.commit.slice(0, 7)}` : ''}`);
  const names: string[] = [];
  for (const r of history) for (const v of r.variants) if (v.name !== 'release' && !names.includes(v.name)) names.push(v.name);
  const latest = seriesOf(history[history.length - 1]);
  const series = names.map((name, i) => ({
    name,
    // The latest run's colours; release is series 1.
    series: latest.get(name) ?? ((i + 1) % 6) + 1,
    points: history.flatMap((r, x) => {
      const c = r.benchmarks[0]?.vsRelease[name];
      return c ? [{ x, y: c.speedup, low: c.ciLow, high: c.ciHigh }] : [];
    }),
  }));
  return { labels, series: series.filter((s) => s.points.length > 0) };
}

function renderTrend(history: readonly BenchResults[]): string {
  const { labels, series } = trendSeries(history);
  if (series.length === 0) return '';
  const bench = history[history.length - 1]?.benchmarks[0]?.name ?? '';
  return (
    `<h3>Trend over ${history.length} runs</h3><figure>${trendChart(labels, series, 'speedup against release over earlier runs')}` +
    `<figcaption>Speedup against release on <code>${h(bench)}</code> per run, with its 95% interval.</figcaption></figure>`
  );
}

export function renderChecklist(items: readonly ChecklistItem[]): string {
  const li = items.map(
    (i) =>
      `<li class="pgo-check pgo-check-${i.state}"><span class="pgo-mark" aria-label="${i.state}">${checklistMark(i.state)}</span> ` +
      `<strong>${h(i.title)}</strong> — ${withCode(i.detail)}${i.fix && i.state !== 'done' ? `<br><span class="pgo-muted">Next: ${withCode(i.fix)}</span>` : ''}</li>`,
  );
  return `<h3>Tuning checklist</h3><ul class="pgo-checklist">${li.join('')}</ul>`;
}
