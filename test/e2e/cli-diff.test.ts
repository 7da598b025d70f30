import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ProfileFilesDiff } from '../../src/core/profile/profile-diff';
import { copyWorkspace, REPO, runCli } from './e2e-helpers';

/** A program before and after an edit: checksum works more, parse_header less, legacy_scan is replaced by fast_scan. */
const BEFORE = `
#[inline(never)]
fn parse_header(n: u64) -> u64 { let mut h = n; for _ in 0..24 { h = h.rotate_left(5) ^ 0x9e37; } h }
#[inline(never)]
fn checksum(n: u64) -> u64 { let mut c = 0u64; for i in 0..(n % 8) { c = c.wrapping_add(i.wrapping_mul(n)); } c }
#[inline(never)]
fn legacy_scan(n: u64) -> u64 { let mut s = 0u64; for i in 0..16 { s ^= n.wrapping_mul(i); } s }
fn main() {
    let rounds: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let mut total = 0u64;
    for i in 0..rounds { total = total.wrapping_add(parse_header(i) ^ checksum(i) ^ legacy_scan(i)); }
    println!("total: {total}");
}
`;
const AFTER = `
#[inline(never)]
fn parse_header(n: u64) -> u64 { let mut h = n; for _ in 0..4 { h = h.rotate_left(5) ^ 0x9e37; } h }
#[inline(never)]
fn checksum(n: u64) -> u64 { let mut c = 0u64; for i in 0..(n % 64) { c = c.wrapping_add(i.wrapping_mul(n)); } c }
#[inline(never)]
fn fast_scan(n: u64) -> u64 { let mut s = 0u64; for i in 0..16 { s ^= n.wrapping_mul(i); } s }
fn main() {
    let rounds: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let mut total = 0u64;
    for i in 0..rounds { total = total.wrapping_add(parse_header(i) ^ checksum(i) ^ fast_scan(i)); }
    println!("total: {total}");
}
`;

/** `pgo diff A B` on real profiles of a real program before and after an edit, and the previous profile a merge keeps. */
describe('pgo diff: two real profiles compared', function () {
  this.timeout(15 * 60_000);
  let ws = '';
  let baseline = '';
  const profile = (): string => path.join(ws, 'target', 'pgo', 'spin', 'spin.profdata');
  const previous = (): string => path.join(ws, 'target', 'pgo', 'spin', 'previous', 'spin.profdata');
  const recordProfile = (source: string): void => {
    fs.writeFileSync(path.join(ws, 'src', 'main.rs'), source);
    for (const args of [['instrument'], ['workload', '--size', '20000'], ['merge']]) {
      const r = runCli([...args, '--workspace', ws]);
      assert.equal(r.status, 0, `pgo ${args.join(' ')}: ${r.output}`);
    }
  };

  before(() => {
    ws = copyWorkspace(path.join(REPO, 'test', 'fixtures', 'tiny-app'), 'pgo-diff-');
    recordProfile(BEFORE);
    assert.ok(!fs.existsSync(previous()), 'the first merge replaces nothing, so keeps no previous profile');
    baseline = path.join(ws, 'before.profdata');
    fs.copyFileSync(profile(), baseline);
    recordProfile(AFTER);
  });
  after(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('a merge keeps the profile it replaced as previous/, with its metadata and source index', () => {
    assert.deepEqual(fs.readFileSync(previous()), fs.readFileSync(baseline));
    const meta = JSON.parse(fs.readFileSync(`${previous()}.json`, 'utf8')) as { sha256: string };
    const index = JSON.parse(fs.readFileSync(`${previous()}.index.json`, 'utf8')) as { profileSha256: string };
    assert.equal(index.profileSha256, meta.sha256);
    // Merging the same run again gives the same bytes: the older previous profile stays.
    const again = runCli(['merge', '--workspace', ws]);
    assert.equal(again.status, 0, again.output);
    assert.deepEqual(fs.readFileSync(previous()), fs.readFileSync(baseline));
  });

  it('--json: hotter, colder, new and vanished hot functions of the edit', () => {
    const r = runCli(['diff', previous(), profile(), '--json', '--workspace', ws]);
    assert.equal(r.status, 0, r.output);
    const d = JSON.parse(r.stdout) as ProfileFilesDiff;
    const names = (rows: { display: string }[]): string[] => rows.map((x) => x.display);
    assert.ok(names(d.hotter).includes('spin::checksum'), JSON.stringify(d.hotter));
    assert.ok(names(d.colder).includes('spin::parse_header'), JSON.stringify(d.colder));
    assert.ok(names(d.appeared).includes('spin::fast_scan'), JSON.stringify(d.appeared));
    assert.ok(names(d.vanished).includes('spin::legacy_scan'), JSON.stringify(d.vanished));
    assert.ok(!names(d.appeared).includes('spin::checksum') && !names(d.vanished).includes('spin::checksum'));
    const checksum = d.hotter.find((x) => x.display === 'spin::checksum');
    assert.ok(checksum && checksum.shareB > checksum.shareA && checksum.sumA > 0 && checksum.sumB > 0, JSON.stringify(checksum));
    assert.ok(d.overlap > 0 && d.overlap < 1, String(d.overlap));
    assert.equal(d.identical, false);
    assert.equal(d.formatVersionA, d.formatVersionB);
  });

  it('prints the lists as text', () => {
    const r = runCli(['diff', previous(), profile(), '--workspace', ws]);
    assert.equal(r.status, 0, r.output);
    assert.match(r.stdout, /^overlap: \d+% /m);
    assert.match(r.stdout, /hotter in B[^\n]*\n[^\n]*\n[^\n]*spin::checksum/);
    assert.match(r.stdout, /hot in B, not in A\n[^\n]*\n(?:[^\n]+\n)*?[^\n]*spin::fast_scan/);
    assert.match(r.stdout, /hot in A, gone from B\n[^\n]*\n(?:[^\n]+\n)*?[^\n]*spin::legacy_scan/);
  });

  it('says so when both files hold the same profile', () => {
    const r = runCli(['diff', baseline, previous(), '--workspace', ws]);
    assert.equal(r.status, 0, r.output);
    assert.match(r.stdout, /note: A and B hold the same bytes/);
    assert.match(r.stdout, /overlap: 100% /);
  });

  it('names each bad input and its fix: missing file, not a profile, the same file twice, a newer format, a damaged file', () => {
    const missing = runCli(['diff', path.join(ws, 'nope.profdata'), profile(), '--workspace', ws]);
    assert.equal(missing.status, 2, missing.output);
    assert.match(missing.stderr, /A: \S+nope\.profdata does not exist/);

    const notProfile = runCli(['diff', profile(), path.join(ws, 'Cargo.toml'), '--workspace', ws]);
    assert.equal(notProfile.status, 2, notProfile.output);
    assert.match(notProfile.stderr, /B: \S+Cargo\.toml is not an LLVM indexed profile/);

    const same = runCli(['diff', profile(), path.join(ws, 'target', 'pgo', 'spin', '..', 'spin', 'spin.profdata'), '--workspace', ws]);
    assert.equal(same.status, 2, same.output);
    assert.match(same.stderr, /A and B are the same file/);

    // A profile from a newer LLVM: its header's format version is one above what this llvm-profdata writes.
    const bytes = fs.readFileSync(profile());
    const version = bytes.readBigUInt64LE(8);
    const newer = Buffer.from(bytes);
    newer.writeBigUInt64LE(version + 1n, 8);
    const newerFile = path.join(ws, 'newer.profdata');
    fs.writeFileSync(newerFile, newer);
    const n = runCli(['diff', profile(), newerFile, '--workspace', ws]);
    assert.equal(n.status, 3, n.output);
    assert.match(n.stderr, new RegExp(`cannot read \\S+newer\\.profdata: its profile format \\(version ${Number(version & 0xffffffffn) + 1}\\) is newer than this llvm-profdata reads`));
    assert.match(n.stderr, /fix: read it with the llvm-profdata of the toolchain that made it/i);

    const damaged = path.join(ws, 'damaged.profdata');
    fs.writeFileSync(damaged, bytes.subarray(0, 100));
    const dmg = runCli(['diff', profile(), damaged, '--workspace', ws]);
    assert.notEqual(dmg.status, 0, dmg.output);
    assert.match(dmg.stderr, /damaged\.profdata is damaged: .*; the file is probably truncated or overwritten/);
    assert.doesNotMatch(dmg.stderr, /Stack dump|PrintStackTrace/);
  });
});
