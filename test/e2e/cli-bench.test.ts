import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BenchResults } from '../../src/core/bench/bench-results';
import { CLI, copyWorkspace, REPO, runCli } from './e2e-helpers';

const FIXTURE = path.join(REPO, 'test', 'fixtures', 'bench-app');

function resultsDir(ws: string): string {
  return path.join(ws, 'target', 'pgo', 'bench', 'crunch');
}

function latest(ws: string): BenchResults {
  return JSON.parse(fs.readFileSync(path.join(resultsDir(ws), 'latest.json'), 'utf8')) as BenchResults;
}

describe('pgo bench (real cargo, rustc and llvm-profdata)', () => {
  // Every test starts from the fixture's sources alone.
  let ws: string;
  beforeEach(() => {
    ws = copyWorkspace(FIXTURE, 'pgo-bench-');
  });
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('builds the variants, measures them alternately, writes a complete results file, and reuses fresh builds next time', () => {
    const r = runCli(['bench', 'crunch', '--runs', '3', '--json', '--workspace', ws]);
    assert.equal(r.status, 0, r.output);
    const printed = JSON.parse(r.stdout) as Array<BenchResults & { file: string }>;
    assert.equal(printed.length, 1);
    const res = latest(ws);
    assert.deepEqual(JSON.parse(fs.readFileSync(printed[0]!.file, 'utf8')), res);
    assert.match(path.basename(printed[0]!.file), /^results-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d+Z\.json$/);
    assert.equal(res.version, 1);
    assert.equal(res.component, 'crunch');
    assert.deepEqual([res.rounds, res.warmup, res.adaptive, res.cancelled], [3, 1, false, false]);
    assert.deepEqual(res.variants.map((v) => [v.name, v.usesProfile]), [['release', false], ['pgo', true], ['lto', false]]);
    assert.deepEqual(res.variants.find((v) => v.name === 'lto')?.settings, { lto: 'fat', codegenUnits: 1 });
    for (const v of res.variants) {
      assert.equal(v.reused, false, `${v.name} was built`);
      assert.ok((v.buildSeconds ?? 0) > 0, `${v.name} has a build time`);
      assert.equal(v.binaries.length, 1);
      assert.ok(fs.existsSync(v.binaries[0]!.path));
      assert.ok(v.binaries[0]!.fileBytes > 0);
      if (process.platform === 'linux') assert.ok((v.binaries[0]!.textBytes ?? 0) > 0 && v.binaries[0]!.textBytes! < v.binaries[0]!.fileBytes);
    }
    const pgo = res.variants.find((v) => v.name === 'pgo');
    assert.ok((pgo?.applied?.applied ?? 0) > 0, 'the pgo variant used its profile');
    // The pgo variant with default settings is the pipeline's own profile and optimized build.
    assert.ok(fs.existsSync(path.join(ws, 'target', 'pgo', 'crunch', 'crunch.profdata')));
    assert.ok(fs.existsSync(path.join(ws, 'target', 'pgo', 'crunch', 'variants', 'lto', 'build')));

    const [b] = res.benchmarks;
    assert.ok(b);
    assert.equal(b.name, 'other-seed');
    assert.deepEqual(b.command, ['{bin:crunch}', '3000000', '9']);
    for (const v of ['release', 'pgo', 'lto']) {
      assert.equal(b.runs[v]?.length, 3, `${v}: 3 measured runs`);
      for (const run of b.runs[v] ?? []) {
        assert.ok(run.wallMs > 0);
        if (process.platform !== 'win32') assert.ok(run.cpuMs !== undefined && run.maxRssKb !== undefined && run.maxRssKb > 0);
      }
      const s = b.stats[v];
      assert.ok(s && s.n === 3 && s.min <= s.median && s.median <= s.max && s.cv >= 0);
    }
    assert.deepEqual(Object.keys(b.vsRelease).sort(), ['lto', 'pgo']);
    for (const c of Object.values(b.vsRelease)) {
      assert.ok(c.ciLow <= c.speedup && c.speedup <= c.ciHigh);
      assert.ok(c.pValue > 0 && c.pValue <= 1);
      // Three runs a side cannot be significant (smallest exact p is 0.1): never a false verdict.
      assert.equal(c.verdict, 'no-difference');
    }
    assert.equal(b.outputCheck.mode, 'stdout-hash');
    assert.equal(b.outputCheck.agreed, true);
    assert.deepEqual(Object.keys(b.outputCheck.values).sort(), ['lto', 'pgo', 'release']);
    assert.ok(b.coverage && b.coverage.trainingCoversPercent > 0 && b.coverage.trainingCoversPercent <= 100, JSON.stringify(b.coverage));
    assert.equal(res.recommendation.variant, 'release');
    assert.match(res.recommendation.reason, /No variant was significantly faster than release/);

    // Second run: same settings and sources, so nothing is rebuilt; a new results file is added.
    const r2 = runCli(['bench', 'crunch', '--runs', '3', '--variants', 'pgo', '--workspace', ws]);
    assert.equal(r2.status, 0, r2.output);
    const res2 = latest(ws);
    assert.deepEqual(res2.variants.map((v) => [v.name, v.reused, v.buildSeconds]), [['release', true, undefined], ['pgo', true, undefined]]);
    assert.match(r2.stdout, /benchmark other-seed/);
    assert.match(r2.stdout, /recommendation: /);
    assert.match(r2.stdout, /coverage: the training covers [\d.]+% of what the benchmark executes/);
    assert.equal(fs.readdirSync(resultsDir(ws)).filter((f) => f.startsWith('results-')).length, 2);
  });

  it('pgo verify runs the tests with the PGO build settings and records the result', () => {
    const p = runCli(['pipeline', 'crunch', '--workspace', ws]);
    assert.equal(p.status, 0, p.output);
    const r = runCli(['verify', 'crunch', '--workspace', ws]);
    assert.equal(r.status, 0, r.output);
    assert.match(r.output, /crunch_is_deterministic \.\.\. ok/);
    const record = JSON.parse(fs.readFileSync(path.join(ws, 'target', 'pgo', 'crunch', 'verify.json'), 'utf8')) as { ok: boolean; command: string[]; profile: string };
    assert.equal(record.ok, true);
    assert.equal(record.command[1], 'test');
    assert.match(record.profile, /^[0-9a-f]{64}$/);

    // A build whose tests fail (here: an extra --cfg that a test rejects) fails verify and is recorded.
    const bad = runCli(['verify', 'crunch', '--rustflag=--cfg=pgo_bench_skew', '--workspace', ws]);
    assert.equal(bad.status, 1, bad.output);
    assert.match(bad.stderr, /error: the tests of "crunch" failed when built with the PGO profile and settings/);
    const failed = JSON.parse(fs.readFileSync(path.join(ws, 'target', 'pgo', 'crunch', 'verify.json'), 'utf8')) as { ok: boolean };
    assert.equal(failed.ok, false);
  });

  it('stops on SIGINT after the rounds done so far and keeps them, marked cancelled (exit 130)', async () => {
    const child = spawn(process.execPath, [CLI, 'bench', 'crunch', '--runs', '100000', '--variants', 'pgo', '--workspace', ws], { env: process.env });
    let out = '';
    let sent = false;
    const onData = (d: Buffer): void => {
      out += d.toString();
      // Interrupt once measured rounds are done (the second progress line): the event, not a delay.
      if (!sent && (out.match(/ of 100000/g) ?? []).length >= 2) {
        sent = true;
        child.kill('SIGINT');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    assert.equal(code, 130, out);
    const res = latest(ws);
    assert.equal(res.cancelled, true);
    const runs = res.benchmarks[0]?.runs ?? {};
    assert.ok((runs.release?.length ?? 0) >= 2, JSON.stringify(runs));
    assert.equal(res.rounds, Math.max(runs.release?.length ?? 0, runs.pgo?.length ?? 0));
  });

  it('catches a variant whose output differs, naming it, the benchmark and both values (exit 6)', () => {
    const yaml = fs.readFileSync(path.join(ws, 'pgo.yaml'), 'utf8').replace(
      /variants:\n(  .*\n)+/,
      'variants:\n  skewed: { pgo: true, build: { rustflags: ["--cfg", "pgo_bench_skew"] } }\n',
    );
    assert.match(yaml, /skewed/);
    fs.writeFileSync(path.join(ws, 'pgo.yaml'), yaml);
    const r = runCli(['bench', 'crunch', '--runs', '3', '--workspace', ws]);
    assert.equal(r.status, 6, r.output);
    const res = latest(ws);
    const b = res.benchmarks[0];
    assert.equal(b?.outputCheck.agreed, false);
    const { release, skewed } = b?.outputCheck.values ?? {};
    assert.ok(release && skewed && release !== skewed);
    assert.ok(r.stderr.includes(`error: PGO changed the program's output: variant skewed of benchmark "other-seed" printed stdout hash "${skewed}", release printed "${release}"`), r.stderr);
    assert.match(r.stderr, /fix: /);
  });
});
