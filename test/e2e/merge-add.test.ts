import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ProfileMetadata } from '../../src/core/pipeline/profile-metadata';
import { copyWorkspace, REPO, runCli } from './e2e-helpers';

/**
 * `pgo merge --add`: profiles from elsewhere (production, other machines, CI jobs) merged into a
 * component's profile, each checked against the instrumented build, with weights.
 */
describe('pgo merge --add', function () {
  this.timeout(15 * 60_000);
  let ws = '';
  let foreignWs = '';
  const pgoDir = (): string => path.join(ws, 'target', 'pgo', 'realworld');

  before(() => {
    ws = copyWorkspace(path.join(REPO, 'test', 'fixtures', 'realworld'), 'pgo-merge-add-');
    fs.writeFileSync(
      path.join(ws, 'pgo.yaml'),
      'version: 1\ncomponents:\n  realworld:\n    packages: [realworld]\n    defaultSize: 2000\n    workloads:\n      - name: run\n        command: ["{bin:realworld}", "{size}"]\n',
    );
    foreignWs = copyWorkspace(path.join(REPO, 'test', 'fixtures', 'tiny-app'), 'pgo-merge-foreign-');
  });
  after(() => {
    fs.rmSync(ws, { recursive: true, force: true });
    fs.rmSync(foreignWs, { recursive: true, force: true });
  });

  it('CI fan-in without a workload run: raw profiles of "jobs" merged with a weight, a foreign profile named', () => {
    // Two "CI jobs": the instrumented binary's raw profiles, copied out of the run folders.
    for (const size of ['2000', '300']) assert.equal(runCli(['pipeline', '--workspace', ws, '--size', size]).status, 0);
    const jobs = path.join(ws, 'ci-profiles');
    fs.mkdirSync(jobs);
    const raw = path.join(pgoDir(), 'raw');
    for (const run of fs.readdirSync(raw).filter((r) => r !== 'stray')) {
      for (const f of fs.readdirSync(path.join(raw, run, 'run')).filter((f) => f.endsWith('.profraw'))) fs.copyFileSync(path.join(raw, run, 'run', f), path.join(jobs, `${run}-${f}`));
    }
    assert.equal(fs.readdirSync(jobs).length, 2);
    fs.rmSync(raw, { recursive: true, force: true }); // no workload run left: only the added profiles
    const foreign = runCli(['pipeline', '--workspace', foreignWs, '--size', '3000']);
    assert.equal(foreign.status, 0, foreign.output);
    const foreignProfile = path.join(foreignWs, 'target', 'pgo', 'spin', 'spin.profdata');

    const r = runCli(['merge', '--workspace', ws, '--add', jobs, '--weight', '3', '--add', foreignProfile]);
    assert.equal(r.status, 0, r.output);
    assert.match(r.stdout, /added \S*ci-profiles \(2 file\(s\), weight 3\): \d+ of its \d+ functions match the instrumented build/);
    assert.ok(r.stdout.includes(`warning: added ${foreignProfile} (1 file(s), weight 1) is from another build: `), r.output);
    const meta = JSON.parse(fs.readFileSync(path.join(pgoDir(), 'realworld.profdata.json'), 'utf8')) as ProfileMetadata;
    const [ci, other] = meta.added ?? [];
    assert.ok(ci && other, JSON.stringify(meta.added));
    assert.ok((ci.matched ?? 0) > 0 && ci.matched === ci.functions, JSON.stringify(ci));
    assert.ok((other.matched ?? 0) < other.functions / 2, JSON.stringify(other));
    // The weight is real: the merged total is 3× the jobs' counts plus the foreign profile's.
    assert.equal(meta.totalCount, 3 * ci.totalCount + other.totalCount);
    assert.equal(meta.workload.runId, '');
    assert.equal(meta.quality?.verdict, 'good', JSON.stringify(meta.quality));

    const o = runCli(['optimize', '--workspace', ws]);
    assert.equal(o.status, 0, o.output);
  });

  it('names a path that is neither a profile nor a folder of them', () => {
    const r = runCli(['merge', '--workspace', ws, '--add', path.join(ws, 'Cargo.toml')]);
    assert.equal(r.status, 2, r.output);
    assert.match(r.stderr, /--add \S+Cargo\.toml: not a \.profraw or \.profdata file/);
  });
});
