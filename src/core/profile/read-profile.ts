import { ExitCode, PgoError } from '../errors';
import { checkProfdataFile, indexedFormatVersion } from './profdata-file';
import { runStreaming } from '../util/process';

/** Indexed profile format versions so far are below 20 (LLVM 22 writes 13); leave room for many more. */
const PLAUSIBLE_FORMAT_VERSIONS = 1000;
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
    // llvm-profdata's own words go into the message too: they are what a search finds.
    const said = stderr.split('\n').find((l) => /error/i.test(l)) ?? stderr.split('\n')[0] ?? '';
    const version = indexedFormatVersion(profdataFile);
    // A real format version is a small number; a huge one is a damaged header, not a newer LLVM.
    const plausibleVersion = version === undefined || version < PLAUSIBLE_FORMAT_VERSIONS;
    if (/unsupported instrumentation profile format version|unsupported version/i.test(stderr) && plausibleVersion) {
      throw new PgoError(
        `${llvmProfdata} cannot read ${profdataFile}: its profile format${version !== undefined ? ` (version ${version})` : ''} is newer than this llvm-profdata reads, so a newer LLVM (Rust toolchain) wrote it (${said})`,
        'read it with the llvm-profdata of the toolchain that made it (set llvmProfdataPath in pgo.yaml, or the pgo.llvmProfdataPath setting), or make the profile again with this toolchain (`pgo pipeline`)',
        ExitCode.Prerequisites,
        stderr,
        'profdata-mismatch',
      );
    }
    const corrupt = /invalid instrumentation profile data|header is corrupt|malformed|truncated|unsupported instrumentation profile format version/i.exec(stderr);
    if (result.signal || corrupt) {
      // llvm-profdata trusts the header's offsets: a truncated or overwritten file may even crash it.
      throw new PgoError(
        `${profdataFile} is damaged: ${result.signal ? `llvm-profdata crashed reading it (${result.signal})` : `llvm-profdata says "${said}"`}; the file is probably truncated or overwritten`,
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
