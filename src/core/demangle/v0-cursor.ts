// The lexical layer of Rust v0 symbols: a position in the symbol text and the
// small productions every part of the grammar shares (base-62 numbers,
// identifiers, hex nibbles, backrefs). The printer in v0.ts drives it.
// Grammar: rustc-dev-guide, "v0 Symbol Format".

/** Thrown inside the v0 demangler when the text does not follow the grammar. */
export class InvalidV0Symbol extends Error {
  constructor(reason: string) {
    super(`invalid v0 symbol: ${reason}`);
  }
}

/** An identifier as stored: ASCII part plus Punycode deltas (if `u`-prefixed). */
export interface V0Identifier {
  ascii: string;
  /** Empty for plain identifiers. */
  punycode: string;
}

// Nesting deeper than this is not a real symbol but an attack or garbage
// (backrefs can loop); rustc-demangle uses the same limit.
const MAX_DEPTH = 500;
const U64_MAX = (1n << 64n) - 1n;

export class V0Cursor {
  pos = 0;
  private depth = 0;

  /** `text` is the symbol without its `_R` prefix: backrefs index into it. */
  constructor(readonly text: string) {}

  peek(): string | undefined {
    return this.text[this.pos];
  }

  eat(expected: string): boolean {
    if (this.text[this.pos] !== expected) return false;
    this.pos++;
    return true;
  }

  next(): string {
    const c = this.text[this.pos];
    if (c === undefined) throw new InvalidV0Symbol('unexpected end');
    this.pos++;
    return c;
  }

  pushDepth(): void {
    if (++this.depth > MAX_DEPTH) throw new InvalidV0Symbol('recursion limit reached');
  }

  popDepth(): void {
    this.depth--;
  }

  /** `_` is 0, otherwise base-62 digits then `_`, plus one (fits in u64). */
  integer62(): bigint {
    if (this.eat('_')) return 0n;
    let value = 0n;
    while (!this.eat('_')) {
      value = value * 62n + BigInt(base62Digit(this.next()));
      if (value > U64_MAX) throw new InvalidV0Symbol('number overflow');
    }
    return checkedU64(value + 1n);
  }

  /** Absent (no `tag`) is 0, otherwise the number after `tag`, plus one. */
  optInteger62(tag: string): bigint {
    return this.eat(tag) ? checkedU64(this.integer62() + 1n) : 0n;
  }

  /** `s<base-62>` disambiguator of crate roots, nested paths and impls. */
  disambiguator(): bigint {
    return this.optInteger62('s');
  }

  /**
   * The namespace letter of a nested path: an uppercase letter is a special
   * namespace (`C` closure, `S` shim) and is returned; a lowercase one is an
   * ordinary type/value namespace, returned as undefined.
   */
  namespace(): string | undefined {
    const c = this.next();
    if (c >= 'A' && c <= 'Z') return c;
    if (c >= 'a' && c <= 'z') return undefined;
    throw new InvalidV0Symbol(`bad namespace ${c}`);
  }

  /** The target position of a backref whose `B` was just consumed. */
  backrefTarget(): number {
    const tagAt = this.pos - 1;
    const target = this.integer62();
    // Backrefs only point backwards; anything else could loop forever.
    if (target >= BigInt(tagAt)) throw new InvalidV0Symbol('forward backref');
    return Number(target);
  }

  /** `[u] <decimal length> [_] <bytes>`; `u` marks a Punycode identifier. */
  identifier(): V0Identifier {
    const isPunycode = this.eat('u');
    const first = this.next();
    if (first < '0' || first > '9') throw new InvalidV0Symbol('identifier without length');
    let length = Number(first);
    // A leading 0 is the whole number (the empty identifier of closures).
    while (length !== 0 && isDecimalDigit(this.peek())) {
      length = length * 10 + Number(this.next());
      if (!Number.isSafeInteger(length)) throw new InvalidV0Symbol('identifier length overflow');
    }
    // `_` separates the length from identifiers that start with a digit or `_`.
    this.eat('_');
    const end = this.pos + length;
    if (end > this.text.length) throw new InvalidV0Symbol('identifier past end');
    const bytes = this.text.slice(this.pos, end);
    this.pos = end;
    if (!isPunycode) return { ascii: bytes, punycode: '' };
    // In v0 the Punycode delimiter `-` is spelled `_`.
    const delimiterAt = bytes.lastIndexOf('_');
    const identifier = { ascii: delimiterAt < 0 ? '' : bytes.slice(0, delimiterAt), punycode: bytes.slice(delimiterAt + 1) };
    if (identifier.punycode === '') throw new InvalidV0Symbol('empty punycode');
    return identifier;
  }

  /** Lowercase hex digits up to `_`, the payload of a const value. */
  hexNibbles(): string {
    const start = this.pos;
    for (;;) {
      const c = this.next();
      if (c === '_') return this.text.slice(start, this.pos - 1);
      if (!/[0-9a-f]/.test(c)) throw new InvalidV0Symbol('bad hex digit');
    }
  }
}

function checkedU64(value: bigint): bigint {
  if (value > U64_MAX) throw new InvalidV0Symbol('number overflow');
  return value;
}

function base62Digit(c: string): number {
  if (c >= '0' && c <= '9') return c.charCodeAt(0) - 0x30;
  if (c >= 'a' && c <= 'z') return c.charCodeAt(0) - 0x61 + 10;
  if (c >= 'A' && c <= 'Z') return c.charCodeAt(0) - 0x41 + 36;
  throw new InvalidV0Symbol(`bad base-62 digit ${c}`);
}

function isDecimalDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}
