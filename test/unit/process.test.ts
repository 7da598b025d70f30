import assert from 'node:assert/strict';
import { capture } from '../../src/core/util/process';

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
});
