import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ProfileMetadata } from '../../src/core/pipeline/profile-metadata';
import type { AddedTasks, CreatedWorkload } from '../../src/vscode/config-writers';
import type { PgoExtensionApi } from '../../src/vscode/extension';
import type { TaskOutcome } from '../../src/vscode/task-runner';

const EXTENSION_ID = 'rust-pgo.rust-pgo';

function folder(): vscode.WorkspaceFolder {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'a folder is open');
  return f;
}

async function api(): Promise<PgoExtensionApi> {
  const ext = vscode.extensions.getExtension<PgoExtensionApi>(EXTENSION_ID);
  assert.ok(ext);
  const a = ext.isActive ? ext.exports : await ext.activate();
  assert.ok(a, `the extension's API (active: ${ext.isActive}, trusted: ${vscode.workspace.isTrusted}, path: ${ext.extensionPath})`);
  await a.registry.whenLoaded();
  return a;
}

/** The next change of the folder's `tasks` configuration (tasks.json read again); rejects after `boundMs`, a bound on failure. */
function tasksConfigChanged(boundMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const sub = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('tasks', folder().uri)) return;
      sub.dispose();
      clearTimeout(bound);
      resolve();
    });
    const bound = setTimeout(() => {
      sub.dispose();
      reject(new Error('tasks.json was not read again'));
    }, boundMs);
  });
}

/** Resolves once `doc` holds `text` (now, or at a later change event); rejects after `boundMs`, a bound on failure. */
function caughtUp(doc: vscode.TextDocument, text: string, boundMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error): void => {
      sub.dispose();
      clearTimeout(bound);
      if (err) reject(err);
      else resolve();
    };
    const sub = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === doc && doc.getText() === text) done();
    });
    const bound = setTimeout(() => done(new Error(`${doc.uri.fsPath} never showed the text on disk`)), boundMs);
    if (doc.getText() === text) done();
  });
}

/**
 * Issue 11 in VS Code, on a copy of test/fixtures/realworld (a binary crate without tests or
 * pgo.yaml): the default workload's pipeline fails with exit 7; Create Workload writes a workload
 * that runs the binary, and the pipeline then gives a profile that applies. Add Tasks writes
 * tasks.json entries next to the user's own.
 */
describe('a binary crate without tests: Create Workload, Add Tasks', () => {
  const root = (): string => folder().uri.fsPath;
  const yamlFile = (): string => path.join(root(), 'pgo.yaml');

  it('Build Pipeline with the default workload fails with exit code 7 (the profile could not help)', async () => {
    await api();
    assert.equal(fs.existsSync(yamlFile()), false, 'the fixture has no pgo.yaml');
    const outcome = (await vscode.commands.executeCommand('pgo.buildPipeline', { component: 'realworld' })) as TaskOutcome;
    assert.equal(outcome.exitCode, 7, JSON.stringify(outcome));
    assert.equal(outcome.lastRun?.errorKind, 'profile-unusable');
  });

  it('Create Workload (with arguments) writes a commented pgo.yaml, opens it at the workload; the pipeline then applies the profile to ≥ 90% of the functions', async () => {
    const a = await api();
    const created = (await vscode.commands.executeCommand('pgo.createWorkload', { bin: 'realworld', args: '3000', name: 'count-3000' })) as CreatedWorkload;
    assert.equal(created.created, true);
    assert.equal(created.component, 'realworld');
    const text = fs.readFileSync(yamlFile(), 'utf8');
    assert.match(text, /^# pgo\.yaml — Rust PGO configuration/);
    assert.match(text, /# Run what users run: the shipped binary on representative input/);
    assert.equal(text.split('\n')[created.line - 1], '      - name: count-3000');
    assert.equal(text.split('\n')[created.line], '        command: ["{bin:realworld}", "3000"]');
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.fsPath, yamlFile());
    assert.equal(editor?.selection.active.line, created.line - 1, 'the editor shows the new workload');
    assert.deepEqual(a.registry.pick(root())?.project?.components[0]?.workloads.map((w) => w.command), [['{bin:realworld}', '3000']]);

    const outcome = (await vscode.commands.executeCommand('pgo.buildPipeline', { component: 'realworld' })) as TaskOutcome;
    assert.equal(outcome.exitCode, 0, JSON.stringify(outcome));
    const meta = JSON.parse(fs.readFileSync(path.join(root(), 'target', 'pgo', 'realworld', 'realworld.profdata.json'), 'utf8')) as ProfileMetadata;
    assert.ok(meta.applied && meta.applied.workspaceApplied / meta.applied.workspaceInstrumented >= 0.9, JSON.stringify(meta.applied));
    assert.ok(meta.applied.applied / meta.applied.instrumented >= 0.9, JSON.stringify(meta.applied));
  });

  it("Create Workload on an existing pgo.yaml adds the workload and keeps the user's comments, saved or not; a shell operator is refused", async () => {
    await api();
    fs.appendFileSync(yamlFile(), '# my own note\n');
    const before = fs.readFileSync(yamlFile(), 'utf8');
    const added = (await vscode.commands.executeCommand('pgo.createWorkload', { bin: 'realworld', args: '500 "two words"', name: 'small' })) as CreatedWorkload;
    assert.equal(added.created, false);
    const after = fs.readFileSync(yamlFile(), 'utf8');
    assert.match(after, /# my own note\n/);
    assert.equal(after.split('\n')[added.line], '        command: ["{bin:realworld}", "500", "two words"]');
    // Unsaved changes in an editor of pgo.yaml are kept: the workload is added there, then saved.
    const editor = await vscode.window.showTextDocument(vscode.Uri.file(yamlFile()));
    await caughtUp(editor.document, after); // the open editor reloads the file written on disk
    assert.ok(await editor.edit((e) => e.insert(editor.document.positionAt(editor.document.getText().length), '# unsaved note\n')));
    assert.equal(editor.document.isDirty, true);
    const third = (await vscode.commands.executeCommand('pgo.createWorkload', { bin: 'realworld', args: ['100'], name: 'tiny' })) as CreatedWorkload;
    assert.equal(third.name, 'tiny');
    assert.equal(editor.document.isDirty, false, 'saved');
    const saved = fs.readFileSync(yamlFile(), 'utf8');
    assert.match(saved, /# unsaved note\n/);
    assert.equal(saved.split('\n')[third.line], '        command: ["{bin:realworld}", "100"]');

    const refused = await vscode.commands.executeCommand('pgo.createWorkload', { bin: 'realworld', args: '500 | sort', name: 'piped' });
    assert.equal(refused, undefined);
    assert.equal(fs.readFileSync(yamlFile(), 'utf8'), saved, 'pgo.yaml is unchanged');
    assert.notEqual(before, after);
  });

  it('Add Tasks writes a pgo task per component next to the existing ones; VS Code runs them as pgo tasks', async () => {
    await api();
    const file = path.join(root(), '.vscode', 'tasks.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const first = tasksConfigChanged();
    fs.writeFileSync(
      file,
      '{\n  // my tasks — keep this comment\n  "version": "2.0.0",\n  "tasks": [\n    { "label": "my clean", "type": "pgo", "phase": "clean", "component": "all" },\n    { "label": "hello", "type": "shell", "command": "echo hello" }\n  ]\n}\n',
    );
    await first;
    const second = tasksConfigChanged();
    const r = (await vscode.commands.executeCommand('pgo.addTasks')) as AddedTasks;
    assert.deepEqual(r.added, ['PGO: pipeline realworld']);
    assert.deepEqual(r.existing, ['my clean']);
    await second;
    const text = fs.readFileSync(file, 'utf8');
    assert.match(text, /\/\/ my tasks — keep this comment/);
    assert.match(text, /"label": "hello"/);
    const again = (await vscode.commands.executeCommand('pgo.addTasks')) as AddedTasks;
    assert.deepEqual(again.added, [], 'nothing is added twice');
    assert.equal(fs.readFileSync(file, 'utf8'), text);

    const tasks = await vscode.tasks.fetchTasks({ type: 'pgo' });
    const pipeline = tasks.find((t) => t.name === 'PGO: pipeline realworld');
    assert.ok(pipeline, tasks.map((t) => t.name).join(', '));
    assert.deepEqual([pipeline.definition.phase, pipeline.definition.component], ['pipeline', 'realworld']);
    assert.ok(pipeline.execution instanceof vscode.ProcessExecution, 'resolved by the pgo task provider');
    assert.ok(tasks.some((t) => t.name === 'my clean'));
  });
});
