// npm start: the first thing a new user sees. Builds and packages the extension, installs it into
// a local code-server (VS Code in the browser; desktop VS Code cannot be downloaded everywhere),
// and opens examples/midi-studio on http://127.0.0.1:PORT. Run "PGO: Build Pipeline" there.
// PGO_PORT picks the port (default 8080). Ctrl+C stops it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENTRY, ensureCodeServer, CACHE_DIR } from './vscode-host/install-code-server.mjs';
import { startCodeServer } from './vscode-host/code-server.mjs';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
const example = join(repo, 'examples', 'midi-studio');
const step = (title, cmd, args) => {
  console.log(`\n=== ${title}`);
  const r = spawnSync(cmd, args, { cwd: repo, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

step('build', process.execPath, ['scripts/build.mjs']);
step('toolchain (pgo doctor)', process.execPath, ['scripts/ensure-toolchain.mjs']);
step('package the extension', process.execPath, ['scripts/package.mjs']);
console.log('\n=== VS Code (code-server)');
await ensureCodeServer();
const { name, version, publisher } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
const extensionsDir = join(CACHE_DIR, 'start-extensions');
mkdirSync(extensionsDir, { recursive: true });
step('install the .vsix into code-server', process.execPath, [ENTRY, '--config', join(CACHE_DIR, 'start-config.yaml'), '--extensions-dir', extensionsDir, '--install-extension', join(repo, `${name}-${version}.vsix`), '--force']);

const port = Number(process.env.PGO_PORT ?? 8080);
const server = await startCodeServer({ folder: example, extensionsDir, port, settings: { 'workbench.startupEditor': 'none', 'git.openRepositoryInParentFolders': 'never' } });
const url = `http://127.0.0.1:${server.port}/?folder=${encodeURIComponent(example)}`;
console.log(`\nRust PGO (${publisher}.${name} ${version}) is running in VS Code on the example workspace:\n\n    ${url}\n`);
console.log('Open it in a browser, then run "PGO: Build Pipeline" from the command palette (F1).');
console.log('Over SSH: ssh -L 8080:127.0.0.1:8080 <host>, then open the URL locally. Ctrl+C stops the server.');
const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
setInterval(() => {}, 1 << 30);
