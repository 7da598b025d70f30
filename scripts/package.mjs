// npm run package: production bundles (esbuild, minified, no source maps), then a .vsix with
// vsce. .vscodeignore is an allow-list, so the package holds the bundles (CLI, extension, engine worker), icons and docs only.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
const { name, version } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
const out = join(repo, `${name}-${version}.vsix`);
const step = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: repo, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
rmSync(join(repo, 'dist'), { recursive: true, force: true });
step(process.execPath, ['scripts/build.mjs', '--production']);
// README images stay relative: they ship inside the .vsix (docs/*.png), where VS Code finds them.
step('npx', ['vsce', 'package', '--no-dependencies', '--no-rewrite-relative-links', '--out', out]);
step('npx', ['vsce', 'ls', '--no-dependencies']);
console.log(`\n${out}: ${(statSync(out).size / 1024).toFixed(1)} KB`);
console.log(`Install into desktop VS Code: code --install-extension ${out}`);
