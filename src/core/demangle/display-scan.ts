// Scanning helpers for demangled names (`<a::B<u8> as c::D>::f::<'x'>`):
// matching angle brackets while stepping over `->` and char/string literals.

// `'x'`, `'\n'`, `'\''`, `'\u{1f600}'`; a lone `'` starts a lifetime (`'a`).
const CHAR_LITERAL = /^'(?:\\u\{[0-9a-f]+\}|\\.|[^\\'])'/u;

/** Length of the char or string literal starting at `at`, or 0 if none. */
export function literalLengthAt(text: string, at: number): number {
  if (text[at] === "'") return CHAR_LITERAL.exec(text.slice(at))?.[0].length ?? 0;
  if (text[at] !== '"') return 0;
  for (let i = at + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1 - at;
  }
  return 0;
}

/** Index of the `>` closing the `<` at `openAt`, or -1 if it is unbalanced. */
export function matchingAngle(text: string, openAt: number): number {
  let depth = 0;
  for (let i = openAt; i < text.length; i++) {
    const literal = literalLengthAt(text, i);
    if (literal > 0) {
      i += literal - 1;
      continue;
    }
    const c = text[i];
    if (c === '<') depth++;
    // The `>` of `fn(u8) -> u8` closes nothing.
    else if (c === '>' && text[i - 1] !== '-' && --depth === 0) return i;
  }
  return -1;
}

/** Index of `needle` outside any `<...>` of `text`, or -1. */
export function indexOutsideAngles(text: string, needle: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const literal = literalLengthAt(text, i);
    if (literal > 0) {
      i += literal - 1;
      continue;
    }
    const c = text[i];
    if (c === '<') depth++;
    else if (c === '>' && text[i - 1] !== '-') depth--;
    else if (depth === 0 && text.startsWith(needle, i)) return i;
  }
  return -1;
}
