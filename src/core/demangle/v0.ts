// Rust v0 mangling (`_R...`, RFC 2603): a prefix-free encoding of paths,
// types and consts with backreferences. The printer below follows the
// grammar of the rustc-dev-guide "v0 Symbol Format" chapter and prints what
// rustc-demangle prints, so names match `rustc-demangle` / `llvm-cxxfilt`.

import { decodePunycode } from './punycode';
import { quoteChar, quoteString } from './rust-literal';
import { isSymbolLikeSuffix } from './symbol-suffix';
import { InvalidV0Symbol, V0Cursor, type V0Identifier } from './v0-cursor';

// `__R` is the macOS form (every C symbol gets an extra `_`).
const PREFIXES = ['__R', '_R'];

// Backrefs can make output exponential in the input; real names stay far below.
const MAX_OUTPUT_LENGTH = 1_000_000;

const BASIC_TYPES: Readonly<Record<string, string>> = {
  a: 'i8',
  b: 'bool',
  c: 'char',
  d: 'f64',
  e: 'str',
  f: 'f32',
  h: 'u8',
  i: 'isize',
  j: 'usize',
  l: 'i32',
  m: 'u32',
  n: 'i128',
  o: 'u128',
  p: '_',
  s: 'i16',
  t: 'u16',
  u: '()',
  v: '...',
  x: 'i64',
  y: 'u64',
  z: '!',
};

const UNSIGNED_CONST_TYPES = 'htmyoj';
const SIGNED_CONST_TYPES = 'aslxni';

/**
 * Demangles a v0 symbol, or returns undefined when `symbol` is not a valid
 * one. `verbose` adds what `rustc-demangle` shows without `{:#}`: crate
 * disambiguators (`core[c1f1a4ba060b9bfa]`) and integer const type suffixes.
 */
export function demangleV0(symbol: string, verbose = false): string | undefined {
  const prefix = PREFIXES.find((p) => symbol.startsWith(p));
  if (prefix === undefined) return undefined;
  const text = symbol.slice(prefix.length);
  // Paths start with an uppercase tag (a leading digit would be an encoding
  // version we do not know), and v0 symbols are pure ASCII.
  if (!/^[A-Z][\x00-\x7f]*$/.test(text)) return undefined;

  const cursor = new V0Cursor(text);
  const printer = new V0Printer(cursor, verbose);
  try {
    printer.printPath(true);
    // The instantiating crate of a generic item: parsed, never shown.
    const instantiatingCrate = cursor.peek();
    if (instantiatingCrate !== undefined && instantiatingCrate >= 'A' && instantiatingCrate <= 'Z') {
      printer.skipping(() => printer.printPath(false));
    }
  } catch (error) {
    if (error instanceof InvalidV0Symbol) return undefined;
    throw error;
  }
  const suffix = text.slice(cursor.pos);
  return isSymbolLikeSuffix(suffix) ? printer.output + suffix : undefined;
}

class V0Printer {
  output = '';
  /** While above zero nothing is printed and backrefs are not followed. */
  private skipDepth = 0;
  /** Lifetimes bound by enclosing `for<...>` binders. */
  private boundLifetimes = 0;

  constructor(
    private readonly cursor: V0Cursor,
    private readonly verbose: boolean,
  ) {}

  skipping(parse: () => void): void {
    this.skipDepth++;
    parse();
    this.skipDepth--;
  }

  printPath(inValue: boolean): void {
    const cursor = this.cursor;
    cursor.pushDepth();
    const tag = cursor.next();
    switch (tag) {
      case 'C': {
        const disambiguator = cursor.disambiguator();
        this.print(identifierText(cursor.identifier()));
        if (this.verbose && disambiguator !== 0n) this.print(`[${disambiguator.toString(16)}]`);
        break;
      }
      case 'N': {
        const namespace = cursor.namespace();
        this.printPath(inValue);
        const disambiguator = cursor.disambiguator();
        const name = identifierText(cursor.identifier());
        if (namespace !== undefined) {
          const kind = namespace === 'C' ? 'closure' : namespace === 'S' ? 'shim' : namespace;
          this.print(`::{${kind}${name === '' ? '' : `:${name}`}#${disambiguator}}`);
        } else if (name !== '') {
          this.print(`::${name}`);
        }
        break;
      }
      case 'M': // <T>: inherent impl
      case 'X': // <T as Trait>: trait impl
      case 'Y': {
        // <T as Trait>: trait definition
        if (tag !== 'Y') {
          // The impl's own path only says where the impl block is: not shown.
          cursor.disambiguator();
          this.skipping(() => this.printPath(false));
        }
        this.print('<');
        this.printType();
        if (tag !== 'M') {
          this.print(' as ');
          this.printPath(false);
        }
        this.print('>');
        break;
      }
      case 'I': {
        this.printPath(inValue);
        // Expressions need the turbofish, types do not: `f::<T>` vs `Vec<T>`.
        this.print(inValue ? '::<' : '<');
        this.printList(() => this.printGenericArg(), ', ');
        this.print('>');
        break;
      }
      case 'B':
        this.followBackref(() => this.printPath(inValue));
        break;
      default:
        throw new InvalidV0Symbol(`bad path tag ${tag}`);
    }
    cursor.popDepth();
  }

  private printGenericArg(): void {
    if (this.cursor.eat('L')) this.printLifetime(this.cursor.integer62());
    else if (this.cursor.eat('K')) this.printConst(false);
    else this.printType();
  }

  private printType(): void {
    const cursor = this.cursor;
    const tag = cursor.next();
    const basic = BASIC_TYPES[tag];
    if (basic !== undefined) {
      this.print(basic);
      return;
    }
    cursor.pushDepth();
    switch (tag) {
      case 'R':
      case 'Q': {
        this.print('&');
        if (cursor.eat('L')) {
          const lifetime = cursor.integer62();
          if (lifetime !== 0n) {
            this.printLifetime(lifetime);
            this.print(' ');
          }
        }
        if (tag === 'Q') this.print('mut ');
        this.printType();
        break;
      }
      case 'P':
      case 'O':
        this.print(tag === 'P' ? '*const ' : '*mut ');
        this.printType();
        break;
      case 'A':
      case 'S':
        this.print('[');
        this.printType();
        if (tag === 'A') {
          this.print('; ');
          this.printConst(true);
        }
        this.print(']');
        break;
      case 'T': {
        this.print('(');
        const count = this.printList(() => this.printType(), ', ');
        this.print(count === 1 ? ',)' : ')');
        break;
      }
      case 'F':
        this.inBinder(() => this.printFnSignature());
        break;
      case 'D': {
        this.print('dyn ');
        this.inBinder(() => this.printList(() => this.printDynTrait(), ' + '));
        if (!cursor.eat('L')) throw new InvalidV0Symbol('dyn without lifetime');
        const lifetime = cursor.integer62();
        if (lifetime !== 0n) {
          this.print(' + ');
          this.printLifetime(lifetime);
        }
        break;
      }
      case 'B':
        this.followBackref(() => this.printType());
        break;
      case 'W': // pattern type: `u32 is 1..=9`
        this.printType();
        this.print(' is ');
        this.printPattern();
        break;
      default:
        // Any other type is a path (an ADT); let the path parser see its tag.
        cursor.pos--;
        this.printPath(false);
    }
    cursor.popDepth();
  }

  /** `[U] [K <abi>] {<type>} E <return type>` */
  private printFnSignature(): void {
    const cursor = this.cursor;
    const isUnsafe = cursor.eat('U');
    let abi: string | undefined;
    if (cursor.eat('K')) {
      if (cursor.eat('C')) {
        abi = 'C';
      } else {
        const name = cursor.identifier();
        if (name.ascii === '' || name.punycode !== '') throw new InvalidV0Symbol('bad ABI');
        abi = name.ascii;
      }
    }
    if (isUnsafe) this.print('unsafe ');
    // `-` cannot appear in identifiers, so rustc spells `"C-unwind"` `C_unwind`.
    if (abi !== undefined) this.print(`extern "${abi.replace(/_/g, '-')}" `);
    this.print('fn(');
    this.printList(() => this.printType(), ', ');
    this.print(')');
    if (!cursor.eat('u')) {
      this.print(' -> ');
      this.printType();
    }
  }

  /** `Trait<Args, Assoc = Type>`: assoc bindings go inside the generic list. */
  private printDynTrait(): void {
    let open = this.printPathMaybeOpenGenerics();
    while (this.cursor.eat('p')) {
      this.print(open ? ', ' : '<');
      open = true;
      this.print(identifierText(this.cursor.identifier()));
      this.print(' = ');
      this.printType();
    }
    if (open) this.print('>');
  }

  /** Prints a path, leaving its `<...` unclosed if it has generic args. */
  private printPathMaybeOpenGenerics(): boolean {
    const cursor = this.cursor;
    if (cursor.eat('B')) {
      let open = false;
      this.followBackref(() => {
        open = this.printPathMaybeOpenGenerics();
      });
      return open;
    }
    if (cursor.eat('I')) {
      this.printPath(false);
      this.print('<');
      this.printList(() => this.printGenericArg(), ', ');
      return true;
    }
    this.printPath(false);
    return false;
  }

  private printPattern(): void {
    const cursor = this.cursor;
    const tag = cursor.next();
    switch (tag) {
      case 'R':
        this.printConst(false);
        this.print('..=');
        this.printConst(false);
        break;
      case 'O':
        cursor.pushDepth();
        this.printPattern();
        while (!cursor.eat('E')) {
          this.print(' | ');
          this.printPattern();
        }
        cursor.popDepth();
        break;
      case 'N':
        this.print('!null');
        break;
      default:
        throw new InvalidV0Symbol(`bad pattern tag ${tag}`);
    }
  }

  /**
   * Prints a const. Outside an enclosing const expression (`inValue` false)
   * anything but a literal needs braces, as in Rust: `Foo<{ [1, 2] }>`.
   */
  private printConst(inValue: boolean): void {
    const cursor = this.cursor;
    const tag = cursor.next();
    cursor.pushDepth();
    const braced = !inValue && 'eRQATV'.includes(tag) && !(tag === 'R' && cursor.peek() === 'e');
    if (braced) this.print('{');
    if (tag === 'p') {
      this.print('_');
    } else if (UNSIGNED_CONST_TYPES.includes(tag)) {
      this.printConstInteger(tag);
    } else if (SIGNED_CONST_TYPES.includes(tag)) {
      if (cursor.eat('n')) this.print('-');
      this.printConstInteger(tag);
    } else {
      switch (tag) {
        case 'b': {
          const value = parseHexUint(cursor.hexNibbles());
          if (value !== 0n && value !== 1n) throw new InvalidV0Symbol('bad bool');
          this.print(value === 1n ? 'true' : 'false');
          break;
        }
        case 'c': {
          const value = parseHexUint(cursor.hexNibbles());
          if (value === undefined || !isUnicodeScalar(value)) throw new InvalidV0Symbol('bad char');
          this.print(quoteChar(String.fromCodePoint(Number(value))));
          break;
        }
        case 'e': // a `str` value: `*"..."`, since a literal is a `&str`
          this.print('*');
          this.printStringLiteral();
          break;
        case 'R':
        case 'Q':
          if (tag === 'R' && cursor.eat('e')) {
            this.printStringLiteral();
          } else {
            this.print(tag === 'R' ? '&' : '&mut ');
            this.printConst(true);
          }
          break;
        case 'A':
          this.print('[');
          this.printList(() => this.printConst(true), ', ');
          this.print(']');
          break;
        case 'T': {
          this.print('(');
          const count = this.printList(() => this.printConst(true), ', ');
          this.print(count === 1 ? ',)' : ')');
          break;
        }
        case 'V':
          this.printConstAdt();
          break;
        case 'B':
          this.followBackref(() => this.printConst(inValue));
          break;
        default:
          throw new InvalidV0Symbol(`bad const tag ${tag}`);
      }
    }
    if (braced) this.print('}');
    cursor.popDepth();
  }

  /** A struct or enum variant value: `Path`, `Path(a, b)`, `Path { f: a }`. */
  private printConstAdt(): void {
    const cursor = this.cursor;
    this.printPath(true);
    const shape = cursor.next();
    switch (shape) {
      case 'U':
        break;
      case 'T':
        this.print('(');
        this.printList(() => this.printConst(true), ', ');
        this.print(')');
        break;
      case 'S':
        this.print(' { ');
        this.printList(() => {
          cursor.disambiguator();
          this.print(`${identifierText(cursor.identifier())}: `);
          this.printConst(true);
        }, ', ');
        this.print(' }');
        break;
      default:
        throw new InvalidV0Symbol(`bad const ADT shape ${shape}`);
    }
  }

  private printConstInteger(typeTag: string): void {
    const nibbles = this.cursor.hexNibbles();
    const value = parseHexUint(nibbles);
    // Beyond u64 rustc-demangle prints the hex digits; do the same.
    this.print(value === undefined ? `0x${nibbles}` : value.toString());
    if (this.verbose) this.print(BASIC_TYPES[typeTag] ?? '');
  }

  private printStringLiteral(): void {
    const text = decodeUtf8Hex(this.cursor.hexNibbles());
    if (text === undefined) throw new InvalidV0Symbol('bad string const');
    this.print(quoteString(text));
  }

  /**
   * Prints `'_` for 0, otherwise the lifetime bound `index` binders out,
   * named `'a`, `'b`, ... from the outermost binder (`'_26` past `'z`).
   */
  private printLifetime(index: bigint): void {
    if (this.skipDepth > 0) return; // binders are not tracked while skipping
    if (index === 0n) {
      this.print("'_");
      return;
    }
    const depth = BigInt(this.boundLifetimes) - index;
    if (depth < 0n) throw new InvalidV0Symbol('unbound lifetime');
    this.print(depth < 26n ? `'${String.fromCharCode(0x61 + Number(depth))}` : `'_${depth}`);
  }

  /** Runs `print` inside an optional `G` binder, printing `for<'a, ...> `. */
  private inBinder(print: () => void): void {
    const count = this.cursor.optInteger62('G');
    if (this.skipDepth > 0) {
      print();
      return;
    }
    // Each bound lifetime prints at least 3 characters.
    if (count > BigInt(MAX_OUTPUT_LENGTH)) throw new InvalidV0Symbol('too many bound lifetimes');
    const bound = Number(count);
    if (bound > 0) {
      this.print('for<');
      for (let i = 0; i < bound; i++) {
        if (i > 0) this.print(', ');
        this.boundLifetimes++;
        this.printLifetime(1n);
      }
      this.print('> ');
    }
    print();
    this.boundLifetimes -= bound;
  }

  /** Prints list items up to the closing `E`; returns how many there were. */
  private printList(printItem: () => void, separator: string): number {
    let count = 0;
    while (!this.cursor.eat('E')) {
      if (count > 0) this.print(separator);
      printItem();
      count++;
    }
    return count;
  }

  /** Parses a backref after its `B`, printing its target unless skipping. */
  private followBackref(print: () => void): void {
    const cursor = this.cursor;
    const target = cursor.backrefTarget();
    if (this.skipDepth > 0) return;
    const resumeAt = cursor.pos;
    cursor.pos = target;
    cursor.pushDepth();
    print();
    cursor.popDepth();
    cursor.pos = resumeAt;
  }

  private print(text: string): void {
    if (this.skipDepth > 0) return;
    this.output += text;
    if (this.output.length > MAX_OUTPUT_LENGTH) throw new InvalidV0Symbol('output too long');
  }
}

/** The Unicode text of an identifier; undecodable Punycode is shown encoded. */
function identifierText(identifier: V0Identifier): string {
  if (identifier.punycode === '') return identifier.ascii;
  const encoded = identifier.ascii === '' ? identifier.punycode : `${identifier.ascii}-${identifier.punycode}`;
  return decodePunycode(encoded) ?? `punycode{${encoded}}`;
}

/** Value of hex digits if it fits in a u64 (leading zeros allowed). */
function parseHexUint(nibbles: string): bigint | undefined {
  const significant = nibbles.replace(/^0+/, '');
  if (significant.length > 16) return undefined;
  return significant === '' ? 0n : BigInt(`0x${significant}`);
}

function isUnicodeScalar(value: bigint): boolean {
  return value <= 0x10ffffn && (value < 0xd800n || value > 0xdfffn);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes hex-encoded UTF-8 bytes; undefined if not valid UTF-8. */
function decodeUtf8Hex(nibbles: string): string | undefined {
  if (nibbles.length % 2 !== 0) return undefined;
  const bytes = new Uint8Array(nibbles.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(nibbles.slice(2 * i, 2 * i + 2), 16);
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}
