import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { copyWorkspace, REPO, restoreWorkspace, runCli } from './e2e-helpers';

/** The real cargo binary (behind rustup's proxy when there is one): it alone goes on the test's PATH. */
function realCargo(): string {
  const viaRustup = spawnSync('rustup', ['which', 'cargo'], { encoding: 'utf8' });
  if (viaRustup.status === 0 && viaRustup.stdout.trim()) return viaRustup.stdout.trim();
  const which = spawnSync(process.platform === 'win32' ? 'where' : 'which', ['cargo'], { encoding: 'utf8' });
  assert.equal(which.status, 0, 'cargo is on PATH');
  return fs.realpathSync(which.stdout.split(/\r?\n/)[0] ?? '');
}

/**
 * clean, archive, restore and delete-profile only move files: they must work where cargo runs but
 * rustc does not (`cargo metadata --no-deps` needs no rustc), e.g. a CI job that only keeps profiles.
 */
describe('profile housekeeping without rustc (only cargo on PATH)', function () {
  this.timeout(10 * 60_000);
  let ws: string;
  let bin: string;
  let home: string;
  const profdata = (): string => path.join(ws, 'target', 'pgo', 'spin', 'spin.profdata');
  const sha = (f: string): string => createHash('sha256').update(fs.readFileSync(f)).digest('hex');
  // An empty home too: the engine also looks for rustc in ~/.cargo/bin, as rust-analyzer does.
  const noRustc = (args: string[]): ReturnType<typeof runCli> =>
    runCli([...args, '--workspace', ws], { PATH: bin, HOME: home, USERPROFILE: home, CARGO_HOME: undefined, RUSTC: undefined, CARGO: undefined, RUSTUP_TOOLCHAIN: undefined });

  let root: string;
  let snapshot: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgo-norustc-'));
    ws = path.join(root, 'ws');
    fs.renameSync(copyWorkspace(path.join(REPO, 'test', 'fixtures', 'tiny-app'), 'pgo-norustc-src-'), ws);
    const r = runCli(['pipeline', '--workspace', ws]); // a real profile, made with the whole toolchain
    assert.equal(r.status, 0, r.output);
    // Each test starts from this state, whatever the one before it left.
    snapshot = path.join(root, 'good');
    restoreWorkspace(ws, snapshot);
    bin = fs.mkdtempSync(path.join(os.tmpdir(), 'pgo-cargo-only-'));
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'pgo-empty-home-'));
    fs.symlinkSync(realCargo(), path.join(bin, process.platform === 'win32' ? 'cargo.exe' : 'cargo'));
    assert.equal(spawnSync('rustc', ['-vV'], { env: { PATH: bin } }).error?.message.includes('ENOENT'), true, 'rustc is not reachable');
  });
  beforeEach(() => restoreWorkspace(snapshot, ws));
  after(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(bin, { recursive: true, force: true });
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('archive, clean and restore succeed and keep the profile byte for byte', () => {
    const before = sha(profdata());
    const a = noRustc(['archive', '--json']);
    assert.equal(a.status, 0, a.output);
    const { file, entries } = JSON.parse(a.stdout) as { file: string; entries: string[] };
    assert.ok(entries.includes('spin/spin.profdata'), entries.join(', '));
    const c = noRustc(['clean']);
    assert.equal(c.status, 0, c.output);
    assert.equal(fs.existsSync(profdata()), false, 'clean removed the profile');
    const r = noRustc(['restore', file]);
    assert.equal(r.status, 0, r.output);
    assert.equal(sha(profdata()), before);
    fs.rmSync(file);
  });

  it('delete-profile succeeds; a build phase says rustc is missing', () => {
    const d = noRustc(['delete-profile', 'spin']);
    assert.equal(d.status, 0, d.output);
    assert.match(d.stdout, /deleted:\n {2}\S+spin\.profdata\n/);
    assert.equal(fs.existsSync(profdata()), false);
    const p = noRustc(['instrument']);
    assert.notEqual(p.status, 0, p.output);
    assert.match(p.stderr, /error: `rustc` was not found/);
  });
});
