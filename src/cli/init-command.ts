import * as path from 'node:path';
import { ExitCode, PgoError } from '../core/errors';
import { initConfig } from '../core/commands/init';
import { writeMakefileTargets } from '../core/commands/makefile-targets';
import { loadProject } from '../core/config/resolve-project';
import { PLACEHOLDER_ARGS } from '../core/config/starter-config';
import { loadCargoWorkspace } from '../core/workspace/cargo-workspace';
import type { CliArgs } from './cli-args';

/**
 * `pgo init`: pgo.yaml from the workspace's binaries (or one workload added to it, `--bin`), or the
 * Makefile targets (`--makefile`). Runs before any engine context: the pgo.yaml may not exist yet.
 */
export async function initCommand(args: CliArgs, print: (s: string) => void): Promise<number> {
  if (args.makefile) {
    if (args.component) throw new PgoError(`init --makefile writes targets for every component, not one (${args.component})`, 'run `pgo init --makefile` alone', ExitCode.Usage);
    const project = await loadProject(args.workspace);
    const file = path.resolve(args.output ?? path.join(project.workspace.root, 'Makefile'));
    const r = writeMakefileTargets(project.workspace.root, project.components.map((c) => c.name), file);
    if (args.json) {
      print(JSON.stringify({ file: r.file, created: r.created, added: r.added, skipped: r.skipped }, null, 2));
      return ExitCode.Ok;
    }
    print(r.added.length > 0 ? `${r.created ? 'wrote' : 'extended'} ${r.file}: added ${r.added.join(', ')}` : `${r.file}: nothing added`);
    for (const s of r.skipped) print(`  skipped ${s.target}: ${s.why}`);
    if (r.added.length > 0) print(`run \`make ${r.added[0]}\` (the targets call \`pgo\`; \`make … PGO_CLI="npx pgo"\` calls another)`);
    return ExitCode.Ok;
  }
  const ws = await loadCargoWorkspace(args.workspace);
  const r = initConfig(ws, { component: args.component, bin: args.bin, args: args.binArgs, name: args.workloadName, force: args.force });
  if (args.json) {
    print(JSON.stringify(r, null, 2));
    return ExitCode.Ok;
  }
  const rel = path.relative(process.cwd(), r.file) || r.file;
  if (r.action === 'added' && r.workload) {
    const how = r.workload.replacedPlaceholder ? `filled in the placeholder workload "${r.workload.name}"` : `added the workload "${r.workload.name}"`;
    print(`${rel}:${r.workload.line}: ${how} to component ${r.workload.component}: ${args.bin ?? ''} ${args.binArgs.join(' ')}`.trimEnd());
  } else {
    print(`${r.action === 'replaced' ? `replaced ${rel} (the old one is ${path.basename(r.backup ?? '')})` : `wrote ${rel}`}: a workload for each binary`);
    for (const b of r.binaries) {
      const mine = b.name === args.bin;
      print(`  ${b.package}/${b.name}: ${mine ? `${b.name} ${args.binArgs.join(' ')}`.trimEnd() : `${b.name} ${PLACEHOLDER_ARGS.join(' ')}  ← replace with representative input (or \`pgo init --bin ${b.name} -- ARGS…\`)`}`);
    }
  }
  print(`next: \`pgo pipeline${r.workload && r.binaries.length > 1 ? ` ${r.workload.component}` : ''}\``);
  return ExitCode.Ok;
}
