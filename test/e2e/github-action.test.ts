import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { REPO, copyWorkspace } from './e2e-helpers';

/**
 * The composite action's script steps (action.yml), run here as the runner runs them: the same
 * scripts, the same environment variables, with files standing in for $GITHUB_OUTPUT, $GITHUB_PATH
 * and $GITHUB_STEP_SUMMARY. The CLI is built and installed from this checkout as the action does
 * (cli-package empty), and the workspaces are copies outside the repository, so the bench probe
 * source can only come from the installed package.
 */
const SCRIPTS = path.join(REPO, 'scripts', 'github-action');

interface StepRun {
  status: number | null;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
}

/** `name<<DELIMITER` … `DELIMITER` blocks and `name=value` lines, as the runner reads $GITHUB_OUTPUT. */
function readOutputs(file: string): Record<string, string> {
  if (!fs.existsSync(file)) return {};
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const outputs: Record<string, string> = {};
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heredoc = /^([\w-]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name = '', delimiter] = heredoc;
      const end = lines.indexOf(delimiter ?? '', i + 1);
      assert.ok(end > i, `unterminated output ${name}`);
      outputs[name] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (/^[\w-]+=/.test(line)) {
      const eq = line.indexOf('=');
      outputs[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  return outputs;
}

describe('the GitHub Action (action.yml) run locally', () => {
  let runnerTemp: string;
  let cli: string;
  let cliStep: StepRun;

  function step(script: string, env: Record<string, string>): StepRun {
    const dir = fs.mkdtempSync(path.join(runnerTemp, 'step-'));
    const files = { GITHUB_OUTPUT: path.join(dir, 'output'), GITHUB_STEP_SUMMARY: path.join(dir, 'summary'), GITHUB_PATH: path.join(dir, 'path') };
    const r = spawnSync(process.execPath, [path.join(SCRIPTS, script)], {
      encoding: 'utf8',
      env: { ...process.env, GITHUB_ACTION_PATH: REPO, RUNNER_TEMP: runnerTemp, ...files, ...env },
      maxBuffer: 256 * 1024 * 1024,
    });
    const summary = fs.existsSync(files.GITHUB_STEP_SUMMARY) ? fs.readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8') : '';
    const pathAdded = fs.existsSync(files.GITHUB_PATH) ? fs.readFileSync(files.GITHUB_PATH, 'utf8') : '';
    return { status: r.status, stdout: `${r.stdout}\n${r.stderr}`, outputs: { ...readOutputs(files.GITHUB_OUTPUT), ...(pathAdded ? { 'github-path': pathAdded.trim() } : {}) }, summary };
  }

  function runPgo(workspace: string, inputs: Record<string, string>): StepRun {
    return step('run-pgo.mjs', { PGO_CLI: cli, PGO_WORKSPACE: workspace, PGO_COMPONENT: '', PGO_SIZE: '', PGO_PHASES: 'doctor pipeline', PGO_ARGS: '', PGO_ARTIFACT_NAME: '', ...inputs });
  }

  before(() => {
    runnerTemp = fs.mkdtempSync(path.join(os.tmpdir(), 'pgo-runner-temp-'));
    cliStep = step('install-cli.mjs', { PGO_CLI_PACKAGE: '' });
    assert.equal(cliStep.status, 0, cliStep.stdout);
    cli = cliStep.outputs.cli ?? '';
  });

  it('installs the CLI built from its own checkout, with pgo on the PATH of later steps', () => {
    const version = (JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
    assert.equal(cli, path.join(runnerTemp, 'rust-pgo-cli', 'node_modules', 'rust-pgo-cli', 'dist', 'cli.js'));
    assert.equal(cliStep.outputs.version, version);
    const bin = path.join(cliStep.outputs['github-path'] ?? '', 'pgo');
    assert.equal(spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim(), `pgo ${version}`);
  });

  it('doctor, pipeline and bench: the outputs, the files to upload, the report in the job summary', () => {
    const ws = copyWorkspace(path.join(REPO, 'test', 'fixtures', 'bench-app'), 'pgo-action-');
    const r = runPgo(ws, { PGO_COMPONENT: 'crunch', PGO_PHASES: 'doctor pipeline,bench', PGO_SIZE: '500000', PGO_ARGS: '--runs 3 --variants pgo' });
    assert.equal(r.status, 0, r.stdout);
    for (const cmd of ['doctor --workspace', 'pipeline crunch --workspace', 'bench crunch --workspace']) assert.ok(r.stdout.includes(`::group::pgo ${cmd}`), cmd);
    assert.ok(r.stdout.includes('--size 500000 --runs 3'), 'the size goes to pipeline');
    const o = r.outputs;
    const root = path.join(ws, 'target', 'pgo');
    assert.equal(o['exit-code'], '0');
    assert.equal(o['artifact-dir'], root);
    assert.equal(o.profile, path.join(root, 'crunch', 'crunch.profdata'));
    assert.equal(o.metadata, `${o.profile}.json`);
    const meta = JSON.parse(fs.readFileSync(o.metadata, 'utf8')) as { workload: { size: number }; applied: { usableShare: number; optimizedBinaries: string[] } };
    assert.equal(meta.workload.size, 500000);
    assert.equal(o['applied-share'], String(Math.round(meta.applied.usableShare * 1000) / 10));
    const latest = JSON.parse(fs.readFileSync(path.join(root, 'bench', 'crunch', 'latest.json'), 'utf8')) as { recommendation: { variant: string } };
    assert.equal(o.verdict, latest.recommendation.variant);
    assert.ok(['release', 'pgo'].includes(o.verdict ?? ''), o.verdict);
    assert.deepEqual(Object.keys(JSON.parse(o.results ?? '{}') as object), ['crunch']);

    // The optimized binary, copied as <component>/<binary> under the folder the upload takes.
    assert.equal(o['binaries-artifact'], 'pgo-crunch-binaries');
    assert.equal(o['binaries-dir'], path.join(runnerTemp, 'rust-pgo-binaries', 'pgo-crunch'));
    assert.equal(o.binaries, path.join(o['binaries-dir'] ?? '', 'crunch', 'crunch'));
    const [shipped] = meta.applied.optimizedBinaries;
    assert.ok(shipped);
    assert.deepEqual(fs.readFileSync(o.binaries), fs.readFileSync(shipped));
    assert.ok(fs.statSync(o.binaries).mode & 0o100, 'still executable');

    // The profile artifact: profile, metadata, bench results and the report, all under the artifact dir.
    assert.equal(o['profile-artifact'], 'pgo-crunch-profile');
    const files = (o['profile-files'] ?? '').split('\n');
    for (const f of [o.profile, o.metadata, path.join(root, 'bench', 'crunch', 'latest.json'), path.join(root, 'report', 'index.html'), path.join(root, 'report', 'report.md')]) assert.ok(files.includes(f ?? ''), f);
    for (const f of files) assert.ok(f.startsWith(`${root}${path.sep}`) && fs.existsSync(f), f);
    assert.equal(o.report, path.join(root, 'report', 'report.md'));
    assert.ok(r.summary.includes(fs.readFileSync(o.report, 'utf8').trim()), 'report.md is in the job summary');
    assert.match(r.summary, /^## crunch$/m);
  });

  it('a failing phase: its exit code, an annotation with the meaning, the error and the fix, and the report of what is there', () => {
    const ws = copyWorkspace(path.join(REPO, 'test', 'fixtures', 'unit-tests-only'), 'pgo-action-fail-');
    const r = runPgo(ws, { PGO_PHASES: 'pipeline bench' });
    assert.equal(r.status, 7, r.stdout);
    const annotation = r.stdout.split('\n').find((l) => l.startsWith('::error '));
    assert.match(annotation ?? '', /^::error title=pgo pipeline failed%3A exit 7 \(the workload's profile cannot help the shipped binaries/);
    assert.match(annotation ?? '', /::error: the default workload \(cargo test --release\) ran no code of wordfreq.*%0Afix: add a workload/);
    assert.ok(!r.stdout.includes('::group::pgo bench'), 'the run stops at the failure');
    assert.equal(r.outputs['exit-code'], '7');
    assert.match(r.summary, /^### ✖ pgo pipeline failed — exit code 7: /m);
    assert.match(r.summary, /^# Is it faster\? PGO report$/m);
    // No profile and no binaries; the report and last-run.json (which phase failed, why) are uploaded.
    assert.equal(r.outputs.profile, '');
    assert.equal(r.outputs['binaries-artifact'], '');
    const root = path.join(ws, 'target', 'pgo');
    assert.deepEqual(r.outputs['profile-files']?.split('\n'), [path.join(root, 'report', 'index.html'), path.join(root, 'report', 'report.md'), path.join(root, 'last-run.json')]);
  });

  it('bad input fails with exit 2 and the reason, before or without a build', () => {
    const ws = copyWorkspace(path.join(REPO, 'test', 'fixtures', 'tiny-app'), 'pgo-action-bad-');
    for (const [inputs, reason] of [
      [{ PGO_PHASES: '' }, /phases is empty/],
      [{ PGO_PHASES: 'restore' }, /restore cannot run as a phase/],
      [{ PGO_PHASES: 'pipeline --json' }, /--json cannot run as a phase; options go into the args input/],
      [{ PGO_SIZE: 'lots' }, /size must be a whole number ≥ 1, got "lots"/],
      // The CLI decides what a command is: its own message, with the nearest command.
      [{ PGO_PHASES: 'pipline' }, /exit 2 \(bad usage or pgo.yaml\)::error: unknown command "pipline"%0Afix: did you mean "pipeline"\?/],
      [{ PGO_COMPONENT: 'nope', PGO_PHASES: 'instrument' }, /error: no component "nope"/],
    ] as const) {
      const r = runPgo(ws, inputs);
      assert.equal(r.status, 2, JSON.stringify(inputs));
      assert.match(r.stdout, reason);
      assert.equal(r.outputs.report, undefined, 'no report after bad input');
    }
    assert.ok(!fs.existsSync(path.join(ws, 'target')), 'nothing was built');
  });

  it("every step output action.yml reads is one the scripts write, and every script it runs exists", () => {
    const action = parse(fs.readFileSync(path.join(REPO, 'action.yml'), 'utf8')) as { runs: { steps: { id?: string; run?: string }[] } };
    const text = fs.readFileSync(path.join(REPO, 'action.yml'), 'utf8');
    // The outputs written by the runs above (install, and run on success).
    const written: Record<string, Set<string>> = { cli: new Set(Object.keys(cliStep.outputs)) };
    const ws = copyWorkspace(path.join(REPO, 'test', 'fixtures', 'tiny-app'), 'pgo-action-outputs-');
    written.run = new Set(Object.keys(runPgo(ws, { PGO_PHASES: 'doctor' }).outputs));
    const full = runPgo(ws, { PGO_PHASES: 'report' });
    for (const k of Object.keys(full.outputs)) written.run.add(k);
    const read = [...text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)];
    assert.ok(read.length > 10);
    for (const [ref, id = '', name = ''] of read) assert.ok(written[id]?.has(name), `${ref} is never written`);
    for (const s of action.runs.steps) {
      for (const [, script = ''] of (s.run ?? '').matchAll(/\$GITHUB_ACTION_PATH\/([\w./-]+)/g)) assert.ok(fs.existsSync(path.join(REPO, script)), script);
    }
  });
});
