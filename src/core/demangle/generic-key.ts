// Grouping key for the monomorphizations of one generic function: the
// demangled name with its generic argument lists removed, so that
// `core::ptr::drop_in_place::<alloc::vec::Vec<u8>>` and
// `core::ptr::drop_in_place<pipeline::X>` both become
// `core::ptr::drop_in_place`. Qualified paths `<T as Trait>::f` keep their
// shape (self type and trait, each without arguments), and so do legacy
// `<impl Trait for T>` segments. An inherent-impl path `<a::B<u8>>::f` is
// unwrapped to `a::B::f`, the legacy spelling of the same function.

import { literalLengthAt, matchingAngle } from './display-scan';

const IDENTIFIER_END = /[\p{L}\p{N}_}]$/u;
const FOR_BINDER_END = /(?:^|[^\p{L}\p{N}_])for$/u;
const PLAIN_PATH = /^[\p{L}\p{N}_{}#:]+$/u;

export function genericKey(display: string): string {
  let key = '';
  let i = 0;
  while (i < display.length) {
    const literal = literalLengthAt(display, i);
    if (literal > 0) {
      key += display.slice(i, i + literal);
      i += literal;
      continue;
    }
    const c = display[i] ?? '';
    if (c !== '<') {
      key += c;
      i++;
      continue;
    }
    const close = matchingAngle(display, i);
    // Unbalanced: not a name we understand, keep the rest verbatim.
    if (close < 0) return key + display.slice(i);
    const after = close + 1;
    if (!opensGenericArgs(display, i, key)) {
      const inner = genericKey(display.slice(i + 1, close));
      const isInherentImplPath = PLAIN_PATH.test(inner) && display.startsWith('::', after);
      key += isInherentImplPath ? inner : `<${inner}>`;
      i = after;
    } else if (key.endsWith('::')) {
      key = key.slice(0, -2); // turbofish `f::<T>`
      i = after;
    } else if (FOR_BINDER_END.test(key)) {
      // A `for<'a> ` binder: drop it with its trailing space.
      key = key.slice(0, -'for'.length);
      i = display[after] === ' ' ? after + 1 : after;
    } else {
      i = after;
    }
  }
  return key;
}

/**
 * Whether the `<` at `at` starts generic arguments (`Vec<u8>`, `f::<u8>`)
 * rather than a qualified path (`<T as Trait>`, `<[T]>`) or a legacy
 * `::<impl Trait for T>` path segment.
 */
function opensGenericArgs(display: string, at: number, keySoFar: string): boolean {
  if (keySoFar.endsWith('::')) return !display.startsWith('<impl ', at);
  return IDENTIFIER_END.test(keySoFar);
}
