import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FILE_NAME } from '../config/config-schema';
import { starterConfig } from '../config/starter-config';
import { ExitCode, PgoError } from '../errors';
import { writeFileAtomic } from '../util/atomic-write';
import type { CargoWorkspace } from '../workspace/cargo-workspace';
import { addWorkload, workspaceBinaries, type AddedWorkload } from './add-workload';

export interface InitOptions {
  /** The component the `--bin` workload goes to (when several build the binary). */
  component?: string;
  /** Fill in one workload: this binary, run with `args`. */
  bin?: string;
  args: string[];
  /** The workload's name (default `<bin>-run`). */
  name?: string;
  /** Replace an existing pgo.yaml (kept as pgo.yaml.bak). */
  force?: boolean;
}

export interface InitResult {
  file: string;
  /** created: a new pgo.yaml; replaced: --force over an old one (see backup); added: a workload into the existing file. */
  action: 'created' | 'replaced' | 'added';
  backup?: string;
  /** The workspace's binaries, each with the workload that runs it. */
  binaries: { package: string; name: string }[];
  workload?: Omit<AddedWorkload, 'text' | 'created'>;
}

/**
 * `pgo init`: a commented pgo.yaml from the workspace's binaries, each run by a workload (with
 * `--bin NAME -- ARGS…`, that one with real arguments). An existing pgo.yaml is never overwritten
 * without `force`; with `--bin`, the workload is added to it instead, keeping the rest as it is.
 */
export function initConfig(ws: CargoWorkspace, opts: InitOptions): InitResult {
  const file = path.join(ws.root, CONFIG_FILE_NAME);
  const binaries = workspaceBinaries(ws);
  if (opts.name !== undefined && opts.bin === undefined) throw new PgoError('--name names the workload of --bin', 'e.g. `pgo init --bin app --name large-input -- input/large.txt`', ExitCode.Usage);
  if (opts.component !== undefined && opts.bin === undefined) {
    throw new PgoError(`a component (${opts.component}) says where the --bin workload goes, but no --bin is given`, `e.g. \`pgo init ${opts.component} --bin ${binaries[0]?.name ?? 'app'} -- ARGS…\`; \`pgo init\` alone writes every component`, ExitCode.Usage);
  }
  if (opts.args.length > 0 && opts.bin === undefined) {
    throw new PgoError(`arguments after -- (${opts.args.join(' ')}) are the binary's, but no --bin says which binary`, `e.g. \`pgo init --bin ${binaries[0]?.name ?? 'app'} -- ${opts.args.join(' ')}\``, ExitCode.Usage);
  }
  if (binaries.length === 0) {
    throw new PgoError(`the workspace at ${ws.root} has no binary target: PGO optimizes programs`, 'add a [[bin]] target (or src/main.rs) to a package, then run `pgo init` again', ExitCode.Usage);
  }
  const exists = fs.existsSync(file);
  if (exists && !opts.force && opts.bin === undefined) {
    throw new PgoError(
      `${file} already exists; pgo init leaves it as it is`,
      `edit it, or add a workload that runs a binary: \`pgo init --bin ${binaries[0]?.name ?? 'NAME'} -- ARGS…\`; \`pgo init --force\` replaces it (the old one is kept as ${CONFIG_FILE_NAME}.bak)`,
      ExitCode.Usage,
    );
  }
  const replace = exists && opts.force === true;
  const current = exists && !replace ? fs.readFileSync(file, 'utf8') : undefined;
  let text: string;
  let workload: InitResult['workload'];
  if (opts.bin !== undefined) {
    const added = addWorkload(current, file, ws, { bin: opts.bin, args: opts.args, name: opts.name, component: opts.component });
    text = added.text;
    workload = { component: added.component, name: added.name, line: added.line, replacedPlaceholder: added.replacedPlaceholder };
  } else {
    text = starterConfig(ws);
  }
  let backup: string | undefined;
  if (replace) {
    backup = `${file}.bak`;
    fs.copyFileSync(file, backup);
  }
  writeFileAtomic(file, text);
  return { file, action: replace ? 'replaced' : exists ? 'added' : 'created', backup, binaries, workload };
}
