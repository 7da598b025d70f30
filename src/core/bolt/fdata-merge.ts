import * as path from 'node:path';

/**
 * At most this many .fdata files go on one merge-fdata command line. A BOLT-instrumented binary
 * writes one .fdata per process, so a workload script that starts it thousands of times would
 * otherwise give a command line over the OS's argument limit (and merge-fdata has no response
 * file). Merging merged .fdata gives the same profile as one merge of all the inputs: the counts
 * are summed either way (checked against merge-fdata 22: the same lines).
 */
export const FDATA_BATCH = 500;

/** One merge-fdata command: these inputs into that output. */
export interface FdataMergeStep {
  inputs: string[];
  output: string;
}

/**
 * The merge-fdata commands that merge `files` into `output`, in the order to run them: batches of
 * at most `batch` inputs into partial files under `scratch`, then those partial files, level by
 * level, until one command writes `output`.
 */
export function fdataMergePlan(files: readonly string[], output: string, scratch: string, batch = FDATA_BATCH): FdataMergeStep[] {
  if (!Number.isInteger(batch) || batch < 2) throw new RangeError(`merge-fdata batch size must be an integer ≥ 2, not ${batch}`);
  const steps: FdataMergeStep[] = [];
  let level = [...files];
  for (let depth = 0; level.length > batch; depth++) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += batch) {
      const part = path.join(scratch, `part-${depth}-${next.length}.fdata`);
      steps.push({ inputs: level.slice(i, i + batch), output: part });
      next.push(part);
    }
    level = next;
  }
  steps.push({ inputs: level, output });
  return steps;
}
