// Bundled by scripts/bench-profile.mjs (esbuild) and run in a child process per measurement, so
// each figure has its own process.resourceUsage().maxRSS. Prints one JSON line on stdout.
//   baseline                         load this bundle, do nothing (the RSS to subtract)
//   read <llvm-profdata> <profdata>  readProfile(): llvm-profdata show + our parser, as the engine runs it
//   read-keep <llvm-profdata> <profdata>  the same with keepBlockCounts
//   parse <show-output.txt>          parse only: stream pre-captured show text through ShowOutputParser
//   annotate                         lenses + decorations for a 5,000-line file with 500 profiled functions
//   dwarf-builtin <binary> <llvm-bin-dir>   the source lookup with the built-in DWARF reader (the engine's first path)
//   dwarf-tools <binary> <llvm-bin-dir>     the same lookup through llvm-dwarfdump (the fallback), in the same run
import * as fs from 'node:fs';
import * as readline from 'node:readline';
import type { ProfileFunction, ProfileSummary } from '../src/core/profile/profile-model';
import { readProfile } from '../src/core/profile/read-profile';
import { ShowOutputParser } from '../src/core/profile/show-output-parser';
import { annotateFile } from '../src/core/profile/file-annotations';
import { functionHash } from '../src/core/profile/rust-fn-body';
import type { FunctionHeat } from '../src/core/profile/source-index';
import { splitProfileName } from '../src/core/demangle';
import { instrumentedFunctionNames } from '../src/core/profile/elf-prf-names';
import { lookupSourceLocations } from '../src/core/profile/source-locations';

/** One editor update: annotateFile on the document's text, as the extension runs it (median of 30). */
function annotateBench(): { msUnchanged: number; msShifted: number; annotations: number } {
  const lines: string[] = [];
  const heats: FunctionHeat[] = [];
  for (let f = 0; f < 500; f++) {
    const start = lines.length;
    lines.push(`pub fn work_${f}(data: &[u8], n: usize) -> u64 {`, '    let mut acc = 0u64;', '    for (i, b) in data.iter().enumerate() {',
      `        if i % ${f + 2} == 0 { acc = acc.wrapping_add(*b as u64); } else { acc ^= "x}".len() as u64; }`, '    }',
      '    // a comment with { braces }', `    acc.wrapping_mul(${f + 1})`, '}', '', '');
    const tier = f % 10 === 0 ? 'hot' : f % 3 === 0 ? 'warm' : 'cold';
    heats.push({ line: start + 1, signature: lines[start] ?? '', bodyHash: functionHash(lines, start), display: `bench::work_${f}`, records: [`_ZN5bench6work_${f}17h0000000000000000E`], sum: 1000 * (500 - f), max: 100 * (500 - f), counters: 6, share: 0.001, tier, blockCounts: [1, 2, 3] });
  }
  const time = (text: string[]): number => {
    const runs: number[] = [];
    let n = 0;
    for (let i = 0; i < 30; i++) {
      const t = process.hrtime.bigint();
      n = annotateFile(heats, text, { source: 'bench' }).length;
      runs.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    if (n !== 500) throw new Error(`annotated ${n} functions, expected 500`);
    return runs.sort((a, b) => a - b)[runs.length >> 1] ?? 0;
  };
  // The editor hands over the whole text on each update: include the split, as the extension does.
  const joined = lines.join('\n');
  const msUnchanged = time(joined.split('\n'));
  const msShifted = time(['// an inserted line', ...joined.split('\n')]);
  return { msUnchanged, msShifted, annotations: 500 };
}

async function parseFile(file: string): Promise<{ functions: ProfileFunction[]; summary: ProfileSummary }> {
  const functions: ProfileFunction[] = [];
  const parser = new ShowOutputParser((f) => functions.push(f));
  // Line events, as runStreaming() delivers llvm-profdata's output to readProfile().
  const input = fs.createReadStream(file);
  const rl = readline.createInterface({ input, crlfDelay: Infinity });
  rl.on('line', (line) => parser.feed(line));
  await new Promise<void>((resolve, reject) => {
    rl.once('close', resolve);
    input.once('error', reject);
  });
  return { functions, summary: parser.end() };
}

async function main(): Promise<void> {
  const [mode = 'baseline', a = '', b = ''] = process.argv.slice(2);
  const start = process.hrtime.bigint();
  let data: { functions: ProfileFunction[]; summary: ProfileSummary } | undefined;
  if (mode === 'read') data = await readProfile(a, b);
  else if (mode === 'read-keep') data = await readProfile(a, b, { keepBlockCounts: true });
  else if (mode === 'parse') data = await parseFile(a);
  else if (mode === 'annotate') {
    process.stdout.write(`${JSON.stringify({ mode, lines: 5000, ...annotateBench() })}\n`);
    return;
  }
  else if (mode === 'dwarf-builtin' || mode === 'dwarf-tools') {
    const names = new Set((instrumentedFunctionNames(a) ?? []).map((n) => splitProfileName(n).mangled));
    const t = process.hrtime.bigint();
    const r = await lookupSourceLocations({ binaries: [a], llvmBinDir: b, mangledNames: names, builtinReader: mode === 'dwarf-builtin' });
    const lookupMs = Number(process.hrtime.bigint() - t) / 1e6;
    const maxRssKb = process.resourceUsage().maxRSS;
    process.stdout.write(`${JSON.stringify({ mode, ms: lookupMs, maxRssKb, names: names.size, mapped: r.locations.size, method: r.method, locations: [...r.locations].map(([n, l]) => `${n} ${l.file}:${l.line}`).sort() })}\n`);
    return;
  }
  else if (mode !== 'baseline') throw new Error(`unknown mode ${mode}`);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  // Read the high-water mark while the records are still referenced: they are what costs memory.
  const maxRssKb = process.resourceUsage().maxRSS;
  let sum = 0;
  for (const f of data?.functions ?? []) sum += f.sum;
  process.stdout.write(
    `${JSON.stringify({ mode, ms, maxRssKb, functions: data?.functions.length ?? 0, sum, totalCount: data?.summary.totalCount ?? 0 })}\n`,
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
