// `npm test`: lint, type-check, build, then every suite for real, and one closing line
// "N passed, N failed" that adds them up. Exits non-zero when anything fails.
// Suites: unit (plain mocha, no toolchain), e2e (the real CLI pipeline with cargo and
// llvm-profdata), vscode (the mocha suite inside a real VS Code's extension host), ui (Playwright
// driving that VS Code like a person: palette, task terminal, sidebar; its screenshots go to
// out/screenshots/; `npm run docs:screenshots` puts them in docs/).
// Pass suite names to run only some: `npm test -- unit e2e`; an unknown name is an error.
// It cannot pass by accident: a suite that reports no summary, exits non-zero, or ran no test at
// all counts as failed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
const cargoBin = join(homedir(), '.cargo', 'bin');
if (existsSync(cargoBin) && !(process.env.PATH ?? '').split(':').includes(cargoBin)) process.env.PATH = `${process.env.PATH}:${cargoBin}`;

const mocha = (config) => ['npx', ['mocha', '--config', config, '--reporter', join(repo, 'test', 'summary-reporter.js')]];
const SUITES = {
  unit: { run: mocha('test/.mocharc.unit.json'), needs: [] },
  e2e: { run: mocha('test/.mocharc.e2e.json'), needs: ['toolchain'] },
  vscode: { run: [process.execPath, ['scripts/test-vscode.mjs']], needs: ['toolchain'] },
  ui: { run: [process.execPath, ['scripts/test-ui.mjs']], needs: ['toolchain'] },
};
const wanted = process.argv.slice(2);
const unknown = wanted.filter((a) => !Object.hasOwn(SUITES, a));
if (unknown.length > 0) {
  console.log(`error: no test suite named ${unknown.map((u) => `"${u}"`).join(', ')}`);
  console.log(`fix: name some of: ${Object.keys(SUITES).join(', ')} (e.g. \`npm test -- unit e2e\`), or none for all`);
  console.log('0 passed, 1 failed');
  process.exit(2);
}
const suites = wanted.length > 0 ? [...new Set(wanted)] : Object.keys(SUITES);

function step(title, cmd, args) {
  console.log(`\n=== ${title}`);
  const r = spawnSync(cmd, args, { cwd: repo, stdio: 'inherit' });
  if (r.status !== 0) {
    console.log(`\n${title} failed.\n0 passed, 1 failed`);
    process.exit(r.status ?? 1);
  }
}

step('lint (eslint)', 'npx', ['eslint', 'src', 'test', 'scripts']);
step('type-check and compile (tsc)', 'npx', ['tsc', '-p', '.']);
step('bundle (esbuild)', process.execPath, ['scripts/build.mjs']);
if (suites.some((s) => SUITES[s].needs.includes('toolchain'))) step('toolchain (pgo doctor)', process.execPath, ['scripts/ensure-toolchain.mjs']);

let passes = 0;
let failures = 0;
let pending = 0;
const failed = [];
const dir = mkdtempSync(join(tmpdir(), 'pgo-test-summary-'));
for (const name of suites) {
  console.log(`\n=== ${name} tests`);
  const summary = join(dir, `${name}.json`);
  const [cmd, args] = SUITES[name].run;
  const r = spawnSync(cmd, args, {
    cwd: repo,
    stdio: 'inherit',
    env: { ...process.env, PGO_TEST_SUMMARY: summary },
  });
  let s;
  try {
    s = JSON.parse(readFileSync(summary, 'utf8'));
    if (!['passes', 'failures', 'pending'].every((k) => Number.isInteger(s[k])) || !Array.isArray(s.failed)) throw new Error('malformed');
  } catch {
    s = { passes: 0, failures: 1, pending: 0, failed: [{ title: `${name} suite did not report (exit ${r.status ?? r.signal})`, error: '' }] };
  }
  if (r.status !== 0 && s.failures === 0) {
    s.failures = 1;
    s.failed.push({ title: `${name} suite exited with ${r.status ?? r.signal} although no test failed`, error: '' });
  }
  if (s.passes + s.failures === 0) {
    // Nothing ran (no spec found, every test filtered or skipped): never a pass.
    s.failures = 1;
    s.failed.push({ title: `${name} suite ran no test`, error: '' });
  }
  passes += s.passes;
  failures += s.failures;
  pending += s.pending;
  failed.push(...s.failed.map((f) => `${name}: ${f.title}`));
}
rmSync(dir, { recursive: true, force: true });
console.log('\n=== summary');
for (const f of failed) console.log(`failed: ${f}`);
console.log(`${passes} passed, ${failures} failed${pending ? `, ${pending} skipped` : ''}`);
process.exit(failures > 0 ? 1 : 0);
