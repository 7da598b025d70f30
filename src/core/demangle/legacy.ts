// Rust "legacy" mangling: an Itanium-style nested name `_ZN <len><ident>... E`
// whose last segment is usually the hash `h<16 hex>`, with the characters
// C++ cannot carry spelled as `$..$` escapes and `::` spelled `..`.
// Reference: rustc_symbol_mangling/src/legacy.rs and rustc-demangle's legacy.rs.

import { isSymbolLikeSuffix } from './symbol-suffix';

export interface LegacyDemangling {
  display: string;
  /** Hex digits of the trailing hash segment, without the `h`. */
  hash?: string;
  /**
   * Whether a segment uses `$..$` escapes or `..`, which C++ names cannot
   * contain: with the hash, the evidence that a `_ZN...E` name is Rust's.
   */
  usesRustEscapes: boolean;
}

// `__ZN` is the macOS form (every C symbol gets an extra `_`).
const PREFIXES = ['__ZN', '_ZN'];

const NAMED_ESCAPES: Readonly<Record<string, string>> = {
  SP: '@',
  BP: '*',
  RF: '&',
  LT: '<',
  GT: '>',
  LP: '(',
  RP: ')',
  C: ',',
};

/**
 * Demangles a legacy Rust symbol, or returns undefined when `symbol` is not
 * one (so the caller can try another scheme). `keepHash` keeps the
 * `::h<hex>` segment in `display`.
 */
export function demangleLegacy(symbol: string, keepHash = false): LegacyDemangling | undefined {
  const prefix = PREFIXES.find((p) => symbol.startsWith(p));
  if (prefix === undefined) return undefined;
  // Rust only ever emits ASCII here; anything else is some other producer.
  if (!/^[\x00-\x7f]*$/.test(symbol)) return undefined;

  const segments: string[] = [];
  let pos = prefix.length;
  while (symbol[pos] !== 'E') {
    const digits = /^[0-9]+/.exec(symbol.slice(pos));
    if (digits === null) return undefined;
    const length = Number(digits[0]);
    pos += digits[0].length;
    if (!Number.isSafeInteger(length) || pos + length > symbol.length) return undefined;
    segments.push(symbol.slice(pos, pos + length));
    pos += length;
  }
  const suffix = symbol.slice(pos + 1);
  // C++ names carry parameter types after the `E` (`_ZN3foo3barEv`): not ours.
  if (segments.length === 0 || !isSymbolLikeSuffix(suffix)) return undefined;

  const last = segments[segments.length - 1] ?? '';
  // A lone segment that looks like a hash is a name, not a hash.
  const hash = segments.length > 1 && /^h[0-9a-fA-F]+$/.test(last) ? last.slice(1) : undefined;
  const shown = hash !== undefined && !keepHash ? segments.slice(0, -1) : segments;
  const display = shown.map(unescapeSegment).join('::') + suffix;
  const usesRustEscapes = segments.some((segment) => segment.includes('$') || segment.includes('..'));
  return hash === undefined ? { display, usesRustEscapes } : { display, hash, usesRustEscapes };
}

/** Undoes the `$..$` escapes and `..` separators of one path segment. */
function unescapeSegment(segment: string): string {
  // A segment cannot start with `$` in the object file, so rustc puts `_` first.
  let rest = segment.startsWith('_$') ? segment.slice(1) : segment;
  let out = '';
  while (rest !== '') {
    if (rest.startsWith('..')) {
      out += '::';
      rest = rest.slice(2);
    } else if (rest.startsWith('.')) {
      out += '.';
      rest = rest.slice(1);
    } else if (rest.startsWith('$')) {
      const end = rest.indexOf('$', 1);
      const decoded = end < 0 ? undefined : decodeEscape(rest.slice(1, end));
      // An unknown escape means we do not understand the rest: show it raw.
      if (decoded === undefined) return out + rest;
      out += decoded;
      rest = rest.slice(end + 1);
    } else {
      const stop = rest.search(/[$.]/);
      const plain = stop < 0 ? rest : rest.slice(0, stop);
      out += plain;
      rest = rest.slice(plain.length);
    }
  }
  return out;
}

/** `LT` → `<`, `u5b` → `[`, `u10e1` → `ს`; undefined if not an escape. */
function decodeEscape(escape: string): string | undefined {
  const named = NAMED_ESCAPES[escape];
  if (named !== undefined) return named;
  const hex = /^u([0-9a-f]+)$/.exec(escape)?.[1];
  if (hex === undefined) return undefined;
  const codePoint = parseInt(hex, 16);
  const isScalar = codePoint <= 0x10ffff && (codePoint < 0xd800 || codePoint > 0xdfff);
  // Control characters are never produced by rustc; treat them as garbage.
  if (!isScalar || /\p{Cc}/u.test(String.fromCodePoint(codePoint))) return undefined;
  return String.fromCodePoint(codePoint);
}
