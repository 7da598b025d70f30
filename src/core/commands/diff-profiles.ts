import { requireProfdata, type EngineContext } from '../pipeline/engine-context';
import { diffProfiles, type ProfileDiff } from '../profile/profile-diff';
import { readProfile } from '../profile/read-profile';

/** `pgo diff A B`: both profiles read with the matched llvm-profdata, compared by function name. */
export async function diffProfileFiles(ctx: EngineContext, a: string, b: string, opts: { top: number; signal?: AbortSignal }): Promise<ProfileDiff> {
  const llvm = await requireProfdata(ctx);
  const first = await readProfile(llvm.path, a, { signal: opts.signal });
  const second = await readProfile(llvm.path, b, { signal: opts.signal });
  return diffProfiles(first.functions, second.functions, { top: opts.top });
}
