import { formatBytes } from '../toolchain/disk-space';
import { noPaint, type Paint } from '../report/format';
import type { BenchResults } from './bench-results';
import { formatComparison, formatPValue, verdictText } from './speedup-text';

/** `pgo bench`'s text output: per benchmark the variants' timings and verdicts, then the builds and the recommendation. */
export const HIGH_NOISE_CV = 0.05;

function ms(x: number): string {
  return x >= 1000 ? `${(x / 1000).toFixed(3)} s` : `${x.toFixed(1)} ms`;
}

function table(rows: string[][], rightAligned: readonly number[]): string[] {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (rightAligned.includes(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
}

export function formatBenchResults(r: BenchResults, p: Paint = noPaint): string {
  const out: string[] = [];
  out.push(p.bold(`${r.component}: ${r.rounds} measured round(s) after ${r.warmup} warm-up, ${r.adaptive ? 'adaptive' : 'fixed'}${r.cancelled ? ', CANCELLED (partial results)' : ''}`));
  const noisy: string[] = [];
  for (const b of r.benchmarks) {
    out.push('');
    const agreed = b.outputCheck.agreed ? p.green('outputs agree') : p.red('OUTPUTS DIFFER');
    const shown = b.outputCheck.values.release ?? '';
    out.push(p.bold(`benchmark ${b.name}`) + p.dim(` — ${b.command.join(' ')}`) + ` — ${agreed}${shown ? p.dim(` (${b.outputCheck.mode === 'regex' ? 'captured' : 'stdout hash'} ${shown})`) : ''}`);
    const rows: string[][] = [['variant', 'median', 'min–max', 'CV', 'CPU', 'peak RSS', 'speedup vs release [95% CI]', 'p', 'verdict', 'CPU-time speedup']];
    for (const v of r.variants) {
      const s = b.stats[v.name];
      if (!s) continue;
      const runs = b.runs[v.name] ?? [];
      const cpu = runs.filter((x) => x.cpuMs !== undefined).map((x) => x.cpuMs ?? 0).sort((a, c) => a - c);
      const cc = b.cpuVsRelease?.[v.name];
      const rss = Math.max(0, ...runs.map((x) => x.maxRssKb ?? 0));
      const c = b.vsRelease[v.name];
      if (s.cv > HIGH_NOISE_CV) noisy.push(`${b.name}/${v.name} (CV ${(s.cv * 100).toFixed(1)}%)`);
      const verdict = c ? verdictText(c) : 'baseline';
      rows.push([
        v.name,
        ms(s.median),
        `${ms(s.min)} – ${ms(s.max)}`,
        `${(s.cv * 100).toFixed(1)}%`,
        cpu.length > 0 ? ms(cpu[cpu.length >> 1] ?? 0) : '–',
        rss > 0 ? formatBytes(rss * 1024) : '–',
        c ? formatComparison(c) : '—',
        c ? formatPValue(c.pValue) : '',
        c?.verdict === 'faster' ? p.green(verdict) : c?.verdict === 'slower' ? p.red(verdict) : verdict,
        cc ? `${formatComparison(cc)} ${cc.verdict === 'no-difference' ? '' : cc.verdict}`.trim() : '',
      ]);
    }
    out.push(...table(rows, [1, 3, 4, 5]).map((l) => `  ${l}`));
    if (b.coverage) {
      out.push(`  coverage: the training covers ${b.coverage.trainingCoversPercent.toFixed(1)}% of what the benchmark executes (llvm-profdata overlap)`);
      if (b.coverage.untrainedHot.length > 0) {
        out.push(p.yellow(`  hot in the benchmark, never run by the training: ${b.coverage.untrainedHot.map((f) => `${f.name} (${(f.share * 100).toFixed(1)}%)`).join(', ')}`));
      }
    }
  }
  out.push('');
  const vrows: string[][] = [['variant', 'settings', 'build', 'file size', '.text', 'profile applied']];
  for (const v of r.variants) {
    const file = v.binaries.reduce((s, b) => s + b.fileBytes, 0);
    const text = v.binaries.every((b) => b.textBytes !== undefined) ? v.binaries.reduce((s, b) => s + (b.textBytes ?? 0), 0) : undefined;
    const settings = Object.entries(v.settings).map(([k, x]) => `${k}=${Array.isArray(x) ? x.join(' ') : String(x)}`).join(' ');
    vrows.push([
      v.name,
      `${v.usesProfile ? 'PGO ' : ''}${v.usesBolt ? 'BOLT ' : ''}${settings}`.trim() || '(build: as is)',
      v.reused ? 'reused' : v.buildSeconds !== undefined ? `${v.buildSeconds.toFixed(1)} s` : '–',
      formatBytes(file),
      text !== undefined ? formatBytes(text) : '–',
      v.applied ? `${v.applied.applied} of ${v.applied.instrumented} functions` : '',
    ]);
  }
  out.push(p.bold('builds'));
  out.push(...table(vrows, [2, 3, 4]).map((l) => `  ${l}`));
  if (noisy.length > 0) {
    out.push('');
    const busy = r.benchmarks.some((b) => Object.entries(b.cpuStats ?? {}).some(([v, c]) => (b.stats[v]?.median ?? 0) > 1.5 * c.median));
    out.push(
      p.yellow(
        `high noise: ${noisy.join(', ')}. Close other programs, run more rounds (--runs N or a larger --budget), ` +
          'or pin the runs to one core (taskset -c 1 pgo bench …, Linux).' +
          (busy ? ' The machine is busy (wall time well above CPU time: runs waited for a CPU); the CPU-time speedups are the steadier figure here.' : ''),
      ),
    );
  }
  out.push('');
  out.push(`${p.bold(`recommendation: ${r.recommendation.variant}`)} — ${r.recommendation.reason}`);
  return out.join('\n');
}
