import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ESLint } from 'eslint';
import ts from 'typescript';
import { tempDir } from './helpers';

/** out/test/unit → the repository (its eslint.config.mjs and src). */
const REPO = path.resolve(__dirname, '..', '..', '..');

/**
 * Write `files` (relative path → text) into a fresh directory laid out like the repository, with
 * a copy of its eslint.config.mjs (whose layer zones are relative to the config's directory) and
 * its node_modules linked in.
 */
function fixture(files: Record<string, string>): string {
  const dir = tempDir('pgo-lint-');
  fs.copyFileSync(path.join(REPO, 'eslint.config.mjs'), path.join(dir, 'eslint.config.mjs'));
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'), 'junction');
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

/** The rule ids ESLint reports per file, run with (a copy of) the repository's own config. */
async function lint(dir: string): Promise<Map<string, string[]>> {
  const eslint = new ESLint({ cwd: dir });
  const results = await eslint.lintFiles(['src/**/*.ts']);
  return new Map(results.map((r) => [path.relative(dir, r.filePath), r.messages.map((m) => m.ruleId ?? m.message)]));
}

/** Relative imports of every .ts file under `root`, type-only ones included. */
function importGraph(root: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, e.name);
      if (e.isDirectory()) walk(file);
      else if (file.endsWith('.ts')) graph.set(file, []);
    }
  };
  walk(root);
  for (const [file, deps] of graph) {
    for (const imported of ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true).importedFiles) {
      if (!imported.fileName.startsWith('.')) continue;
      const base = path.resolve(path.dirname(file), imported.fileName);
      const target = [`${base}.ts`, path.join(base, 'index.ts')].find((f) => graph.has(f));
      if (target) deps.push(target);
    }
  }
  return graph;
}

/** One cycle of the graph as a list of files, or undefined (depth-first search with colours). */
function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): string[] | undefined => {
    state.set(file, 'open');
    stack.push(file);
    for (const dep of graph.get(file) ?? []) {
      if (state.get(dep) === 'open') return [...stack.slice(stack.indexOf(dep)), dep];
      if (!state.has(dep)) {
        const cycle = visit(dep);
        if (cycle) return cycle;
      }
    }
    stack.pop();
    state.set(file, 'done');
    return undefined;
  };
  for (const file of graph.keys()) {
    if (state.has(file)) continue;
    const cycle = visit(file);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('import structure', function () {
  this.timeout(120_000); // ESLint with typescript-eslint loads in seconds on a busy machine

  it('lint fails on an import cycle', async () => {
    const dir = fixture({
      'src/core/util/a.ts': "import { b } from './b';\nexport const a = (): number => b() + 1;\n",
      'src/core/util/b.ts': "import { a } from './a';\nexport const b = (): number => a() - 1;\n",
      'src/core/util/c.ts': "export const c = 3;\n",
    });
    const found = await lint(dir);
    assert.deepEqual(found.get(path.join('src', 'core', 'util', 'a.ts')), ['import-x/no-cycle']);
    assert.deepEqual(found.get(path.join('src', 'core', 'util', 'b.ts')), ['import-x/no-cycle']);
    assert.deepEqual(found.get(path.join('src', 'core', 'util', 'c.ts')), []);
  });

  it('lint fails when a lower core layer imports a higher one, type-only imports included', async () => {
    const dir = fixture({
      'src/core/report/summary.ts': "export interface Summary { n: number }\nexport const summary = (n: number): Summary => ({ n });\n",
      'src/core/profile/reads-report.ts': "import type { Summary } from '../report/summary';\nexport const n = (s: Summary): number => s.n;\n",
      'src/core/pipeline/uses-report.ts': "import { summary } from '../report/summary';\nexport const s = summary(1);\n",
      'src/core/util/uses-vscode-adapter.ts': "import { x } from '../../vscode/x';\nexport const y = x;\n",
      'src/vscode/x.ts': "export const x = 1;\n",
    });
    const found = await lint(dir);
    assert.deepEqual(found.get(path.join('src', 'core', 'profile', 'reads-report.ts')), ['import-x/no-restricted-paths']);
    assert.deepEqual(found.get(path.join('src', 'core', 'util', 'uses-vscode-adapter.ts')), ['import-x/no-restricted-paths']);
    assert.deepEqual(found.get(path.join('src', 'core', 'pipeline', 'uses-report.ts')), ['import-x/no-restricted-paths']);
  });

  it('the lint config lets a higher layer import a lower one', async () => {
    const dir = fixture({
      'src/core/util/low.ts': "export const low = 1;\n",
      'src/core/report/high.ts': "import { low } from '../util/low';\nexport const high = low + 1;\n",
    });
    const found = await lint(dir);
    assert.deepEqual(found.get(path.join('src', 'core', 'report', 'high.ts')), []);
  });

  it('src has no import cycle, type-only imports included (which import-x/no-cycle skips)', () => {
    const cycle = findCycle(importGraph(path.join(REPO, 'src')));
    assert.equal(cycle?.map((f) => path.relative(REPO, f)).join(' → '), undefined);
  });

  it('the cycle finder finds a type-only cycle', () => {
    const dir = fixture({
      'src/a.ts': "import type { B } from './b';\nexport interface A { b?: B }\n",
      'src/b.ts': "import type { A } from './a';\nexport interface B { a?: A }\n",
    });
    assert.deepEqual(findCycle(importGraph(path.join(dir, 'src')))?.map((f) => path.basename(f)), ['a.ts', 'b.ts', 'a.ts']);
  });
});
