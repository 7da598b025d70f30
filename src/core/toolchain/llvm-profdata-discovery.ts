import * as fs from 'node:fs';
import * as path from 'node:path';
import { capture } from '../util/process';
import { isExecutable, which } from '../util/which';
import type { RustcInfo } from './rustc-info';

/**
 * Finding an llvm-profdata that can read rustc's profiles. The LLVM major versions must match:
 * an older llvm-profdata rejects newer .profraw files ("unsupported instrumentation profile format
 * version"), which is the failure most users hit first. So every candidate's version is checked.
 */
export type CandidateSource = 'setting' | 'env' | 'rustup' | 'path-versioned' | 'debian' | 'homebrew' | 'path';

export interface ProfdataCandidate {
  path: string;
  source: CandidateSource;
  status: 'match' | 'mismatch' | 'unreadable';
  version?: string;
  major?: number;
  /** Why it cannot be used (for mismatch/unreadable). */
  reason?: string;
}

export interface ProfdataDiscovery {
  chosen?: ProfdataCandidate;
  /** Every candidate looked at, in search order, usable or not. */
  candidates: ProfdataCandidate[];
  /** The exact commands that would install a matching llvm-profdata on this system. */
  fixes: string[];
}

export interface DiscoveryOptions {
  explicitPath?: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** Root for the fixed system locations (/usr/lib, /opt/homebrew); tests point it elsewhere. */
  fsRoot?: string;
}

export function parseLlvmVersion(text: string): { version: string; major: number } | undefined {
  const m = /LLVM version (\d+)\.(\d+)(?:\.(\d+))?/i.exec(text);
  if (!m) return undefined;
  const version = [m[1], m[2], m[3]].filter((x) => x !== undefined).join('.');
  return { version, major: Number.parseInt(m[1] ?? '0', 10) };
}

/** Candidate locations in the order they are tried. */
export function candidateLocations(
  rustc: Pick<RustcInfo, 'llvmMajor' | 'host' | 'sysroot'>,
  opts: DiscoveryOptions = {},
): { path: string; source: CandidateSource }[] {
  const env = opts.env ?? process.env;
  const root = opts.fsRoot ?? '/';
  const exe = (opts.platform ?? process.platform) === 'win32' ? '.exe' : '';
  const major = rustc.llvmMajor;
  const out: { path: string; source: CandidateSource }[] = [];
  const add = (p: string | undefined, source: CandidateSource): void => {
    if (p && !out.some((c) => c.path === p)) out.push({ path: p, source });
  };
  if (opts.explicitPath) add(opts.explicitPath, 'setting');
  if (env.LLVM_PROFDATA) add(env.LLVM_PROFDATA, 'env');
  if (rustc.sysroot) add(path.join(rustc.sysroot, 'lib', 'rustlib', rustc.host, 'bin', `llvm-profdata${exe}`), 'rustup');
  add(which(`llvm-profdata-${major}${exe}`, env.PATH ?? ''), 'path-versioned');
  add(path.join(root, 'usr', 'lib', `llvm-${major}`, 'bin', `llvm-profdata${exe}`), 'debian');
  for (const prefix of [['opt', 'homebrew'], ['usr', 'local']]) {
    add(path.join(root, ...prefix, 'opt', `llvm@${major}`, 'bin', `llvm-profdata${exe}`), 'homebrew');
    add(path.join(root, ...prefix, 'opt', 'llvm', 'bin', `llvm-profdata${exe}`), 'homebrew');
  }
  add(which(`llvm-profdata${exe}`, env.PATH ?? ''), 'path');
  return out;
}

export async function checkCandidate(
  location: { path: string; source: CandidateSource },
  wantMajor: number,
): Promise<ProfdataCandidate | undefined> {
  const explicit = location.source === 'setting' || location.source === 'env';
  if (!fs.existsSync(location.path)) {
    return explicit ? { ...location, status: 'unreadable', reason: 'the file does not exist' } : undefined;
  }
  if (!isExecutable(location.path)) {
    return { ...location, status: 'unreadable', reason: 'the file is not executable' };
  }
  let text: string;
  try {
    // `merge --version`: LLVM 14's llvm-profdata rejects a bare `--version` ("Unknown command!").
    text = await capture(location.path, ['merge', '--version'], { timeoutMs: 15_000 });
  } catch (e) {
    return { ...location, status: 'unreadable', reason: `\`merge --version\` failed: ${(e as Error).message}` };
  }
  const v = parseLlvmVersion(text);
  if (!v) return { ...location, status: 'unreadable', reason: `\`--version\` printed no LLVM version: ${text.trim().split('\n')[0] ?? ''}` };
  if (v.major !== wantMajor) {
    return {
      ...location,
      ...v,
      status: 'mismatch',
      reason:
        v.major < wantMajor
          ? `LLVM ${v.major} cannot read profiles written by rustc's LLVM ${wantMajor} ("unsupported instrumentation profile format version")`
          : `LLVM ${v.major} writes .profdata that rustc's LLVM ${wantMajor} may not read`,
    };
  }
  return { ...location, ...v, status: 'match' };
}

/** The install commands that give a matching llvm-profdata on this kind of system. */
export function installFixes(
  rustc: Pick<RustcInfo, 'llvmMajor' | 'sysroot'>,
  opts: Pick<DiscoveryOptions, 'platform' | 'fsRoot'> = {},
): string[] {
  const fixes: string[] = [];
  const platform = opts.platform ?? process.platform;
  const root = opts.fsRoot ?? '/';
  if (rustc.sysroot?.includes(`${path.sep}.rustup${path.sep}`) || rustc.sysroot?.includes(`${path.sep}rustup${path.sep}`)) {
    fixes.push('rustup component add llvm-tools-preview');
  }
  if (platform === 'linux' && fs.existsSync(path.join(root, 'usr', 'bin', 'apt-get'))) {
    fixes.push(`apt-get install llvm-${rustc.llvmMajor}`);
  }
  if (platform === 'darwin') fixes.push(`brew install llvm@${rustc.llvmMajor}`);
  fixes.push(`set LLVM_PROFDATA (or the pgo.llvmProfdataPath setting) to an LLVM ${rustc.llvmMajor} llvm-profdata`);
  return fixes;
}

/** Look through every location and take the first whose LLVM major equals rustc's. */
export async function discoverLlvmProfdata(
  rustc: Pick<RustcInfo, 'llvmMajor' | 'host' | 'sysroot'>,
  opts: DiscoveryOptions = {},
): Promise<ProfdataDiscovery> {
  const candidates: ProfdataCandidate[] = [];
  for (const loc of candidateLocations(rustc, opts)) {
    const c = await checkCandidate(loc, rustc.llvmMajor);
    if (c) candidates.push(c);
  }
  // An explicit choice that is wrong must not be silently replaced by another one: say so.
  const explicit = candidates.find((c) => c.source === 'setting') ?? candidates.find((c) => c.source === 'env');
  const chosen = explicit && explicit.status !== 'match' ? undefined : candidates.find((c) => c.status === 'match');
  return { chosen, candidates, fixes: installFixes(rustc, opts) };
}

export function describeCandidate(c: ProfdataCandidate): string {
  const where: Record<CandidateSource, string> = {
    setting: 'from the setting',
    env: 'from LLVM_PROFDATA',
    rustup: "rustup's llvm-tools",
    'path-versioned': 'on PATH',
    debian: 'system LLVM',
    homebrew: 'Homebrew LLVM',
    path: 'on PATH',
  };
  const v = c.version ? `LLVM ${c.version}` : 'unknown version';
  return `${c.path} (${where[c.source]}, ${v})${c.reason ? `: ${c.reason}` : ''}`;
}
