import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyWorkspace, REPO, runCli } from './e2e-helpers';

/**
 * Without pgo.yaml the seed's default workload (`cargo test --release`) runs. For a binary whose
 * only exercise is its unit tests, none of those counts can apply to the shipped binary: the
 * pipeline must stop before the optimized build (exit code 7), naming why and the fix.
 */
describe('the seed\'s default workload on a binary tested only by unit tests', function () {
  this.timeout(10 * 60_000);

  it('is stopped before the optimized build: none of the binary\'s own code ran, and the fix is named', () => {
    const ws = copyWorkspace(path.join(REPO, 'test', 'fixtures', 'unit-tests-only'), 'pgo-default-wl-');
    try {
      const r = runCli(['pipeline', '--workspace', ws]);
      assert.match(r.stdout, /▶ workload wordfreq — 1 command\(s\) \(default: cargo test --release\)/, r.output);
      assert.match(r.stdout, /workload "cargo-test": cargo test --release -p wordfreq -- --test-threads=1/);
      assert.match(r.stdout, /✔ workload wordfreq/, 'the test run was profiled');
      assert.equal(r.status, 7, r.output);
      assert.match(r.stderr, /error: the default workload \(cargo test --release\) ran no code of wordfreq: none of the shipped binaries' \d+ workspace functions ran/);
      assert.match(r.stderr, /fix: add a workload that runs the binary/);
      assert.doesNotMatch(r.stdout, /▶ optimize/);
      assert.equal(fs.existsSync(path.join(ws, 'target', 'pgo', 'wordfreq', 'wordfreq.profdata.json')), false, 'no profile replaced the last good one');
    } finally {
      fs.rmSync(ws, { recursive: true, force: true });
    }
  });
});
