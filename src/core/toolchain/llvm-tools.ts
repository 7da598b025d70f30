import * as fs from 'node:fs';
import * as path from 'node:path';
import { capture } from '../util/process';
import { isExecutable, which } from '../util/which';
import type { RustcInfo } from './rustc-info';

/**
 * The one finder for LLVM tools (llvm-profdata, llvm-dwarfdump, llvm-symbolizer, llvm-nm): every
 * tool is searched in the same places, in the same order, and only the tools whose LLVM major must
 * equal rustc's run their `--version`.
 *
 * To add a tool: one entry in LLVM_TOOLS.
 */
export interface LlvmToolSpec {
  /** Environment variable that names the tool explicitly (like LLVM_PROFDATA). */
  envVar: string;
  /**
   * Set when the tool's LLVM major must equal rustc's: the arguments that print its version, and
   * why a mismatch is fatal. Unset: any version works, and the tool is not run to find it.
   */
  sameMajor?: {
    versionArgs: readonly string[];
    /** Why `found` cannot be used with rustc's LLVM `want`. */
    mismatch: (found: number, want: number) => string;
  };
  /** Part of rustup's llvm-tools component (`rustup component add llvm-tools-preview`)? */
  inRustupLlvmTools: boolean;
  /** The setting that names it, for the fix text. */
  setting?: string;
  /** Debian's package for LLVM `major` (default `llvm-<major>`). */
  debianPackage?: (major: number | undefined) => string;
  /** Homebrew has it (BOLT rewrites ELF files only: no macOS formula offers it for Mach-O). */
  homebrew?: false;
}

function boltPackage(major: number | undefined): string {
  return major === undefined ? 'bolt' : `bolt-${major}`;
}

export const LLVM_TOOLS = {
  'llvm-profdata': {
    envVar: 'LLVM_PROFDATA',
    // An older llvm-profdata rejects newer .profraw files, the failure most users hit first.
    sameMajor: {
      // `merge --version`: LLVM 14's llvm-profdata rejects a bare `--version` ("Unknown command!").
      versionArgs: ['merge', '--version'],
      mismatch: (found, want) =>
        found < want
          ? `LLVM ${found} cannot read profiles written by rustc's LLVM ${want} ("unsupported instrumentation profile format version")`
          : `LLVM ${found} writes .profdata that rustc's LLVM ${want} may not read`,
    },
    inRustupLlvmTools: true,
    setting: 'pgo.llvmProfdataPath',
  },
  // The debug-info readers need not match: LLVM 14's llvm-dwarfdump reads rustc 1.95's (LLVM 22)
  // binaries the same (toolchain-facts.md). rustup's llvm-tools have llvm-nm, not the other two.
  'llvm-dwarfdump': { envVar: 'LLVM_DWARFDUMP', inRustupLlvmTools: false },
  'llvm-symbolizer': { envVar: 'LLVM_SYMBOLIZER', inRustupLlvmTools: false },
  'llvm-nm': { envVar: 'LLVM_NM', inRustupLlvmTools: true },
  // BOLT rewrites a finished binary, so its LLVM need not be rustc's: bolt-16 optimized rustc 1.95
  // (LLVM 22) binaries here and the output printed the same checksum. Debian: `bolt-<major>`.
  'llvm-bolt': { envVar: 'LLVM_BOLT', inRustupLlvmTools: false, debianPackage: boltPackage, homebrew: false },
  'merge-fdata': { envVar: 'MERGE_FDATA', inRustupLlvmTools: false, debianPackage: boltPackage, homebrew: false },
} satisfies Record<string, LlvmToolSpec>;

export type LlvmToolName = keyof typeof LLVM_TOOLS;

export type LlvmToolSource =
  | 'setting'
  | 'env'
  /** PGO_LLVM_TOOLS_DIR: the one directory to look in (nothing else is searched then) */
  | 'tools-dir'
  /** the directory of another tool already chosen (the matched llvm-profdata's) */
  | 'beside'
  | 'rustup'
  | 'path-versioned'
  | 'debian'
  | 'homebrew'
  | 'path'
  /** the highest `<tool>-<N>` on PATH, for a tool whose version need not match */
  | 'path-other-version';

export interface LlvmToolLocation {
  path: string;
  source: LlvmToolSource;
}

export interface LlvmToolCandidate extends LlvmToolLocation {
  /** `match`: usable (its LLVM major is rustc's, or the tool need not match). */
  status: 'match' | 'mismatch' | 'unreadable';
  version?: string;
  major?: number;
  /** Why it cannot be used (for mismatch/unreadable). */
  reason?: string;
}

export interface LlvmToolDiscovery {
  chosen?: LlvmToolCandidate;
  /** Every candidate looked at, in search order, usable or not. */
  candidates: LlvmToolCandidate[];
  /** The exact commands that would install a fitting tool on this system. */
  fixes: string[];
}

export interface LlvmToolSearch {
  /** rustc's LLVM: which `<tool>-<N>` and /usr/lib/llvm-<N> fit, and where rustup's llvm-tools are. */
  rustc?: Pick<RustcInfo, 'llvmMajor' | 'host' | 'sysroot'>;
  /** The tool the user named (a setting or a CLI flag): tried first, and never silently replaced. */
  explicitPath?: string;
  /** A directory to try right after the explicit choices (the matched llvm-profdata's). */
  besideDir?: string;
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

/**
 * PGO_LLVM_TOOLS_DIR names the one directory of LLVM tools to use (e.g. rustup's llvm-tools,
 * `$(rustc --print sysroot)/lib/rustlib/<host>/bin`): then only the explicit path, the tool's own
 * variable and that directory are looked at, never the system's other LLVMs. It pins a toolchain,
 * and shows what a machine with only that directory's tools gets (the tests use it so).
 */
export const LLVM_TOOLS_DIR_ENV = 'PGO_LLVM_TOOLS_DIR';

/**
 * Where a tool is looked for, in order: the explicit path, its environment variable, then either
 * the PGO_LLVM_TOOLS_DIR directory alone or: beside
 * another chosen tool, rustup's llvm-tools (`$(rustc --print sysroot)/lib/rustlib/<host>/bin`),
 * `<tool>-<major>` on PATH, Debian's /usr/lib/llvm-<major>/bin, Homebrew's llvm, plain PATH, and
 * for a tool whose version need not match, the highest `<tool>-<N>` on PATH.
 */
export function llvmToolLocations(tool: LlvmToolName, search: LlvmToolSearch = {}): LlvmToolLocation[] {
  const spec: LlvmToolSpec = LLVM_TOOLS[tool];
  const env = search.env ?? process.env;
  const pathVar = env.PATH ?? env.Path ?? ''; // Windows spells it Path in a copied env object
  const root = search.fsRoot ?? '/';
  const exe = (search.platform ?? process.platform) === 'win32' ? '.exe' : '';
  const file = `${tool}${exe}`;
  const major = search.rustc?.llvmMajor;
  const out: LlvmToolLocation[] = [];
  const add = (p: string | undefined, source: LlvmToolSource): void => {
    if (p && !out.some((c) => c.path === p)) out.push({ path: p, source });
  };
  if (search.explicitPath) add(search.explicitPath, 'setting');
  add(env[spec.envVar], 'env');
  const toolsDir = env[LLVM_TOOLS_DIR_ENV];
  if (toolsDir) {
    add(path.join(toolsDir, file), 'tools-dir');
    return out;
  }
  if (search.besideDir) add(path.join(search.besideDir, file), 'beside');
  if (search.rustc?.sysroot) add(path.join(search.rustc.sysroot, 'lib', 'rustlib', search.rustc.host, 'bin', file), 'rustup');
  if (major !== undefined) {
    add(which(`${tool}-${major}${exe}`, pathVar), 'path-versioned');
    add(path.join(root, 'usr', 'lib', `llvm-${major}`, 'bin', file), 'debian');
  }
  for (const prefix of [['opt', 'homebrew'], ['usr', 'local']]) {
    if (major !== undefined) add(path.join(root, ...prefix, 'opt', `llvm@${major}`, 'bin', file), 'homebrew');
    add(path.join(root, ...prefix, 'opt', 'llvm', 'bin', file), 'homebrew');
  }
  add(which(file, pathVar), 'path');
  if (!spec.sameMajor) add(highestVersionedOnPath(tool, exe, pathVar), 'path-other-version');
  return out;
}

/** The `<tool>-<N>` with the highest N on PATH (Debian's /usr/bin/llvm-dwarfdump-14). */
function highestVersionedOnPath(tool: string, exe: string, pathVar: string): string | undefined {
  const versioned = new RegExp(`^${tool}-(\\d+)${exe.replace('.', '\\.')}$`);
  let best: { file: string; major: number } | undefined;
  for (const dir of pathVar.split(path.delimiter)) {
    if (!dir) continue;
    let entries: string[];
    try {
      entries = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const entry of entries) {
      const m = versioned.exec(entry);
      const major = Number(m?.[1]);
      const file = path.join(dir, entry);
      if (m && (!best || major > best.major) && isExecutable(file)) best = { file, major };
    }
  }
  return best?.file;
}

/**
 * Whether a location holds a usable tool; undefined when nothing is there (unless it was named
 * explicitly: then its absence is the answer). Only a tool that must match rustc's LLVM is run.
 */
export async function checkLlvmTool(
  tool: LlvmToolName,
  location: LlvmToolLocation,
  wantMajor: number | undefined,
): Promise<LlvmToolCandidate | undefined> {
  const explicit = location.source === 'setting' || location.source === 'env';
  if (!fs.existsSync(location.path)) {
    return explicit ? { ...location, status: 'unreadable', reason: 'the file does not exist' } : undefined;
  }
  if (!isExecutable(location.path)) {
    return { ...location, status: 'unreadable', reason: 'the file is not executable' };
  }
  const spec: LlvmToolSpec = LLVM_TOOLS[tool];
  const sameMajor = spec.sameMajor;
  if (!sameMajor || wantMajor === undefined) return { ...location, status: 'match' };
  let text: string;
  try {
    text = await capture(location.path, [...sameMajor.versionArgs], { timeoutMs: 15_000 });
  } catch (e) {
    return { ...location, status: 'unreadable', reason: `\`${sameMajor.versionArgs.join(' ')}\` failed: ${(e as Error).message}` };
  }
  const v = parseLlvmVersion(text);
  if (!v) return { ...location, status: 'unreadable', reason: `\`--version\` printed no LLVM version: ${text.trim().split('\n')[0] ?? ''}` };
  if (v.major !== wantMajor) return { ...location, ...v, status: 'mismatch', reason: sameMajor.mismatch(v.major, wantMajor) };
  return { ...location, ...v, status: 'match' };
}

/** The install commands that give a fitting tool on this kind of system. */
export function llvmToolInstallFixes(
  tool: LlvmToolName,
  rustc: Pick<RustcInfo, 'llvmMajor' | 'sysroot'> | undefined,
  opts: Pick<LlvmToolSearch, 'platform' | 'fsRoot'> = {},
): string[] {
  const spec: LlvmToolSpec = LLVM_TOOLS[tool];
  const fixes: string[] = [];
  const platform = opts.platform ?? process.platform;
  const root = opts.fsRoot ?? '/';
  const sysroot = rustc?.sysroot;
  if (spec.inRustupLlvmTools && (sysroot?.includes(`${path.sep}.rustup${path.sep}`) || sysroot?.includes(`${path.sep}rustup${path.sep}`))) {
    fixes.push('rustup component add llvm-tools-preview');
  }
  const major = rustc?.llvmMajor;
  const llvmPackage = spec.debianPackage ? spec.debianPackage(major) : major === undefined ? 'llvm' : `llvm-${major}`;
  if (platform === 'linux' && fs.existsSync(path.join(root, 'usr', 'bin', 'apt-get'))) fixes.push(`apt-get install ${llvmPackage}`);
  if (platform === 'darwin' && spec.homebrew !== false) fixes.push(`brew install ${major === undefined ? 'llvm' : `llvm@${major}`}`);
  const which = spec.sameMajor && major !== undefined ? `an LLVM ${major} ${tool}` : `a ${tool}`;
  fixes.push(`set ${spec.envVar}${spec.setting ? ` (or the ${spec.setting} setting)` : ''} to ${which}`);
  return fixes;
}

/**
 * Look through every location and take the first usable one. An explicit choice that cannot be
 * used is not silently replaced by another tool: then nothing is chosen, and the caller says why.
 */
export async function discoverLlvmTool(tool: LlvmToolName, search: LlvmToolSearch = {}): Promise<LlvmToolDiscovery> {
  const candidates: LlvmToolCandidate[] = [];
  for (const loc of llvmToolLocations(tool, search)) {
    const c = await checkLlvmTool(tool, loc, search.rustc?.llvmMajor);
    if (c) candidates.push(c);
  }
  const explicit = candidates.find((c) => c.source === 'setting') ?? candidates.find((c) => c.source === 'env');
  const chosen = explicit && explicit.status !== 'match' ? undefined : candidates.find((c) => c.status === 'match');
  const fixes = llvmToolInstallFixes(tool, search.rustc, search);
  const toolsDir = (search.env ?? process.env)[LLVM_TOOLS_DIR_ENV];
  if (toolsDir && !chosen) fixes.unshift(`put ${tool} in ${toolsDir}, or unset ${LLVM_TOOLS_DIR_ENV} to search the usual places`);
  return { chosen, candidates, fixes };
}

/** The path of the first usable tool, or undefined. */
export async function findLlvmTool(tool: LlvmToolName, search: LlvmToolSearch = {}): Promise<string | undefined> {
  return (await discoverLlvmTool(tool, search)).chosen?.path;
}

export function describeLlvmTool(tool: LlvmToolName, c: LlvmToolCandidate): string {
  const where: Record<LlvmToolSource, string> = {
    setting: 'from the setting',
    env: `from ${LLVM_TOOLS[tool].envVar}`,
    'tools-dir': `from ${LLVM_TOOLS_DIR_ENV}`,
    beside: 'beside llvm-profdata',
    rustup: "rustup's llvm-tools",
    'path-versioned': 'on PATH',
    debian: 'system LLVM',
    homebrew: 'Homebrew LLVM',
    path: 'on PATH',
    'path-other-version': 'on PATH',
  };
  const spec: LlvmToolSpec = LLVM_TOOLS[tool];
  const v = c.version ? `, LLVM ${c.version}` : spec.sameMajor ? ', unknown version' : '';
  return `${c.path} (${where[c.source]}${v})${c.reason ? `: ${c.reason}` : ''}`;
}
