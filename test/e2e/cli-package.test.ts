import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO, copyWorkspace, run } from './e2e-helpers';

/**
 * The headless CLI as its own npm package: `npm run pack:cli` (scripts/pack-cli.mjs, run here as
 * it is there), installed from the tarball into an empty folder with no registry, run through its
 * `pgo` bin and through npx.
 */
describe('rust-pgo-cli: the npm package of the CLI', () => {
  let tarball: string;
  let unpacked: string;
  let project: string;
  const version = (JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;

  before(() => {
    const destination = fs.mkdtempSync(path.join(os.tmpdir(), 'pgo-pack-'));
    run(process.execPath, ['scripts/pack-cli.mjs', '--destination', destination], { cwd: REPO });
    const packed = fs.readdirSync(destination).filter((f) => f.endsWith('.tgz'));
    assert.deepEqual(packed, [`rust-pgo-cli-${version}.tgz`]);
    tarball = path.join(destination, `rust-pgo-cli-${version}.tgz`);
    unpacked = fs.mkdtempSync(path.join(os.tmpdir(), 'pgo-unpacked-'));
    run('tar', ['-xzf', tarball, '-C', unpacked]);
    // An empty project of its own, so npm does not look further up for one.
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'pgo-installed-'));
    fs.writeFileSync(path.join(project, 'package.json'), '{ "private": true }\n');
    // No dependencies: nothing to fetch, so no registry is needed.
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], { cwd: project });
  });

  it('holds the bundle, the bench probe source, README, LICENSE and package.json: no node_modules, no VS Code, no dependencies', () => {
    const files = (fs.readdirSync(unpacked, { recursive: true, withFileTypes: true }) as fs.Dirent[])
      .filter((d) => d.isFile())
      .map((d) => path.relative(unpacked, path.join(d.parentPath, d.name)).split(path.sep).join('/'))
      .sort();
    assert.deepEqual(files, ['package/LICENSE', 'package/README.md', 'package/dist/cli.js', 'package/dist/pgo-probe.rs', 'package/package.json']);
    const manifest = JSON.parse(fs.readFileSync(path.join(unpacked, 'package', 'package.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(manifest.name, 'rust-pgo-cli');
    assert.equal(manifest.version, version, "the extension's version");
    assert.deepEqual(manifest.bin, { pgo: 'dist/cli.js' });
    for (const key of ['dependencies', 'peerDependencies', 'optionalDependencies', 'bundleDependencies']) assert.equal(manifest[key], undefined, key);
    const bundle = fs.readFileSync(path.join(unpacked, 'package', 'dist', 'cli.js'), 'utf8');
    assert.ok(bundle.startsWith('#!/usr/bin/env node\n'), 'runs as a bin');
    // The engine names VSCODE_* variables only to keep them out of cargo's environment.
    assert.deepEqual([...new Set(bundle.match(/vscode\w*/gi))], ['VSCODE_']);
    const kb = fs.statSync(tarball).size / 1024;
    console.log(`      ${path.basename(tarball)}: ${kb.toFixed(1)} KB`);
    assert.ok(kb < 512, `the tarball is ${kb.toFixed(1)} KB`);
  });

  it('installed from the tarball, `pgo --version` prints the version, through its bin and through npx', () => {
    const bin = path.join(project, 'node_modules', '.bin', 'pgo');
    assert.equal(run(bin, ['--version']).trim(), `pgo ${version}`);
    assert.equal(run(bin, ['version', '--json']).trim(), JSON.stringify({ version }));
    // Offline: npx must find the installed bin, never download one.
    assert.equal(run('npx', ['pgo', '--version'], { cwd: project, env: { npm_config_offline: 'true' } }).trim(), `pgo ${version}`);
    assert.equal(run('npx', ['--no', '--', 'pgo', '-V'], { cwd: project, env: { npm_config_offline: 'true' } }).trim(), `pgo ${version}`);
  });

  it('the installed pgo checks a workspace: `pgo doctor` names its checks and exits as it decides', () => {
    const ws = copyWorkspace(path.join(REPO, 'test', 'fixtures', 'tiny-app'), 'pgo-installed-ws-');
    const bin = path.join(project, 'node_modules', '.bin', 'pgo');
    const r = spawnSync(bin, ['doctor', '--json', '--workspace', ws], { encoding: 'utf8' });
    const report = JSON.parse(r.stdout) as { ok: boolean; checks: { id: string }[] };
    assert.equal(r.status, report.ok ? 0 : 3, r.stderr);
    assert.deepEqual(report.checks.map((c) => c.id).filter((id) => ['rustc', 'cargo', 'llvm-profdata', 'disk', 'workspace'].includes(id)), ['rustc', 'cargo', 'llvm-profdata', 'disk', 'workspace']);
    const text = spawnSync(bin, ['doctor', '--workspace', ws], { encoding: 'utf8' });
    assert.equal(text.status, r.status);
    assert.match(text.stdout, /rustc: rustc \d/);
    assert.match(text.stdout, /llvm-profdata: /);
  });
});
