import * as path from 'node:path';
import { ExitCode, PgoError } from '../errors';
import { capture } from '../util/process';
import { describeLlvmTool, discoverLlvmTool, parseLlvmVersion, type LlvmToolDiscovery, type LlvmToolSearch } from '../toolchain/llvm-tools';
import type { RustcInfo } from '../toolchain/rustc-info';
import { parseBoltHelp, type BoltHelp } from './bolt-flags';

/**
 * llvm-bolt and merge-fdata, found by the shared LLVM tool finder (LLVM_BOLT, MERGE_FDATA,
 * llvm-bolt-<major>, /usr/lib/llvm-<major>/bin, PATH, then any version). merge-fdata is looked for
 * beside the chosen llvm-bolt first: one BOLT install. Their LLVM need not be rustc's.
 */
export interface BoltDiscovery {
  platform: NodeJS.Platform;
  bolt?: LlvmToolDiscovery;
  mergeFdata?: LlvmToolDiscovery;
}

export async function discoverBolt(rustc: Pick<RustcInfo, 'llvmMajor' | 'host' | 'sysroot'> | undefined, search: Omit<LlvmToolSearch, 'rustc' | 'besideDir'> = {}): Promise<BoltDiscovery> {
  const platform = search.platform ?? process.platform;
  if (platform !== 'linux') return { platform };
  const bolt = await discoverLlvmTool('llvm-bolt', { ...search, rustc });
  const beside = bolt.chosen ? path.dirname(bolt.chosen.path) : undefined;
  const mergeFdata = await discoverLlvmTool('merge-fdata', { ...search, rustc, besideDir: beside });
  return { platform, bolt, mergeFdata };
}

/** The doctor's line: BOLT is optional, so a missing one is a warning, and on macOS/Windows only a note. */
export interface BoltCheckLine {
  status: 'ok' | 'warn';
  message: string;
  fix?: string;
  details?: string[];
}

export function boltCheckLine(found: BoltDiscovery, arch: string | undefined): BoltCheckLine {
  if (found.platform !== 'linux') {
    return { status: 'ok', message: `not available on ${found.platform}: BOLT (\`pgo bolt\`, the bolt bench variants) rewrites Linux ELF binaries only; PGO does not need it` };
  }
  if (arch !== undefined && arch !== 'x86_64' && arch !== 'aarch64') {
    return { status: 'ok', message: `not available for ${arch}: BOLT supports x86_64 and AArch64 only; PGO does not need it` };
  }
  const details = [
    ...(found.bolt?.candidates ?? []).map((c) => `${c.status === 'match' ? 'usable' : c.status}: ${describeLlvmTool('llvm-bolt', c)}`),
    ...(found.mergeFdata?.candidates ?? []).map((c) => `${c.status === 'match' ? 'usable' : c.status}: ${describeLlvmTool('merge-fdata', c)}`),
  ];
  const bolt = found.bolt?.chosen;
  const merge = found.mergeFdata?.chosen;
  if (bolt && merge) return { status: 'ok', message: `${bolt.path} and ${merge.path} (for \`pgo bolt\`; any LLVM version works)`, details };
  const named = [
    ...(found.bolt?.candidates ?? []).filter((c) => c.source === 'env' && c.status !== 'match').map((c) => `LLVM_BOLT=${c.path} cannot be used: ${c.reason ?? c.status}`),
    ...(found.mergeFdata?.candidates ?? []).filter((c) => c.source === 'env' && c.status !== 'match').map((c) => `MERGE_FDATA=${c.path} cannot be used: ${c.reason ?? c.status}`),
  ];
  if (named.length > 0) return { status: 'warn', message: `${named.join('; ')} (only \`pgo bolt\` and the bolt bench variants need it, not PGO)`, fix: 'point it at an existing llvm-bolt / merge-fdata, or unset it to search the usual places', details };
  const missing = [bolt ? undefined : 'llvm-bolt', merge ? undefined : 'merge-fdata'].filter((x): x is string => x !== undefined);
  const fixes = (bolt ? found.mergeFdata : found.bolt)?.fixes ?? [];
  return {
    status: 'warn',
    message: `${missing.join(' and ')} not found: only \`pgo bolt\` and the bolt bench variants need ${missing.length > 1 ? 'them' : 'it'}, not PGO`,
    fix: fixes.join('; or '),
    details,
  };
}

/** `x86_64` of `x86_64-unknown-linux-gnu`. */
export function hostArch(host: string): string {
  return host.split('-')[0] ?? host;
}

/** The tools a BOLT run uses, with what the installed llvm-bolt offers. */
export interface BoltTools {
  llvmBolt: string;
  mergeFdata: string;
  version?: string;
  help: BoltHelp;
}

/** llvm-bolt and merge-fdata for a run, or the doctor's words for what is missing. */
export async function requireBoltTools(rustc: Pick<RustcInfo, 'llvmMajor' | 'host' | 'sysroot'>): Promise<BoltTools> {
  const found = await discoverBolt(rustc);
  const line = boltCheckLine(found, hostArch(rustc.host));
  const llvmBolt = found.bolt?.chosen?.path;
  const mergeFdata = found.mergeFdata?.chosen?.path;
  if (!llvmBolt || !mergeFdata) {
    throw new PgoError(`BOLT cannot run: ${line.message}`, line.fix ?? 'install llvm-bolt and merge-fdata (Linux only)', ExitCode.Prerequisites, line.details?.join('\n'));
  }
  const help = await capture(llvmBolt, ['--help'], { timeoutMs: 30_000 });
  const versionText = await capture(llvmBolt, ['--version'], { timeoutMs: 30_000 }).catch(() => '');
  return { llvmBolt, mergeFdata, version: parseLlvmVersion(versionText)?.version, help: parseBoltHelp(help) };
}
