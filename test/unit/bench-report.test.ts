import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { evaluateChecklist, type ChecklistInput } from '../../src/core/bench/checklist';
import type { ProfileMetadata } from '../../src/core/pipeline/profile-metadata';
import { escapeHtml, escapeMarkdown, markdownCode } from '../../src/core/report/escape';
import type { ReportData } from '../../src/core/report/report-data';
import { renderReportBody, trendSeries } from '../../src/core/report/report-html';
import { renderReportMarkdown } from '../../src/core/report/report-markdown';
import { standaloneReportPage } from '../../src/core/report/report-style';
import { writeReport } from '../../src/core/report/write-report';
import { clip } from '../../src/core/report/svg-chart';
import { verdictLine } from '../../src/core/bench/verdict-line';
import { describeBenchProgress, readBenchProgress, writeBenchProgress } from '../../src/core/bench/bench-progress';
import { tempDir } from './helpers';
import { sampleResults } from './sample-bench-results';

function metadata(over: Partial<ProfileMetadata> = {}): ProfileMetadata {
  return {
    schema: 1,
    component: 'pipeline',
    createdAt: '2026-12-02T15:00:00.000Z',
    profdata: '/ws/target/pgo/pipeline/pipeline.profdata',
    sizeBytes: 1234,
    sha256: 'abc',
    functions: 40,
    totalCount: 1000,
    maxBlockCount: 100,
    hottest: [
      { name: '_ZN8pipeline5parse17h0E', display: 'pipeline::parse', sum: 600, max: 100 },
      { name: '_ZN8pipeline3mix17h1E', display: 'pipeline::mix<T>', sum: 300, max: 50 },
    ],
    workload: { runId: 'r1', commands: [{ name: 'train', command: ['x'], durationMs: 5, rawFiles: 1 }] },
    toolchain: { rustc: 'rustc 1.95.0', llvm: '22.1.2', host: 'x86_64-unknown-linux-gnu' },
    llvmProfdata: { path: '/usr/bin/llvm-profdata-22', version: '22.1.8' },
    git: {},
    sourceHash: 'src1',
    buildFingerprint: 'fp',
    buildSettings: { profile: 'release', rustflags: [] },
    applied: {
      applied: 95,
      instrumented: 100,
      workspaceApplied: 40,
      workspaceInstrumented: 40,
      usableShare: 0.8,
      missing: 5,
      mismatched: 0,
      perWorkload: [],
      measuredAt: '2026-12-02T15:01:00.000Z',
      optimizedBinaries: [],
    },
    ...over,
  };
}

function reportData(over: Partial<ReportData['components'][number]> = {}): ReportData {
  const history = [
    sampleResults({ startedAt: '2026-11-30T10:00:00.000Z', seed: 100, commit: '1111111aaaa' }),
    sampleResults({ startedAt: '2026-12-01T10:00:00.000Z', seed: 200, commit: '2222222bbbb' }),
    sampleResults({ seed: 300 }),
  ];
  const input: ChecklistInput = { component: 'pipeline', metadata: metadata(), currentSourceHash: 'src1', results: history[2] };
  return {
    generatedAt: '2026-12-02T16:10:00.000Z',
    workspaceRoot: '/ws',
    components: [
      {
        component: 'pipeline',
        history,
        latest: history[2],
        metadata: metadata(),
        hottest: { rows: metadata().hottest, totalCount: 1000 },
        checklist: evaluateChecklist(input),
        maxBinaryBytes: 5_000_000,
        ...over,
      },
    ],
  };
}

describe('report: HTML', () => {
  it('draws a timing chart per benchmark, sizes, build times, hottest functions and the trend', () => {
    const body = renderReportBody(reportData());
    const charts = body.match(/<svg class="pgo-chart"/g) ?? [];
    assert.equal(charts.length, 5, 'timings, sizes, build times, hottest functions, trend');
    for (const label of ['parse: wall time per variant', 'binary size per variant', 'build time per variant', 'hottest functions of the profile', 'speedup against release over earlier runs']) {
      assert.ok(body.includes(`aria-label="${label}"`), label);
    }
    // 4 variants × 12 runs as dots; the limit line of maxBinarySizeMb.
    assert.equal((body.match(/class="pgo-run /g) ?? []).length, 48);
    assert.match(body, /limit 5\.0 MB/);
    assert.match(body, /Ship <strong>lto\+pgo<\/strong>: 1\.\d\d× \[1\.\d\d–1\.\d\d\] faster than release/);
    assert.match(body, /pipeline::mix&lt;T&gt;/);
    assert.match(body, /Tuning checklist/);
  });

  it('says what to run when nothing was benchmarked, and draws no empty chart', () => {
    const body = renderReportBody(reportData({ latest: undefined, history: [], hottest: undefined }));
    assert.match(body, /Not benchmarked yet: run <code>pgo bench pipeline<\/code>/);
    assert.match(body, /No profile yet/);
    assert.equal(body.includes('<svg'), false);
  });

  it('escapes names and commands from the results file', () => {
    const evil = sampleResults({ benchmarkName: '<img src=x onerror=alert(1)>', command: ['sh', '-c', '"</code><script>alert(1)</script>'] });
    const data = reportData({ latest: evil, history: [evil] });
    const page = standaloneReportPage(renderReportBody(data), 'PGO report: <x>');
    assert.equal(/<script|<img/i.test(page), false);
    assert.match(page, /&lt;img src=x onerror=alert\(1\)&gt;/);
    assert.match(page, /<title>PGO report: &lt;x&gt;<\/title>/);
    // Code spans are literal in Markdown (shown, never parsed as HTML); outside them nothing may stay raw.
    const md = renderReportMarkdown(data);
    const outsideCode = md.replace(/(`+)[^`]*?\1/g, '');
    assert.equal(/<script|<img/i.test(outsideCode), false, outsideCode);
    assert.match(md, /### Benchmark `<img src=x onerror=alert\(1\)>`/);
  });

  it('is a self-contained page: no script, no remote or file resource', () => {
    const page = standaloneReportPage(renderReportBody(reportData()), 'PGO report');
    assert.equal(/<script|<link|<iframe|\bsrc=|url\(|@import/i.test(page), false);
    const urls = page.match(/https?:\/\/[^\s"'<>]+/g) ?? [];
    assert.deepEqual([...new Set(urls)], ['http://www.w3.org/2000/svg'], 'only the SVG namespace, which is never fetched');
    assert.match(page, /Content-Security-Policy" content="default-src 'none'/);
  });

  it('plots the trend of each variant against release over the runs', () => {
    const { labels, series } = trendSeries(reportData().components[0]!.history);
    assert.deepEqual(labels, ['11-30 10:00 1111111', '12-01 10:00 2222222', '12-02 16:00 0123456']);
    assert.deepEqual(
      series.map((s) => [s.name, s.points.length]),
      [
        ['pgo', 3],
        ['lto', 3],
        ['lto+pgo', 3],
      ],
    );
  });
});

describe('report: Markdown and files', () => {
  it('tabulates each benchmark with the verdict and the checklist', () => {
    const md = renderReportMarkdown(reportData());
    assert.match(md, /^# Is it faster\? PGO report/);
    assert.match(md, /\*\*Ship lto\+pgo\*\*: 1\.\d\d× \[/);
    assert.match(md, /\| variant \| median \| min – max \| CV \| runs \| vs release \| p \| verdict \|/);
    assert.match(md, /\| release \| \d+\.\d ms \|/);
    assert.match(md, /- ✔ \*\*Profile applied to ≥ 90% of the instrumented functions\*\*/);
  });

  it('escapes Markdown and keeps table cells whole', () => {
    assert.equal(escapeMarkdown('a|b <b>*x*</b>\nnext'), 'a\\|b \\<b\\>\\*x\\*\\</b\\> next');
    assert.equal(escapeMarkdown('# 1. not a heading'), '\\# 1. not a heading');
    assert.equal(escapeMarkdown('1. not a list'), '1\\. not a list');
    assert.equal(markdownCode('run `x` | y'), '``run `x` \\| y``');
    assert.equal(markdownCode('`'), '`` ` ``');
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('writes index.html and report.md, and appends to the GitHub job summary when there is one', () => {
    const root = tempDir();
    const summary = path.join(root, 'step-summary.md');
    fs.writeFileSync(summary, '# earlier step\n');
    const written = writeReport(root, reportData(), { GITHUB_STEP_SUMMARY: summary });
    assert.equal(written.html, path.join(root, 'report', 'index.html'));
    assert.match(fs.readFileSync(written.html, 'utf8'), /^<!DOCTYPE html>/);
    assert.equal(fs.readFileSync(written.markdown, 'utf8'), renderReportMarkdown(reportData()));
    assert.match(fs.readFileSync(summary, 'utf8'), /^# earlier step\n# Is it faster\? PGO report/);
    assert.equal(writeReport(root, reportData(), {}).stepSummary, undefined);
  });
});

describe('tuning checklist', () => {
  const byId = (input: ChecklistInput): Record<string, string> => Object.fromEntries(evaluateChecklist(input).map((i) => [i.id, i.state]));

  it('is all to-do or unknown before anything ran', () => {
    assert.deepEqual(byId({ component: 'pipeline' }), {
      prerequisites: 'unknown',
      workload: 'unknown',
      applied: 'todo',
      fresh: 'todo',
      benchmarked: 'todo',
      size: 'unknown',
      verified: 'todo',
      archived: 'todo',
    });
  });

  it('decides every item from the data', () => {
    const results = sampleResults();
    const done = byId({
      component: 'pipeline',
      doctor: { ok: true, tools: {}, checks: [{ id: 'rustc', title: 'rustc', status: 'ok', message: '1.95' }] },
      metadata: metadata(),
      currentSourceHash: 'src1',
      results,
      verify: { ok: true, at: '2026-12-02T16:20:00.000Z', command: ['cargo', 'test', '--release'], profile: 'abc' },
      maxBinaryBytes: 10_000_000,
      newestArchive: { file: '/ws/pgo-profiles-2026-12-02.tar.gz', mtime: new Date('2026-12-02T16:30:00.000Z') },
    });
    assert.deepEqual(Object.values(done), Array(8).fill('done'));

    const bad = byId({
      component: 'pipeline',
      doctor: { ok: false, tools: {}, checks: [{ id: 'llvm-profdata', title: 'llvm-profdata', status: 'fail', message: 'LLVM 14', fix: 'apt-get install llvm-22' }] },
      metadata: metadata({ applied: { ...metadata().applied!, applied: 10, usableShare: 0.1 } }),
      currentSourceHash: 'edited',
      results: sampleResults({ medians: { parse: { release: 1000, pgo: 1000 } } }),
      verify: { ok: false, at: '2026-12-02T16:20:00.000Z', command: ['cargo', 'test'] },
      maxBinaryBytes: 1_000_000,
      newestArchive: { file: '/ws/pgo-profiles-2026-11-01.tar.gz', mtime: new Date('2026-11-01T00:00:00.000Z') },
    });
    assert.deepEqual(bad, { prerequisites: 'fail', workload: 'warn', applied: 'fail', fresh: 'warn', benchmarked: 'warn', size: 'fail', verified: 'fail', archived: 'todo' });
  });

  it('calls a passing verification stale when it used another profile', () => {
    const items = evaluateChecklist({ component: 'pipeline', metadata: metadata(), verify: { ok: true, at: '2026-12-02T16:20:00.000Z', command: ['cargo', 'test'], profile: 'old' } });
    const v = items.find((i) => i.id === 'verified')!;
    assert.equal(v.state, 'warn');
    assert.match(v.detail, /older profile/);
  });
});

describe('report: chart labels', () => {
  it('shortens a Rust path in the middle, keeping the crate and the last segments', () => {
    assert.equal(clip('pipeline::analysis::TempoMap::tick_to_us', 30), 'pipeline::…::tick_to_us');
    assert.equal(clip('pipeline::analysis::TempoMap::tick_to_us', 36), 'pipeline::…::TempoMap::tick_to_us');
    assert.equal(clip('short', 30), 'short');
    // Generic arguments stay whole: never "core::…::smf::EventKind>".
    assert.equal(clip('core::ptr::drop_in_place<pipeline::smf::EventKind>', 40), '…drop_in_place<pipeline::smf::EventKind>');
    assert.equal(clip('core::ptr::drop_in_place<pipeline::smf::EventKind>', 48), 'core::…::drop_in_place<pipeline::smf::EventKind>');
    assert.equal(clip('averyveryverylongidentifierwithoutpath', 10), '…thoutpath');
  });
});

describe('verdict line and bench progress', () => {
  it('says what to ship in one line', () => {
    const good = sampleResults();
    assert.match(verdictLine(good), /^lto\+pgo: 1\.\d\d× \[1\.\d\d–1\.\d\d\], ship it$/);
    const none = sampleResults({ medians: { parse: { release: 1000, pgo: 1000 } } });
    assert.equal(verdictLine(none), 'no significant difference: keep release');
    const changed = sampleResults();
    changed.benchmarks[0]!.outputCheck.agreed = false;
    changed.cancelled = true;
    assert.equal(verdictLine(changed), 'outputs differ between variants: do not ship (cancelled early)');
  });

  it('writes and reads the progress of a running comparison', () => {
    const root = tempDir();
    assert.equal(readBenchProgress(root, 'pipeline'), undefined);
    writeBenchProgress(root, { component: 'pipeline', benchmark: 'import', round: 3, total: 12, totalIsEstimate: true, etaSeconds: 40 });
    const p = readBenchProgress(root, 'pipeline');
    assert.equal(p?.pid, process.pid);
    assert.equal(describeBenchProgress(p!), 'import: round 3 of ~12, about 40 s left');
    assert.equal(describeBenchProgress({ ...p!, totalIsEstimate: false, etaSeconds: undefined }), 'import: round 3 of 12');
  });
});
