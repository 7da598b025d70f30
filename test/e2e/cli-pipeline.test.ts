import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ProfileMetadata } from '../../src/core/pipeline/profile-metadata';
import { copyWorkspace, EXAMPLE, matchedProfdata, restoreWorkspace, run, runCli } from './e2e-helpers';

/**
 * The real thing: the bundled CLI runs the four phases on a copy of examples/midi-studio with the
 * real cargo and llvm-profdata, and the results are checked from the outside.
 */
describe('pgo pipeline on examples/midi-studio (real cargo + llvm-profdata)', function () {
  this.timeout(20 * 60_000);
  let ws: string;
  let pipelineRun: ReturnType<typeof runCli>;
  const profdata = (): string => path.join(ws, 'target', 'pgo', 'pipeline', 'pipeline.profdata');
  const meta = (): ProfileMetadata => JSON.parse(fs.readFileSync(`${profdata()}.json`, 'utf8')) as ProfileMetadata;

  before(() => {
    ws = copyWorkspace(EXAMPLE, 'pgo-e2e-');
    pipelineRun = runCli(['pipeline', 'pipeline', '--workspace', ws, '--size', '400']);
  });
  after(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('exits 0 and prints a progress line per phase and the summary', () => {
    assert.equal(pipelineRun.status, 0, pipelineRun.output);
    for (const phase of ['instrument', 'workload', 'merge', 'optimize']) {
      assert.match(pipelineRun.stdout, new RegExp(`✔ ${phase} pipeline in \\d+\\.\\ds`));
    }
    assert.match(pipelineRun.stdout, /PGO summary — pipeline/);
    assert.match(pipelineRun.stdout, /profile applied to \d+ of \d+ instrumented functions/);
    assert.doesNotMatch(pipelineRun.stdout, /\x1b\[/, 'no colour when stdout is not a terminal');
  });

  it('writes a profile that llvm-profdata reads, with the parser\'s functions counted', () => {
    assert.ok(fs.existsSync(profdata()));
    const show = run(matchedProfdata(ws), ['show', '--all-functions', '--counts', profdata()]);
    const records = [...show.matchAll(/^ {2}(\S.*):\n(?: {4}.*\n)*? {4}Block counts: \[([^\]]*)\]/gm)];
    const parserRecords = records.filter((m) => /8pipeline3smf/.test(m[1] ?? ''));
    assert.ok(parserRecords.length >= 3, `expected pipeline::smf functions in the profile, got ${parserRecords.length}`);
    const hot = parserRecords.filter((m) => (m[2] ?? '').split(',').some((n) => Number(n) > 0));
    assert.ok(hot.length >= 3, 'the parser functions have non-zero counts');
  });

  it('builds an optimized midi-import that computes the same checksum as the standard build', () => {
    const optimized = meta().applied?.optimizedBinaries.find((b) => path.basename(b) === 'midi-import');
    assert.ok(optimized && fs.existsSync(optimized), 'optimized binary exists');
    assert.ok(optimized.startsWith(path.join(ws, 'target', 'pgo')), 'the user\'s target/release is not where PGO builds go');
    run('cargo', ['build', '--release', '--quiet', '--bin', 'midi-import'], { cwd: ws });
    const standard = path.join(ws, 'target', 'release', 'midi-import');
    const checksum = (bin: string): string => /checksum: ([0-9a-f]{16})/.exec(run(bin, ['300', '--seed', '99']))?.[1] ?? 'none';
    assert.equal(checksum(optimized), checksum(standard));
  });

  it('reports that the profile applied to at least 90% of the example crates\' instrumented functions', () => {
    const a = meta().applied;
    assert.ok(a, 'applied figures are in the metadata');
    assert.ok(a.workspaceInstrumented > 10, `instrumented workspace functions: ${a.workspaceInstrumented}`);
    assert.ok(a.workspaceApplied / a.workspaceInstrumented >= 0.9, `applied ${a.workspaceApplied} of ${a.workspaceInstrumented}`);
    assert.ok(a.usableShare > 0.9, `usable share ${a.usableShare}`);
  });

  it('writes the metadata a later run needs to tell a stale profile', () => {
    const m = meta();
    assert.equal(m.component, 'pipeline');
    assert.equal(m.workload.size, 400);
    assert.equal(m.sizeBytes, fs.statSync(profdata()).size);
    assert.match(m.sha256, /^[0-9a-f]{64}$/);
    assert.match(m.sourceHash, /^[0-9a-f]{16}$/);
    assert.match(m.toolchain.rustc, /^rustc \d+\.\d+/);
    assert.match(m.toolchain.llvm, /^\d+\./);
    assert.ok(m.llvmProfdata.path && m.llvmProfdata.version);
    assert.ok(m.functions > 10 && m.totalCount > 0);
    assert.equal(m.hottest.length, 10);
    assert.ok(m.hottest.every((h) => !/17h[0-9a-f]{16}E$/.test(h.display)), 'hottest functions are demangled');
    assert.ok('commit' in m.git || Object.keys(m.git).length === 0);
  });

  it('`pgo show` prints the hottest functions as a table', () => {
    const r = runCli(['show', 'pipeline', '--workspace', ws, '--top', '5']);
    assert.equal(r.status, 0, r.output);
    assert.match(r.stdout, /#\s+share\s+total count\s+max block\s+function/);
    assert.equal(r.stdout.trim().split('\n').filter((l) => /^\s*\d+\s+\d/.test(l)).length, 5);
  });

  it('`pgo clean` removes only the PGO artifacts', () => {
    // On a copy: the other tests read this workspace's results, in any order.
    const copy = `${ws}-clean`;
    restoreWorkspace(ws, copy);
    try {
      const canary = path.join(copy, 'target', 'release', 'canary.txt');
      fs.mkdirSync(path.dirname(canary), { recursive: true });
      fs.writeFileSync(canary, 'keep me');
      const r = runCli(['clean', 'all', '--workspace', copy]);
      assert.equal(r.status, 0, r.output);
      assert.equal(fs.existsSync(path.join(copy, 'target', 'pgo')), false);
      assert.equal(fs.readFileSync(canary, 'utf8'), 'keep me', 'the rest of target/ is untouched');
      assert.ok(fs.existsSync(path.join(copy, 'pgo.yaml')));
      assert.ok(fs.existsSync(profdata()), 'the original workspace keeps its profile');
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });
});
