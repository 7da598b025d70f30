import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..', '..');
export const CLI = path.join(REPO, 'dist', 'cli.js');
export const EXAMPLE = path.join(REPO, 'examples', 'midi-studio');

// rustup's bin folder, in case the test runner was started without it on PATH.
const cargoBin = path.join(os.homedir(), '.cargo', 'bin');
if (fs.existsSync(cargoBin) && !(process.env.PATH ?? '').split(path.delimiter).includes(cargoBin)) {
  process.env.PATH = `${process.env.PATH ?? ''}${path.delimiter}${cargoBin}`;
}

/** Copy a workspace without its target/ so every test starts from sources only. */
export function copyWorkspace(src: string, prefix: string): string {
  const dest = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.cpSync(src, dest, { recursive: true, filter: (p) => path.basename(p) !== 'target' });
  return dest;
}

/**
 * Replace `dest` with an exact copy of `snapshot`, target/ included, timestamps kept (cargo's
 * freshness checks compare them). A test that restores a snapshot built at `dest`'s path before it
 * starts sees the same known-good state whatever ran before it.
 */
export function restoreWorkspace(snapshot: string, dest: string): void {
  fs.rmSync(dest, { recursive: true, force: true });
  fs.cpSync(snapshot, dest, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
}

/** What `rustc -vV` says about this machine's toolchain: tests derive triples and LLVM versions from it. */
export interface RustcFacts {
  /** Host target triple, e.g. "aarch64-apple-darwin" or "x86_64-unknown-linux-gnu". */
  host: string;
  /** LLVM version rustc was built on, e.g. "22.1.2", and its major number. */
  llvmVersion: string;
  llvmMajor: number;
}

let rustcFactsCache: RustcFacts | undefined;
export function rustcFacts(): RustcFacts {
  if (rustcFactsCache) return rustcFactsCache;
  const text = run('rustc', ['-vV']);
  const field = (key: string): string => {
    const value = new RegExp(`^${key}: (.+)$`, 'm').exec(text)?.[1]?.trim();
    if (!value) throw new Error(`\`rustc -vV\` printed no "${key}:" line:\n${text}`);
    return value;
  };
  const llvmVersion = field('LLVM version');
  rustcFactsCache = { host: field('host'), llvmVersion, llvmMajor: Number.parseInt(llvmVersion, 10) };
  return rustcFactsCache;
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): SpawnSyncReturns<string> & { output: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    cwd,
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return Object.assign(r, { output: `${r.stdout}\n${r.stderr}` });
}

export function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: opts.cwd, env: { ...process.env, ...opts.env }, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return r.stdout;
}

/** The matched llvm-profdata, as the engine's doctor found it. */
export function matchedProfdata(workspace: string): string {
  const report = JSON.parse(runCli(['doctor', '--json', '--workspace', workspace]).stdout) as { profdata?: { chosen?: { path: string } } };
  const p = report.profdata?.chosen?.path;
  if (!p) throw new Error('no matching llvm-profdata: run `node scripts/ensure-toolchain.mjs`');
  return p;
}
