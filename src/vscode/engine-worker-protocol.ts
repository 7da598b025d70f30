import type { HotFunctionsSummary } from '../core/commands/show-profile';
import type { FunctionHeat, SourceIndex } from '../core/profile/source-index';

/**
 * Messages between the extension host and its engine worker (engine-worker.ts): the work that
 * would block the host's event loop for long — parsing `llvm-profdata show` for a large profile,
 * parsing a large source index — runs there.
 */
export type WorkerRequest =
  | { id: number; op: 'hotFunctions'; llvmProfdata: string; profdata: string; top: number }
  | { id: number; op: 'sourceIndex'; file: string }
  | { id: number; op: 'abort' };

export type WorkerResponse =
  | { id: number; ok: true; value: HotFunctionsSummary | SourceIndexHead | undefined }
  | { id: number; ok: false; error: { message: string; fix?: string; code?: number; details?: string } }
  /** Part of a source index's files; many small messages, so no single one blocks the host long. */
  | { id: number; files: [string, FunctionHeat[]][] };

/** A source index without its files (they arrive in parts before it), with its hottest functions. */
export type SourceIndexHead = Omit<SourceIndex, 'files'> & { hottest: HotHeat[] };

export interface HotHeat {
  file: string;
  heat: FunctionHeat;
}

/** Hottest functions sent with an index: the most the sidebar shows (pgo.sidebar.hotFunctions' maximum). */
export const SIDEBAR_HOT_MAX = 100;

/** Functions per part: a part's structured-clone copy takes a few milliseconds at most. */
export const HEATS_PER_PART = 2000;
