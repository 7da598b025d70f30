import { applyEdits, modify, parse, printParseErrorCode, type FormattingOptions, type ParseError } from 'jsonc-parser';
import { ExitCode, PgoError } from '../errors';

/** A `pgo` task in .vscode/tasks.json: the extension's task definition (package.json "taskDefinitions"), plus a label. */
export interface PgoTaskEntry {
  type: 'pgo';
  phase: string;
  component?: string;
  /** The Cargo workspace, relative to the VS Code folder, when it is not the folder itself. */
  workspace?: string;
  label: string;
  problemMatcher: string[];
  group?: string;
}

export interface TasksJsonUpdate {
  text: string;
  added: string[];
  /** Labels of the entries tasks.json has already (the same phase, component and workspace, or the same label). */
  existing: string[];
}

/** Each component's pipeline, its benchmarks where it has some, and clean: what Add Tasks writes. */
export function pgoTaskEntries(components: readonly { name: string; hasBenchmarks?: boolean }[], workspace?: string): PgoTaskEntry[] {
  const where = workspace ? { workspace } : {};
  const suffix = workspace ? ` (${workspace})` : '';
  const entries: PgoTaskEntry[] = [];
  for (const c of components) {
    entries.push({ type: 'pgo', phase: 'pipeline', component: c.name, ...where, label: `PGO: pipeline ${c.name}${suffix}`, problemMatcher: ['$rustc'], group: 'build' });
    if (c.hasBenchmarks) entries.push({ type: 'pgo', phase: 'bench', component: c.name, ...where, label: `PGO: compare builds ${c.name}${suffix}`, problemMatcher: ['$rustc'] });
  }
  entries.push({ type: 'pgo', phase: 'clean', component: 'all', ...where, label: `PGO: clean${suffix}`, problemMatcher: [] });
  return entries;
}

const NEW_FILE = '{\n  // See https://go.microsoft.com/fwlink/?LinkId=733558 for the tasks.json format\n  "version": "2.0.0",\n  "tasks": []\n}\n';

interface ExistingTask {
  type?: unknown;
  phase?: unknown;
  component?: unknown;
  workspace?: unknown;
  label?: unknown;
}

/**
 * tasks.json's text (undefined: no file yet) with the entries it lacks appended to "tasks", through
 * jsonc-parser's edits: the user's comments, order and formatting stay as they are.
 */
export function addTaskEntries(existing: string | undefined, entries: readonly PgoTaskEntry[], file = 'tasks.json'): TasksJsonUpdate {
  let text = existing === undefined || existing.trim() === '' ? NEW_FILE : existing;
  const errors: ParseError[] = [];
  const root = parse(text, errors, { allowTrailingComma: true, disallowComments: false }) as unknown;
  const firstError = errors[0];
  if (firstError) {
    const line = text.slice(0, firstError.offset).split('\n').length;
    throw new PgoError(`${file}:${line}: not valid JSON with comments (${printParseErrorCode(firstError.error)})`, `fix ${file} at that line, then add the tasks again`, ExitCode.Usage);
  }
  if (!root || typeof root !== 'object' || Array.isArray(root)) throw new PgoError(`${file} is not a JSON object`, `fix ${file}: it holds { "version": "2.0.0", "tasks": [ … ] }`, ExitCode.Usage);
  const tasks = (root as { tasks?: unknown }).tasks;
  if (tasks !== undefined && !Array.isArray(tasks)) throw new PgoError(`${file}: "tasks" is not a list`, `fix ${file}: "tasks": [ … ]`, ExitCode.Usage);
  const have = (tasks ?? []) as ExistingTask[];
  const formattingOptions = detectFormatting(text);
  const edit = (pathTo: (string | number)[], value: unknown, insert = false): void => {
    text = applyEdits(text, modify(text, pathTo, value, { formattingOptions, isArrayInsertion: insert }));
  };
  if (!('version' in (root as object))) edit(['version'], '2.0.0');
  if (tasks === undefined) edit(['tasks'], []);
  const added: string[] = [];
  const already: string[] = [];
  for (const e of entries) {
    const same = have.find(
      (t) =>
        t && typeof t === 'object' &&
        ((t.type === 'pgo' && t.phase === e.phase && (t.component ?? '') === (e.component ?? '') && (t.workspace ?? '') === (e.workspace ?? '')) || t.label === e.label),
    );
    if (same) {
      already.push(typeof same.label === 'string' ? same.label : e.label);
      continue;
    }
    edit(['tasks', -1], e, true);
    added.push(e.label);
  }
  return { text: added.length > 0 || existing === undefined ? text : existing, added, existing: already };
}

/** Indent as the file does (tabs or N spaces), 2 spaces in a new file. */
function detectFormatting(text: string): FormattingOptions {
  const indent = /^([ \t]+)\S/m.exec(text)?.[1] ?? '  ';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return indent.startsWith('\t') ? { insertSpaces: false, tabSize: 1, eol } : { insertSpaces: true, tabSize: indent.length, eol };
}
