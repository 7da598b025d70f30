import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as vscode from 'vscode';
import type { PgoExtensionApi } from '../../src/vscode/extension';
import type { PgoNode } from '../../src/vscode/profiles-tree';

/** What the VS Code suites share: the extension's API, the open folder, its tree, lenses and decorations. */

export const EXTENSION_ID = 'rust-pgo.rust-pgo';

export function folder(): string {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'a folder is open');
  return f.uri.fsPath;
}

export async function api(): Promise<PgoExtensionApi> {
  const ext = vscode.extensions.getExtension<PgoExtensionApi>(EXTENSION_ID);
  assert.ok(ext);
  return ext.isActive ? ext.exports : await ext.activate();
}

/**
 * Resolves once the extension has decorated `file` in a visible editor so that `ready` holds (now,
 * or at a later onDidDecorate event). Rejects after `boundMs`: a bound on failure, not a wait.
 */
export function decorated(a: PgoExtensionApi, file: string, ready: (d: { hot: number; warm: number; stale: number }) => boolean, boundMs = 60_000): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const check = (): boolean => {
      const d = a.annotations.applied.get(file);
      return d !== undefined && ready(d);
    };
    const done = (err?: Error): void => {
      sub.dispose();
      clearTimeout(bound);
      if (err) reject(err);
      else resolve();
    };
    // Subscribed before the first check, in the same tick: no decoration can slip between them.
    const sub = a.annotations.onDidDecorate((editor) => {
      if (editor.document.uri.fsPath === file && check()) done();
    });
    const bound = setTimeout(() => done(new Error(`${file} was not decorated as expected: ${JSON.stringify(a.annotations.applied.get(file))}`)), boundMs);
    if (check()) done();
  });
}

/** Runs the bundled CLI; resolves with its exit code and output when it has closed. */
export function runCli(cliPath: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    // Under Electron, process.execPath is VS Code itself: ELECTRON_RUN_AS_NODE makes it node.
    const child = spawn(process.execPath, [cliPath, ...args], { env: { ...process.env, ...env, ELECTRON_RUN_AS_NODE: '1' } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

export async function allNodes(a: PgoExtensionApi): Promise<{ node: PgoNode; item: vscode.TreeItem }[]> {
  const out: { node: PgoNode; item: vscode.TreeItem }[] = [];
  const walk = async (node?: PgoNode): Promise<void> => {
    for (const child of await a.tree.getChildren(node)) {
      out.push({ node: child, item: a.tree.getTreeItem(child) });
      await walk(child);
    }
  };
  await walk();
  return out;
}

/** The extension's CodeLenses on a document (other extensions' lenses left out). */
export async function pgoLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
  return ((await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri)) ?? []).filter((l) => /PGO|of profile/.test(l.command?.title ?? ''));
}
