import * as path from 'node:path';

/** A Windows drive or UNC path, as DWARF written on Windows (or cross-compiled there) holds. */
function isWindowsAbsolute(p: string): boolean {
  return /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');
}

export function isAbsoluteDwarfPath(p: string): boolean {
  return p.startsWith('/') || isWindowsAbsolute(p);
}

/**
 * Join DWARF path parts the way LLVM does: each absolute part replaces what came before. The
 * separator follows the path's own style, not the platform this runs on.
 */
export function joinDwarfPath(...parts: string[]): string {
  let out = '';
  for (const part of parts) {
    if (!part) continue;
    if (isAbsoluteDwarfPath(part) || !out) out = part;
    else out = isWindowsAbsolute(out) ? path.win32.join(out, part) : path.posix.join(out, part);
  }
  return out;
}
