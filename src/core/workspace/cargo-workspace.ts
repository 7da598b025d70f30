import * as path from 'node:path';
import { capture } from '../util/process';
import { rustToolPath } from '../util/rust-tools';
import { ExitCode, PgoError } from '../errors';
import { cargoRootsBelow } from './cargo-roots';

/** The parts of `cargo metadata --no-deps` the pipeline needs: packages, their targets, where things go. */
export type TargetKind = 'bin' | 'lib' | 'test' | 'bench' | 'example' | 'custom-build' | 'proc-macro' | 'other';

export interface CargoTarget {
  name: string;
  kind: TargetKind;
  srcPath: string;
}

export interface CargoPackage {
  name: string;
  version: string;
  id: string;
  manifestPath: string;
  /** The package's directory. */
  root: string;
  targets: CargoTarget[];
}

export interface CargoWorkspace {
  root: string;
  targetDirectory: string;
  packages: CargoPackage[];
}

const KINDS = new Set<TargetKind>(['bin', 'lib', 'test', 'bench', 'example', 'custom-build', 'proc-macro']);

function targetKind(kinds: string[]): TargetKind {
  // cargo reports a library as "lib", "rlib", "cdylib"… and a proc macro as "proc-macro".
  for (const k of kinds) {
    if (KINDS.has(k as TargetKind)) return k as TargetKind;
    if (['rlib', 'dylib', 'cdylib', 'staticlib'].includes(k)) return 'lib';
  }
  return 'other';
}

interface RawMetadata {
  workspace_root?: string;
  target_directory?: string;
  workspace_members?: string[];
  packages?: {
    name: string;
    version: string;
    id: string;
    manifest_path: string;
    targets: { name: string; kind: string[]; src_path: string }[];
  }[];
}

export function parseCargoMetadata(json: string): CargoWorkspace {
  let raw: RawMetadata;
  try {
    raw = JSON.parse(json) as RawMetadata;
  } catch (e) {
    throw new PgoError(`\`cargo metadata\` printed invalid JSON: ${(e as Error).message}`, 'run `cargo metadata --format-version 1 --no-deps` to see why');
  }
  if (!raw.workspace_root || !raw.target_directory || !Array.isArray(raw.packages)) {
    throw new PgoError('`cargo metadata` output lacks workspace_root, target_directory or packages', 'update cargo: `rustup update stable`');
  }
  const members = new Set(raw.workspace_members ?? raw.packages.map((p) => p.id));
  return {
    root: raw.workspace_root,
    targetDirectory: raw.target_directory,
    packages: raw.packages
      .filter((p) => members.has(p.id))
      .map((p) => ({
        name: p.name,
        version: p.version,
        id: p.id,
        manifestPath: p.manifest_path,
        root: path.dirname(p.manifest_path),
        targets: p.targets.map((t) => ({ name: t.name, kind: targetKind(t.kind), srcPath: t.src_path })),
      })),
  };
}

/** Read the workspace that contains `dir` with the real cargo. */
export async function loadCargoWorkspace(dir: string, cargo = rustToolPath('cargo')): Promise<CargoWorkspace> {
  let out: string;
  try {
    out = await capture(cargo, ['metadata', '--format-version', '1', '--no-deps'], { cwd: dir, timeoutMs: 120_000 });
  } catch (e) {
    const msg = (e as Error).message;
    if (/could not find `Cargo.toml`/.test(msg)) {
      // A folder above the project (a Tauri app's top, a monorepo): name the roots below it.
      const below = cargoRootsBelow(dir).map((r) => path.relative(path.resolve(dir), r) || '.');
      const fix =
        below.length > 0
          ? `the Cargo workspaces below it: ${below.slice(0, 10).join(', ')}${below.length > 10 ? ', …' : ''}; pass one with --workspace (e.g. \`--workspace ${below[0]}\`), or open its folder`
          : 'open the folder that holds your Cargo.toml';
      throw new PgoError(`${dir} is not inside a Cargo workspace (no Cargo.toml)`, fix, ExitCode.Usage);
    }
    throw new PgoError(`\`cargo metadata\` failed in ${dir}: ${msg}`, 'fix the Cargo.toml error above, then retry', ExitCode.Usage);
  }
  return parseCargoMetadata(out);
}

export function binTargets(pkg: CargoPackage): CargoTarget[] {
  return pkg.targets.filter((t) => t.kind === 'bin');
}
