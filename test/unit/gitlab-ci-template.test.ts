import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';

const REPO = path.resolve(__dirname, '..', '..', '..');
const TEMPLATE = path.join(REPO, 'docs', 'ci', 'gitlab', 'pgo-fan-out.yml');

/**
 * gitlab-ci-local (devDependency) expands a .gitlab-ci.yml as GitLab does (include, extends,
 * parallel: matrix) and validates the result with ajv against GitLab's published CI schema
 * (gitlab-org/gitlab app/assets/javascripts/editor/schema/ci.json, bundled in it); `--list` stops
 * there. It needs Node 22's Set methods: core-js provides them on Node 20.
 */
function gitlabCiLocalList(dir: string): { status: number | null; output: string } {
  const r = spawnSync(
    process.execPath,
    ['--require', require.resolve('core-js/actual/set'), path.join(REPO, 'node_modules', 'gitlab-ci-local', 'dist', 'index.js'), '--list', '--no-color', '--home', path.join(dir, '.home')],
    { cwd: dir, encoding: 'utf8' },
  );
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

/** A git repository holding the template at its documented path and this .gitlab-ci.yml. */
function project(gitlabCi: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgo-gitlab-schema-'));
  fs.mkdirSync(path.join(dir, 'docs', 'ci', 'gitlab'), { recursive: true });
  fs.copyFileSync(TEMPLATE, path.join(dir, 'docs', 'ci', 'gitlab', 'pgo-fan-out.yml'));
  fs.writeFileSync(path.join(dir, '.gitlab-ci.yml'), gitlabCi);
  // Local includes are read from the repository's committed files, as on GitLab.
  for (const args of [['init', '-q'], ['add', '-A'], ['-c', 'user.name=pgo', '-c', 'user.email=pgo@example.invalid', 'commit', '-qm', 'ci']]) {
    const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, `git ${args.join(' ')} (git is needed): ${r.stderr}`);
  }
  return dir;
}

/** The including .gitlab-ci.yml the template's header and the README show. */
const INCLUDING = `include:
  - local: docs/ci/gitlab/pgo-fan-out.yml
variables:
  PGO_COMPONENT: pipeline
pgo-workload:
  parallel:
    matrix:
      - PGO_WORKLOAD: import-training-set
        PGO_WEIGHT: "3"
      - PGO_WORKLOAD: import-large-files
        PGO_WEIGHT: "1"
`;

describe("GitLab template (docs/ci/gitlab/pgo-fan-out.yml) against GitLab's CI schema", function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  const make = (yml: string): string => {
    const d = project(yml);
    dirs.push(d);
    return d;
  };
  after(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('an including .gitlab-ci.yml, expanded with the template, is valid, with a workload job per matrix entry', () => {
    const r = gitlabCiLocalList(make(INCLUDING));
    assert.equal(r.status, 0, r.output);
    assert.match(r.output, /json schema validated/);
    for (const job of ['pgo-workload: \\[import-training-set,3\\]', 'pgo-workload: \\[import-large-files,1\\]', 'pgo-merge .*\\[pgo-workload\\]', 'pgo-optimize .*\\[pgo-merge\\]']) {
      assert.match(r.output, new RegExp(job), r.output);
    }
  });

  it('the template alone is a valid pipeline too', () => {
    const r = gitlabCiLocalList(make(fs.readFileSync(TEMPLATE, 'utf8')));
    assert.equal(r.status, 0, r.output);
  });

  it('fans out with parallel: matrix, and every artifact expires', () => {
    const template = parse(fs.readFileSync(TEMPLATE, 'utf8')) as Record<string, { script?: unknown; parallel?: { matrix?: unknown[] }; artifacts?: { expire_in?: string } }>;
    const jobs = Object.entries(template).filter(([, v]) => typeof v === 'object' && v !== null && 'script' in v);
    assert.deepEqual(jobs.map(([k]) => k), ['pgo-workload', 'pgo-merge', 'pgo-optimize']);
    assert.ok(Array.isArray(template['pgo-workload']?.parallel?.matrix));
    for (const [name, job] of jobs) assert.match(String(job.artifacts?.expire_in), /^\d+ (hour|day|week)s?$/, name);
  });

  it('the check can fail: a misspelt key or a matrix that is not a list is named', () => {
    const typo = gitlabCiLocalList(make(`${INCLUDING}pgo-merge:\n  artifact:\n    paths: [x]\n`));
    assert.notEqual(typo.status, 0, typo.output);
    assert.match(typo.output, /'artifact' property is not expected to be here at pgo-merge/);
    const matrix = gitlabCiLocalList(make(INCLUDING.replace(/    matrix:\n[\s\S]*$/, '    matrix: import-training-set\n')));
    assert.notEqual(matrix.status, 0, matrix.output);
  });
});
