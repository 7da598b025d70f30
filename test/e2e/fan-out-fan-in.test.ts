import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ProfileMetadata } from '../../src/core/pipeline/profile-metadata';
import { copyWorkspace, matchedProfdata, REPO, run, runCli, rustcFacts } from './e2e-helpers';

/**
 * CI fan-out and fan-in without a CI service: eight workload "jobs" (separate processes and
 * folders; one of them on a second checkout at another path with its own instrumented build, as
 * a job on another runner), one merge of all their uploads with weights, one optimized build.
 * The merged profile must equal a single llvm-profdata merge of the same inputs and weights.
 */
describe('CI fan-out and fan-in: 8 workload jobs, one weighted merge, one optimized build', function () {
  this.timeout(20 * 60_000);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgo-fanout-'));
  const jobs = [
    { name: 'lines-50', arg: '50', weight: 1 },
    { name: 'lines-400', arg: '400', weight: 2 },
    { name: 'lines-1000', arg: '1000', weight: 1 },
    { name: 'lines-3000', arg: '3000', weight: 3 },
    { name: 'lines-7', arg: '7', weight: 1 },
    { name: 'lines-250', arg: '250', weight: 5 },
    { name: 'usage', arg: undefined, weight: 1 },
    { name: 'lines-1500', arg: '1500', weight: 2 },
  ];
  const pgoYaml =
    'version: 1\ncomponents:\n  realworld:\n    packages: [realworld]\n    workloads:\n' +
    jobs.map((j) => `      - name: ${j.name}\n        command: ["{bin:realworld}"${j.arg ? `, "${j.arg}"` : ''}]\n`).join('');
  const checkout = (name: string): string => {
    const ws = copyWorkspace(path.join(REPO, 'test', 'fixtures', 'realworld'), `pgo-fanout-${name}-`);
    fs.writeFileSync(path.join(ws, 'pgo.yaml'), pgoYaml);
    return ws;
  };
  const runners: string[] = [];
  const uploads = path.join(root, 'uploads');
  const ok = (r: ReturnType<typeof runCli>): ReturnType<typeof runCli> => {
    assert.equal(r.status, 0, r.output);
    return r;
  };

  after(() => {
    for (const dir of [root, ...runners]) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs the jobs, merges their uploads with weights, and builds with the result', () => {
    // Two runners: the last job checks out at another path and builds its own instrumented binaries.
    const [first, second] = [checkout('runner-a'), checkout('runner-b')];
    runners.push(first, second);
    for (const ws of [first, second]) ok(runCli(['instrument', '--workspace', ws]));
    for (const [i, job] of jobs.entries()) {
      const ws = i === jobs.length - 1 ? second : first;
      const r = ok(runCli(['workload', '--workspace', ws, '--only', job.name, '--profile-dir', path.join(uploads, job.name)]));
      assert.match(r.stdout, new RegExp(`workload "${job.name}": \\d+ raw profile`));
      for (const other of jobs.filter((o) => o !== job)) assert.ok(!r.stdout.includes(`workload "${other.name}"`), `${other.name} ran in ${job.name}'s job`);
      const files = fs.readdirSync(path.join(uploads, job.name)).filter((f) => f.endsWith('.profraw'));
      assert.equal(files.length, 1, `${job.name}: ${files.join(', ')}`);
      assert.ok(files[0]?.startsWith(`${job.name}-`), files[0]);
    }

    // The merge job: a third checkout, its own instrumented build (to check the uploads against),
    // no workload run of its own.
    const merger = checkout('merge');
    runners.push(merger);
    ok(runCli(['instrument', '--workspace', merger]));
    const addArgs = jobs.flatMap((j) => ['--add', path.join(uploads, j.name), '--weight', String(j.weight)]);
    const merged = ok(runCli(['merge', '--workspace', merger, ...addArgs]));
    const pgoDir = path.join(merger, 'target', 'pgo', 'realworld');
    const meta = JSON.parse(fs.readFileSync(path.join(pgoDir, 'realworld.profdata.json'), 'utf8')) as ProfileMetadata;
    assert.equal(meta.added?.length, 8, merged.output);
    // Same sources, toolchain and flags: every job's functions (the other runner's too) match the
    // merge job's instrumented build, so none is named foreign.
    for (const a of meta.added ?? []) assert.ok(a.matched !== undefined && a.matched === a.functions && a.functions > 0, JSON.stringify(a));
    assert.ok(!merged.stdout.includes('is from another build'), merged.output);
    assert.equal(meta.totalCount, (meta.added ?? []).reduce((n, a) => n + a.weight * a.totalCount, 0));

    // The reference: one llvm-profdata merge of the same files with the same weights, by hand.
    const profdata = matchedProfdata(merger);
    const version = run(profdata, ['--version']);
    assert.match(version, new RegExp(`LLVM version ${rustcFacts().llvmMajor}\\.`), version);
    const weighted = jobs.flatMap((j) =>
      fs
        .readdirSync(path.join(uploads, j.name))
        .filter((f) => f.endsWith('.profraw'))
        .map((f) => `--weighted-input=${j.weight},${path.join(uploads, j.name, f)}`),
    );
    const reference = path.join(root, 'reference.profdata');
    run(profdata, ['merge', ...weighted, '-o', reference]);
    const show = (file: string): string => run(profdata, ['show', '--all-functions', '--counts', file]);
    const fanIn = show(path.join(pgoDir, 'realworld.profdata'));
    assert.match(fanIn, /Total functions: [1-9]/);
    assert.equal(fanIn, show(reference));
    // Inputs in the same order as the --add options: the same bytes too.
    assert.deepEqual(fs.readFileSync(path.join(pgoDir, 'realworld.profdata')), fs.readFileSync(reference));

    // The optimize job: the merged profile applied to the shipped binary.
    const o = ok(runCli(['optimize', '--workspace', merger, '--json']));
    const [outcome] = JSON.parse(o.stdout) as { optimized?: { binaries: { path: string }[]; applied: { applied: number } } }[];
    assert.ok((outcome?.optimized?.applied.applied ?? 0) > 0, o.output);
    const binary = outcome?.optimized?.binaries[0]?.path ?? '';
    assert.match(run(binary, ['3']), /\w+ \d+/);
  });

  it('names a workload the component does not have, before any build', () => {
    const ws = checkout('typo');
    runners.push(ws);
    const r = runCli(['pipeline', '--workspace', ws, '--only', 'lines-5O']);
    assert.equal(r.status, 2, r.output);
    assert.match(r.stderr, /no workload named "lines-5O"/);
    assert.match(r.stderr, /did you mean "lines-50"\?/);
    assert.ok(!fs.existsSync(path.join(ws, 'target', 'pgo', 'realworld', 'instrumented')), 'built before checking the name');
  });
});
