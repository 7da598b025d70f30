import { escapeHtml } from './escape';

/**
 * Three small chart types as inline SVG strings. Why hand-written SVG and not a chart library:
 * the report must be one self-contained file that works offline, in CI artifacts and inside a
 * VS Code webview under a strict CSP (no scripts needed, no eval, no remote fonts); the charts are
 * static dot/bar/line plots, which take less code here than wiring a library's DOM renderer into a
 * string in Node. Colours are CSS classes (report-style.ts) so the page's theme variables —
 * VS Code's own colours in the webview — apply to them.
 */

const W = 760;
const FONT = 12;

export interface Scale {
  (v: number): number;
  ticks: number[];
}

/** A linear scale over `domain` onto pixel `range`, with ~`count` round tick values inside. */
export function linearScale(domain: [number, number], range: [number, number], count = 5): Scale {
  let [d0, d1] = domain;
  if (d1 <= d0) {
    const pad = Math.abs(d0) * 0.05 || 1;
    d0 -= pad;
    d1 += pad;
  }
  const [r0, r1] = range;
  const scale = ((v: number) => r0 + ((v - d0) / (d1 - d0)) * (r1 - r0)) as Scale;
  scale.ticks = niceTicks(d0, d1, count);
  return scale;
}

function niceTicks(lo: number, hi: number, count: number): number[] {
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

/** "1,234", "12.5", "0.25": tick labels without noise digits. */
export function tickLabel(v: number): string {
  const abs = Math.abs(v);
  if (abs >= 1000) return Math.round(v).toLocaleString('en-US');
  if (abs >= 10) return String(Number(v.toFixed(1)));
  return String(Number(v.toFixed(2)));
}

const f = (n: number): string => (Math.round(n * 10) / 10).toString();

function open(height: number, label: string): string {
  return (
    `<svg class="pgo-chart" viewBox="0 0 ${W} ${f(height)}" width="${W}" height="${f(height)}" role="img" aria-label="${escapeHtml(label)}" ` +
    `xmlns="http://www.w3.org/2000/svg" font-size="${FONT}"><title>${escapeHtml(label)}</title>`
  );
}

function text(x: number, y: number, s: string, cls: string, anchor: 'start' | 'middle' | 'end' = 'start'): string {
  return `<text x="${f(x)}" y="${f(y)}" class="${cls}" text-anchor="${anchor}">${escapeHtml(s)}</text>`;
}

/**
 * Shorten a label to `max` characters. A Rust path keeps its crate and its last segments
 * ("pipeline::…::TempoMap::tick_to_us"): the middle modules say the least.
 */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  const parts = pathSegments(s);
  if (parts.length > 2) {
    const head = `${parts[0]}::…`;
    let tail = '';
    for (let i = parts.length - 1; i > 0; i--) {
      const next = `::${parts[i]}${tail}`;
      if (head.length + next.length > max) break;
      tail = next;
    }
    if (tail) return head + tail;
  }
  return `…${s.slice(s.length - max + 1)}`;
}

/** `a::b<c::d>::e` → ["a", "b<c::d>", "e"]: only the `::` outside generic arguments separate. */
function pathSegments(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === '<') depth++;
    else if (ch === '>' && depth > 0) depth--;
    else if (ch === ':' && s[i + 1] === ':' && depth === 0) {
      out.push(s.slice(start, i));
      start = i + 2;
      i++;
    }
  }
  out.push(s.slice(start));
  return out;
}

function xAxis(scale: Scale, top: number, bottom: number, unit: string, left: number, right: number): string {
  const parts: string[] = [];
  for (const t of scale.ticks) {
    const x = scale(t);
    if (x < left - 0.5 || x > right + 0.5) continue;
    parts.push(`<line x1="${f(x)}" x2="${f(x)}" y1="${f(top)}" y2="${f(bottom)}" class="pgo-grid"/>`);
    parts.push(text(x, bottom + 14, tickLabel(t), 'pgo-tick', 'middle'));
  }
  parts.push(text(right, bottom + 28, unit, 'pgo-axis-label', 'end'));
  return parts.join('');
}

export interface DotRow {
  label: string;
  /** Colour series 1..6 (pgo-s1…). */
  series: number;
  samples: number[];
  median: number;
  low: number;
  high: number;
  /** Right-hand text, e.g. "1.21× [1.15–1.27] faster". */
  note: string;
  noteClass?: string;
}

/**
 * One row per variant: every run as a dot, the median as a bar, its confidence interval as a
 * whisker. The x axis does not start at 0 (differences of a few percent must be visible); the
 * axis labels say where it starts.
 */
export function dotWhiskerChart(rows: readonly DotRow[], unit: string, label: string): string {
  const rowH = 30;
  const top = 8;
  const left = 120;
  const right = W - 230;
  const height = top + rows.length * rowH + 36;
  const all = rows.flatMap((r) => [...r.samples, r.low, r.high]);
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const pad = (hi - lo) * 0.06 || hi * 0.02 || 1;
  const x = linearScale([lo - pad, hi + pad], [left, right], 6);
  const out = [open(height, label)];
  const bottom = top + rows.length * rowH;
  out.push(xAxis(x, top, bottom, unit, left, right));
  rows.forEach((r, i) => {
    const cy = top + i * rowH + rowH / 2;
    out.push(text(left - 8, cy + 4, clip(r.label, 16), 'pgo-label', 'end'));
    r.samples.forEach((s, j) => {
      // Deterministic vertical spread so equal timings stay visible as separate dots.
      const dy = ((j % 5) - 2) * 2.2;
      out.push(`<circle cx="${f(x(s))}" cy="${f(cy + dy)}" r="2.6" class="pgo-run pgo-s${r.series}"/>`);
    });
    out.push(`<line x1="${f(x(r.low))}" x2="${f(x(r.high))}" y1="${f(cy)}" y2="${f(cy)}" class="pgo-whisker"/>`);
    for (const end of [r.low, r.high]) out.push(`<line x1="${f(x(end))}" x2="${f(x(end))}" y1="${f(cy - 6)}" y2="${f(cy + 6)}" class="pgo-whisker"/>`);
    out.push(`<rect x="${f(x(r.median) - 2)}" y="${f(cy - 9)}" width="4" height="18" class="pgo-median pgo-s${r.series}"><title>${escapeHtml(`${r.label}: median ${tickLabel(r.median)} ${unit}`)}</title></rect>`);
    out.push(text(right + 12, cy + 4, r.note, r.noteClass ?? 'pgo-note'));
  });
  out.push('</svg>');
  return out.join('');
}

export interface BarRow {
  label: string;
  value: number;
  valueText: string;
  series?: number;
  /** Tooltip (full name when the label is clipped). */
  tooltip?: string;
}

/** Horizontal bars from 0, with an optional limit line (e.g. the binary size limit). */
export function barChart(rows: readonly BarRow[], unit: string, label: string, limit?: { value: number; text: string }): string {
  const rowH = 22;
  const top = limit ? 20 : 8;
  const left = 250;
  const right = W - 110;
  const height = top + rows.length * rowH + 36;
  const max = Math.max(...rows.map((r) => r.value), limit?.value ?? 0) * 1.05 || 1;
  const x = linearScale([0, max], [left, right], 5);
  const out = [open(height, label)];
  const bottom = top + rows.length * rowH;
  out.push(xAxis(x, top, bottom, unit, left, right));
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    const tip = `<title>${escapeHtml(r.tooltip ?? r.label)}: ${escapeHtml(r.valueText)}</title>`;
    out.push(`<g>${tip}${text(left - 8, y + rowH / 2 + 4, clip(r.label, 38), 'pgo-label', 'end')}`);
    out.push(`<rect x="${f(left)}" y="${f(y + 4)}" width="${f(Math.max(1, x(r.value) - left))}" height="${f(rowH - 8)}" class="pgo-bar pgo-s${r.series ?? 1}"/>`);
    out.push(`${text(x(r.value) + 6, y + rowH / 2 + 4, r.valueText, 'pgo-note')}</g>`);
  });
  if (limit) {
    const lx = x(limit.value);
    out.push(`<line x1="${f(lx)}" x2="${f(lx)}" y1="${f(top - 6)}" y2="${f(bottom)}" class="pgo-limit"/>`);
    out.push(text(lx, top - 8, limit.text, 'pgo-limit-label', 'middle'));
  }
  out.push('</svg>');
  return out.join('');
}

export interface TrendSeries {
  name: string;
  series: number;
  /** One point per run (index into the x labels); missing runs are skipped. */
  points: Array<{ x: number; y: number; low: number; high: number }>;
}

/** Speedup against release over earlier runs: a line per variant, CI whiskers, a dashed line at 1×. */
export function trendChart(xLabels: readonly string[], series: readonly TrendSeries[], label: string): string {
  const top = 28;
  const left = 60;
  const right = W - 20;
  const plotH = 200;
  const bottom = top + plotH;
  const height = bottom + 48;
  const ys = series.flatMap((s) => s.points.flatMap((p) => [p.low, p.high])).concat([1]);
  const lo = Math.min(...ys);
  const hi = Math.max(...ys);
  const pad = (hi - lo) * 0.08 || 0.05;
  const y = linearScale([lo - pad, hi + pad], [bottom, top], 5);
  const n = xLabels.length;
  const xAt = (i: number): number => (n <= 1 ? (left + right) / 2 : left + 20 + (i * (right - left - 40)) / (n - 1));
  const out = [open(height, label)];
  for (const t of y.ticks) {
    out.push(`<line x1="${left}" x2="${right}" y1="${f(y(t))}" y2="${f(y(t))}" class="pgo-grid"/>`);
    out.push(text(left - 6, y(t) + 4, `${tickLabel(t)}×`, 'pgo-tick', 'end'));
  }
  out.push(`<line x1="${left}" x2="${right}" y1="${f(y(1))}" y2="${f(y(1))}" class="pgo-baseline"/>`);
  out.push(text(right, y(1) - 4, 'release', 'pgo-tick', 'end'));
  // Label at most ~8 runs so the dates stay readable.
  const every = Math.max(1, Math.ceil(n / 8));
  xLabels.forEach((l, i) => {
    if (i % every === 0 || i === n - 1) out.push(text(xAt(i), bottom + 16, l, 'pgo-tick', 'middle'));
  });
  out.push(text(right, bottom + 34, 'run (date, commit)', 'pgo-axis-label', 'end'));
  let legendX = left;
  series.forEach((s, si) => {
    const offset = (si - (series.length - 1) / 2) * 3; // keep overlapping whiskers apart
    const pts = s.points.map((p) => `${f(xAt(p.x) + offset)},${f(y(p.y))}`).join(' ');
    if (s.points.length > 1) out.push(`<polyline points="${pts}" class="pgo-line pgo-s${s.series}"/>`);
    for (const p of s.points) {
      const px = xAt(p.x) + offset;
      out.push(`<line x1="${f(px)}" x2="${f(px)}" y1="${f(y(p.low))}" y2="${f(y(p.high))}" class="pgo-whisker pgo-stroke-s${s.series}"/>`);
      out.push(`<circle cx="${f(px)}" cy="${f(y(p.y))}" r="3.5" class="pgo-point pgo-s${s.series}"><title>${escapeHtml(`${s.name}: ${p.y.toFixed(2)}× [${p.low.toFixed(2)}–${p.high.toFixed(2)}]`)}</title></circle>`);
    }
    out.push(`<rect x="${f(legendX)}" y="6" width="10" height="10" class="pgo-bar pgo-s${s.series}"/>`);
    out.push(text(legendX + 14, 15, s.name, 'pgo-label'));
    legendX += 24 + s.name.length * 7;
  });
  out.push('</svg>');
  return out.join('');
}
