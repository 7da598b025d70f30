import assert from 'node:assert/strict';
import { DEFAULT_STOP, MAX_ROUNDS_PER_CALL, RoundPlanner, roundsLeftEstimate, roundsPerCall, seededRandom, shuffled, stopReason, type StopPolicy } from '../../src/core/bench/schedule';
import { firstDisagreement, outputChangedError, outputValue } from '../../src/core/bench/output-check';
import { parseProbeLine, scheduleText } from '../../src/core/bench/run-probe';
import { parseEdgeOverlap, untrainedHot } from '../../src/core/bench/workload-coverage';
import { analyse, selectVariants } from '../../src/core/bench/run-bench';
import { defaultVariants } from '../../src/core/config/bench-config';
import { ExitCode, PgoError } from '../../src/core/errors';
import type { ProfileFunction } from '../../src/core/profile/profile-model';

const VARIANTS = ['release', 'pgo', 'lto', 'lto+pgo'];

describe('bench schedule', () => {
  it('starts with a warm-up round, then numbers the measured rounds', () => {
    const p = new RoundPlanner(VARIANTS, 1);
    const rounds = Array.from({ length: 4 }, () => p.next());
    assert.deepEqual(rounds.map((r) => [r.index, r.warmup]), [[0, true], [1, false], [2, false], [3, false]]);
  });

  it('runs every variant exactly once per round, in orders that change from round to round', () => {
    const p = new RoundPlanner(VARIANTS, 7);
    const orders = Array.from({ length: 20 }, () => p.next().order);
    for (const o of orders) assert.deepEqual([...o].sort(), [...VARIANTS].sort());
    assert.ok(new Set(orders.map((o) => o.join())).size > 5, 'the order is shuffled');
    // Every variant is first in some round: none is favoured by always running first.
    for (const v of VARIANTS) assert.ok(orders.some((o) => o[0] === v), `${v} never ran first`);
  });

  it('is reproducible from its seed, and another seed gives another order', () => {
    const orders = (seed: number): string[] => {
      const p = new RoundPlanner(VARIANTS, seed);
      return Array.from({ length: 10 }, () => p.next().order.join());
    };
    assert.deepEqual(orders(42), orders(42));
    assert.notDeepEqual(orders(42), orders(43));
  });

  it('shuffles without changing its input, uniformly enough', () => {
    const input = ['a', 'b', 'c'];
    const rnd = seededRandom(3);
    const firsts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 3000; i++) firsts[shuffled(input, rnd)[0] ?? '']!++;
    assert.deepEqual(input, ['a', 'b', 'c']);
    for (const n of Object.values(firsts)) assert.ok(n > 850 && n < 1150, `first-place counts ${JSON.stringify(firsts)}`);
  });
});

describe('bench adaptive stop', () => {
  const adaptive: StopPolicy = { ...DEFAULT_STOP, budgetMs: 60_000 };

  it('with --runs N runs exactly N rounds, whatever the precision', () => {
    const fixed: StopPolicy = { ...adaptive, fixedRounds: 3 };
    assert.equal(stopReason(fixed, { rounds: 2, widths: [0], elapsedMs: 1e9 }), undefined);
    assert.equal(stopReason(fixed, { rounds: 3, widths: [Infinity], elapsedMs: 0 }), 'fixed');
  });

  it('runs at least the minimum rounds even when the CIs are already narrow', () => {
    assert.equal(stopReason(adaptive, { rounds: 4, widths: [0.01, 0.01], elapsedMs: 1000 }), undefined);
    assert.equal(stopReason(adaptive, { rounds: 5, widths: [0.01, 0.01], elapsedMs: 1000 }), 'precise');
  });

  it('keeps going while any variant\'s CI is wider than the target', () => {
    assert.equal(stopReason(adaptive, { rounds: 10, widths: [0.01, 0.05], elapsedMs: 10_000 }), undefined);
    assert.equal(stopReason(adaptive, { rounds: 10, widths: [0.01, Infinity], elapsedMs: 10_000 }), undefined);
  });

  it('stops before a round that would overrun the budget, and at the round cap', () => {
    // 10 rounds took 55 s: the 11th (~5.5 s) would end past 60 s.
    assert.equal(stopReason(adaptive, { rounds: 10, widths: [0.2], elapsedMs: 55_000 }), 'budget');
    assert.equal(stopReason(adaptive, { rounds: 10, widths: [0.2], elapsedMs: 50_000 }), undefined);
    assert.equal(stopReason({ ...adaptive, maxRounds: 12 }, { rounds: 12, widths: [0.2], elapsedMs: 1 }), 'max-rounds');
  });

  it('runs short rounds many to a probe call, long ones one at a time, within the count and budget', () => {
    assert.equal(roundsPerCall(adaptive, 0, 0), 1);
    assert.equal(roundsPerCall(adaptive, 5, 10_000), 1); // 2 s a round
    assert.equal(roundsPerCall(adaptive, 5, 250), 10); // 50 ms a round: 10 fill half a second
    assert.equal(roundsPerCall(adaptive, 5, 1), MAX_ROUNDS_PER_CALL);
    assert.equal(roundsPerCall({ ...adaptive, fixedRounds: 8 }, 5, 5), 3);
    assert.equal(roundsPerCall(adaptive, 100, 59_900), 1); // 0.6 s of a 60 s budget left → 1 more (at least one)
  });

  it('estimates the rounds left for the progress line', () => {
    assert.equal(roundsLeftEstimate({ ...adaptive, fixedRounds: 8 }, 3, 999), 5);
    assert.equal(roundsLeftEstimate(adaptive, 0, 0), 5);
    assert.equal(roundsLeftEstimate(adaptive, 10, 30_000), 10); // 3 s a round, 30 s of budget left
    assert.equal(roundsLeftEstimate(adaptive, 2, 59_000), 3); // the minimum is run anyway
  });
});

describe('bench output check', () => {
  const spec = { name: 'b', command: ['x'], env: {} };
  it('hashes stdout by default and takes the regex group when configured', () => {
    assert.equal(outputValue(spec, 'a\n', 'pgo'), outputValue(spec, 'a\n', 'lto'));
    assert.notEqual(outputValue(spec, 'a\n', 'pgo'), outputValue(spec, 'b\n', 'pgo'));
    const re = { ...spec, output: { regex: 'checksum: (\\w+)' } };
    assert.equal(outputValue(re, 'files: 3\nchecksum: 00ff\nfiles/sec: 12.5\n', 'pgo'), '00ff');
    assert.throws(() => outputValue(re, 'nothing here', 'pgo'), (e: unknown) => e instanceof PgoError && /does not match output\.regex/.test(e.message) && e.code === ExitCode.Usage);
  });

  it('names the variant, the benchmark and both values when one differs', () => {
    const d = firstDisagreement({ release: '1', pgo: '1', skew: '2' }, 'release');
    assert.deepEqual(d, { variant: 'skew', value: '2', expected: '1' });
    assert.equal(firstDisagreement({ release: '1', pgo: '1' }, 'release'), undefined);
    const e = outputChangedError('seed-9', 'release', d!, 'regex', true);
    assert.equal(e.code, ExitCode.OutputChanged);
    assert.match(e.message, /^PGO changed the program's output: variant skew of benchmark "seed-9" printed captured output "2", release printed "1"/);
  });
});

describe('bench probe protocol', () => {
  it('escapes tabs, newlines and backslashes in the schedule', () => {
    assert.equal(scheduleText([{ id: 'pgo', argv: ['/bin/x', 'a\tb', 'c\\d\ne'], stderrFile: '/t/e' }]), 'pgo\t\t/t/e\t/bin/x\ta\\tb\tc\\\\d\\ne\n');
  });

  it('reads wall (ns), CPU (µs) and peak RSS (KiB), and their absence on Windows', () => {
    assert.deepEqual(parseProbeLine('lto\texit:0\t1500000\t1200\t3584'), { id: 'lto', status: 'exit:0', wallMs: 1.5, cpuMs: 1.2, maxRssKb: 3584 });
    assert.deepEqual(parseProbeLine('lto\texit:0\t2000000\t-\t-'), { id: 'lto', status: 'exit:0', wallMs: 2, cpuMs: undefined, maxRssKb: undefined });
    assert.equal(parseProbeLine('garbage'), undefined);
  });
});

describe('bench coverage and analysis', () => {
  it('reads the program-level edge overlap of llvm-profdata overlap (LLVM 22 output)', () => {
    const text = 'Profile overlap information for base_profile: a and test_profile: b\nProgram level:\n  # of functions overlap: 197\n  Edge profile overlap: 99.607%\n  Edge profile base count sum: 677146933\n';
    assert.equal(parseEdgeOverlap(text), 99.607);
    assert.equal(parseEdgeOverlap('nothing'), undefined);
  });

  it('lists the benchmark\'s hot functions that the training never ran', () => {
    const f = (name: string, sum: number): ProfileFunction => ({ name, hash: '0', counters: 1, sum, max: sum });
    const training = [f('_ZN1a4main17h0000000000000000E', 100), f('_ZN1a4cold17h0000000000000000E', 0)];
    const bench = [f('_ZN1a4main17h0000000000000000E', 50), f('_ZN1a4cold17h0000000000000000E', 45), f('_ZN1a4rare17h0000000000000000E', 5), f('_ZN1a4tiny17h0000000000000000E', 0)];
    assert.deepEqual(untrainedHot(training, bench), [
      { name: 'a::cold', share: 0.45 },
      { name: 'a::rare', share: 0.05 },
    ]);
  });

  it('summarizes and compares only what was measured (a cancelled run keeps partial rounds)', () => {
    const r = (ms: number[]): { wallMs: number }[] => ms.map((wallMs) => ({ wallMs }));
    const a = analyse({ release: r([100, 101, 99, 100, 102, 100]), pgo: r([80, 81, 79, 80, 82, 80]), lto: [] });
    assert.deepEqual(Object.keys(a.stats), ['release', 'pgo']);
    assert.deepEqual(Object.keys(a.vsRelease), ['pgo']);
    assert.equal(a.vsRelease.pgo?.verdict, 'faster');
    assert.ok(Math.abs((a.vsRelease.pgo?.speedup ?? 0) - 1.25) < 1e-9);
    assert.equal(a.cpuStats, undefined, 'no CPU figures without CPU times');
    const withCpu = analyse({
      release: [100, 101, 99, 100, 102, 100].map((w, i) => ({ wallMs: w, cpuMs: 50 + i })),
      pgo: [100, 101, 99, 100, 102, 100].map((w, i) => ({ wallMs: w, cpuMs: 40 + i })),
    });
    assert.equal(withCpu.vsRelease.pgo?.verdict, 'no-difference');
    assert.equal(withCpu.cpuVsRelease?.pgo?.verdict, 'faster');
    assert.equal(withCpu.cpuStats?.release?.median, 52.5);
  });

  it('narrows the variants with --variants, keeping release, and names an unknown one', () => {
    assert.deepEqual(selectVariants(defaultVariants(), ['lto']).map((v) => v.name), ['release', 'lto']);
    assert.throws(() => selectVariants(defaultVariants(), ['pg0']), (e: unknown) => e instanceof PgoError && e.code === ExitCode.Usage && /no variant "pg0"/.test(e.message));
  });
});
