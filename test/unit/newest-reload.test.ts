import assert from 'node:assert/strict';
import { NewestReload } from '../../src/core/util/newest-reload';

/** A promise resolved from outside, so the test decides when each load finishes. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('NewestReload', () => {
  it('lets only the newest of overlapping loads publish, and settles after the newest', async () => {
    const reloads = new NewestReload();
    const first = deferred();
    const second = deferred();
    const published: string[] = [];
    const firstFinished = deferred();
    const a = reloads.run(async (isNewest) => {
      await first.promise;
      if (isNewest()) published.push('first');
      firstFinished.resolve();
    });
    let settled = false;
    const waiting = reloads.settled().then(() => (settled = true));
    const b = reloads.run(async (isNewest) => {
      await second.promise;
      if (isNewest()) published.push('second');
    });
    let firstReturned = false;
    const aDone = a.then(() => (firstReturned = true));
    first.resolve();
    await firstFinished.promise;
    // The first load has finished, the newer one has not: neither its caller nor settled() may go
    // on. setImmediate runs after every pending promise callback, so a wrong early return is seen.
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(settled, false, 'settled while the newer load was still running');
    assert.equal(firstReturned, false, 'the first reload returned before the newer one had published');
    second.resolve();
    await b;
    await aDone;
    await waiting;
    assert.deepEqual(published, ['second']);
  });

  it('settles after a failed load, and run still reports the failure to its caller', async () => {
    const reloads = new NewestReload();
    await assert.rejects(reloads.run(() => Promise.reject(new Error('cargo metadata failed'))), /cargo metadata failed/);
    await reloads.settled();
  });
});
