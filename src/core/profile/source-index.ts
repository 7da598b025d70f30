import * as fs from 'node:fs';
import { crateOf, genericKey } from '../demangle';
import { RUST_SRC_FIX } from '../toolchain/rust-src';
import { displayName } from './hot-functions';
import { groupByOrigin, type OriginShare } from './origin-share';
import type { HotnessCutoffs, Thresholds, Tier } from './hotness';
import { ThresholdBuilder, tierOf } from './hotness';
import { OriginClassifier, type OriginKind, type SourceOrigin } from './source-origin';
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
  /** Where the source is: this workspace, a dependency crate, std/core/alloc. */
  origin?: OriginKind;
  crate?: string;
  /** Workspace functions: the tier among the workspace's own counts (hot even when dependencies dominate). */
  ownTier?: Tier;
  /** Workspace functions: 1 = the hottest of the workspace's own functions (by total count). */
  ownRank?: number;
}

export interface SourceIndex {
  schema: 1;
  profileSha256: string;
  totalCount: number;
  thresholds: Thresholds;
  /** Absolute file path → functions in it, by line. */
  files: Record<string, FunctionHeat[]>;
  /** Indexed functions whose source is outside the workspace (std, dependencies): annotated in their own files. */
  external: number;
  /** Profiled functions with no known location. */
  unmapped: number;
  mapping: { method: string; problem?: { message: string; fix: string } };
  /** Hot/warm thresholds over the workspace's own functions' counters only. */
  ownThresholds?: Thresholds;
  /** Every profiled function grouped by where it comes from, hottest origin first. */
  origins?: OriginShare[];
  /**
   * std/core/alloc functions: opened in the local rust-src, or (without it) listed under the
   * debug info's `/rustc/<hash>/library/…` paths, which do not exist here: then `problem` says so.
   */
  std?: { rustSrc?: string; problem?: { message: string; fix: string } };
}

export interface SourceLocationLike {
  file: string;
  line: number;
}

/** Crates of the standard library distribution (a symbol's crate when its file is unknown). */
const STD_CRATES = new Set(['std', 'core', 'alloc', 'proc_macro', 'test', 'panic_unwind', 'panic_abort', 'std_detect', 'unwind', 'compiler_builtins']);

export interface IndexMember {
  /** The package name. */
  name: string;
  /** The package directory. */
  root: string;
  /** Crate names of its targets (`midi_import` for the bin `midi-import`). */
  crates: string[];
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
  /** The workspace's member packages; default: everything under workspaceRoot is the workspace. */
  members?: readonly IndexMember[];
  /** The local rust-src `library` directory, when installed. */
  rustSrcLibrary?: string;
  /** For the workspace's own tiers (default: the profile's cutoffs). */
  cutoffs?: HotnessCutoffs;
}): SourceIndex {
  const total = opts.thresholds.totalCount || 1;
  const members = opts.members ?? [];
  const classifier = new OriginClassifier({
    workspaceRoot: opts.workspaceRoot,
    targetDirectory: opts.targetDirectory,
    members,
    rustSrcLibrary: opts.rustSrcLibrary,
  });
  const packageOfCrate = new Map<string, string>();
  for (const m of members) for (const c of [m.name, ...m.crates]) packageOfCrate.set(c.replace(/-/g, '_'), m.name);
  /** Without a location, the symbol's crate tells the origin. */
  const originOfSymbol = (recordName: string): SourceOrigin => {
    const crate = crateOf(displayName(recordName)) ?? '(unknown)';
    const pkg = packageOfCrate.get(crate);
    if (pkg) return { kind: 'workspace', crate: pkg };
    if (STD_CRATES.has(crate)) return { kind: 'std', crate };
    return { kind: crate === '(unknown)' ? 'unknown' : 'dependency', crate };
  };
  const byLocation = new Map<string, FunctionHeat & { file: string }>();
  let external = 0;
  let unmapped = 0;
  let stdUnavailable = 0;
  const ownCounters = new ThresholdBuilder();
  const originOf: { origin: SourceOrigin; sum: number }[] = [];
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
  for (const f of opts.functions) {
    const loc = opts.locations.get(opts.mangledOf(f.name));
    const classified = loc ? classifier.classify(loc.file) : undefined;
    const origin = classified?.origin ?? originOfSymbol(f.name);
    originOf.push({ origin, sum: f.sum });
    if (origin.kind === 'workspace') for (const c of f.blockCounts ?? []) ownCounters.add(c);
    if (!loc || !classified) {
      unmapped++;
      continue;
    }
    if (origin.kind !== 'workspace') external++;
    if (!classified.available && origin.kind === 'std') stdUnavailable++;
    const file = classified.localFile;
    const key = `${file}:${loc.line}`;
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
    const lines = readLines(file);
    const display = displayName(f.name);
    byLocation.set(key, {
      file,
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
      origin: origin.kind,
      crate: origin.crate,
    });
  }
  const ownThresholds = ownCounters.thresholds(opts.cutoffs);
  const files: Record<string, FunctionHeat[]> = {};
  const own: FunctionHeat[] = [];
  for (const { file, ...heat } of byLocation.values()) {
    heat.share = heat.sum / total;
    heat.tier = tierOf(heat.max, opts.thresholds);
    if (heat.origin === 'workspace') {
      heat.ownTier = tierOf(heat.max, ownThresholds);
      own.push(heat);
    }
    (files[file] ??= []).push(heat);
  }
  own.sort((a, b) => b.sum - a.sum || b.max - a.max || a.display.localeCompare(b.display));
  own.forEach((h, i) => (h.ownRank = i + 1));
  for (const list of Object.values(files)) list.sort((a, b) => a.line - b.line);
  const index: SourceIndex = {
    schema: 1,
    profileSha256: opts.profileSha256,
    totalCount: opts.thresholds.totalCount,
    thresholds: opts.thresholds,
    files,
    external,
    unmapped,
    mapping: opts.mapping,
    ownThresholds,
    origins: groupByOrigin(originOf, opts.thresholds.totalCount),
  };
  if (opts.rustSrcLibrary) index.std = { rustSrc: opts.rustSrcLibrary };
  if (stdUnavailable > 0) {
    index.std = {
      problem: {
        message: `${stdUnavailable} profiled std/core/alloc function${stdUnavailable === 1 ? '' : 's'} cannot be opened: the rust-src component is not installed`,
        fix: RUST_SRC_FIX,
      },
    };
  }
  return index;
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
