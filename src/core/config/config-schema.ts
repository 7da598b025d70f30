import { PGO_YAML } from './pgo-yaml-spec';

/**
 * The shape of `pgo.yaml`, after validation. Every key is optional; see README "Configuration".
 * Kept separate from the loader so the extension and the CLI can share the types.
 */
export type LtoSetting = (typeof PGO_YAML.keys.build.keys.lto.values)[number];
export type DebugSetting = (typeof PGO_YAML.keys.build.keys.debug.values)[number];

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

/** `pgo bench` (bench-config.ts parses them). */
export interface BenchmarkSpec {
  name: string;
  /** Program and arguments; `{bin:NAME}` becomes each variant's binary, `{workspace}` the root. */
  command: string[];
  env: Record<string, string>;
  cwd?: string;
  /** How the variants' outputs are compared: a regex's first group, else a hash of stdout. */
  output?: { regex: string };
  /** A run taking longer is stopped and reported. */
  timeoutSeconds?: number;
}

export interface VariantSpec {
  name: string;
  /** Built with a profile recorded by the component's workload under this variant's own settings. */
  pgo: boolean;
  /** Linked with --emit-relocs, then optimized by BOLT with a profile of the same workloads (Linux). */
  bolt?: boolean;
  /** Only the keys given in pgo.yaml: they override `build:` (rustflags and llvmArgs are added). */
  build: Partial<BuildSettings>;
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

export const DEFAULT_MIN_FREE_GB = PGO_YAML.keys.minFreeDiskGb.default;

/** Tier cutoffs: the blocks making up this share of all counts are hot / warm (profile/hotness.ts). */
export interface HotnessCutoffs {
  hotCutoff: number;
  warmCutoff: number;
}

const HOTNESS = PGO_YAML.keys.hotness.keys;
export const DEFAULT_CUTOFFS: HotnessCutoffs = { hotCutoff: HOTNESS.hotCutoff.default, warmCutoff: HOTNESS.warmCutoff.default };

export function defaultBuildSettings(): BuildSettings {
  const build = PGO_YAML.keys.build.keys;
  return {
    profile: build.profile.default,
    features: [],
    allFeatures: build.allFeatures.default,
    noDefaultFeatures: build.noDefaultFeatures.default,
    rustflags: [],
    llvmArgs: [],
  };
}

export const CONFIG_FILE_NAME = 'pgo.yaml';
