import * as path from 'node:path';
import { parse as parseToml } from 'smol-toml';

/** A Cargo.toml found below an opened folder, with what the caller learned about its directory. */
export interface FoundManifest {
  /** Absolute path of the Cargo.toml. */
  path: string;
  text: string;
  /** src/main.rs or src/bin/ exists beside it: cargo's automatic binary targets. */
  hasAutoBin: boolean;
}

type Table = Record<string, unknown>;
const table = (v: unknown): Table | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Table) : undefined);

/** Where cargo finds automatic binaries, relative to a package directory. */
export const AUTO_BIN_PATHS: readonly string[] = [path.join('src', 'main.rs'), path.join('src', 'bin')];

/**
 * The Cargo roots among the manifests found at any depth below `folder`: every workspace root
 * (`[workspace]`), and every package that belongs to no workspace found above it and has a binary
 * (a library alone has nothing to optimize; path dependencies beside an app are such libraries).
 * A manifest directly in `folder` is always a root, as it was before nested roots were searched.
 * A package belongs to the nearest workspace above it that does not `exclude` it, as cargo decides,
 * or to the one its `package.workspace` names. A manifest that is not valid TOML is kept as a root,
 * so that loading it shows cargo's error.
 * Returns directories, shallowest first.
 */
export function cargoRootsAmong(folder: string, manifests: readonly FoundManifest[]): string[] {
  const parsed = manifests.map((m) => {
    let data: Table | undefined;
    try {
      data = parseToml(m.text) as Table;
    } catch {
      data = undefined;
    }
    return { ...m, dir: path.dirname(m.path), data };
  });
  const workspaces = parsed
    .filter((m) => m.data && table(m.data.workspace))
    .map((m) => ({ dir: m.dir, exclude: excludeList(table(m.data?.workspace)).map((e) => path.resolve(m.dir, e)) }));
  const inside = (dir: string, parent: string): boolean => {
    const rel = path.relative(parent, dir);
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  };

  const roots = parsed.filter((m) => {
    if (!m.data || table(m.data.workspace) || m.dir === path.resolve(folder)) return true;
    const pkg = table(m.data.package);
    if (!pkg) return false; // neither package nor workspace: not something cargo builds
    if (typeof pkg.workspace === 'string') return false;
    const owner = workspaces
      .filter((w) => w.dir !== m.dir && inside(m.dir, w.dir))
      .sort((a, b) => b.dir.length - a.dir.length)
      .find((w) => !w.exclude.some((e) => inside(m.dir, e)));
    if (owner) return false;
    const explicitBins = Array.isArray(m.data.bin) && m.data.bin.length > 0;
    return explicitBins || (pkg.autobins !== false && m.hasAutoBin);
  });
  return roots
    .map((m) => m.dir)
    .sort((a, b) => a.split(path.sep).length - b.split(path.sep).length || a.localeCompare(b));
}

function excludeList(ws: Table | undefined): string[] {
  const ex = ws?.exclude;
  return Array.isArray(ex) ? ex.filter((e): e is string => typeof e === 'string') : [];
}
