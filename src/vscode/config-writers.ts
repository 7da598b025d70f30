import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { addWorkload, workspaceBinaries } from '../core/commands/add-workload';
import { addTaskEntries, pgoTaskEntries } from '../core/commands/tasks-json';
import { parseWorkloadArguments } from '../core/commands/workload-arguments';
import { CONFIG_FILE_NAME } from '../core/config/config-schema';
import { parseConfig } from '../core/config/load-config';
import { NAME_PATTERN } from '../core/config/pgo-yaml-spec';
import { defaultWorkloadName, PLACEHOLDER_ARGS } from '../core/config/starter-config';
import { errorMessage } from '../core/errors';
import { loadCargoWorkspace } from '../core/workspace/cargo-workspace';
import { writeFileAtomic } from '../core/util/atomic-write';
import type { WorkspaceRegistry } from './workspace-registry';

/** Create Workload's arguments, for tests and keybindings: each one given skips its prompt. */
export interface CreateWorkloadArgs {
  folder?: string;
  /** Where the workload goes when several components build the binary. */
  component?: string;
  bin?: string;
  /** A command line to split (shell-like quoting, no shell), or the argument list itself. */
  args?: string | string[];
  name?: string;
}

export interface CreatedWorkload {
  file: string;
  component: string;
  name: string;
  line: number;
  created: boolean;
}

export interface AddedTasks {
  file: string;
  added: string[];
  existing: string[];
}

/**
 * PGO: Create Workload and PGO: Add Tasks to tasks.json: the core writes the text (add-workload.ts,
 * tasks-json.ts), this layer asks for what is missing and writes the file (an editor holding unsaved
 * changes of it is edited in place instead, so those changes are kept).
 */
export class ConfigWriters {
  constructor(
    private readonly registry: WorkspaceRegistry,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async createWorkload(a: CreateWorkloadArgs = {}): Promise<CreatedWorkload | undefined> {
    const ws = await this.registry.pickLoaded(a.folder);
    if (!ws) {
      void vscode.window.showErrorMessage('PGO: no Cargo workspace is open. Open a folder that contains a Cargo.toml.');
      return undefined;
    }
    const cargo = ws.project?.workspace ?? (await loadCargoWorkspace(ws.root));
    // From the exit-7 notification: the failing component's binaries only.
    const shipped = a.component ? ws.project?.components.find((c) => c.name === a.component)?.bins.map((b) => b.name) : undefined;
    const bins = workspaceBinaries(cargo).filter((b) => !shipped || shipped.includes(b.name));
    if (bins.length === 0) {
      void vscode.window.showErrorMessage(`PGO: ${ws.label} has no binary target to run: add a [[bin]] (or src/main.rs) to a package.`);
      return undefined;
    }
    const bin =
      a.bin ??
      (bins.length === 1
        ? bins[0]?.name
        : (
            await vscode.window.showQuickPick(
              bins.map((b) => ({ label: b.name, description: b.package, value: b.name })),
              { title: 'PGO: Create Workload (1/3)', placeHolder: 'Which binary should the workload run?' },
            )
          )?.value);
    if (!bin) return undefined;

    let args: string[];
    if (Array.isArray(a.args)) args = a.args;
    else {
      const line =
        a.args ??
        (await vscode.window.showInputBox({
          title: `PGO: Create Workload (2/3): arguments of ${bin}`,
          prompt: 'Representative input, as on a command line ("quotes" and \\ escapes work; no shell runs it). {size} is replaced by the workload size.',
          placeHolder: 'e.g. --input samples/large.mid --repeat 10',
          validateInput: (v) => {
            try {
              parseWorkloadArguments(v);
              return undefined;
            } catch (e) {
              return errorMessage(e);
            }
          },
        }));
      if (line === undefined) return undefined;
      args = parseWorkloadArguments(line);
    }

    const file = path.join(ws.root, CONFIG_FILE_NAME);
    const uri = vscode.Uri.file(file);
    const doc = unsavedDocument(uri);
    const current = doc ? doc.getText() : readIfExists(file);
    const taken = new Set<string>();
    try {
      // Names in use, so the suggestion is free (the starter's `--help` placeholder may be reused).
      for (const c of current ? parseConfig(current, file).config.components : []) {
        for (const w of c.workloads) if (w.command.slice(1).join('\0') !== PLACEHOLDER_ARGS.join('\0')) taken.add(w.name);
      }
    } catch {
      // A broken pgo.yaml is reported by addWorkload below, with its position.
    }
    let suggestion = defaultWorkloadName(bin);
    for (let i = 2; taken.has(suggestion); i++) suggestion = `${defaultWorkloadName(bin)}-${i}`;
    const name =
      a.name ??
      (await vscode.window.showInputBox({
        title: 'PGO: Create Workload (3/3): name',
        prompt: 'Names the workload in pgo.yaml and the folder of its raw profiles.',
        value: suggestion,
        validateInput: (v) => (!NAME_PATTERN.test(v) ? 'letters, digits, "_", "-" or "." (it names a folder)' : taken.has(v) ? `a workload "${v}" exists already` : undefined),
      }));
    if (!name) return undefined;

    const added = addWorkload(current, file, cargo, { bin, args, name, component: a.component });
    await writeText(uri, doc, current, added.text);
    this.log.info(`${added.created ? 'created' : 'edited'} ${file}: workload "${added.name}" of ${added.component}: ${bin} ${args.join(' ')}`);
    const at = new vscode.Position(added.line - 1, 0);
    await vscode.window.showTextDocument(uri, { selection: new vscode.Range(at, at) });
    await this.registry.reload(); // the pipeline command reads the new components and workloads
    void vscode.window
      .showInformationMessage(`PGO: workload "${added.name}" runs ${bin}${args.length > 0 ? ` ${args.join(' ')}` : ''} for component ${added.component}.`, 'Run Pipeline')
      .then((c) => {
        if (c) void vscode.commands.executeCommand('pgo.buildPipeline', { folder: ws.root, component: added.component });
      });
    return { file, component: added.component, name: added.name, line: added.line, created: added.created };
  }

  async addTasks(a: { folder?: string } = {}): Promise<AddedTasks | undefined> {
    const ws = await this.registry.pickLoaded(a.folder);
    if (!ws?.project) {
      void vscode.window.showErrorMessage(ws ? `PGO: ${ws.label} cannot be used: ${ws.error ?? 'not loaded'}` : 'PGO: no Cargo workspace is open.');
      return undefined;
    }
    const rel = path.relative(ws.folder.uri.fsPath, ws.root).split(path.sep).join('/');
    const entries = pgoTaskEntries(ws.project.components.map((c) => ({ name: c.name, hasBenchmarks: c.benchmarks.length > 0 })), rel || undefined);
    const uri = vscode.Uri.joinPath(ws.folder.uri, '.vscode', 'tasks.json');
    const doc = unsavedDocument(uri);
    const current = doc ? doc.getText() : readIfExists(uri.fsPath);
    const r = addTaskEntries(current, entries, uri.fsPath);
    if (r.added.length > 0) await writeText(uri, doc, current, r.text);
    const said = r.added.length > 0 ? `added ${r.added.join(', ')}` : 'nothing to add';
    this.log.info(`${uri.fsPath}: ${said}${r.existing.length > 0 ? `; already there: ${r.existing.join(', ')}` : ''}`);
    void vscode.window
      .showInformationMessage(`PGO: tasks.json — ${said}${r.existing.length > 0 ? ` (already there: ${r.existing.join(', ')})` : ''}.`, 'Open tasks.json')
      .then((c) => {
        if (c) void vscode.window.showTextDocument(uri);
      });
    return { file: uri.fsPath, added: r.added, existing: r.existing };
  }
}

/** An editor's unsaved text of the file, if it has some: then the edit goes there (the user's changes win). */
function unsavedDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((d) => d.isDirty && d.uri.fsPath === uri.fsPath);
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * The new text into an unsaved editor (then saved), else onto disk, where a clean editor of the
 * file follows: a clean document may not have caught up with the file yet, so it is not the source.
 */
async function writeText(uri: vscode.Uri, doc: vscode.TextDocument | undefined, current: string | undefined, text: string): Promise<void> {
  if (doc) {
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
    if (!(await vscode.workspace.applyEdit(edit)) || !(await doc.save())) throw new Error(`could not write ${uri.fsPath}`);
    return;
  }
  fs.mkdirSync(path.dirname(uri.fsPath), { recursive: true });
  // A new file never replaces one created meanwhile; an existing one is replaced whole, atomically.
  if (current === undefined) fs.writeFileSync(uri.fsPath, text, { flag: 'wx' });
  else writeFileAtomic(uri.fsPath, text);
}
