import assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'rust-pgo.rust-pgo';

/** Opened on a folder without Cargo.toml: the extension must stay asleep. */
describe('in a folder without Cargo.toml', () => {
  it('the extension is installed but not activated', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, 'the extension under test is loaded');
    // No waiting: the extension host starts these tests only once its startup activations — every
    // `*` and `workspaceContains:` check — have settled (ExtHostExtensionService.$extensionTestsExecute
    // awaits `_eagerExtensionsActivated`). rust-workspace.test.ts shows the same moment finds the
    // extension active in a Cargo workspace, so "not active" here is the workspace's verdict.
    assert.equal(ext.isActive, false);
    // A round trip through the workbench (the renderer answers it after the host's start-up
    // messages), then still nothing: no command handler was registered.
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('workbench.action.closeAllEditors'), 'the workbench answered');
    assert.ok(!commands.includes('pgo.refresh'), 'no command handler was registered');
    assert.equal(ext.isActive, false);
  });
});
