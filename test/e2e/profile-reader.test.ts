import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PgoError } from '../../src/core/errors';
import type { ProfileData, ProfileFunction } from '../../src/core/profile/profile-model';
import { readProfile } from '../../src/core/profile/read-profile';
import { copyWorkspace, EXAMPLE, matchedProfdata, run, runCli, rustcFacts } from './e2e-helpers';

/**
 * readProfile (llvm-profdata show + ShowOutputParser) on real output of two LLVM releases, for a
 * profile the test makes itself from examples/midi-studio. The ground truth is computed apart from
 * `show`: from `llvm-profdata merge --text` (a different format, written by different code) and
 * from `show --topn`, and the summary lines are checked against it.
 */
const LLVM14 = '/usr/lib/llvm-14/bin/llvm-profdata';

/** One record of a text profile: what the parser must find for it. */
interface TruthRecord {
  name: string;
  hash: string;
  counts: number[];
  sum: number;
  max: number;
}

/**
 * Reads the text format `llvm-profdata merge --text` writes: a header of `#` comments and `:flag`
 * lines, then per record its name, `# Func Hash:`, `# Num Counters:`, `# Counter Values:` (one per
 * line), optional value-profile data, and a blank line.
 */
function parseTextProfile(text: string): Map<string, TruthRecord> {
  const records = new Map<string, TruthRecord>();
  const lines = text.split('\n');
  let name: string | undefined;
  let hash = '';
  let n = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === '') {
      name = undefined;
    } else if (name === undefined) {
      if (!line.startsWith('#') && !line.startsWith(':')) name = line;
    } else if (line === '# Func Hash:') {
      hash = `0x${BigInt(lines[++i] ?? '').toString(16).padStart(16, '0')}`;
    } else if (line === '# Num Counters:') {
      n = Number(lines[++i]);
    } else if (line === '# Counter Values:') {
      const counts = lines.slice(i + 1, i + 1 + n).map(Number);
      i += n;
      const key = `${name}\n${hash}`;
      assert.ok(!records.has(key), `one record per name and hash: ${key}`);
      records.set(key, { name, hash, counts, sum: counts.reduce((a, b) => a + b, 0), max: Math.max(0, ...counts) });
    }
  }
  return records;
}

const keyOf = (f: { name: string; hash: string }): string => `${f.name}\n${f.hash}`;

function byKey(data: ProfileData): Map<string, ProfileFunction> {
  const m = new Map<string, ProfileFunction>();
  for (const f of data.functions) {
    assert.ok(!m.has(keyOf(f)), `one record per name and hash: ${keyOf(f)}`);
    m.set(keyOf(f), f);
  }
  return m;
}

/** Every record of the truth, and no other, with the same counter count, sum and max. */
function assertMatchesTruth(data: ProfileData, truth: Map<string, TruthRecord>, label: string): void {
  const got = byKey(data);
  assert.deepEqual([...got.keys()].sort(), [...truth.keys()].sort(), `${label}: the same records`);
  for (const [key, t] of truth) {
    const f = got.get(key);
    assert.ok(f);
    assert.deepEqual(
      { counters: f.counters, sum: f.sum, max: f.max },
      { counters: t.counts.length, sum: t.sum, max: t.max },
      `${label}: ${t.name}`,
    );
  }
  const total = [...truth.values()].reduce((a, t) => a + t.sum, 0);
  assert.equal(data.summary.totalCount, total, `${label}: total count`);
}

/** llvm-profdata's own `error: …` line for a file it cannot read. */
function llvmError(llvmProfdata: string, file: string): string {
  const r = spawnSync(llvmProfdata, ['show', '--all-functions', '--counts', file], { encoding: 'utf8' });
  assert.notEqual(r.status, 0, `${llvmProfdata} refuses ${file}`);
  const line = r.stderr.split('\n').find((l) => l.startsWith('error:'));
  assert.ok(line, `an error line in: ${r.stderr}`);
  return line;
}

async function rejection(p: Promise<unknown>): Promise<PgoError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof PgoError, `a PgoError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected readProfile to reject');
}

describe('readProfile on real llvm-profdata output (rustc\'s LLVM and LLVM 14)', function () {
  this.timeout(20 * 60_000);
  let ws: string;
  let dir: string;
  let matchedTool: string;
  let profdata: string;
  let proftext: string;
  let truth: Map<string, TruthRecord>;
  let readingMatched: ProfileData;
  const hasLlvm14 = (): boolean => fs.existsSync(LLVM14) && /LLVM version 14\./.test(run(LLVM14, ['show', '--version']));

  before(async () => {
    ws = copyWorkspace(EXAMPLE, 'pgo-e2e-reader-');
    for (const args of [['instrument', 'pipeline'], ['workload', 'pipeline', '--size', '200'], ['merge', 'pipeline']]) {
      const r = runCli([...args, '--workspace', ws]);
      assert.equal(r.status, 0, r.output);
    }
    profdata = path.join(ws, 'target', 'pgo', 'pipeline', 'pipeline.profdata');
    assert.ok(fs.existsSync(profdata), 'merge wrote the profile');
    matchedTool = matchedProfdata(ws);
    assert.match(run(matchedTool, ['show', '--version']), new RegExp(`LLVM version ${rustcFacts().llvmMajor}\\.`), 'the llvm-profdata of rustc\'s LLVM');
    dir = fs.mkdtempSync(path.join(ws, 'reader-'));
    proftext = path.join(dir, 'profile.proftext');
    run(matchedTool, ['merge', '--text', '-o', proftext, profdata]);
    truth = parseTextProfile(fs.readFileSync(proftext, 'utf8'));
    assert.ok(truth.size > 50, `records in the text profile: ${truth.size}`);
    readingMatched = await readProfile(matchedTool, profdata);
  });
  after(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('rustc\'s LLVM: every record, with its hash, counter count, sum and max, as in the text export', () => {
    assertMatchesTruth(readingMatched, truth, `LLVM ${rustcFacts().llvmMajor}`);
    assert.ok(readingMatched.functions.some((f) => /^[^;]+-cgu\.\d+;_ZN/.test(f.name)), 'local functions keep their `<cgu>;` prefix');
    assert.ok(readingMatched.functions.some((f) => f.max > 1000), 'the workload produced real counts');
  });

  it('rustc\'s LLVM: the summary lines agree with the text export', () => {
    const all = [...truth.values()];
    const s = readingMatched.summary;
    assert.equal(s.instrumentationLevel, 'IR');
    assert.equal(s.totalFunctions, truth.size);
    assert.equal(s.functionsShown, truth.size);
    assert.equal(s.totalBlocks, all.reduce((a, t) => a + t.counts.length, 0));
    // LLVM's profile summary: counter 0 is the entry count, the others are internal blocks.
    assert.equal(s.maximumFunctionCount, Math.max(...all.map((t) => t.counts[0] ?? 0)));
    assert.equal(s.maximumInternalBlockCount, Math.max(...all.map((t) => Math.max(0, ...t.counts.slice(1)))));
  });

  it('rustc\'s LLVM: `show --topn` names the same hottest functions with the same max counts', () => {
    const N = 10;
    const top = [...run(matchedTool, ['show', `--topn=${N}`, profdata]).matchAll(/^ +(.+), max count = (\d+)$/gm)].map((m) => ({
      name: m[1] ?? '',
      max: Number(m[2]),
    }));
    assert.equal(top.length, N);
    for (const t of top) {
      assert.ok(
        readingMatched.functions.some((f) => f.name === t.name && f.max === t.max),
        `${t.name} with max ${t.max} in the parsed profile`,
      );
    }
    const ours = readingMatched.functions.map((f) => f.max).sort((a, b) => b - a).slice(0, N);
    assert.deepEqual(top.map((t) => t.max).sort((a, b) => b - a), ours);
  });

  it('LLVM 14 (IR profile converted through the text format) reads the same records', async function () {
    if (!hasLlvm14()) this.skip();
    const file = path.join(dir, 'profile-llvm14.profdata');
    run(LLVM14, ['merge', '-o', file, writeForLlvm14(proftext, dir, 'ir')]);
    const reading14 = await readProfile(LLVM14, file);
    assertMatchesTruth(reading14, truth, 'LLVM 14');
    assert.equal(reading14.summary.instrumentationLevel, 'IR');
    assert.equal(reading14.summary.totalFunctions, truth.size);
    // Both readings, side by side: same names, same sum and max per record.
    const got22 = byKey(readingMatched);
    for (const f of reading14.functions) {
      const g = got22.get(keyOf(f));
      assert.deepEqual({ name: f.name, sum: f.sum, max: f.max }, { name: g?.name, sum: g?.sum, max: g?.max });
    }
    assert.deepEqual(new Set(reading14.functions.map((f) => f.name)), new Set(readingMatched.functions.map((f) => f.name)));
  });

  it('LLVM 14 front-end layout (`Function count:` printed apart) gives the same sums and maxima', async function () {
    // LLVM 14 prints `Function count:` (counter 0) apart from `Block counts:` (counters 1…) only
    // for front-end profiles; for IR profiles it prints the LLVM 22 layout. Dropping the `:ir`
    // header flag makes the same counters a front-end profile, so the real LLVM 14 output of that
    // layout is checked too.
    if (!hasLlvm14()) this.skip();
    const file = path.join(dir, 'profile-llvm14-fe.profdata');
    run(LLVM14, ['merge', '-o', file, writeForLlvm14(proftext, dir, 'fe')]);
    const show = run(LLVM14, ['show', '--all-functions', '--counts', file]);
    assert.match(show, /^ {4}Function count: \d+$/m, 'the layout under test is really there');
    const reading = await readProfile(LLVM14, file);
    assertMatchesTruth(reading, truth, 'LLVM 14 front-end');
    assert.equal(reading.summary.instrumentationLevel, 'Front-end');
    for (const f of reading.functions) {
      assert.equal(f.functionCount, truth.get(keyOf(f))?.counts[0], `${f.name}: function count is counter 0`);
    }
  });

  it('passes llvm-profdata\'s own error text on for a profile it cannot read', async () => {
    const garbage = path.join(dir, 'garbage.profdata');
    // The indexed-profile magic (so our own header check lets it through) followed by
    // deterministic garbage: only llvm-profdata can tell what is wrong with it.
    const bytes = Buffer.alloc(4096);
    let x = 12345;
    for (let i = 0; i < bytes.length; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      bytes[i] = x >>> 24;
    }
    Buffer.from([0xff, 0x6c, 0x70, 0x72, 0x6f, 0x66, 0x69, 0x81]).copy(bytes, 0);
    fs.writeFileSync(garbage, bytes);
    const expected = llvmError(matchedTool, garbage);
    const e = await rejection(readProfile(matchedTool, garbage));
    assert.ok(e.message.includes(expected), `"${e.message}" includes "${expected}"`);
    assert.ok(e.message.includes(garbage), 'and names the file');
    assert.match(e.message, /is damaged/, 'a garbage header is damage, not a newer LLVM');
    assert.ok(e.fix, 'and says what to do');
  });

  it('passes llvm-profdata\'s own error text on when an LLVM 14 tool reads a profile of rustc\'s (newer) LLVM', async function () {
    if (!hasLlvm14() || rustcFacts().llvmMajor <= 14) this.skip();
    const expected = llvmError(LLVM14, profdata);
    assert.match(expected, /unsupported instrumentation profile format version/);
    const e = await rejection(readProfile(LLVM14, profdata));
    assert.ok(e.message.includes(expected), `"${e.message}" includes "${expected}"`);
  });
});

/** Header flags LLVM 14's text reader knows; it rejects any other `:flag` line. */
const LLVM14_FLAGS = new Set(['ir', 'fe', 'csir', 'entry_first', 'not_entry_first']);

/**
 * The LLVM 22 text export, written for LLVM 14's text reader. The record format is unchanged
 * between the two; only the header may carry flags LLVM 14 does not know. Today rustc's profiles
 * need none of them and the export is passed on as it is. `:instrument_loop_entries` (LLVM 20+)
 * would only say that loop entries, rather than loop bodies, carry counters: dropping it leaves
 * the counts themselves as they are, which is all this test compares. Any other unknown flag
 * changes what the counters mean (single-byte coverage, temporal traces…), so the test stops.
 * `layout: 'fe'` also drops `:ir`, for the front-end layout test.
 */
function writeForLlvm14(proftext: string, dir: string, layout: 'ir' | 'fe'): string {
  const lines = fs.readFileSync(proftext, 'utf8').split('\n');
  const out: string[] = [];
  let inHeader = true;
  for (const line of lines) {
    if (inHeader && line.startsWith(':')) {
      const flag = line.slice(1).trim().toLowerCase();
      if (flag === 'ir' && layout === 'fe') continue;
      if (flag === 'instrument_loop_entries') continue;
      assert.ok(LLVM14_FLAGS.has(flag), `the text export has a header flag LLVM 14 cannot read: ${line}`);
    } else if (inHeader && !line.startsWith('#')) {
      inHeader = false;
    }
    out.push(line);
  }
  const file = path.join(dir, `profile-${layout}.proftext`);
  fs.writeFileSync(file, out.join('\n'));
  return file;
}
