import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkDiffInputs } from '../../src/core/commands/diff-profiles';
import { ArtifactLayout } from '../../src/core/pipeline/artifact-layout';
import { archivedComponents, extractArchivedProfile, findProfileArchives } from '../../src/core/pipeline/archived-profile';
import { keepPreviousProfile } from '../../src/core/pipeline/previous-profile';
import { indexedFormatVersion } from '../../src/core/profile/profdata-file';
import { diffProfiles } from '../../src/core/profile/profile-diff';
import { locateDiffFunctions } from '../../src/core/profile/profile-diff-locations';
import type { ProfileFunction } from '../../src/core/profile/profile-model';
import type { FunctionHeat, SourceIndex } from '../../src/core/profile/source-index';
import { renderProfileDiffBody } from '../../src/core/report/profile-diff-html';
import { shareChange } from '../../src/core/report/profile-diff-table';
import { writeFixtureTarGz } from './tar-fixtures';

/** The header of an indexed profile: magic, then the format version (flags in the high bits). */
function indexedProfile(version: number, body = 'rest'): Buffer {
  const head = Buffer.alloc(16);
  Buffer.from([0xff, 0x6c, 0x70, 0x72, 0x6f, 0x66, 0x69, 0x81]).copy(head);
  head.writeBigUInt64LE((1n << 56n) | BigInt(version), 8);
  return Buffer.concat([head, Buffer.from(body)]);
}

const fn = (name: string, sum: number): ProfileFunction => ({ name, hash: '0x1', counters: 1, sum, max: sum });
const heat = (display: string, records: string[], line: number): FunctionHeat => ({ line, signature: '', display, records, sum: 1, max: 1, counters: 1, share: 0, tier: 'hot' });
const index = (files: Record<string, FunctionHeat[]>): SourceIndex => ({
  schema: 1,
  profileSha256: '',
  totalCount: 1,
  thresholds: { hot: 0, warm: 0, totalCount: 1 },
  files,
  external: 0,
  unmapped: 0,
  mapping: { method: 'test' },
});

describe('PGO: Compare Profiles — core', () => {
  let dir = '';
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgo-compare-unit-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a merge keeps exactly one previous profile, with its companions, and not when the bytes did not change', () => {
    const layout = new ArtifactLayout(dir);
    fs.mkdirSync(layout.componentDir('app'));
    assert.equal(keepPreviousProfile(layout, 'app', 'any'), false, 'nothing to keep before the first profile');
    fs.writeFileSync(layout.profdata('app'), 'first');
    fs.writeFileSync(layout.metadata('app'), '{"n":1}');
    fs.writeFileSync(layout.sourceIndex('app'), '{"i":1}');
    assert.equal(keepPreviousProfile(layout, 'app', 'sha-of-second'), true);
    const prev = layout.previousProfdata('app');
    assert.deepEqual([fs.readFileSync(prev, 'utf8'), fs.readFileSync(`${prev}.json`, 'utf8'), fs.readFileSync(`${prev}.index.json`, 'utf8')], ['first', '{"n":1}', '{"i":1}']);
    // The merge then replaces the current files by rename: the kept copy must not change with them.
    fs.writeFileSync(`${layout.profdata('app')}.new`, 'second');
    fs.renameSync(`${layout.profdata('app')}.new`, layout.profdata('app'));
    fs.rmSync(layout.sourceIndex('app'));
    assert.equal(fs.readFileSync(prev, 'utf8'), 'first');
    // The same bytes again: the older previous copy stays.
    const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
    assert.equal(keepPreviousProfile(layout, 'app', sha('second')), false);
    assert.equal(fs.readFileSync(prev, 'utf8'), 'first');
    // A profile without a source index: no older index may pass for its.
    assert.equal(keepPreviousProfile(layout, 'app', 'sha-of-third'), true);
    assert.equal(fs.readFileSync(prev, 'utf8'), 'second');
    assert.ok(!fs.existsSync(`${prev}.index.json`));
    assert.deepEqual(fs.readdirSync(layout.previousDir('app')).sort(), ['app.profdata', 'app.profdata.json']);
  });

  it('refuses a missing file, one file twice (also through a link) and a non-profile, naming the side', () => {
    const a = path.join(dir, 'a.profdata');
    const b = path.join(dir, 'b.profdata');
    fs.writeFileSync(a, indexedProfile(13));
    fs.writeFileSync(b, indexedProfile(13, 'other'));
    assert.doesNotThrow(() => checkDiffInputs(a, b));
    assert.throws(() => checkDiffInputs(path.join(dir, 'none.profdata'), b), /A: \S+none\.profdata does not exist/);
    assert.throws(() => checkDiffInputs(a, dir), /B: \S+ is not a file/);
    assert.throws(() => checkDiffInputs(a, path.join(dir, '.', 'a.profdata')), /A and B are the same file/);
    fs.symlinkSync(a, path.join(dir, 'link.profdata'));
    assert.throws(() => checkDiffInputs(path.join(dir, 'link.profdata'), a), /same file/);
    fs.writeFileSync(path.join(dir, 'text.profdata'), 'hello, not a profile');
    assert.throws(() => checkDiffInputs(a, path.join(dir, 'text.profdata')), /B: \S+text\.profdata is not an LLVM indexed profile/);
    assert.equal(indexedFormatVersion(a), 13);
    assert.equal(indexedFormatVersion(path.join(dir, 'text.profdata')), undefined);
  });

  it('lists and unpacks archived profiles, trusting no name in the archive', async () => {
    const archive = await writeFixtureTarGz(path.join(dir, 'pgo-profiles-2026-12-01.tar.gz'), [
      { name: 'app/app.profdata', data: 'A' },
      { name: 'app/app.profdata.index.json', data: '{}' },
      { name: 'other/other.profdata', data: 'O' },
      { name: '../app/app.profdata', data: 'evil' },
      { name: 'app/evil.profdata', data: 'evil' },
      { name: 'link/link.profdata', type: 'symlink', linkname: '/etc/passwd' },
    ]);
    assert.deepEqual(await archivedComponents(archive), ['app', 'other']);
    const out = path.join(dir, 'out');
    fs.mkdirSync(out);
    const file = await extractArchivedProfile(archive, 'app', out);
    assert.equal(file, path.join(out, 'app.profdata'));
    assert.equal(fs.readFileSync(file, 'utf8'), 'A');
    assert.deepEqual(fs.readdirSync(out).sort(), ['app.profdata', 'app.profdata.index.json']);
    await assert.rejects(extractArchivedProfile(archive, 'link', out), /holds no profile of "link"/);
    fs.writeFileSync(path.join(dir, 'pgo-profiles-broken.tar.gz'), 'not gzip');
    await assert.rejects(archivedComponents(path.join(dir, 'pgo-profiles-broken.tar.gz')), /cannot read the archive \S+: not a gzip file/);
    fs.writeFileSync(path.join(dir, 'unrelated.tar.gz'), '');
    assert.deepEqual(findProfileArchives([dir, path.join(dir, 'missing')]).map((x) => path.basename(x.file)).sort(), ['pgo-profiles-2026-12-01.tar.gz', 'pgo-profiles-broken.tar.gz']);
  });

  it('places listed functions on their source lines, generic ones by their records, the newer index first', () => {
    const d = diffProfiles([fn('_ZN3app5parse17h1111111111111111E', 10), fn('_ZN3app3old17h2222222222222222E', 10)], [fn('_ZN3app5parse17h3333333333333333E', 30)], { hotShare: 0 });
    const newer = index({ '/ws/src/parse.rs': [heat('app::parse', ['_ZN3app5parse17h3333333333333333E'], 12)] });
    const older = index({ '/ws/src/parse.rs': [heat('app::parse', ['_ZN3app5parse17h1111111111111111E'], 9)], '/ws/src/old.rs': [heat('app::old<T>', ['_ZN3app3old17h2222222222222222E'], 4)] });
    assert.deepEqual(locateDiffFunctions(d, [newer, undefined, older]), { 'app::parse': { file: '/ws/src/parse.rs', line: 12 }, 'app::old': { file: '/ws/src/old.rs', line: 4 } });
  });

  it('renders the comparison as escaped HTML, linking only functions with a known source', () => {
    const a = [fn('_ZN3app5parse17h1111111111111111E', 60), fn('_ZN3app3old17h2222222222222222E', 40)];
    const b = [fn('_ZN3app5parse17h3333333333333333E', 90), fn('_RNvCs1234_3app3new', 10)];
    const d = { ...diffProfiles(a, b), identical: false, formatVersionA: 12, formatVersionB: 13 };
    const html = renderProfileDiffBody(d, { a: 'old<1>.profdata', b: 'b.profdata' }, (name) => (name === 'app::parse' ? 'command:pgo.goToFunction?x' : undefined));
    assert.match(html, /<code>old&lt;1&gt;\.profdata<\/code>/);
    assert.match(html, /<a href="command:pgo\.goToFunction\?x" title="Go to the source"><code>app::parse<\/code><\/a>/);
    assert.match(html, /Vanished hot functions <span class="pgo-muted">\(1\)<\/span>[\s\S]*<code>app::old<\/code>/);
    assert.doesNotMatch(html, /<a [^>]*><code>app::old/);
    assert.match(html, /different LLVM releases \(profile format 12 and 13\)/);
    assert.doesNotMatch(html, /<script/);
    assert.deepEqual([shareChange(0.0043), shareChange(-0.125), shareChange(0.00001)], ['+0.43 pp', '−12.5 pp', '±0.00 pp']);
  });
});
