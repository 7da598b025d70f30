/**
 * The keys of `pgo.yaml`, declared once: the loader (load-config.ts) takes its key lists, value
 * types and limits from here, and `npm run schema` writes the JSON Schema that the YAML extension
 * checks the file with while it is typed (schemas/pgo.schema.json, see pgo-yaml-json-schema.ts).
 * Rules across keys (warmCutoff ≥ hotCutoff, defaultComponent names a component, no profile flags
 * in rustflags) are the loader's alone.
 *
 * To add a key: an entry in its section below (the order is the order in error messages), its
 * field in config-schema.ts, one line in the section's parse function in load-config.ts, then
 * `npm run schema`.
 */

/** Component and workload names: they name folders. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** `pgo bench` variant names may also hold "+" (`lto+pgo`). */
export const VARIANT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.+-]*$/;

export type FieldSpec =
  /** A non-empty string; `pattern` with the hint said when it does not match. */
  | { kind: 'string'; doc: string; default?: string; pattern?: RegExp; patternHint?: string }
  | { kind: 'integer'; doc: string; min: number }
  | { kind: 'number'; doc: string; min: number; default?: number }
  /** A share of all counts: 0 < x ≤ 1. */
  | { kind: 'share'; doc: string; default: number }
  | { kind: 'boolean'; doc: string; default: boolean }
  /** One of `values`; YAML's `false` reads as "off" where "off" is one of them. */
  | { kind: 'choice'; doc: string; values: readonly string[] }
  /** A list of strings (numbers and booleans are taken as their text: `[prog, 100]`). */
  | { kind: 'list'; doc: string; nonEmpty?: boolean }
  | { kind: 'version'; doc: string }
  | SectionSpec
  /** A mapping from names (`pattern`, default NAME_PATTERN, minus `reserved`) to sections: the components, the variants. */
  | { kind: 'named'; doc: string; reserved: readonly string[]; value: SectionSpec; pattern?: RegExp }
  /** A non-empty list of sections: the workloads. */
  | { kind: 'sequence'; doc: string; item: SectionSpec }
  /** Environment variables (name → string); `forbidden` are set by the pipeline itself. */
  | { kind: 'env'; doc: string; forbidden: readonly string[] };

export interface SectionSpec {
  kind: 'section';
  doc: string;
  keys: Readonly<Record<string, FieldSpec>>;
  required?: readonly string[];
}

const BUILD = {
  kind: 'section',
  doc: 'Used identically by the instrumented and the optimized build (PGO needs both to match).',
  keys: {
    profile: { kind: 'string', default: 'release', doc: 'The cargo profile.' },
    features: { kind: 'list', doc: 'Cargo features (--features).' },
    allFeatures: { kind: 'boolean', default: false, doc: '--all-features' },
    noDefaultFeatures: { kind: 'boolean', default: false, doc: '--no-default-features' },
    rustflags: { kind: 'list', doc: 'Extra rustc flags for both builds, e.g. ["-Ctarget-cpu=x86-64-v3"] (not -Cprofile-*: the pipeline sets those).' },
    llvmArgs: { kind: 'list', doc: 'Extra -Cllvm-args for both builds.' },
    lto: { kind: 'choice', values: ['off', 'thin', 'fat'], doc: 'LTO, overriding the cargo profile. Measure: PGO with LTO is not always faster.' },
    codegenUnits: { kind: 'integer', min: 1, doc: 'codegen-units, overriding the cargo profile.' },
    debug: {
      kind: 'choice',
      values: ['none', 'line-tables-only', 'limited', 'full'],
      doc: 'Debug info; `limited` gives the exact `fn` line of every profiled function in the editor.',
    },
  },
} as const satisfies SectionSpec;

const VARIANT = {
  kind: 'section',
  doc: 'One build variant of `pgo bench`.',
  keys: {
    pgo: { kind: 'boolean', default: false, doc: 'Built with a profile recorded by the workload under this variant\'s own settings.' },
    build: { ...BUILD, doc: 'Settings that differ from build: (same keys; rustflags and llvmArgs are added to build:\'s).' },
    bolt: { kind: 'boolean', default: false, doc: 'Linked with --emit-relocs, then optimized by BOLT (llvm-bolt) with a profile of the same workloads. Linux x86_64/AArch64 only.' },
  },
} as const satisfies SectionSpec;

const BENCHMARK = {
  kind: 'section',
  doc: '`pgo bench`: a command timed on every variant; use inputs other than the training\'s.',
  keys: {
    name: { kind: 'string', doc: 'Names the benchmark in the results (default: benchmark-N).', pattern: NAME_PATTERN, patternHint: 'use letters, digits, "_", "-" or "." (it names results)' },
    command: { kind: 'list', nonEmpty: true, doc: 'Program and arguments, never a shell string. `{bin:NAME}` becomes each variant\'s binary, `{workspace}` the workspace root.' },
    env: { kind: 'env', doc: 'Extra environment variables for the command.', forbidden: [] },
    cwd: { kind: 'string', doc: 'Working directory, relative to the workspace root.' },
    timeoutSeconds: { kind: 'number', min: 1, doc: 'Stop a run of the command after this many seconds (an error: a hung variant).' },
    output: {
      kind: 'section',
      doc: 'What must agree between the variants (default: a hash of stdout).',
      keys: { regex: { kind: 'string', doc: 'A regular expression; its first group (else the match) must be equal, e.g. "checksum: (\\\\w+)".' } },
      required: ['regex'],
    },
  },
  required: ['command'],
} as const satisfies SectionSpec;

const WORKLOAD = {
  kind: 'section',
  doc: 'One run of the instrumented binaries; its raw profiles are merged into the component\'s profile.',
  keys: {
    name: { kind: 'string', doc: 'Names the run\'s folder of raw profiles (default: workload-N).', pattern: NAME_PATTERN, patternHint: 'use letters, digits, "_", "-" or "." (it names a folder)' },
    command: {
      kind: 'list',
      nonEmpty: true,
      doc: 'Program and arguments, never a shell string. `{size}`, `{bin:NAME}` (the instrumented binary) and `{workspace}` are replaced; `cargo …` reuses the instrumented build.',
    },
    env: { kind: 'env', doc: 'Extra environment variables for the command.', forbidden: ['LLVM_PROFILE_FILE'] },
    cwd: { kind: 'string', doc: 'Working directory, relative to the workspace root.' },
    timeoutSeconds: { kind: 'number', min: 1, doc: 'Stop the command after this many seconds.' },
  },
  required: ['command'],
} as const satisfies SectionSpec;

const COMPONENT = {
  kind: 'section',
  doc: 'What one pipeline run builds and profiles.',
  keys: {
    description: { kind: 'string', doc: 'Shown in the sidebar.' },
    packages: { kind: 'list', nonEmpty: true, doc: 'The Cargo packages this component builds.' },
    bins: { kind: 'list', doc: 'The binaries that ship (default: every bin target of the packages).' },
    defaultSize: { kind: 'integer', min: 1, doc: 'Replaces `{size}` in the workload commands; `--size N` overrides it.' },
    workloads: { kind: 'sequence', doc: 'The training runs (default: `cargo test --release -p <package>`).', item: WORKLOAD },
    benchmarks: { kind: 'sequence', doc: '`pgo bench`: commands timed on every variant, on inputs other than the training\'s.', item: BENCHMARK },
    maxBinarySizeMb: { kind: 'number', min: 0, doc: 'The largest shipped binary accepted, in MB; overrides the top-level value (tuning checklist).' },
  },
  required: ['packages'],
} as const satisfies SectionSpec;

export const PGO_YAML = {
  kind: 'section',
  doc: 'Rust PGO configuration (pgo.yaml at the workspace root). Every key is optional.',
  keys: {
    version: { kind: 'version', doc: 'The format version: 1.' },
    defaultComponent: { kind: 'string', doc: 'What `pgo pipeline` runs without an argument ("all" runs every component).' },
    artifactDir: { kind: 'string', doc: 'Where profiles and PGO builds go; must stay inside the target directory (default: target/pgo).' },
    minFreeDiskGb: { kind: 'number', min: 0, default: 8, doc: 'Below this much free disk space, doctor warns (two extra builds need room).' },
    hotness: {
      kind: 'section',
      doc: 'Tier cutoffs: the blocks making up this share of all counts are hot / warm.',
      keys: {
        hotCutoff: { kind: 'share', default: 0.9, doc: 'Share of all counts made up by the hot blocks (default 0.9).' },
        warmCutoff: { kind: 'share', default: 0.99, doc: 'Share of all counts made up by the hot and warm blocks, at least hotCutoff (default 0.99).' },
      },
    },
    build: BUILD,
    variants: {
      kind: 'named',
      doc: '`pgo bench`: the build variants to compare (default: release, pgo, lto, lto+pgo). `release` is the baseline: build: as it is.',
      pattern: VARIANT_NAME_PATTERN,
      reserved: [],
      value: VARIANT,
    },
    maxBinarySizeMb: { kind: 'number', min: 0, doc: 'The largest shipped binary accepted, in MB (the tuning checklist of `pgo report`).' },
    components: { kind: 'named', doc: 'The components, by name (letters, digits, "_", "-", "."; "all" is reserved).', reserved: ['all'], value: COMPONENT },
  },
} as const satisfies SectionSpec;

/** The key names of a section, in declaration order. */
export function keysOf<S extends SectionSpec>(section: S): (keyof S['keys'] & string)[] {
  return Object.keys(section.keys) as (keyof S['keys'] & string)[];
}
