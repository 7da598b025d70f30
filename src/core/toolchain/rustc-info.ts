import { capture } from '../util/process';
import { rustToolPath } from '../util/rust-tools';
import { PgoError, ExitCode } from '../errors';

/** What `rustc -vV` says about the compiler, most importantly the LLVM it was built on. */
export interface RustcInfo {
  /** e.g. "1.95.0" */
  version: string;
  /** the whole first line, e.g. "rustc 1.95.0 (59807616e 2026-04-14)" */
  versionLine: string;
  host: string;
  llvmVersion: string;
  llvmMajor: number;
  sysroot?: string;
  /** `rustc --print cfg` lines for the host (`unix`, `target_os="linux"`): cargo's `cfg(...)` config keys. */
  cfg?: string[];
}

/** The seed's (PGO guide's) floor: what this tool is tested against, not a compiler limit. */
export const MIN_RUST: readonly [number, number] = [1, 71];
/** -Cprofile-generate / -Cprofile-use became stable in Rust 1.37. */
export const PGO_FLAGS_STABLE: readonly [number, number] = [1, 37];

export function parseRustcVerbose(text: string): RustcInfo {
  const lines = text.split(/\r?\n/);
  const field = (key: string): string | undefined =>
    lines.find((l) => l.startsWith(`${key}:`))?.slice(key.length + 1).trim();
  const versionLine = lines[0]?.trim() ?? '';
  const version = field('release') ?? /rustc (\S+)/.exec(versionLine)?.[1];
  const host = field('host');
  const llvmVersion = field('LLVM version');
  if (!version || !host) {
    throw new PgoError(`unexpected output from \`rustc -vV\`: ${versionLine || '(empty)'}`, 'check that rustc runs: `rustc -vV`');
  }
  if (!llvmVersion) {
    throw new PgoError(
      `rustc ${version} does not report an LLVM version, so no matching llvm-profdata can be chosen`,
      'use a rustup toolchain (`rustup default stable`), which is built on LLVM',
      ExitCode.Prerequisites,
    );
  }
  const llvmMajor = Number.parseInt(llvmVersion, 10);
  return { version, versionLine, host, llvmVersion, llvmMajor };
}

/** "1.95.0-nightly" → [1, 95, 0]; used for the ≥ 1.71 check. */
export function versionTuple(version: string): number[] {
  return version
    .split(/[.-]/)
    .slice(0, 3)
    .map((p) => Number.parseInt(p, 10))
    .map((n) => (Number.isNaN(n) ? 0 : n));
}

export function atLeast(version: string, min: readonly number[]): boolean {
  const v = versionTuple(version);
  for (let i = 0; i < min.length; i++) {
    const a = v[i] ?? 0;
    const b = min[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

export async function readRustcInfo(rustc = rustToolPath('rustc'), cwd?: string): Promise<RustcInfo> {
  const info = parseRustcVerbose(await capture(rustc, ['-vV'], { cwd }));
  try {
    info.sysroot = (await capture(rustc, ['--print', 'sysroot'], { cwd })).trim();
  } catch {
    /* optional: only used to find rustup's llvm-tools */
  }
  try {
    info.cfg = (await capture(rustc, ['--print', 'cfg'], { cwd })).split(/\r?\n/).filter(Boolean);
  } catch {
    /* optional: only \`[target.'cfg(...)']\` keys in cargo config files need it */
  }
  return info;
}

export async function readCargoVersion(cargo = rustToolPath('cargo'), cwd?: string): Promise<string> {
  return (await capture(cargo, ['--version'], { cwd })).trim();
}
