// Rust source spelling of char and string literals, for v0 const generics
// (`Ch<'\n'>`, `Tag<{*"abc"}>`). Mirrors `char::escape_debug`, closely enough
// for names: the common escapes, and `\u{..}` for anything unprintable.

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\0': '\\0',
  '\t': '\\t',
  '\r': '\\r',
  '\n': '\\n',
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
};

// Control, format, surrogate, private-use, unassigned, line/paragraph
// separators, and combining marks (which would merge with the quote).
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Grapheme_Extend}]/u;

/** `'x'`, `'\n'`, `'"'` */
export function quoteChar(c: string): string {
  return `'${escapeChars(c, "'")}'`;
}

/** `"abc"`, `"'"`, `"\t"` */
export function quoteString(s: string): string {
  return `"${escapeChars(s, '"')}"`;
}

function escapeChars(text: string, quote: "'" | '"'): string {
  let out = '';
  for (const c of text) {
    // The other kind of quote needs no escape inside this one.
    if ((c === "'" || c === '"') && c !== quote) out += c;
    else if (SIMPLE_ESCAPES[c] !== undefined) out += SIMPLE_ESCAPES[c];
    else if (UNPRINTABLE.test(c)) out += `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`;
    else out += c;
  }
  return out;
}
