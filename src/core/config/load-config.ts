import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair } from 'yaml';
import { ExitCode, PgoError } from '../errors';
import { closest } from '../util/closest-word';
import {
  CONFIG_FILE_NAME,
  DEFAULT_CUTOFFS,
  defaultBuildSettings,
  type BuildSettings,
  type ComponentSpec,
  type PgoConfigFile,
  type WorkloadSpec,
} from './config-schema';
import { parseBenchmarks, parseVariants } from './bench-config';
import { BINARY_SIZE_LIMIT_KEY, parseBinarySizeLimit } from './binary-size-limit';
import { keysOf, NAME_PATTERN, PGO_YAML, type FieldSpec } from './pgo-yaml-spec';

/** The value kinds the Validator checks one value of, and what each gives. */
type ScalarSpec = Extract<FieldSpec, { kind: 'string' | 'integer' | 'number' | 'share' | 'boolean' | 'choice' | 'list' }>;
type ValueOf<F> = F extends { kind: 'choice'; values: readonly (infer V)[] }
  ? V
  : F extends { kind: 'integer' | 'number' | 'share' }
    ? number
    : F extends { kind: 'boolean' }
      ? boolean
      : F extends { kind: 'list' }
        ? string[]
        : string;

/** One problem in pgo.yaml, located so an editor can jump to it. */
export interface ConfigProblem {
  file: string;
  line: number;
  col: number;
  message: string;
}

export class ConfigError extends PgoError {
  constructor(readonly problems: ConfigProblem[]) {
    problems.sort((a, b) => a.line - b.line || a.col - b.col);
    super(
      problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.message}`).join('\n'),
      `edit ${problems[0] ? path.basename(problems[0].file) : CONFIG_FILE_NAME} at the position shown`,
      ExitCode.Usage,
    );
    this.name = 'ConfigError';
  }
}

/** Walks the YAML nodes (not a plain object) so every error keeps its line and column. */
class Validator {
  readonly problems: ConfigProblem[] = [];
  /** Where each checked value stands, so later checks (against the workspace) can point at it. */
  readonly locations: Record<string, { line: number; col: number }> = {};
  constructor(
    private readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  at(node: Node | Pair | null | undefined, message: string): void {
    const offset = (node && 'range' in node && node.range ? node.range[0] : undefined) ??
      (node && 'key' in node && isScalar(node.key) && node.key.range ? node.key.range[0] : 0);
    const pos = this.lines.linePos(offset);
    this.problems.push({ file: this.file, line: pos.line, col: pos.col, message });
  }

  mark(where: string, node: Node | null | undefined): void {
    const offset = node && node.range ? node.range[0] : 0;
    this.locations[where] = this.lines.linePos(offset);
  }

  map(node: unknown, where: string, allowed: readonly string[]): Map<string, { key: Node; value: Node | null }> | undefined {
    const out = new Map<string, { key: Node; value: Node | null }>();
    if (!isMap(node)) {
      this.at(node as Node, `${where}: expected a mapping (key: value)`);
      return undefined;
    }
    for (const pair of node.items) {
      const key = pair.key as Node;
      const name = isScalar(key) ? String(key.value) : undefined;
      if (name === undefined) {
        this.at(key, `${where}: keys must be plain names`);
        continue;
      }
      if (allowed.length > 0 && !allowed.includes(name)) {
        const near = closest(name, allowed);
        this.at(key, `${where}: unknown key "${name}"${near ? ` (did you mean "${near}"?)` : ''}; expected one of: ${allowed.join(', ')}`);
        continue;
      }
      out.set(name, { key, value: (pair.value as Node | null) ?? null });
    }
    return out;
  }

  /** One value, checked as its declaration in pgo-yaml-spec.ts says. */
  field<F extends ScalarSpec>(node: Node | null | undefined, where: string, f: F): ValueOf<F> | undefined {
    const n = node ?? null;
    const value = ((): unknown => {
      switch (f.kind) {
        case 'string': {
          const text = this.string(n, where);
          if (text === undefined || !f.pattern || f.pattern.test(text)) return text;
          this.at(n, `${where}: ${f.patternHint ?? `expected text matching ${f.pattern.source}`}`);
          return undefined;
        }
        case 'integer':
          return this.integer(n, where, f.min);
        case 'number':
          return this.number(n, where, f.min);
        case 'share': {
          const x = this.number(n, where, 0);
          if (x === undefined || (x > 0 && x <= 1)) return x;
          this.at(n, `${where}: expected a share between 0 and 1, e.g. 0.9`);
          return undefined;
        }
        case 'boolean':
          return this.bool(n, where);
        case 'choice':
          return this.oneOf(n, where, f.values);
        case 'list':
          return this.stringList(n, where, { nonEmpty: f.nonEmpty });
      }
    })();
    return value as ValueOf<F> | undefined;
  }

  string(node: Node | null, where: string): string | undefined {
    if (isScalar(node) && typeof node.value === 'string' && node.value.length > 0) return node.value;
    this.at(node, `${where}: expected a non-empty string`);
    return undefined;
  }

  /** Scalars become strings: `[prog, 100]` is a fine argument list. */
  stringList(node: Node | null, where: string, opts: { nonEmpty?: boolean } = {}): string[] | undefined {
    if (!isSeq(node)) {
      this.at(node, `${where}: expected a list, e.g. [a, b]`);
      return undefined;
    }
    const out: string[] = [];
    for (const item of node.items) {
      if (isScalar(item) && item.value !== null && typeof item.value !== 'object') out.push(String(item.value));
      else this.at(item as Node, `${where}: every item must be a string or number`);
    }
    if (opts.nonEmpty && out.length === 0) this.at(node, `${where}: must not be empty`);
    return out;
  }

  integer(node: Node | null, where: string, min: number): number | undefined {
    if (isScalar(node) && typeof node.value === 'number' && Number.isInteger(node.value) && node.value >= min) return node.value;
    this.at(node, `${where}: expected a whole number ≥ ${min}`);
    return undefined;
  }

  number(node: Node | null, where: string, min: number): number | undefined {
    if (isScalar(node) && typeof node.value === 'number' && node.value >= min) return node.value;
    this.at(node, `${where}: expected a number ≥ ${min}`);
    return undefined;
  }

  bool(node: Node | null, where: string): boolean | undefined {
    if (isScalar(node) && typeof node.value === 'boolean') return node.value;
    this.at(node, `${where}: expected true or false`);
    return undefined;
  }

  oneOf<T extends string>(node: Node | null, where: string, values: readonly T[]): T | undefined {
    const v = isScalar(node) ? node.value : undefined;
    // YAML reads `off`/`false` as booleans in some dialects; accept them as the "off" spelling.
    const text = v === false ? 'off' : v === true ? 'on' : typeof v === 'string' ? v : undefined;
    if (text !== undefined && (values as readonly string[]).includes(text)) return text as T;
    this.at(node, `${where}: expected one of ${values.join(', ')}`);
    return undefined;
  }
}

// The sections and their keys: declared in pgo-yaml-spec.ts, with the JSON Schema.
const TOP = PGO_YAML.keys;
const HOTNESS = TOP.hotness.keys;
const BUILD = TOP.build.keys;
const COMPONENT = TOP.components.value.keys;
const WORKLOAD = COMPONENT.workloads.item.keys;

export interface ParsedConfig {
  config: PgoConfigFile;
  /** The file it came from, when there is one. */
  file?: string;
  /** Positions of values by dotted path (e.g. "components.daw.packages"). */
  locations: Record<string, { line: number; col: number }>;
}

/** Parse and validate pgo.yaml text. Throws ConfigError listing every problem with file:line:col. */
export function parseConfig(text: string, file: string): ParsedConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const v = new Validator(file, lines);
  for (const err of doc.errors) {
    const pos = err.linePos?.[0] ?? lines.linePos(err.pos[0]);
    v.problems.push({ file, line: pos.line, col: pos.col, message: `YAML syntax: ${err.message.split('\n')[0]}` });
  }
  if (v.problems.length > 0) throw new ConfigError(v.problems);

  const config: PgoConfigFile = { version: 1, hotness: { ...DEFAULT_CUTOFFS }, build: defaultBuildSettings(), components: [] };
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) return { config, locations: {} };
  const top = v.map(doc.contents, 'pgo.yaml', keysOf(PGO_YAML));
  if (top) {
    const version = top.get('version');
    if (version && !(isScalar(version.value) && version.value.value === 1)) v.at(version.value, 'version: expected 1 (the only version so far)');
    const dc = top.get('defaultComponent');
    if (dc) config.defaultComponent = v.field(dc.value, 'defaultComponent', TOP.defaultComponent);
    const ad = top.get('artifactDir');
    if (ad) {
      config.artifactDir = v.field(ad.value, 'artifactDir', TOP.artifactDir);
      v.mark('artifactDir', ad.value);
    }
    const mf = top.get('minFreeDiskGb');
    if (mf) config.minFreeDiskGb = v.field(mf.value, 'minFreeDiskGb', TOP.minFreeDiskGb);
    const hot = top.get('hotness');
    if (hot) {
      const hm = v.map(hot.value, 'hotness', keysOf(TOP.hotness));
      const share = (k: keyof typeof HOTNESS): number | undefined => {
        const n = hm?.get(k);
        return n ? v.field(n.value, `hotness.${k}`, HOTNESS[k]) : undefined;
      };
      config.hotness = { hotCutoff: share('hotCutoff') ?? DEFAULT_CUTOFFS.hotCutoff, warmCutoff: share('warmCutoff') ?? DEFAULT_CUTOFFS.warmCutoff };
      if (config.hotness.warmCutoff < config.hotness.hotCutoff) v.at(hot.value, 'hotness: warmCutoff must be at least hotCutoff (warm includes hot)');
    }
    const build = top.get('build');
    if (build) config.build = parseBuild(v, build.value);
    const variants = top.get('variants');
    if (variants) config.variants = parseVariants(v, variants.value, parseBuild);
    const sizeLimit = top.get(BINARY_SIZE_LIMIT_KEY);
    if (sizeLimit) config.maxBinarySizeMb = parseBinarySizeLimit(v, sizeLimit.value, BINARY_SIZE_LIMIT_KEY);
    const comps = top.get('components');
    if (comps) config.components = parseComponents(v, comps.value);
    if (config.defaultComponent && comps && !config.components.some((c) => c.name === config.defaultComponent) && dc) {
      v.at(dc.value, `defaultComponent: "${config.defaultComponent}" is not one of the components (${config.components.map((c) => c.name).join(', ')})`);
    }
  }
  if (v.problems.length > 0) throw new ConfigError(v.problems);
  return { config, file, locations: v.locations };
}

function parseBuild(v: Validator, node: Node | null, where = 'build'): BuildSettings {
  const b = defaultBuildSettings();
  const m = v.map(node, where, keysOf(TOP.build));
  if (!m) return b;
  const get = (k: keyof typeof BUILD): Node | null | undefined => m.get(k)?.value;
  if (m.has('profile')) b.profile = v.field(get('profile'), `${where}.profile`, BUILD.profile) ?? b.profile;
  if (m.has('features')) b.features = v.field(get('features'), `${where}.features`, BUILD.features) ?? [];
  if (m.has('allFeatures')) b.allFeatures = v.field(get('allFeatures'), `${where}.allFeatures`, BUILD.allFeatures) ?? false;
  if (m.has('noDefaultFeatures')) b.noDefaultFeatures = v.field(get('noDefaultFeatures'), `${where}.noDefaultFeatures`, BUILD.noDefaultFeatures) ?? false;
  if (m.has('rustflags')) b.rustflags = v.field(get('rustflags'), `${where}.rustflags`, BUILD.rustflags) ?? [];
  if (m.has('llvmArgs')) b.llvmArgs = v.field(get('llvmArgs'), `${where}.llvmArgs`, BUILD.llvmArgs) ?? [];
  if (m.has('lto')) b.lto = v.field(get('lto'), `${where}.lto`, BUILD.lto);
  if (m.has('codegenUnits')) b.codegenUnits = v.field(get('codegenUnits'), `${where}.codegenUnits`, BUILD.codegenUnits);
  if (m.has('debug')) b.debug = v.field(get('debug'), `${where}.debug`, BUILD.debug);
  for (const flag of b.rustflags) {
    if (/^-C\s*profile-(generate|use)/.test(flag) || /^-Cprofile-/.test(flag)) {
      v.at(get('rustflags') ?? null, `${where}.rustflags: "${flag}" is set by the pipeline itself; remove it`);
    }
  }
  return b;
}

function parseComponents(v: Validator, node: Node | null): ComponentSpec[] {
  const m = v.map(node, 'components', []);
  if (!m) return [];
  const out: ComponentSpec[] = [];
  const reserved: readonly string[] = TOP.components.reserved;
  for (const [name, { key, value }] of m) {
    if (!NAME_PATTERN.test(name) || reserved.includes(name)) {
      v.at(key, `components: "${name}" is not a usable component name (letters, digits, "_", "-", "."; ${reserved.map((r) => `"${r}"`).join(', ')} is reserved)`);
      continue;
    }
    const where = `components.${name}`;
    const cm = v.map(value, where, keysOf(TOP.components.value));
    if (!cm) continue;
    const spec: ComponentSpec = { name, packages: [], bins: [], workloads: [] };
    const desc = cm.get('description');
    if (desc) spec.description = v.field(desc.value, `${where}.description`, COMPONENT.description);
    const pk = cm.get('packages');
    v.mark(where, key);
    if (pk) {
      spec.packages = v.field(pk.value, `${where}.packages`, COMPONENT.packages) ?? [];
      v.mark(`${where}.packages`, pk.value);
    }
    else v.at(key, `${where}: "packages" is required (the Cargo packages this component builds)`);
    const bins = cm.get('bins');
    if (bins) {
      spec.bins = v.field(bins.value, `${where}.bins`, COMPONENT.bins) ?? [];
      v.mark(`${where}.bins`, bins.value);
    }
    const ds = cm.get('defaultSize');
    if (ds) spec.defaultSize = v.field(ds.value, `${where}.defaultSize`, COMPONENT.defaultSize);
    const wl = cm.get('workloads');
    if (wl) spec.workloads = parseWorkloads(v, wl.value, `${where}.workloads`);
    const bm = cm.get('benchmarks');
    if (bm) spec.benchmarks = parseBenchmarks(v, bm.value, `${where}.benchmarks`);
    const sizeLimit = cm.get(BINARY_SIZE_LIMIT_KEY);
    if (sizeLimit) spec.maxBinarySizeMb = parseBinarySizeLimit(v, sizeLimit.value, `${where}.${BINARY_SIZE_LIMIT_KEY}`);
    out.push(spec);
  }
  return out;
}

function parseWorkloads(v: Validator, node: Node | null, where: string): WorkloadSpec[] {
  if (!isSeq(node)) {
    v.at(node, `${where}: expected a list of workloads, each with a "command" list`);
    return [];
  }
  if (node.items.length === 0) {
    // An empty list is a mistake, not a request for the default `cargo test` workload.
    v.at(node, `${where}: the list is empty; add a workload, or remove "workloads" to use the default (cargo test --release)`);
    return [];
  }
  const out: WorkloadSpec[] = [];
  node.items.forEach((item, i) => {
    const w = `${where}[${i}]`;
    const m = v.map(item as Node, w, keysOf(COMPONENT.workloads.item));
    if (!m) return;
    const spec: WorkloadSpec = { name: `workload-${i + 1}`, command: [], env: {} };
    const name = m.get('name');
    if (name) spec.name = v.field(name.value, `${w}.name`, WORKLOAD.name) ?? spec.name;
    const cmd = m.get('command');
    if (cmd) {
      if (isScalar(cmd.value) && typeof cmd.value.value === 'string') {
        v.at(cmd.value, `${w}.command: expected an argument list such as ["{bin:app}", "--size", "{size}"], not a shell string`);
      } else {
        spec.command = v.field(cmd.value, `${w}.command`, WORKLOAD.command) ?? [];
      }
    } else {
      v.at(item as Node, `${w}: "command" is required`);
    }
    const env = m.get('env');
    if (env) {
      const em = v.map(env.value, `${w}.env`, []);
      const forbidden: readonly string[] = WORKLOAD.env.forbidden;
      for (const [k, { value }] of em ?? []) {
        if (forbidden.includes(k)) v.at(value, `${w}.env.${k}: set by the pipeline itself (each run's raw profiles go to their own folder); remove it`);
        else if (isScalar(value) && value.value !== null && typeof value.value !== 'object') spec.env[k] = String(value.value);
        else v.at(value, `${w}.env.${k}: expected a string`);
      }
    }
    const cwd = m.get('cwd');
    if (cwd) {
      spec.cwd = v.field(cwd.value, `${w}.cwd`, WORKLOAD.cwd);
      v.mark(`${w}.cwd`, cwd.value);
    }
    const to = m.get('timeoutSeconds');
    if (to) spec.timeoutSeconds = v.field(to.value, `${w}.timeoutSeconds`, WORKLOAD.timeoutSeconds);
    if (out.some((o) => o.name === spec.name)) v.at(name?.value ?? (item as Node), `${w}.name: "${spec.name}" is used twice`);
    out.push(spec);
  });
  return out;
}

/** Read `pgo.yaml` from the workspace root; none is fine (defaults). */
export function loadConfigFile(workspaceRoot: string): ParsedConfig {
  const file = path.join(workspaceRoot, CONFIG_FILE_NAME);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { config: parseConfig('', file).config, locations: {} };
    throw new PgoError(`cannot read ${file}: ${(e as Error).message}`, 'check the file permissions', ExitCode.Usage);
  }
  return parseConfig(text, file);
}
