import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * rustup's `rust-src` component: the sources of std, core and alloc, at
 * `<sysroot>/lib/rustlib/src/rust/library`. The debug info of std names its files
 * `/rustc/<commit-hash>/library/...` (the machine that built std): this is where they are here.
 */
export const RUST_SRC_FIX = 'install rust-src: rustup component add rust-src';

/**
 * RUST_SRC_PATH names the std sources elsewhere (a `library` directory, as rust-analyzer reads it):
 * a rust-src outside the sysroot (Nix, a distribution's rust-src package of the same release).
 */
export const RUST_SRC_PATH_ENV = 'RUST_SRC_PATH';

const hasLibrary = (dir: string): boolean => fs.existsSync(path.join(dir, 'core', 'src', 'lib.rs'));

/**
 * The local `library` directory of rust-src: RUST_SRC_PATH (the directory itself, or one that
 * holds `library`) when set, else the sysroot's; undefined when neither has the sources.
 */
export function rustSrcLibrary(sysroot: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const named = env[RUST_SRC_PATH_ENV];
  if (named) {
    for (const dir of [named, path.join(named, 'library')]) if (hasLibrary(dir)) return path.resolve(dir);
  }
  if (!sysroot) return undefined;
  const dir = path.join(sysroot, 'lib', 'rustlib', 'src', 'rust', 'library');
  return hasLibrary(dir) ? dir : undefined;
}

/** `/rustc/<hash>/library/core/src/num/mod.rs` → `core/src/num/mod.rs` (undefined for other paths). */
export function stdRelativePath(file: string): string | undefined {
  const m = /^[/\\]rustc[/\\][0-9a-f]+[/\\]library[/\\](.+)$/.exec(file);
  return m?.[1]?.replace(/\\/g, '/');
}
