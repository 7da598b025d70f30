import { PgoError } from '../errors';
import { checkProfdataFile } from './profdata-file';
import { runStreaming } from '../util/process';
import type { ProfileData, ProfileFunction } from './profile-model';
import { ShowOutputParser } from './show-output-parser';

export interface ReadProfileOptions {
  keepBlockCounts?: boolean;
  signal?: AbortSignal;
  /** Receive records one by one instead of collecting them (for very large profiles). */
  onFunction?: (f: ProfileFunction) => void;
}

/**
 * Run `llvm-profdata show --all-functions --counts` and parse its output as it streams.
 * llvm-profdata's own error text is passed on, never swallowed.
 */
export async function readProfile(llvmProfdata: string, profdataFile: string, opts: ReadProfileOptions = {}): Promise<ProfileData> {
  const problem = checkProfdataFile(profdataFile);
  if (problem) throw new PgoError(problem.message, problem.fix);
  const functions: ProfileFunction[] = [];
  const parser = new ShowOutputParser(opts.onFunction ?? ((f) => functions.push(f)), opts.keepBlockCounts);
  const result = await runStreaming(llvmProfdata, ['show', '--all-functions', '--counts', profdataFile], {
    signal: opts.signal,
    onLine: (line, stream) => {
      if (stream === 'stdout') parser.feed(line);
    },
  });
  if (result.exitCode !== 0) {
    throw new PgoError(
      `llvm-profdata could not read ${profdataFile}: ${result.stderrTail.join('\n') || `exit code ${result.exitCode ?? result.signal}`}`,
      'make sure the file is a merged .profdata and that llvm-profdata matches rustc\'s LLVM (`pgo doctor`)',
    );
  }
  return { functions, summary: parser.end() };
}
