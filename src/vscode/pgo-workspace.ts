import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Project, ResolvedComponent } from '../core/config/resolve-project';
import { ConfigError, type ConfigProblem } from '../core/config/load-config';
import { errorMessage } from '../core/errors';
import type { ArtifactLayout } from '../core/pipeline/artifact-layout';
import { engineContextOf, type EngineContext } from '../core/pipeline/engine-context';
import type { EngineWorker } from './engine-worker-client';
import { readMetadata, type ProfileMetadata } from '../core/pipeline/profile-metadata';
import { latestCompleteRun } from '../core/pipeline/workload-phase';
import { readLastRun, type LastRun } from '../core/pipeline/last-run';
import { readSettings, toOverrides } from './settings';
import { checkProfdataFile } from '../core/profile/profdata-file';

/** What exists on disk for one component: drives the tree, the context keys and the status bar. */
export interface ComponentState {
  component: ResolvedComponent;
  profdata?: string;
  meta?: ProfileMetadata;
  instrumented: boolean;
  hasCompleteRun: boolean;
  /** Why the profile cannot be used (empty, truncated, not a profile…), when it cannot. */
  problem?: { message: string; fix: string };
}

/**
 * One Cargo workspace inside a VS Code workspace folder, with its engine context: the resolved
 * project (cargo metadata + pgo.yaml + the folder's pgo.* settings) and the tools, looked up on first
 * use and then kept. Loading runs `cargo metadata`, so it happens on activation and when Cargo.toml,
 * pgo.yaml, the toolchain file or the settings change (a new PgoWorkspace), never per command.
 */
export class PgoWorkspace {
  /** The one engine context of this workspace; every command uses it. */
  engine?: EngineContext;
  error?: string;
  problems: ConfigProblem[] = [];

  constructor(
    readonly folder: vscode.WorkspaceFolder,
    readonly root: string,
  ) {}

  get label(): string {
    const rel = path.relative(this.folder.uri.fsPath, this.root);
    return rel ? `${this.folder.name}/${rel}` : this.folder.name;
  }

  get project(): Project | undefined {
    return this.engine?.project;
  }

  get layout(): ArtifactLayout | undefined {
    return this.engine?.layout;
  }

  async load(worker: EngineWorker): Promise<void> {
    try {
      // cargo metadata runs in the engine worker: starting it from here would hold the host's loop.
      this.engine = engineContextOf(await worker.project(this.root, toOverrides(readSettings(this.folder.uri))));
      this.error = undefined;
      this.problems = [];
    } catch (e) {
      this.engine = undefined;
      this.error = errorMessage(e);
      this.problems = e instanceof ConfigError ? e.problems : [];
    }
  }

  componentStates(): ComponentState[] {
    const layout = this.layout;
    if (!this.project || !layout) return [];
    return this.project.components.map((component) => {
      const profdata = layout.profdata(component.name);
      const exists = fs.existsSync(profdata);
      const meta = exists ? readMetadata(layout.metadata(component.name)) : undefined;
      return {
        component,
        profdata: exists ? profdata : undefined,
        meta,
        problem: exists ? checkProfdataFile(profdata, meta?.sizeBytes) : undefined,
        instrumented: fs.existsSync(layout.instrumentStamp(component.name)),
        hasCompleteRun: latestCompleteRun(layout.rawRoot(component.name)) !== undefined,
      };
    });
  }

  lastRun(): LastRun | undefined {
    return this.project ? readLastRun(this.project.artifactRoot) : undefined;
  }

  /** The component a command should use when none was given: setting, pgo.yaml, first. */
  defaultComponent(): string | undefined {
    return this.project?.defaultComponent;
  }
}

/** Cargo workspaces in the open folders: a Cargo.toml at the folder root, or one level down. */
export function findCargoRoots(folder: vscode.WorkspaceFolder): string[] {
  const base = folder.uri.fsPath;
  if (fs.existsSync(path.join(base, 'Cargo.toml'))) return [base];
  let entries: fs.Dirent[] = [];
  try {
    entries = fs.readdirSync(base, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'target' && e.name !== 'node_modules')
    .map((e) => path.join(base, e.name))
    .filter((d) => fs.existsSync(path.join(d, 'Cargo.toml')));
}
