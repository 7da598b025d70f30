import { compactCount, percent } from '../util/format-number';
import { functionHash } from './rust-fn-body';
import type { FunctionHeat } from './source-index';
import type { Tier } from './hotness';

/**
 * What to show in one open document: for each profiled function, where its `fn` line is *now*
 * (edits move it), whether it changed since the profile (then no numbers are shown, never wrong
 * ones), and the lens / after-text / hover texts. Pure, so it is unit-tested and benchmarked
 * without VS Code; the extension only turns these into CodeLenses and decorations.
 */
export interface FunctionAnnotation {
  heat: FunctionHeat;
  /** 0-based line in the current text. */
  line: number;
  stale: boolean;
  tier: Tier;
  lensTitle: string;
  afterText: string;
  hoverMarkdown: string;
}

const TIER_MARK: Record<Tier, string> = { hot: '🔥', warm: '♨', cold: '❄' };

/** Find the signature line again: where it was, else the nearest line with the same text. */
export function locate(lines: readonly string[], heat: FunctionHeat): number | undefined {
  const at = heat.line - 1;
  if (lines[at]?.trim() === heat.signature) return at;
  if (!heat.signature) return undefined;
  for (let d = 1; d < lines.length; d++) {
    if (lines[at - d]?.trim() === heat.signature) return at - d;
    if (lines[at + d]?.trim() === heat.signature) return at + d;
    if (at - d < 0 && at + d >= lines.length) break;
  }
  return undefined;
}

const TIER_RANK: Record<Tier, number> = { hot: 2, warm: 1, cold: 0 };

/**
 * The tier a function is shown with: its tier in the whole profile, or for the workspace's own
 * functions the tier among the workspace's counts when that is higher, so the user's hottest code
 * gets a lens even when dependencies hold 90% of the counts.
 */
export function shownTier(h: FunctionHeat): Tier {
  return h.ownTier !== undefined && TIER_RANK[h.ownTier] > TIER_RANK[h.tier] ? h.ownTier : h.tier;
}

export function lensTitle(h: FunctionHeat): string {
  const parts = [`${TIER_MARK[shownTier(h)]} ${percent(h.share)} of profile`, `max ${compactCount(h.max)} per block`, `${h.counters} counters`];
  if (h.records.length > 1) parts.push(`${h.records.length} instances`);
  if (h.ownRank !== undefined) parts.push(`#${h.ownRank} in your code`);
  return parts.join(' · ');
}

/** 1234567 → "1,234,567" (toLocaleString is slow enough to matter for 500 functions per update). */
export function groupDigits(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function hoverMarkdown(h: FunctionHeat, source: string): string {
  return [
    `**${TIER_MARK[h.tier]} ${h.display}** — ${h.tier} in the PGO profile (${source})`,
    '',
    '| | |',
    '|---|---|',
    `| share of all counts | ${percent(h.share)} |`,
    `| total count | ${groupDigits(h.sum)} |`,
    `| hottest block | ${groupDigits(h.max)} |`,
    `| counters | ${h.counters} |`,
    ...(h.ownRank !== undefined ? [`| in your code | #${h.ownRank}, ${h.ownTier ?? h.tier} among the workspace's own functions |`] : []),
    ...(h.origin && h.origin !== 'workspace' && h.crate ? [`| from | ${h.origin === 'std' ? `the standard library (${h.crate})` : `dependency \`${h.crate}\``} |`] : []),
    ...(h.records.length > 1 ? [`| instances (generic) | ${h.records.length} |`] : []),
  ].join('\n');
}

export function annotateFile(
  heats: readonly FunctionHeat[],
  lines: readonly string[],
  opts: { source: string; minTier?: Tier } = { source: 'profile' },
): FunctionAnnotation[] {
  const min = TIER_RANK[opts.minTier ?? 'cold'];
  const out: FunctionAnnotation[] = [];
  for (const heat of heats) {
    const tier = shownTier(heat);
    if (TIER_RANK[tier] < min) continue;
    const line = locate(lines, heat);
    if (line === undefined) continue; // the function is gone or renamed: nothing to say about it
    const stale = heat.bodyHash !== undefined && functionHash(lines, line) !== heat.bodyHash;
    out.push({
      heat,
      line,
      stale,
      tier,
      lensTitle: stale ? '⚠ PGO: changed since the profile was recorded — run the pipeline to refresh' : lensTitle(heat),
      afterText: stale ? '  PGO: stale' : `  ${TIER_MARK[tier]} ${percent(heat.share)} · max ${compactCount(heat.max)}`,
      hoverMarkdown: stale
        ? `**${heat.display}** changed since the PGO profile (${opts.source}) was recorded: its old figures no longer describe this code. Run **PGO: Build Pipeline** to refresh them.`
        : hoverMarkdown(heat, opts.source),
    });
  }
  return out;
}
