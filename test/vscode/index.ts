import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

/**
 * Entry point that VS Code's extension host calls (extensionTestsPath). The host's exit code
 * carries no verdict (code-server exits 0 even when this throws), so the results go to the JSON
 * file named by PGO_TEST_RESULTS, which the driver reads. PGO_TEST_GREP runs only the matching tests
 * (each test sets up what it needs, so any one runs alone).
 */
export async function run(): Promise<void> {
  const suite = process.env.PGO_TEST_SUITE ?? 'rust-workspace';
  const mocha = new Mocha({ ui: 'bdd', timeout: 15 * 60_000, color: false, reporter: 'spec', forbidOnly: true, ...(process.env.PGO_TEST_GREP ? { grep: process.env.PGO_TEST_GREP } : {}) });
  mocha.addFile(path.join(__dirname, `${suite}.test.js`));
  const results: { title: string; fullTitle: string; state: string; error?: string }[] = [];
  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run((n) => resolve(n));
    runner.on('pass', (t) => results.push({ title: t.title, fullTitle: t.fullTitle(), state: 'passed' }));
    runner.on('fail', (t, err: Error) => results.push({ title: t.title, fullTitle: t.fullTitle(), state: 'failed', error: err.stack ?? err.message }));
    runner.on('pending', (t) => results.push({ title: t.title, fullTitle: t.fullTitle(), state: 'pending' }));
  });
  const out = process.env.PGO_TEST_RESULTS;
  if (out) {
    const count = (state: string): number => results.filter((r) => r.state === state).length;
    const body = { suite, passes: count('passed'), failures: count('failed'), pending: count('pending'), tests: results };
    // Written whole, then renamed: the driver polls for this file and must never read half of it.
    fs.writeFileSync(`${out}.tmp`, JSON.stringify(body, null, 2));
    fs.renameSync(`${out}.tmp`, out);
  }
  if (failures > 0) throw new Error(`${failures} test(s) failed`);
}
