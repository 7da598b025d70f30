import type { ProfileFunction, ProfileSummary } from './profile-model';

const SPACE = 32;
const COLON = 58;
const COMMA = 44;
const ZERO = 48;
const CLOSE_BRACKET = 93;
/** Fields as llvm-profdata prints them, after the four-space indent. */
const BLOCK_COUNTS = 'Block counts: [';
const BLOCK_COUNTS_START = 4 + BLOCK_COUNTS.length;
const HASH = 'Hash: ';
const HASH_START = 4 + HASH.length;
const COUNTERS = 'Counters: ';
const COUNTERS_START = 4 + COUNTERS.length;
/** Up to 15 decimal digits accumulate exactly in a double; longer numbers go through Number(). */
const MAX_EXACT_DIGITS = 15;

/**
 * A copy of `s` that does not point into the string it was cut from. Lines from readline are
 * slices of 64 KB chunks of output, and V8 keeps a slice's whole parent alive: keeping only the
 * name and hash of each record would otherwise keep nearly all of the printed text in memory.
 */
function detach(s: string): string {
  return (' ' + s).slice(1);
}

/** A printable ASCII character other than a space: nothing trim() would remove. */
function visible(code: number): boolean {
  return code > SPACE && code < 127;
}

/** The decimal number that fills `s` from `start` to its end, or -1 if it is anything else. */
function plainNumber(s: string, start: number): number {
  const end = s.length;
  if (end === start || end - start > MAX_EXACT_DIGITS) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = s.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * A line-at-a-time parser for `llvm-profdata show --all-functions --counts` text. It never needs
 * the whole output in memory: each completed record is handed to `onFunction`. It reads LLVM 22's
 * layout and the older one (LLVM 14 prints `Function count:` apart from `Block counts:` for
 * front-end profiles), and skips lines it does not know, since every LLVM release adds some.
 *
 * `Block counts:` lines are scanned in place (no split, no per-number strings): on a profile of
 * 100,000 functions they are millions of numbers, and splitting them dominated the parse time.
 */
export class ShowOutputParser {
  private current: ProfileFunction | undefined;
  private inCounters = false;
  private sawTotalCount = false;
  private computedTotal = 0;
  readonly summary: ProfileSummary = { totalCount: 0 };
  /** Lines that looked like a record field but could not be read (kept for diagnostics). */
  readonly oddLines: string[] = [];

  constructor(
    private readonly onFunction: (f: ProfileFunction) => void,
    private readonly keepBlockCounts = false,
  ) {}

  feed(line: string): void {
    // A record header is indented by two spaces and ends with a colon; fields by four.
    if (line.charCodeAt(0) === SPACE && line.charCodeAt(1) === SPACE) {
      if (line.charCodeAt(2) === SPACE && line.charCodeAt(3) === SPACE) {
        if (this.current) this.field(line);
      } else if (this.inCounters && line.charCodeAt(line.length - 1) === COLON) {
        this.flush();
        this.current = { name: detach(line.slice(2, -1)), hash: '', counters: 0, sum: 0, max: 0 };
      }
      return;
    }
    if (line === 'Counters:') {
      this.inCounters = true;
      return;
    }
    if (line.charCodeAt(0) !== SPACE) {
      this.flush();
      this.summaryLine(line);
    }
  }

  /** Call once after the last line. */
  end(): ProfileSummary {
    this.flush();
    if (!this.sawTotalCount) this.summary.totalCount = this.computedTotal;
    return this.summary;
  }

  /**
   * A line indented by four spaces or more, inside a record. The usual layout of the three fields
   * every record has is read in place; anything else goes through trim() and the general path.
   */
  private field(line: string): void {
    const last = line.charCodeAt(line.length - 1);
    if (line.startsWith(BLOCK_COUNTS, 4) && last === CLOSE_BRACKET) {
      this.blockCounts(line, BLOCK_COUNTS_START, line.length - 1);
      return;
    }
    if (line.startsWith(HASH, 4) && visible(line.charCodeAt(HASH_START)) && visible(last)) {
      if (this.current) this.current.hash = detach(line.slice(HASH_START));
      return;
    }
    if (line.startsWith(COUNTERS, 4)) {
      const n = plainNumber(line, COUNTERS_START);
      if (n >= 0 && this.current) {
        this.current.counters = n;
        return;
      }
    }
    this.otherField(line.trim());
  }

  /**
   * The comma-separated numbers of `line` between `start` and `end` (the text inside the
   * brackets). Reads `[1, 2]`, `[]` and anything odd exactly as splitting at commas and calling
   * Number() on each piece would: plain decimal numbers are accumulated digit by digit, any other
   * piece is handed to Number() (so `[1,,2]` has a 0 and `[1, x]` a NaN, which is not counted).
   */
  private blockCounts(line: string, start: number, end: number): void {
    const f = this.current;
    if (!f) return;
    const counts: number[] | undefined = this.keepBlockCounts ? [] : undefined;
    let sum = f.sum;
    let max = f.max;
    let i = start;
    while (i < end) {
      let j = i;
      while (j < end && line.charCodeAt(j) === SPACE) j++;
      let n = 0;
      let digits = 0;
      for (; j < end; j++) {
        const d = line.charCodeAt(j) - ZERO;
        if (d < 0 || d > 9) break;
        n = n * 10 + d;
        digits++;
      }
      while (j < end && line.charCodeAt(j) === SPACE) j++;
      if (digits === 0 || digits > MAX_EXACT_DIGITS || (j < end && line.charCodeAt(j) !== COMMA)) {
        while (j < end && line.charCodeAt(j) !== COMMA) j++;
        n = Number(line.slice(i, j));
      }
      if (!Number.isNaN(n)) {
        sum += n;
        if (n > max) max = n;
      }
      counts?.push(n);
      if (j >= end) break;
      i = j + 1; // past the comma
      if (i === end) {
        // A trailing comma: one more, empty, piece (Number('') is 0).
        counts?.push(0);
        break;
      }
    }
    f.sum = sum;
    f.max = max;
    if (counts) f.blockCounts = counts;
  }

  private otherField(text: string): void {
    const f = this.current;
    if (!f) return;
    const colon = text.indexOf(':');
    if (colon < 0) return;
    const key = text.slice(0, colon);
    const value = text.slice(colon + 1).trim();
    switch (key) {
      case 'Hash':
        f.hash = detach(value);
        break;
      case 'Counters':
        f.counters = Number.parseInt(value, 10) || 0;
        break;
      case 'Function count': {
        const n = Number(value);
        f.functionCount = n;
        f.sum += n;
        f.max = Math.max(f.max, n);
        break;
      }
      case 'Block counts':
        // The fast path in field() takes the usual layout; this is `Block counts:  [1] ` and the like.
        if (!value.startsWith('[') || !value.endsWith(']')) {
          this.oddLines.push(text);
          break;
        }
        this.blockCounts(value, 1, value.length - 1);
        break;
      default:
        break; // Indirect call targets, value sites… are not needed here.
    }
  }

  private flush(): void {
    if (!this.current) return;
    this.computedTotal += this.current.sum;
    this.onFunction(this.current);
    this.current = undefined;
  }

  private summaryLine(line: string): void {
    const m = /^([A-Za-z][A-Za-z ]*?):\s*(.*)$/.exec(line);
    if (!m) return;
    const [, key, value = ''] = m;
    const num = Number(value.replace(/,/g, ''));
    switch (key) {
      case 'Instrumentation level':
        this.summary.instrumentationLevel = value.split(/\s+/)[0];
        this.inCounters = false;
        break;
      case 'Functions shown':
        this.summary.functionsShown = num;
        break;
      case 'Total functions':
        this.summary.totalFunctions = num;
        break;
      case 'Maximum function count':
        this.summary.maximumFunctionCount = num;
        break;
      case 'Maximum internal block count':
        this.summary.maximumInternalBlockCount = num;
        break;
      case 'Total number of blocks':
        this.summary.totalBlocks = num;
        break;
      case 'Total count':
        this.summary.totalCount = num;
        this.sawTotalCount = true;
        break;
      default:
        break;
    }
  }
}
