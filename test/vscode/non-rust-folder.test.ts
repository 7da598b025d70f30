import assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'rust-pgo.rust-pgo';

/** Opened on a folder without Cargo.toml: the extension must stay asleep. */
describe('in a folder without Cargo.toml', () => {
  it('the extension is installed but not activated', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, 'the extension under test is loaded');
    // Give the workbench time to fire its startup activation events.
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(ext.isActive, false);
    const commands = await vscode.commands.getCommands(true);
    assert.ok(!commands.includes('pgo.refresh'), 'no command handler was registered');
  });
});
