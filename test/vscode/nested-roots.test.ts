import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PgoExtensionApi } from '../../src/vscode/extension';

const EXTENSION_ID = 'rust-pgo.rust-pgo';

/** A copy of test/fixtures/nested-roots: no Cargo.toml at the top, roots at app/src-tauri and tools/cli. */
describe('in a folder whose Cargo roots are deeper down (Tauri-style)', () => {
  it('activates, finds both roots (not their members or libraries), and offers tasks for each', async () => {
    const ext = vscode.extensions.getExtension<PgoExtensionApi>(EXTENSION_ID);
    assert.ok(ext);
    // The host starts the tests once its startup activations have settled (see non-rust-folder.test.ts).
    assert.equal(ext.isActive, true, 'activated by workspaceContains:**/Cargo.toml');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
    const { registry } = ext.exports;
    await registry.whenLoaded();
    const found = registry.workspaces.map((w) => ({ root: path.relative(folder, w.root).split(path.sep).join('/'), components: w.project?.components.map((c) => c.name), error: w.error }));
    assert.deepEqual(found, [
      { root: 'app/src-tauri', components: ['desktop'], error: undefined },
      { root: 'tools/cli', components: ['notes-cli'], error: undefined },
    ]);
    const tasks = await vscode.tasks.fetchTasks({ type: 'pgo' });
    for (const [name, root] of [['build pipeline desktop', 'app/src-tauri'], ['build pipeline notes-cli', 'tools/cli']] as const) {
      const t = tasks.find((x) => x.name === name);
      assert.ok(t?.execution instanceof vscode.ProcessExecution, `task "${name}" in ${tasks.map((x) => x.name).join(', ')}`);
      const args = t.execution.args;
      assert.equal(args[args.indexOf('--workspace') + 1], path.join(folder, root));
    }
  });
});
