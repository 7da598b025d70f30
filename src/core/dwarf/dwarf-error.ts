/**
 * Why the built-in reader could not read a binary's debug info: the caller falls back to the
 * external LLVM tools and shows this text when they are missing too.
 */
export class DwarfError extends Error {
  constructor(
    message: string,
    /** What the user can do about it. */
    readonly fix: string,
  ) {
    super(message);
    this.name = 'DwarfError';
  }
}
