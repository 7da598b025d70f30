import { findLlvmTool } from './llvm-tools';
import type { RustcInfo } from './rustc-info';
import { RUST_SRC_FIX, rustSrcLibrary } from './rust-src';

/** The doctor's line for source mapping (a CheckResult: declared here, as doctor.ts imports this file). */
export interface SourceMappingCheck {
  id: 'source-mapping';
  title: string;
  status: 'ok' | 'warn';
  message: string;
  fix?: string;
  details: string[];
}

/**
 * Which source mapping the editor features will have: the built-in DWARF reader reads ELF
 * binaries (Linux) with no tool; llvm-dwarfdump / llvm-symbolizer are the fallback elsewhere
 * (macOS, Windows) and for what the reader does not read (zstd-compressed sections, 64-bit DWARF).
 */
export async function sourceMappingCheck(rustc: Pick<RustcInfo, 'llvmMajor' | 'host' | 'sysroot'> | undefined, opts: { env?: NodeJS.ProcessEnv; platform?: NodeJS.Platform } = {}): Promise<SourceMappingCheck> {
  const search = { rustc, env: opts.env, platform: opts.platform };
  const dwarfdump = await findLlvmTool('llvm-dwarfdump', search);
  const symbolizer = await findLlvmTool('llvm-symbolizer', search);
  const elf = (opts.platform ?? process.platform) !== 'darwin' && (opts.platform ?? process.platform) !== 'win32';
  const rustSrc = rustSrcLibrary(rustc?.sysroot, opts.env ?? process.env);
  const readers = [
    ...(elf ? ['the built-in DWARF reader'] : []),
    ...(dwarfdump ? [`llvm-dwarfdump (${dwarfdump})`] : []),
    ...(symbolizer ? [`llvm-symbolizer (${symbolizer})`] : []),
  ];
  const details = [
    'exact `fn` lines need `build.debug: limited` (or `full`) in pgo.yaml, used by both PGO builds; `line-tables-only` gives the line of each function\'s first instruction (the `fn` line or its first statement), `none` gives no source locations',
    rustSrc ? `std, core and alloc open in rust-src (${rustSrc})` : `std, core and alloc functions cannot be opened: ${RUST_SRC_FIX}`,
  ];
  if (readers.length === 0) {
    return {
      id: 'source-mapping',
      title: 'source mapping',
      status: 'warn',
      message: 'nothing can read the debug info here: profiled functions will not be shown in the editor',
      fix: 'put an llvm-dwarfdump on PATH (any recent LLVM; e.g. `brew install llvm`), or set LLVM_DWARFDUMP',
      details,
    };
  }
  return {
    id: 'source-mapping',
    title: 'source mapping',
    status: 'ok',
    message: `${readers.join(', then ')}${rustSrc ? '; rust-src installed' : '; rust-src not installed'}`,
    ...(rustSrc ? {} : { fix: RUST_SRC_FIX }),
    details,
  };
}
