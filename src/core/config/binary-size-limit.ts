import type { Node } from 'yaml';

/** What this parser needs of load-config's Validator (not imported: load-config imports this file). */
interface NumberChecker {
  number(node: Node | null, where: string, min: number): number | undefined;
  at(node: Node | null | undefined, message: string): void;
}

/**
 * `maxBinarySizeMb` in pgo.yaml (top level, or per component to override it): the largest shipped
 * binary the user accepts, in MB (10^6 bytes, as `ls -l --si` and most release pages count). The
 * tuning checklist compares the recommended variant's binaries against it: LTO and PGO both change
 * code size, and some teams ship to places where size matters.
 */
export const BINARY_SIZE_LIMIT_KEY = 'maxBinarySizeMb';

export function parseBinarySizeLimit(v: NumberChecker, node: Node | null, where: string): number | undefined {
  const mb = v.number(node, where, 0);
  if (mb === 0) {
    v.at(node, `${where}: expected a size in MB greater than 0, e.g. 25`);
    return undefined;
  }
  return mb;
}

export function binarySizeLimitBytes(mb: number | undefined): number | undefined {
  return mb === undefined ? undefined : mb * 1e6;
}
