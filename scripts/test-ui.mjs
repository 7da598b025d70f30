// Browser-level check: Playwright drives a real VS Code (code-server + Debian's Chromium) the way
// a person would — types "PGO: Build Pipeline" into the command palette, answers its prompts,
// waits for the task to finish, opens the PGO sidebar and reads the profile node — and saves
// screenshots to out/screenshots/ (`--docs`, run by `npm run docs:screenshots`: copied into docs/
// for the README when every check passed). Each step is one check that runs and reports on its
// own: a failed one does not hide the ones after it, and the Restricted Mode check always runs.
// The counts go to $PGO_TEST_SUMMARY.
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensureCodeServer } from './vscode-host/install-code-server.mjs';
import { findInCommandPalette, openCommandPalette, openWorkbench } from './vscode-host/run-extension-tests.mjs';
import { waitFor } from './vscode-host/util.mjs';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
const toDocs = process.argv.includes('--docs');
const shots = join(repo, 'out', 'screenshots');
mkdirSync(shots, { recursive: true });
const SCREENSHOTS = [
  'screenshot-palette.png',
  'screenshot-task-terminal.png',
  'screenshot-sidebar.png',
  'screenshot-codelens.png',
  'screenshot-hover.png',
  'screenshot-report.png',
  'screenshot-dependency-lens.png',
  'screenshot-compare-profiles.png',
  'screenshot-create-workload.png',
  'screenshot-walkthrough.png',
];
for (const f of SCREENSHOTS) rmSync(join(shots, f), { force: true }); // none left from an earlier run
await ensureCodeServer();

const scratch = mkdtempSync(join(tmpdir(), 'pgo-ui-'));
const folder = join(scratch, 'midi-studio');
cpSync(join(repo, 'examples', 'midi-studio'), folder, { recursive: true, filter: (p) => basename(p) !== 'target' });

const results = [];
/** Runs one check and records its verdict; never throws, so every later check still runs. */
async function check(title, fn, page) {
  const started = Date.now();
  try {
    await fn();
    results.push({ title, state: 'passed' });
    console.log(`  ✔ ${title} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
  } catch (e) {
    results.push({ title, state: 'failed', error: e.message });
    console.log(`  ✖ ${title}\n      ${String(e.message).split('\n').slice(0, 8).join('\n      ')}`);
    if (page) {
      const shot = join(scratch, `failure-${results.length}.png`);
      await page.screenshot({ path: shot }).catch(() => {});
      console.log(`      (screenshot: ${shot})`);
    }
    // Leave no widget open for the next check.
    for (let i = 0; i < 3; i++) await page?.keyboard.press('Escape').catch(() => {});
  }
}

/**
 * Resolves when the page has no finite animation running (a hover's fade-in, a list's reveal) and
 * two frames were painted after it: the screenshot shows the settled state, with no fixed delay.
 */
async function settled(page) {
  await page.evaluate(async () => {
    const finite = document.getAnimations().filter((a) => a.effect?.getComputedTiming().endTime !== Infinity);
    await Promise.all(finite.map((a) => a.finished.catch(() => undefined)));
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  });
}

/**
 * Runs a command that may safely run twice, from the palette, until `done` resolves. A webview
 * that takes the focus as it loads (a Markdown preview, the walkthrough's media) closes the
 * palette between finding its row and clicking it; the palette is then opened again, a bounded
 * number of times.
 */
async function runIdempotent(page, title, done, { doneTimeoutMs = 15_000 } = {}) {
  let lastError;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await (await findInCommandPalette(page, title, { timeoutMs: 30_000 })).click({ timeout: 5_000 });
      await done(doneTimeoutMs);
      return;
    } catch (e) {
      lastError = e;
      await page.keyboard.press('Escape');
    }
  }
  throw new Error(`"${title}" from the command palette did not take effect: ${lastError?.message}`);
}

/** Everything the (remote) extension host logged so far, from the *exthost*.log files under `userDataDir`. */
function extHostLog(userDataDir) {
  const logs = join(userDataDir, 'logs');
  if (!existsSync(logs)) return '';
  return readdirSync(logs, { recursive: true })
    .map(String)
    .filter((f) => /exthost[^/]*\.log$/.test(f))
    .map((f) => readFileSync(join(logs, f), 'utf8'))
    .join('\n');
}

/**
 * The sidebar and CodeLens checks need a profile. The palette check makes it; when that check
 * failed, the CLI makes it, so these checks still test their own part.
 */
function ensureProfile() {
  const meta = join(folder, 'target', 'pgo', 'pipeline', 'pipeline.profdata.json');
  if (existsSync(meta)) return;
  console.log('      (no profile from the palette check: making one with the CLI)');
  const r = spawnSync(process.execPath, [join(repo, 'dist', 'cli.js'), 'pipeline', 'pipeline', '--size', '500', '--workspace', folder], { encoding: 'utf8' });
  if (!existsSync(meta)) throw new Error(`no profile to show: the CLI pipeline failed (exit ${r.status}):\n${r.stderr}`);
}

let buildPipelineStarted = false;
const mainChecks = [
  ['the extension activates in the example and shows its status bar item', async (page) => {
    await page.locator('.statusbar-item', { hasText: 'PGO' }).first().waitFor({ timeout: 60_000 });
  }],

  ['the command palette offers "PGO: Build Pipeline"', async (page) => {
    await findInCommandPalette(page, 'PGO: Build Pipeline', { timeoutMs: 60_000 });
    // The screenshot shows the whole PGO family, then the row is picked by its full name.
    const input = page.locator('.quick-input-widget input');
    await input.fill('>PGO: ');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'PGO: Check Prerequisites' }).first().waitFor({ timeout: 5_000 });
    await settled(page);
    await page.screenshot({ path: join(shots, 'screenshot-palette.png') });
    await input.fill('>PGO: Build Pipeline');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'PGO: Build Pipeline' }).first().click();
    buildPipelineStarted = true;
  }],

  ['it asks for the component and the workload size, then runs the pipeline task to the end', async (page) => {
    if (!buildPipelineStarted) {
      // The palette check did not get this far: start the command from the palette here.
      const row = await findInCommandPalette(page, 'PGO: Build Pipeline', { timeoutMs: 60_000 });
      await row.click();
    }
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
    await settled(page);
    await page.screenshot({ path: join(shots, 'screenshot-task-terminal.png') });
  }],

  ['the PGO sidebar lists the component and its profile with its figures', async (page) => {
    ensureProfile();
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
    await settled(page);
    await page.screenshot({ path: join(shots, 'screenshot-sidebar.png') });
  }],

  ['the parser file shows a CodeLens and a heat decoration on the hottest function', async (page) => {
    ensureProfile();
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
    await settled(page);
    await page.screenshot({ path: join(shots, 'screenshot-codelens.png') });
    // Hover the fn line's heat for its details.
    await page.locator('.view-line', { hasText: `fn ${name}` }).first().hover();
    await page.locator('.monaco-hover', { hasText: 'share of all counts' }).first().waitFor({ timeout: 10_000 });
    await settled(page); // the hover fades in
    await page.screenshot({ path: join(shots, 'screenshot-hover.png') });
  }],

  ['"PGO: Compare Profiles" compares the profile with the previous one, picked in two lists, and links functions to their source', async (page) => {
    ensureProfile();
    // A second, smaller workload run merged: the profile it replaces is kept as previous/. Then its
    // optimized build, so the workspace is left as a full pipeline leaves it (the later checks
    // and the walkthrough's "summary" step read the optimized build's figures).
    for (const args of [['workload', 'pipeline', '--size', '100'], ['merge', 'pipeline'], ['optimize', 'pipeline']]) {
      const r = spawnSync(process.execPath, [join(repo, 'dist', 'cli.js'), ...args, '--workspace', folder], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`pgo ${args.join(' ')} failed (exit ${r.status}):\n${r.stderr}`);
    }
    for (let i = 0; i < 2; i++) await page.keyboard.press('Escape');
    await (await findInCommandPalette(page, 'PGO: Compare Profiles', { timeoutMs: 30_000 })).click();
    const widget = page.locator('.quick-input-widget');
    await widget.locator('.quick-input-title', { hasText: 'which profile?' }).waitFor({ timeout: 15_000 });
    await widget.locator('.monaco-list-row', { hasText: 'current profile' }).first().click();
    await widget.locator('.quick-input-title', { hasText: 'compare target/pgo/pipeline/pipeline.profdata with' }).waitFor({ timeout: 15_000 });
    await widget.locator('.monaco-list-row', { hasText: 'Previous profile of pipeline' }).first().click();
    await page.locator('.tab', { hasText: 'PGO: pipeline.profdata vs' }).first().waitFor({ timeout: 60_000 });
    const diff = page.frameLocator('iframe.webview').first().frameLocator('iframe#active-frame');
    await diff.locator('h1', { hasText: 'Compare profiles' }).waitFor({ timeout: 30_000 });
    const rows = await diff.locator('table.pgo-table tbody tr').count();
    if (rows < 2) throw new Error(`the comparison lists ${rows} functions`);
    const link = diff.locator('a[href^="command:pgo.goToFunction"]', { hasText: 'pipeline::' }).first();
    await link.waitFor({ timeout: 10_000 });
    await page.keyboard.press('Control+B'); // room for the tables
    await settled(page);
    await page.screenshot({ path: join(shots, 'screenshot-compare-profiles.png') });
    await page.keyboard.press('Control+B');
    // A function name opens its source file.
    await link.click();
    await page.locator('.tab', { hasText: /\.rs\b/ }).first().waitFor({ timeout: 30_000 });
    // The click was inside the webview's frames: give the keyboard back to the workbench (the next
    // check opens the command palette with a key).
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
  }],

  ['"PGO: Compare Builds" measures the variants, and "PGO: Show Report" opens the report with its plots', async (page) => {
    ensureProfile();
    for (let i = 0; i < 2; i++) await page.keyboard.press('Escape');
    await (await findInCommandPalette(page, 'PGO: Compare Builds', { timeoutMs: 30_000 })).click();
    const widget = page.locator('.quick-input-widget');
    await widget.locator('.quick-input-title', { hasText: 'PGO: component' }).waitFor({ timeout: 15_000 });
    await widget.locator('.monaco-list-row', { hasText: 'pipeline' }).first().click();
    await widget.locator('.quick-input-title', { hasText: 'measured rounds' }).waitFor({ timeout: 15_000 });
    await widget.locator('.monaco-list-row', { hasText: '3 rounds' }).first().click();
    // The verdict arrives as a notification once the variants are built and measured.
    await page.locator('.notification-toast', { hasText: /PGO: pipeline: .*(ship it|keep release|do not ship)/ }).first().waitFor({ timeout: 15 * 60_000 });
    await (await findInCommandPalette(page, 'PGO: Show Report', { timeoutMs: 30_000 })).click();
    await widget.locator('.quick-input-title', { hasText: 'PGO: component' }).waitFor({ timeout: 15_000 });
    await widget.locator('.monaco-list-row', { hasText: 'pipeline' }).first().click();
    await page.locator('.tab', { hasText: 'PGO Report: pipeline' }).first().waitFor({ timeout: 30_000 });
    // The webview's own document: VS Code nests it in two iframes.
    const report = page.frameLocator('iframe.webview').first().frameLocator('iframe#active-frame');
    await report.locator('h1', { hasText: 'Is it faster?' }).waitFor({ timeout: 30_000 });
    const charts = await report.locator('svg.pgo-chart').count();
    if (charts < 4) throw new Error(`the report shows ${charts} charts, expected timings, sizes, build times and hottest functions`);
    if ((await report.locator('.pgo-checklist li').count()) !== 8) throw new Error('the tuning checklist does not have its 8 items');
    // Room for the report: no side bar, no panel, no notifications.
    await page.keyboard.press('Control+B');
    await page.locator('.part.panel .actions-container [aria-label^="Hide Panel"], .part.panel [aria-label^="Close Panel"]').first().click().catch(() => {});
    await page.locator('.notifications-toasts .codicon-notifications-clear-all, .notification-toast .codicon-notifications-clear').first().click().catch(() => {});
    await settled(page);
    await page.screenshot({ path: join(shots, 'screenshot-report.png') });
  }],

  ['"PGO: Get Started" opens the walkthrough; its steps tick off from what exists (checked prerequisites, pgo.yaml, profile, optimized build, results, archive)', async (page) => {
    ensureProfile();
    for (let i = 0; i < 2; i++) await page.keyboard.press('Escape');
    // Two steps need their result made here: a passed prerequisites check and an archive.
    await (await findInCommandPalette(page, 'PGO: Check Prerequisites', { timeoutMs: 30_000 })).click();
    await page.locator('.tab', { hasText: 'PGO Prerequisites' }).first().waitFor({ timeout: 120_000 });
    // The prerequisites report is a Markdown preview, which may take the focus as it loads.
    const archived = page.locator('.notification-toast', { hasText: /PGO: profiles archived in pgo-profiles-/ }).first();
    await runIdempotent(page, 'PGO: Archive Profiles', (timeout) => archived.waitFor({ timeout }), { doneTimeoutMs: 60_000 });
    // The page alone, wide enough for its two columns: no other editor, no side bar, no toast. This
    // is arranged before the walkthrough opens: once it is open, its Markdown webview may take the
    // focus, which closes a command palette between finding a row and clicking it.
    await runIdempotent(page, 'View: Close All Editors', (timeout) => page.locator('.tabs-container .tab').first().waitFor({ state: 'detached', timeout }));
    if (await page.locator('.part.sidebar').isVisible()) {
      await page.keyboard.press('Control+B');
      await page.locator('.part.sidebar').waitFor({ state: 'hidden', timeout: 30_000 });
    }
    const toast = page.locator('.notification-toast');
    if (await toast.count()) await runIdempotent(page, 'Notifications: Clear All Notifications', (timeout) => toast.first().waitFor({ state: 'detached', timeout }));
    await runIdempotent(page, 'PGO: Get Started', (timeout) => page.locator('.tab', { hasText: 'Walkthrough: Rust PGO' }).first().waitFor({ timeout }));
    const steps = page.locator('button.getting-started-step');
    await steps.filter({ hasText: 'Archive the profile' }).first().waitFor({ timeout: 30_000 });
    const titles = ['Check the prerequisites', 'Choose a component', 'Create a workload', 'Run the pipeline', 'Read the summary', 'Compare builds', 'Archive the profile'];
    // A completed step is aria-checked (and drawn with a check mark): wait for all seven, each of
    // which follows one of the extension's context keys.
    for (const t of titles) {
      await page.locator('button.getting-started-step[aria-checked="true"]', { hasText: t }).first().waitFor({ timeout: 30_000 }).catch(async () => {
        const states = await steps.evaluateAll((els) => els.map((e) => `${e.textContent?.trim().slice(0, 30)}: ${e.getAttribute('aria-checked')}`));
        throw new Error(`the step "${t}" is not ticked; steps: ${states.join(' | ')}`);
      });
    }
    // Selecting the first step lays the page out again at this width, with its Markdown beside it.
    await steps.filter({ hasText: 'Check the prerequisites' }).first().click();
    const media = page.frameLocator('iframe.webview').last().frameLocator('iframe#active-frame');
    await media.locator('h1', { hasText: 'Check the prerequisites' }).waitFor({ timeout: 30_000 });
    await page.mouse.move(2, 450);
    await settled(page);
    await page.screenshot({ path: join(shots, 'screenshot-walkthrough.png') });
  }],
];

// Workbench state carries over between these checks (the pipeline the palette runs is the profile
// the sidebar shows), but each check establishes what it needs when an earlier one failed.
let wb;
try {
  wb = await openWorkbench({ folder, extensionDevelopmentPath: repo, viewport: { width: 1440, height: 900 } });
} catch (e) {
  for (const [title] of mainChecks) await check(title, () => Promise.reject(new Error(`the workbench did not open: ${e.message}`)));
}
if (wb) {
  try {
    for (const [title, fn] of mainChecks) await check(title, () => fn(wb.page), wb.page);
  } finally {
    if (results.some((r) => r.state === 'failed')) console.log(`  (code-server log: ${wb.server.logFile})`);
    await wb.close();
  }
}

// A workspace whose time goes into a dependency (test/fixtures/path-dep: the workspace `crunch`,
// its path dependency `fastmath` beside it): the sidebar groups the profile by origin, and the
// dependency's hottest function, clicked there, opens in the dependency's file with its lens.
{
  const title = 'a dependency\'s hottest function, clicked in the sidebar, opens in the dependency\'s file with its CodeLens';
  const fixture = join(scratch, 'path-dep');
  cpSync(join(repo, 'test', 'fixtures', 'path-dep'), fixture, { recursive: true, filter: (p) => basename(p) !== 'target' });
  const app = join(fixture, 'app');
  let made;
  for (const phase of ['instrument', 'workload', 'merge']) {
    made = spawnSync(process.execPath, [join(repo, 'dist', 'cli.js'), phase, 'crunch', '--workspace', app], { encoding: 'utf8' });
    if (made.status !== 0) break;
  }
  let dep;
  try {
    if (made.status !== 0) throw new Error(`the CLI could not make the profile (exit ${made.status}):\n${made.stdout}${made.stderr}`);
    dep = await openWorkbench({ folder: app, extensionDevelopmentPath: repo, viewport: { width: 1440, height: 900 } });
  } catch (e) {
    await check(title, () => Promise.reject(new Error(`no workbench: ${e.message}`)));
  }
  if (dep) {
    try {
      await check(title, async () => {
        const p = dep.page;
        await p.locator('.statusbar-item', { hasText: 'PGO' }).first().waitFor({ timeout: 60_000 });
        await p.locator('.activitybar [aria-label^="Rust PGO"]').first().click();
        const row = (text) => p.locator('.part.sidebar .monaco-list-row', { hasText: text }).first();
        // Its twistie: a click on the row itself runs Show Hot Functions.
        await row('crunch.profdata').locator('.monaco-tl-twistie').click(); // the profile's origin groups
        await row('fastmath').waitFor({ timeout: 30_000 });
        const group = await row('fastmath').innerText();
        if (!/\d+(\.\d)?% of the profile/.test(group)) throw new Error(`the dependency's group reads "${group}"`);
        await row('fastmath').locator('.monaco-tl-twistie').click(); // the dependency's group
        const box = await p.locator('.part.sidebar').boundingBox();
        if (box) {
          const y = box.y + box.height / 2;
          await p.mouse.move(box.x + box.width + 1, y);
          await p.mouse.down();
          await p.mouse.move(box.x + box.width + 160, y, { steps: 10 });
          await p.mouse.up();
        }
        await row('fastmath::collatz_steps').click();
        await p.locator('.tab.active', { hasText: 'lib.rs' }).first().waitFor({ timeout: 15_000 });
        const lens = p.locator('.codelens-decoration:visible', { hasText: 'of profile' }).first();
        await lens.waitFor({ timeout: 30_000 });
        const lensText = await lens.innerText();
        if (!/🔥 \d+(\.\d)?% of profile · max [\d.]+[kMG]? per block/.test(lensText)) throw new Error(`CodeLens reads "${lensText}"`);
        if (/in your code/.test(lensText)) throw new Error(`a dependency's lens calls it "your code": "${lensText}"`);
        await p.locator('.view-line', { hasText: 'pub fn collatz_steps' }).first().waitFor({ timeout: 5_000 });
        await p.locator('.view-overlays div[class*="ced-"]').first().waitFor({ state: 'attached', timeout: 10_000 });
        await p.keyboard.press('Escape');
        await settled(p);
        await p.screenshot({ path: join(shots, 'screenshot-dependency-lens.png') });
      }, dep.page);
    } finally {
      if (results.at(-1)?.state === 'failed') console.log(`  (code-server log: ${dep.server.logFile})`);
      await dep.close();
    }
  }
}

// Issue 11 on a binary crate without tests (test/fixtures/realworld): the default workload's
// pipeline fails with exit code 7; the notification's "Create Workload" asks for the arguments and
// the name and writes pgo.yaml; its "Run Pipeline" then gives a profile that applies.
{
  const title = 'a crate without tests: the exit-7 notification offers Create Workload; its prompts write pgo.yaml, and Run Pipeline applies the profile';
  const crate = join(scratch, 'realworld');
  cpSync(join(repo, 'test', 'fixtures', 'realworld'), crate, { recursive: true, filter: (p) => basename(p) !== 'target' });
  let session;
  try {
    session = await openWorkbench({ folder: crate, extensionDevelopmentPath: repo, viewport: { width: 1440, height: 900 } });
  } catch (e) {
    await check(title, () => Promise.reject(new Error(`the workbench did not open: ${e.message}`)));
  }
  if (session) {
    try {
      await check(title, async () => {
        const p = session.page;
        await (await findInCommandPalette(p, 'PGO: Build Pipeline', { timeoutMs: 60_000 })).click();
        // One component, whose default workload has no {size}: no prompt; the run ends with exit 7.
        const create = p.locator('.notification-toast', { hasText: /ran no code of realworld/ }).locator('.monaco-button', { hasText: 'Create Workload' });
        await create.first().waitFor({ timeout: 10 * 60_000 });
        await create.first().click();
        const widget = p.locator('.quick-input-widget');
        await widget.locator('.quick-input-title', { hasText: 'arguments of realworld' }).waitFor({ timeout: 15_000 });
        await widget.locator('input').fill('3000');
        await widget.locator('input').press('Enter');
        await widget.locator('.quick-input-title', { hasText: 'name' }).waitFor({ timeout: 15_000 });
        await widget.locator('input').press('Enter'); // the suggested name
        const run = p.locator('.notification-toast', { hasText: 'runs realworld 3000' }).locator('.monaco-button', { hasText: 'Run Pipeline' });
        await run.first().waitFor({ timeout: 30_000 });
        await p.locator('.monaco-editor .view-line', { hasText: 'realworld-run' }).first().waitFor({ timeout: 15_000 });
        const yaml = readFileSync(join(crate, 'pgo.yaml'), 'utf8');
        if (!yaml.includes('command: ["{bin:realworld}", "3000"]')) throw new Error(`pgo.yaml reads:\n${yaml}`);
        await settled(p);
        await p.screenshot({ path: join(shots, 'screenshot-create-workload.png') });
        await run.first().click();
        await p.locator('.statusbar-item', { hasText: /PGO: applied \d+\/\d+/ }).first().waitFor({ timeout: 10 * 60_000 });
        const meta = JSON.parse(readFileSync(join(crate, 'target', 'pgo', 'realworld', 'realworld.profdata.json'), 'utf8'));
        const a = meta.applied;
        if (!a || a.workspaceApplied / a.workspaceInstrumented < 0.9) throw new Error(`the profile applied to ${JSON.stringify(a)}`);
      }, session.page);
    } finally {
      if (results.at(-1)?.state === 'failed') console.log(`  (code-server log: ${session.server.logFile})`);
      await session.close();
    }
  }
}

// Restricted Mode: a hostile copy of the example whose pgo.yaml workload and settings would run
// commands if obeyed. The extension must not start: no status bar item, no PGO commands, no files.
// It runs whatever happened above.
{
  const title = 'in an untrusted workspace the extension does not run: no status item, no PGO commands, no process';
  const hostile = join(scratch, 'hostile');
  const pwned = join(scratch, 'pwned-untrusted');
  cpSync(join(repo, 'examples', 'midi-studio'), hostile, { recursive: true, filter: (p) => basename(p) !== 'target' });
  writeFileSync(join(hostile, 'pgo.yaml'), `components:\n  pipeline:\n    packages: [pipeline]\n    workloads:\n      - command: ["touch", ${JSON.stringify(pwned)}]\n`);
  mkdirSync(join(hostile, '.vscode'));
  writeFileSync(join(hostile, '.vscode', 'settings.json'), JSON.stringify({ 'pgo.llvmProfdataPath': pwned }));
  let untrusted;
  try {
    untrusted = await openWorkbench({
      folder: hostile,
      extensionDevelopmentPath: repo,
      disableWorkspaceTrust: false,
      settings: { 'security.workspace.trust.startupPrompt': 'never' },
    });
  } catch (e) {
    await check(title, () => Promise.reject(new Error(`the workbench did not open: ${e.message}`)));
  }
  if (untrusted) {
    try {
      await check(title, async () => {
        const p = untrusted.page;
        await p.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 60_000 });
        // What settles it is the extension host's own word, not a delay: it logs "Eager extensions
        // activated" once every startup activation (`workspaceContains:Cargo.toml` included) has
        // finished. The log is another process's file with no event for "appended": a bounded poll
        // re-reads it.
        const log = await waitFor(() => extHostLog(untrusted.server.userDataDir).match(/Eager extensions activated/) && extHostLog(untrusted.server.userDataDir), { timeoutMs: 60_000 });
        if (!log) throw new Error(`the extension host never logged "Eager extensions activated" (logs under ${untrusted.server.userDataDir})`);
        const activated = /_doActivateExtension rust-pgo\.rust-pgo\b/.test(log);
        console.log(`      (startup activation finished; the extension's activate() ${activated ? 'ran and had to refuse' : 'was not called'})`);
        // The manifest's own contributions are registered (the palette offers "PGO: Show Output",
        // which has no `when` clause); the commands that need the extension to run must be absent.
        await findInCommandPalette(p, 'PGO: Show Output', { timeoutMs: 60_000 });
        await p.keyboard.press('Escape');
        if ((await p.locator('.statusbar-item', { hasText: 'PGO' }).count()) > 0) throw new Error('the PGO status bar item is shown');
        const input = await openCommandPalette(p);
        await input.fill('>PGO: Build Pipeline');
        // The list has been filtered for this text once the "PGO: Show Output" row is rendered (in the
        // unfiltered list it is far below the rendered rows).
        await p.locator('.quick-input-list .monaco-list-row', { hasText: 'PGO: Show Output' }).first().waitFor({ timeout: 10_000 });
        if ((await p.locator('.quick-input-list .monaco-list-row', { hasText: 'PGO: Build Pipeline' }).count()) > 0) {
          throw new Error('"PGO: Build Pipeline" is offered in Restricted Mode');
        }
        await p.keyboard.press('Escape');
        await p.screenshot({ path: join(scratch, 'restricted.png') });
        if (existsSync(pwned)) throw new Error('the hostile workload ran');
        if (existsSync(join(hostile, 'target'))) throw new Error('something was built');
      }, untrusted.page);
    } finally {
      await untrusted.close();
    }
  }
}

const failed = results.filter((r) => r.state === 'failed');
const summary = { passes: results.length - failed.length, failures: failed.length, pending: 0, failed: failed.map((f) => ({ title: f.title, error: f.error })) };
console.log(`\n${summary.passes} passing, ${summary.failures} failing (browser); screenshots in ${shots}`);
if (toDocs) {
  // docs/ shows what users see: only screenshots of a run where every check passed go there.
  if (failed.length === 0) {
    const docs = join(repo, 'docs');
    for (const f of SCREENSHOTS) copyFileSync(join(shots, f), join(docs, f));
    console.log(`copied ${SCREENSHOTS.length} screenshots into ${docs}`);
  } else {
    console.log('docs/ is unchanged: a check failed');
  }
}
if (process.env.PGO_TEST_SUMMARY) writeFileSync(process.env.PGO_TEST_SUMMARY, JSON.stringify(summary));
if (failed.length === 0) rmSync(scratch, { recursive: true, force: true });
else console.log(`  (kept for inspection: ${scratch})`);
process.exit(failed.length > 0 ? 1 : 0);
