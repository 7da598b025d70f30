import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { readSourceIndex, type FunctionHeat, type SourceIndex } from '../core/profile/source-index';
import type { WorkspaceRegistry } from './workspace-registry';

export interface FileHeat {
  component: string;
  root: string;
  heats: FunctionHeat[];
}

/**
 * Every profile's source index, merged into one map keyed by file. Re-read only when a profile
 * changes (its index file's mtime), so opening a document is a map lookup, not a profile scan.
 */
export class HeatIndex implements vscode.Disposable {
  private byFile = new Map<string, FileHeat[]>();
  private readonly cache = new Map<string, { mtimeMs: number; index: SourceIndex | undefined }>();
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly sub: vscode.Disposable;
  indexes: { root: string; component: string; index: SourceIndex }[] = [];

  constructor(private readonly registry: WorkspaceRegistry) {
    this.sub = registry.onDidChange(() => this.reload());
    this.reload();
  }

  forFile(fsPath: string): FileHeat[] {
    return this.byFile.get(fsPath) ?? [];
  }

  get size(): number {
    return this.byFile.size;
  }

  reload(): void {
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
          mtimeMs = fs.statSync(file).mtimeMs;
        } catch {
          /* no profile yet */
        }
        let entry = this.cache.get(file);
        if (!entry || entry.mtimeMs !== mtimeMs) {
          entry = { mtimeMs, index: mtimeMs < 0 ? undefined : readSourceIndex(file) };
          this.cache.set(file, entry);
          changed = true;
        }
        if (!entry.index) continue;
        indexes.push({ root: ws.root, component: c.name, index: entry.index });
        for (const [src, heats] of Object.entries(entry.index.files)) {
          const list = byFile.get(src) ?? [];
          list.push({ component: c.name, root: ws.root, heats });
          byFile.set(src, list);
        }
      }
    }
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
