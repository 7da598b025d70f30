// RFC 3492 Punycode decoding, used for the non-ASCII identifiers of Rust v0
// symbols. Written out here to keep the module free of dependencies (Node's
// `punycode` module is deprecated).

const BASE = 36;
const T_MIN = 1;
const T_MAX = 26;
const SKEW = 38;
const INITIAL_DAMP = 700;
const INITIAL_BIAS = 72;
const INITIAL_N = 0x80;
const DELIMITER = '-';
const MAX_CODE_POINT = 0x10ffff;

/**
 * Decodes a Punycode string (`basic-deltas`, the basic code points before the
 * last `-`) into Unicode. Returns undefined for malformed input: a bad digit,
 * an overflow, a surrogate or out-of-range code point, or an empty input.
 */
export function decodePunycode(encoded: string): string | undefined {
  if (encoded === '') return undefined;
  const delimiterAt = encoded.lastIndexOf(DELIMITER);
  const basic = delimiterAt < 0 ? '' : encoded.slice(0, delimiterAt);
  const deltas = encoded.slice(delimiterAt + 1);
  if (!/^[\x00-\x7f]*$/.test(basic)) return undefined;

  const output: number[] = Array.from(basic, (c) => c.codePointAt(0) ?? 0);
  let n = INITIAL_N;
  let i = 0;
  let bias = INITIAL_BIAS;
  let pos = 0;
  while (pos < deltas.length) {
    // Each delta is a generalized variable-length integer (RFC 3492 §3.3).
    const oldI = i;
    let weight = 1;
    for (let k = BASE; ; k += BASE) {
      const digit = digitValue(deltas.charCodeAt(pos++));
      if (digit === undefined) return undefined;
      i += digit * weight;
      if (!Number.isSafeInteger(i)) return undefined;
      const threshold = k <= bias ? T_MIN : k >= bias + T_MAX ? T_MAX : k - bias;
      if (digit < threshold) break;
      weight *= BASE - threshold;
      if (!Number.isSafeInteger(weight)) return undefined;
    }
    const length = output.length + 1;
    bias = adapt(i - oldI, length, oldI === 0);
    n += Math.floor(i / length);
    i %= length;
    if (n > MAX_CODE_POINT || (n >= 0xd800 && n <= 0xdfff)) return undefined;
    output.splice(i, 0, n);
    i++;
  }
  return output.map((codePoint) => String.fromCodePoint(codePoint)).join('');
}

/** Bias adaptation after each delta (RFC 3492 §6.1). */
function adapt(delta: number, numPoints: number, firstTime: boolean): number {
  let scaled = firstTime ? Math.floor(delta / INITIAL_DAMP) : Math.floor(delta / 2);
  scaled += Math.floor(scaled / numPoints);
  let k = 0;
  while (scaled > ((BASE - T_MIN) * T_MAX) / 2) {
    scaled = Math.floor(scaled / (BASE - T_MIN));
    k += BASE;
  }
  return k + Math.floor(((BASE - T_MIN + 1) * scaled) / (scaled + SKEW));
}

/** `a`-`z` (either case) are 0-25, `0`-`9` are 26-35. */
function digitValue(code: number): number | undefined {
  if (code >= 0x61 && code <= 0x7a) return code - 0x61;
  if (code >= 0x41 && code <= 0x5a) return code - 0x41;
  if (code >= 0x30 && code <= 0x39) return code - 0x30 + 26;
  return undefined;
}
