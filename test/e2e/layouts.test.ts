import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ProfileMetadata } from '../../src/core/pipeline/profile-metadata';
import { copyWorkspace, REPO, run, runCli } from './e2e-helpers';

/**
 * Real project layouts, one pipeline run per fixture (test/fixtures): a Cargo root two levels
 * below the opened folder beside a second root, a workspace with a build script and a proc macro,
 * and rustflags plus target-dir from .cargo/config.toml.
 */
const fixture = (name: string): string => copyWorkspace(path.join(REPO, 'test', 'fixtures', name), `pgo-${name}-`);
const metadataOf = (profdata: string): ProfileMetadata => JSON.parse(fs.readFileSync(`${profdata}.json`, 'utf8')) as ProfileMetadata;

/** Every .profraw file below `dir`. */
function profraws(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[]).filter((f) => f.endsWith('.profraw')).map((f) => path.join(dir, f));
}

describe('layouts: a Tauri-style root two levels down, beside another root (real toolchain)', function () {
  this.timeout(10 * 60_000);
  let folder: string;
  let out: string;
  before(() => {
    folder = fixture('nested-roots');
    // A relative --workspace from the opened folder, as `pgo pipeline --workspace pipeline/src-tauri` in the seed.
    const r = runCli(['pipeline', '--workspace', path.join('app', 'src-tauri')], {}, folder);
    out = r.output;
    assert.equal(r.status, 0, out);
  });
  after(() => fs.rmSync(folder, { recursive: true, force: true }));

  it('builds, profiles and optimizes the nested workspace with its pgo.yaml, artifacts under its own target/', () => {
    const profdata = path.join(folder, 'app', 'src-tauri', 'target', 'pgo', 'desktop', 'desktop.profdata');
    assert.ok(fs.existsSync(profdata), out);
    assert.match(out, /profile applied to (\d+) of \1 instrumented functions/);
    assert.equal(fs.existsSync(path.join(folder, 'target')), false, 'nothing written at the opened folder');
  });

  it('from inside a member crate, finds the workspace root, its pgo.yaml and its profile', () => {
    const r = runCli(['show', '--json'], {}, path.join(folder, 'app', 'src-tauri', 'crates', 'engine'));
    assert.equal(r.status, 0, r.output);
    const shown = JSON.parse(r.stdout) as { component: string; profdata: string }[];
    assert.deepEqual(shown.map((s) => s.component), ['desktop'], 'the component named in app/src-tauri/pgo.yaml');
  });

  it('run at the folder above them, names the Cargo workspaces below and how to pick one', () => {
    const r = runCli(['pipeline'], {}, folder);
    assert.equal(r.status, 2, r.output);
    assert.match(r.stderr, /is not inside a Cargo workspace \(no Cargo\.toml\)\nfix: the Cargo workspaces below it: app[\\/]src-tauri, tools[\\/]cli; pass one with --workspace \(e\.g\. `--workspace app[\\/]src-tauri`\)/);
  });

  it('the other root in the same folder is a workspace of its own', () => {
    const r = runCli(['doctor', '--json', '--workspace', path.join('tools', 'cli')], {}, folder);
    const report = JSON.parse(r.stdout) as { checks: { id: string; status: string; message: string }[] };
    const ws = report.checks.find((c) => c.id === 'workspace');
    assert.equal(ws?.status, 'ok', r.output);
    assert.match(ws?.message ?? '', /tools[\\/]cli: components notes-cli \(no pgo\.yaml/);
  });
});

describe('layouts: a build script and a proc macro (real toolchain)', function () {
  this.timeout(10 * 60_000);
  let ws: string;
  let out: string;
  before(() => {
    ws = fixture('build-script-macro');
    const r = runCli(['pipeline', '--workspace', ws, '--size', '3']);
    out = r.output;
    assert.equal(r.status, 0, out);
  });
  after(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('says that --size changes nothing for a component whose workload has no {size}', () => {
    assert.match(out, /warning: --size 3 is ignored for component "app": none of its workload commands uses \{size\}; put \{size\} in a workload command in pgo\.yaml/);
  });

  it("profiles the binary's own functions, including the build script's and the macro's code", () => {
    const meta = metadataOf(path.join(ws, 'target', 'pgo', 'app', 'app.profdata'));
    const names = meta.hottest.map((h) => h.display);
    for (const f of ['app::generated_mix', 'app::squares', 'app::main']) assert.ok(names.includes(f), `${f} in ${names.join(', ')}`);
    assert.match(out, /profile applied to (\d+) of \1 instrumented functions/);
  });

  it('leaves build scripts and proc macros uninstrumented: the only .profraw files are the workload run\'s', () => {
    const files = profraws(ws);
    const runDirs = new Set(files.map((f) => path.relative(path.join(ws, 'target', 'pgo', 'app', 'raw'), f).split(path.sep)[0]));
    assert.equal(files.length, 1, files.join('\n'));
    assert.equal(runDirs.size, 1);
    assert.notEqual([...runDirs][0], 'stray', 'no profile from a run outside the workload (a build script)');
  });
});

describe('layouts: rustflags and target-dir from .cargo/config.toml (real toolchain)', function () {
  this.timeout(10 * 60_000);
  let ws: string;
  let out: string;
  before(() => {
    ws = fixture('config-rustflags');
    const r = runCli(['pipeline', '--workspace', ws]);
    out = r.output;
    // The workload exits 3 unless the instrumented build got --cfg pgo_fixture_flag.
    assert.equal(r.status, 0, out);
  });
  after(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('puts the artifacts under build.target-dir, as cargo metadata reports it', () => {
    assert.ok(fs.existsSync(path.join(ws, 'build-out', 'pgo', 'flagged', 'flagged.profdata')), out);
    assert.equal(fs.existsSync(path.join(ws, 'target')), false);
  });

  it('gives both builds the config file\'s flags, and says where they came from', () => {
    const config = path.join(ws, '.cargo', 'config.toml');
    assert.match(out, /pgo_fixture_flag: on/, 'the instrumented binary ran with the flag');
    assert.ok(out.includes(`rustflags of both builds: --cfg pgo_fixture_flag\n    from build.rustflags in ${config}: --cfg pgo_fixture_flag`), out);
    const meta = metadataOf(path.join(ws, 'build-out', 'pgo', 'flagged', 'flagged.profdata'));
    assert.deepEqual(meta.buildSettings.rustflagSources, [{ origin: `build.rustflags in ${config}`, flags: ['--cfg', 'pgo_fixture_flag'] }]);
    const optimized = meta.applied?.optimizedBinaries[0] ?? '';
    assert.match(run(optimized, ['10']), /^pgo_fixture_flag: on/, 'the optimized binary has the flag too');
  });
});
