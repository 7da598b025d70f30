// The GitHub Action's install step (action.yml): puts the pgo CLI into $RUNNER_TEMP/rust-pgo-cli and
// its bin folder on the job's PATH, so later steps can call `pgo` too. PGO_CLI_PACKAGE (the
// `cli-package` input) is what `npm install` takes: a tarball path or URL, or an npm spec such as
// rust-pgo-cli@0.1.0. Empty: the package is built from the action's own checkout (npm ci, then
// scripts/pack-cli.mjs), so no build output lives in git. Outputs: `cli` (the bundle, run with node)
// and `version`.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { annotate, writeOutputs } from './workflow-commands.mjs';

const actionPath = resolve(process.env.GITHUB_ACTION_PATH || dirname(dirname(dirname(fileURLToPath(import.meta.url)))));
const temp = process.env.RUNNER_TEMP || tmpdir();
const prefix = join(temp, 'rust-pgo-cli');

function fail(message, fix) {
  annotate('error', 'pgo action: the CLI could not be installed', `${message}\nfix: ${fix}`);
  process.exit(3);
}

function run(cmd, args, cwd) {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  // npm is npm.cmd on Windows: only a shell finds it there.
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], shell: process.platform === 'win32' });
  return r.status === 0;
}

let spec = (process.env.PGO_CLI_PACKAGE ?? '').trim();
if (spec === '') {
  // A checkout that already has its dependencies (a developer's, the tests') is used as it is.
  if (!existsSync(join(actionPath, 'node_modules'))) {
    // --ignore-scripts: the build needs esbuild only, whose platform binary is an optional dependency.
    if (!run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], actionPath)) fail(`npm ci failed in ${actionPath}`, 'check the log above; or set the cli-package input to a rust-pgo-cli tarball or npm spec');
  }
  const packed = join(temp, 'rust-pgo-cli-pack');
  rmSync(packed, { recursive: true, force: true });
  if (!run(process.execPath, ['scripts/pack-cli.mjs', '--destination', packed], actionPath)) fail('npm run pack:cli failed', 'check the log above; or set the cli-package input');
  const tarball = readdirSync(packed).find((f) => /^rust-pgo-cli-.*\.tgz$/.test(f));
  if (!tarball) fail(`no rust-pgo-cli-*.tgz in ${packed}`, 'check the log above');
  spec = join(packed, tarball);
}

rmSync(prefix, { recursive: true, force: true });
mkdirSync(prefix, { recursive: true });
if (!run('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', spec], prefix)) fail(`npm install ${spec} failed`, 'the cli-package input must be a rust-pgo-cli tarball (path or URL) or an npm spec');
const cli = join(prefix, 'node_modules', 'rust-pgo-cli', 'dist', 'cli.js');
if (!existsSync(cli)) fail(`${spec} installed no rust-pgo-cli package (no ${cli})`, 'the cli-package input must be a rust-pgo-cli package');
const version = spawnSync(process.execPath, [cli, '--version'], { encoding: 'utf8' });
if (version.status !== 0) fail(`pgo --version failed: ${version.stderr}`, 'the Node on PATH must be ≥ 20.19 (actions/setup-node)');
console.log(version.stdout.trim());

if (process.env.GITHUB_PATH) appendFileSync(process.env.GITHUB_PATH, `${join(prefix, 'node_modules', '.bin')}\n`);
writeOutputs(process.env.GITHUB_OUTPUT, { cli, version: version.stdout.trim().replace(/^pgo /, '') });
