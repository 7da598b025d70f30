import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyWorkspace, EXAMPLE, runCli } from './e2e-helpers';

/** Real failures, with the real toolchain: the message must name the problem and the fix. */
describe('pgo CLI failure paths', function () {
  this.timeout(10 * 60_000);
  const LLVM14 = '/usr/bin/llvm-profdata';

  it('doctor explains an LLVM 14 llvm-profdata instead of failing later in merge', function () {
    if (!fs.existsSync(LLVM14)) this.skip(); // only where Debian's llvm-14 is installed, as on this project's machines
    const r = runCli(['doctor', '--workspace', EXAMPLE], { LLVM_PROFDATA: LLVM14 });
    assert.equal(r.status, 3, r.output);
    assert.match(r.stdout, /FAIL {2}llvm-profdata: .*LLVM 14\.\d+\.\d+\).*cannot read profiles written by rustc's LLVM \d+/);
    assert.match(r.stdout, /fix: point it at \S+llvm-profdata\S* \(LLVM \d+/);
  });

  it('pipeline stops before building when llvm-profdata does not match', function () {
    if (!fs.existsSync(LLVM14)) this.skip();
    const ws = copyWorkspace(EXAMPLE, 'pgo-fail-');
    const r = runCli(['pipeline', '--workspace', ws, '--llvm-profdata', LLVM14]);
    assert.equal(r.status, 3, r.output);
    assert.match(r.stderr, /error: the configured llvm-profdata cannot be used: \/usr\/bin\/llvm-profdata \(from the setting, LLVM 14[.\d]*\): LLVM 14 cannot read profiles/);
    assert.match(r.stderr, /fix: point it at \S+ \(LLVM \d+/);
    assert.equal(fs.existsSync(path.join(ws, 'target', 'pgo', 'pipeline', 'instrumented')), false, 'nothing was built');
    const lastRun = JSON.parse(fs.readFileSync(path.join(ws, 'target', 'pgo', 'last-run.json'), 'utf8')) as { state: string; errorKind?: string };
    assert.deepEqual([lastRun.state, lastRun.errorKind], ['failed', 'profdata-mismatch']);
    fs.rmSync(ws, { recursive: true, force: true });
  });

  it('a bad pgo.yaml is reported with file:line:col', () => {
    const ws = copyWorkspace(EXAMPLE, 'pgo-badcfg-');
    fs.writeFileSync(path.join(ws, 'pgo.yaml'), 'components:\n  pipeline:\n    packages: [pipeline]\n    workloads:\n      - command: "midi-import 100"\n');
    const r = runCli(['pipeline', '--workspace', ws]);
    assert.equal(r.status, 2, r.output);
    assert.match(r.stderr, new RegExp(`${path.join(ws, 'pgo.yaml').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:5:18: .*not a shell string`));
    fs.rmSync(ws, { recursive: true, force: true });
  });

  it('an unknown component names the choices', () => {
    const r = runCli(['instrument', 'dawn', '--workspace', EXAMPLE]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /no component "dawn"\nfix: use one of: pipeline, daw, all/);
  });

  it('a folder without Cargo.toml says so', () => {
    const r = runCli(['pipeline', '--workspace', fs.mkdtempSync('/tmp/pgo-empty-')]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /is not inside a Cargo workspace/);
  });
});
