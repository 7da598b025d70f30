import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../util/atomic-write';
import { readJson } from '../util/read-json';
import { BENCH_RESULTS_VERSION, type BenchResults } from './bench-results';

/** `<artifact root>/bench/<component>`: one results file per `pgo bench` run, plus latest.json. */
export function benchResultsDir(artifactRoot: string, component: string): string {
  return path.join(artifactRoot, 'bench', component);
}

export function latestResultsFile(artifactRoot: string, component: string): string {
  return path.join(benchResultsDir(artifactRoot, component), 'latest.json');
}

/** `results-2026-12-02T16-30-00.123Z.json`: sortable, and valid on Windows (no ":"). */
export function resultsFileName(startedAt: string): string {
  return `results-${startedAt.replace(/:/g, '-')}.json`;
}

/** Write the run's own file (never overwritten) and latest.json; returns the run's file. */
export function writeBenchResults(artifactRoot: string, results: BenchResults): string {
  const dir = benchResultsDir(artifactRoot, results.component);
  const text = `${JSON.stringify(results, null, 2)}\n`;
  let file = path.join(dir, resultsFileName(results.startedAt));
  // Two runs started in the same millisecond (tests): keep both.
  for (let i = 2; fs.existsSync(file); i++) file = path.join(dir, resultsFileName(results.startedAt).replace(/\.json$/, `-${i}.json`));
  writeFileAtomic(file, text);
  writeFileAtomic(latestResultsFile(artifactRoot, results.component), text);
  return file;
}

/** The results of a component's runs, oldest first (files of another version are skipped). */
export function listBenchResults(artifactRoot: string, component: string): { file: string; results: BenchResults }[] {
  const dir = benchResultsDir(artifactRoot, component);
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => /^results-.*\.json$/.test(n)).sort();
  } catch {
    return [];
  }
  const out: { file: string; results: BenchResults }[] = [];
  for (const n of names) {
    const r = readJson<BenchResults>(path.join(dir, n));
    if (r?.version === BENCH_RESULTS_VERSION) out.push({ file: path.join(dir, n), results: r });
  }
  return out;
}

export function readLatestBenchResults(artifactRoot: string, component: string): BenchResults | undefined {
  const r = readJson<BenchResults>(latestResultsFile(artifactRoot, component));
  return r?.version === BENCH_RESULTS_VERSION ? r : undefined;
}
