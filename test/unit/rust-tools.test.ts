import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findRustTool, isCargoCommand, rustToolPath } from '../../src/core/util/rust-tools';
import { runDoctor } from '../../src/core/toolchain/doctor';
import { tempDir } from './helpers';

/** A real executable script; `body` is what it prints. */
function tool(file: string, body = 'echo fake'): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

describe('finding cargo and rustc (like rust-analyzer)', () => {
  it('takes $CARGO / $RUSTC first, then PATH, then ~/.cargo/bin', () => {
    const root = tempDir();
    const home = path.join(root, 'home');
    const bin = path.join(root, 'usr-bin');
    const fromHome = tool(path.join(home, '.cargo', 'bin', 'cargo'));
    const fromPath = tool(path.join(bin, 'cargo'));
    const fromEnv = tool(path.join(root, 'custom', 'my-cargo'));
    const platform = 'linux';
    assert.deepEqual(findRustTool('cargo', { platform, env: { HOME: home, PATH: bin, CARGO: fromEnv } }), { tool: 'cargo', path: fromEnv, source: 'env' });
    assert.deepEqual(findRustTool('cargo', { platform, env: { HOME: home, PATH: bin } }), { tool: 'cargo', path: fromPath, source: 'path' });
    assert.deepEqual(findRustTool('cargo', { platform, env: { HOME: home, PATH: path.join(root, 'empty') } }), { tool: 'cargo', path: fromHome, source: 'cargo-home' });
    assert.equal(findRustTool('rustc', { platform, env: { HOME: home, PATH: bin } }), undefined);
    assert.equal(rustToolPath('rustc', { platform, env: { HOME: home, PATH: bin } }), 'rustc', 'not found: the bare name, so the spawn error names it');
  });

  it('looks in $CARGO_HOME/bin before ~/.cargo/bin, and skips files that are not executable', function () {
    if (process.platform === 'win32') this.skip(); // no execute bit there
    const root = tempDir();
    const home = path.join(root, 'home');
    const cargoHome = path.join(root, 'rustup-cargo');
    const inHome = tool(path.join(home, '.cargo', 'bin', 'rustc'));
    const notExecutable = path.join(cargoHome, 'bin', 'rustc');
    fs.mkdirSync(path.dirname(notExecutable), { recursive: true });
    fs.writeFileSync(notExecutable, '', { mode: 0o644 });
    const env = { HOME: home, PATH: '', CARGO_HOME: cargoHome };
    assert.equal(findRustTool('rustc', { platform: 'linux', env })?.path, inHome);
    fs.chmodSync(notExecutable, 0o755);
    assert.equal(findRustTool('rustc', { platform: 'linux', env })?.path, notExecutable);
  });

  it('resolves a bare name in $RUSTC through PATH', () => {
    const root = tempDir();
    const nightly = tool(path.join(root, 'bin', 'rustc-nightly'));
    assert.equal(findRustTool('rustc', { platform: 'linux', env: { PATH: path.join(root, 'bin'), RUSTC: 'rustc-nightly' } })?.path, nightly);
  });

  it('on Windows looks for cargo.exe in %USERPROFILE%\\.cargo\\bin', () => {
    const root = tempDir();
    const profile = path.join(root, 'Users', 'me');
    const exe = tool(path.join(profile, '.cargo', 'bin', 'cargo.exe'));
    assert.equal(findRustTool('cargo', { platform: 'win32', env: { USERPROFILE: profile, HOME: path.join(root, 'elsewhere'), Path: '' } })?.path, exe);
  });

  it('knows a cargo command in a workload by its name', () => {
    assert.ok(isCargoCommand('cargo'));
    assert.ok(isCargoCommand('/home/me/.cargo/bin/cargo'));
    assert.ok(isCargoCommand('C:\\Users\\me\\.cargo\\bin\\cargo.exe'.replace(/\\/g, path.sep)));
    assert.ok(!isCargoCommand('cargo-nextest'));
  });

  it('the doctor says which rustc and cargo it runs and how it found them', async function () {
    if (process.platform === 'win32') this.skip(); // the stand-ins are shell scripts
    const root = tempDir();
    const home = path.join(root, 'home');
    const rustc = tool(
      path.join(home, '.cargo', 'bin', 'rustc'),
      'case "$1" in -vV) printf "rustc 1.95.0 (abc 2026-04-14)\\nrelease: 1.95.0\\nhost: x86_64-unknown-linux-gnu\\nLLVM version: 22.1.2\\n";; *) echo /nonexistent-sysroot;; esac',
    );
    const cargo = tool(path.join(root, 'bin', 'cargo'), 'echo "cargo 1.95.0 (abc 2026-04-01)"');
    const report = await runDoctor({ artifactDir: root, minFreeGb: 0, env: { HOME: home, PATH: path.join(root, 'bin') } });
    const line = (id: string): string => report.checks.find((c) => c.id === id)?.message ?? '';
    assert.equal(report.tools.rustc?.path, rustc);
    assert.equal(line('rustc'), `rustc 1.95.0 (abc 2026-04-14), LLVM 22.1.2, host x86_64-unknown-linux-gnu: ${rustc} (from rustup's bin folder, not on PATH)`);
    assert.equal(line('cargo'), `cargo 1.95.0 (abc 2026-04-01): ${cargo} (from PATH)`);
  });
});
