import * as path from 'node:path';

/** Where a profiled function is defined: its file and `fn` line (column only when approximate). */
export interface SourceLocation {
  file: string;
  line: number;
  column?: number;
}

/**
 * An absolute path for a DW_AT_decl_file. llvm-dwarfdump and llvm-symbolizer already put
 * DW_AT_comp_dir in front of a relative file name, so a path is only left relative when the
 * comp_dir itself is (`--remap-path-prefix=<ws>=.` gives comp_dir `.` and
 * `./pipeline/src/analysis.rs`): rustc ran in the workspace root, so that is what it is relative to.
 */
export function resolveDeclFile(file: string, compDir: string | undefined, workspaceRoot: string | undefined): string {
  if (path.isAbsolute(file)) return path.normalize(file);
  if (compDir && path.isAbsolute(compDir)) return path.resolve(compDir, file);
  return workspaceRoot ? path.resolve(workspaceRoot, file) : file;
}
