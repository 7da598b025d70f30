// Function names in llvm-profdata output. Functions with internal linkage
// get their source file or codegen unit prepended so they stay unique:
// `pgodemo.d79d5bf3ec17ef23-cgu.0;_ZN7pgodemo6Parser5parse17h3e961a87c6124f5bE`.

export interface ProfileName {
  /** The file or codegen-unit prefix, when there is one. */
  cgu?: string;
  mangled: string;
}

/**
 * Splits a profile record name at its LAST `;`: the prefix may be a file path
 * (which may itself contain `;`), mangled names never contain one.
 */
export function splitProfileName(name: string): ProfileName {
  const at = name.lastIndexOf(';');
  if (at < 0) return { mangled: name };
  const cgu = name.slice(0, at);
  const mangled = name.slice(at + 1);
  return cgu === '' ? { mangled } : { cgu, mangled };
}
