import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createTarGz, readTarGz, type TarEntry } from '../../src/core/util/tar-gz';
import { entryProblem, restoreProfiles, archiveProfiles, defaultArchiveName } from '../../src/core/pipeline/profile-archive';
import { parseConfig } from '../../src/core/config/load-config';
import { resolveProject } from '../../src/core/config/resolve-project';
import { ArtifactLayout } from '../../src/core/pipeline/artifact-layout';
import type { EngineContext } from '../../src/core/pipeline/engine-context';
import { silentReporter } from '../../src/core/pipeline/reporter';
import { midiWorkspace } from './fixtures';
import { tempDir } from './helpers';
import { RunLock } from '../../src/core/pipeline/run-lock';

function context(root: string): EngineContext {
  const project = resolveProject(midiWorkspace(root), parseConfig('', path.join(root, 'pgo.yaml')));
  return {
    project,
    layout: new ArtifactLayout(project.artifactRoot),
    rustc: { version: '1.95.0', versionLine: 'rustc 1.95.0', host: 'x86_64-unknown-linux-gnu', llvmVersion: '22.1.2', llvmMajor: 22 },
    reporter: silentReporter,
  };
}

const file = (name: string, text: string): TarEntry => ({ name, type: 'file', data: Buffer.from(text) });

describe('tar.gz', () => {
  it('round-trips files, folders and long names', () => {
    const long = `${'d'.repeat(120)}/${'f'.repeat(90)}`;
    const entries = readTarGz(createTarGz([{ name: 'a', type: 'directory', data: Buffer.alloc(0) }, file('a/x.txt', 'hello'), file(long, 'x'.repeat(1000))]));
    assert.deepEqual(entries.map((e) => [e.name, e.type, e.data.toString().length]), [['a', 'directory', 0], ['a/x.txt', 'file', 5], [long, 'file', 1000]]);
    assert.equal(entries[1]?.data.toString(), 'hello');
  });
  it('reports links as links', () => {
    const [s, h] = readTarGz(createTarGz([{ name: 'p/l', type: 'symlink', linkname: '/etc/passwd', data: Buffer.alloc(0) }, { name: 'p/h', type: 'hardlink', linkname: '../x', data: Buffer.alloc(0) }]));
    assert.deepEqual([s?.type, s?.linkname, h?.type], ['symlink', '/etc/passwd', 'hardlink']);
  });
  it('says when the file is not gzip', () => {
    assert.throws(() => readTarGz(Buffer.from('plain text')), /not a gzip file/);
  });
});

describe('profile archive', () => {
  const comps = ['pipeline', 'daw'];
  it('accepts only our own files, by name and type', () => {
    assert.equal(entryProblem('pipeline/pipeline.profdata', 'file', comps), undefined);
    assert.equal(entryProblem('daw/daw.profdata.index.json', 'file', comps), undefined);
    assert.equal(entryProblem('daw', 'directory', comps), undefined);
    assert.match(entryProblem('/etc/cron.d/x', 'file', comps) ?? '', /absolute path/);
    assert.match(entryProblem('../../.bashrc', 'file', comps) ?? '', /climbs out/);
    assert.match(entryProblem('pipeline/../../x', 'file', comps) ?? '', /climbs out/);
    assert.match(entryProblem('pipeline/pipeline.profdata', 'symlink', comps) ?? '', /is a link/);
    assert.match(entryProblem('pipeline/pipeline.profdata', 'hardlink', comps) ?? '', /is a link/);
    assert.match(entryProblem('other/other.profdata', 'file', comps) ?? '', /not a profile of this workspace/);
    assert.match(entryProblem('pipeline/run.sh', 'file', comps) ?? '', /not a profile, its metadata/);
  });

  it('archives with a dated name and restores the same bytes', () => {
    const root = tempDir();
    const ctx = context(root);
    fs.mkdirSync(ctx.layout.componentDir('pipeline'), { recursive: true });
    fs.writeFileSync(ctx.layout.profdata('pipeline'), 'PROFILE');
    fs.writeFileSync(ctx.layout.metadata('pipeline'), '{"schema":1}');
    const { file: archive, entries } = archiveProfiles(ctx);
    assert.equal(path.basename(archive), defaultArchiveName());
    assert.deepEqual(entries, ['pipeline/pipeline.profdata', 'pipeline/pipeline.profdata.json']);
    fs.rmSync(ctx.layout.root, { recursive: true });
    const written = restoreProfiles(ctx, archive);
    assert.equal(written.length, 2);
    assert.equal(fs.readFileSync(ctx.layout.profdata('pipeline'), 'utf8'), 'PROFILE');
  });

  it('never overwrites an archive: a second one on the same day gets its own name', () => {
    const root = tempDir();
    const ctx = context(root);
    fs.mkdirSync(ctx.layout.componentDir('pipeline'), { recursive: true });
    fs.writeFileSync(ctx.layout.profdata('pipeline'), 'FIRST');
    const first = archiveProfiles(ctx).file;
    const firstBytes = fs.readFileSync(first);
    fs.writeFileSync(ctx.layout.profdata('pipeline'), 'SECOND');
    const second = archiveProfiles(ctx).file;
    assert.notEqual(second, first);
    assert.equal(path.basename(second), defaultArchiveName(new Date(), 2));
    assert.deepEqual(fs.readFileSync(first), firstBytes, 'the first archive is untouched');
    assert.equal(readTarGz(fs.readFileSync(second))[0]?.data.toString(), 'SECOND');
    assert.deepEqual(fs.readdirSync(root).filter((f) => f.endsWith('.tar.gz')).sort(), [path.basename(first), path.basename(second)].sort());
  });

  it('refuses an explicit --output that exists, and leaves that file alone', () => {
    const root = tempDir();
    const ctx = context(root);
    fs.mkdirSync(ctx.layout.componentDir('pipeline'), { recursive: true });
    fs.writeFileSync(ctx.layout.profdata('pipeline'), 'PROFILE');
    fs.writeFileSync(path.join(root, 'keep.tar.gz'), 'precious');
    assert.throws(() => archiveProfiles(ctx, 'keep.tar.gz'), (e: Error & { fix?: string }) => /keep\.tar\.gz already exists/.test(e.message) && /choose another name/.test(e.fix ?? ''));
    assert.equal(fs.readFileSync(path.join(root, 'keep.tar.gz'), 'utf8'), 'precious');
    assert.deepEqual(fs.readdirSync(root).sort(), ['keep.tar.gz', 'target'], 'no temporary left behind');
  });

  it('does not read the profiles while another run holds the lock', () => {
    const root = tempDir();
    const ctx = context(root);
    ctx.layout.ensureRoot();
    fs.mkdirSync(ctx.layout.componentDir('pipeline'), { recursive: true });
    fs.writeFileSync(ctx.layout.profdata('pipeline'), 'PROFILE');
    const run = RunLock.acquire(ctx.layout.lockFile, 'pgo merge');
    try {
      assert.throws(() => archiveProfiles(ctx), /another PGO run is in progress: "pgo merge"/);
    } finally {
      run.release();
    }
    assert.deepEqual(fs.readdirSync(root).filter((f) => f.endsWith('.tar.gz')), []);
  });

  for (const [label, evil] of [
    ['an absolute path', file('/tmp/PWNED', 'x')],
    ['..', file('pipeline/../../canary.txt', 'overwritten')],
    ['a symlink pointing outside', { name: 'pipeline/pipeline.profdata', type: 'symlink', linkname: '../../canary.txt', data: Buffer.alloc(0) } as TarEntry],
  ] as const) {
    it(`refuses an archive with ${label}, and restores nothing from it`, () => {
      const root = tempDir();
      const ctx = context(root);
      const canary = path.join(root, 'canary.txt');
      fs.writeFileSync(canary, 'alive');
      const archive = path.join(root, 'evil.tar.gz');
      fs.writeFileSync(archive, createTarGz([file('pipeline/pipeline.profdata', 'GOOD LOOKING'), evil]));
      assert.throws(() => restoreProfiles(ctx, archive), /refusing to restore/);
      assert.equal(fs.readFileSync(canary, 'utf8'), 'alive');
      assert.equal(fs.existsSync(ctx.layout.profdata('pipeline')), false, 'not even the good-looking entry was written');
    });
  }

  it('refuses to write through a symlinked component folder', () => {
    const root = tempDir();
    const ctx = context(root);
    const outside = path.join(root, 'outside');
    fs.mkdirSync(outside);
    ctx.layout.ensureRoot();
    fs.symlinkSync(outside, ctx.layout.componentDir('pipeline'));
    const archive = path.join(root, 'a.tar.gz');
    fs.writeFileSync(archive, createTarGz([file('pipeline/pipeline.profdata', 'x')]));
    assert.throws(() => restoreProfiles(ctx, archive), /outside/);
    assert.deepEqual(fs.readdirSync(outside), []);
  });
});

describe('artifact directory ownership', () => {
  it('adopts a new or empty folder, refuses one with foreign files, and clean leaves foreign files alone', async () => {
    const { cleanArtifacts } = await import('../../src/core/pipeline/clean-artifacts');
    const root = tempDir();
    const ctx = context(root);
    fs.mkdirSync(ctx.layout.root, { recursive: true });
    fs.writeFileSync(path.join(ctx.layout.root, 'users-own-binary'), 'keep');
    assert.throws(() => ctx.layout.ensureRoot(), /already holds files that Rust PGO did not create/);
    assert.throws(() => cleanArtifacts(ctx), /Rust PGO did not create it/);
    assert.equal(fs.readFileSync(path.join(ctx.layout.root, 'users-own-binary'), 'utf8'), 'keep');
    fs.rmSync(path.join(ctx.layout.root, 'users-own-binary'));
    ctx.layout.ensureRoot();
    assert.ok(ctx.layout.isOwned());
    fs.mkdirSync(ctx.layout.componentDir('pipeline'));
    fs.writeFileSync(path.join(ctx.layout.root, 'added-later.txt'), 'keep');
    const removed = cleanArtifacts(ctx);
    assert.deepEqual(removed, [ctx.layout.componentDir('pipeline')]);
    assert.equal(fs.readFileSync(path.join(ctx.layout.root, 'added-later.txt'), 'utf8'), 'keep', 'clean removes only what the engine makes');
  });
});

describe('clean and a run that starts meanwhile', () => {
  it('removes the root while it holds the lock, so a run starting at that moment keeps its lock and work', async () => {
    const { cleanArtifacts } = await import('../../src/core/pipeline/clean-artifacts');
    const root = tempDir();
    const ctx = context(root);
    ctx.layout.ensureRoot();
    fs.mkdirSync(ctx.layout.componentDir('pipeline'));
    // The moment clean deletes the artifact root, a new run starts, as another window could.
    const mod = require('node:fs') as typeof fs; // eslint-disable-line @typescript-eslint/no-require-imports
    const realRm = mod.rmSync;
    let newRun: RunLock | undefined;
    mod.rmSync = ((p: fs.PathLike, opts?: fs.RmOptions) => {
      const target = String(p);
      if (!newRun && (target === ctx.layout.root || target.startsWith(`${ctx.layout.root}.`))) {
        newRun = ctx.layout.lock('pgo pipeline (new run)');
        fs.mkdirSync(ctx.layout.componentDir('daw'));
      }
      realRm(p, opts);
    }) as typeof fs.rmSync;
    try {
      cleanArtifacts(ctx);
    } finally {
      mod.rmSync = realRm;
    }
    assert.ok(newRun, 'clean removed the root');
    try {
      assert.ok(ctx.layout.isOwned(), 'the new run has its marked folder');
      assert.equal(JSON.parse(fs.readFileSync(ctx.layout.lockFile, 'utf8')).command, 'pgo pipeline (new run)', "and its lock");
      assert.ok(fs.existsSync(ctx.layout.componentDir('daw')), 'and its work');
    } finally {
      newRun.release();
    }
  });

  it('removes the root, marker and lock included, when nothing else is left', async () => {
    const { cleanArtifacts } = await import('../../src/core/pipeline/clean-artifacts');
    const root = tempDir();
    const ctx = context(root);
    ctx.layout.ensureRoot();
    fs.mkdirSync(ctx.layout.componentDir('pipeline'));
    cleanArtifacts(ctx);
    assert.equal(fs.existsSync(ctx.layout.root), false);
    assert.deepEqual(fs.readdirSync(path.dirname(ctx.layout.root)), [], 'nothing left beside it either');
  });
});
