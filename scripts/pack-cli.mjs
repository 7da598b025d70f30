// npm run pack:cli: the headless CLI as its own npm package, rust-pgo-cli-<version>.tgz (in out/, or
// --destination DIR). The package is the production bundle of src/cli (no VS Code code, no runtime
// dependencies: esbuild bundles them), the bench probe's Rust source that it compiles at run time,
// packages/cli/README.md and the LICENSE. Install it with `npm install -g ./rust-pgo-cli-*.tgz`.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const destination = resolve(arg('--destination') ?? join(repo, 'out'));
const staging = join(repo, 'out', 'cli-package');

function fail(message) {
  console.error(`pack:cli: ${message}`);
  process.exit(1);
}

function run(cmd, args, cwd) {
  // npm is npm.cmd on Windows: only a shell finds it there.
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', shell: process.platform === 'win32' });
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
  return r.stdout;
}

const root = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
const manifest = JSON.parse(readFileSync(join(repo, 'packages', 'cli', 'package.json'), 'utf8'));
// One version for the extension and the CLI: `pgo --version` prints the root's (build.mjs).
if (manifest.version !== root.version) fail(`packages/cli/package.json has version ${manifest.version}, package.json ${root.version}: set both to the same`);
if (manifest.dependencies || manifest.peerDependencies || manifest.optionalDependencies) fail('packages/cli/package.json must have no dependencies: the bundle carries them');

rmSync(staging, { recursive: true, force: true });
mkdirSync(staging, { recursive: true });
process.stdout.write(run(process.execPath, ['scripts/build.mjs', '--production', '--only', 'cli', '--outdir', join(staging, 'dist')], repo));
const bundle = readFileSync(join(staging, 'dist', 'cli.js'), 'utf8');
// The CLI must run without VS Code: the engine reads VSCODE_* variables only to strip them.
if (/require\(["']vscode["']\)/.test(bundle)) fail('the CLI bundle requires "vscode": something under src/cli or src/core imports src/vscode');
cpSync(join(repo, 'packages', 'cli'), staging, { recursive: true });
copyFileSync(join(repo, 'LICENSE'), join(staging, 'LICENSE'));

mkdirSync(destination, { recursive: true });
const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', destination], staging));
const tarball = join(destination, packed.filename);
console.log(`${packed.files.map((f) => `  ${f.path} (${(f.size / 1024).toFixed(1)} KB)`).join('\n')}`);
console.log(`packed ${tarball}: ${(packed.size / 1024).toFixed(1)} KB (${(packed.unpackedSize / 1024).toFixed(1)} KB unpacked)`);
console.log(`Install: npm install -g ${tarball}   then: pgo --version`);
