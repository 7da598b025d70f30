import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyWorkspace, REPO, runCli } from './e2e-helpers';

const FIXTURE = path.join(REPO, 'test', 'fixtures', 'bench-app');

/** The checklist's line for an item, from report.md ("- ✔ **Title**: detail"). */
function checklistLine(md: string, title: string): string {
  const line = md.split('\n').find((l) => l.includes(`**${title}`));
  assert.ok(line, `"${title}" in the checklist:\n${md}`);
  return line;
}

describe('pgo report (real cargo, rustc and llvm-profdata)', () => {
  let ws: string;
  before(() => {
    ws = copyWorkspace(FIXTURE, 'pgo-report-');
  });
  after(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('before any benchmark: says what to run, and the checklist is all to do', () => {
    const summary = path.join(ws, 'step-summary.md');
    const r = runCli(['report', 'crunch', '--workspace', ws], { GITHUB_STEP_SUMMARY: summary });
    assert.equal(r.status, 0, r.output);
    const md = fs.readFileSync(path.join(ws, 'target', 'pgo', 'report', 'report.md'), 'utf8');
    assert.match(md, /Not benchmarked yet: run `pgo bench crunch`/);
    assert.match(checklistLine(md, 'Benchmarks show a significant improvement'), /^- ○ /);
    assert.equal(fs.readFileSync(summary, 'utf8'), `${md}\n`, 'the Markdown went to the job summary too');
    assert.match(r.stdout, /crunch: not benchmarked yet/);
  });

  it('after bench, verify and archive: plots in index.html, every item decided from the files', () => {
    assert.equal(runCli(['bench', 'crunch', '--runs', '3', '--workspace', ws]).status, 0);
    const verify = runCli(['verify', 'crunch', '--workspace', ws]);
    assert.equal(verify.status, 0, verify.output);
    const archive = runCli(['archive', '--workspace', ws]);
    assert.equal(archive.status, 0, archive.output);

    const r = runCli(['report', 'crunch', '--workspace', ws, '--json']);
    assert.equal(r.status, 0, r.output);
    const written = JSON.parse(r.stdout) as { html: string; markdown: string };
    const html = fs.readFileSync(written.html, 'utf8');
    // Timings, sizes, build times and the hottest functions (from the profile, read by llvm-profdata).
    const charts = html.match(/<svg class="pgo-chart"[^>]*aria-label="([^"]+)"/g) ?? [];
    assert.equal(charts.length, 4, charts.join('\n'));
    assert.match(html, /aria-label="other-seed: wall time per variant"/);
    assert.equal((html.match(/class="pgo-run /g) ?? []).length, 9, '3 variants × 3 runs as dots');
    assert.equal(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/.test(html), false, 'self-contained');

    const md = fs.readFileSync(written.markdown, 'utf8');
    assert.match(md, /\| release \| [\d.]+ ms \|/);
    // 3 runs a side cannot be significant: the report says so instead of guessing.
    assert.match(md, /\*\*Keep release\*\*/);
    assert.match(checklistLine(md, 'Benchmarks show a significant improvement'), /^- ! .*in 3 rounds/);
    assert.match(checklistLine(md, 'Tests pass on the optimized build'), /^- ✔ .*cargo test/);
    assert.match(checklistLine(md, 'Profile archived'), /^- ✔ .*pgo-profiles-/);
    assert.match(checklistLine(md, 'Profile recorded from the current sources'), /^- ✔ /);
    assert.match(checklistLine(md, 'Profile applied to'), /^- [✔✖] \*\*Profile applied to ≥ 90% of the instrumented functions\*\*: \d+ of \d+ functions/);

    // An edited source makes the profile stale, and the report says so.
    const main = path.join(ws, 'src', 'main.rs');
    fs.appendFileSync(main, '\n// edited\n');
    const again = runCli(['report', 'crunch', '--workspace', ws]);
    assert.equal(again.status, 0, again.output);
    assert.match(checklistLine(fs.readFileSync(written.markdown, 'utf8'), 'Profile recorded from the current sources'), /^- ! .*the sources changed/);
  });
});
