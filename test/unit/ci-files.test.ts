import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { validateAction, validateWorkflow, type ValidationState } from '@action-validator/core';
import { parse, parseAllDocuments } from 'yaml';
import { ExitCode } from '../../src/core/errors';

/** out/test/unit → the repository. */
const REPO = path.resolve(__dirname, '..', '..', '..');
const ACTION = path.join(REPO, 'action.yml');

function problems(state: ValidationState): string {
  return JSON.stringify(state.errors, null, 2);
}

/** GitHub workflow files under docs/ci/ (GitLab's templates live there too and are not GitHub's). */
function githubWorkflows(): string[] {
  const dir = path.join(REPO, 'docs', 'ci');
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => /\.ya?ml$/.test(f) && !/gitlab/i.test(f))
    .map((f) => path.join(dir, f))
    .filter((f) => {
      // GitLab CI components are two documents (spec, then jobs); a GitHub workflow is one, with jobs.
      const docs = parseAllDocuments(fs.readFileSync(f, 'utf8'));
      const doc = Array.isArray(docs) && docs.length === 1 ? (docs[0]?.toJS() as unknown) : undefined;
      return doc !== null && typeof doc === 'object' && 'jobs' in doc;
    });
}

interface ActionFile {
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { description: string; value: string }>;
}

describe('CI files: the GitHub Action and the sample workflows', () => {
  it('action.yml is a valid action (@action-validator)', () => {
    const state = validateAction(fs.readFileSync(ACTION, 'utf8'));
    assert.equal(state.actionType, 'action');
    assert.deepEqual(state.errors, [], problems(state));
  });

  it('the validator refuses a broken action and a broken workflow (so the checks here can fail)', () => {
    const action = fs.readFileSync(ACTION, 'utf8');
    assert.notDeepEqual(validateAction(action.replace('using: composite', 'using: compost')).errors, []);
    assert.notDeepEqual(validateWorkflow('on: push\njobs:\n  a:\n    runs_on: ubuntu-latest\n    steps: []\n').errors, []);
  });

  it('every GitHub workflow under docs/ci/ is valid, and its `with:` for this action names only its inputs', () => {
    const workflows = githubWorkflows();
    assert.ok(workflows.some((f) => path.basename(f) === 'github-pgo.yml'), 'the sample that uses the action');
    const inputs = Object.keys((parse(fs.readFileSync(ACTION, 'utf8')) as ActionFile).inputs);
    for (const file of workflows) {
      const text = fs.readFileSync(file, 'utf8');
      const state = validateWorkflow(text);
      assert.deepEqual(state.errors, [], `${path.relative(REPO, file)}: ${problems(state)}`);
      const jobs = (parse(text) as { jobs: Record<string, { steps?: { uses?: string; with?: Record<string, unknown> }[] }> }).jobs;
      for (const s of Object.values(jobs).flatMap((j) => j.steps ?? [])) {
        if (!s.uses || !/(^|\/)rust-pgo@|^\.\/?$/.test(s.uses)) continue;
        for (const key of Object.keys(s.with ?? {})) assert.ok(inputs.includes(key), `${path.relative(REPO, file)}: "${key}" is not an input of action.yml`);
      }
    }
  });

  it('the action-validator command accepts action.yml (`npx action-validator action.yml`)', () => {
    const r = spawnSync(process.execPath, [path.join(REPO, 'node_modules', '@action-validator', 'cli', 'cli.mjs'), ACTION], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });

  /** What an expression over the action script's exports gives (an ES module: a child node imports it). */
  function fromActionScript(expression: string): unknown {
    const script = pathToFileURL(path.join(REPO, 'scripts', 'github-action', 'run-pgo.mjs')).href;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', `import * as m from ${JSON.stringify(script)}; console.log(JSON.stringify(${expression}))`], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout);
  }

  it("the action's script knows every exit code of the CLI", () => {
    const codes = Object.values(ExitCode).filter((v): v is number => typeof v === 'number' && v !== ExitCode.Ok);
    assert.deepEqual((fromActionScript('Object.keys(m.EXIT_MEANINGS)') as string[]).map(Number).sort((a, b) => a - b), codes.sort((a, b) => a - b));
  });

  it("the action's args go to every command, but merge's and workload's own options only to them (and pipeline)", () => {
    const extra = JSON.stringify(['--add', 'ci/', '--weight', '3', '--runs', '10', '--only=a', '--profile-dir', 'p', '--rustflag', '-Cx', '--add=y']);
    const kept = fromActionScript(`Object.fromEntries(['merge', 'workload', 'bench', 'pipeline'].map((p) => [p, m.extraFor(p, ${extra})]))`);
    assert.deepEqual(kept, {
      merge: ['--add', 'ci/', '--weight', '3', '--runs', '10', '--rustflag', '-Cx', '--add=y'],
      workload: ['--runs', '10', '--only=a', '--profile-dir', 'p', '--rustflag', '-Cx'],
      bench: ['--runs', '10', '--rustflag', '-Cx'],
      pipeline: JSON.parse(extra),
    });
  });

  it("the README documents every input and output of the action; the CLI package has the extension's version and no dependencies", () => {
    const action = parse(fs.readFileSync(ACTION, 'utf8')) as ActionFile;
    const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
    for (const name of [...Object.keys(action.inputs), ...Object.keys(action.outputs)]) assert.ok(readme.includes(`\`${name}\``), `README.md: ${name}`);
    const root = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
    const cli = JSON.parse(fs.readFileSync(path.join(REPO, 'packages', 'cli', 'package.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(cli.version, root.version);
    assert.equal(cli.name, 'rust-pgo-cli');
    assert.deepEqual(cli.bin, { pgo: 'dist/cli.js' });
    assert.equal(cli.dependencies, undefined);
  });
});
