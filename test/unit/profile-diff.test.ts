import assert from 'node:assert/strict';
import { parseCliArgs } from '../../src/cli/cli-args';
import { diffProfiles } from '../../src/core/profile/profile-diff';
import type { ProfileFunction } from '../../src/core/profile/profile-model';
import { formatProfileDiff } from '../../src/core/report/profile-diff-table';

const fn = (name: string, sum: number): ProfileFunction => ({ name, hash: '0x1', counters: 1, sum, max: sum });

describe('pgo diff: two profiles compared by function', () => {
  // A and B: the same program before and after an edit (every symbol hash changed).
  const a = [
    fn('_ZN4midi5parse17haaaaaaaaaaaaaaaaE', 600),
    fn('midi.cgu;_ZN4midi3vlq17hbbbbbbbbbbbbbbbbE', 300),
    fn('_ZN4midi3old17hccccccccccccccccE', 100),
  ];
  const b = [
    fn('_ZN4midi5parse17h1111111111111111E', 500),
    fn('midi.cgu;_ZN4midi3vlq17h2222222222222222E', 1500),
    fn('_ZN4midi3new17h3333333333333333E', 1000),
    fn('_ZN4midi3new17h4444444444444444E', 1000), // a second instance of one name: summed
  ];

  it('matches functions by name across symbol hashes and lists hotter, colder, new and vanished ones by share', () => {
    const d = diffProfiles(a, b);
    assert.equal(d.totalA, 1000);
    assert.equal(d.totalB, 4000);
    assert.deepEqual(d.hotter.map((x) => [x.display, x.shareA, x.shareB]), [['midi::vlq', 0.3, 0.375]]);
    assert.deepEqual(d.colder.map((x) => [x.display, x.shareA, x.shareB]), [['midi::parse', 0.6, 0.125]]);
    assert.deepEqual(d.appeared.map((x) => [x.display, x.sumB]), [['midi::new', 2000]]);
    assert.deepEqual(d.vanished.map((x) => [x.display, x.sumA]), [['midi::old', 100]]);
    assert.equal(Math.round(d.overlap * 1000) / 1000, 0.425); // min(0.6, 0.125) + min(0.3, 0.375)
    assert.ok(Math.abs(diffProfiles(a, a).overlap - 1) < 1e-12);
  });

  it('prints the comparison, and the CLI takes exactly two files', () => {
    const text = formatProfileDiff(diffProfiles(a, b), { a: 'a.profdata', b: 'b.profdata' });
    assert.match(text, /overlap: 43% /);
    assert.match(text, /hot in B, not in A\n.*\n.*midi::new/);
    assert.deepEqual([parseCliArgs(['diff', 'a.profdata', 'b.profdata'], '/').file, parseCliArgs(['diff', 'a.profdata', 'b.profdata'], '/').file2], ['a.profdata', 'b.profdata']);
    assert.throws(() => parseCliArgs(['diff', 'a.profdata'], '/'), /diff needs two \.profdata files/);
    assert.throws(() => parseCliArgs(['diff', 'a', 'b', 'c'], '/'), /unexpected argument "c"/);
  });
});
