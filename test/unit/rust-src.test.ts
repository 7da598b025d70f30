import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rustSrcLibrary } from '../../src/core/toolchain/rust-src';
import { sourceMappingCheck } from '../../src/core/toolchain/source-mapping-check';
import { tempDir } from './helpers';

function library(dir: string): string {
  fs.mkdirSync(path.join(dir, 'core', 'src'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'core', 'src', 'lib.rs'), '//! core\n');
  return dir;
}

describe('rust-src: where the std sources are', () => {
  it('takes the sysroot\'s rust-src, and nothing when it is not installed', () => {
    const sysroot = tempDir();
    assert.equal(rustSrcLibrary(sysroot, {}), undefined);
    const lib = library(path.join(sysroot, 'lib', 'rustlib', 'src', 'rust', 'library'));
    assert.equal(rustSrcLibrary(sysroot, {}), lib);
  });

  it('takes RUST_SRC_PATH first (the library directory, or one that holds it), and ignores it when it has no sources', () => {
    const sysroot = tempDir();
    const other = tempDir();
    assert.equal(rustSrcLibrary(sysroot, { RUST_SRC_PATH: other }), undefined);
    const lib = library(path.join(other, 'library'));
    assert.equal(rustSrcLibrary(sysroot, { RUST_SRC_PATH: lib }), lib);
    assert.equal(rustSrcLibrary(sysroot, { RUST_SRC_PATH: other }), lib);
    assert.equal(rustSrcLibrary(undefined, { RUST_SRC_PATH: lib }), lib);
    const own = library(path.join(sysroot, 'lib', 'rustlib', 'src', 'rust', 'library'));
    assert.equal(rustSrcLibrary(sysroot, { RUST_SRC_PATH: path.join(other, 'none') }), own);
  });

  it('the doctor names the rust-src it found, and with PGO_LLVM_TOOLS_DIR only the built-in reader', async () => {
    const rustc = { llvmMajor: 22, host: 'x86_64-unknown-linux-gnu', sysroot: tempDir() };
    const lib = library(path.join(tempDir(), 'library'));
    const check = await sourceMappingCheck(rustc, { env: { PATH: '', RUST_SRC_PATH: lib, PGO_LLVM_TOOLS_DIR: tempDir() }, platform: 'linux' });
    assert.equal(check.message, 'the built-in DWARF reader; rust-src installed');
    assert.ok(check.details.includes(`std, core and alloc open in rust-src (${lib})`), check.details.join('\n'));
    assert.equal(check.fix, undefined);
  });
});
