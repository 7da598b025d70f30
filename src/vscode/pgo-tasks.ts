import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PgoWorkspace } from './pgo-workspace';
import type { WorkspaceRegistry } from './workspace-registry';
import { readSettings, toCliFlags } from './settings';

/**
 * PGO phases as VS Code tasks. A task runs the bundled `pgo` CLI — the same engine as CI — in a
 * task terminal, so cargo's output streams there, `$rustc` turns compiler errors into problems,
 * and terminating the task cancels the phase (the CLI keeps the last good profile).
 */
export const TASK_TYPE = 'pgo';
export type TaskPhase = 'pipeline' | 'instrument' | 'workload' | 'merge' | 'optimize' | 'clean' | 'bench' | 'bolt';
export const TASK_PHASES: readonly TaskPhase[] = ['pipeline', 'instrument', 'workload', 'merge', 'optimize', 'clean', 'bench', 'bolt'];

export interface PgoTaskDefinition extends vscode.TaskDefinition {
  type: typeof TASK_TYPE;
  phase: TaskPhase;
  component?: string;
  size?: number;
  /** Which Cargo workspace, when a folder holds several (path). */
  workspace?: string;
  /** merge / pipeline: leave out unreadable .profraw files (named in the output). */
  skipCorrupt?: boolean;
  /** workload / pipeline: only these named workloads of the component. */
  only?: string[];
  /** bench: measured rounds (default: adaptive). */
  runs?: number;
  /** bench: only these variants (e.g. ["pgo", "bolt", "pgo+bolt"]; release is always measured). */
  variants?: string[];
  /** bolt: BOLT on a PGO build instead of the release build. */
  pgo?: boolean;
  /** Set by the extension on the tasks it starts, to recognise their end events. */
  runId?: string;
}

const TITLES: Record<TaskPhase, string> = {
  pipeline: 'build pipeline',
  instrument: 'instrument',
  workload: 'run workload',
  merge: 'merge profiles',
  optimize: 'optimized build',
  clean: 'clean',
  bench: 'compare builds',
  bolt: 'BOLT',
};

export function taskName(def: PgoTaskDefinition): string {
  return `${TITLES[def.phase]}${def.component ? ` ${def.component}` : ''}${def.size ? ` (size ${def.size})` : ''}`;
}

export function createPgoTask(cliPath: string, ws: PgoWorkspace, def: PgoTaskDefinition): vscode.Task {
  const settings = readSettings(ws.folder.uri);
  // A tasks.json entry without component or size takes the pgo.defaultComponent / pgo.defaultSize settings.
  const component = def.component ?? (def.phase === 'clean' ? undefined : settings.defaultComponent);
  const size = def.size ?? (def.phase === 'pipeline' || def.phase === 'workload' ? settings.defaultSize : undefined);
  const args = [cliPath, def.phase];
  if (component) args.push(component);
  args.push('--workspace', ws.root);
  if (size !== undefined) args.push('--size', String(size));
  if (def.skipCorrupt) args.push('--skip-corrupt');
  if (def.runs !== undefined) args.push('--runs', String(def.runs));
  for (const name of def.only ?? []) args.push('--only', name);
  if (def.variants && def.variants.length > 0) args.push('--variants', def.variants.join(','));
  if (def.pgo) args.push('--pgo');
  args.push(...toCliFlags(settings), '--color');
  // The extension host's own runtime runs the CLI: Node in a server, Electron-as-Node on desktop.
  const execution = new vscode.ProcessExecution(process.execPath, args, {
    cwd: ws.root,
    env: { ELECTRON_RUN_AS_NODE: '1' },
  });
  const task = new vscode.Task(def, ws.folder, taskName(def), TASK_TYPE, execution, ['$rustc']);
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Shared, clear: true, showReuseMessage: false };
  task.group = def.phase === 'clean' ? undefined : vscode.TaskGroup.Build;
  task.detail = `pgo ${args.slice(1).join(' ')}`;
  return task;
}

export class PgoTaskProvider implements vscode.TaskProvider {
  constructor(
    private readonly cliPath: string,
    private readonly registry: WorkspaceRegistry,
  ) {}

  async provideTasks(): Promise<vscode.Task[]> {
    await this.registry.whenLoaded(); // asked during activation: wait for cargo metadata
    const tasks: vscode.Task[] = [];
    for (const ws of this.registry.workspaces) {
      for (const c of ws.project?.components ?? []) {
        // BOLT rewrites Linux ELF binaries only: offered where it can run.
        for (const phase of TASK_PHASES.filter((p) => p !== 'clean' && (p !== 'bench' || c.benchmarks.length > 0) && (p !== 'bolt' || process.platform === 'linux'))) {
          tasks.push(createPgoTask(this.cliPath, ws, { type: TASK_TYPE, phase, component: c.name }));
        }
      }
      if (ws.project) tasks.push(createPgoTask(this.cliPath, ws, { type: TASK_TYPE, phase: 'clean', component: 'all' }));
    }
    return tasks;
  }

  /** A `pgo` task from tasks.json: fill in the execution for its definition. */
  async resolveTask(task: vscode.Task): Promise<vscode.Task | undefined> {
    const def = task.definition as PgoTaskDefinition;
    if (def.type !== TASK_TYPE || !TASK_PHASES.includes(def.phase)) return undefined;
    await this.registry.whenLoaded();
    const folder = typeof task.scope === 'object' ? task.scope : undefined;
    const ws =
      // tasks.json may name the Cargo workspace relative to its folder (PGO: Add Tasks does).
      (def.workspace ? this.registry.pick(folder ? path.resolve(folder.uri.fsPath, def.workspace) : def.workspace) : undefined) ??
      this.registry.workspaces.find((w) => w.folder.uri.toString() === folder?.uri.toString()) ??
      this.registry.pick();
    if (!ws) return undefined;
    const resolved = createPgoTask(this.cliPath, ws, def);
    // Keep what the user wrote in tasks.json (label, problem matchers, presentation).
    resolved.name = task.name || resolved.name;
    if (task.problemMatchers.length > 0) resolved.problemMatchers = task.problemMatchers;
    return resolved;
  }
}
