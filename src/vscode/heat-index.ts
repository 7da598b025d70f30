import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { NewestReload } from '../core/util/newest-reload';
import type { FunctionHeat } from '../core/profile/source-index';
import type { EngineWorker } from './engine-worker-client';
import type { SourceIndexPayload } from './engine-worker-protocol';
import type { WorkspaceRegistry } from './workspace-registry';

export interface FileHeat {
  component: string;
  root: string;
  heats: FunctionHeat[];
}

/** One profile's source index, as loaded for one component of one workspace. */
export interface ComponentIndex extends SourceIndexPayload {
  root: string;
  component: string;
}

/** Files whose parsed functions are kept (the open editors, and then some). */
const PARSED_FILES_KEPT = 64;

/**
 * Every profile's source index, merged into one map keyed by file. Re-read only when a profile
 * changes (its index file's mtime), so opening a document is a map lookup, not a profile scan.
 * An index can be tens of megabytes: it is parsed in the engine worker, never on the host's loop,
 * and kept here packed, off the JavaScript heap; a file's functions are parsed when it is shown.
 */
export class HeatIndex implements vscode.Disposable {
  /** Where each source file's functions are, per profile: a byte range of a packed index. */
  private byFile = new Map<string, { component: string; root: string; bytes: Uint8Array; start: number; end: number }[]>();
  private readonly decoder = new TextDecoder();
  private parsed = new Map<string, FileHeat[]>();
  private readonly cache = new Map<string, { mtimeMs: number; loaded: SourceIndexPayload | undefined }>();
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly sub: vscode.Disposable;
  /** Each profile's index, with its hottest functions (sorted in the worker) for the sidebar. */
  indexes: ComponentIndex[] = [];

  constructor(
    private readonly registry: WorkspaceRegistry,
    private readonly worker: EngineWorker,
  ) {
    this.sub = registry.onDidChange(() => void this.reload());
    void this.reload();
  }

  /** Whether any profile has functions in this file (cheap: no parsing). */
  has(fsPath: string): boolean {
    return this.byFile.has(fsPath);
  }

  /** The profiled functions of one source file, per profile. */
  forFile(fsPath: string): FileHeat[] {
    let heats = this.parsed.get(fsPath);
    if (!heats) {
      heats = (this.byFile.get(fsPath) ?? []).map(({ component, root, bytes, start, end }) => ({
        component,
        root,
        heats: JSON.parse(this.decoder.decode(bytes.subarray(start, end))) as FunctionHeat[],
      }));
      if (this.parsed.size >= PARSED_FILES_KEPT) this.parsed.delete(this.parsed.keys().next().value ?? '');
      this.parsed.set(fsPath, heats);
    }
    return heats;
  }

  /** Where a profile record's function is, by its record name (a byte search, then one file parsed). */
  findRecord(recordName: string): { file: string; line: number } | undefined {
    const needle = Buffer.from(JSON.stringify(recordName));
    const inRange = ({ bytes, start, end }: { bytes: Uint8Array; start: number; end: number }): boolean =>
      Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).indexOf(needle) >= 0;
    for (const [file, entries] of this.byFile) {
      if (!entries.some(inRange)) continue;
      for (const { heats } of this.forFile(file)) {
        const h = heats.find((x) => x.records.includes(recordName));
        if (h) return { file, line: h.line };
      }
    }
    return undefined;
  }

  get size(): number {
    return this.byFile.size;
  }

  private readonly reloads = new NewestReload();

  /** Resolves when no reload is in flight (lenses and the tree wait for it, not for time). */
  whenLoaded(): Promise<void> {
    return this.reloads.settled();
  }

  /** Re-read the indexes that changed; overlapping reloads publish only the newest. */
  reload(): Promise<void> {
    return this.reloads.run((isNewest) => this.load(isNewest));
  }

  private async load(isNewest: () => boolean): Promise<void> {
    const byFile: HeatIndex['byFile'] = new Map();
    const indexes: ComponentIndex[] = [];
    let changed = false;
    const seen = new Set<string>();
    for (const ws of this.registry.workspaces) {
      const layout = ws.layout;
      for (const c of ws.project?.components ?? []) {
        if (!layout) continue;
        const file = layout.sourceIndex(c.name);
        seen.add(file);
        let mtimeMs = -1;
        try {
          mtimeMs = (await fs.promises.stat(file)).mtimeMs;
        } catch {
          /* no profile yet */
        }
        let entry = this.cache.get(file);
        if (!entry || entry.mtimeMs !== mtimeMs) {
          let loaded: SourceIndexPayload | undefined;
          try {
            loaded = mtimeMs < 0 ? undefined : await this.worker.sourceIndex(file);
          } catch {
            loaded = undefined; // unreadable: no annotations, like a missing index
          }
          if (!isNewest()) return;
          entry = { mtimeMs, loaded };
          this.cache.set(file, entry);
          changed = true;
        }
        if (!entry.loaded) continue;
        indexes.push({ root: ws.root, component: c.name, ...entry.loaded });
        const { names, starts, ends, bytes } = entry.loaded.files;
        names.forEach((src, i) => {
          const list = byFile.get(src) ?? [];
          list.push({ component: c.name, root: ws.root, bytes, start: starts[i] ?? 0, end: ends[i] ?? 0 });
          byFile.set(src, list);
        });
      }
    }
    if (!isNewest()) return;
    for (const key of [...this.cache.keys()]) {
      if (!seen.has(key)) {
        this.cache.delete(key);
        changed = true;
      }
    }
    this.byFile = byFile;
    this.indexes = indexes;
    if (changed) {
      this.parsed = new Map();
      this.emitter.fire();
    }
  }

  dispose(): void {
    this.sub.dispose();
    this.emitter.dispose();
  }
}
