import * as fs from 'node:fs';
import * as path from 'node:path';
import { quote } from 'shell-quote';
import { writeFileAtomic } from '../util/atomic-write';

/**
 * The seed's Makefile targets (`pgo-build`, one `pgo-<component>` each, `pgo-clean`), calling the
 * `pgo` CLI instead of its shell script. Targets the Makefile already has are left alone.
 */
export interface MakefileUpdate {
  text: string;
  added: string[];
  skipped: { target: string; why: string }[];
}

/** The CLI as make calls it; `make pgo-build PGO_CLI="npx pgo"` picks another. */
const CLI_VARIABLE = 'PGO_CLI';

/** Targets (and double-colon targets) a Makefile defines; variable assignments (`A := b`) are not targets. */
export function makefileTargets(text: string): Set<string> {
  const targets = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('\t') || /^\s*#/.test(line)) continue;
    const m = /^([^:#=\t][^:#=]*?)\s*::?(?!=)/.exec(line);
    if (!m?.[1]) continue;
    for (const name of m[1].trim().split(/\s+/)) if (name && !name.startsWith('.')) targets.add(name);
  }
  return targets;
}

/**
 * `existing` (undefined: no Makefile yet) with the PGO targets it lacks appended. `workspaceArg`:
 * the Cargo workspace relative to the Makefile's folder, when that is not the workspace root.
 */
export function extendMakefile(existing: string | undefined, components: readonly string[], workspaceArg?: string): MakefileUpdate {
  const have = makefileTargets(existing ?? '');
  const ws = workspaceArg ? ` --workspace ${workspaceArg}` : '';
  const wanted: { target: string; echo: string; args: string }[] = [
    { target: 'pgo-build', echo: 'Building every component with Profile-Guided Optimization...', args: 'pipeline all' },
    ...components.map((c) => ({ target: `pgo-${c}`, echo: `PGO build for the ${c} component...`, args: `pipeline ${c}` })),
    { target: 'pgo-clean', echo: 'Cleaning PGO data (only under target/pgo)...', args: 'clean all' },
  ];
  const added: string[] = [];
  const skipped: MakefileUpdate['skipped'] = [];
  const rules: string[] = [];
  for (const w of wanted) {
    if (have.has(w.target)) {
      skipped.push({ target: w.target, why: added.includes(w.target) ? `written already for another purpose (a component named like a fixed target): run \`pgo ${w.args}\`` : 'the Makefile has it already' });
      continue;
    }
    have.add(w.target);
    added.push(w.target);
    rules.push(`${w.target}:\n\t@echo "${w.echo}"\n\t$(${CLI_VARIABLE}) ${w.args}${ws}\n`);
  }
  if (rules.length === 0) return { text: existing ?? '', added, skipped };
  const definesCli = new RegExp(`^\\s*(export\\s+)?${CLI_VARIABLE}\\s*[:?+!]?=`, 'm').test(existing ?? '');
  const block = [
    '#=============================================================================',
    '# PGO BUILDS (written by `pgo init --makefile`; each target calls the pgo CLI)',
    '#=============================================================================',
    ...(definesCli ? [] : [`${CLI_VARIABLE} ?= pgo`]),
    '',
    `.PHONY: ${added.join(' ')}`,
    '',
    rules.join('\n'),
  ].join('\n');
  const head = existing === undefined || existing === '' ? '' : `${existing}${existing.endsWith('\n') ? '' : '\n'}\n`;
  return { text: head + block, added, skipped };
}

/** `pgo init --makefile`: add the targets to `file` (created when missing) for the project's components. */
export function writeMakefileTargets(workspaceRoot: string, components: readonly string[], file: string): MakefileUpdate & { file: string; created: boolean } {
  const existing = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  const rel = path.relative(path.dirname(path.resolve(file)), workspaceRoot);
  const update = extendMakefile(existing, components, rel ? quote([rel.split(path.sep).join('/')]) : undefined);
  if (update.added.length > 0) writeFileAtomic(file, update.text);
  return { ...update, file, created: existing === undefined && update.added.length > 0 };
}
