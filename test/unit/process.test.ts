import assert from 'node:assert/strict';
import { CancelledError } from '../../src/core/errors';
import { capture, KILL_GRACE_MS, runStreaming, type Timers } from '../../src/core/util/process';

/** The one place children are started: what they inherit, and how they are stopped. */
describe('child processes', () => {
  describe('environment', () => {
    const planted = { ELECTRON_RUN_AS_NODE: '1', VSCODE_PID: '4242', VSCODE_IPC_HOOK_CLI: '/tmp/vscode-ipc.sock', PGO_TEST_KEEP: 'kept' };
    const saved: Record<string, string | undefined> = {};
    before(() => {
      for (const [k, v] of Object.entries(planted)) {
        saved[k] = process.env[k];
        process.env[k] = v;
      }
    });
    after(() => {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    });

    it("does not pass the editor's own variables to a real child, but passes the rest", async () => {
      const out = await capture(process.execPath, ['-e', 'process.stdout.write(JSON.stringify(process.env))'], { env: { PGO_TEST_EXTRA: 'extra' } });
      const env = JSON.parse(out) as Record<string, string>;
      assert.equal(env.ELECTRON_RUN_AS_NODE, undefined);
      assert.deepEqual(Object.keys(env).filter((k) => k.toUpperCase().startsWith('VSCODE_')), []);
      assert.equal(env.PGO_TEST_KEEP, 'kept');
      assert.equal(env.PGO_TEST_EXTRA, 'extra');
      assert.equal(env.PATH ?? env.Path, process.env.PATH ?? process.env.Path);
    });
  });

  describe('stopping', () => {
    /** Timers that never fire by themselves: the test fires them, and sees which are left. */
    class ManualTimers implements Timers {
      readonly pending = new Map<number, { fn: () => void; ms: number }>();
      readonly scheduled: number[] = [];
      private next = 0;
      set(fn: () => void, ms: number): number {
        this.pending.set(++this.next, { fn, ms });
        this.scheduled.push(ms);
        return this.next;
      }
      clear(handle: unknown): void {
        this.pending.delete(handle as number);
      }
      fire(ms: number): void {
        const [id, t] = [...this.pending].find(([, x]) => x.ms === ms) ?? [];
        assert.ok(id !== undefined && t, `a ${ms} ms timer is pending`);
        this.pending.delete(id);
        t.fn();
      }
    }
    // A child that says when it is ready and leaves on SIGTERM, as cargo does.
    const politeChild = ['-e', "process.on('SIGTERM', () => process.exit(0)); console.log('ready'); setInterval(() => {}, 1 << 30)"];

    it('cancels the SIGKILL timer once a cancelled child has exited', async () => {
      const timers = new ManualTimers();
      const controller = new AbortController();
      const run = runStreaming(process.execPath, politeChild, {
        signal: controller.signal,
        timers,
        onLine: (line) => {
          if (line === 'ready') controller.abort();
        },
      });
      await assert.rejects(run, CancelledError);
      assert.deepEqual(timers.scheduled, [KILL_GRACE_MS], 'SIGTERM was followed by a SIGKILL timer');
      assert.equal(timers.pending.size, 0, 'no SIGKILL is left to hit a reused pid');
    });

    it('cancels the SIGKILL timer once a timed-out child has exited', async () => {
      const timers = new ManualTimers();
      const result = await runStreaming(process.execPath, politeChild, {
        timeoutMs: 60_000,
        timers,
        onLine: (line) => {
          if (line === 'ready') timers.fire(60_000); // the time-out, now
        },
      });
      assert.equal(result.timedOut, true);
      assert.deepEqual(timers.scheduled, [60_000, KILL_GRACE_MS]);
      assert.equal(timers.pending.size, 0);
    });
  });
});
