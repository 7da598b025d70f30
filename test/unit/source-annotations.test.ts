import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ThresholdBuilder, tierOf } from '../../src/core/profile/hotness';
import { functionExtent, functionHash } from '../../src/core/profile/rust-fn-body';
import { buildSourceIndex } from '../../src/core/profile/source-index';
import { hotFunctionsByOrigin } from '../../src/core/profile/origin-groups';
import { missingSourceMessage } from '../../src/core/profile/source-origin';
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
    // std is listed under the debug info's path (rust-src is not installed in this setup).
    assert.deepEqual(Object.keys(index.files), [file, '/rustc/abc/library/std/src/io/stdio.rs']);
    assert.match(index.std?.problem?.fix ?? '', /rustup component add rust-src/);
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
    assert.match(notes[0]?.lensTitle ?? '', /^🔥 95% of profile · max 800 per block · 3 counters · 2 instances · #1 in your code$/);
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

describe('source index: origins, dependencies, std and the workspace\'s own tiers', () => {
  const DEP_SRC = 'pub fn mix(x: u64) -> u64 {\n    x.wrapping_mul(31)\n}\n';
  const OWN_SRC = 'fn main() {\n    run();\n}\n\nfn run() {\n    work();\n}\n';
  function setup(rustSrc: boolean) {
    const root = tempDir();
    const ws = path.join(root, 'app');
    const dep = path.join(root, 'fastdep');
    for (const [file, text] of [
      [path.join(ws, 'Cargo.toml'), '[package]\nname = "app"\n'],
      [path.join(ws, 'src', 'main.rs'), OWN_SRC],
      [path.join(dep, 'Cargo.toml'), '[package]\nname = "fastdep"\nversion = "0.1.0"\n'],
      [path.join(dep, 'src', 'lib.rs'), DEP_SRC],
    ] as const) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
    }
    const library = path.join(root, 'sysroot', 'lib', 'rustlib', 'src', 'rust', 'library');
    const stdFile = path.join(library, 'core', 'src', 'num', 'mod.rs');
    fs.mkdirSync(path.dirname(stdFile), { recursive: true });
    fs.writeFileSync(stdFile, '// core\npub const fn wrapping_mul(self, rhs: u64) -> u64 {\n    0\n}\n');
    const fn = (name: string, sum: number, max: number): ProfileFunction => ({ name, hash: '0x1', counters: 2, sum, max, blockCounts: [max, sum - max] });
    const functions = [
      fn('_ZN7fastdep3mix17h1111111111111111E', 9000, 8000),
      fn('_ZN4core3num12wrapping_mul17h2222222222222222E', 800, 700),
      fn('_ZN3app3run17h3333333333333333E', 20, 18),
      fn('_ZN3app4main17h4444444444444444E', 2, 1),
      fn('_ZN7fastdep6unseen17h5555555555555555E', 0, 0),
    ];
    const locations = new Map([
      ['_ZN7fastdep3mix17h1111111111111111E', { file: path.join(dep, 'src', 'lib.rs'), line: 1 }],
      ['_ZN4core3num12wrapping_mul17h2222222222222222E', { file: '/rustc/0123abcd/library/core/src/num/mod.rs', line: 2 }],
      ['_ZN3app3run17h3333333333333333E', { file: path.join(ws, 'src', 'main.rs'), line: 5 }],
      ['_ZN3app4main17h4444444444444444E', { file: path.join(ws, 'src', 'main.rs'), line: 1 }],
    ]);
    const b = new ThresholdBuilder();
    for (const f of functions) for (const c of f.blockCounts ?? []) b.add(c);
    const index = buildSourceIndex({
      functions,
      locations,
      mangledOf: (n) => n,
      workspaceRoot: ws,
      targetDirectory: path.join(ws, 'target'),
      thresholds: b.thresholds(),
      profileSha256: 'x',
      mapping: { method: 'test' },
      members: [{ name: 'app', root: ws, crates: ['app'] }],
      rustSrcLibrary: rustSrc ? library : undefined,
    });
    return { index, ws, dep, stdFile };
  }

  it('indexes a path dependency\'s function in the dependency\'s file, with its crate', () => {
    const { index, dep } = setup(false);
    const [mix] = index.files[path.join(dep, 'src', 'lib.rs')] ?? [];
    assert.equal(mix?.line, 1);
    assert.equal(mix?.signature, 'pub fn mix(x: u64) -> u64 {');
    assert.equal(mix?.origin, 'dependency');
    assert.equal(mix?.crate, 'fastdep');
    assert.equal(mix?.ownRank, undefined);
    assert.equal(index.external, 2);
  });

  it('gives the workspace\'s own functions tiers among their own counts, and a rank, when a dependency dominates', () => {
    const { index, ws } = setup(false);
    const [main, run] = index.files[path.join(ws, 'src', 'main.rs')] ?? [];
    assert.equal(run?.tier, 'cold', 'cold in the whole profile');
    assert.equal(run?.ownTier, 'hot');
    assert.equal(run?.ownRank, 1);
    assert.equal(main?.ownRank, 2);
    const notes = annotateFile([main!, run!], OWN_SRC.split('\n'), { source: 'app', minTier: 'hot' });
    assert.deepEqual(notes.map((n) => n.line), [4], 'the lens goes on the workspace\'s hottest function');
    assert.match(notes[0]?.lensTitle ?? '', /^🔥 0\.2% of profile · max 18 per block · 2 counters · #1 in your code$/);
  });

  it('groups the profile by origin with each one\'s share of the total count', () => {
    const { index } = setup(false);
    assert.deepEqual(
      index.origins?.map((o) => [o.kind, o.crate, o.functions, Math.round(o.share * 1000) / 1000]),
      [
        ['dependency', 'fastdep', 2, 0.916],
        ['std', 'core', 1, 0.081],
        ['workspace', 'app', 2, 0.002],
      ],
    );
  });

  it('groups hot functions for the sidebar: the workspace first, then dependencies and std/core/alloc by share', () => {
    const { index, dep, ws } = setup(false);
    const groups = hotFunctionsByOrigin(index, 5);
    assert.deepEqual(
      groups.map((g) => [g.label, g.functions, g.hottest.map((h) => h.heat.display)]),
      [
        ['this workspace', 2, ['app::run', 'app::main']],
        ['fastdep', 2, ['fastdep::mix']],
        ['std/core/alloc', 1, ['core::num::wrapping_mul']],
      ],
    );
    assert.equal(groups[1]?.hottest[0]?.file, path.join(dep, 'src', 'lib.rs'));
    assert.equal(groups[0]?.hottest[0]?.file, path.join(ws, 'src', 'main.rs'));
    assert.equal(hotFunctionsByOrigin(index, 1)[0]?.hottest.length, 1);
  });

  it('opens std in the local rust-src when it is installed, and otherwise says to install it', () => {
    const withSrc = setup(true);
    const [mul] = withSrc.index.files[withSrc.stdFile] ?? [];
    assert.equal(mul?.signature, 'pub const fn wrapping_mul(self, rhs: u64) -> u64 {');
    assert.equal(mul?.origin, 'std');
    assert.equal(withSrc.index.std?.problem, undefined);
    const without = setup(false);
    assert.ok(without.index.files['/rustc/0123abcd/library/core/src/num/mod.rs']);
    assert.match(without.index.std?.problem?.message ?? '', /1 profiled std\/core\/alloc function cannot be opened/);
    assert.equal(without.index.std?.problem?.fix, 'install rust-src: rustup component add rust-src');
    assert.match(missingSourceMessage('/rustc/0123abcd/library/core/src/num/mod.rs', false) ?? '', /install rust-src: rustup component add rust-src$/);
    assert.equal(missingSourceMessage(withSrc.stdFile, true), undefined);
  });
});
