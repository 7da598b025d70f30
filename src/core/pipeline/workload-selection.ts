import { ExitCode, PgoError } from '../errors';
import type { ResolvedComponent } from '../config/resolve-project';
import type { WorkloadSpec } from '../config/config-schema';
import { closest } from '../util/closest-word';

/**
 * `pgo workload --only NAME`: the component's workloads of these names, in pgo.yaml's order.
 * A CI matrix runs one workload per job; a name pgo.yaml does not have is an error, not an empty run.
 */
export function selectWorkloads(component: ResolvedComponent, only: readonly string[] | undefined): WorkloadSpec[] {
  if (!only || only.length === 0) return component.workloads;
  const names = component.workloads.map((w) => w.name);
  for (const wanted of only) {
    if (names.includes(wanted)) continue;
    const near = closest(wanted, names);
    throw new PgoError(
      `component "${component.name}" has no workload named "${wanted}"`,
      `${near ? `did you mean "${near}"? ` : ''}its workloads are: ${names.join(', ')} (pgo.yaml, components.${component.name}.workloads)`,
      ExitCode.Usage,
    );
  }
  return component.workloads.filter((w) => only.includes(w.name));
}
