#!/usr/bin/env node
// Installs code-server (a real VS Code 1.100.3: Node server + web workbench) from the npm
// registry into .vscode-test/, for running the extension's integration tests on machines that
// cannot download VS Code itself (test-electron fetches it from update.code.visualstudio.com).
//
// code-server's own postinstall cannot be used: as root npm 11 refuses it (--unsafe-perm), and
// @vscode/ripgrep's install script downloads rg from GitHub. So the package is installed with
// --ignore-scripts and the postinstall's work is redone here step by step.
//
// Usage: node scripts/vscode-host/install-code-server.mjs   (prints the path of entry.js)
// Module: import { ensureCodeServer } from './install-code-server.mjs'
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { capture, killActiveChildren, log, run, sleep } from './util.mjs';

export const CODE_SERVER_VERSION = '4.100.3';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, '..', '..');
export const CACHE_DIR = path.join(REPO_ROOT, '.vscode-test');
export const INSTALL_DIR = path.join(CACHE_DIR, `code-server-${CODE_SERVER_VERSION}`);
const PKG_DIR = path.join(INSTALL_DIR, 'node_modules', 'code-server');
const VSCODE_DIR = path.join(PKG_DIR, 'lib', 'vscode');
export const ENTRY = path.join(PKG_DIR, 'out', 'node', 'entry.js');
// Written last: its presence (with a matching Node ABI) means the install is complete.
const MARKER = path.join(INSTALL_DIR, '.install-complete.json');
const LOCK = `${INSTALL_DIR}.lock`;
const LOG_FILE = path.join(CACHE_DIR, `code-server-${CODE_SERVER_VERSION}-install.log`);

// Debian packages: build deps of the native modules (kerberos needs libkrb5-dev, keytar-like
// bits need libsecret, native-keymap needs xkbfile/x11), Debian's rg instead of the GitHub
// download, Chromium for driving the web workbench, and an emoji font so the screenshots show
// the CodeLens flame instead of a box.
const APT_PACKAGES = [
  'build-essential',
  'python3',
  'pkg-config',
  'libkrb5-dev',
  'libsecret-1-dev',
  'libxkbfile-dev',
  'libx11-dev',
  'ripgrep',
  'chromium',
  'fonts-noto-color-emoji',
];

// Modules with native code that the server loads; rebuilt against this Node's ABI.
const NATIVE_MODULES = ['@parcel/watcher', '@vscode/spdlog', 'kerberos', 'native-watchdog', '@vscode/deviceid'];

function readMarker() {
  try {
    return JSON.parse(fs.readFileSync(MARKER, 'utf8'));
  } catch {
    return undefined;
  }
}

function isComplete() {
  const m = readMarker();
  // Native modules are built for one Node ABI; a different Node needs a fresh install.
  return !!m && m.version === CODE_SERVER_VERSION && m.modules === process.versions.modules && fs.existsSync(ENTRY);
}

/** Makes sure the Debian packages are there; installs them as root, otherwise explains. */
async function ensureAptPackages() {
  const probe = await capture('dpkg-query', ['-W', '-f=${Package} ${db:Status-Status}\\n', ...APT_PACKAGES]);
  if (probe.code === -1) {
    log('dpkg-query not found (not Debian?); skipping the system package check');
    return;
  }
  const installed = new Set(
    probe.stdout
      .split('\n')
      .map((l) => l.trim().split(' '))
      .filter(([, status]) => status === 'installed')
      .map(([name]) => name.replace(/:.*$/, '')),
  );
  const missing = APT_PACKAGES.filter((p) => !installed.has(p));
  if (missing.length === 0) {
    log('system packages: all present');
    return;
  }
  if (process.getuid?.() !== 0) {
    const cmd = `sudo apt-get install -y ${missing.join(' ')}`;
    throw new Error(`missing Debian packages: ${missing.join(' ')}\nInstall them with:\n  ${cmd}`);
  }
  log(`installing Debian packages: ${missing.join(' ')} (see ${LOG_FILE})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['update'], { env, logFile: LOG_FILE });
  await run('apt-get', ['install', '-y', ...missing], { env, logFile: LOG_FILE });
}

/** Node headers for node-gyp. Without a local `nodedir`, node-gyp downloads the headers from
 * nodejs.org, which offline machines cannot reach; Debian/NodeSource/official tarballs all ship
 * them in <prefix>/include/node. */
function localNodeDir() {
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  return fs.existsSync(path.join(prefix, 'include', 'node', 'common.gypi')) ? prefix : undefined;
}

/** A simple cross-process lock (mkdir is atomic) so parallel test runs don't install twice. */
async function withLock(fn) {
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  for (let announced = false; ; ) {
    try {
      fs.mkdirSync(LOCK);
      fs.writeFileSync(path.join(LOCK, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      let owner = 0;
      let ageMs = 0;
      try {
        owner = Number(fs.readFileSync(path.join(LOCK, 'pid'), 'utf8')) || 0;
        ageMs = Date.now() - fs.statSync(LOCK).mtimeMs;
      } catch {
        // the owner has not written its pid yet, or just released the lock
      }
      let ownerAlive = !owner && ageMs < 30_000; // pid not written yet: give it time
      if (owner) {
        try {
          process.kill(owner, 0);
          ownerAlive = true;
        } catch {
          ownerAlive = false;
        }
      }
      if (!ownerAlive) {
        fs.rmSync(LOCK, { recursive: true, force: true }); // stale lock from a killed run
        continue;
      }
      if (!announced) log(`waiting for another install (pid ${owner}) to finish`);
      announced = true;
      // Another process's lock: nothing signals its release to us, so re-check it (a bounded
      // poll: a dead owner's lock is taken over above).
      await sleep(1000);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}

function symlink(target, linkPath) {
  fs.rmSync(linkPath, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(linkPath), { recursive: true });
  fs.symlinkSync(target, linkPath);
}

async function install() {
  const started = Date.now();
  const step = (msg) => log(`[${((Date.now() - started) / 1000).toFixed(0)}s] ${msg}`);
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 20) {
    // code-server 4.100.3 declares engines.node 20; newer code-servers need Node 22+.
    throw new Error(`code-server ${CODE_SERVER_VERSION} needs Node 20, this is ${process.version}`);
  }

  fs.writeFileSync(LOG_FILE, `install of code-server ${CODE_SERVER_VERSION} started ${new Date().toISOString()}\n`);
  await ensureAptPackages();

  // A half-finished install (no marker) is not trusted: start from scratch.
  fs.rmSync(INSTALL_DIR, { recursive: true, force: true });
  fs.mkdirSync(INSTALL_DIR, { recursive: true });
  // Own package.json so npm treats this folder as the project root instead of walking up to
  // the extension's package.json.
  fs.writeFileSync(
    path.join(INSTALL_DIR, 'package.json'),
    JSON.stringify({ name: 'vscode-test-code-server', private: true }, null, 2) + '\n',
  );

  const nodedir = localNodeDir();
  const env = {
    ...process.env,
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    ...(nodedir ? { npm_config_nodedir: nodedir } : {}),
  };
  const npm = (args, cwd, extraEnv = {}) => run('npm', args, { cwd, env: { ...env, ...extraEnv }, logFile: LOG_FILE });

  log(`installing code-server ${CODE_SERVER_VERSION} into ${INSTALL_DIR}`);
  log(`full npm output goes to ${LOG_FILE}`);
  step('npm install code-server (scripts off)');
  await npm(['install', '--ignore-scripts', `code-server@${CODE_SERVER_VERSION}`], INSTALL_DIR);

  step('npm install in lib/vscode (server dependencies)');
  await npm(['install', '--omit=dev', '--ignore-scripts'], VSCODE_DIR);

  // @vscode/ripgrep's postinstall would download rg from GitHub; use Debian's instead.
  const rg = fs.existsSync('/usr/bin/rg') ? '/usr/bin/rg' : undefined;
  if (!rg) throw new Error('ripgrep (/usr/bin/rg) is missing: apt-get install ripgrep');
  symlink(rg, path.join(VSCODE_DIR, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg'));

  step(`rebuilding native modules: ${NATIVE_MODULES.join(', ')}`);
  await npm(['rebuild', ...NATIVE_MODULES], VSCODE_DIR);
  // node-pty's install script runs `npx node-gyp`, which prompts without npm_config_yes.
  step('rebuilding node-pty');
  await npm(['rebuild', 'node-pty'], VSCODE_DIR, { npm_config_yes: 'true' });

  // What postinstall.sh does besides npm install: VS Code looks for bundled files under
  // node_modules.asar, and the remote CLI / browser helper scripts are platform links.
  symlink('node_modules', path.join(VSCODE_DIR, 'node_modules.asar'));
  symlink('code-linux.sh', path.join(VSCODE_DIR, 'bin', 'remote-cli', 'code-server'));
  symlink('browser-linux.sh', path.join(VSCODE_DIR, 'bin', 'helpers', 'browser.sh'));

  // Built-in extensions share one dependency (typescript); its postinstall only trims files.
  step('npm install in lib/vscode/extensions');
  const extDir = path.join(VSCODE_DIR, 'extensions');
  await npm(['install', '--omit=dev', '--ignore-scripts'], extDir);
  await run(process.execPath, ['postinstall.mjs'], { cwd: extDir, logFile: LOG_FILE });

  // argon2 (password hashing) is required at start-up even with --auth none. npm hoists it
  // next to code-server, so rebuild from INSTALL_DIR (in PKG_DIR npm finds nothing to rebuild
  // and still says "rebuilt dependencies successfully").
  step('rebuilding argon2');
  await npm(['rebuild', 'argon2'], INSTALL_DIR);

  // npm 11 warns that install scripts are "not yet covered by allowScripts"; should a later
  // npm skip them, `npm rebuild` would still say "rebuilt dependencies successfully". Loading
  // every native module proves the binaries exist and match this Node.
  step('checking that the native modules load');
  const loadAll = (mods) => `for (const m of ${JSON.stringify(mods)}) require(m);`;
  await run(process.execPath, ['-e', loadAll([...NATIVE_MODULES, 'node-pty'])], { cwd: VSCODE_DIR, logFile: LOG_FILE });
  await run(process.execPath, ['-e', loadAll(['argon2'])], { cwd: INSTALL_DIR, logFile: LOG_FILE });

  step('smoke test: code-server --version');
  // --config: otherwise code-server writes a default ~/.config/code-server/config.yaml.
  const smokeConfig = path.join(INSTALL_DIR, 'smoke-test-config.yaml');
  fs.writeFileSync(smokeConfig, 'auth: none\n');
  await run(process.execPath, [ENTRY, '--config', smokeConfig, '--version'], { logFile: LOG_FILE });

  const durationMs = Date.now() - started;
  fs.writeFileSync(
    MARKER,
    JSON.stringify(
      {
        version: CODE_SERVER_VERSION,
        node: process.version,
        modules: process.versions.modules,
        installedAt: new Date().toISOString(),
        durationMs,
      },
      null,
      2,
    ) + '\n',
  );
  step(`done in ${(durationMs / 1000).toFixed(1)}s`);
}

/**
 * Makes sure code-server is installed in the cache and returns the absolute path of its
 * out/node/entry.js (start it with `node entry.js ...`). Instant when already installed.
 */
export async function ensureCodeServer() {
  if (isComplete()) return ENTRY;
  await withLock(async () => {
    if (!isComplete()) await install(); // another process may have finished it meanwhile
  });
  return ENTRY;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = Date.now();
  // Killed mid-install (CI cancel, kill PID): take the npm/apt child along instead of leaving
  // it running orphaned. The lock dir is then stale and the next run starts over.
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      killActiveChildren(sig);
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
  ensureCodeServer().then(
    (entry) => {
      log(`code-server ready (${((Date.now() - t0) / 1000).toFixed(1)}s): ${entry}`);
    },
    (err) => {
      console.error(`[vscode-host] install failed: ${err.message}`);
      process.exitCode = 1;
    },
  );
}
