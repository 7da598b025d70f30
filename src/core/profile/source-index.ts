import * as fs from 'node:fs';
import * as path from 'node:path';
import { genericKey } from '../demangle';
import { displayName } from './hot-functions';
import type { Thresholds, Tier } from './hotness';
import { tierOf } from './hotness';
import type { ProfileFunction } from './profile-model';
import { functionHash } from './rust-fn-body';
import { readJson } from '../util/read-json';

/**
 * The profile, keyed by source file: what an editor needs to annotate one document without
 * scanning the whole profile. Built once per profile (at merge) and stored beside it.
 */
export interface FunctionHeat {
  /** 1-based line of the `fn` when the profile was recorded. */
  line: number;
  /** The trimmed text of that line: finds the function again after edits moved it. */
  signature: string;
  /** Hash of the function's text then: a different hash now means the numbers are stale. */
  bodyHash?: string;
  display: string;
  /** Record names: several for a generic function's monomorphizations. */
  records: string[];
  sum: number;
  max: number;
  counters: number;
  /** Share (0..1) of the profile's total count. */
  share: number;
  tier: Tier;
  /** Counters of the hottest instance, for the distribution view. */
  blockCounts?: number[];
}

export interface SourceIndex {
  schema: 1;
  profileSha256: string;
  totalCount: number;
  thresholds: Thresholds;
  /** Absolute file path → functions in it, by line. */
  files: Record<string, FunctionHeat[]>;
  /** Profiled functions whose source is outside the workspace (std, dependencies): listed, not decorated. */
  external: number;
  /** Workspace functions with no known location. */
  unmapped: number;
  mapping: { method: string; problem?: { message: string; fix: string } };
}

export interface SourceLocationLike {
  file: string;
  line: number;
}

export function buildSourceIndex(opts: {
  functions: readonly ProfileFunction[];
  locations: ReadonlyMap<string, SourceLocationLike>;
  mangledOf: (recordName: string) => string;
  workspaceRoot: string;
  targetDirectory: string;
  thresholds: Thresholds;
  profileSha256: string;
  mapping: SourceIndex['mapping'];
}): SourceIndex {
  const total = opts.thresholds.totalCount || 1;
  const byLocation = new Map<string, FunctionHeat & { file: string }>();
  let external = 0;
  let unmapped = 0;
  const sources = new Map<string, string[] | null>();
  const readLines = (file: string): string[] | null => {
    if (!sources.has(file)) {
      try {
        sources.set(file, fs.readFileSync(file, 'utf8').split(/\r?\n/));
      } catch {
        sources.set(file, null);
      }
    }
    return sources.get(file) ?? null;
  };
  const inWorkspace = (file: string): boolean => {
    const rel = path.relative(opts.workspaceRoot, file);
    const relTarget = path.relative(opts.targetDirectory, file);
    return !rel.startsWith('..') && !path.isAbsolute(rel) && (relTarget.startsWith('..') || path.isAbsolute(relTarget));
  };
  for (const f of opts.functions) {
    const loc = opts.locations.get(opts.mangledOf(f.name));
    if (!loc) {
      unmapped++;
      continue;
    }
    if (!inWorkspace(loc.file)) {
      external++;
      continue;
    }
    const key = `${loc.file}:${loc.line}`;
    const existing = byLocation.get(key);
    if (existing) {
      // Monomorphizations of one generic function share its source line: one entry, summed.
      existing.records.push(f.name);
      existing.sum += f.sum;
      if (f.max > existing.max) {
        existing.max = f.max;
        existing.blockCounts = f.blockCounts;
        existing.counters = f.counters;
      }
      continue;
    }
    const lines = readLines(loc.file);
    const display = displayName(f.name);
    byLocation.set(key, {
      file: loc.file,
      line: loc.line,
      signature: lines?.[loc.line - 1]?.trim() ?? '',
      bodyHash: lines ? functionHash(lines, loc.line - 1) : undefined,
      display: display.includes('<') ? genericKey(display) : display,
      records: [f.name],
      sum: f.sum,
      max: f.max,
      counters: f.counters,
      share: 0,
      tier: 'cold',
      blockCounts: f.blockCounts,
    });
  }
  const files: Record<string, FunctionHeat[]> = {};
  for (const { file, ...heat } of byLocation.values()) {
    heat.share = heat.sum / total;
    heat.tier = tierOf(heat.max, opts.thresholds);
    (files[file] ??= []).push(heat);
  }
  for (const list of Object.values(files)) list.sort((a, b) => a.line - b.line);
  return {
    schema: 1,
    profileSha256: opts.profileSha256,
    totalCount: opts.thresholds.totalCount,
    thresholds: opts.thresholds,
    files,
    external,
    unmapped,
    mapping: opts.mapping,
  };
}

/** The `n` hottest workspace functions of an index (largest total count first), with their files. */
export function hottestHeats(index: SourceIndex, n: number): { file: string; heat: FunctionHeat }[] {
  return Object.entries(index.files)
    .flatMap(([file, heats]) => heats.map((heat) => ({ file, heat })))
    .sort((a, b) => b.heat.sum - a.heat.sum)
    .slice(0, n);
}

export function readSourceIndex(file: string): SourceIndex | undefined {
  const idx = readJson<SourceIndex>(file);
  return idx?.schema === 1 ? idx : undefined;
}
