import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * rustup's `rust-src` component: the sources of std, core and alloc, at
 * `<sysroot>/lib/rustlib/src/rust/library`. The debug info of std names its files
 * `/rustc/<commit-hash>/library/...` (the machine that built std): this is where they are here.
 */
export const RUST_SRC_FIX = 'install rust-src: rustup component add rust-src';

/** The local `library` directory of rust-src, or undefined when the component is not installed. */
export function rustSrcLibrary(sysroot: string | undefined): string | undefined {
  if (!sysroot) return undefined;
  const dir = path.join(sysroot, 'lib', 'rustlib', 'src', 'rust', 'library');
  return fs.existsSync(path.join(dir, 'core', 'src', 'lib.rs')) ? dir : undefined;
}

/** `/rustc/<hash>/library/core/src/num/mod.rs` → `core/src/num/mod.rs` (undefined for other paths). */
export function stdRelativePath(file: string): string | undefined {
  const m = /^[/\\]rustc[/\\][0-9a-f]+[/\\]library[/\\](.+)$/.exec(file);
  return m?.[1]?.replace(/\\/g, '/');
}
