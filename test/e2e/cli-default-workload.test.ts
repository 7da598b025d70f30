import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ProfileMetadata } from '../../src/core/pipeline/profile-metadata';
import { copyWorkspace, REPO, runCli } from './e2e-helpers';

/**
 * Without pgo.yaml the seed's default workload (`cargo test --release`) runs. For a binary whose
 * only exercise is its unit tests, none of those counts can apply to the shipped binary: the
 * pipeline must say so, naming the workload, instead of reporting success.
 */
describe('the seed\'s default workload on a binary tested only by unit tests', function () {
  this.timeout(10 * 60_000);

  it('is flagged: the optimized build used none of the profile, and the cause is named', () => {
    const ws = copyWorkspace(path.join(REPO, 'test', 'fixtures', 'unit-tests-only'), 'pgo-default-wl-');
    try {
      const r = runCli(['pipeline', '--workspace', ws]);
      assert.match(r.stdout, /▶ workload wordfreq — 1 command\(s\) \(default: cargo test --release\)/, r.output);
      assert.match(r.stdout, /workload "cargo-test": cargo test --release -p wordfreq -- --test-threads=1/);
      const meta = JSON.parse(fs.readFileSync(path.join(ws, 'target', 'pgo', 'wordfreq', 'wordfreq.profdata.json'), 'utf8')) as ProfileMetadata;
      assert.ok(meta.functions > 0, 'the test run was profiled');
      assert.ok(meta.applied, 'the applied figure was measured');
      assert.ok(meta.applied.usableShare < 0.5, `usable share ${meta.applied.usableShare}`);
      if (meta.applied.applied === 0) {
        assert.equal(r.status, 4, r.output);
        assert.match(r.stderr, /used none of the profile .*the workload ran only test binaries/);
      } else {
        assert.equal(r.status, 0, r.output);
        assert.match(r.stdout, /warning: only \d+% of the profile's counts can apply .*"cargo-test" \(\d+% usable\)/);
      }
    } finally {
      fs.rmSync(ws, { recursive: true, force: true });
    }
  });
});
