import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { FunctionHeat, SourceIndex } from '../core/profile/source-index';
import type { EngineWorker } from './engine-worker-client';
import type { HotHeat } from './engine-worker-protocol';
import type { WorkspaceRegistry } from './workspace-registry';

export interface FileHeat {
  component: string;
  root: string;
  heats: FunctionHeat[];
}

/**
 * Every profile's source index, merged into one map keyed by file. Re-read only when a profile
 * changes (its index file's mtime), so opening a document is a map lookup, not a profile scan.
 * An index can be tens of megabytes: it is parsed in the engine worker, never on the host's loop.
 */
export class HeatIndex implements vscode.Disposable {
  private byFile = new Map<string, FileHeat[]>();
  private readonly cache = new Map<string, { mtimeMs: number; loaded: { index: SourceIndex; hottest: HotHeat[] } | undefined }>();
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly sub: vscode.Disposable;
  /** Each profile's index, with its hottest functions (sorted in the worker) for the sidebar. */
  indexes: { root: string; component: string; index: SourceIndex; hottest: HotHeat[] }[] = [];

  constructor(
    private readonly registry: WorkspaceRegistry,
    private readonly worker: EngineWorker,
  ) {
    this.sub = registry.onDidChange(() => void this.reload());
    void this.reload();
  }

  forFile(fsPath: string): FileHeat[] {
    return this.byFile.get(fsPath) ?? [];
  }

  get size(): number {
    return this.byFile.size;
  }

  private generation = 0;
  private loading: Promise<void> = Promise.resolve();

  /** Resolves when no reload is in flight (lenses and the tree wait for it, not for time). */
  async whenLoaded(): Promise<void> {
    for (;;) {
      const current = this.loading;
      await current;
      if (current === this.loading) return;
    }
  }

  /** Re-read the indexes that changed; overlapping reloads publish only the newest. */
  reload(): Promise<void> {
    const loading = this.load(++this.generation);
    this.loading = loading.catch(() => undefined);
    return loading;
  }

  private async load(generation: number): Promise<void> {
    const byFile = new Map<string, FileHeat[]>();
    const indexes: HeatIndex['indexes'] = [];
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
          let loaded: { index: SourceIndex; hottest: HotHeat[] } | undefined;
          try {
            loaded = mtimeMs < 0 ? undefined : await this.worker.sourceIndex(file);
          } catch {
            loaded = undefined; // unreadable: no annotations, like a missing index
          }
          if (generation !== this.generation) return;
          entry = { mtimeMs, loaded };
          this.cache.set(file, entry);
          changed = true;
        }
        if (!entry.loaded) continue;
        indexes.push({ root: ws.root, component: c.name, ...entry.loaded });
        for (const [src, heats] of Object.entries(entry.loaded.index.files)) {
          const list = byFile.get(src) ?? [];
          list.push({ component: c.name, root: ws.root, heats });
          byFile.set(src, list);
        }
      }
    }
    if (generation !== this.generation) return;
    for (const key of [...this.cache.keys()]) {
      if (!seen.has(key)) {
        this.cache.delete(key);
        changed = true;
      }
    }
    this.byFile = byFile;
    this.indexes = indexes;
    if (changed) this.emitter.fire();
  }

  dispose(): void {
    this.sub.dispose();
    this.emitter.dispose();
  }
}
