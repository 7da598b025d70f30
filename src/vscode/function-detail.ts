import { compactCount, percent } from '../core/report/format';
import type { FunctionHeat } from '../core/profile/source-index';

/** A function's block-count distribution as Markdown: one bar per counter, largest first. */
export function functionDetailMarkdown(h: FunctionHeat, component: string): string {
  const counts = [...(h.blockCounts ?? [])].sort((a, b) => b - a);
  const max = counts[0] ?? 0;
  const width = 40;
  const rows = counts.map((c, i) => {
    const n = max > 0 ? Math.round((c / max) * width) : 0;
    return `| ${i + 1} | \`${'█'.repeat(n)}${n === 0 && c > 0 ? '▏' : ''}\` | ${c.toLocaleString('en-US')} |`;
  });
  const zero = counts.filter((c) => c === 0).length;
  return [
    `# ${h.display}`,
    '',
    `Profile **${component}** · ${h.tier} · ${percent(h.share)} of all counts · total ${h.sum.toLocaleString('en-US')} · hottest block ${compactCount(h.max)}` +
      (h.records.length > 1 ? ` · ${h.records.length} generic instances (distribution of the hottest one)` : ''),
    '',
    `${counts.length} counters, ${zero} never executed during the workload.`,
    '',
    '| # | blocks, by count | count |',
    '|---:|---|---:|',
    ...rows,
    '',
    'Counters are LLVM IR basic-block counts from the instrumented build; a block executed 0 times',
    'is laid out as cold code by the optimized build.',
  ].join('\n');
}
