// Runs the extension's integration tests inside a real VS Code and returns their results.
//
// host 'code-server' (works offline): code-server + Debian's Chromium driven by playwright-core.
// host 'electron' (users' machines, CI with internet): @vscode/test-electron downloads VS Code.
//
// The verdict always comes from the results file that the tests' index writes to
// $PGO_TEST_RESULTS: under code-server the extension host exits with 0 even when run()
// throws, so exit codes prove nothing. A missing file is a failure (time-out), never a pass.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startCodeServer, workbenchUrl } from './code-server.mjs';
import { CACHE_DIR } from './install-code-server.mjs';
import { log, sleep, tailFile } from './util.mjs';

export const CHROMIUM_PATH = process.env.VSCODE_HOST_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox', // running as root in containers; the sandbox cannot start there
  '--disable-gpu',
  '--disable-background-networking', // no internet: avoid pointless requests and their delays
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Starts code-server and opens the workbench in headless Chromium, with the extension loaded
 * in development mode (and the tests running, when extensionTestsPath is given). For UI checks:
 * `page` is a Playwright Page on the real workbench (keyboard, DOM, screenshots).
 *
 * @param {object} opts
 * @param {string} opts.folder
 * @param {string} [opts.extensionDevelopmentPath]
 * @param {string} [opts.extensionTestsPath]
 * @param {Record<string,string>} [opts.env]      reaches the extension host
 * @param {boolean} [opts.disableWorkspaceTrust]  default true
 * @param {{width:number,height:number}} [opts.viewport]
 * @param {number} [opts.loadTimeoutMs]           default 60 s, until the workbench DOM exists
 * @param {Record<string,unknown>} [opts.settings] VS Code user settings for this run
 * @returns {Promise<{page: import('playwright-core').Page, browser: import('playwright-core').Browser,
 *   server: Awaited<ReturnType<typeof startCodeServer>>, url: string, consoleLines: string[],
 *   close: () => Promise<void>}>}
 */
export async function openWorkbench({
  folder,
  extensionDevelopmentPath,
  extensionTestsPath,
  env = {},
  disableWorkspaceTrust = true,
  viewport = { width: 1400, height: 900 },
  loadTimeoutMs = 60_000,
  settings,
} = {}) {
  const server = await startCodeServer({ folder, env, disableWorkspaceTrust, settings });
  // Chromium writes "Crash Reports" (and caches) under ~/.config/chromium and ~/.cache even
  // with a temporary profile; point XDG_* at a temp dir so runs leave nothing in $HOME.
  const browserHome = fs.mkdtempSync(path.join(os.tmpdir(), 'vscode-host-browser-'));
  let browser;
  const close = async () => {
    await browser?.close().catch(() => {});
    await server.stop();
    fs.rmSync(browserHome, { recursive: true, force: true });
  };
  try {
    // Playwright's launch() already gives every browser a fresh temporary profile (and
    // rejects --user-data-dir in args), so no profile state survives between runs.
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      env: {
        ...process.env,
        XDG_CONFIG_HOME: path.join(browserHome, 'config'),
        XDG_CACHE_HOME: path.join(browserHome, 'cache'),
      },
    });
    const page = await browser.newPage({ viewport });
    // Keep the browser console: when the tests never report, it often says why.
    const consoleLines = [];
    page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
    const url = workbenchUrl({ baseUrl: server.baseUrl, folder, extensionDevelopmentPath, extensionTestsPath });
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: loadTimeoutMs });
    await page.waitForSelector('.monaco-workbench', { timeout: loadTimeoutMs });
    // The workbench DOM appears before the extension host runs; UI checks that start now see
    // no contributions from the extension (e.g. the palette says "No matching commands").
    await server.output.waitFor(/Launched Extension Host Process/, { timeoutMs: loadTimeoutMs, what: 'the extension host to start' });
    return { page, browser, server, url, consoleLines, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * Opens the command palette and returns its input box (a Locator). F1 first; if the keyboard
 * focus was somewhere that swallowed it, Ctrl+Shift+P.
 */
export async function openCommandPalette(page, { timeoutMs = 15_000 } = {}) {
  const input = page.locator('.quick-input-widget input');
  await page.locator('.monaco-workbench').waitFor({ timeout: timeoutMs });
  for (const key of ['F1', 'Control+Shift+P', 'F1']) {
    await page.keyboard.press(key);
    try {
      await input.waitFor({ state: 'visible', timeout: 3000 });
      return input;
    } catch {
      // try the next shortcut
    }
  }
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  return input;
}

/**
 * Opens the command palette, types `text` and returns the Locator of the first matching row
 * (press Enter to run it). Retries from scratch until `timeoutMs`: the palette computes its
 * list once, so if it opened before the extension's commands were registered it stays empty.
 */
export async function findInCommandPalette(page, text, { timeoutMs = 30_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first();
  for (;;) {
    const input = await openCommandPalette(page);
    await input.fill(`>${text}`);
    try {
      await row.waitFor({ state: 'visible', timeout: 2000 });
      return row;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`command palette shows no "${text}" after ${timeoutMs} ms: ${err.message}`);
      // A bounded poll, for want of an event: the workbench announces no "contributions
      // registered", so the palette is re-opened until the row is there.
      await page.keyboard.press('Escape');
      await sleep(500);
    }
  }
}

/** Reads and checks the results file; undefined while it is absent or still half-written. */
function readResults(file) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  let r;
  try {
    r = JSON.parse(text);
  } catch {
    return undefined; // partially written; poll again
  }
  if (typeof r?.passes !== 'number' || typeof r?.failures !== 'number' || !Array.isArray(r?.tests)) {
    throw new Error(`results file ${file} is not {passes, failures, tests[]}: ${text.slice(0, 500)}`);
  }
  return r;
}

/**
 * Runs the tests at extensionTestsPath (a module exporting run()) in a real VS Code and
 * returns the parsed results file: { passes, failures, tests: [{ title, fullTitle, state, error? }] }.
 * Throws when no results arrive (time-out, crash); does NOT throw on test failures — check
 * `failures` (a results file is the only verdict).
 *
 * @param {object} opts
 * @param {string} opts.extensionDevelopmentPath
 * @param {string} opts.extensionTestsPath
 * @param {string} opts.folder                 workspace to open
 * @param {string} [opts.resultsFile]          defaults to a temp file
 * @param {number} [opts.timeoutMs]            default 180 s, for the whole run
 * @param {Record<string,string>} [opts.env]
 * @param {'code-server'|'electron'} [opts.host] default 'code-server'
 * @param {boolean} [opts.disableWorkspaceTrust] default true (code-server and electron)
 * @param {string} [opts.vscodeVersion]        electron only, passed to test-electron
 * @param {Record<string,unknown>} [opts.settings] code-server only: VS Code user settings for this run
 */
export async function runExtensionTests({
  extensionDevelopmentPath,
  extensionTestsPath,
  folder,
  resultsFile,
  timeoutMs = 180_000,
  env = {},
  host = 'code-server',
  disableWorkspaceTrust = true,
  vscodeVersion,
  settings,
} = {}) {
  for (const [k, v] of Object.entries({ extensionDevelopmentPath, extensionTestsPath, folder })) {
    if (!v || !path.isAbsolute(v)) throw new Error(`runExtensionTests: ${k} must be an absolute path (got ${v})`);
  }
  // No resultsFile given: use a temp dir of our own and remove it afterwards.
  const ownDir = resultsFile ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'vscode-results-'));
  resultsFile = path.resolve(resultsFile ?? path.join(ownDir, 'results.json'));
  try {
    return await runOnce({ extensionDevelopmentPath, extensionTestsPath, folder, resultsFile, timeoutMs, env, host, disableWorkspaceTrust, vscodeVersion, settings });
  } finally {
    if (ownDir) fs.rmSync(ownDir, { recursive: true, force: true });
  }
}

async function runOnce({ extensionDevelopmentPath, extensionTestsPath, folder, resultsFile, timeoutMs, env, host, disableWorkspaceTrust, vscodeVersion, settings }) {
  // A results file left over from an earlier run would be read as this run's verdict.
  fs.rmSync(resultsFile, { force: true });
  fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
  const testEnv = { ...env, PGO_TEST_RESULTS: resultsFile };

  if (host === 'electron') {
    return runWithElectron({ extensionDevelopmentPath, extensionTestsPath, folder, resultsFile, testEnv, disableWorkspaceTrust, vscodeVersion });
  }
  if (host !== 'code-server') throw new Error(`runExtensionTests: unknown host ${host}`);

  const started = Date.now();
  const wb = await openWorkbench({
    folder,
    extensionDevelopmentPath,
    extensionTestsPath,
    env: testEnv,
    disableWorkspaceTrust,
    loadTimeoutMs: timeoutMs,
    settings,
  });
  try {
    log(`workbench loaded in ${((Date.now() - started) / 1000).toFixed(1)}s; waiting for ${resultsFile}`);
    // Two events end the wait: the results file appears (the suite writes it whole, then renames
    // it into place: a change in its folder), or every extension host that was launched has
    // exited (code 0 even when run() threw) without it. The time-out only bounds a failure.
    const dir = path.dirname(resultsFile);
    const hostsGone = (text) => {
      const launched = text.split('Launched Extension Host Process').length - 1;
      return launched > 0 && text.split('Extension Host Process exited').length - 1 >= launched;
    };
    let watcher;
    const stopWaiting = new AbortController();
    // undefined when the results are there; else why not (a malformed file ends the wait too).
    const missing = (why) => {
      try {
        return readResults(resultsFile) ? undefined : why;
      } catch (err) {
        return err.message;
      }
    };
    const reason = await new Promise((resolve) => {
      const look = () => {
        const why = missing('pending');
        if (why !== 'pending') resolve(why);
      };
      watcher = fs.watch(dir, look);
      look(); // it may have appeared before the watch began
      const left = Math.max(0, timeoutMs - (Date.now() - started));
      wb.server.output.waitFor(hostsGone, { timeoutMs: left, what: 'the test results', signal: stopWaiting.signal }).then(
        () => resolve(missing('although the extension host exited (run() finished or threw)')),
        (err) => resolve(missing(err.message.split('\n')[0])),
      );
    });
    watcher?.close();
    stopWaiting.abort();
    const r = readResults(resultsFile);
    if (r && !reason) {
      log(`results: ${r.passes} passing, ${r.failures} failing (${((Date.now() - started) / 1000).toFixed(1)}s)`);
      return r;
    }
    const serverLog = tailFile(wb.server.logFile, 40);
    const consoleTail = wb.consoleLines.slice(-40).join('\n');
    throw new Error(
      `no test results in ${resultsFile} ${reason}: the tests did not run or did not write ` +
        `$PGO_TEST_RESULTS (did run() throw before writing, or is extensionTestsPath wrong?)\n` +
        `--- code-server log ${wb.server.logFile} (tail) ---\n${serverLog}\n` +
        `--- browser console (tail) ---\n${consoleTail}`,
    );
  } finally {
    await wb.close();
  }
}

async function runWithElectron({ extensionDevelopmentPath, extensionTestsPath, folder, resultsFile, testEnv, disableWorkspaceTrust, vscodeVersion }) {
  const { runTests } = await import('@vscode/test-electron');
  let runError;
  try {
    await runTests({
      ...(vscodeVersion ? { version: vscodeVersion } : {}),
      cachePath: CACHE_DIR, // the repo's .vscode-test/, whatever the cwd
      extensionDevelopmentPath,
      extensionTestsPath,
      extensionTestsEnv: testEnv,
      launchArgs: [folder, '--disable-extensions', ...(disableWorkspaceTrust ? ['--disable-workspace-trust'] : [])],
    });
  } catch (err) {
    // runTests rejects on a non-zero exit, which failing tests cause: not a verdict by itself.
    runError = err;
  }
  const r = readResults(resultsFile);
  if (!r) {
    throw new Error(`no test results in ${resultsFile} from VS Code (electron)${runError ? `: ${runError.message ?? runError}` : ''}`);
  }
  return r;
}
