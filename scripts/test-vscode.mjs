// The extension's integration suite inside a real VS Code: the compiled mocha suite in
// out/test/vscode runs in the extension host (code-server here; `--host electron` uses
// @vscode/test-electron where VS Code can be downloaded). Sessions: the example workspace, a folder
// without Cargo.toml (the extension must not activate there), the example with only rustup's
// llvm-tools (rustup-llvm-tools), and test/fixtures/path-dep (dependencies, std). The verdict comes
// from the results files the suites write, never from exit codes; a session that ran no test fails.
// Writes the combined counts to $PGO_TEST_SUMMARY for scripts/test.mjs.
// PGO_VSCODE_SUITES=non-rust-folder (comma-separated) runs only those sessions. Restricted Mode
// is checked by scripts/test-ui.mjs: VS Code refuses to run extension tests in an untrusted window.
import { cpSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCodeServer } from './vscode-host/install-code-server.mjs';
import { runExtensionTests } from './vscode-host/run-extension-tests.mjs';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
const hostArg = process.argv.indexOf('--host');
const host = hostArg > 0 ? process.argv[hostArg + 1] : 'code-server';
if (host === 'code-server') await ensureCodeServer();

const sessions = [];
const scratch = mkdtempSync(join(tmpdir(), 'pgo-vscode-'));
try {
  // A copy of the example, so the suite's builds and settings never touch the repository.
  const example = join(scratch, 'midi-studio');
  cpSync(join(repo, 'examples', 'midi-studio'), example, { recursive: true, filter: (p) => basename(p) !== 'target' });
  const nested = join(scratch, 'nested-roots');
  cpSync(join(repo, 'test', 'fixtures', 'nested-roots'), nested, { recursive: true, filter: (p) => basename(p) !== 'target' });
  const realworld = join(scratch, 'realworld');
  cpSync(join(repo, 'test', 'fixtures', 'realworld'), realworld, { recursive: true, filter: (p) => basename(p) !== 'target' });
  const plain = join(scratch, 'notes');
  mkdirSync(plain);
  writeFileSync(join(plain, 'README.md'), '# Not a Rust project\n');

  // Only what rustup's llvm-tools component has (no llvm-dwarfdump, no llvm-symbolizer): symlinks
  // to the matched llvm-profdata's LLVM, the only directory the engine looks in (PGO_LLVM_TOOLS_DIR).
  const rustupTools = () => ({ PGO_LLVM_TOOLS_DIR: rustupLikeLlvmTools(join(scratch, 'rustup-llvm-tools'), example) });
  const rustupExample = join(scratch, 'midi-studio-rustup-tools');
  cpSync(example, rustupExample, { recursive: true });
  const pathDep = join(scratch, 'path-dep');
  cpSync(join(repo, 'test', 'fixtures', 'path-dep'), pathDep, { recursive: true, filter: (p) => basename(p) !== 'target' });

  // [session (suite file), folder, time-out, extra environment]
  const all = [
    ['rust-workspace', example, 15 * 60_000],
    ['non-rust-folder', plain, 3 * 60_000],
    ['nested-roots', nested, 3 * 60_000],
    ['rustup-llvm-tools', rustupExample, 10 * 60_000, rustupTools],
    ['dependencies', join(pathDep, 'app'), 8 * 60_000, rustupTools],
    ['first-workload', realworld, 10 * 60_000],
  ];
  const only = process.env.PGO_VSCODE_SUITES?.split(',').filter(Boolean);
  const unknown = (only ?? []).filter((name) => !all.some(([suite]) => suite === name));
  if (unknown.length > 0) {
    console.log(`error: PGO_VSCODE_SUITES names no session ${unknown.map((u) => `"${u}"`).join(', ')}\nfix: use some of: ${all.map(([suite]) => suite).join(', ')}`);
    sessions.push({ passes: 0, failures: 1, pending: 0, tests: [{ fullTitle: `unknown session ${unknown.join(', ')}`, state: 'failed', error: '' }] });
  }
  for (const [suite, folder, timeoutMs, extraEnv] of all.filter(([suite]) => !only || only.includes(suite))) {
    console.log(`\n--- VS Code (${host}): ${suite} on ${folder}`);
    try {
      const r = await runExtensionTests({
        extensionDevelopmentPath: repo,
        extensionTestsPath: join(repo, 'out', 'test', 'vscode', 'index.js'),
        folder,
        resultsFile: join(scratch, `${suite}.json`),
        timeoutMs,
        host,
        env: { ...extraEnv?.(), PGO_TEST_SUITE: suite },
      });
      for (const t of r.tests) {
        console.log(`  ${t.state === 'passed' ? '✔' : t.state === 'failed' ? '✖' : '-'} ${t.fullTitle}`);
        if (t.error) console.log(`      ${t.error.split('\n').slice(0, 6).join('\n      ')}`);
      }
      if (r.passes + r.failures === 0) {
        // A session that ran nothing (suite file not found, every test skipped) proves nothing.
        console.log(`  ✖ ${suite}: ran no test`);
        r.failures += 1;
        r.tests.push({ fullTitle: `${suite} ran no test`, state: 'failed', error: 'the session reported 0 tests' });
      }
      sessions.push(r);
    } catch (e) {
      console.log(`  ✖ ${suite}: ${e.message}`);
      sessions.push({ passes: 0, failures: 1, pending: 0, tests: [{ fullTitle: `${suite} did not report`, state: 'failed', error: e.message }] });
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

/**
 * A folder of symlinks to llvm-profdata, llvm-nm, llvm-objdump, llvm-readobj and llvm-size (the
 * llvm-tools component's set) of the LLVM whose llvm-profdata the CLI matched to rustc.
 */
function rustupLikeLlvmTools(dir, workspace) {
  if (existsSync(dir)) return dir;
  const doctor = spawnSync(process.execPath, [join(repo, 'dist', 'cli.js'), 'doctor', '--json', '--workspace', workspace], { encoding: 'utf8' });
  const chosen = JSON.parse(doctor.stdout || '{}').profdata?.chosen?.path;
  if (!chosen) throw new Error(`no llvm-profdata matching rustc (pgo doctor):\n${doctor.stdout}${doctor.stderr}`);
  const llvmBin = dirname(realpathSync(chosen));
  mkdirSync(dir);
  for (const tool of ['llvm-profdata', 'llvm-nm', 'llvm-objdump', 'llvm-readobj', 'llvm-size']) {
    const exe = process.platform === 'win32' ? `${tool}.exe` : tool;
    symlinkSync(join(llvmBin, exe), join(dir, exe));
  }
  return dir;
}

const sum = (k) => sessions.reduce((n, s) => n + (s[k] ?? 0), 0);
const summary = {
  passes: sum('passes'),
  failures: sum('failures'),
  pending: sum('pending'),
  failed: sessions.flatMap((s) => s.tests.filter((t) => t.state === 'failed').map((t) => ({ title: t.fullTitle, error: t.error ?? '' }))),
};
console.log(`\n${summary.passes} passing, ${summary.failures} failing (in VS Code)`);
if (process.env.PGO_TEST_SUMMARY) writeFileSync(process.env.PGO_TEST_SUMMARY, JSON.stringify(summary));
process.exit(summary.failures > 0 ? 1 : 0);
