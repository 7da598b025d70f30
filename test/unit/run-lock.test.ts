import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { RunLock } from '../../src/core/pipeline/run-lock';
import { tempDir } from './helpers';

describe('run lock', () => {
  it('refuses a second run and names the first', () => {
    const file = path.join(tempDir(), 'pgo.lock');
    const first = RunLock.acquire(file, 'pgo pipeline daw');
    assert.throws(() => RunLock.acquire(file, 'pgo merge'), /another PGO run is in progress: "pgo pipeline daw" \(pid \d+/);
    first.release();
    RunLock.acquire(file, 'pgo merge').release();
    assert.equal(fs.existsSync(file), false);
  });

  it('takes over the lock of a process that died', () => {
    const file = path.join(tempDir(), 'pgo.lock');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    fs.writeFileSync(file, JSON.stringify({ pid: Number(dead), host: os.hostname(), command: 'pgo pipeline', startedAt: 'x' }));
    const lock = RunLock.acquire(file, 'pgo pipeline');
    assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).pid, process.pid);
    lock.release();
  });
});

describe('run lock: files being written', () => {
  it('treats a fresh unreadable lock as another run starting, and an old one as stale', () => {
    const file = path.join(tempDir(), 'pgo.lock');
    fs.writeFileSync(file, '');
    assert.throws(() => RunLock.acquire(file, 'pgo merge'), /another PGO run is starting/);
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(file, old, old);
    RunLock.acquire(file, 'pgo merge').release();
    assert.equal(fs.existsSync(file), false);
  });
});
