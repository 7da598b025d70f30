import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Writes a 100,000-function profile in LLVM's text format and its source index (1,000 files), for
 * the responsiveness test. Run as a separate process (`node synthetic-profile.js DIR SOURCES`), so
 * the test's own megabytes of strings never sit in the extension host's heap it measures.
 */
const FUNCTIONS = 100_000;
const [dir, sources] = process.argv.slice(2);
if (!dir || !sources) throw new Error('usage: synthetic-profile.js OUT_DIR SOURCE_ROOT');
const mangled = (i: number): string => `_ZN3daw5synth${`f${i}`.length}f${i}17h${i.toString(16).padStart(16, '0')}E`;

const lines: string[] = ['# IR level Instrumentation Flag', ':ir'];
for (let i = 0; i < FUNCTIONS; i++) lines.push(mangled(i), '# Func Hash:', String(1000 + i), '# Num Counters:', '4', '# Counter Values:', String(i), '1', '2', String(i % 97), '');
fs.writeFileSync(path.join(dir, 'synthetic.proftext'), `${lines.join('\n')}\n`);

const files: Record<string, unknown[]> = {};
for (let i = 0; i < FUNCTIONS; i++) {
  const heat = { line: 1 + (i % 100) * 3, signature: `fn f${i}() {`, display: `daw::synth::f${i}`, records: [mangled(i)], sum: i + 3 + (i % 97), max: i, counters: 4, share: 0, tier: 'cold', blockCounts: [i, 1, 2, i % 97] };
  (files[path.join(sources, `part${Math.floor(i / 100)}.rs`)] ??= []).push(heat);
}
const index = { schema: 1, profileSha256: '', totalCount: 1, thresholds: { hot: 1e9, warm: 1e9, totalCount: 1 }, files, external: 0, unmapped: 0, mapping: { method: 'synthetic' } };
fs.writeFileSync(path.join(dir, 'daw.profdata.index.json'), JSON.stringify(index));
