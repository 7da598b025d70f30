import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rustSrcLibrary } from '../../src/core/toolchain/rust-src';
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
});
