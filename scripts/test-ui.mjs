// Browser-level check: Playwright drives a real VS Code (code-server + Debian's Chromium) the way
// a person would — types "PGO: Build Pipeline" into the command palette, answers its prompts,
// waits for the task to finish, opens the PGO sidebar and reads the profile node — and saves
// screenshots to docs/ for the README. Each step is one check; the counts go to $PGO_TEST_SUMMARY.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCodeServer } from './vscode-host/install-code-server.mjs';
import { findInCommandPalette, openCommandPalette, openWorkbench } from './vscode-host/run-extension-tests.mjs';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
const docs = join(repo, 'docs');
mkdirSync(docs, { recursive: true });
await ensureCodeServer();

const scratch = mkdtempSync(join(tmpdir(), 'pgo-ui-'));
const folder = join(scratch, 'midi-studio');
cpSync(join(repo, 'examples', 'midi-studio'), folder, { recursive: true, filter: (p) => basename(p) !== 'target' });

const results = [];
async function check(title, fn) {
  const started = Date.now();
  try {
    await fn();
    results.push({ title, state: 'passed' });
    console.log(`  ✔ ${title} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
  } catch (e) {
    results.push({ title, state: 'failed', error: e.message });
    console.log(`  ✖ ${title}\n      ${String(e.message).split('\n').slice(0, 8).join('\n      ')}`);
    throw e; // later steps depend on this one
  }
}

const wb = await openWorkbench({ folder, extensionDevelopmentPath: repo, viewport: { width: 1440, height: 900 } });
const { page } = wb;
try {
  await check('the extension activates in the example and shows its status bar item', async () => {
    await page.locator('.statusbar-item', { hasText: 'PGO' }).first().waitFor({ timeout: 60_000 });
  });

  await check('the command palette offers "PGO: Build Pipeline"', async () => {
    await findInCommandPalette(page, 'PGO: Build Pipeline', { timeoutMs: 60_000 });
    // The screenshot shows the whole PGO family, then the row is picked by its full name.
    const input = page.locator('.quick-input-widget input');
    await input.fill('>PGO: ');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'PGO: Check Prerequisites' }).first().waitFor({ timeout: 5_000 });
    await page.screenshot({ path: join(docs, 'screenshot-palette.png') });
    await input.fill('>PGO: Build Pipeline');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'PGO: Build Pipeline' }).first().click();
  });

  await check('it asks for the component and the workload size, then runs the pipeline task to the end', async () => {
    const widget = page.locator('.quick-input-widget');
    await widget.locator('.quick-input-title', { hasText: 'PGO: component' }).waitFor({ timeout: 15_000 });
    await widget.locator('.monaco-list-row', { hasText: 'pipeline' }).first().click();
    await widget.locator('.quick-input-title', { hasText: 'workload size' }).waitFor({ timeout: 15_000 });
    const input = widget.locator('input');
    await input.fill('500');
    await input.press('Enter');
    // The status bar follows the phases, then shows the "applied" figure when the task ends.
    await page.locator('.statusbar-item', { hasText: /PGO: (instrument|workload|merge|optimize|pipeline)/ }).first().waitFor({ timeout: 60_000 });
    await page.locator('.statusbar-item', { hasText: /PGO: applied \d+\/\d+/ }).first().waitFor({ timeout: 10 * 60_000 });
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(docs, 'screenshot-task-terminal.png') });
  });

  await check('the PGO sidebar lists the component and its profile with its figures', async () => {
    await page.locator('.activitybar [aria-label^="Rust PGO"]').first().click();
    const profile = page.locator('.monaco-list-row', { hasText: 'pipeline.profdata' }).first();
    await profile.waitFor({ timeout: 30_000 });
    const text = await profile.innerText();
    if (!/applied \d+\/\d+/.test(text) || !/\d+ fn/.test(text)) throw new Error(`profile row reads "${text}"`);
    await page.locator('.monaco-list-row', { hasText: 'midi-import' }).first().waitFor({ timeout: 5_000 });
    // Widen the sidebar so the profile's figures fit, and hover the profile for its tooltip.
    const box = await page.locator('.part.sidebar').boundingBox();
    if (box) {
      const y = box.y + box.height / 2;
      await page.mouse.move(box.x + box.width + 1, y);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width + 260, y, { steps: 10 });
      await page.mouse.up();
    }
    await page.keyboard.press('Escape'); // dismiss notifications' focus
    await profile.hover();
    await page.locator('.monaco-hover', { hasText: 'total count' }).first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(docs, 'screenshot-sidebar.png') });
  });

  await check('the parser file shows a CodeLens and a heat decoration on the hottest function', async () => {
    // Where the hottest function is, found independently of the extension: the profile's metadata and grep.
    const meta = JSON.parse(readFileSync(join(folder, 'target', 'pgo', 'pipeline', 'pipeline.profdata.json'), 'utf8'));
    const hottest = meta.hottest.find((h) => h.display.startsWith('pipeline::'));
    const name = hottest.display.split('::').at(-1);
    const srcDir = join(folder, 'pipeline', 'src');
    const file = readdirSync(srcDir).map((f) => join(srcDir, f)).find((f) => f.endsWith('.rs') && new RegExp(`\\bfn ${name}\\b`).test(readFileSync(f, 'utf8')));
    const line = readFileSync(file, 'utf8').split('\n').findIndex((l) => new RegExp(`\\bfn ${name}\\b`).test(l)) + 1;
    await page.keyboard.press('Escape');
    await page.locator('.part.panel .actions-container [aria-label^="Hide Panel"], .part.panel [aria-label^="Close Panel"]').first().click().catch(() => {});
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`${basename(file)}:${line}`);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: basename(file) }).first().waitFor({ timeout: 10_000 });
    await input.press('Enter');
    const lens = page.locator('.codelens-decoration:visible', { hasText: 'of profile' }).first();
    await lens.waitFor({ timeout: 30_000 });
    const lensText = await lens.innerText();
    if (!/🔥 \d+(\.\d)?% of profile · max [\d.]+[kMG]? per block · \d+ counters/.test(lensText)) throw new Error(`CodeLens reads "${lensText}"`);
    const heat = page.locator('.view-overlays div[class*="ced-"]');
    await heat.first().waitFor({ state: 'attached', timeout: 10_000 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(docs, 'screenshot-codelens.png') });
    // Hover the fn line's heat for its details.
    await page.locator('.view-line', { hasText: `fn ${name}` }).first().hover();
    await page.locator('.monaco-hover', { hasText: 'share of all counts' }).first().waitFor({ timeout: 10_000 });
    await page.waitForTimeout(800); // the hover fades in
    await page.screenshot({ path: join(docs, 'screenshot-hover.png') });
  });
} catch {
  await page.screenshot({ path: join(scratch, 'failure.png') }).catch(() => {});
  console.log(`  (failure screenshot: ${join(scratch, 'failure.png')}; code-server log: ${wb.server.logFile})`);
} finally {
  await wb.close();
}

// Restricted Mode: a hostile copy of the example whose pgo.yaml workload and settings would run
// commands if obeyed. The extension must not start: no status bar item, no PGO commands, no files.
if (!results.some((r) => r.state === 'failed')) {
  const hostile = join(scratch, 'hostile');
  const pwned = join(scratch, 'pwned-untrusted');
  cpSync(join(repo, 'examples', 'midi-studio'), hostile, { recursive: true, filter: (p) => basename(p) !== 'target' });
  writeFileSync(join(hostile, 'pgo.yaml'), `components:\n  pipeline:\n    packages: [pipeline]\n    workloads:\n      - command: ["touch", ${JSON.stringify(pwned)}]\n`);
  mkdirSync(join(hostile, '.vscode'));
  writeFileSync(join(hostile, '.vscode', 'settings.json'), JSON.stringify({ 'pgo.llvmProfdataPath': pwned }));
  const untrusted = await openWorkbench({
    folder: hostile,
    extensionDevelopmentPath: repo,
    disableWorkspaceTrust: false,
    settings: { 'security.workspace.trust.startupPrompt': 'never' },
  });
  try {
    await check('in an untrusted workspace the extension does not run: no status item, no PGO commands, no process', async () => {
      const p = untrusted.page;
      await p.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 60_000 });
      await p.waitForTimeout(5000); // time for any activation to have happened
      if ((await p.locator('.statusbar-item', { hasText: 'PGO' }).count()) > 0) throw new Error('the PGO status bar item is shown');
      const input = await openCommandPalette(p);
      await input.fill('>PGO: Build Pipeline');
      await p.waitForTimeout(1500);
      if ((await p.locator('.quick-input-list .monaco-list-row', { hasText: 'PGO: Build Pipeline' }).count()) > 0) {
        throw new Error('"PGO: Build Pipeline" is offered in Restricted Mode');
      }
      await p.keyboard.press('Escape');
      await p.screenshot({ path: join(scratch, 'restricted.png') });
      if (existsSync(pwned)) throw new Error('the hostile workload ran');
      if (existsSync(join(hostile, 'target'))) throw new Error('something was built');
    });
  } catch {
    // reported by check()
  } finally {
    await untrusted.close();
  }
}

const failed = results.filter((r) => r.state === 'failed');
const summary = { passes: results.length - failed.length, failures: failed.length, pending: 0, failed: failed.map((f) => ({ title: f.title, error: f.error })) };
console.log(`\n${summary.passes} passing, ${summary.failures} failing (browser)`);
if (process.env.PGO_TEST_SUMMARY) writeFileSync(process.env.PGO_TEST_SUMMARY, JSON.stringify(summary));
if (failed.length === 0) rmSync(scratch, { recursive: true, force: true });
process.exit(failed.length > 0 ? 1 : 0);
