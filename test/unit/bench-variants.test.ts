import assert from 'node:assert/strict';
import * as path from 'node:path';
import { parseConfig } from '../../src/core/config/load-config';
import { resolveProject } from '../../src/core/config/resolve-project';
import { ArtifactLayout } from '../../src/core/pipeline/artifact-layout';
import type { BuildContext } from '../../src/core/pipeline/engine-context';
import { silentReporter } from '../../src/core/pipeline/reporter';
import { settingsDiff, variantContext } from '../../src/core/bench/variant-builds';
import { VariantLayout } from '../../src/core/bench/variant-layout';
import { midiWorkspace } from './fixtures';

function context(yaml: string): BuildContext {
  const project = resolveProject(midiWorkspace(), parseConfig(yaml, '/ws/pgo.yaml'));
  return {
    project,
    layout: new ArtifactLayout(project.artifactRoot),
    reporter: silentReporter,
    rustc: { version: '1.95.0', versionLine: 'rustc 1.95.0', host: 'x86_64-unknown-linux-gnu', llvmVersion: '22.1.2', llvmMajor: 22 },
    cargoRustflags: { flags: [], sources: [], shadowed: [], dropped: [], skipped: [] },
  };
}

describe('bench variants', () => {
  const yaml = 'build: { debug: limited }\ncomponents:\n  p:\n    packages: [pipeline]\n';

  it('the pgo variant with build:\'s settings is the pipeline\'s own profile and optimized build', () => {
    const ctx = context(yaml);
    const c = ctx.project.components[0]!;
    const pgo = variantContext(ctx, ctx.project.variants.find((v) => v.name === 'pgo')!, c);
    assert.equal(pgo.ctx.layout, ctx.layout);
    assert.equal(pgo.ctx.layout.profdata('p'), path.join(ctx.layout.root, 'p', 'p.profdata'));
    assert.deepEqual(settingsDiff(ctx.project.build, pgo.settings), {});
  });

  it('every other variant has its own target dirs and profile under variants/<name>', () => {
    const ctx = context(yaml);
    const c = ctx.project.components[0]!;
    const ltoPgo = variantContext(ctx, ctx.project.variants.find((v) => v.name === 'lto+pgo')!, c);
    assert.ok(ltoPgo.ctx.layout instanceof VariantLayout);
    const dir = path.join(ctx.layout.root, 'p', 'variants', 'lto+pgo');
    assert.equal(ltoPgo.ctx.layout.profdata('p'), path.join(dir, 'p.profdata'));
    assert.equal(ltoPgo.ctx.layout.instrumentedTargetDir('p'), path.join(dir, 'instrumented'));
    assert.equal(ltoPgo.ctx.layout.lockFile, ctx.layout.lockFile, 'one lock for the workspace');
    assert.deepEqual(settingsDiff(ctx.project.build, ltoPgo.settings), { lto: 'fat', codegenUnits: 1 });
    assert.equal(ltoPgo.ctx.project.build.debug, 'limited', 'build: settings carry over');
    const release = variantContext(ctx, ctx.project.variants[0]!, c);
    assert.ok(release.ctx.layout instanceof VariantLayout);
    assert.equal((release.ctx.layout as VariantLayout).plainTargetDir('p'), path.join(ctx.layout.root, 'p', 'variants', 'release', 'build'));
  });
});
