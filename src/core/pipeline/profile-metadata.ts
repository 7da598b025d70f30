import { writeFileAtomic } from '../util/atomic-write';
import { readJson } from '../util/read-json';
import type { ProfileQuality } from './profile-quality';

/** Stored beside each profile as `<component>.profdata.json`: what made it, and how well it applied. */
export interface HotFunction {
  name: string;
  display: string;
  sum: number;
  max: number;
}

export interface AppliedFigures {
  /** Instrumented functions of the shipped binaries that found their profile record. */
  applied: number;
  instrumented: number;
  /** The same, for the workspace's own crates only. */
  workspaceApplied: number;
  workspaceInstrumented: number;
  /** Share (0..1) of the profile's total count that the shipped binaries can use. */
  usableShare: number;
  /** Names rustc reported with "no profile data available" / "hash mismatch". */
  missing: number;
  mismatched: number;
  perWorkload: { name: string; usableShare: number; totalCount: number }[];
  measuredAt: string;
  optimizedBinaries: string[];
}

/** A profile merged in with `merge --add`, and how many of its functions the instrumented build carries. */
export interface AddedFigures {
  path: string;
  weight: number;
  files: number;
  functions: number;
  /** Undefined when the instrumented binaries' function lists could not be read. */
  matched?: number;
  totalCount: number;
}

export interface ProfileMetadata {
  schema: 1;
  component: string;
  createdAt: string;
  profdata: string;
  sizeBytes: number;
  sha256: string;
  functions: number;
  totalCount: number;
  maxBlockCount: number;
  hottest: HotFunction[];
  /** runId is '' when only profiles from elsewhere were merged (`merge --add`). */
  workload: { size?: number; runId: string; commands: { name: string; command: string[]; durationMs: number; rawFiles: number }[] };
  toolchain: { rustc: string; llvm: string; host: string; cargo?: string };
  llvmProfdata: { path: string; version: string };
  git: { commit?: string; dirty?: boolean };
  sourceHash: string;
  buildFingerprint: string;
  /** rustflagSources: where each shared flag came from (cargo config files, RUSTFLAGS, pgo.yaml). */
  buildSettings: { profile: string; rustflags: string[]; rustflagSources?: { origin: string; flags: string[] }[]; lto?: string; codegenUnits?: number; debug?: string };
  applied?: AppliedFigures;
  /** How much of the shipped binaries the workload ran, judged at merge (absent in older metadata). */
  quality?: ProfileQuality;
  added?: AddedFigures[];
}

export function readMetadata(file: string): ProfileMetadata | undefined {
  const m = readJson<ProfileMetadata>(file);
  return m?.schema === 1 ? m : undefined;
}

export function writeMetadata(file: string, meta: ProfileMetadata): void {
  writeFileAtomic(file, `${JSON.stringify(meta, null, 2)}\n`);
}
