import type { ProfileFunction, ProfileSummary } from './profile-model';

/**
 * A line-at-a-time parser for `llvm-profdata show --all-functions --counts` text. It never needs
 * the whole output in memory: each completed record is handed to `onFunction`. It reads LLVM 22's
 * layout and the older one (LLVM 14 prints `Function count:` apart from `Block counts:`), and
 * skips lines it does not know, since every LLVM release adds some.
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
    if (line === 'Counters:') {
      this.inCounters = true;
      return;
    }
    // A record header is indented by two spaces and ends with a colon; fields by four.
    if (this.inCounters && line.startsWith('  ') && !line.startsWith('    ') && line.endsWith(':')) {
      this.flush();
      this.current = { name: line.slice(2, -1), hash: '', counters: 0, sum: 0, max: 0 };
      return;
    }
    if (this.current && line.startsWith('    ')) {
      this.field(line.trim());
      return;
    }
    if (!line.startsWith(' ')) {
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

  private field(text: string): void {
    const f = this.current;
    if (!f) return;
    const colon = text.indexOf(':');
    if (colon < 0) return;
    const key = text.slice(0, colon);
    const value = text.slice(colon + 1).trim();
    switch (key) {
      case 'Hash':
        f.hash = value;
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
      case 'Block counts': {
        if (!value.startsWith('[') || !value.endsWith(']')) {
          this.oddLines.push(text);
          break;
        }
        const counts = value.length > 2 ? value.slice(1, -1).split(',').map((s) => Number(s)) : [];
        for (const n of counts) {
          if (Number.isNaN(n)) continue;
          f.sum += n;
          if (n > f.max) f.max = n;
        }
        if (this.keepBlockCounts) f.blockCounts = counts;
        break;
      }
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
