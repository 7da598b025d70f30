import { formatBytes } from '../toolchain/disk-space';
import type { DoctorReport } from '../toolchain/doctor';
import type { ComponentOutcome } from '../pipeline/run-pipeline';
import { profileWarning } from '../pipeline/profile-warning';
import type { RankedFunction } from '../profile/hot-functions';
import { compactCount, percent, seconds } from '../util/format-number';

// The number formats moved to util (the profile layer uses them too); kept here for the adapters.
export { compactCount, percent, seconds };

/** Plain-text renderings shared by the CLI and the extension's output channel. */
export interface Paint {
  bold(s: string): string;
  dim(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  red(s: string): string;
}

export const noPaint: Paint = { bold: (s) => s, dim: (s) => s, green: (s) => s, yellow: (s) => s, red: (s) => s };

export function formatDoctor(report: DoctorReport, p: Paint = noPaint): string {
  const mark = { ok: p.green('ok  '), warn: p.yellow('warn'), fail: p.red('FAIL') };
  const lines: string[] = [];
  for (const c of report.checks) {
    lines.push(`${mark[c.status]}  ${p.bold(c.title)}: ${c.message}`);
    if (c.fix && c.status !== 'ok') lines.push(`      fix: ${c.fix}`);
    for (const d of c.details ?? []) lines.push(p.dim(`      ${d}`));
  }
  lines.push(report.ok ? p.green('Ready for PGO.') : p.red('Not ready: fix the FAIL lines above.'));
  return lines.join('\n');
}

export function formatHotTable(rows: readonly RankedFunction[], total: number): string {
  const head = ['#', 'share', 'total count', 'max block', 'function'];
  const body = rows.map((r, i) => [String(i + 1), percent(total ? r.sum / total : 0), String(r.sum), String(r.max), r.display]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (i < 4 ? (b[i] ?? '').length : 0))));
  // Numbers right-aligned; the name last and unpadded (it can be long).
  const fmt = (cols: string[]): string => cols.map((c, i) => (i < 4 ? c.padStart(widths[i] ?? 0) : c)).join('  ');
  return [fmt(head), ...body.map(fmt)].join('\n');
}

export function formatSummary(outcomes: readonly ComponentOutcome[], p: Paint = noPaint): string {
  const out: string[] = [];
  for (const o of outcomes) {
    if (out.length > 0) out.push('');
    out.push(p.bold(`PGO summary — ${o.component}`));
    const total = o.timings.reduce((n, t) => n + t.durationMs, 0);
    out.push(`  phases: ${o.timings.map((t) => `${t.phase} ${seconds(t.durationMs)}`).join(' · ')} (total ${seconds(total)})`);
    const m = o.meta;
    if (m) {
      out.push(`  profile: ${m.profdata}`);
      out.push(`           ${formatBytes(m.sizeBytes)}, ${m.functions} functions, total count ${m.totalCount}`);
      const q = m.quality;
      if (q?.measured) {
        const line = `  workload coverage: ${q.workspaceFunctionsRun} of ${q.workspaceFunctions} workspace functions of the shipped binaries ran`;
        out.push(q.verdict === 'good' ? line : p.yellow(line));
      }
      const warning = profileWarning(m);
      if (warning) out.push(p.yellow(`  ⚠ ${warning.detail}`), p.yellow(`    what to do: ${warning.fix}`));
      for (const a of m.added ?? []) {
        const line = `  added: ${a.path} ×${a.weight} — ${a.matched ?? '?'} of ${a.functions} functions match the instrumented build`;
        out.push(a.matched !== undefined && a.matched < a.functions / 2 ? p.yellow(`${line} (another build?)`) : line);
      }
      const flagSources = m.buildSettings.rustflagSources ?? [];
      if (flagSources.length > 0) {
        out.push(`  rustflags of both builds: ${flagSources.flatMap((s) => s.flags).join(' ')}`);
        for (const s of flagSources) out.push(p.dim(`    from ${s.origin}: ${s.flags.join(' ')}`));
      }
      out.push(`  toolchain: ${m.toolchain.rustc}, LLVM ${m.toolchain.llvm}; llvm-profdata ${m.llvmProfdata.version} (${m.llvmProfdata.path})`);
      if (m.hottest.length > 0) {
        out.push('  hottest functions:');
        for (const line of formatHotTable(m.hottest, m.totalCount).split('\n')) out.push(`    ${line}`);
      }
    }
    const a = o.optimized?.applied;
    if (o.optimized && a) {
      out.push('  optimized binaries:');
      for (const b of o.optimized.binaries) out.push(`    ${b.path}`);
      if (a.instrumented === 0) {
        // A CI optimize job has only the merged profile, not the instrumented build it was checked against.
        out.push(p.dim('  profile applied: not measured (no instrumented build here, or its binaries are not ELF; `pgo instrument` first to measure it)'));
        continue;
      }
      const appliedLine = `profile applied to ${a.applied} of ${a.instrumented} instrumented functions (workspace crates: ${a.workspaceApplied} of ${a.workspaceInstrumented})`;
      out.push(`  ${a.applied / a.instrumented >= 0.9 ? p.green(appliedLine) : p.yellow(appliedLine)}`);
      out.push(`  usable share of the profile's counts: ${percent(a.usableShare)}` +
        (a.perWorkload.length > 1 ? ` (${a.perWorkload.map((w) => `${w.name}: ${percent(w.usableShare)}`).join(', ')})` : ''));
      if (a.missing + a.mismatched > 0) out.push(p.dim(`  rustc: ${a.missing} function(s) without profile data, ${a.mismatched} hash mismatch(es)`));
    }
  }
  return out.join('\n');
}
