import assert from 'node:assert/strict';
import { atLeast, parseRustcVerbose } from '../../src/core/toolchain/rustc-info';

describe('rustc -vV', () => {
  it('reads version, host and LLVM major', () => {
    const info = parseRustcVerbose(
      'rustc 1.95.0 (59807616e 2026-04-14)\nbinary: rustc\ncommit-hash: 59807616e1fa\ncommit-date: 2026-04-14\nhost: x86_64-unknown-linux-gnu\nrelease: 1.95.0\nLLVM version: 22.1.2\n',
    );
    assert.equal(info.version, '1.95.0');
    assert.equal(info.host, 'x86_64-unknown-linux-gnu');
    assert.equal(info.llvmMajor, 22);
  });

  it('fails clearly when no LLVM version is reported', () => {
    assert.throws(() => parseRustcVerbose('rustc 1.80.0\nhost: x\nrelease: 1.80.0\n'), /does not report an LLVM version/);
  });

  it('compares versions for the 1.71 minimum', () => {
    assert.ok(atLeast('1.71.0', [1, 71]));
    assert.ok(atLeast('1.95.0-nightly', [1, 71]));
    assert.ok(!atLeast('1.70.2', [1, 71]));
    assert.ok(atLeast('2.0.0', [1, 71]));
  });
});
