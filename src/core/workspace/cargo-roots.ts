import * as fs from 'node:fs';
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

/** Folders the search for manifests never enters. */
export function skippedFolder(name: string): boolean {
  return name.startsWith('.') || name === 'target' || name === 'node_modules';
}

/**
 * The Cargo roots below `dir` read from the disk (for the CLI: the extension uses VS Code's search),
 * bounded: at most `maxDepth` folders down and `maxManifests` manifests.
 */
export function cargoRootsBelow(dir: string, maxDepth = 6, maxManifests = 500): string[] {
  const found: FoundManifest[] = [];
  const walk = (d: string, depth: number): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (found.length >= maxManifests) return;
      const p = path.join(d, e.name);
      if (e.isFile() && e.name === 'Cargo.toml') {
        try {
          found.push({ path: p, text: fs.readFileSync(p, 'utf8'), hasAutoBin: AUTO_BIN_PATHS.some((b) => fs.existsSync(path.join(d, b))) });
        } catch {
          /* unreadable: not a root we can offer */
        }
      } else if (e.isDirectory() && depth < maxDepth && !skippedFolder(e.name)) walk(p, depth + 1);
    }
  };
  walk(path.resolve(dir), 0);
  return cargoRootsAmong(dir, found);
}
