// Bundled by scripts/bench-profile.mjs (esbuild) and run in a child process per measurement, so
// each figure has its own process.resourceUsage().maxRSS. Prints one JSON line on stdout.
//   baseline                         load this bundle, do nothing (the RSS to subtract)
//   read <llvm-profdata> <profdata>  readProfile(): llvm-profdata show + our parser, as the engine runs it
//   read-keep <llvm-profdata> <profdata>  the same with keepBlockCounts
//   parse <show-output.txt>          parse only: stream pre-captured show text through ShowOutputParser
import * as fs from 'node:fs';
import * as readline from 'node:readline';
import type { ProfileFunction, ProfileSummary } from '../src/core/profile/profile-model';
import { readProfile } from '../src/core/profile/read-profile';
import { ShowOutputParser } from '../src/core/profile/show-output-parser';

async function parseFile(file: string): Promise<{ functions: ProfileFunction[]; summary: ProfileSummary }> {
  const functions: ProfileFunction[] = [];
  const parser = new ShowOutputParser((f) => functions.push(f));
  const rl = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  for await (const line of rl) parser.feed(line);
  return { functions, summary: parser.end() };
}

async function main(): Promise<void> {
  const [mode = 'baseline', a = '', b = ''] = process.argv.slice(2);
  const start = process.hrtime.bigint();
  let data: { functions: ProfileFunction[]; summary: ProfileSummary } | undefined;
  if (mode === 'read') data = await readProfile(a, b);
  else if (mode === 'read-keep') data = await readProfile(a, b, { keepBlockCounts: true });
  else if (mode === 'parse') data = await parseFile(a);
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
