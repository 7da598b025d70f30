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
import { AUTO_BIN_PATHS, cargoRootsAmong, type FoundManifest } from '../core/workspace/cargo-roots';

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

/** Folders never searched for Cargo.toml: build output, dependencies, VCS and other hidden folders. */
export const MANIFEST_EXCLUDE = '{**/target/**,**/node_modules/**,**/.*/**}';
/** A bound on the search: a folder with more manifests than this is not a workspace to scan whole. */
const MAX_MANIFESTS = 500;

/**
 * The Cargo roots of an open folder at any depth (a Tauri app's `app/src-tauri`, several apps in
 * one folder): VS Code's file search finds the manifests off the extension host's thread, and
 * cargoRootsAmong decides which of them are roots.
 */
export async function findCargoRoots(folder: vscode.WorkspaceFolder, log?: vscode.LogOutputChannel): Promise<string[]> {
  const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/Cargo.toml'), MANIFEST_EXCLUDE, MAX_MANIFESTS);
  if (uris.length >= MAX_MANIFESTS) log?.warn(`${folder.name}: more than ${MAX_MANIFESTS} Cargo.toml files; only the first ${MAX_MANIFESTS} found were considered`);
  const manifests = await Promise.all(
    uris
      .filter((u) => u.scheme === 'file')
      .map(async (u): Promise<FoundManifest | undefined> => {
        const dir = path.dirname(u.fsPath);
        try {
          const text = await fs.promises.readFile(u.fsPath, 'utf8');
          const found = await Promise.all(AUTO_BIN_PATHS.map((p) => fs.promises.access(path.join(dir, p)).then(() => true, () => false)));
          return { path: u.fsPath, text, hasAutoBin: found.some(Boolean) };
        } catch {
          return undefined; // deleted since the search
        }
      }),
  );
  return cargoRootsAmong(folder.uri.fsPath, manifests.filter((m): m is FoundManifest => m !== undefined));
}
