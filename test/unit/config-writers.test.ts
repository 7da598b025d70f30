import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import { addWorkload } from '../../src/core/commands/add-workload';
import { initConfig } from '../../src/core/commands/init';
import { extendMakefile, makefileTargets } from '../../src/core/commands/makefile-targets';
import { addTaskEntries, pgoTaskEntries, type PgoTaskEntry } from '../../src/core/commands/tasks-json';
import { parseWorkloadArguments } from '../../src/core/commands/workload-arguments';
import { parseConfig } from '../../src/core/config/load-config';
import { resolveProject } from '../../src/core/config/resolve-project';
import { starterConfig } from '../../src/core/config/starter-config';
import { isPgoError } from '../../src/core/errors';
import { midiWorkspace } from './fixtures';
import { tempDir } from './helpers';

const FILE = '/ws/pgo.yaml';
const commands = (text: string, component: string): string[][] =>
  resolveProject(midiWorkspace(), parseConfig(text, FILE)).components.find((c) => c.name === component)?.workloads.map((w) => w.command) ?? [];
const rejects = (fn: () => unknown, message: RegExp, fix?: RegExp): void =>
  assert.throws(fn, (e: unknown) => isPgoError(e) && message.test(e.message) && (!fix || fix.test(e.fix ?? '')));

describe('workload arguments typed as a command line', () => {
  it('quote like a shell, but stay literal: no variables, globs or operators', () => {
    assert.deepEqual(parseWorkloadArguments(`--input "my file.mid" -n 3 'a b' c\\ d $HOME *.mid {size}`), ['--input', 'my file.mid', '-n', '3', 'a b', 'c d', '$HOME', '*.mid', '{size}']);
    assert.deepEqual(parseWorkloadArguments('   '), []);
    rejects(() => parseWorkloadArguments('input.txt | sort'), /"\|" is a shell operator/, /script/);
    rejects(() => parseWorkloadArguments('a > out.txt'), /">" is a shell operator/);
    assert.deepEqual(parseWorkloadArguments('"a | b" ">"'), ['a | b', '>']);
  });
});

describe('adding a workload to pgo.yaml', () => {
  const ws = midiWorkspace();
  const userFile = [
    '# my settings — keep this comment',
    'version: 1',
    'defaultComponent: daw',
    'components:',
    '  pipeline:',
    '    packages: [pipeline]   # two spaces before this comment',
    '    workloads:',
    '      # the import workload',
    "      - name: import",
    "        command: ['{bin:midi-import}', '{size}']",
    '  daw:',
    '    packages: [daw]',
    '    defaultSize: 10 # small',
    '',
  ].join('\n');

  it('no file: the starter, with this binary filled in and the others as commented placeholders', () => {
    const r = addWorkload(undefined, FILE, ws, { bin: 'daw-render', args: ['--tracks', '8'] });
    assert.equal(r.created, true);
    assert.equal(r.component, 'daw');
    assert.equal(r.name, 'daw-render-run');
    assert.equal(r.text.split('\n')[r.line - 1]?.trim(), '- name: daw-render-run');
    assert.deepEqual(commands(r.text, 'daw'), [['{bin:daw-render}', '--tracks', '8']]);
    assert.deepEqual(commands(r.text, 'pipeline'), [['{bin:midi-import}', '--help']]);
    assert.match(r.text, /# replace "--help" with representative input/);
  });

  it("keeps the user's text byte for byte and appends to the component's workloads", () => {
    const r = addWorkload(userFile, FILE, ws, { bin: 'midi-import', args: ['a b', '#x'], name: 'quoted' });
    assert.equal(r.component, 'pipeline');
    const lines = r.text.split('\n');
    assert.equal(lines[r.line - 1], '      - name: quoted');
    assert.equal(lines[r.line], '        command: ["{bin:midi-import}", "a b", "#x"]');
    // Removing the two new lines gives back the user's file exactly.
    assert.equal([...lines.slice(0, r.line - 1), ...lines.slice(r.line + 1)].join('\n'), userFile);
    assert.deepEqual(commands(r.text, 'pipeline'), [['{bin:midi-import}', '{size}'], ['{bin:midi-import}', 'a b', '#x']]);
  });

  it('a component without workloads gets the key, at its own indentation', () => {
    const r = addWorkload(userFile, FILE, ws, { bin: 'daw-render', args: ['{size}'] });
    assert.equal(r.component, 'daw');
    assert.match(r.text, /    defaultSize: 10 # small\n    workloads:\n      - name: daw-render-run\n        command: \["\{bin:daw-render\}", "\{size\}"\]\n/);
    assert.equal(r.text.startsWith(userFile.trimEnd()), true);
  });

  it('a pgo.yaml without components: every package with binaries is written out, so none disappears', () => {
    const text = '# only build settings\nbuild:\n  lto: thin\n';
    const r = addWorkload(text, FILE, ws, { bin: 'daw-render', args: ['1'] });
    assert.equal(r.text.startsWith(text), true);
    const project = resolveProject(ws, parseConfig(r.text, FILE));
    assert.deepEqual(project.components.map((c) => [c.name, c.usesDefaultWorkload]), [['pipeline', true], ['daw', false]]);
    assert.equal(r.text.split('\n')[r.line - 1], '      - name: daw-render-run');
  });

  it('a binary no component builds gets a component of its package', () => {
    const text = 'components:\n  pipeline:\n    packages: [pipeline]\n';
    const r = addWorkload(text, FILE, ws, { bin: 'daw-render', args: [] });
    assert.equal(r.component, 'daw');
    assert.deepEqual(commands(r.text, 'daw'), [['{bin:daw-render}']]);
  });

  it('fills in the starter placeholder of the same name, and drops its "replace" comment', () => {
    const starter = starterConfig(ws);
    const r = addWorkload(starter, FILE, ws, { bin: 'midi-import', args: ['--files', '500'] });
    assert.equal(r.replacedPlaceholder, true);
    assert.deepEqual(commands(r.text, 'pipeline'), [['{bin:midi-import}', '--files', '500']]);
    assert.equal(r.text.match(/# replace "--help"/g)?.length, 1, 'only the other placeholder keeps its comment');
    assert.equal(r.text.split('\n')[r.line - 1]?.trim(), '- name: midi-import-run');
  });

  it('refuses what it cannot do, saying what to do instead', () => {
    rejects(() => addWorkload(userFile, FILE, ws, { bin: 'nope', args: [] }), /no binary "nope"/, /midi-import, daw-render/);
    rejects(() => addWorkload(userFile, FILE, ws, { bin: 'midi-import', args: [], name: 'import' }), /already has a workload named "import"/, /another name/);
    rejects(() => addWorkload(userFile, FILE, ws, { bin: 'midi-import', args: [], name: 'a b' }), /not a usable workload name/);
    rejects(() => addWorkload(userFile, FILE, ws, { bin: 'midi-import', args: [], component: 'daw' }), /"daw" does not build the binary "midi-import"/, /use pipeline/);
    rejects(() => addWorkload('components: {pipeline: {packages: [pipeline]}}\n', FILE, ws, { bin: 'midi-import', args: [] }), /flow style/);
    rejects(() => addWorkload('version: 2\n', FILE, ws, { bin: 'midi-import', args: [] }), /version: expected 1/);
  });
});

describe('pgo init', () => {
  it('writes a starter, refuses to overwrite it, adds a --bin workload to it, and --force keeps a backup', () => {
    const root = tempDir('pgo-init-');
    const ws = midiWorkspace(root);
    const file = path.join(root, 'pgo.yaml');
    const first = initConfig(ws, { args: [] });
    assert.equal(first.action, 'created');
    assert.deepEqual(first.binaries.map((b) => b.name), ['midi-import', 'daw-render']);
    const written = fs.readFileSync(file, 'utf8');
    rejects(() => initConfig(ws, { args: [] }), /already exists/, /--bin midi-import -- ARGS…/);
    assert.equal(fs.readFileSync(file, 'utf8'), written);
    const added = initConfig(ws, { bin: 'daw-render', args: ['--tracks', '4'] });
    assert.equal(added.action, 'added');
    assert.equal(added.workload?.component, 'daw');
    fs.appendFileSync(file, '# mine\n');
    const replaced = initConfig(ws, { args: [], force: true });
    assert.equal(replaced.action, 'replaced');
    assert.match(fs.readFileSync(`${file}.bak`, 'utf8'), /# mine/);
    assert.equal(fs.readFileSync(file, 'utf8'), written);
    rejects(() => initConfig(ws, { args: ['1'] }), /no --bin says which binary/);
    rejects(() => initConfig(ws, { args: [], component: 'daw' }), /no --bin is given/);
  });
});

describe('Makefile targets', () => {
  it("the seed's targets, each calling the CLI; existing targets and variables are kept", () => {
    const fresh = extendMakefile(undefined, ['pipeline', 'daw']);
    assert.deepEqual(fresh.added, ['pgo-build', 'pgo-pipeline', 'pgo-daw', 'pgo-clean']);
    assert.match(fresh.text, /^PGO_CLI \?= pgo$/m);
    assert.match(fresh.text, /^pgo-daw:\n\t@echo "[^"]+"\n\t\$\(PGO_CLI\) pipeline daw\n/m);
    assert.match(fresh.text, /^pgo-clean:\n\t@echo "[^"]+"\n\t\$\(PGO_CLI\) clean all\n/m);
    assert.deepEqual([...makefileTargets(fresh.text)], ['pgo-build', 'pgo-pipeline', 'pgo-daw', 'pgo-clean']);

    const mine = 'PGO_CLI := ./node_modules/.bin/pgo\nFLAGS = a:b\n\npgo-build: deps\n\t./my-own-script.sh\n\nall:\n\tcargo build';
    const r = extendMakefile(mine, ['pipeline', 'build'], 'app');
    assert.deepEqual(r.added, ['pgo-pipeline', 'pgo-clean']);
    assert.deepEqual(r.skipped.map((s) => s.target), ['pgo-build', 'pgo-build']);
    assert.match(r.skipped[0]?.why ?? '', /has it already/);
    assert.equal(r.text.startsWith(`${mine}\n\n`), true);
    assert.doesNotMatch(r.text, /PGO_CLI \?=/, 'the Makefile sets PGO_CLI itself');
    assert.match(r.text, /\t\$\(PGO_CLI\) pipeline pipeline --workspace app\n/);
    assert.deepEqual(extendMakefile(r.text, ['pipeline', 'build']).added, [], 'a second run adds nothing');
  });
});

describe('tasks.json entries', () => {
  const entries = pgoTaskEntries([{ name: 'pipeline', hasBenchmarks: true }, { name: 'daw' }]);
  const tasksOf = (text: string): PgoTaskEntry[] => (parseJsonc(text) as { tasks: PgoTaskEntry[] }).tasks;

  it('match the pgo task definition, with the $rustc problem matcher', () => {
    assert.deepEqual(entries.map((e) => [e.phase, e.component]), [['pipeline', 'pipeline'], ['bench', 'pipeline'], ['pipeline', 'daw'], ['clean', 'all']]);
    assert.ok(entries.filter((e) => e.phase !== 'clean').every((e) => e.type === 'pgo' && e.problemMatcher[0] === '$rustc'));
    const defs = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { contributes: { taskDefinitions: { type: string; properties: Record<string, { enum?: string[] }> }[] } };
    const def = defs.contributes.taskDefinitions.find((d) => d.type === 'pgo');
    for (const e of entries) assert.ok(def?.properties.phase?.enum?.includes(e.phase), e.phase);
  });

  it('a new file, then an existing one: comments and entries kept, nothing duplicated', () => {
    const created = addTaskEntries(undefined, entries);
    assert.equal(created.added.length, 4);
    assert.equal(tasksOf(created.text).length, 4);
    const mine = [
      '{',
      '\t// my tasks',
      '\t"version": "2.0.0",',
      '\t"tasks": [',
      '\t\t{ "label": "my build", "type": "shell", "command": "cargo build" }, // trailing comment',
      '\t\t{ "label": "pgo big", "type": "pgo", "phase": "pipeline", "component": "daw", "size": 9000 },',
      '\t]',
      '}',
    ].join('\n');
    const r = addTaskEntries(mine, entries);
    assert.deepEqual(r.existing, ['pgo big']);
    assert.deepEqual(r.added, ['PGO: pipeline pipeline', 'PGO: compare builds pipeline', 'PGO: clean']);
    assert.match(r.text, /\t\/\/ my tasks\n/);
    assert.match(r.text, /\/\/ trailing comment/);
    assert.match(r.text, /\n\t\t\{\n\t\t\t"type": "pgo",/, 'indented with tabs, as the file is');
    const tasks = tasksOf(r.text);
    assert.equal(tasks.length, 5);
    assert.equal(tasks.filter((t) => t.component === 'daw').length, 1);
    assert.equal(addTaskEntries(r.text, entries).added.length, 0);
    assert.equal(addTaskEntries(r.text, entries).text, r.text);
  });

  it('a broken tasks.json is reported with its line, not rewritten', () => {
    rejects(() => addTaskEntries('{\n  "tasks": [\n  }\n', entries), /tasks\.json:3: not valid JSON/);
  });
});
