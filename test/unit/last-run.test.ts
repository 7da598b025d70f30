import assert from 'node:assert/strict';
import { CancelledError, ExitCode, fromSystemError, PgoError } from '../../src/core/errors';
import { readLastRun, writeLastRun } from '../../src/core/pipeline/last-run';
import { tempDir } from './helpers';

describe('last-run.json', () => {
  it('keeps the error kind beside the message, for the extension to act on', () => {
    const dir = tempDir();
    const e = new PgoError('2 raw profile(s) cannot be read: …', 'merge without them', ExitCode.PhaseFailed, undefined, 'corrupt-profraw');
    writeLastRun(dir, { state: 'failed', command: 'pgo merge', phase: 'merge', pid: 1, exitCode: e.code, message: e.message, fix: e.fix, errorKind: e.kind, updatedAt: '2026-01-01T00:00:00Z' });
    assert.equal(readLastRun(dir)?.errorKind, 'corrupt-profraw');
  });

  it('gives cancellation and a full disk their kinds', () => {
    assert.equal(new CancelledError('merge').kind, 'cancelled');
    const full = Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC', path: '/t/x' });
    assert.equal((fromSystemError(full) as PgoError).kind, 'disk-full');
    assert.equal(new PgoError('m', 'f').kind, undefined);
  });
});
