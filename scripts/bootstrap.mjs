// Installs the npm dependencies when they are missing, so `npm start` and `npm test` work as the
// first command in a fresh clone. Node built-ins only: it runs before anything is installed.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
const marker = join(repo, 'node_modules', '.package-lock.json');
const lock = join(repo, 'package-lock.json');
const stale = !existsSync(marker) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs);
if (stale) {
  console.error('Installing npm dependencies (npm ci)…');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: repo, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('error: `npm ci` failed.\nfix: check the network access to the npm registry, then run `npm ci` by hand');
    process.exit(r.status ?? 1);
  }
}
