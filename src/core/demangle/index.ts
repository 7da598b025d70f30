// Demangling of Rust symbol names (legacy and v0) for profile reports, plus
// helpers to group and attribute the demangled names. Pure: C++ names are
// only classified here; spawning llvm-cxxfilt for them is left to callers.

import { demangleLegacy } from './legacy';
import { stripLlvmSuffix } from './symbol-suffix';
import type { DemangleOptions, DemangleResult } from './types';
import { demangleV0 } from './v0';

export type { DemangleKind, DemangleOptions, DemangleResult } from './types';
export { crateOf } from './crate-of';
export { genericKey } from './generic-key';
export { splitProfileName, type ProfileName } from './profile-name';

// Itanium C++ names, with the extra `_` of macOS (`__Z`) and of blocks (`___Z`).
const CXX_PREFIX = /^_{1,3}Z/;

/**
 * Demangles a Rust symbol. The display drops the legacy `::h<hex>` hash and
 * the v0 crate disambiguators unless `keepHash` is set; a ThinLTO
 * `.llvm.<id>` suffix is always dropped, other suffixes (`.cold`) are kept.
 * Anything that is not a Rust symbol comes back unchanged, as `cxx` when it
 * has the Itanium `_Z` prefix (a `_ZN...` that is not legacy Rust is most
 * likely C++), else `unknown`. Never throws.
 */
export function demangle(symbol: string, options: DemangleOptions = {}): DemangleResult {
  if (typeof symbol !== 'string') return { display: String(symbol), kind: 'unknown' };
  try {
    const keepHash = options?.keepHash === true;
    const name = stripLlvmSuffix(symbol);
    const legacy = demangleLegacy(name, keepHash);
    // rustc always ends legacy names with the hash; without it (and without
    // Rust-only escapes) `_ZN...E` is a C++ variable such as
    // `_ZN12_GLOBAL__N_18c_localeE`, better left to a C++ demangler.
    if (legacy !== undefined && (legacy.hash !== undefined || legacy.usesRustEscapes)) {
      return legacy.hash === undefined
        ? { display: legacy.display, kind: 'rust-legacy' }
        : { display: legacy.display, kind: 'rust-legacy', hash: legacy.hash };
    }
    const v0 = demangleV0(name, keepHash);
    if (v0 !== undefined) return { display: v0, kind: 'rust-v0' };
  } catch {
    // A bug on input nobody anticipated must not take a report down.
  }
  return { display: symbol, kind: CXX_PREFIX.test(symbol) ? 'cxx' : 'unknown' };
}
