// Suffixes that tools append after the mangled name proper.

// ThinLTO promotion suffix; its id is decimal (LLVM >= 17) or hex, and other
// suffixes such as `.cold` may follow it.
const LLVM_SUFFIX = /\.llvm\.[0-9A-F@]+(?=\.|$)/;

/**
 * Drops a ThinLTO `.llvm.<id>` suffix (`_ZN3fooE.llvm.9D1C9369`): LLVM adds
 * it when it promotes an internal symbol, so it is not part of the Rust name
 * and would split one function into several entries. Mangled names never
 * contain `.llvm.` themselves (rustc escapes it as `llv$u6d$`).
 */
export function stripLlvmSuffix(symbol: string): string {
  return symbol.replace(LLVM_SUFFIX, '');
}

/**
 * Whether text left over after a complete mangled name is a tool-added
 * suffix that may be shown as-is (`.exit.i.i`, `.cold.1`, `.0.0`).
 * Anything else means the symbol was not what it looked like.
 */
export function isSymbolLikeSuffix(rest: string): boolean {
  return rest === '' || (rest.startsWith('.') && /^[\x21-\x7e]*$/.test(rest));
}
