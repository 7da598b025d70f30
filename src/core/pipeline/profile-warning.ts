import type { ProfileMetadata } from './profile-metadata';

/**
 * What the CLI summary, the sidebar and the status bar say about a stored profile that is usable
 * but thin (profile-quality.ts): a warning with the judge's reasons and what to do, never a green
 * tick. Unusable profiles are never stored (the merge phase stops with exit 7), and older metadata
 * without a judgement, or one judged without the binaries' function lists, gets no warning.
 */
export interface ProfileWarning {
  component: string;
  /** A few words for a status bar or a tree item's description. */
  headline: string;
  /** One line: the headline and every reason the judge gave. */
  detail: string;
  reasons: string[];
  fix: string;
}

export function profileWarning(meta: ProfileMetadata | undefined): ProfileWarning | undefined {
  const q = meta?.quality;
  if (!meta || !q || q.verdict === 'good') return undefined;
  const reasons = q.reasons.length > 0 ? q.reasons : [`the workload ran ${q.workspaceFunctionsRun} of ${q.workspaceFunctions} workspace functions of the shipped binaries`];
  const headline = `${q.verdict} profile`;
  return {
    component: meta.component,
    headline,
    detail: `${headline}: ${reasons.join('; ')}`,
    reasons,
    fix:
      `it speeds up only the code the workload ran: make the workload run the binaries' real work ` +
      `(typical inputs, a larger {size}, one command per main feature) in pgo.yaml under components.${meta.component}.workloads, then run the pipeline again`,
  };
}
