import assert from 'node:assert/strict';
import * as path from 'node:path';
import {
  candidateLocations,
  discoverLlvmProfdata,
  installFixes,
  parseLlvmVersion,
} from '../../src/core/toolchain/llvm-profdata-discovery';
import { fakeProfdata, tempDir } from './helpers';

const rustc = (sysroot: string) => ({ llvmMajor: 22, host: 'x86_64-unknown-linux-gnu', sysroot });

describe('llvm-profdata discovery', () => {
  it('reads the LLVM version from the different vendors\' --version texts', () => {
    assert.deepEqual(parseLlvmVersion('Debian LLVM version 14.0.6\n  Optimized build.'), { version: '14.0.6', major: 14 });
    assert.deepEqual(parseLlvmVersion('LLVM (http://llvm.org/):\n  LLVM version 22.1.2-rust-1.95.0-stable'), { version: '22.1.2', major: 22 });
    assert.deepEqual(parseLlvmVersion('Homebrew LLVM version 19.1.7'), { version: '19.1.7', major: 19 });
    assert.equal(parseLlvmVersion('llvm-profdata: Unknown command!'), undefined);
  });

  it('searches setting, env, rustup, versioned PATH, /usr/lib/llvm-N, Homebrew, plain PATH — in that order', () => {
    const root = tempDir();
    const bin = path.join(root, 'bin');
    fakeProfdata(path.join(bin, 'llvm-profdata-22'), '22.1.8');
    fakeProfdata(path.join(bin, 'llvm-profdata'), '14.0.6');
    const locs = candidateLocations(rustc('/sysroot'), {
      explicitPath: '/explicit/llvm-profdata',
      env: { PATH: bin, LLVM_PROFDATA: '/env/llvm-profdata' },
      fsRoot: root,
      platform: 'linux',
    });
    assert.deepEqual(
      locs.map((l) => l.source),
      ['setting', 'env', 'rustup', 'path-versioned', 'debian', 'homebrew', 'homebrew', 'homebrew', 'homebrew', 'path'],
    );
    assert.equal(locs[2]?.path, '/sysroot/lib/rustlib/x86_64-unknown-linux-gnu/bin/llvm-profdata');
    assert.equal(locs[4]?.path, path.join(root, 'usr/lib/llvm-22/bin/llvm-profdata'));
  });

  it('skips a mismatched plain llvm-profdata and takes the matching one', async () => {
    const root = tempDir();
    const bin = path.join(root, 'bin');
    fakeProfdata(path.join(bin, 'llvm-profdata'), '14.0.6');
    const good = fakeProfdata(path.join(root, 'usr/lib/llvm-22/bin/llvm-profdata'), '22.1.8');
    const found = await discoverLlvmProfdata(rustc('/nonexistent'), { env: { PATH: bin }, fsRoot: root, platform: 'linux' });
    assert.equal(found.chosen?.path, good);
    const old = found.candidates.find((c) => c.source === 'path');
    assert.equal(old?.status, 'mismatch');
    assert.match(old?.reason ?? '', /LLVM 14 cannot read profiles written by rustc's LLVM 22/);
  });

  it('with only an LLVM 14 llvm-profdata, chooses none and gives the fixes', async () => {
    const root = tempDir();
    const bin = path.join(root, 'bin');
    fakeProfdata(path.join(bin, 'llvm-profdata'), '14.0.6');
    fakeProfdata(path.join(root, 'usr/bin/apt-get'), '0');
    const found = await discoverLlvmProfdata(rustc('/root/.rustup/toolchains/stable'), { env: { PATH: bin }, fsRoot: root, platform: 'linux' });
    assert.equal(found.chosen, undefined);
    assert.equal(found.candidates.length, 1);
    assert.deepEqual(found.fixes.slice(0, 2), ['rustup component add llvm-tools-preview', 'apt-get install llvm-22']);
  });

  it('does not replace a wrong explicit setting with another candidate', async () => {
    const root = tempDir();
    const old = fakeProfdata(path.join(root, 'old/llvm-profdata'), '14.0.6');
    fakeProfdata(path.join(root, 'usr/lib/llvm-22/bin/llvm-profdata'), '22.1.8');
    const found = await discoverLlvmProfdata(rustc('/x'), { explicitPath: old, env: { PATH: '' }, fsRoot: root, platform: 'linux' });
    assert.equal(found.chosen, undefined);
    assert.equal(found.candidates[0]?.status, 'mismatch');
    assert.equal(found.candidates[1]?.status, 'match');
  });

  it('reports an explicit path that does not exist', async () => {
    const found = await discoverLlvmProfdata(rustc('/x'), { explicitPath: '/no/such/llvm-profdata', env: { PATH: '' }, fsRoot: tempDir() });
    assert.equal(found.candidates[0]?.status, 'unreadable');
    assert.match(found.candidates[0]?.reason ?? '', /does not exist/);
  });

  it('suggests brew on macOS', () => {
    assert.ok(installFixes({ llvmMajor: 22 }, { platform: 'darwin', fsRoot: tempDir() }).includes('brew install llvm@22'));
  });
});
