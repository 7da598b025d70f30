import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renameDurably, syncDir, writeFileAtomic } from '../../src/core/util/atomic-write';
import { tempDir } from './helpers';

/** Records, in order, which files are flushed and renamed while `fn` runs. */
function recordDiskOrder(fn: () => void): string[] {
  const real = { openSync: fs.openSync, fsyncSync: fs.fsyncSync, renameSync: fs.renameSync };
  const names = new Map<number, string>();
  const log: string[] = [];
  const mod = require('node:fs') as typeof fs; // eslint-disable-line @typescript-eslint/no-require-imports
  mod.openSync = ((p: fs.PathLike, ...rest: unknown[]) => {
    const fd = (real.openSync as (...a: unknown[]) => number)(p, ...rest);
    names.set(fd, path.basename(String(p)));
    return fd;
  }) as typeof fs.openSync;
  mod.fsyncSync = (fd: number) => {
    log.push(`fsync ${names.get(fd) ?? fd}`);
    real.fsyncSync(fd);
  };
  mod.renameSync = (a: fs.PathLike, b: fs.PathLike) => {
    log.push(`rename → ${path.basename(String(b))}`);
    real.renameSync(a, b);
  };
  try {
    fn();
  } finally {
    Object.assign(mod, real);
  }
  return log;
}

describe('atomic writes', () => {
  it('flush the file, rename it, then flush its folder', () => {
    const dir = path.join(tempDir(), 'pgo');
    const target = path.join(dir, 'x.profdata');
    const log = recordDiskOrder(() => writeFileAtomic(target, 'PROFILE'));
    assert.deepEqual(
      log.map((l) => l.replace(/\.x\.profdata\.tmp-\d+-\d+/, 'TMP')),
      ['fsync TMP', 'rename → x.profdata', 'fsync pgo'],
    );
    assert.equal(fs.readFileSync(target, 'utf8'), 'PROFILE');
    assert.deepEqual(fs.readdirSync(dir), ['x.profdata'], 'no temporary left');
  });

  it('a file written by another process is flushed before it replaces the old one', () => {
    const dir = tempDir();
    const tmp = path.join(dir, 'merged.tmp');
    fs.writeFileSync(tmp, 'NEW');
    fs.writeFileSync(path.join(dir, 'p.profdata'), 'OLD');
    const log = recordDiskOrder(() => renameDurably(tmp, path.join(dir, 'p.profdata')));
    assert.deepEqual(log, ['fsync merged.tmp', 'rename → p.profdata', `fsync ${path.basename(dir)}`]);
    assert.equal(fs.readFileSync(path.join(dir, 'p.profdata'), 'utf8'), 'NEW');
  });

  it('a folder that does not exist is an error, not silently skipped', () => {
    assert.throws(() => syncDir(path.join(tempDir(), 'missing')), /ENOENT/);
  });
});
