import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readLastRun } from '../../src/core/pipeline/last-run';
import { copyWorkspace, REPO, restoreWorkspace, runCli } from './e2e-helpers';

/**
 * Bad input with the real toolchain: corrupt raw profiles, read-only workspaces, env overrides,
 * archives. Each test starts from its own copy of one workspace the pipeline ran in once.
 */
describe('bad input and retention (real toolchain)', function () {
  this.timeout(10 * 60_000);
  let root: string;
  let snapshot: string;
  let ws: string;
  const dir = (): string => path.join(ws, 'target', 'pgo', 'spin');
  const sha = (f: string): string => createHash('sha256').update(fs.readFileSync(f)).digest('hex');
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgo-bad-'));
    ws = path.join(root, 'ws');
    fs.renameSync(copyWorkspace(path.join(REPO, 'test', 'fixtures', 'tiny-app'), 'pgo-bad-src-'), ws);
    const r = runCli(['pipeline', '--workspace', ws]);
    assert.equal(r.status, 0, r.output);
    snapshot = path.join(root, 'good');
    restoreWorkspace(ws, snapshot);
  });
  beforeEach(() => restoreWorkspace(snapshot, ws));
  after(() => {
    spawnSync('chattr', ['-R', '-i', root]);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('one corrupt .profraw among good ones: merge names it and offers --skip-corrupt, which drops only it', () => {
    const run = fs.readdirSync(path.join(dir(), 'raw')).filter((d) => d !== 'stray').sort().at(-1) ?? '';
    const bad = path.join(dir(), 'raw', run, 'spin', 'zz-corrupt.profraw');
    fs.writeFileSync(bad, Buffer.concat([Buffer.from([0x81, 0x72, 0x66, 0x6f, 0x72, 0x70, 0x6c, 0xff]), Buffer.alloc(64, 7)]));
    const before = sha(path.join(dir(), 'spin.profdata'));
    const r = runCli(['merge', '--workspace', ws]);
    assert.equal(r.status, 1, r.output);
    assert.match(r.stderr, /error: 1 raw profile\(s\) cannot be read: \S*zz-corrupt\.profraw \(/);
    assert.match(r.stderr, /fix: merge without them: `pgo merge spin --skip-corrupt`/);
    assert.equal(sha(path.join(dir(), 'spin.profdata')), before, 'the last good profile is unchanged');
    // What the extension's "Merge Without Them" offer reads, instead of the message text.
    const lastRun = readLastRun(path.join(ws, 'target', 'pgo'));
    assert.deepEqual([lastRun?.state, lastRun?.phase, lastRun?.errorKind], ['failed', 'merge', 'corrupt-profraw']);
    const skip = runCli(['merge', '--workspace', ws, '--skip-corrupt']);
    assert.equal(skip.status, 0, skip.output);
    assert.match(skip.stdout, /warning: left out \S*zz-corrupt\.profraw: /);
    fs.rmSync(bad);
  });

  it('LLVM_PROFILE_FILE in the environment is replaced for the workload, and said so', () => {
    const r = runCli(['workload', '--workspace', ws], { LLVM_PROFILE_FILE: '/tmp/elsewhere-%p.profraw' });
    assert.equal(r.status, 0, r.output);
    assert.match(r.stdout, /LLVM_PROFILE_FILE=\/tmp\/elsewhere-%p\.profraw in your environment is replaced for the workload/);
  });

  it('a workload wrapper that sets LLVM_PROFILE_FILE itself: its profiles are collected from inside the workspace', () => {
    const yaml = path.join(ws, 'pgo.yaml');
    const saved = fs.readFileSync(yaml, 'utf8');
    const own = path.join(ws, 'own-profiles', 'custom-%p.profraw');
    fs.writeFileSync(yaml, saved.replace('command: ["{bin:spin}", "{size}"]', `command: ["env", "LLVM_PROFILE_FILE=${own}", "{bin:spin}", "{size}"]`));
    try {
      const r = runCli(['workload', '--workspace', ws]);
      assert.equal(r.status, 0, r.output);
      assert.match(r.stdout, /workload "spin" set LLVM_PROFILE_FILE itself: collected 1 \.profraw file\(s\) from \S*own-profiles/);
      assert.match(r.stdout, /workload "spin": 1 raw profile file\(s\)/);
      assert.deepEqual(fs.readdirSync(path.dirname(own)), [], 'moved into the run, not merged twice later');
    } finally {
      fs.writeFileSync(yaml, saved);
      fs.rmSync(path.dirname(own), { recursive: true, force: true });
    }
  });

  it('a workload wrapper that sends LLVM_PROFILE_FILE outside the workspace: the error says where they went', () => {
    const yaml = path.join(ws, 'pgo.yaml');
    const saved = fs.readFileSync(yaml, 'utf8');
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'pgo-elsewhere-'));
    fs.writeFileSync(yaml, saved.replace('command: ["{bin:spin}", "{size}"]', `command: ["env", "LLVM_PROFILE_FILE=${outside}/x-%p.profraw", "{bin:spin}", "{size}"]`));
    try {
      const r = runCli(['workload', '--workspace', ws]);
      assert.equal(r.status, 1, r.output);
      assert.ok(r.stderr.includes(`wrote no .profraw file: it sets LLVM_PROFILE_FILE=${outside}/x-%p.profraw (the command), a place outside the workspace`), r.output);
    } finally {
      fs.writeFileSync(yaml, saved);
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('pgo.yaml may not set LLVM_PROFILE_FILE for a workload', () => {
    const yaml = path.join(ws, 'pgo.yaml');
    const saved = fs.readFileSync(yaml, 'utf8');
    fs.writeFileSync(yaml, `${saved.trimEnd()}\n        env: { LLVM_PROFILE_FILE: x.profraw }\n`);
    try {
      const r = runCli(['workload', '--workspace', ws]);
      assert.equal(r.status, 2, r.output);
      assert.match(r.stderr, /pgo\.yaml:\d+:\d+: components\.spin\.workloads\[0\]\.env\.LLVM_PROFILE_FILE: set by the pipeline itself/);
    } finally {
      fs.writeFileSync(yaml, saved);
    }
  });

  it('archive and restore keep the profile byte for byte (the seed\'s profile retention)', () => {
    const before = sha(path.join(dir(), 'spin.profdata'));
    const a = runCli(['archive', '--workspace', ws]);
    assert.equal(a.status, 0, a.output);
    const archive = /archived \d+ file\(s\) into (\S+):/.exec(a.stdout)?.[1] ?? '';
    assert.match(path.basename(archive), /^pgo-profiles-\d{4}-\d{2}-\d{2}\.tar\.gz$/);
    assert.equal(runCli(['clean', '--workspace', ws]).status, 0);
    const r = runCli(['restore', archive, '--workspace', ws]);
    assert.equal(r.status, 0, r.output);
    assert.equal(sha(path.join(dir(), 'spin.profdata')), before);
    assert.equal(runCli(['show', '--workspace', ws]).status, 0);
    fs.rmSync(archive);
  });

  it('a read-only workspace: the pipeline says the target directory is not writable, and how to fix it', function () {
    const ro = copyWorkspace(path.join(REPO, 'test', 'fixtures', 'tiny-app'), 'pgo-ro-');
    // As root, permissions do not stop writes; the immutable attribute does (ext4 and friends).
    if (spawnSync('chattr', ['+i', ro]).status !== 0) {
      fs.rmSync(ro, { recursive: true, force: true });
      this.skip(); // no chattr support on this filesystem
    }
    try {
      const r = runCli(['pipeline', '--workspace', ro]);
      assert.equal(r.status, 3, r.output);
      assert.match(r.stderr, /error: cannot write to \S+\/target\/pgo \((permission denied|read-only file system)\): PGO builds and profiles need a writable target directory/);
      assert.match(r.stderr, /fix: make the workspace writable, or point cargo at a writable target directory/);
    } finally {
      spawnSync('chattr', ['-i', ro]);
      fs.rmSync(ro, { recursive: true, force: true });
    }
  });
});
