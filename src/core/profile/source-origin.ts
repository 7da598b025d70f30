import * as fs from 'node:fs';
import * as path from 'node:path';
import { RUST_SRC_FIX, stdRelativePath } from '../toolchain/rust-src';

/**
 * Where a profiled function's source comes from: this workspace, a dependency crate (registry,
 * git, path or vendored: any directory with a Cargo.toml that is not a workspace member), or
 * the standard library (std, core, alloc: `/rustc/<hash>/library/…` in the debug info).
 */
export type OriginKind = 'workspace' | 'dependency' | 'std' | 'unknown';

export interface SourceOrigin {
  kind: OriginKind;
  /** The crate (package) name: `pipeline`, `regex`, `core`; the file's directory when unknown. */
  crate: string;
}

export interface ClassifiedFile {
  origin: SourceOrigin;
  /**
   * The file to open here: the same path, or a std file remapped into the local rust-src. For std
   * without rust-src, the debug info's path (it does not exist on this machine).
   */
  localFile: string;
  /** False for a std file when rust-src is not installed. */
  available: boolean;
}

export interface OriginContext {
  workspaceRoot: string;
  targetDirectory: string;
  /** The workspace's member packages (name and directory). */
  members: readonly { name: string; root: string }[];
  /** `<sysroot>/lib/rustlib/src/rust/library` when rust-src is installed. */
  rustSrcLibrary?: string;
}

function isInside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** `name = "…"` under `[package]` (Cargo.toml is TOML, but the package name is always this simple). */
export function packageNameOf(manifest: string): string | undefined {
  let inPackage = false;
  for (const raw of manifest.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('[')) {
      inPackage = /^\[\s*package\s*\]$/.test(line);
      continue;
    }
    const m = inPackage ? /^name\s*=\s*["']([^"']+)["']/.exec(line) : null;
    if (m) return m[1];
  }
  return undefined;
}

/** Classifies files, caching the Cargo.toml found above each directory. Build one per index. */
export class OriginClassifier {
  private readonly packageOfDir = new Map<string, { name: string; root: string } | null>();
  private readonly members: { name: string; root: string }[];

  constructor(private readonly ctx: OriginContext) {
    // The deepest member first: a member nested in another's directory wins.
    this.members = [...ctx.members].sort((a, b) => b.root.length - a.root.length);
  }

  classify(file: string): ClassifiedFile {
    const std = stdRelativePath(file);
    if (std !== undefined) {
      const crate = std.split('/')[0] ?? 'std';
      const lib = this.ctx.rustSrcLibrary;
      const local = lib ? path.join(lib, ...std.split('/')) : undefined;
      const available = local !== undefined && fs.existsSync(local);
      return { origin: { kind: 'std', crate }, localFile: available && local ? local : file, available };
    }
    const inTarget = isInside(file, this.ctx.targetDirectory);
    if (!inTarget) {
      const member = this.members.find((m) => isInside(file, m.root));
      if (member) return { origin: { kind: 'workspace', crate: member.name }, localFile: file, available: true };
    }
    const pkg = this.packageAbove(path.dirname(file));
    if (pkg && !inTarget) {
      const member = this.members.find((m) => m.root === pkg.root);
      return { origin: { kind: member ? 'workspace' : 'dependency', crate: pkg.name }, localFile: file, available: true };
    }
    if (!inTarget && isInside(file, this.ctx.workspaceRoot)) {
      return { origin: { kind: 'workspace', crate: path.basename(this.ctx.workspaceRoot) }, localFile: file, available: true };
    }
    return { origin: { kind: 'unknown', crate: pkg?.name ?? path.basename(path.dirname(file)) }, localFile: file, available: fs.existsSync(file) };
  }

  /** The nearest directory at or above `dir` with a Cargo.toml that has a [package]. */
  private packageAbove(dir: string): { name: string; root: string } | undefined {
    const visited: string[] = [];
    let found: { name: string; root: string } | null = null;
    for (let d = dir; ; d = path.dirname(d)) {
      const cached = this.packageOfDir.get(d);
      if (cached !== undefined) {
        found = cached;
        break;
      }
      visited.push(d);
      let manifest: string | undefined;
      try {
        manifest = fs.readFileSync(path.join(d, 'Cargo.toml'), 'utf8');
      } catch {
        manifest = undefined;
      }
      const name = manifest === undefined ? undefined : packageNameOf(manifest);
      if (name) {
        found = { name, root: d };
        break;
      }
      if (path.dirname(d) === d) break;
    }
    for (const d of visited) this.packageOfDir.set(d, found);
    return found ?? undefined;
  }
}

export function originKey(o: SourceOrigin): string {
  return `${o.kind}:${o.crate}`;
}

/**
 * Why a profiled function's file cannot be opened here, or undefined when it can: std without
 * rust-src (the debug info's `/rustc/<hash>/library/…` exists only where std was built), or a
 * file that is gone (a dependency removed from the registry cache, a moved path dependency).
 */
export function missingSourceMessage(file: string, exists: boolean): string | undefined {
  if (exists) return undefined;
  if (stdRelativePath(file) !== undefined) return `the standard library's sources are not installed (${file}): ${RUST_SRC_FIX}`;
  return `${file} does not exist on this machine any more (run the pipeline again to refresh the profile)`;
}
