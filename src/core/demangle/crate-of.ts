// The crate a demangled function belongs to, for attributing profile data:
// the first segment of its path; for `<Type as Trait>::f` the crate of the
// self type (falling back to the trait's for `<u8 as Trait>` or `<[T] as
// Trait>`); closures and shims inside a function belong to its crate.

import { indexOutsideAngles, matchingAngle } from './display-scan';

const CRATE_NAME = /^[\p{L}\p{N}_]+$/u;
// Qualified paths nest at most a few levels in real names.
const MAX_NESTING = 32;

export function crateOf(display: string): string | undefined {
  return crateOfPath(display.trim(), 0);
}

function crateOfPath(path: string, nesting: number): string | undefined {
  if (nesting > MAX_NESTING) return undefined;
  if (path.startsWith('<')) {
    const close = matchingAngle(path, 0);
    if (close < 0) return undefined;
    const qualified = path.slice(1, close);
    const asAt = indexOutsideAngles(qualified, ' as ');
    if (asAt < 0) return crateOfType(qualified, nesting + 1);
    return (
      crateOfType(qualified.slice(0, asAt), nesting + 1) ??
      crateOfPath(qualified.slice(asAt + ' as '.length), nesting + 1)
    );
  }
  // A path of one segment (`main`, `u8`, `T`) names no crate.
  const separatorAt = indexOutsideAngles(path, '::');
  if (separatorAt < 0) return undefined;
  const first = path.slice(0, separatorAt);
  return CRATE_NAME.test(first) ? first : undefined;
}

/**
 * The crate of a self type: references, raw pointers and trait objects are
 * seen through; slices, arrays, tuples and fn pointers are built-in types
 * and name no crate.
 */
function crateOfType(type: string, nesting: number): string | undefined {
  const inner = type.replace(/^(?:&(?:'[\p{L}\p{N}_]+ )?(?:mut )?|\*(?:const|mut) |dyn )+/u, '');
  if (/^[[(]|^(?:unsafe |extern |fn\(|for<)/.test(inner)) return undefined;
  return crateOfPath(inner, nesting);
}
