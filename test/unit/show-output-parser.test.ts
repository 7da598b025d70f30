import assert from 'node:assert/strict';
import { ShowOutputParser } from '../../src/core/profile/show-output-parser';
import type { ProfileFunction } from '../../src/core/profile/profile-model';

function parse(text: string, keep = false) {
  const fns: ProfileFunction[] = [];
  const p = new ShowOutputParser((f) => fns.push(f), keep);
  for (const line of text.split('\n')) p.feed(line);
  return { fns, summary: p.end() };
}

// The layout LLVM 22 prints for an IR profile (from toolchain-facts.md).
const LLVM22 = `Counters:
  _ZN7pgodemo4main17h87b0dd7fc91cd0a3E:
    Hash: 0x09b294e9e49919f9
    Counters: 4
    Block counts: [0, 5697200, 1434200, 1]
  pgodemo.d79d5bf3ec17ef23-cgu.0;_ZN7pgodemo6Parser5parse17h3e961a87c6124f5bE:
    Hash: 0x0a4d0ad3efffffff
    Counters: 1
    Block counts: [7]
Instrumentation level: IR  entry_first = 0  instrument_loop_entries = 0
Functions shown: 2
Total functions: 2
Maximum function count: 1
Maximum internal block count: 5697200
Total number of blocks: 5
Total count: 7131408
`;

// The older layout (LLVM 14): the entry count apart, and an unknown line in between.
const LLVM14 = `Counters:
  main:
    Hash: 0x0000000000000018
    Counters: 3
    Function count: 1
    Some future field: 12
    Block counts: [10, 0]
  foo.c:helper:
    Hash: 0x0000000000000000
    Counters: 1
    Function count: 10
    Block counts: []
Instrumentation level: Front-end
Functions shown: 2
Total functions: 2
Maximum function count: 10
Maximum internal block count: 10
`;

describe('llvm-profdata show parser', () => {
  it('reads LLVM 22 records and totals', () => {
    const { fns, summary } = parse(LLVM22, true);
    assert.equal(fns.length, 2);
    assert.deepEqual(fns[0], {
      name: '_ZN7pgodemo4main17h87b0dd7fc91cd0a3E',
      hash: '0x09b294e9e49919f9',
      counters: 4,
      sum: 7131401,
      max: 5697200,
      blockCounts: [0, 5697200, 1434200, 1],
    });
    assert.equal(fns[1]?.name, 'pgodemo.d79d5bf3ec17ef23-cgu.0;_ZN7pgodemo6Parser5parse17h3e961a87c6124f5bE');
    assert.equal(summary.totalCount, 7131408);
    assert.equal(summary.instrumentationLevel, 'IR');
    assert.equal(summary.totalFunctions, 2);
    assert.equal(summary.maximumInternalBlockCount, 5697200);
  });

  it('reads LLVM 14 records, counting the separate function count, and skips unknown lines', () => {
    const { fns, summary } = parse(LLVM14);
    assert.deepEqual(
      fns.map((f) => [f.name, f.functionCount, f.sum, f.max, f.blockCounts]),
      [
        ['main', 1, 11, 10, undefined],
        ['foo.c:helper', 10, 10, 10, undefined],
      ],
    );
    assert.equal(summary.totalCount, 21, 'no "Total count:" line: the sum of the records');
    assert.equal(summary.instrumentationLevel, 'Front-end');
  });

  it('streams: each record is delivered as soon as the next one starts', () => {
    const seen: string[] = [];
    const p = new ShowOutputParser((f) => seen.push(f.name));
    const lines = LLVM22.split('\n');
    for (const l of lines.slice(0, 6)) p.feed(l);
    assert.deepEqual(seen, ['_ZN7pgodemo4main17h87b0dd7fc91cd0a3E']);
  });

  it('tolerates garbage without throwing', () => {
    const { fns } = parse('warning: something\nCounters:\n  f:\n    Block counts: not a list\n    Hash: 0x1\n');
    assert.equal(fns.length, 1);
    assert.equal(fns[0]?.sum, 0);
  });

  // The fast paths (block counts scanned in place, `Hash:` and `Counters:` read without trim) must
  // read every line exactly as splitting at commas and Number() did.
  const reference = (inner: string) => {
    const counts = inner.length > 0 ? inner.split(',').map((s) => Number(s)) : [];
    const valid = counts.filter((n) => !Number.isNaN(n));
    return { counts, sum: valid.reduce((a, b) => a + b, 0), max: Math.max(0, ...valid) };
  };
  const oneRecord = (fields: string[], keep = true) => parse(['Counters:', '  f:', ...fields, 'Total functions: 1'].join('\n'), keep).fns[0];

  it('reads block counts exactly as split-and-Number, for the usual and the odd', () => {
    const inners = [
      '', ' ', '0', '1, 2, 3', '1,2,3', '  4 ,  5  ', '1,,2', '1,', ',', ',,', ' , ', '1, x', 'x', '-5, 3', '1e3, 2', '0x10, 1',
      '5 6', '\t4, 1', '007, 08', 'Infinity, 1',
      '999999999999999', '9999999999999999', '9007199254740993', '18446744073709551615', '0000000000000000012', '12345678901234567890, 1',
    ];
    for (const inner of inners) {
      const f = oneRecord([`    Block counts: [${inner}]`]);
      const want = reference(inner);
      assert.deepEqual({ counts: f?.blockCounts, sum: f?.sum, max: f?.max }, want, `[${inner}]`);
    }
  });

  it('reads block counts the same without keeping them', () => {
    const f = oneRecord(['    Block counts: [3, 1,, 40, x, 2]'], false);
    assert.deepEqual([f?.sum, f?.max, f?.blockCounts], [46, 40, undefined]);
  });

  it('reads fields laid out other than llvm-profdata usually prints them', () => {
    const f = oneRecord(['    Hash:   0x00ab  ', '    Counters: 12 ', '      Block counts:  [1, 2] ']);
    assert.deepEqual([f?.hash, f?.counters, f?.sum, f?.max, f?.blockCounts], ['0x00ab', 12, 3, 2, [1, 2]]);
    const g = oneRecord(['    Hash: 0x1', '    Counters: 7abc', '    Block counts: [5] ']);
    assert.deepEqual([g?.hash, g?.counters, g?.sum], ['0x1', 7, 5]);
    const h = oneRecord(['    Counters: x', '    Block counts: [5', '    Hash: ']);
    assert.deepEqual([h?.hash, h?.counters, h?.sum], ['', 0, 0]);
  });

  it('reports a block counts line it cannot read in oddLines', () => {
    const p = new ShowOutputParser(() => undefined);
    for (const line of ['Counters:', '  f:', '    Block counts: [1, 2', '    Block counts: 3']) p.feed(line);
    p.end();
    assert.deepEqual(p.oddLines, ['Block counts: [1, 2', 'Block counts: 3']);
  });

  it('keeps names and hashes intact when lines are cut from one large chunk, as readline does', () => {
    const chunk = `${LLVM22}`.repeat(3);
    const fns: ProfileFunction[] = [];
    const p = new ShowOutputParser((f) => fns.push(f));
    let start = 0;
    for (let end = chunk.indexOf('\n'); end >= 0; start = end + 1, end = chunk.indexOf('\n', start)) p.feed(chunk.slice(start, end));
    p.end();
    assert.deepEqual(
      fns.slice(0, 2).map((f) => [f.name, f.hash]),
      [
        ['_ZN7pgodemo4main17h87b0dd7fc91cd0a3E', '0x09b294e9e49919f9'],
        ['pgodemo.d79d5bf3ec17ef23-cgu.0;_ZN7pgodemo6Parser5parse17h3e961a87c6124f5bE', '0x0a4d0ad3efffffff'],
      ],
    );
  });
});
