import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { discoverLlvmTool, findLlvmTool, llvmToolInstallFixes, llvmToolLocations } from '../../src/core/toolchain/llvm-tools';
import { fakeProfdata, tempDir } from './helpers';

const rustc = (sysroot: string) => ({ llvmMajor: 22, host: 'x86_64-unknown-linux-gnu', sysroot });

/** An executable that is never run (the debug-info tools are not version-checked). */
function exec(file: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '#!/bin/sh\nexit 1\n', { mode: 0o755 });
  return file;
}

describe('the LLVM tool finder', () => {
  it('searches every tool in the same order; the highest other version last for a tool that need not match', () => {
    const root = tempDir();
    const bin = path.join(root, 'bin');
    exec(path.join(bin, 'llvm-dwarfdump-22'));
    exec(path.join(bin, 'llvm-dwarfdump-14'));
    exec(path.join(bin, 'llvm-dwarfdump-23'));
    exec(path.join(bin, 'llvm-dwarfdump'));
    const locs = llvmToolLocations('llvm-dwarfdump', {
      rustc: rustc('/sysroot'),
      explicitPath: '/explicit/llvm-dwarfdump',
      besideDir: '/profdata/bin',
      env: { PATH: bin, LLVM_DWARFDUMP: '/env/llvm-dwarfdump' },
      fsRoot: root,
      platform: 'linux',
    });
    assert.deepEqual(
      locs.map((l) => l.source),
      ['setting', 'env', 'beside', 'rustup', 'path-versioned', 'debian', 'homebrew', 'homebrew', 'homebrew', 'homebrew', 'path', 'path-other-version'],
    );
    assert.equal(locs[1]?.path, '/env/llvm-dwarfdump');
    assert.equal(locs[2]?.path, '/profdata/bin/llvm-dwarfdump');
    assert.equal(locs[3]?.path, '/sysroot/lib/rustlib/x86_64-unknown-linux-gnu/bin/llvm-dwarfdump');
    assert.equal(locs[4]?.path, path.join(bin, 'llvm-dwarfdump-22'));
    assert.equal(locs[5]?.path, path.join(root, 'usr/lib/llvm-22/bin/llvm-dwarfdump'));
    assert.equal(locs[11]?.path, path.join(bin, 'llvm-dwarfdump-23'));
  });

  it('takes the directory beside llvm-profdata first, then the matching version, then plain PATH, then any version', async () => {
    const root = tempDir();
    const beside = path.join(root, 'llvm', 'bin');
    const pathA = path.join(root, 'a');
    const pathB = path.join(root, 'b');
    const search = (besideDir: string) => ({ rustc: rustc('/nonexistent'), besideDir, env: { PATH: [pathA, pathB].join(path.delimiter) }, fsRoot: root, platform: 'linux' as const });
    const sibling = exec(path.join(beside, 'llvm-dwarfdump'));
    exec(path.join(pathA, 'llvm-dwarfdump-14'));
    const v18 = exec(path.join(pathB, 'llvm-dwarfdump-18'));
    assert.equal(await findLlvmTool('llvm-dwarfdump', search(beside)), sibling);
    assert.equal(await findLlvmTool('llvm-dwarfdump', search(path.join(root, 'none'))), v18, 'any version: the highest');
    const plain = exec(path.join(pathA, 'llvm-dwarfdump'));
    assert.equal(await findLlvmTool('llvm-dwarfdump', search(path.join(root, 'none'))), plain);
    const system = exec(path.join(root, 'usr/lib/llvm-22/bin/llvm-dwarfdump'));
    assert.equal(await findLlvmTool('llvm-dwarfdump', search(path.join(root, 'none'))), system, "rustc's LLVM before plain PATH");
    const v22 = exec(path.join(pathB, 'llvm-dwarfdump-22'));
    assert.equal(await findLlvmTool('llvm-dwarfdump', search(path.join(root, 'none'))), v22);
    assert.equal(await findLlvmTool('llvm-symbolizer', search(beside)), undefined);
  });

  it('checks the LLVM major of llvm-profdata but not of llvm-nm', async () => {
    const root = tempDir();
    const bin = path.join(root, 'bin');
    fakeProfdata(path.join(bin, 'llvm-profdata'), '14.0.6');
    fakeProfdata(path.join(bin, 'llvm-nm'), '14.0.6');
    const search = { rustc: rustc('/nonexistent'), env: { PATH: bin }, fsRoot: root, platform: 'linux' as const };
    const profdata = await discoverLlvmTool('llvm-profdata', search);
    assert.equal(profdata.chosen, undefined);
    assert.equal(profdata.candidates[0]?.status, 'mismatch');
    const nm = await discoverLlvmTool('llvm-nm', search);
    assert.equal(nm.chosen?.path, path.join(bin, 'llvm-nm'));
    assert.equal(nm.chosen?.version, undefined, 'not run');
  });

  it('does not replace a tool named in its environment variable that does not exist', async () => {
    const root = tempDir();
    const bin = path.join(root, 'bin');
    exec(path.join(bin, 'llvm-symbolizer'));
    const found = await discoverLlvmTool('llvm-symbolizer', { env: { PATH: bin, LLVM_SYMBOLIZER: path.join(root, 'gone') }, fsRoot: root });
    assert.equal(found.chosen, undefined);
    assert.equal(found.candidates[0]?.source, 'env');
    assert.match(found.candidates[0]?.reason ?? '', /does not exist/);
  });

  it('offers rustup only for the tools rustup ships', () => {
    const root = tempDir();
    fakeProfdata(path.join(root, 'usr/bin/apt-get'), '0');
    const rust = { llvmMajor: 22, sysroot: '/root/.rustup/toolchains/stable' };
    assert.deepEqual(llvmToolInstallFixes('llvm-nm', rust, { platform: 'linux', fsRoot: root }).slice(0, 2), [
      'rustup component add llvm-tools-preview',
      'apt-get install llvm-22',
    ]);
    assert.deepEqual(llvmToolInstallFixes('llvm-dwarfdump', rust, { platform: 'linux', fsRoot: root }), [
      'apt-get install llvm-22',
      'set LLVM_DWARFDUMP to a llvm-dwarfdump',
    ]);
  });

  it('looks only in PGO_LLVM_TOOLS_DIR when it is set: the system\'s other LLVMs are not found', async () => {
    const root = tempDir();
    const dir = path.join(root, 'rustup-like');
    const nm = exec(path.join(dir, 'llvm-nm'));
    const onPath = path.join(root, 'bin');
    exec(path.join(onPath, 'llvm-dwarfdump'));
    exec(path.join(onPath, 'llvm-dwarfdump-22'));
    exec(path.join(root, 'usr/lib/llvm-22/bin/llvm-dwarfdump'));
    const search = { rustc: rustc(root), besideDir: onPath, env: { PATH: onPath, PGO_LLVM_TOOLS_DIR: dir }, fsRoot: root, platform: 'linux' as const };
    assert.deepEqual(llvmToolLocations('llvm-dwarfdump', search), [{ path: path.join(dir, 'llvm-dwarfdump'), source: 'tools-dir' }]);
    const found = await discoverLlvmTool('llvm-dwarfdump', search);
    assert.equal(found.chosen, undefined);
    assert.equal(found.fixes[0], `put llvm-dwarfdump in ${dir}, or unset PGO_LLVM_TOOLS_DIR to search the usual places`);
    assert.equal(await findLlvmTool('llvm-nm', search), nm);
    // The tool's own variable still names it explicitly.
    const named = exec(path.join(root, 'elsewhere', 'llvm-dwarfdump'));
    assert.equal(await findLlvmTool('llvm-dwarfdump', { ...search, env: { ...search.env, LLVM_DWARFDUMP: named } }), named);
  });
});
