import * as os from 'node:os';
import * as path from 'node:path';
import { isExecutable, which } from './which';

/**
 * Finding cargo and rustc the way rust-analyzer does: `$CARGO` / `$RUSTC`, then PATH, then
 * rustup's bin folder (`$CARGO_HOME/bin`, `~/.cargo/bin`). The last step matters for editors: VS
 * Code started from a desktop menu or the Dock inherits no shell profile, so `~/.cargo/bin` is
 * often missing from its PATH although the user's terminal has it. The rustup proxies found there
 * put their own bin folder on PATH for what they start, so cargo still finds rustc.
 * It lives in util, the lowest layer, because reading the Cargo workspace (below toolchain) runs cargo.
 */
export type RustTool = 'cargo' | 'rustc';

export type RustToolSource = 'env' | 'path' | 'cargo-home';

export interface FoundRustTool {
  tool: RustTool;
  path: string;
  source: RustToolSource;
}

export interface RustToolOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

const ENV_VAR: Record<RustTool, string> = { cargo: 'CARGO', rustc: 'RUSTC' };

/** rustup's bin folders, in the order they are tried. */
export function cargoHomeBins(opts: RustToolOptions = {}): string[] {
  const env = opts.env ?? process.env;
  const home = ((opts.platform ?? process.platform) === 'win32' ? env.USERPROFILE : env.HOME) || os.homedir();
  const dirs = [env.CARGO_HOME ? path.join(env.CARGO_HOME, 'bin') : undefined, path.join(home, '.cargo', 'bin')];
  return dirs.filter((d, i): d is string => d !== undefined && dirs.indexOf(d) === i);
}

/** Where `tool` is, and how it was found; undefined when it is nowhere. */
export function findRustTool(tool: RustTool, opts: RustToolOptions = {}): FoundRustTool | undefined {
  const env = opts.env ?? process.env;
  const names = (opts.platform ?? process.platform) === 'win32' ? [`${tool}.exe`, tool] : [tool];
  const onPath = (name: string): string | undefined => which(name, env.PATH ?? env.Path ?? '');
  // An explicit choice wins even when it does not run: the error then names it, as cargo's would.
  const explicit = env[ENV_VAR[tool]];
  if (explicit) {
    const isBareName = !explicit.includes('/') && !explicit.includes('\\');
    return { tool, path: (isBareName ? onPath(explicit) : undefined) ?? explicit, source: 'env' };
  }
  for (const name of names) {
    const p = onPath(name);
    if (p) return { tool, path: p, source: 'path' };
  }
  for (const dir of cargoHomeBins(opts)) {
    for (const name of names) {
      const p = path.join(dir, name);
      if (isExecutable(p)) return { tool, path: p, source: 'cargo-home' };
    }
  }
  return undefined;
}

/** The command to run for `tool`: where it was found, else its bare name (the spawn error says so). */
export function rustToolPath(tool: RustTool, opts: RustToolOptions = {}): string {
  return findRustTool(tool, opts)?.path ?? tool;
}

/** "…/cargo (from $CARGO)": for the doctor and for error messages. */
export function describeRustTool(found: FoundRustTool): string {
  const from = found.source === 'env' ? `$${ENV_VAR[found.tool]}` : found.source === 'path' ? 'PATH' : "rustup's bin folder, not on PATH";
  return `${found.path} (from ${from})`;
}

/** Where the search looked, for the "not found" message. */
export function rustToolSearchPlaces(tool: RustTool, opts: RustToolOptions = {}): string {
  return `$${ENV_VAR[tool]}, PATH, ${cargoHomeBins(opts).join(', ')}`;
}

/** True when `command` (a workload's first word) means cargo itself, so it gets the found cargo. */
export function isCargoCommand(command: string): boolean {
  return /^cargo(\.exe)?$/i.test(path.basename(command));
}
