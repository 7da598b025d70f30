import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { CLI, EXAMPLE, REPO, copyWorkspace, matchedProfdata, run } from './e2e-helpers';

/**
 * The GitLab template (docs/ci/gitlab/pgo-fan-out.yml) run for real on this machine by
 * gitlab-ci-local's shell executor (--shell-isolation: each job in its own copy of the repository,
 * artifacts passed between jobs as GitLab does): two workload jobs from `parallel: matrix`, the
 * weighted merge, the optimized build — on a copy of the example, with `pgo` on PATH being this
 * repository's dist/cli.js. Needs git and rsync (gitlab-ci-local copies the repository with it).
 */
describe('GitLab template through gitlab-ci-local (shell executor, offline)', function () {
  this.timeout(30 * 60_000);
  let repo = '';
  const matrix = [
    { workload: 'import-training-set', weight: 3 },
    { workload: 'import-seed-11', weight: 1 },
  ];

  before(function () {
    for (const tool of ['git', 'rsync']) {
      assert.equal(spawnSync(tool, ['--version']).status, 0, `${tool} is needed by gitlab-ci-local: install it (e.g. apt-get install ${tool})`);
    }
    repo = copyWorkspace(EXAMPLE, 'pgo-gitlab-ci-local-');
    // A second workload for the matrix.
    const config = parseDocument(fs.readFileSync(path.join(repo, 'pgo.yaml'), 'utf8'));
    config.addIn(['components', 'pipeline', 'workloads'], { name: 'import-seed-11', command: ['{bin:midi-import}', '500', '--seed', '11'] });
    fs.writeFileSync(path.join(repo, 'pgo.yaml'), config.toString());
    fs.mkdirSync(path.join(repo, 'docs', 'ci', 'gitlab'), { recursive: true });
    fs.copyFileSync(path.join(REPO, 'docs', 'ci', 'gitlab', 'pgo-fan-out.yml'), path.join(repo, 'docs', 'ci', 'gitlab', 'pgo-fan-out.yml'));
    fs.writeFileSync(
      path.join(repo, '.gitlab-ci.yml'),
      [
        'include:',
        '  - local: docs/ci/gitlab/pgo-fan-out.yml',
        'variables:',
        '  PGO_COMPONENT: pipeline',
        '  PGO_CLI_PACKAGE: ""        # pgo is on PATH: this repository\'s dist/cli.js',
        '  PGO_RUSTUP_LLVM_TOOLS: "false"',
        'pgo-workload:',
        '  parallel:',
        '    matrix:',
        ...matrix.flatMap((m) => [`      - PGO_WORKLOAD: ${m.workload}`, `        PGO_WEIGHT: "${m.weight}"`]),
        '',
      ].join('\n'),
    );
    fs.writeFileSync(path.join(repo, '.gitignore'), 'target/\n.gitlab-ci-local/\n');
    const shim = path.join(repo, '..', `${path.basename(repo)}-bin`);
    fs.mkdirSync(shim);
    fs.writeFileSync(path.join(shim, 'pgo'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} "$@"\n`, { mode: 0o755 });
    process.env.PGO_TEST_SHIM = shim;
    const git = (...args: string[]): string => run('git', ['-c', 'user.name=pgo', '-c', 'user.email=pgo@example.invalid', ...args], { cwd: repo });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'example with the PGO fan-out template');
  });
  after(() => {
    if (repo) fs.rmSync(repo, { recursive: true, force: true });
    if (process.env.PGO_TEST_SHIM) fs.rmSync(process.env.PGO_TEST_SHIM, { recursive: true, force: true });
  });

  it('runs the matrix workload jobs, the weighted merge and the optimized build', () => {
    const shim = process.env.PGO_TEST_SHIM ?? '';
    const r = spawnSync(
      process.execPath,
      // core-js: gitlab-ci-local uses Node 22's Set methods; Node 20 gets them from it.
      ['--require', require.resolve('core-js/actual/set'), path.join(REPO, 'node_modules', 'gitlab-ci-local', 'dist', 'index.js'), '--shell-isolation', '--no-artifacts-to-source', '--concurrency', '1', '--no-color', '--home', path.join(repo, '.gitlab-ci-local', 'home')],
      { cwd: repo, encoding: 'utf8', env: { ...process.env, PATH: `${shim}${path.delimiter}${process.env.PATH ?? ''}` }, maxBuffer: 256 << 20 },
    );
    const output = `${r.stdout}\n${r.stderr}`;
    assert.equal(r.status, 0, output.slice(-6000));
    for (const m of matrix) assert.match(output, new RegExp(`PASS +pgo-workload: \\[${m.workload},${m.weight}\\]`), output.slice(-3000));
    for (const job of ['pgo-merge', 'pgo-optimize']) assert.match(output, new RegExp(`PASS +${job}\\b`));
    // Each job's profiles matched the merge job's own instrumented build (built in another folder).
    for (const m of matrix) assert.match(output, new RegExp(`added \\S+/profiles/${m.workload}/? \\(1 file\\(s\\), weight ${m.weight}\\): (\\d+) of its \\1 functions match`));

    // The merged profile equals one llvm-profdata merge of the jobs' artifacts with their weights.
    const artifacts = path.join(repo, '.gitlab-ci-local', 'artifacts');
    const uploaded = fs.readdirSync(artifacts).filter((d) => d.startsWith('pgo-workload'));
    assert.equal(uploaded.length, matrix.length, uploaded.join(', '));
    const weighted = matrix.flatMap((m) => {
      const dir = uploaded.map((d) => path.join(artifacts, d, 'profiles', m.workload)).find((d) => fs.existsSync(d)) ?? '';
      const weight = fs.readFileSync(path.join(dir, 'weight'), 'utf8').trim();
      assert.equal(weight, String(m.weight));
      return fs.readdirSync(dir).filter((f) => f.endsWith('.profraw')).map((f) => `--weighted-input=${weight},${path.join(dir, f)}`);
    });
    assert.equal(weighted.length, matrix.length);
    const profdata = matchedProfdata(repo);
    const reference = path.join(repo, 'reference.profdata');
    run(profdata, ['merge', ...weighted, '-o', reference]);
    const restored = path.join(repo, 'restored');
    fs.mkdirSync(restored);
    run('tar', ['-xzf', path.join(artifacts, 'pgo-merge', 'pgo-profile.tar.gz'), '-C', restored]);
    // The same counts for every function (the bytes depend on the order of the inputs: the merge
    // job takes the folders alphabetically).
    const show = (file: string): string => run(profdata, ['show', '--all-functions', '--counts', file]);
    const merged = show(path.join(restored, 'pipeline', 'pipeline.profdata'));
    assert.match(merged, /Total functions: [1-9]/);
    assert.equal(merged, show(reference));

    // The optimize job's artifact: the profile-guided binary, which runs.
    const binary = path.join(artifacts, 'pgo-optimize', 'optimized', 'midi-import');
    assert.ok(fs.existsSync(binary), fs.readdirSync(path.join(artifacts, 'pgo-optimize')).join(', '));
    assert.match(run(binary, ['50', '--seed', '3']), /checksum: \w+/);
    assert.match(output, /pgo-optimize .*✔ optimize pipeline in .* — profile applied: not measured \(no instrumented build here\)/);
  });
});
