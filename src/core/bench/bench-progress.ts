import * as path from 'node:path';
import { writeFileAtomic } from '../util/atomic-write';
import { readJson } from '../util/read-json';
import { benchResultsDir } from './results-store';

/**
 * `<artifact root>/bench/<component>/progress.json`: where a running `pgo bench` is, for the
 * editor's progress notification (a task terminal's text cannot be read by an extension).
 * Written once per round; tiny, replaced atomically.
 */
export interface BenchProgress {
  component: string;
  benchmark: string;
  /** 1-based round being measured, and the expected total (an estimate when adaptive). */
  round: number;
  total: number;
  totalIsEstimate: boolean;
  /** Seconds left for this benchmark, once a round has been timed. */
  etaSeconds?: number;
  pid: number;
  updatedAt: string;
}

export function benchProgressFile(artifactRoot: string, component: string): string {
  return path.join(benchResultsDir(artifactRoot, component), 'progress.json');
}

export function writeBenchProgress(artifactRoot: string, p: Omit<BenchProgress, 'pid' | 'updatedAt'>): void {
  const full: BenchProgress = { ...p, pid: process.pid, updatedAt: new Date().toISOString() };
  try {
    writeFileAtomic(benchProgressFile(artifactRoot, p.component), `${JSON.stringify(full)}\n`);
  } catch {
    /* progress is a courtesy: never fail a measurement over it */
  }
}

export function readBenchProgress(artifactRoot: string, component: string): BenchProgress | undefined {
  const p = readJson<BenchProgress>(benchProgressFile(artifactRoot, component));
  return p && typeof p.round === 'number' && typeof p.total === 'number' ? p : undefined;
}

/** "round 3 of ~12, about 40 s left": the notification's text. */
export function describeBenchProgress(p: BenchProgress): string {
  const eta = p.etaSeconds !== undefined ? `, about ${p.etaSeconds < 90 ? `${p.etaSeconds} s` : `${Math.round(p.etaSeconds / 60)} min`} left` : '';
  return `${p.benchmark}: round ${p.round} of ${p.totalIsEstimate ? '~' : ''}${p.total}${eta}`;
}
