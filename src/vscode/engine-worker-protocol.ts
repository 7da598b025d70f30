import type { ChecklistItem } from '../core/bench/checklist';
import type { FirstBuildProgress } from '../core/commands/first-build-progress';
import type { HotFunctionsSummary } from '../core/commands/show-profile';
import type { ProfileComparison, ProfileSource } from '../core/commands/compare-profiles';
import type { Project, ProjectOverrides } from '../core/config/resolve-project';
import type { ConfigProblem } from '../core/config/load-config';
import type { PgoErrorKind } from '../core/errors';
import type { FunctionHeat, SourceIndex } from '../core/profile/source-index';
import type { ReportData } from '../core/report/report-data';
import type { DoctorReport } from '../core/toolchain/doctor';
import type { ProfdataCandidate } from '../core/toolchain/llvm-profdata-discovery';
import type { RustcInfo } from '../core/toolchain/rustc-info';

/**
 * Messages (IPC, structured-clone serialization) between the extension host and its engine worker
 * process (engine-worker.ts): the work that
 * would block the host's event loop for long — parsing `llvm-profdata show` for a large profile,
 * parsing a large source index — runs there, and so does starting the toolchain's processes (each
 * start holds the starting thread for tens of milliseconds on a busy machine).
 */
export type WorkerRequest =
  | { id: number; op: 'hotFunctions'; llvmProfdata: string; profdata: string; top: number }
  | { id: number; op: 'sourceIndex'; file: string }
  | { id: number; op: 'tools'; root: string; llvmProfdataPath?: string; rustc?: RustcInfo }
  | { id: number; op: 'doctor'; dir: string; overrides: ProjectOverrides }
  /** cargo metadata + pgo.yaml + settings: the project of a workspace. */
  | { id: number; op: 'project'; root: string; overrides: ProjectOverrides }
  /** Recursive deletes of build folders (gigabytes): clean, and delete-profile alike. */
  | { id: number; op: 'clean'; project: Project; component?: string }
  | { id: number; op: 'deleteProfile'; project: Project; component: string }
  /** PGO: Compare Profiles: two profiles (files or archived) read and compared. */
  | { id: number; op: 'compareProfiles'; llvmProfdata: string; a: ProfileSource; b: ProfileSource; top: number }
  /** The components whose profiles each `pgo archive` file holds. */
  | { id: number; op: 'archivedComponents'; archive: string }
  /** The sidebar's checklist of one component: its freshness check hashes every workspace source. */
  | { id: number; op: 'checklist'; project: Project; component: string }
  /** The report panel's data (bench results, checklists, hottest functions): reads and hashes files. */
  | { id: number; op: 'reportData'; project: Project; component: string; doctor: DoctorReport }
  /** The walkthrough's steps over every Cargo workspace: reads each profile's metadata and bench results. */
  | { id: number; op: 'firstBuildProgress'; workspaces: { project: Project; doctorPassed?: boolean }[] }
  | { id: number; op: 'abort' };

/** rustc, cargo's version and the matched llvm-profdata of one workspace. */
export interface WorkspaceTools {
  rustc: RustcInfo;
  cargoVersion?: string;
  profdata: ProfdataCandidate;
}

export type WorkerResponse =
  | { id: number; ok: true; value: HotFunctionsSummary | SourceIndexPayload | WorkspaceTools | DoctorReport | Project | ProfileComparison | string[] | ChecklistItem[] | ReportData | FirstBuildProgress | undefined }
  /** `problems`: a pgo.yaml error's positions (ConfigError), for the sidebar. */
  | { id: number; ok: false; error: { message: string; fix?: string; code?: number; details?: string; kind?: PgoErrorKind; problems?: ConfigProblem[] } };

/** A source index as the worker hands it over: its summary, its hottest functions, its files packed. */
export interface SourceIndexPayload {
  head: Omit<SourceIndex, 'files'>;
  hottest: HotHeat[];
  files: PackedFiles;
}

/**
 * A source index's files: each file's FunctionHeat[] as UTF-8 JSON in one byte buffer. The
 * extension host receives it in one piece and keeps it off the JavaScript heap, so the garbage
 * collector never walks hundreds of thousands of objects (each scavenge would copy them, blocking
 * the loop for 100 ms and more); a file's functions are parsed only when that file is shown.
 */
export interface PackedFiles {
  names: string[];
  /** Byte range of names[i]'s JSON in `bytes`. */
  starts: number[];
  ends: number[];
  bytes: Uint8Array;
}

export interface HotHeat {
  file: string;
  heat: FunctionHeat;
}

/** Hottest functions sent with an index: the most the sidebar shows (pgo.sidebar.hotFunctions' maximum). */
export const SIDEBAR_HOT_MAX = 100;
