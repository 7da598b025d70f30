import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cargoConfigFiles, resolveCargoRustflags, rustflagsWarnings } from '../../src/core/workspace/cargo-config-rustflags';
import { cfgKeyMatches } from '../../src/core/workspace/cfg-expr';
import { isPgoError } from '../../src/core/errors';
import { tempDir } from './helpers';

const HOST = 'x86_64-unknown-linux-gnu';
const CFG = ['debug_assertions', 'panic="unwind"', 'target_arch="x86_64"', 'target_family="unix"', 'target_os="linux"', 'unix'];

/** root/a/ws with its own .cargo, root/a/.cargo, and a CARGO_HOME at root/home; files given by relative path. */
function layout(files: Record<string, string>): { root: string; ws: string; home: string } {
  const root = tempDir('pgo-cargo-config-');
  const ws = path.join(root, 'a', 'ws');
  const home = path.join(root, 'home');
  for (const d of [ws, home]) fs.mkdirSync(d, { recursive: true });
  for (const [rel, text] of Object.entries(files)) {
    const f = path.join(root, rel);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, text);
  }
  return { root, ws, home };
}

function resolve(files: Record<string, string>, env: NodeJS.ProcessEnv = {}, host = HOST) {
  const { ws, home } = layout(files);
  return resolveCargoRustflags({ cwd: ws, host, rustcCfg: CFG, env: { CARGO_HOME: home, ...env } });
}

describe('rustflags cargo would use (config files and environment)', () => {
  it('finds config files from the build directory up, then CARGO_HOME; `config` before `config.toml` in one folder', () => {
    const { root, ws, home } = layout({
      'a/ws/.cargo/config.toml': '',
      'a/.cargo/config': '',
      'a/.cargo/config.toml': '',
      'home/config.toml': '',
    });
    assert.deepEqual(cargoConfigFiles(ws, { CARGO_HOME: home }), [
      path.join(ws, '.cargo', 'config.toml'),
      path.join(root, 'a', '.cargo', 'config'),
      path.join(home, 'config.toml'),
    ]);
  });

  it('joins build.rustflags arrays from every file, deeper files later; strings are split on spaces', () => {
    const r = resolve({
      'a/ws/.cargo/config.toml': '[build]\nrustflags = ["--cfg", "pgo_fixture_flag"]\n',
      'a/.cargo/config.toml': '[build]\nrustflags = ["-Cforce-frame-pointers=yes"]\n',
      'home/config.toml': '[net]\nretry = 2\n',
    });
    assert.deepEqual(r.flags, ['-Cforce-frame-pointers=yes', '--cfg', 'pgo_fixture_flag']);
    assert.deepEqual(r.sources.map((s) => s.origin.replace(/ in .*\/(a\/)/, ' in $1')), ['build.rustflags in a/.cargo/config.toml', 'build.rustflags in a/ws/.cargo/config.toml']);
    assert.equal(r.precedence, 'build.rustflags');
    assert.deepEqual(rustflagsWarnings(r), []);
  });

  it('takes a string value from the deepest file only, as cargo merges strings', () => {
    const r = resolve({
      'a/ws/.cargo/config.toml': '[build]\nrustflags = "-Ctarget-cpu=native  -g"\n',
      'home/config.toml': '[build]\nrustflags = "-Copt-level=1"\n',
    });
    assert.deepEqual(r.flags, ['-Ctarget-cpu=native', '-g']);
  });

  it('refuses a key that is a string in one file and an array in another, naming both', () => {
    assert.throws(
      () => resolve({ 'a/ws/.cargo/config.toml': '[build]\nrustflags = "-g"\n', 'home/config.toml': '[build]\nrustflags = ["-g"]\n' }),
      (e: unknown) => isPgoError(e) && /build\.rustflags is an array in some .* and a string in others/.test(e.message),
    );
  });

  it('target.<host> and matching target.cfg(...) flags beat build.rustflags, which is then reported as not applying', () => {
    const r = resolve({
      'a/ws/.cargo/config.toml': [
        '[build]\nrustflags = ["--cfg", "from_build"]',
        `[target.${HOST}]\nrustflags = ["-Clink-arg=-Wl,--as-needed"]`,
        `[target.'cfg(all(unix, target_arch = "x86_64", not(windows)))']\nrustflags = ["--cfg", "from_cfg"]`,
        `[target.'cfg(windows)']\nrustflags = ["--cfg", "never"]`,
        '[target.aarch64-apple-darwin]\nrustflags = ["--cfg", "other_triple"]',
      ].join('\n'),
    });
    assert.deepEqual(r.flags, ['-Clink-arg=-Wl,--as-needed', '--cfg', 'from_cfg']);
    assert.deepEqual(r.shadowed.map((s) => s.flags), [['--cfg', 'from_build']]);
    assert.match(rustflagsWarnings(r)[0] ?? '', /^build\.rustflags in \S+ \(--cfg from_build\) does not apply: target\.x86_64-unknown-linux-gnu \/ target\.'cfg\(\.\.\.\)' rustflags takes precedence/);
  });

  it('RUSTFLAGS beats the config files; CARGO_ENCODED_RUSTFLAGS beats RUSTFLAGS, even when empty', () => {
    const files = { 'a/ws/.cargo/config.toml': '[build]\nrustflags = ["--cfg", "from_build"]\n' };
    const r1 = resolve(files, { RUSTFLAGS: ' -Cforce-frame-pointers=yes  -g ' });
    assert.deepEqual(r1.flags, ['-Cforce-frame-pointers=yes', '-g']);
    assert.deepEqual(r1.sources.map((s) => s.origin), ['RUSTFLAGS (environment)']);
    assert.equal(r1.shadowed.length, 1);
    const r2 = resolve(files, { CARGO_ENCODED_RUSTFLAGS: 'a b\x1fc', RUSTFLAGS: '-g' });
    assert.deepEqual(r2.flags, ['a b', 'c']);
    assert.deepEqual(r2.shadowed.map((s) => s.origin.split(' ')[0]), ['RUSTFLAGS', 'build.rustflags']);
    const r3 = resolve(files, { CARGO_ENCODED_RUSTFLAGS: '' });
    assert.deepEqual(r3.flags, []);
    assert.equal(r3.precedence, 'CARGO_ENCODED_RUSTFLAGS');
  });

  it('adds CARGO_BUILD_RUSTFLAGS and CARGO_TARGET_<TRIPLE>_RUSTFLAGS to the config arrays', () => {
    const r = resolve({ 'a/ws/.cargo/config.toml': '[build]\nrustflags = ["-g"]\n' }, { CARGO_BUILD_RUSTFLAGS: '--cfg env_flag' });
    assert.deepEqual(r.flags, ['-g', '--cfg', 'env_flag']);
    const t = resolve({}, { CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS: '-Ctarget-cpu=native' });
    assert.deepEqual(t.flags, ['-Ctarget-cpu=native']);
  });

  it('leaves out the profile flags the pipeline sets itself, in every spelling, and says so', () => {
    const r = resolve({}, { RUSTFLAGS: '-Cprofile-generate=/tmp/x -C profile-use=/p.profdata --codegen=instrument-coverage -Copt-level=3 -C target-cpu=native' });
    assert.deepEqual(r.flags, ['-Copt-level=3', '-C', 'target-cpu=native']);
    assert.deepEqual(r.dropped, [{ origin: 'RUSTFLAGS (environment)', flags: ['-Cprofile-generate=/tmp/x', '-C profile-use=/p.profdata', '--codegen=instrument-coverage'] }]);
    assert.match(rustflagsWarnings(r)[0] ?? '', /left out of the PGO builds: the pipeline sets the profile flag of each build itself/);
  });

  it('names a config file that is not valid TOML', () => {
    assert.throws(
      () => resolve({ 'a/ws/.cargo/config.toml': '[build\nrustflags = 1\n' }),
      (e: unknown) => isPgoError(e) && /config\.toml is not valid TOML/.test(e.message),
    );
  });

  it('reports cfg keys it could not evaluate instead of guessing', () => {
    const { ws, home } = layout({ 'a/ws/.cargo/config.toml': `[target.'cfg(unix)']\nrustflags = ["-g"]\n` });
    const r = resolveCargoRustflags({ cwd: ws, host: HOST, env: { CARGO_HOME: home } });
    assert.deepEqual(r.flags, []);
    assert.match(rustflagsWarnings(r)[0] ?? '', /cfg\(unix\)'.*was not evaluated/);
  });
});

describe('cfg(...) keys', () => {
  it('evaluates names, key = "value", all, any and not', () => {
    assert.equal(cfgKeyMatches('cfg(unix)', CFG), true);
    assert.equal(cfgKeyMatches('cfg(windows)', CFG), false);
    assert.equal(cfgKeyMatches('cfg(target_os = "linux")', CFG), true);
    assert.equal(cfgKeyMatches('cfg(target_os="macos")', CFG), false);
    assert.equal(cfgKeyMatches('cfg(all(unix, not(target_os = "macos"), any(target_arch = "x86_64", target_arch = "aarch64")))', CFG), true);
    assert.equal(cfgKeyMatches('cfg(any())', CFG), false);
    assert.equal(cfgKeyMatches('cfg(all())', CFG), true);
  });

  it('returns undefined for what is not a cfg expression', () => {
    assert.equal(cfgKeyMatches('cfg(unix', CFG), undefined);
    assert.equal(cfgKeyMatches('cfg(not(unix, windows))', CFG), undefined);
    assert.equal(cfgKeyMatches('cfg(target_os = linux)', CFG), undefined);
  });
});
