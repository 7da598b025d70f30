import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readLastRun } from '../../src/core/pipeline/last-run';
import type { ProfileMetadata } from '../../src/core/pipeline/profile-metadata';
import type { ComponentOutcome } from '../../src/core/pipeline/run-pipeline';
import { CLI, copyWorkspace, REPO, runCli } from './e2e-helpers';

/**
 * Issue 11: a real binary crate with no tests and no pgo.yaml. The default workload
 * (`cargo test --release`) runs none of the binary's code: the pipeline must stop before the
 * optimized build instead of shipping an "optimized" binary; a workload that runs the binary
 * (directly, or through the seed's kind of script) must then give a profile that applies.
 */
describe('first contact with a binary crate without tests or pgo.yaml', function () {
  this.timeout(15 * 60_000);
  let ws = '';
  const metaFile = (): string => path.join(ws, 'target', 'pgo', 'realworld', 'realworld.profdata.json');
  const writeWorkload = (command: string[]): void =>
    fs.writeFileSync(
      path.join(ws, 'pgo.yaml'),
      `version: 1\ncomponents:\n  realworld:\n    packages: [realworld]\n    defaultSize: 3000\n    workloads:\n      - name: run\n        command: ${JSON.stringify(command)}\n`,
    );

  before(() => {
    ws = copyWorkspace(path.join(REPO, 'test', 'fixtures', 'realworld'), 'pgo-first-contact-');
  });
  after(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('the default workload: stops before the optimized build, exit code 7, naming why and what to do', () => {
    const r = runCli(['pipeline', '--workspace', ws]);
    assert.equal(r.status, 7, r.output);
    assert.match(r.stderr, /error: the default workload \(cargo test --release\) ran no code of realworld: none of the shipped binaries' \d+ workspace functions ran/);
    assert.match(r.stderr, /fix: add a workload that runs the binary, in pgo\.yaml under components\.realworld\.workloads: .*\{bin:realworld\}/);
    assert.doesNotMatch(r.stdout, /▶ optimize/, 'no optimized build was made');
    assert.equal(fs.existsSync(metaFile()), false, 'no profile was stored');
    const last = readLastRun(path.join(ws, 'target', 'pgo'));
    assert.equal(last?.errorKind, 'profile-unusable');
    assert.equal(last?.phase, 'merge');
  });

  it('`pgo init --bin realworld -- 3000` writes the workload; the pipeline then succeeds, its profile applied to ≥ 90% of the workspace functions', () => {
    const init = runCli(['init', '--workspace', ws, '--bin', 'realworld', '--', '3000']);
    assert.equal(init.status, 0, init.output);
    assert.match(init.stdout, /wrote .*pgo\.yaml: a workload for each binary/);
    const yaml = fs.readFileSync(path.join(ws, 'pgo.yaml'), 'utf8');
    assert.match(yaml, /^# pgo\.yaml — Rust PGO configuration/);
    assert.match(yaml, /      - name: realworld-run\n        command: \["\{bin:realworld\}", "3000"\]\n/);
    const again = runCli(['init', '--workspace', ws]);
    assert.equal(again.status, 2, again.output);
    assert.match(again.stderr, /error: .*pgo\.yaml already exists/);
    assert.equal(fs.readFileSync(path.join(ws, 'pgo.yaml'), 'utf8'), yaml, 'kept as it was');
    const unknown = runCli(['init', '--workspace', ws, '--bin', 'realworl', '--', '1']);
    assert.equal(unknown.status, 2, unknown.output);
    assert.match(unknown.stderr, /error: no binary "realworl" in the workspace .*\nfix: use one of its binaries: realworld/);

    const r = runCli(['pipeline', '--workspace', ws, '--json']);
    assert.equal(r.status, 0, r.output);
    const [outcome] = JSON.parse(r.stdout) as ComponentOutcome[];
    const applied = outcome?.meta?.applied;
    assert.ok(applied && applied.workspaceApplied / applied.workspaceInstrumented >= 0.9, JSON.stringify(applied));
    assert.equal(outcome?.meta?.quality?.verdict, 'good', JSON.stringify(outcome?.meta?.quality));
  });

  it('`pgo init --makefile` adds the seed\'s targets, keeping the Makefile\'s own; `make pgo-realworld` runs the pipeline through the CLI on PATH', function () {
    // The CLI goes on PATH through a sh wrapper: not on Windows; nor without make.
    if (process.platform === 'win32' || spawnSync('make', ['--version']).status !== 0) this.skip();
    const makefile = path.join(ws, 'Makefile');
    const mine = 'all:\n\tcargo build --release\n\npgo-clean:\n\t@echo my own clean\n';
    fs.writeFileSync(makefile, mine);
    const r = runCli(['init', '--workspace', ws, '--makefile']);
    assert.equal(r.status, 0, r.output);
    assert.match(r.stdout, /extended .*Makefile: added pgo-build, pgo-realworld\n  skipped pgo-clean: the Makefile has it already/);
    const text = fs.readFileSync(makefile, 'utf8');
    assert.ok(text.startsWith(mine), 'the existing targets come first, unchanged');
    // The CLI on PATH as `pgo`, the way an npm install puts it there.
    const bin = fs.mkdtempSync(path.join(ws, 'bin-'));
    fs.writeFileSync(path.join(bin, 'pgo'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`, { mode: 0o755 });
    const env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` };
    const make = spawnSync('make', ['pgo-realworld'], { cwd: ws, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.equal(make.status, 0, `${make.stdout}\n${make.stderr}`);
    assert.match(make.stdout, /pgo pipeline realworld/);
    assert.match(make.stdout, /✔ optimize realworld/);
    const clean = spawnSync('make', ['pgo-clean'], { cwd: ws, env, encoding: 'utf8' });
    assert.equal(clean.stdout, 'my own clean\n', 'the user\'s own target ran, not ours');
  });

  it('a workload that runs the binary: the profile applies to ≥ 90% of the instrumented functions', () => {
    writeWorkload(['{bin:realworld}', '{size}']);
    const r = runCli(['pipeline', '--workspace', ws]);
    assert.equal(r.status, 0, r.output);
    const meta = JSON.parse(fs.readFileSync(metaFile(), 'utf8')) as ProfileMetadata;
    assert.equal(meta.quality?.verdict, 'good', JSON.stringify(meta.quality));
    assert.ok(meta.applied && meta.applied.applied / meta.applied.instrumented >= 0.9, JSON.stringify(meta.applied));
    assert.ok(meta.applied.workspaceApplied >= 4, JSON.stringify(meta.applied));
    assert.match(r.stdout, /workload coverage: \d+ of \d+ workspace functions of the shipped binaries ran/);
  });

  it('the seed\'s kind of script: bash running `cargo run --release -- …` runs the instrumented binary, without a rebuild', () => {
    writeWorkload(['bash', 'scripts/pgo-workload.sh', '{size}']);
    const r = runCli(['pipeline', '--workspace', ws]);
    assert.equal(r.status, 0, r.output);
    assert.match(r.stdout, /workload "run": 2 raw profile file\(s\)/);
    const workload = r.stdout.slice(r.stdout.indexOf('▶ workload'), r.stdout.indexOf('✔ workload'));
    assert.match(workload, /Running `\S*target\/pgo\/realworld\/instrumented\/\S+\/realworld 3000`/, r.output);
    assert.doesNotMatch(workload, /Compiling/, 'cargo run found the instrumented build fresh');
    const meta = JSON.parse(fs.readFileSync(metaFile(), 'utf8')) as ProfileMetadata;
    assert.equal(meta.quality?.verdict, 'good', JSON.stringify(meta.quality));
    assert.ok(meta.applied && meta.applied.applied / meta.applied.instrumented >= 0.9, JSON.stringify(meta.applied));
  });

  it('a script sees PGO_BIN_<NAME> and PGO_PROFILE_DIR, and may be run by its path', () => {
    const script = path.join(ws, 'scripts', 'direct.sh');
    fs.writeFileSync(script, '#!/bin/sh\nset -e\ntest -d "$PGO_PROFILE_DIR"\n"$PGO_BIN_REALWORLD" "$1"\n');
    fs.chmodSync(script, 0o755);
    writeWorkload(['./scripts/direct.sh', '{size}']);
    const r = runCli(['pipeline', '--workspace', ws]);
    assert.equal(r.status, 0, r.output);
    assert.match(r.stdout, /workload "run": 1 raw profile file\(s\)/);
  });

  it('a build that fails with PGO flags names the cause and the fix (conflicting -C flags)', () => {
    const r = runCli(['instrument', '--workspace', ws, '--rustflag', '-Cinstrument-coverage']);
    assert.equal(r.status, 1, r.output);
    assert.match(r.stderr, /error: .* failed: conflicting -C flags: option `-C instrument-coverage` is not compatible/);
    assert.match(r.stderr, /fix: remove -Cprofile-generate, -Cprofile-use and -Cinstrument-coverage from your own RUSTFLAGS/);
    assert.equal(readLastRun(path.join(ws, 'target', 'pgo'))?.errorKind, 'build-failed');
  });
});
