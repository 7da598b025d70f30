/** Which mangling scheme a symbol was recognised as. */
export type DemangleKind = 'rust-legacy' | 'rust-v0' | 'cxx' | 'unknown';

export interface DemangleOptions {
  /**
   * Keep the disambiguating noise in `display`: the legacy `::h<hex>` hash
   * segment, and for v0 the crate disambiguators (`core[c1f1a4ba060b9bfa]`)
   * and the type suffixes of integer const generics (`Buf<4usize>`).
   */
  keepHash?: boolean;
}

export interface DemangleResult {
  /** Human-readable name; the raw symbol when it is not a Rust symbol. */
  display: string;
  kind: DemangleKind;
  /** Legacy symbols only: the hex digits of the trailing `h<hex>` segment. */
  hash?: string;
}
