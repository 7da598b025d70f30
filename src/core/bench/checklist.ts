import type { DoctorReport } from '../toolchain/doctor';
import type { ProfileMetadata } from '../pipeline/profile-metadata';
import type { BenchResults } from './bench-results';
import { formatComparison } from './speedup-text';
import type { VerifyRecord } from './verify';

export type { VerifyRecord } from './verify';

/**
 * The seed's "Performance Tuning Checklist", each item decided from real data instead of a box the
 * user ticks. Pure: the caller gathers the inputs (checklist-input.ts) and may leave any out, which
 * makes that item "unknown" rather than guessed.
 */
export type ChecklistState = 'done' | 'warn' | 'fail' | 'todo' | 'unknown';

export interface ChecklistItem {
  id: 'prerequisites' | 'workload' | 'applied' | 'fresh' | 'benchmarked' | 'size' | 'verified' | 'archived';
  title: string;
  state: ChecklistState;
  /** What the data says, in one line. */
  detail: string;
  /** What to do next, when the item is not done. */
  fix?: string;
}

export interface ChecklistInput {
  component: string;
  doctor?: DoctorReport;
  metadata?: ProfileMetadata;
  /** The workspace's source hash now (source-state.ts); compared with the profile's. */
  currentSourceHash?: string;
  results?: BenchResults;
  verify?: VerifyRecord;
  /** Largest acceptable shipped binary, in bytes. */
  maxBinaryBytes?: number;
  /** Newest profile archive found, if any (path and modification time). */
  newestArchive?: { file: string; mtime: Date };
}

/** Thresholds: below these, the item is a warning, not a failure. */
export const APPLIED_TARGET = 0.9;
const COVERAGE_TARGET = 80;
const USABLE_SHARE_TARGET = 0.5;
const SIZE_GROWTH_WARN = 0.1;

export function evaluateChecklist(input: ChecklistInput): ChecklistItem[] {
  return [prerequisites(input), workload(input), applied(input), fresh(input), benchmarked(input), size(input), verified(input), archived(input)];
}

function prerequisites({ doctor }: ChecklistInput): ChecklistItem {
  const title = 'Prerequisites verified';
  if (!doctor) return { id: 'prerequisites', title, state: 'unknown', detail: 'not checked in this view', fix: 'run `pgo doctor`' };
  const failed = doctor.checks.filter((c) => c.status === 'fail');
  const warned = doctor.checks.filter((c) => c.status === 'warn');
  if (failed.length > 0) {
    return { id: 'prerequisites', title, state: 'fail', detail: failed.map((c) => `${c.title}: ${c.message}`).join('; '), fix: failed[0]?.fix ?? 'run `pgo doctor`' };
  }
  if (warned.length > 0) return { id: 'prerequisites', title, state: 'warn', detail: warned.map((c) => `${c.title}: ${c.message}`).join('; '), fix: warned[0]?.fix };
  return { id: 'prerequisites', title, state: 'done', detail: doctor.checks.map((c) => c.title).join(', ') + ' ok' };
}

function workload({ results, metadata, component }: ChecklistInput): ChecklistItem {
  const title = 'Training workload represents real use';
  const coverages = (results?.benchmarks ?? []).flatMap((b) => (b.coverage ? [{ name: b.name, pct: b.coverage.trainingCoversPercent }] : []));
  const usable = metadata?.applied?.usableShare;
  if (coverages.length === 0 && usable === undefined) {
    return { id: 'workload', title, state: 'unknown', detail: 'no benchmark coverage and no "usable share" measured yet', fix: `run \`pgo pipeline ${component}\`, then \`pgo bench ${component}\`` };
  }
  const parts: string[] = [];
  const worst = coverages.reduce<{ name: string; pct: number } | undefined>((w, c) => (w === undefined || c.pct < w.pct ? c : w), undefined);
  if (worst) parts.push(`training covers ${worst.pct.toFixed(0)}% of benchmark "${worst.name}"${coverages.length > 1 ? ' (the least covered)' : ''}`);
  if (usable !== undefined) parts.push(`${(usable * 100).toFixed(0)}% of the profile's counts are usable by the shipped binaries`);
  const weak = (worst !== undefined && worst.pct < COVERAGE_TARGET) || (usable !== undefined && usable < USABLE_SHARE_TARGET);
  return {
    id: 'workload',
    title,
    state: weak ? 'warn' : 'done',
    detail: parts.join('; '),
    fix: weak ? 'make the workload run the shipped binary on inputs like the ones users give it (pgo.yaml workloads)' : undefined,
  };
}

function applied({ metadata, component }: ChecklistInput): ChecklistItem {
  const title = `Profile applied to ≥ ${APPLIED_TARGET * 100}% of the instrumented functions`;
  if (!metadata) return { id: 'applied', title, state: 'todo', detail: 'no profile yet', fix: `run \`pgo pipeline ${component}\`` };
  if (!metadata.applied) return { id: 'applied', title, state: 'todo', detail: 'the profile has not been used by an optimized build yet', fix: `run \`pgo optimize ${component}\`` };
  const a = metadata.applied;
  const share = a.instrumented === 0 ? 0 : a.applied / a.instrumented;
  const detail = `${a.applied} of ${a.instrumented} functions (${(share * 100).toFixed(0)}%)${a.mismatched > 0 ? `, ${a.mismatched} with a hash mismatch` : ''}`;
  return share >= APPLIED_TARGET
    ? { id: 'applied', title, state: 'done', detail }
    : { id: 'applied', title, state: 'fail', detail, fix: 'build the instrumented and the optimized binary with the same settings, and let the workload run the shipped binaries' };
}

function fresh({ metadata, currentSourceHash, component }: ChecklistInput): ChecklistItem {
  const title = 'Profile recorded from the current sources';
  if (!metadata) return { id: 'fresh', title, state: 'todo', detail: 'no profile yet', fix: `run \`pgo pipeline ${component}\`` };
  if (currentSourceHash === undefined) return { id: 'fresh', title, state: 'unknown', detail: `profile from ${metadata.createdAt}; sources not checked` };
  return metadata.sourceHash === currentSourceHash
    ? { id: 'fresh', title, state: 'done', detail: `sources unchanged since ${metadata.createdAt}` }
    : { id: 'fresh', title, state: 'warn', detail: `the sources changed since the profile was recorded (${metadata.createdAt}): edited functions lose their profile`, fix: `run \`pgo pipeline ${component}\` again` };
}

function benchmarked({ results, component }: ChecklistInput): ChecklistItem {
  const title = 'Benchmarks show a significant improvement';
  if (!results || results.benchmarks.length === 0) return { id: 'benchmarked', title, state: 'todo', detail: 'not benchmarked yet', fix: `run \`pgo bench ${component}\`` };
  const rec = results.recommendation;
  const first = results.benchmarks[0]!;
  const c = first.vsRelease[rec.variant];
  const cancelled = results.cancelled ? ' (run cancelled: partial rounds)' : '';
  if (rec.variant === 'release' || !c) {
    return { id: 'benchmarked', title, state: 'warn', detail: `no variant was significantly faster than release in ${results.rounds} rounds${cancelled}`, fix: 'keep release, improve the workload, or measure more rounds (`pgo bench --runs N`)' };
  }
  const more = results.benchmarks.length > 1 ? ` on "${first.name}"` : '';
  return { id: 'benchmarked', title, state: 'done', detail: `${rec.variant}: ${formatComparison(c)} faster than release${more}, ${results.rounds} rounds${cancelled}` };
}

function size({ results, maxBinaryBytes }: ChecklistInput): ChecklistItem {
  const title = 'Binary size acceptable';
  const release = results?.variants.find((v) => v.name === 'release');
  const chosen = results?.variants.find((v) => v.name === results.recommendation.variant);
  if (!results || !chosen || chosen.binaries.length === 0) return { id: 'size', title, state: 'unknown', detail: 'no benchmarked binaries yet' };
  const mb = (b: number): string => `${(b / 1e6).toFixed(2)} MB`;
  const largest = chosen.binaries.reduce((a, b) => (b.fileBytes > a.fileBytes ? b : a));
  const base = release?.binaries.find((b) => b.name === largest.name);
  const growth = base && base.fileBytes > 0 ? largest.fileBytes / base.fileBytes - 1 : undefined;
  const vsRelease = growth === undefined || chosen.name === 'release' ? '' : ` (${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(0)}% against release)`;
  const detail = `${chosen.name} ${largest.name}: ${mb(largest.fileBytes)}${vsRelease}`;
  if (maxBinaryBytes !== undefined) {
    return largest.fileBytes <= maxBinaryBytes
      ? { id: 'size', title, state: 'done', detail: `${detail}, limit ${mb(maxBinaryBytes)}` }
      : { id: 'size', title, state: 'fail', detail: `${detail} is over the limit of ${mb(maxBinaryBytes)}`, fix: 'ship a smaller variant, or raise maxBinarySizeMb in pgo.yaml' };
  }
  return growth !== undefined && growth > SIZE_GROWTH_WARN
    ? { id: 'size', title, state: 'warn', detail: `${detail}; no limit set`, fix: 'set maxBinarySizeMb in pgo.yaml if size matters' }
    : { id: 'size', title, state: 'done', detail: `${detail}; no limit set (maxBinarySizeMb)` };
}

function verified({ verify, metadata, component }: ChecklistInput): ChecklistItem {
  const title = 'Tests pass on the optimized build';
  if (!verify) return { id: 'verified', title, state: 'todo', detail: 'not verified yet', fix: `run \`pgo verify ${component}\`` };
  const cmd = verify.command.join(' ');
  if (!verify.ok) return { id: 'verified', title, state: 'fail', detail: `\`${cmd}\` failed on the optimized build (${verify.at})`, fix: 'fix the failure before shipping: an optimization exposed a bug' };
  const stale = metadata !== undefined && (verify.profile !== undefined ? verify.profile !== metadata.sha256 : Date.parse(verify.at) < Date.parse(metadata.createdAt));
  return stale
    ? { id: 'verified', title, state: 'warn', detail: `\`${cmd}\` passed (${verify.at}), but with an older profile`, fix: `run \`pgo verify ${component}\` again` }
    : { id: 'verified', title, state: 'done', detail: `\`${cmd}\` passed (${verify.at})` };
}

/**
 * Decided by file time: an archive made after the profile holds it (archive takes every current
 * profile). Only the places checklist-input.ts looks are seen; an archive copied elsewhere is not.
 */
function archived({ newestArchive, metadata }: ChecklistInput): ChecklistItem {
  const title = 'Profile archived';
  if (!metadata) return { id: 'archived', title, state: 'todo', detail: 'no profile to archive yet' };
  if (!newestArchive) return { id: 'archived', title, state: 'todo', detail: 'no pgo-profiles-*.tar.gz in the workspace', fix: 'run `pgo archive` and keep the file with the release' };
  return newestArchive.mtime.getTime() >= Date.parse(metadata.createdAt)
    ? { id: 'archived', title, state: 'done', detail: `${newestArchive.file} (${newestArchive.mtime.toISOString()})` }
    : { id: 'archived', title, state: 'todo', detail: `the newest archive (${newestArchive.file}) is older than the profile`, fix: 'run `pgo archive` again' };
}

export function checklistMark(state: ChecklistState): string {
  return { done: '✔', warn: '!', fail: '✖', todo: '○', unknown: '?' }[state];
}
