import type { RustcInfo } from './rustc-info';
import {
  describeLlvmTool,
  discoverLlvmTool,
  llvmToolInstallFixes,
  llvmToolLocations,
  type LlvmToolCandidate,
  type LlvmToolDiscovery,
  type LlvmToolLocation,
  type LlvmToolSearch,
  type LlvmToolSource,
} from './llvm-tools';

/**
 * Finding an llvm-profdata that can read rustc's profiles, through the one LLVM tool finder
 * (llvm-tools.ts). The LLVM major versions must match: an older llvm-profdata rejects newer
 * .profraw files ("unsupported instrumentation profile format version"), which is the failure most
 * users hit first. So every candidate's version is checked, and the doctor lists them all.
 */
export type CandidateSource = LlvmToolSource;
export type ProfdataCandidate = LlvmToolCandidate;
export type ProfdataDiscovery = LlvmToolDiscovery;
export type DiscoveryOptions = Omit<LlvmToolSearch, 'rustc' | 'besideDir'>;
export { parseLlvmVersion } from './llvm-tools';

type RustcLlvm = Pick<RustcInfo, 'llvmMajor' | 'host' | 'sysroot'>;

/** Candidate locations in the order they are tried. */
export function candidateLocations(rustc: RustcLlvm, opts: DiscoveryOptions = {}): LlvmToolLocation[] {
  return llvmToolLocations('llvm-profdata', { ...opts, rustc });
}

/** The install commands that give a matching llvm-profdata on this kind of system. */
export function installFixes(rustc: Pick<RustcInfo, 'llvmMajor' | 'sysroot'>, opts: Pick<DiscoveryOptions, 'platform' | 'fsRoot'> = {}): string[] {
  return llvmToolInstallFixes('llvm-profdata', rustc, opts);
}

/** Look through every location and take the first whose LLVM major equals rustc's. */
export async function discoverLlvmProfdata(rustc: RustcLlvm, opts: DiscoveryOptions = {}): Promise<ProfdataDiscovery> {
  return discoverLlvmTool('llvm-profdata', { ...opts, rustc });
}

export function describeCandidate(c: ProfdataCandidate): string {
  return describeLlvmTool('llvm-profdata', c);
}
