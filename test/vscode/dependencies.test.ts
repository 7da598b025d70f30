import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readSourceIndex, type SourceIndex } from '../../src/core/profile/source-index';
import { stdRelativePath } from '../../src/core/toolchain/rust-src';
import type { GoToResult } from '../../src/vscode/commands';
import type { PgoNode } from '../../src/vscode/profiles-tree';
import type { TaskOutcome } from '../../src/vscode/task-runner';
import { allNodes, api, decorated, folder, pgoLenses, runCli } from './vscode-test-helpers';

type OriginNode = Extract<PgoNode, { kind: 'origin' }>;
type HotNode = Extract<PgoNode, { kind: 'hot-function' }>;

/**
 * test/fixtures/path-dep: the workspace `crunch` (app/) spends most of its time in a path
 * dependency outside it (fastmath/). With only rustup's llvm-tools (PGO_LLVM_TOOLS_DIR, set by
 * scripts/test-vscode.mjs). The sidebar's groups, each function opened from there at its `fn` line
 * (read-only outside the workspace), the lens of the user's own hottest function, and std with and
 * without rust-src.
 */
describe('Rust PGO: dependencies, std and your own code (test/fixtures/path-dep)', function () {
  this.timeout(6 * 60_000);
  const indexFile = (): string => path.join(folder(), 'target', 'pgo', 'crunch', 'crunch.profdata.index.json');
  const index = (): SourceIndex => {
    const idx = readSourceIndex(indexFile());
    assert.ok(idx, 'the merge wrote a source index');
    return idx;
  };
  const lineOf = (file: string, pattern: RegExp): number => fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => pattern.test(l)) + 1;

  /** The sidebar's origin groups of the profile, and each group's hot functions (as the tree gives them). */
  async function groups(): Promise<{ group: OriginNode; items: { node: HotNode; item: vscode.TreeItem }[] }[]> {
    const a = await api();
    const nodes = await allNodes(a);
    return nodes
      .filter((n): n is { node: OriginNode; item: vscode.TreeItem } => n.node.kind === 'origin')
      .map(({ node }) => ({
        group: node,
        items: nodes.filter((n): n is { node: HotNode; item: vscode.TreeItem } => n.node.kind === 'hot-function' && node.group.hottest.some((h) => h.heat === (n.node as HotNode).heat)),
      }));
  }

  /** Runs a tree item's command, the way a click does. */
  async function click(item: vscode.TreeItem): Promise<GoToResult> {
    assert.equal(item.command?.command, 'pgo.goToFunction');
    const r = (await vscode.commands.executeCommand('pgo.goToFunction', ...(item.command?.arguments ?? []))) as GoToResult | undefined;
    assert.ok(r, 'the command says what it showed');
    return r;
  }

  async function merge(env: NodeJS.ProcessEnv = {}): Promise<void> {
    const a = await api();
    const r = await runCli(a.cliPath, ['merge', 'crunch', '--workspace', folder()], env);
    assert.equal(r.code, 0, r.output);
    await a.registry.touch();
    await a.heat.whenLoaded();
  }

  before(async () => {
    const a = await api();
    await a.registry.whenLoaded();
    // One profile for the whole session, made by the VS Code tasks.
    for (const [command, args] of [
      ['pgo.instrument', { component: 'crunch' }],
      ['pgo.runWorkload', { component: 'crunch', size: 20000 }],
      ['pgo.mergeProfiles', { component: 'crunch' }],
    ] as const) {
      const outcome = (await vscode.commands.executeCommand(command, args)) as TaskOutcome;
      assert.equal(outcome?.exitCode, 0, `${command}: ${JSON.stringify(outcome?.lastRun)}`);
    }
    await a.registry.touch();
    await a.heat.whenLoaded();
    assert.equal(index().mapping.method, 'builtin-dwarf:decl-line', JSON.stringify(index().mapping));
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('the dependency\'s hottest function opens from the sidebar at its `fn` line, read-only, with a lens and heat', async () => {
    const a = await api();
    const all = await groups();
    const dep = all.find((g) => g.group.group.kind === 'dependency');
    assert.ok(dep, `a dependency group among ${all.map((g) => g.group.group.label).join(', ')}`);
    assert.equal(dep.group.group.label, 'fastmath');
    assert.ok(dep.group.group.share > 0.5, `the dependency holds most of the profile: ${dep.group.group.share}`);
    const hottest = dep.items[0];
    assert.ok(hottest, 'the group lists its functions');
    assert.equal(hottest.item.label, 'fastmath::collatz_steps');

    const r = await click(hottest.item);
    const lib = path.join(path.dirname(folder()), 'fastmath', 'src', 'lib.rs');
    assert.deepEqual(r, { shown: 'editor', file: lib, line: lineOf(lib, /pub fn collatz_steps\(/), readonly: true });
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.fsPath, lib);
    assert.equal(editor.selection.active.line, lineOf(lib, /pub fn collatz_steps\(/) - 1, 'the cursor is on the `fn` line');

    // Read-only for the session: an edit does not reach the document.
    const before = editor.document.getText();
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), '// edited\n'));
    assert.equal(editor.document.getText(), before, 'the dependency\'s file cannot be edited');
    assert.equal(editor.document.isDirty, false);

    const lens = (await pgoLenses(editor.document)).find((l) => l.range.start.line === editor.selection.active.line);
    assert.ok(lens, 'a lens on the dependency\'s `fn` line');
    assert.match(lens.command?.title ?? '', /^🔥 \d+(\.\d)?% of profile · /);
    assert.doesNotMatch(lens.command?.title ?? '', /in your code/, 'a dependency is not "your code"');
    await decorated(a, lib, (d) => d.hot >= 1);
  });

  it('the workspace\'s own hottest function has a "#1 in your code" lens, though the dependency holds most of the counts', async () => {
    const all = await groups();
    const own = all.find((g) => g.group.group.kind === 'workspace');
    const dep = all.find((g) => g.group.group.kind === 'dependency');
    assert.ok(own && dep);
    assert.ok(own.group.group.share < dep.group.group.share, `workspace ${own.group.group.share} < dependency ${dep.group.group.share}`);
    const first = own.items[0];
    assert.ok(first, 'the workspace group lists its functions');
    const r = await click(first.item);
    const main = path.join(folder(), 'src', 'main.rs');
    assert.equal(r.shown === 'editor' && r.file, main);
    assert.equal(r.shown === 'editor' && r.readonly, false, 'the workspace\'s own files stay editable');
    const doc = vscode.window.activeTextEditor?.document;
    assert.ok(doc);
    const lens = (await pgoLenses(doc)).find((l) => l.range.start.line === first.node.heat.line - 1);
    assert.match(lens?.command?.title ?? '', /· #1 in your code$/, `the lens on ${first.node.heat.display}: ${lens?.command?.title}`);
  });

  it('a std function, without rust-src, says how to install it', async function () {
    const idx = index();
    if (idx.std?.rustSrc) this.skip(); // rust-src is installed here: the next test covers opening it
    const std = (await groups()).find((g) => g.group.group.kind === 'std');
    assert.ok(std?.items[0], 'a std/core/alloc group with functions');
    const r = await click(std.items[0].item);
    assert.equal(r.shown, 'message');
    assert.match(r.shown === 'message' ? r.message : '', /^the standard library's sources are not installed \(\/rustc\/[0-9a-f]+\/library\/.+\): install rust-src: rustup component add rust-src$/);
    assert.equal(vscode.window.activeTextEditor, undefined, 'no editor opened');
    assert.equal(idx.std?.problem?.fix, 'install rust-src: rustup component add rust-src');
  });

  it('a std function opens at its line in rust-src, read-only (a constructed rust-src named by RUST_SRC_PATH)', async () => {
    const before = index();
    const stdHeats = Object.entries(before.files).filter(([file]) => stdRelativePath(file) !== undefined);
    assert.ok(stdHeats.length > 0, 'std functions are indexed under the debug info\'s /rustc/<hash>/library paths');
    // A stand-in for rust-src: each profiled std file, with a `fn` line where the debug info puts
    // each function (not std's real text: rust-src cannot be downloaded here).
    const sysroot = fs.mkdtempSync(path.join(os.tmpdir(), 'pgo-constructed-sysroot-'));
    const library = path.join(sysroot, 'lib', 'rustlib', 'src', 'rust', 'library');
    try {
      for (const [file, heats] of stdHeats) {
        const lines = Array.from({ length: Math.max(...heats.map((h) => h.line)) + 2 }, () => '// constructed for a test: not the real std source');
        for (const h of heats) lines[h.line - 1] = `pub fn ${h.display.split('::').at(-1)?.replace(/\W/g, '_')}() {} // ${h.display}`;
        const local = path.join(library, ...(stdRelativePath(file) ?? '').split('/'));
        fs.mkdirSync(path.dirname(local), { recursive: true });
        fs.writeFileSync(local, lines.join('\n'));
      }
      const coreLib = path.join(library, 'core', 'src', 'lib.rs');
      if (!fs.existsSync(coreLib)) fs.writeFileSync(coreLib, '//! constructed\n');
      await merge({ RUST_SRC_PATH: library });
      const after = index();
      assert.equal(after.std?.rustSrc, library);
      assert.equal(after.std?.problem, undefined);

      const std = (await groups()).find((g) => g.group.group.kind === 'std');
      const first = std?.items[0];
      assert.ok(first, 'a std/core/alloc group with functions');
      assert.ok(first.node.file.startsWith(library + path.sep), `${first.node.file} is in the rust-src`);
      // The same line as the debug info gave under /rustc/<hash>/library.
      const was = stdHeats.flatMap(([, hs]) => hs).find((h) => h.records.some((rec) => first.node.heat.records.includes(rec)));
      assert.equal(first.node.heat.line, was?.line);
      const r = await click(first.item);
      assert.deepEqual(r, { shown: 'editor', file: first.node.file, line: first.node.heat.line, readonly: true });
      const editor = vscode.window.activeTextEditor;
      assert.equal(editor?.selection.active.line, first.node.heat.line - 1);
      assert.match(editor.document.lineAt(editor.selection.active.line).text, /^pub fn \w+\(\) \{\} \/\/ /);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await merge(); // back to the session's profile, without rust-src
      fs.rmSync(sysroot, { recursive: true, force: true });
    }
  });
});
