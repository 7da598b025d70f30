import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { BenchmarkSpec, BuildSettings, VariantSpec } from './config-schema';
import { keysOf, NAME_PATTERN, PGO_YAML, VARIANT_NAME_PATTERN } from './pgo-yaml-spec';

export type { BenchmarkSpec, VariantSpec } from './config-schema';
/**
 * What these parsers need of load-config's Validator, declared here so this file does not import
 * load-config (which imports it): positions for errors, and its typed readers.
 */
export interface YamlChecker {
  at(node: Node | null | undefined, message: string): void;
  mark(where: string, node: Node | null | undefined): void;
  map(node: unknown, where: string, allowed: readonly string[]): Map<string, { key: Node; value: Node | null }> | undefined;
  string(node: Node | null, where: string): string | undefined;
  stringList(node: Node | null, where: string, opts?: { nonEmpty?: boolean }): string[] | undefined;
  bool(node: Node | null, where: string): boolean | undefined;
}

/** load-config's parser of a `build:` section (passed in, for the same reason). */
export type BuildParser<V extends YamlChecker> = (v: V, node: Node | null, where: string) => BuildSettings;

/**
 * `pgo.yaml`'s keys for `pgo bench`: the build variants to compare (top-level `variants:`) and each
 * component's `benchmarks:` (commands like workloads, meant for inputs other than the training's).
 */
export const BASELINE_VARIANT = 'release';

/** release (the user's profile as it is), pgo, lto (fat, one codegen unit), lto+pgo. */
export function defaultVariants(): VariantSpec[] {
  return [
    { name: 'release', pgo: false, build: {} },
    { name: 'pgo', pgo: true, build: {} },
    { name: 'lto', pgo: false, build: { lto: 'fat', codegenUnits: 1 } },
    { name: 'lto+pgo', pgo: true, build: { lto: 'fat', codegenUnits: 1 } },
  ];
}

/**
 * `bolt` and `pgo+bolt`: BOLT on the release and on the PGO build. Not among the defaults (BOLT is
 * Linux-only and needs llvm-bolt), but available by name (`--variants bolt,pgo+bolt`) without
 * declaring them in pgo.yaml.
 */
export function builtinBoltVariants(): VariantSpec[] {
  return [
    { name: 'bolt', pgo: false, bolt: true, build: {} },
    { name: 'pgo+bolt', pgo: true, bolt: true, build: {} },
  ];
}

/** BOLT rewrites the code's layout, so it needs the relocations the linker normally drops. */
export const EMIT_RELOCS_RUSTFLAG = '-Clink-arg=-Wl,--emit-relocs';

/** The variant's complete build settings: `build:` with the variant's keys on top. */
export function variantBuildSettings(base: BuildSettings, variant: VariantSpec): BuildSettings {
  const o = variant.build;
  return {
    ...base,
    ...o,
    rustflags: [...base.rustflags, ...(o.rustflags ?? []), ...(variant.bolt ? [EMIT_RELOCS_RUSTFLAG] : [])],
    llvmArgs: [...base.llvmArgs, ...(o.llvmArgs ?? [])],
  };
}

// The keys: declared in pgo-yaml-spec.ts, with the JSON Schema.
const VARIANT = PGO_YAML.keys.variants;
const BENCHMARK = PGO_YAML.keys.components.value.keys.benchmarks.item;
const VARIANT_KEYS = keysOf(VARIANT.value);
const BENCHMARK_KEYS = keysOf(BENCHMARK);
const OUTPUT_KEYS = keysOf(BENCHMARK.keys.output);

/** `variants: { name: { pgo: true, build: { lto: fat } } }`; `release` is always there, first. */
export function parseVariants<V extends YamlChecker>(v: V, node: Node | null, parseBuild: BuildParser<V>): VariantSpec[] {
  const m = v.map(node, 'variants', []);
  if (!m) return defaultVariants();
  const out: VariantSpec[] = [];
  for (const [name, { key, value }] of m) {
    const where = `variants.${name}`;
    if (!VARIANT_NAME_PATTERN.test(name)) {
      v.at(key, `variants: "${name}" is not a usable variant name (letters, digits, "_", "-", ".", "+")`);
      continue;
    }
    const spec: VariantSpec = { name, pgo: false, build: {} };
    // `lto: {}` or `lto:` (null) are both "no change".
    const vm = value === null || (isScalar(value) && value.value === null) ? new Map() : v.map(value, where, VARIANT_KEYS);
    if (!vm) continue;
    const pgo = vm.get('pgo');
    if (pgo) spec.pgo = v.bool(pgo.value, `${where}.pgo`) ?? false;
    const bolt = vm.get('bolt');
    if (bolt) spec.bolt = v.bool(bolt.value, `${where}.bolt`) ?? false;
    const build = vm.get('build');
    if (build) {
      const full = parseBuild(v, build.value, `${where}.build`);
      // Keep only the keys the user wrote: the rest comes from `build:`.
      if (isMap(build.value)) {
        for (const item of build.value.items) {
          const k = isScalar(item.key) ? String(item.key.value) : '';
          if (k in full) (spec.build as Record<string, unknown>)[k] = (full as unknown as Record<string, unknown>)[k];
        }
      }
    }
    if (name === 'release' && (spec.pgo || spec.bolt || Object.keys(spec.build).length > 0)) {
      v.at(value, `${where}: "release" is the baseline (the build: section as it is); give other settings another name`);
    }
    out.push(spec);
  }
  if (!out.some((x) => x.name === BASELINE_VARIANT)) out.unshift({ name: BASELINE_VARIANT, pgo: false, build: {} });
  else out.sort((a, b) => Number(b.name === BASELINE_VARIANT) - Number(a.name === BASELINE_VARIANT));
  return out;
}

export function parseBenchmarks(v: YamlChecker, node: Node | null, where: string): BenchmarkSpec[] {
  if (!isSeq(node)) {
    v.at(node, `${where}: expected a list of benchmarks, each with a "command" list`);
    return [];
  }
  if (node.items.length === 0) {
    v.at(node, `${where}: the list is empty; add a benchmark, or remove "benchmarks"`);
    return [];
  }
  const out: BenchmarkSpec[] = [];
  node.items.forEach((item, i) => {
    const w = `${where}[${i}]`;
    const m = v.map(item as Node, w, BENCHMARK_KEYS);
    if (!m) return;
    const spec: BenchmarkSpec = { name: `benchmark-${i + 1}`, command: [], env: {} };
    const name = m.get('name');
    if (name) {
      const n = v.string(name.value, `${w}.name`);
      if (n && !NAME_PATTERN.test(n)) v.at(name.value, `${w}.name: use letters, digits, "_", "-" or "." (it names results)`);
      else if (n) spec.name = n;
    }
    const cmd = m.get('command');
    if (!cmd) v.at(item as Node, `${w}: "command" is required`);
    else if (isScalar(cmd.value) && typeof cmd.value.value === 'string') {
      v.at(cmd.value, `${w}.command: expected an argument list such as ["{bin:app}", "--input", "big.txt"], not a shell string`);
    } else {
      spec.command = v.stringList(cmd.value, `${w}.command`, { nonEmpty: true }) ?? [];
      if (spec.command.some((a) => a.includes('{size}'))) v.at(cmd.value, `${w}.command: {size} is for workloads; write the benchmark's input size into the command`);
      v.mark(`${w}.command`, cmd.value);
    }
    const env = m.get('env');
    if (env) {
      for (const [k, { value }] of v.map(env.value, `${w}.env`, []) ?? []) {
        if (isScalar(value) && value.value !== null && typeof value.value !== 'object') spec.env[k] = String(value.value);
        else v.at(value, `${w}.env.${k}: expected a string`);
      }
    }
    const cwd = m.get('cwd');
    if (cwd) {
      spec.cwd = v.string(cwd.value, `${w}.cwd`);
      v.mark(`${w}.cwd`, cwd.value);
    }
    const to = m.get('timeoutSeconds');
    if (to) {
      const n = isScalar(to.value) && typeof to.value.value === 'number' && to.value.value >= 1 ? to.value.value : undefined;
      if (n === undefined) v.at(to.value, `${w}.timeoutSeconds: expected a number ≥ 1`);
      else spec.timeoutSeconds = n;
    }
    const output = m.get('output');
    if (output) {
      const om = v.map(output.value, `${w}.output`, OUTPUT_KEYS);
      const re = om?.get('regex');
      if (om && !re) v.at(output.value, `${w}.output: expected { regex: "checksum: (\\\\w+)" }`);
      if (re) {
        const text = v.string(re.value, `${w}.output.regex`);
        if (text !== undefined) {
          try {
            new RegExp(text);
            spec.output = { regex: text };
          } catch (e) {
            v.at(re.value, `${w}.output.regex: not a valid regular expression: ${(e as Error).message}`);
          }
        }
      }
    }
    if (out.some((o) => o.name === spec.name)) v.at(name?.value ?? (item as Node), `${w}.name: "${spec.name}" is used twice`);
    out.push(spec);
  });
  return out;
}
