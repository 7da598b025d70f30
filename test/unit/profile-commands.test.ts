import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { clean, deleteProfiles } from '../../src/core/commands/clean';
import type { PgoError } from '../../src/core/errors';
import { parseConfig } from '../../src/core/config/load-config';
import { resolveProject } from '../../src/core/config/resolve-project';
import { ArtifactLayout } from '../../src/core/pipeline/artifact-layout';
import type { EngineContext } from '../../src/core/pipeline/engine-context';
import { silentReporter } from '../../src/core/pipeline/reporter';
import { midiWorkspace } from './fixtures';
import { tempDir } from './helpers';

/** A context with no tools looked up: clean and delete-profile must not need rustc. */
function context(root: string): EngineContext {
  const project = resolveProject(midiWorkspace(root), parseConfig('', path.join(root, 'pgo.yaml')));
  return { project, layout: new ArtifactLayout(project.artifactRoot), reporter: silentReporter };
}

function withProfiles(ctx: EngineContext): void {
  ctx.layout.ensureRoot();
  for (const c of ['pipeline', 'daw']) {
    fs.mkdirSync(ctx.layout.instrumentedTargetDir(c), { recursive: true });
    for (const f of ctx.layout.profileFiles(c)) fs.writeFileSync(f, c);
  }
}

describe('the clean and delete-profile commands (shared by the CLI and the extension)', () => {
  it('clean: an unknown component is an error naming the choices, and nothing is removed', () => {
    const ctx = context(tempDir());
    withProfiles(ctx);
    assert.throws(() => clean(ctx, 'piepline'), (e: PgoError) => /no component "piepline"/.test(e.message) && /pipeline, daw, all/.test(e.fix ?? ''));
    assert.ok(fs.existsSync(ctx.layout.profdata('pipeline')));
  });

  it('clean: one component, then "all"', () => {
    const ctx = context(tempDir());
    withProfiles(ctx);
    assert.deepEqual(clean(ctx, 'daw').removed, [ctx.layout.componentDir('daw')]);
    assert.ok(fs.existsSync(ctx.layout.profdata('pipeline')));
    assert.deepEqual(clean(ctx, 'all').removed, [ctx.layout.componentDir('pipeline')]);
    assert.equal(fs.existsSync(ctx.layout.root), false, 'the emptied artifact root goes too');
    assert.equal(ctx.rustc, undefined, 'rustc was never looked up');
  });

  it('delete-profile: the profile, metadata and index of one component or all, never the builds', () => {
    const ctx = context(tempDir());
    withProfiles(ctx);
    assert.deepEqual(deleteProfiles(ctx, 'pipeline'), ctx.layout.profileFiles('pipeline'));
    assert.ok(fs.existsSync(ctx.layout.profdata('daw')));
    assert.deepEqual(deleteProfiles(ctx, 'all'), ctx.layout.profileFiles('daw'));
    assert.ok(fs.existsSync(ctx.layout.instrumentedTargetDir('pipeline')), 'builds are kept');
    assert.throws(() => deleteProfiles(ctx, 'nope'), /no component "nope"/);
  });
});
