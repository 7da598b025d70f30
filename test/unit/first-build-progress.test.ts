import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FIRST_BUILD_STEPS, firstBuildProgress, mergeProgress, type FirstBuildProgress } from '../../src/core/commands/first-build-progress';
import { parseConfig } from '../../src/core/config/load-config';
import { resolveProject } from '../../src/core/config/resolve-project';
import { ArtifactLayout } from '../../src/core/pipeline/artifact-layout';
import { defaultArchiveName } from '../../src/core/pipeline/profile-archive';
import { writeBenchResults } from '../../src/core/bench/results-store';
import { midiWorkspace } from './fixtures';
import { sampleResults } from './sample-bench-results';
import { tempDir } from './helpers';

const CONFIG = `components:\n  pipeline:\n    packages: [pipeline]\n    workloads:\n      - command: ["{bin:midi-import}", "100"]\n`;

function progress(root: string, yaml: string | undefined, doctorPassed?: boolean): FirstBuildProgress {
  // As loadConfig reads it: without the file there is no `file`.
  const parsed = yaml === undefined ? { config: parseConfig('', path.join(root, 'pgo.yaml')).config, locations: {} } : parseConfig(yaml, path.join(root, 'pgo.yaml'));
  const project = resolveProject(midiWorkspace(root), parsed);
  return firstBuildProgress({ project, layout: new ArtifactLayout(project.artifactRoot), doctorPassed });
}

const done = (p: FirstBuildProgress): string[] => FIRST_BUILD_STEPS.filter((s) => p[s]);

describe('the first-build walkthrough steps, from what exists', () => {
  it('nothing is done in a workspace without pgo.yaml, profile or check', () => {
    assert.deepEqual(done(progress(tempDir(), undefined)), []);
  });

  it('a pgo.yaml naming a component, then a workload for it, then a passed check', () => {
    const root = tempDir();
    assert.deepEqual(done(progress(root, 'components:\n  pipeline:\n    packages: [pipeline]\n')), ['component'], 'components named, default workload');
    assert.deepEqual(done(progress(root, CONFIG)), ['component', 'workload']);
    assert.deepEqual(done(progress(root, CONFIG, false)), ['component', 'workload'], 'a failed check is not done');
    assert.deepEqual(done(progress(root, CONFIG, true)), ['prerequisites', 'component', 'workload']);
  });

  it('a profile; its optimized build while the binaries exist; bench results; a dated archive in the root', () => {
    const root = tempDir();
    const dir = path.join(root, 'target', 'pgo', 'pipeline');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'pipeline.profdata'), 'profile');
    const meta = { schema: 1, component: 'pipeline', applied: { optimizedBinaries: [] as string[] } };
    fs.writeFileSync(path.join(dir, 'pipeline.profdata.json'), JSON.stringify(meta));
    assert.deepEqual(done(progress(root, CONFIG)), ['component', 'workload', 'profile']);

    const bin = path.join(dir, 'optimized', 'midi-import');
    meta.applied.optimizedBinaries = [bin];
    fs.writeFileSync(path.join(dir, 'pipeline.profdata.json'), JSON.stringify(meta));
    assert.equal(progress(root, CONFIG).summary, false, 'the recorded binary is gone');
    fs.mkdirSync(path.dirname(bin), { recursive: true });
    fs.writeFileSync(bin, 'elf');
    assert.equal(progress(root, CONFIG).summary, true);

    const bench = path.join(root, 'target', 'pgo', 'bench', 'pipeline');
    fs.mkdirSync(bench, { recursive: true });
    fs.writeFileSync(path.join(bench, 'latest.json'), JSON.stringify({ version: 0 }));
    assert.equal(progress(root, CONFIG).compared, false, 'results of another format are not read');
    writeBenchResults(path.join(root, 'target', 'pgo'), sampleResults({ component: 'pipeline' }));
    assert.equal(progress(root, CONFIG).compared, true);

    fs.writeFileSync(path.join(root, 'pgo-profiles.tar.gz'), '');
    assert.equal(progress(root, CONFIG).archived, false, 'not a name the archive command gives');
    fs.writeFileSync(path.join(root, defaultArchiveName(new Date(), 3)), '');
    assert.equal(progress(root, CONFIG).archived, true);
  });

  it('with several workspaces, a step is done when one of them did it', () => {
    const none = Object.fromEntries(FIRST_BUILD_STEPS.map((s) => [s, false])) as FirstBuildProgress;
    assert.deepEqual(done(mergeProgress([none, { ...none, profile: true }, { ...none, archived: true }])), ['profile', 'archived']);
    assert.deepEqual(done(mergeProgress([])), []);
  });
});
