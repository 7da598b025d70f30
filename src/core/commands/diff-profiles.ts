import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { ExitCode, PgoError } from '../errors';
import { requireProfdata, type EngineContext } from '../pipeline/engine-context';
import { checkProfdataFile, indexedFormatVersion } from '../profile/profdata-file';
import { diffProfiles, type ProfileFilesDiff } from '../profile/profile-diff';

export type { ProfileFilesDiff };
import { readProfile } from '../profile/read-profile';
import { realPathLoose } from '../util/safe-path';

const WHERE_PROFILES_ARE = 'a component\'s profile is target/pgo/<component>/<component>.profdata, the one it replaced is in previous/ beside it';

function sha256Of(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Refuse what cannot be compared before starting llvm-profdata: missing files, one file twice, non-profiles. */
export function checkDiffInputs(a: string, b: string): void {
  for (const [side, file] of [['A', a], ['B', b]] as const) {
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch {
      throw new PgoError(`${side}: ${file} does not exist`, `give the path of a .profdata file (${WHERE_PROFILES_ARE})`, ExitCode.Usage);
    }
    if (!st.isFile()) throw new PgoError(`${side}: ${file} is not a file`, `give the path of a .profdata file (${WHERE_PROFILES_ARE})`, ExitCode.Usage);
  }
  const [sa, sb] = [fs.statSync(a), fs.statSync(b)];
  if (realPathLoose(a) === realPathLoose(b) || (sa.ino !== 0 && sa.dev === sb.dev && sa.ino === sb.ino)) {
    throw new PgoError(
      `A and B are the same file (${b}): a profile compared with itself shows no change`,
      'compare it with another profile: the previous one, an archived one (`pgo archive`) or another component\'s',
      ExitCode.Usage,
    );
  }
  for (const [side, file] of [['A', a], ['B', b]] as const) {
    const problem = checkProfdataFile(file);
    if (problem) throw new PgoError(`${side}: ${problem.message}`, problem.fix, ExitCode.Usage);
  }
}

/**
 * `pgo diff A B` and "PGO: Compare Profiles": both profiles read with the matched llvm-profdata,
 * compared by function name. A is the baseline (older), B the one to judge.
 */
export async function diffProfileFiles(ctx: EngineContext, a: string, b: string, opts: { top: number; signal?: AbortSignal }): Promise<ProfileFilesDiff> {
  checkDiffInputs(a, b);
  const llvm = await requireProfdata(ctx);
  return diffCheckedFiles(llvm.path, a, b, opts);
}

/** The comparison itself, for callers that hold the llvm-profdata path (the extension's worker). */
export async function diffCheckedFiles(llvmProfdata: string, a: string, b: string, opts: { top: number; signal?: AbortSignal }): Promise<ProfileFilesDiff> {
  checkDiffInputs(a, b);
  const first = await readProfile(llvmProfdata, a, { signal: opts.signal });
  const second = await readProfile(llvmProfdata, b, { signal: opts.signal });
  return {
    ...diffProfiles(first.functions, second.functions, { top: opts.top }),
    identical: sha256Of(a) === sha256Of(b),
    formatVersionA: indexedFormatVersion(a),
    formatVersionB: indexedFormatVersion(b),
  };
}
