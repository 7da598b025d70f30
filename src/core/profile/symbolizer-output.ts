import { resolveDeclFile, type SourceLocation } from './source-location';

/**
 * Parses `llvm-nm --defined-only` lines (the address of each symbol) and
 * `llvm-symbolizer --verbose --print-address` output (the function and line at an address).
 */

// ---------------------------------------------------------------------------------------------
// llvm-nm

export interface NmSymbol {
  /** Lower-case hex without leading zeros or `0x`. */
  address: string;
  type: string;
  name: string;
}

const NM_LINE = /^([0-9a-fA-F]+) ([A-Za-z]) (\S.*)$/;

/** One line of `llvm-nm --defined-only` (BSD format); undefined for anything that is not a function symbol. */
export function parseNmLine(line: string): NmSymbol | undefined {
  const m = NM_LINE.exec(line);
  if (!m || !/^[tTwWiI]$/.test(m[2] ?? '')) return undefined;
  return { address: normalizeAddress(m[1] ?? '0'), type: m[2] ?? '', name: m[3] ?? '' };
}

function normalizeAddress(hex: string): string {
  return BigInt(`0x${hex.replace(/^0x/i, '')}`).toString(16);
}

// ---------------------------------------------------------------------------------------------
// llvm-symbolizer --verbose --print-address

export interface SymbolizerFrame {
  function: string;
  filename?: string;
  functionStartFilename?: string;
  functionStartLine?: number;
  functionStartAddress?: string;
  line?: number;
  column?: number;
}

export interface SymbolizedAddress {
  /** Lower-case hex without leading zeros or `0x`. */
  address: string;
  /** Inlined frames first, the function that contains the address last. */
  frames: SymbolizerFrame[];
}

const ADDRESS_LINE = /^0x[0-9a-fA-F]+$/;
const FIELD_LINE = /^\s+([A-Za-z][A-Za-z ]*):\s?(.*)$/;

/** A push parser for `llvm-symbolizer --verbose --print-address` output. */
export class SymbolizerVerboseParser {
  readonly results: SymbolizedAddress[] = [];
  private current: SymbolizedAddress | undefined;

  push(line: string): void {
    if (line.trim() === '') {
      this.current = undefined;
      return;
    }
    if (ADDRESS_LINE.test(line)) {
      this.current = { address: normalizeAddress(line), frames: [] };
      this.results.push(this.current);
      return;
    }
    if (!this.current) return;
    const field = FIELD_LINE.exec(line);
    if (!field) {
      if (!/^\s/.test(line)) this.current.frames.push({ function: line });
      return;
    }
    const frame = this.current.frames[this.current.frames.length - 1];
    if (!frame) return;
    const value = (field[2] ?? '').trim();
    const num = (): number | undefined => (/^\d+$/.test(value) ? Number.parseInt(value, 10) : undefined);
    switch (field[1]) {
      case 'Filename':
        frame.filename = value;
        break;
      case 'Function start filename':
        frame.functionStartFilename = value;
        break;
      case 'Function start line':
        frame.functionStartLine = num();
        break;
      case 'Function start address':
        frame.functionStartAddress = value;
        break;
      case 'Line':
        frame.line = num();
        break;
      case 'Column':
        frame.column = num();
        break;
      default:
        break;
    }
  }
}

export function parseSymbolizerVerbose(text: string): SymbolizedAddress[] {
  const p = new SymbolizerVerboseParser();
  for (const line of text.split('\n')) p.push(line.replace(/\r$/, ''));
  return p.results;
}

const UNKNOWN_FILE = new Set(['', '??', '<invalid>']);

/**
 * The source location of the function that contains an address (its outermost frame): the
 * `Function start line` (the decl line) when the debug info has one. Without (line tables only),
 * the line at the function's first address: the line-table row itself when it is a column-0
 * prologue row in the function's file (reported in the innermost frame when inlined code starts at
 * the same address: `encode_vlq` gives `min<u32>` smf.rs:544:0 inside `encode_vlq` smf.rs:545:23,
 * and 544 is the `fn` line), else the outer frame's line.
 */
export function frameLocation(
  entry: SymbolizedAddress,
  workspaceRoot?: string,
): { location: SourceLocation; kind: 'decl' | 'entry' } | undefined {
  const outer = entry.frames[entry.frames.length - 1];
  if (!outer) return undefined;
  const startFile = outer.functionStartFilename ?? outer.filename;
  if (outer.functionStartLine && startFile !== undefined && !UNKNOWN_FILE.has(startFile)) {
    return { location: { file: resolveDeclFile(startFile, undefined, workspaceRoot), line: outer.functionStartLine }, kind: 'decl' };
  }
  const inner = entry.frames[0];
  const row = inner && inner !== outer && inner.column === 0 && inner.filename === outer.filename && inner.line ? inner : outer;
  if (row.line && row.filename !== undefined && !UNKNOWN_FILE.has(row.filename)) {
    const location: SourceLocation = { file: resolveDeclFile(row.filename, undefined, workspaceRoot), line: row.line };
    if (row.column) location.column = row.column;
    return { location, kind: 'entry' };
  }
  return undefined;
}
