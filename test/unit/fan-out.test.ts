import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseCliArgs } from '../../src/cli/cli-args';
import { ExitCode, PgoError } from '../../src/core/errors';
import type { ResolvedComponent } from '../../src/core/config/resolve-project';
import { selectWorkloads } from '../../src/core/pipeline/workload-selection';
import { EXPORT_MARKER, exportRunProfiles } from '../../src/core/pipeline/profile-export';
import type { WorkloadRun } from '../../src/core/pipeline/workload-phase';

/** CI fan-out: one workload per job (`--only`), its raw profiles in a folder of its own (`--profile-dir`). */
describe('fan-out: --only and --profile-dir', () => {
  const component = {
    name: 'pipeline',
    workloads: [
      { name: 'import-small', command: ['a'] },
      { name: 'import-large', command: ['b'] },
      { name: 'render', command: ['c'] },
    ],
  } as unknown as ResolvedComponent;

  it('parses --only (repeatable, comma-separated) and --profile-dir for workload and pipeline only', () => {
    const a = parseCliArgs(['workload', 'pipeline', '--only', 'import-small,render', '--only=import-large', '--profile-dir', 'profiles/job-1'], '/cwd');
    assert.deepEqual(a.only, ['import-small', 'render', 'import-large']);
    assert.equal(a.profileDir, 'profiles/job-1');
    assert.deepEqual(parseCliArgs(['pipeline', '--only', 'render'], '/').only, ['render']);
    const wrong = (argv: string[], re: RegExp): void =>
      assert.throws(() => parseCliArgs(argv, '/'), (e: unknown) => e instanceof PgoError && e.code === ExitCode.Usage && re.test(e.message) && (e.fix ?? '').length > 0);
    wrong(['merge', '--only', 'render'], /--only belongs to workload \(or pipeline\), not merge/);
    wrong(['optimize', '--profile-dir', 'x'], /--profile-dir belongs to workload/);
    wrong(['workload', '--only', ','], /--only needs a workload name/);
  });

  it('selects the named workloads in pgo.yaml order, all without --only, and names a misspelt one', () => {
    assert.deepEqual(selectWorkloads(component, undefined).map((w) => w.name), ['import-small', 'import-large', 'render']);
    assert.deepEqual(selectWorkloads(component, ['render', 'import-small']).map((w) => w.name), ['import-small', 'render']);
    assert.throws(
      () => selectWorkloads(component, ['rendr']),
      (e: unknown) => e instanceof PgoError && e.code === ExitCode.Usage && /no workload named "rendr"/.test(e.message) && /did you mean "render"\?/.test(e.fix ?? '') && /import-small, import-large, render/.test(e.fix ?? ''),
    );
  });

  it('copies a run\'s raw profiles flat into the folder, named by workload, with the run\'s record', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgo-export-'));
    try {
      const cmdDir = (n: string): string => {
        const d = path.join(root, 'run', n);
        fs.mkdirSync(d, { recursive: true });
        return d;
      };
      const small = cmdDir('import-small');
      const render = cmdDir('render');
      fs.writeFileSync(path.join(small, '11-a.profraw'), 'one');
      fs.writeFileSync(path.join(render, '12-b.profraw'), 'two');
      fs.writeFileSync(path.join(render, 'command.profdata'), 'not raw');
      const run: WorkloadRun = {
        runId: 'r1',
        component: 'pipeline',
        fingerprint: 'f',
        sourceHash: 's',
        size: 3,
        finishedAt: 'now',
        commands: [
          { name: 'import-small', command: ['a'], durationMs: 1, rawFiles: 1, rawDir: small },
          { name: 'render', command: ['c'], durationMs: 1, rawFiles: 1, rawDir: render },
        ],
      };
      const out = path.join(root, 'profiles', 'job-1');
      const first = exportRunProfiles(run, out);
      assert.deepEqual(first.files.map((f) => path.basename(f)), ['import-small-11-a.profraw', 'render-12-b.profraw']);
      assert.equal(first.earlier, 0);
      assert.equal(fs.readFileSync(path.join(out, 'render-12-b.profraw'), 'utf8'), 'two');
      const record = JSON.parse(fs.readFileSync(path.join(out, EXPORT_MARKER), 'utf8')) as WorkloadRun;
      assert.equal(record.fingerprint, 'f');
      assert.equal(record.commands[0]?.rawDir, undefined); // a path on the job's machine means nothing elsewhere
      // A second run into the same folder is told about the first one's files.
      fs.writeFileSync(path.join(out, 'older.profraw'), 'x');
      assert.equal(exportRunProfiles(run, out).earlier, 1);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
