import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { ExitCode, PgoError } from '../errors';
import { cfgKeyMatches } from './cfg-expr';

/**
 * The rustflags cargo itself would give the workspace's own code, and where each came from.
 *
 * The PGO builds pass all their flags in CARGO_ENCODED_RUSTFLAGS, and cargo takes that variable
 * *instead of* every other source. So the engine resolves the user's flags the way cargo does and
 * puts them first; the builds then get the same flags as a plain `cargo build`, plus the profile
 * flag. Cargo's order, the first that is set wins (cargo's `extra_args`, config docs "build.rustflags"):
 *   1. CARGO_ENCODED_RUSTFLAGS (set but empty: no flags at all)
 *   2. RUSTFLAGS
 *   3. `target.<host triple>.rustflags` and every matching `target.'cfg(...)'.rustflags`, joined
 *   4. `build.rustflags`
 * Config files: `.cargo/config` (preferred when both exist, as cargo does) or `.cargo/config.toml`
 * in the build's directory and each parent, deeper first, then `$CARGO_HOME/config[.toml]`.
 * Arrays from several files are joined (deeper ones later), a string value is taken from the
 * deepest file, and `CARGO_BUILD_RUSTFLAGS` / `CARGO_TARGET_<TRIPLE>_RUSTFLAGS` add to them.
 *
 * Not supported: `include` of other config files, `--config` command-line values (the pipeline
 * starts cargo itself, without them), `[host]` rustflags (unstable `-Zhost-config`), and cfg keys
 * that depend on flags (`target_feature` enabled by `-Ctarget-feature`): cfg keys are evaluated
 * against plain `rustc --print cfg`. Build scripts and proc macros are not affected either way:
 * the builds pass `--target <host>`, so cargo gives them no rustflags (they stay uninstrumented).
 */
export interface RustflagsSource {
  /** e.g. "build.rustflags in /ws/.cargo/config.toml", "RUSTFLAGS (environment)". */
  origin: string;
  flags: string[];
}

export interface CargoRustflags {
  /** What cargo would pass to rustc for the workspace's code, conflicting PGO flags left out. */
  flags: string[];
  /** The sources of `flags`, in order. */
  sources: RustflagsSource[];
  /** Which of cargo's sources applies (the first one set), when one is. */
  precedence?: string;
  /** Sources that are set but that cargo ignores, because a source above them is set. */
  shadowed: RustflagsSource[];
  /** Flags left out because the pipeline sets them per build (a profile flag from RUSTFLAGS…). */
  dropped: { flags: string[]; origin: string }[];
  /** `target.'cfg(...)'` keys that could not be evaluated, with the reason. */
  skipped: string[];
}

/** Where cargo looks for config files for a build started in `cwd`, highest precedence first. */
export function cargoConfigFiles(cwd: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const files: string[] = [];
  const pick = (dir: string): void => {
    const found = ['config', 'config.toml'].map((n) => path.join(dir, n)).find(isFile);
    if (found && !files.includes(found)) files.push(found);
  };
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    pick(path.join(dir, '.cargo'));
    if (path.dirname(dir) === dir) break;
  }
  pick(env.CARGO_HOME ? path.resolve(env.CARGO_HOME) : path.join(os.homedir(), '.cargo'));
  return files;
}

function isFile(f: string): boolean {
  try {
    return fs.statSync(f).isFile();
  } catch {
    return false;
  }
}

type Table = Record<string, unknown>;

function readConfig(file: string): Table {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new PgoError(`cannot read the cargo config ${file}: ${(e as Error).message}`, 'check its permissions', ExitCode.Usage);
  }
  try {
    return parseToml(text) as Table;
  } catch (e) {
    throw new PgoError(`${file} is not valid TOML: ${(e as Error).message.split('\n')[0]}`, 'fix it (cargo cannot read it either)', ExitCode.Usage);
  }
}

function table(v: unknown): Table | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) ? (v as Table) : undefined;
}

/** One config value of a rustflags key: a string (split on spaces, as cargo does) or an array of strings. */
interface Entry {
  origin: string;
  kind: 'string' | 'list';
  flags: string[];
}

function entryOf(value: unknown, origin: string, file: string, key: string): Entry | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return { origin, kind: 'string', flags: splitSpaces(value) };
  if (Array.isArray(value) && value.every((x) => typeof x === 'string')) return { origin, kind: 'list', flags: value };
  throw new PgoError(`${key} in ${file} must be a string or an array of strings`, `e.g. ${key} = ["-Ctarget-cpu=native"]`, ExitCode.Usage);
}

function splitSpaces(s: string): string[] {
  return s.split(' ').map((x) => x.trim()).filter(Boolean);
}

/**
 * One key across the config files (lowest precedence first) and its environment variable:
 * arrays are joined, a string from the deepest file wins, as cargo merges config values.
 */
function mergeKey(entries: Entry[], key: string, envName: string | undefined, env: NodeJS.ProcessEnv): RustflagsSource[] {
  const kinds = new Set(entries.map((e) => e.kind));
  if (kinds.size > 1) {
    throw new PgoError(
      `${key} is an array in some cargo config files and a string in others (${entries.map((e) => e.origin).join('; ')})`,
      'use the same form in all of them (cargo refuses to merge them too)',
      ExitCode.Usage,
    );
  }
  let merged: RustflagsSource[] = kinds.has('string') ? entries.slice(-1) : entries;
  const fromEnv = envName ? env[envName] : undefined;
  if (fromEnv !== undefined) {
    const e = { origin: `${envName} (environment)`, flags: splitSpaces(fromEnv) };
    merged = kinds.has('string') ? [e] : [...merged, e];
  }
  return merged.map(({ origin, flags }) => ({ origin, flags })).filter((s) => s.flags.length > 0);
}

/** Flags the pipeline sets per build: a user's copy would clash with them, so it is left out. */
const PGO_OPTIONS = /^(profile-generate|profile-use|profile-sample-use|instrument-coverage)(=|$)/;

function withoutPgoFlags(source: RustflagsSource): { kept: string[]; dropped: string[] } {
  const kept: string[] = [];
  const dropped: string[] = [];
  const f = source.flags;
  for (let i = 0; i < f.length; i++) {
    const flag = f[i] ?? '';
    // -Cx, -C x, --codegen x, --codegen=x
    const joined = /^(?:-C|--codegen=)(.+)$/.exec(flag)?.[1];
    const split = (flag === '-C' || flag === '--codegen') && i + 1 < f.length ? f[i + 1] : undefined;
    const option = joined ?? split;
    if (option !== undefined && PGO_OPTIONS.test(option)) {
      dropped.push(split !== undefined && joined === undefined ? `${flag} ${split}` : flag);
      if (joined === undefined) i++;
      continue;
    }
    kept.push(flag);
  }
  return { kept, dropped };
}

export function resolveCargoRustflags(o: { cwd: string; host: string; rustcCfg?: readonly string[]; env?: NodeJS.ProcessEnv }): CargoRustflags {
  const env = o.env ?? process.env;
  // Lowest precedence first, the order cargo merges in.
  const files = cargoConfigFiles(o.cwd, env).reverse();
  const configs = files.map((file) => ({ file, data: readConfig(file) }));
  const skipped: string[] = [];

  const buildEntries: Entry[] = [];
  const tripleEntries: Entry[] = [];
  const cfgEntries = new Map<string, Entry[]>();
  for (const { file, data } of configs) {
    const b = entryOf(table(data.build)?.rustflags, `build.rustflags in ${file}`, file, 'build.rustflags');
    if (b) buildEntries.push(b);
    const targets = table(data.target) ?? {};
    for (const [key, value] of Object.entries(targets)) {
      const rf = table(value)?.rustflags;
      if (rf === undefined) continue;
      if (key === o.host) {
        const t = entryOf(rf, `target.${key}.rustflags in ${file}`, file, `target.${key}.rustflags`);
        if (t) tripleEntries.push(t);
      } else if (key.startsWith('cfg(')) {
        const t = entryOf(rf, `target.'${key}'.rustflags in ${file}`, file, `target.'${key}'.rustflags`);
        if (t) cfgEntries.set(key, [...(cfgEntries.get(key) ?? []), t]);
      }
    }
  }

  const tripleEnv = `CARGO_TARGET_${o.host.toUpperCase().replace(/[-.]/g, '_')}_RUSTFLAGS`;
  const target = mergeKey(tripleEntries, `target.${o.host}.rustflags`, tripleEnv, env);
  // cargo visits the cfg keys in sorted order.
  for (const key of [...cfgEntries.keys()].sort()) {
    const matches = o.rustcCfg ? cfgKeyMatches(key, o.rustcCfg) : undefined;
    if (matches === undefined) {
      skipped.push(o.rustcCfg ? `target.'${key}' (not a cfg expression this tool can read)` : `target.'${key}' (\`rustc --print cfg\` did not answer)`);
      continue;
    }
    if (matches) target.push(...mergeKey(cfgEntries.get(key) ?? [], `target.'${key}'.rustflags`, undefined, env));
  }
  const build = mergeKey(buildEntries, 'build.rustflags', 'CARGO_BUILD_RUSTFLAGS', env);

  const tiers: { name: string; sources: RustflagsSource[] }[] = [];
  const encoded = env.CARGO_ENCODED_RUSTFLAGS;
  // Set but empty still wins: cargo then passes no flags at all.
  if (encoded !== undefined) tiers.push({ name: 'CARGO_ENCODED_RUSTFLAGS', sources: [{ origin: 'CARGO_ENCODED_RUSTFLAGS (environment)', flags: encoded === '' ? [] : encoded.split('\x1f') }] });
  if (env.RUSTFLAGS !== undefined) tiers.push({ name: 'RUSTFLAGS', sources: [{ origin: 'RUSTFLAGS (environment)', flags: splitSpaces(env.RUSTFLAGS) }] });
  if (target.length > 0) tiers.push({ name: `target.${o.host} / target.'cfg(...)' rustflags`, sources: target });
  if (build.length > 0) tiers.push({ name: 'build.rustflags', sources: build });

  const [first, ...rest] = tiers;
  const applied = first?.sources ?? [];
  const sources: RustflagsSource[] = [];
  const dropped: CargoRustflags['dropped'] = [];
  for (const s of applied) {
    const { kept, dropped: d } = withoutPgoFlags(s);
    if (d.length > 0) dropped.push({ flags: d, origin: s.origin });
    if (kept.length > 0) sources.push({ origin: s.origin, flags: kept });
  }
  return {
    flags: sources.flatMap((s) => s.flags),
    sources,
    precedence: first?.name,
    shadowed: rest.flatMap((t) => t.sources).filter((s) => s.flags.length > 0),
    dropped,
    skipped,
  };
}

/** The warnings a build prints about the user's flags: what was left out, and why. */
export function rustflagsWarnings(r: CargoRustflags): string[] {
  const out: string[] = [];
  for (const d of r.dropped) {
    out.push(`${d.flags.join(' ')} from ${d.origin} is left out of the PGO builds: the pipeline sets the profile flag of each build itself; remove it there`);
  }
  for (const s of r.shadowed) {
    out.push(`${s.origin} (${s.flags.join(' ')}) does not apply: ${r.precedence ?? 'a higher source'} takes precedence, as in a plain cargo build; move the flags there, or to build.rustflags in pgo.yaml`);
  }
  for (const k of r.skipped) out.push(`cargo config ${k} was not evaluated, so its rustflags are not in the PGO builds; put them in build.rustflags in pgo.yaml`);
  return out;
}
