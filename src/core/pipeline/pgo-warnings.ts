/**
 * rustc's PGO warnings (with `-Cllvm-args=-pgo-warn-missing-function`) are the only direct word on
 * which functions did not get profile data:
 *   "<cgu>: no profile data available for function <mangled> Hash = N up to 0 count discarded"
 *   "<cgu>: function control flow change detected (hash mismatch) <mangled> Hash = N up to 1001 count discarded"
 */
export interface PgoWarning {
  kind: 'missing' | 'mismatch';
  module: string;
  mangled: string;
  discarded: number;
}

const MISSING = /^(\S+): no profile data available for function (\S+)(?: Hash = \d+)?(?: up to (\d+) count discarded)?/;
const MISMATCH = /^(\S+): function control flow change detected \(hash mismatch\) (\S+)(?: Hash = \d+)?(?: up to (\d+) count discarded)?/;

export function parsePgoWarning(message: string): PgoWarning | undefined {
  let m = MISSING.exec(message);
  if (m) return { kind: 'missing', module: m[1] ?? '', mangled: m[2] ?? '', discarded: Number(m[3] ?? 0) };
  m = MISMATCH.exec(message);
  if (m) return { kind: 'mismatch', module: m[1] ?? '', mangled: m[2] ?? '', discarded: Number(m[3] ?? 0) };
  return undefined;
}
