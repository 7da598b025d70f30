import { ExitCode, PgoError } from '../errors';
import { checkProfdataFile, indexedFormatVersion } from './profdata-file';
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
    const stderr = result.stderrTail.join('\n');
    if (/unsupported instrumentation profile format version|unsupported version/i.test(stderr)) {
      const version = indexedFormatVersion(profdataFile);
      throw new PgoError(
        `${llvmProfdata} cannot read ${profdataFile}: its profile format${version !== undefined ? ` (version ${version})` : ''} is newer than this llvm-profdata reads, so a newer LLVM (Rust toolchain) wrote it`,
        'read it with the llvm-profdata of the toolchain that made it (set llvmProfdataPath in pgo.yaml, or the pgo.llvmProfdataPath setting), or make the profile again with this toolchain (`pgo pipeline`)',
        ExitCode.Prerequisites,
        stderr,
        'profdata-mismatch',
      );
    }
    const corrupt = /invalid instrumentation profile data|header is corrupt|malformed|truncated/i.exec(stderr);
    if (result.signal || corrupt) {
      // llvm-profdata trusts the header's offsets: a truncated or overwritten file may even crash it.
      throw new PgoError(
        `${profdataFile} is damaged: ${result.signal ? `llvm-profdata crashed reading it (${result.signal})` : `llvm-profdata says "${corrupt?.[0] ?? ''}"`}; the file is probably truncated or overwritten`,
        'make the profile again (`pgo pipeline`), or restore it from an archive (`pgo restore`)',
        ExitCode.PhaseFailed,
        stderr,
      );
    }
    throw new PgoError(
      `llvm-profdata could not read ${profdataFile}: ${result.stderrTail.join('\n') || `exit code ${result.exitCode ?? result.signal}`}`,
      'make sure the file is a merged .profdata and that llvm-profdata matches rustc\'s LLVM (`pgo doctor`)',
    );
  }
  return { functions, summary: parser.end() };
}
