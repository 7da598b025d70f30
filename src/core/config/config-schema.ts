import type { BenchmarkSpec, VariantSpec } from './bench-config';

/**
 * The shape of `pgo.yaml`, after validation. Every key is optional; see README "Configuration".
 * Kept separate from the loader so the extension and the CLI can share the types.
 */
export type LtoSetting = 'off' | 'thin' | 'fat';
export type DebugSetting = 'none' | 'line-tables-only' | 'limited' | 'full';

export interface WorkloadSpec {
  name: string;
  /** Program and arguments; `{size}`, `{bin:NAME}` and `{workspace}` are replaced before running. */
  command: string[];
  env: Record<string, string>;
  /** Relative to the workspace root. */
  cwd?: string;
  timeoutSeconds?: number;
}

export interface BuildSettings {
  profile: string;
  features: string[];
  allFeatures: boolean;
  noDefaultFeatures: boolean;
  rustflags: string[];
  llvmArgs: string[];
  lto?: LtoSetting;
  codegenUnits?: number;
  debug?: DebugSetting;
}

export interface ComponentSpec {
  name: string;
  description?: string;
  /** Overrides the top-level maxBinarySizeMb (binary-size-limit.ts). */
  maxBinarySizeMb?: number;
  packages: string[];
  /** Binaries that ship; empty = every bin target of the packages. */
  bins: string[];
  defaultSize?: number;
  workloads: WorkloadSpec[];
  /** For `pgo bench` (bench-config.ts). */
  benchmarks?: BenchmarkSpec[];
}

export interface PgoConfigFile {
  version: 1;
  /** Tier cutoffs: the blocks making up this share of all counts are hot / warm. */
  hotness: HotnessCutoffs;
  defaultComponent?: string;
  /** Largest acceptable shipped binary, MB (binary-size-limit.ts). */
  maxBinarySizeMb?: number;
  artifactDir?: string;
  minFreeDiskGb?: number;
  build: BuildSettings;
  /** For `pgo bench`; absent = the default variants (bench-config.ts). */
  variants?: VariantSpec[];
  components: ComponentSpec[];
}

export const DEFAULT_MIN_FREE_GB = 8;

/** Tier cutoffs: the blocks making up this share of all counts are hot / warm (profile/hotness.ts). */
export interface HotnessCutoffs {
  hotCutoff: number;
  warmCutoff: number;
}

export const DEFAULT_CUTOFFS: HotnessCutoffs = { hotCutoff: 0.9, warmCutoff: 0.99 };

export function defaultBuildSettings(): BuildSettings {
  return { profile: 'release', features: [], allFeatures: false, noDefaultFeatures: false, rustflags: [], llvmArgs: [] };
}

export const CONFIG_FILE_NAME = 'pgo.yaml';
