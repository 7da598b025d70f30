import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ThresholdBuilder, tierOf } from '../../src/core/profile/hotness';
import { functionExtent, functionHash } from '../../src/core/profile/rust-fn-body';
import { buildSourceIndex } from '../../src/core/profile/source-index';
import { annotateFile, locate } from '../../src/core/profile/file-annotations';
import type { ProfileFunction } from '../../src/core/profile/profile-model';
import { tempDir } from './helpers';

const SRC = `use std::fmt;

/// Parses a track.
pub fn parse_track(data: &[u8]) -> usize {
    let s = "}{ not a brace";
    let c = '}';
    // } neither
    /* nor { this */
    data.iter().filter(|b| **b > 0x7f).count()
}

impl fmt::Display for Track {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

fn decl_only();
`;

describe('hotness tiers', () => {
  it('puts the blocks that make 90% of the counts in the hot tier, 99% in warm', () => {
    const b = new ThresholdBuilder();
    for (const c of [900, 50, 40, 9, 1, 0]) b.add(c);
    const t = b.thresholds({ hotCutoff: 0.9, warmCutoff: 0.99 });
    assert.deepEqual(t, { hot: 900, warm: 40, totalCount: 1000 });
    assert.equal(tierOf(900, t), 'hot');
    assert.equal(tierOf(50, t), 'warm');
    assert.equal(tierOf(9, t), 'cold');
    assert.equal(tierOf(0, t), 'cold');
  });

  it('grows past its initial capacity', () => {
    const b = new ThresholdBuilder();
    for (let i = 1; i <= 5000; i++) b.add(i);
    assert.equal(b.thresholds().totalCount, (5000 * 5001) / 2);
  });
});

describe('Rust function extent', () => {
  const lines = SRC.split('\n');
  it('matches braces, skipping strings, chars, comments and lifetimes', () => {
    assert.deepEqual(functionExtent(lines, 3), { start: 3, end: 9 });
    assert.deepEqual(functionExtent(lines, 12), { start: 12, end: 14 });
    assert.deepEqual(functionExtent(lines, 17), { start: 17, end: 17 });
  });
  it('hashes ignoring whitespace, and sees a change in the body', () => {
    const h = functionHash(lines, 3);
    const reindented = lines.map((l) => l.replace(/^ {4}/, '\t'));
    assert.equal(functionHash(reindented, 3), h);
    const edited = [...lines];
    edited[8] = '    data.len()';
    assert.notEqual(functionHash(edited, 3), h);
  });
});

describe('source index and file annotations', () => {
  function setup() {
    const root = tempDir();
    const file = path.join(root, 'src', 'smf.rs');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, SRC);
    const fn = (name: string, sum: number, max: number): ProfileFunction => ({ name, hash: '0x1', counters: 3, sum, max, blockCounts: [max, sum - max] });
    const functions = [
      fn('_ZN3smf11parse_track17h1111111111111111E', 900, 800),
      fn('smf.cgu;_ZN3smf11parse_track17h2222222222222222E', 50, 40), // another instance, same line
      fn('_ZN49_$LT$smf..Track$u20$as$u20$core..fmt..Display$GT$3fmt17h3333333333333333E', 40, 30),
      fn('_ZN3std2io5stdio6_print17h4444444444444444E', 10, 10),
      fn('_ZN3smf7unknown17h5555555555555555E', 0, 0),
    ];
    const locations = new Map([
      ['_ZN3smf11parse_track17h1111111111111111E', { file, line: 4 }],
      ['_ZN3smf11parse_track17h2222222222222222E', { file, line: 4 }],
      ['_ZN49_$LT$smf..Track$u20$as$u20$core..fmt..Display$GT$3fmt17h3333333333333333E', { file, line: 13 }],
      ['_ZN3std2io5stdio6_print17h4444444444444444E', { file: '/rustc/abc/library/std/src/io/stdio.rs', line: 1 }],
    ]);
    const b = new ThresholdBuilder();
    for (const f of functions) for (const c of f.blockCounts ?? []) b.add(c);
    const index = buildSourceIndex({
      functions,
      locations,
      mangledOf: (n) => n.slice(n.lastIndexOf(';') + 1),
      workspaceRoot: root,
      targetDirectory: path.join(root, 'target'),
      thresholds: b.thresholds(),
      profileSha256: 'x',
      mapping: { method: 'test' },
    });
    return { index, file };
  }

  it('keys functions by file, groups instances of one generic line, and counts what it cannot decorate', () => {
    const { index, file } = setup();
    assert.deepEqual(Object.keys(index.files), [file]);
    const [track, fmt] = index.files[file] ?? [];
    assert.equal(track?.line, 4);
    assert.equal(track?.records.length, 2);
    assert.equal(track?.sum, 950);
    assert.equal(track?.signature, 'pub fn parse_track(data: &[u8]) -> usize {');
    assert.equal(track?.tier, 'hot');
    assert.equal(fmt?.display, '<smf::Track as core::fmt::Display>::fmt');
    assert.equal(index.external, 1);
    assert.equal(index.unmapped, 1);
  });

  it('annotates the fn lines with the figures', () => {
    const { index, file } = setup();
    const notes = annotateFile(index.files[file] ?? [], SRC.split('\n'), { source: 'pipeline' });
    assert.equal(notes[0]?.line, 3);
    assert.equal(notes[0]?.stale, false);
    assert.match(notes[0]?.lensTitle ?? '', /^🔥 95% of profile · max 800 per block · 3 counters · 2 instances$/);
    assert.match(notes[0]?.hoverMarkdown ?? '', /\| total count \| 950 \|/);
    assert.equal(notes[1]?.line, 12);
  });

  it('follows a function that moved, and marks a changed one stale without numbers', () => {
    const { index, file } = setup();
    const moved = ['// new header', '', ...SRC.split('\n')];
    assert.equal(locate(moved, (index.files[file] ?? [])[0]!), 5);
    const changed = [...moved];
    changed[10] = '    data.len() + 1';
    const notes = annotateFile(index.files[file] ?? [], changed, { source: 'pipeline' });
    assert.equal(notes[0]?.line, 5);
    assert.equal(notes[0]?.stale, true);
    assert.doesNotMatch(notes[0]?.lensTitle ?? '', /%/);
    assert.equal(notes[1]?.stale, false, 'the unchanged impl keeps its numbers');
  });

  it('drops a function whose signature is gone, and filters by tier', () => {
    const { index, file } = setup();
    const renamed = SRC.replace('pub fn parse_track', 'pub fn parse_chunk').split('\n');
    assert.equal(annotateFile(index.files[file] ?? [], renamed, { source: 'p' }).length, 1);
    assert.equal(annotateFile(index.files[file] ?? [], SRC.split('\n'), { source: 'p', minTier: 'hot' }).length, 1);
  });
});
