import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { writeTarGz } from '../../src/core/util/tar-gz';
import { readAll, tarBytes, writeFixtureTarGz, type FixtureEntry } from './tar-fixtures';
import { entryProblem, restoreProfiles, archiveProfiles, defaultArchiveName } from '../../src/core/pipeline/profile-archive';
import { parseConfig } from '../../src/core/config/load-config';
import { resolveProject } from '../../src/core/config/resolve-project';
import { ArtifactLayout, OWNER_MARKER } from '../../src/core/pipeline/artifact-layout';
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

const file = (name: string, text: string): FixtureEntry => ({ name, data: text });

describe('tar.gz', () => {
  it('round-trips files and long names, streaming from and to disk', async () => {
    const dir = tempDir();
    const long = `${'d'.repeat(120)}/${'f'.repeat(90)}`;
    fs.writeFileSync(path.join(dir, 'x.txt'), 'hello');
    fs.writeFileSync(path.join(dir, 'empty'), '');
    fs.writeFileSync(path.join(dir, 'big'), Buffer.alloc(3 * 1024 * 1024 + 7, 'p'));
    const archive = path.join(dir, 'a.tar.gz');
    await writeTarGz(archive, [
      { name: 'a/x.txt', source: path.join(dir, 'x.txt') },
      { name: 'a/empty', source: path.join(dir, 'empty') },
      { name: long, source: path.join(dir, 'big') },
    ]);
    const entries = await readAll(archive);
    assert.deepEqual(entries.map((e) => [e.name, e.type, e.size, e.data.length]), [['a/x.txt', 'file', 5, 5], ['a/empty', 'file', 0, 0], [long, 'file', 3 * 1024 * 1024 + 7, 3 * 1024 * 1024 + 7]]);
    assert.equal(entries[0]?.data.toString(), 'hello');
  });
  it('reports links as links, and devices as other', async () => {
    const archive = await writeFixtureTarGz(path.join(tempDir(), 'l.tar.gz'), [
      { name: 'p/l', type: 'symlink', linkname: '/etc/passwd' },
      { name: 'p/h', type: 'link', linkname: '../x' },
      { name: 'p/d', type: 'character-device' },
    ]);
    const [s, h, d] = await readAll(archive);
    assert.deepEqual([s?.type, s?.linkname, h?.type, h?.linkname, d?.type], ['symlink', '/etc/passwd', 'hardlink', '../x', 'other']);
  });
  it('says when the file is not gzip', async () => {
    const f = path.join(tempDir(), 'plain.tar.gz');
    fs.writeFileSync(f, 'plain text');
    await assert.rejects(readAll(f), /not a gzip file/);
  });
  it('refuses a header whose checksum is wrong', async () => {
    const tar = await tarBytes([file('pipeline/pipeline.profdata', 'x')]);
    tar.writeUInt8(tar.readUInt8(3) ^ 1, 3); // one letter of the name: the checksum no longer matches
    const f = path.join(tempDir(), 'bad.tar.gz');
    fs.writeFileSync(f, zlib.gzipSync(tar));
    await assert.rejects(readAll(f), /damaged one \(Invalid tar header checksum/);
  });
  it('says when the archive is cut short', async () => {
    const tar = await tarBytes([file('pipeline/pipeline.profdata', 'x'.repeat(5000))]);
    const f = path.join(tempDir(), 'cut.tar.gz');
    fs.writeFileSync(f, zlib.gzipSync(tar.subarray(0, 2048)));
    await assert.rejects(readAll(f), /truncated/);
    fs.writeFileSync(f, zlib.gzipSync(tar).subarray(0, 40));
    await assert.rejects(readAll(f), /truncated/);
  });
  it('stops an archive that unpacks to more than the bound', async () => {
    const f = await writeFixtureTarGz(path.join(tempDir(), 'bomb.tar.gz'), [file('pipeline/pipeline.profdata', '0'.repeat(1024 * 1024))]);
    assert.ok(fs.statSync(f).size < 10_000, 'it compresses well');
    await assert.rejects(readAll(f, { maxUnpackedBytes: 64 * 1024 }), /unpacks to more than 0 MB/);
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

  it('archives with a dated name and restores the same bytes', async () => {
    const root = tempDir();
    const ctx = context(root);
    fs.mkdirSync(ctx.layout.componentDir('pipeline'), { recursive: true });
    fs.writeFileSync(ctx.layout.profdata('pipeline'), 'PROFILE');
    fs.writeFileSync(ctx.layout.metadata('pipeline'), '{"schema":1}');
    const { file: archive, entries } = await archiveProfiles(ctx);
    assert.equal(path.basename(archive), defaultArchiveName());
    assert.deepEqual(entries, ['pipeline/pipeline.profdata', 'pipeline/pipeline.profdata.json']);
    fs.rmSync(ctx.layout.root, { recursive: true });
    const written = await restoreProfiles(ctx, archive);
    assert.equal(written.length, 2);
    assert.equal(fs.readFileSync(ctx.layout.profdata('pipeline'), 'utf8'), 'PROFILE');
  });

  it('never overwrites an archive: a second one on the same day gets its own name', async () => {
    const root = tempDir();
    const ctx = context(root);
    fs.mkdirSync(ctx.layout.componentDir('pipeline'), { recursive: true });
    fs.writeFileSync(ctx.layout.profdata('pipeline'), 'FIRST');
    const first = (await archiveProfiles(ctx)).file;
    const firstBytes = fs.readFileSync(first);
    fs.writeFileSync(ctx.layout.profdata('pipeline'), 'SECOND');
    const second = (await archiveProfiles(ctx)).file;
    assert.notEqual(second, first);
    assert.equal(path.basename(second), defaultArchiveName(new Date(), 2));
    assert.deepEqual(fs.readFileSync(first), firstBytes, 'the first archive is untouched');
    assert.equal((await readAll(second))[0]?.data.toString(), 'SECOND');
    assert.deepEqual(fs.readdirSync(root).filter((f) => f.endsWith('.tar.gz')).sort(), [path.basename(first), path.basename(second)].sort());
  });

  it('refuses an explicit --output that exists, and leaves that file alone', async () => {
    const root = tempDir();
    const ctx = context(root);
    fs.mkdirSync(ctx.layout.componentDir('pipeline'), { recursive: true });
    fs.writeFileSync(ctx.layout.profdata('pipeline'), 'PROFILE');
    fs.writeFileSync(path.join(root, 'keep.tar.gz'), 'precious');
    await assert.rejects(archiveProfiles(ctx, 'keep.tar.gz'), (e: Error & { fix?: string }) => /keep\.tar\.gz already exists/.test(e.message) && /choose another name/.test(e.fix ?? ''));
    assert.equal(fs.readFileSync(path.join(root, 'keep.tar.gz'), 'utf8'), 'precious');
    assert.deepEqual(fs.readdirSync(root).sort(), ['keep.tar.gz', 'target'], 'no temporary left behind');
  });

  it('does not read the profiles while another run holds the lock', async () => {
    const root = tempDir();
    const ctx = context(root);
    ctx.layout.ensureRoot();
    fs.mkdirSync(ctx.layout.componentDir('pipeline'), { recursive: true });
    fs.writeFileSync(ctx.layout.profdata('pipeline'), 'PROFILE');
    const run = RunLock.acquire(ctx.layout.lockFile, 'pgo merge');
    try {
      await assert.rejects(archiveProfiles(ctx), /another PGO run is in progress: "pgo merge"/);
    } finally {
      run.release();
    }
    assert.deepEqual(fs.readdirSync(root).filter((f) => f.endsWith('.tar.gz')), []);
  });

  for (const [label, evil] of [
    ['an absolute path', file('/tmp/PWNED', 'x')],
    ['..', file('pipeline/../../canary.txt', 'overwritten')],
    ['a symlink pointing outside', { name: 'pipeline/pipeline.profdata', type: 'symlink', linkname: '../../canary.txt' } as FixtureEntry],
    ['a hard link', { name: 'pipeline/pipeline.profdata.json', type: 'link', linkname: '../../canary.txt' } as FixtureEntry],
    ['a device', { name: 'pipeline/pipeline.profdata.json', type: 'character-device' } as FixtureEntry],
    ['a file of another kind', file('pipeline/run.sh', '#!/bin/sh')],
  ] as const) {
    it(`refuses an archive with ${label}, and restores nothing from it`, async () => {
      const root = tempDir();
      const ctx = context(root);
      const canary = path.join(root, 'canary.txt');
      fs.writeFileSync(canary, 'alive');
      const archive = await writeFixtureTarGz(path.join(root, 'evil.tar.gz'), [file('pipeline/pipeline.profdata', 'GOOD LOOKING'), evil]);
      await assert.rejects(restoreProfiles(ctx, archive), /refusing to restore/);
      assert.equal(fs.readFileSync(canary, 'utf8'), 'alive');
      assert.equal(fs.existsSync(ctx.layout.root), false, 'nothing was written, not even the artifact folder');
    });
  }

  it('refuses to write through a symlinked component folder', async () => {
    const root = tempDir();
    const ctx = context(root);
    const outside = path.join(root, 'outside');
    fs.mkdirSync(outside);
    ctx.layout.ensureRoot();
    fs.symlinkSync(outside, ctx.layout.componentDir('pipeline'));
    const archive = await writeFixtureTarGz(path.join(root, 'a.tar.gz'), [file('pipeline/pipeline.profdata', 'x')]);
    await assert.rejects(restoreProfiles(ctx, archive), /^PgoError: refusing to write \S+pipeline\.profdata: outside /);
    assert.deepEqual(fs.readdirSync(outside), []);
  });

  it('restores a large profile as a stream, leaving the event loop free between chunks', async () => {
    const root = tempDir();
    const ctx = context(root);
    fs.mkdirSync(ctx.layout.componentDir('pipeline'), { recursive: true });
    const big = Buffer.alloc(4 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4) big.writeUInt32LE((i * 2654435761) >>> 0, i); // not one long run of zeros
    fs.writeFileSync(ctx.layout.profdata('pipeline'), big);
    const { file: archive } = await archiveProfiles(ctx);
    fs.rmSync(ctx.layout.root, { recursive: true });
    // Other work (the editor's) keeps running while the archive is unpacked.
    let turns = 0;
    let ticking = true;
    const tick = (): void => {
      turns++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    try {
      await restoreProfiles(ctx, archive);
    } finally {
      ticking = false;
    }
    assert.ok(turns > 10, `the event loop turned ${turns} times during the restore`);
    assert.ok(fs.readFileSync(ctx.layout.profdata('pipeline')).equals(big));
  });

  it('refuses a damaged archive before writing anything, and keeps the last good profile', async () => {
    const root = tempDir();
    const ctx = context(root);
    fs.mkdirSync(ctx.layout.componentDir('pipeline'), { recursive: true });
    fs.writeFileSync(ctx.layout.profdata('pipeline'), 'LAST GOOD');
    const tar = await tarBytes([file('pipeline/pipeline.profdata', 'NEW'), file('pipeline/pipeline.profdata.json', '{}')]);
    tar.writeUInt8((tar.readUInt8(1024 + 3) ^ 1) & 0xff, 1024 + 3); // the second header's name: its checksum no longer matches
    const archive = path.join(root, 'damaged.tar.gz');
    fs.writeFileSync(archive, zlib.gzipSync(tar));
    await assert.rejects(restoreProfiles(ctx, archive), (e: Error & { fix?: string }) => /cannot read .*damaged\.tar\.gz: .*checksum/.test(e.message) && /PGO: Archive Profiles/.test(e.fix ?? ''));
    assert.equal(fs.readFileSync(ctx.layout.profdata('pipeline'), 'utf8'), 'LAST GOOD');
    assert.deepEqual(fs.readdirSync(ctx.layout.componentDir('pipeline')), ['pipeline.profdata'], 'no temporary left');
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

describe('artifact directory of another workspace', () => {
  it("refuses to run in, clean or archive a root whose marker names another workspace, and adopts an old marker", async () => {
    const { cleanArtifacts } = await import('../../src/core/pipeline/clean-artifacts');
    const root = tempDir();
    const ctx = context(root);
    fs.writeFileSync(path.join(root, 'Cargo.toml'), '[workspace]\n'); // the owner is still a workspace
    const mine = new ArtifactLayout(ctx.layout.root, root);
    mine.ensureRoot();
    fs.mkdirSync(mine.componentDir('pipeline'));
    fs.writeFileSync(mine.profdata('pipeline'), 'MINE');
    assert.equal(mine.markerOwner(), root);
    const theirs: EngineContext = { ...ctx, layout: new ArtifactLayout(ctx.layout.root, path.join(root, 'elsewhere')) };
    assert.throws(() => theirs.layout.ensureRoot(), /holds the PGO data of another workspace \(.*\)/);
    assert.throws(() => theirs.layout.lock('pgo pipeline'), /another workspace/);
    assert.throws(() => cleanArtifacts(theirs), /another workspace/);
    await assert.rejects(archiveProfiles(theirs), /another workspace/);
    assert.equal(fs.readFileSync(mine.profdata('pipeline'), 'utf8'), 'MINE');
    assert.equal(fs.existsSync(mine.lockFile), false, 'no lock left behind');
    // A marker written before markers named their workspace belongs to whoever uses it.
    fs.writeFileSync(path.join(mine.root, OWNER_MARKER), 'Created by Rust PGO\n');
    theirs.layout.ensureRoot();
  });

  it('adopts a root whose workspace was copied or moved with its target folder', () => {
    const root = tempDir();
    const ctx = context(root);
    fs.writeFileSync(path.join(root, 'Cargo.toml'), '[workspace]\n');
    // The marker names where the workspace was before it was copied here (that place still exists).
    const before = tempDir();
    fs.writeFileSync(path.join(before, 'Cargo.toml'), '[workspace]\n');
    new ArtifactLayout(ctx.layout.root, before).ensureRoot();
    const here = new ArtifactLayout(ctx.layout.root, root);
    here.ensureRoot(); // inside this workspace: its own
    assert.equal(here.markerOwner(), root);
    // A moved workspace: the recorded one is gone, so the folder is whoever uses it now.
    const elsewhere = new ArtifactLayout(ctx.layout.root, path.join(tempDir(), 'other'));
    fs.rmSync(path.join(root, 'Cargo.toml'));
    elsewhere.ensureRoot();
    assert.equal(elsewhere.markerOwner(), elsewhere.workspaceRoot);
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
