// Starts a real VS Code (code-server 4.100.3 = VS Code 1.100.3 server + web workbench) for
// one test run, and builds the workbench URLs that load an extension in development mode.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureCodeServer } from './install-code-server.mjs';
import { freePort, killTree, log, tailFile } from './util.mjs';

// Quiet, deterministic workbench for tests: no Welcome/walkthrough editor (it opens at start-up
// and can take the keyboard focus from the command palette), no online lookups.
export const DEFAULT_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
};

/**
 * Starts code-server on 127.0.0.1 with a fresh temporary user-data-dir (no state leaks
 * between runs) and resolves once its HTTP server answers.
 *
 * @param {object} opts
 * @param {string} opts.folder                   workspace folder to open (absolute path)
 * @param {string} [opts.extensionsDir]          defaults to a fresh empty temp dir
 * @param {Record<string,string>} [opts.env]     extra environment; it reaches the extension host
 * @param {number} [opts.port]                   defaults to a free port
 * @param {boolean} [opts.disableWorkspaceTrust] default true; false for trust-related tests
 * @param {string} [opts.logFile]                where code-server's stdout/stderr go
 * @param {number} [opts.startTimeoutMs]         default 60 s
 * @param {Record<string,unknown>} [opts.settings] user settings, merged over DEFAULT_SETTINGS
 * @returns {Promise<{url: string, port: number, baseUrl: string, logFile: string,
 *   userDataDir: string, pid: number, stop: () => Promise<void>}>}
 */
export async function startCodeServer({
  folder,
  extensionsDir,
  env = {},
  port,
  disableWorkspaceTrust = true,
  logFile,
  startTimeoutMs = 60_000,
  settings = {},
} = {}) {
  if (!folder || !path.isAbsolute(folder)) throw new Error(`startCodeServer: folder must be an absolute path (got ${folder})`);
  const entry = await ensureCodeServer();
  port ??= await freePort();

  const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'vscode-host-'));
  const userDataDir = path.join(tmpRoot, 'user-data');
  extensionsDir ??= path.join(tmpRoot, 'extensions');
  fs.mkdirSync(userDataDir, { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  // code-server keeps user settings server-side in <user-data-dir>/User/settings.json.
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...DEFAULT_SETTINGS, ...settings }, null, 2) + '\n',
  );
  // Our own config file: without --config, code-server reads (and on first use writes)
  // ~/.config/code-server/config.yaml, which could also carry a password or other settings.
  const configFile = path.join(tmpRoot, 'config.yaml');
  fs.writeFileSync(configFile, 'auth: none\n');
  // The log lives outside tmpRoot so it survives stop() for post-mortems.
  logFile ??= `${tmpRoot}.log`;

  const args = [
    entry,
    '--config', configFile,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    ...(disableWorkspaceTrust ? ['--disable-workspace-trust'] : []),
    folder,
  ];
  // Output is piped (and copied to the log file) so that start-up steps are waited for as events:
  // the line that announces them, not a poll of the port or of the log file.
  const logStream = fs.createWriteStream(logFile, { flags: 'a' });
  // detached: its own process group, so stop() can signal the server and its forks together.
  // Keep the run's droppings inside tmpRoot: code-server writes coder-logs and a heartbeat to
  // $XDG_DATA_HOME/code-server, VS Code a device id to $XDG_CACHE_HOME/Microsoft, and the
  // server/extension host their IPC sockets (vscode-ipc-*.sock, vscode-git-*.sock) to $TMPDIR.
  // They reach the extension host too; values given in `env` win.
  const isolation = {
    TMPDIR: path.join(tmpRoot, 'tmp'),
    XDG_DATA_HOME: path.join(tmpRoot, 'data'),
    XDG_CACHE_HOME: path.join(tmpRoot, 'cache'),
  };
  for (const dir of Object.values(isolation)) fs.mkdirSync(dir, { recursive: true });
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...isolation, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const output = new OutputWatch(child, logFile);
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk) => {
      logStream.write(chunk);
      output.append(chunk.toString());
    });
  }

  const baseUrl = `http://127.0.0.1:${port}`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (!output.exited) await killTree(child.pid);
    await new Promise((resolve) => logStream.end(resolve));
    if (!process.env.VSCODE_HOST_KEEP_TEMP) fs.rmSync(tmpRoot, { recursive: true, force: true });
  };

  // The HTTP server is up once it says so; the VS Code server behind it starts lazily.
  try {
    await output.waitFor(/HTTP server listening on/, { timeoutMs: startTimeoutMs, what: `code-server to listen on ${baseUrl}` });
  } catch (err) {
    await stop();
    throw err;
  }
  log(`code-server up on ${baseUrl} (pid ${child.pid}, log ${logFile})`);

  const url = `${baseUrl}/?${new URLSearchParams({ folder })}`;
  return { url, port, baseUrl, logFile, userDataDir, pid: child.pid, output, stop };
}

/**
 * code-server's output so far, and promises for what it will print: `waitFor(pattern)` resolves
 * at the output event whose text first matches, and rejects when the server exits first or after
 * `timeoutMs` (a bound on failure, not a delay).
 */
export class OutputWatch {
  text = '';
  exited = null;
  #waiters = new Set();

  constructor(child, logFile) {
    this.logFile = logFile;
    child.on('exit', (code, signal) => {
      this.exited = { code, signal };
      for (const w of this.#waiters) w.fail(`code-server exited (${signal ?? `exit ${code}`})`);
    });
  }

  append(chunk) {
    this.text += chunk;
    for (const w of this.#waiters) if (w.matches(this.text)) w.done();
  }

  /** Occurrences of `pattern` (a string) in the output so far. */
  count(pattern) {
    return this.text.split(pattern).length - 1;
  }

  /** `pattern`: a RegExp, or a function of the whole output so far. */
  waitFor(pattern, { timeoutMs, what = String(pattern), signal }) {
    const matches = typeof pattern === 'function' ? pattern : (text) => pattern.test(text);
    return new Promise((resolve, reject) => {
      if (matches(this.text)) return resolve(this.text);
      if (this.exited) return reject(new Error(`waiting for ${what}: code-server had exited; log ${this.logFile}:\n${tailFile(this.logFile, 30)}`));
      const w = {
        matches,
        done: () => {
          this.#waiters.delete(w);
          clearTimeout(bound);
          resolve(this.text);
        },
        fail: (why) => {
          this.#waiters.delete(w);
          clearTimeout(bound);
          reject(new Error(`waiting for ${what}: ${why}; log ${this.logFile}:\n${tailFile(this.logFile, 30)}`));
        },
      };
      const bound = setTimeout(() => w.fail(`nothing after ${timeoutMs} ms`), timeoutMs);
      this.#waiters.add(w);
      signal?.addEventListener('abort', () => w.fail('no longer wanted'), { once: true });
    });
  }
}

/**
 * The workbench URL that opens `folder` and loads the extension at `extensionDevelopmentPath`
 * in development mode; with `extensionTestsPath`, the extension host require()s that module
 * and calls its run(). Paths are absolute paths on this machine, passed as vscode-remote URIs
 * whose authority is the server's host:port (the web workbench's remote authority).
 */
export function workbenchUrl({ baseUrl, port, folder, extensionDevelopmentPath, extensionTestsPath }) {
  const base = new URL(baseUrl ?? `http://127.0.0.1:${port}`);
  const authority = base.host; // "127.0.0.1:PORT"
  const remote = (p) => {
    if (!path.isAbsolute(p)) throw new Error(`workbenchUrl: expected an absolute path, got ${p}`);
    return `vscode-remote://${authority}${p}`;
  };
  const payload = [];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  const query = new URLSearchParams();
  if (folder) query.set('folder', folder);
  if (payload.length) query.set('payload', JSON.stringify(payload));
  return `${base.origin}/?${query}`;
}
