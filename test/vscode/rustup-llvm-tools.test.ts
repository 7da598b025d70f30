import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DoctorReport } from '../../src/core/toolchain/doctor';
import { shownTier } from '../../src/core/profile/file-annotations';
import { readSourceIndex, type SourceIndex } from '../../src/core/profile/source-index';
import type { TaskOutcome } from '../../src/vscode/task-runner';
import { api, decorated, folder, pgoLenses } from './vscode-test-helpers';

/**
 * The example with only the LLVM tools rustup's llvm-tools component has (llvm-profdata, llvm-nm,
 * llvm-objdump, llvm-readobj, llvm-size): scripts/test-vscode.mjs links them into one folder and
 * names it in PGO_LLVM_TOOLS_DIR, so the engine looks nowhere else (not in /usr/lib/llvm-<N>, not
 * on PATH). No llvm-dwarfdump, no llvm-symbolizer: the parser's lenses and heat must come from
 * the built-in DWARF reader.
 */
describe('Rust PGO with only rustup\'s llvm-tools (examples/midi-studio)', function () {
  this.timeout(10 * 60_000);
  const toolsDir = process.env.PGO_LLVM_TOOLS_DIR ?? '';
  const indexFile = (): string => path.join(folder(), 'target', 'pgo', 'pipeline', 'pipeline.profdata.index.json');

  before(async () => {
    assert.ok(toolsDir && fs.existsSync(path.join(toolsDir, 'llvm-profdata')), `PGO_LLVM_TOOLS_DIR (${toolsDir}) holds llvm-profdata`);
    for (const absent of ['llvm-dwarfdump', 'llvm-symbolizer']) assert.equal(fs.existsSync(path.join(toolsDir, absent)), false, `${absent} is not in ${toolsDir}`);
    const a = await api();
    await a.registry.whenLoaded();
    // One profile for the whole session: instrument, workload and merge, as VS Code tasks.
    for (const [command, args] of [
      ['pgo.instrument', { component: 'pipeline' }],
      ['pgo.runWorkload', { component: 'pipeline', size: 300 }],
      ['pgo.mergeProfiles', { component: 'pipeline' }],
    ] as const) {
      const outcome = (await vscode.commands.executeCommand(command, args)) as TaskOutcome;
      assert.equal(outcome?.exitCode, 0, `${command}: ${JSON.stringify(outcome?.lastRun)}`);
    }
    await a.registry.touch();
    await a.heat.whenLoaded();
  });

  it('Check Prerequisites finds llvm-profdata in that folder, and no llvm-dwarfdump or llvm-symbolizer anywhere', async () => {
    const report = (await vscode.commands.executeCommand('pgo.checkPrerequisites', {})) as DoctorReport;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assert.equal(report.profdata?.chosen?.path, path.join(toolsDir, 'llvm-profdata'));
    assert.equal(report.profdata?.chosen?.source, 'tools-dir');
    const mapping = report.checks.find((c) => c.id === 'source-mapping');
    assert.equal(mapping?.status, 'ok');
    assert.match(mapping?.message ?? '', /^the built-in DWARF reader; rust-src (not )?installed$/, 'the built-in reader is the only one');
  });

  it('the built-in DWARF reader mapped the profile (the source index says so)', function () {
    const index = readSourceIndex(indexFile());
    assert.ok(index, 'the merge wrote a source index');
    assert.equal(index.mapping.method, 'builtin-dwarf:decl-line', JSON.stringify(index.mapping));
    assert.equal(index.mapping.problem, undefined);
    const mapped = Object.values(index.files).reduce((n, heats) => n + heats.reduce((m, h) => m + h.records.length, 0), 0);
    const share = mapped / (mapped + index.unmapped);
    if (this.test) this.test.title += ` (${mapped} of ${mapped + index.unmapped} profiled functions mapped, ${(share * 100).toFixed(1)}%)`;
    assert.ok(share >= 0.95, `${mapped} of ${mapped + index.unmapped}`);
  });

  it('the parser file (pipeline/src/smf.rs) shows lenses at its `fn` lines, and heat', async function () {
    const a = await api();
    const index = readSourceIndex(indexFile()) as SourceIndex;
    const file = path.join(folder(), 'pipeline', 'src', 'smf.rs');
    const heats = index.files[file] ?? [];
    assert.ok(heats.length > 0, `the parser's functions are indexed: ${Object.keys(index.files).join(', ')}`);
    const doc = await vscode.workspace.openTextDocument(file);
    const lines = doc.getText().split('\n');
    await vscode.window.showTextDocument(doc);
    const lenses = await pgoLenses(doc);
    // Hot functions get a lens (the workspace's own by their tier among its own counts).
    const hot = heats.filter((h) => shownTier(h) === 'hot');
    assert.ok(hot.length > 0, `the parser has hot functions: ${heats.map((h) => `${h.display} ${h.tier}/${h.ownTier}`).join(', ')}`);
    assert.deepEqual(lenses.map((l) => l.range.start.line + 1).sort((x, y) => x - y), hot.map((h) => h.line).sort((x, y) => x - y), 'one lens per hot function, on its line');
    for (const h of hot) {
      // The `fn` line itself, found in the text independently of the index: `fn <last path segment>`.
      const name = h.display.split('::').at(-1) ?? '';
      if (!name.includes('{{')) assert.match(lines[h.line - 1] ?? '', new RegExp(`\\bfn ${name}\\b`), `line ${h.line} of smf.rs is \`fn ${name}\``);
    }
    assert.ok(lenses.every((l) => /of profile/.test(l.command?.title ?? '')), lenses.map((l) => l.command?.title).join('\n'));
    await decorated(a, file, (d) => d.hot + d.warm >= 1);
    const d = a.annotations.applied.get(file);
    if (this.test) this.test.title += ` (${lenses.length} lenses, ${d?.hot ?? 0} hot and ${d?.warm ?? 0} warm lines, of ${heats.length} indexed functions)`;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
