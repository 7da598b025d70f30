import { ExitCode } from '../core/errors';
import type { ResolvedComponent } from '../core/config/resolve-project';
import { requireProfdata, type EngineContext } from '../core/pipeline/engine-context';
import { gatherReportData } from '../core/report/report-data';
import { writeReport } from '../core/report/write-report';
import { runDoctor } from '../core/toolchain/doctor';
import type { CliArgs } from './cli-args';

/**
 * `pgo report [component|all]`: index.html + report.md under `<artifact dir>/report/`. Needs no
 * llvm-profdata (CI may not have one): without it the hottest functions come from the metadata.
 */
export async function reportCommand(ctx: EngineContext, components: ResolvedComponent[], args: CliArgs, print: (s: string) => void): Promise<number> {
  let llvmProfdata: string | undefined;
  try {
    llvmProfdata = (await requireProfdata(ctx)).path;
  } catch {
    ctx.reporter.info('no matching llvm-profdata: the hottest functions come from the profile metadata');
  }
  const doctor = await runDoctor({
    llvmProfdataPath: ctx.project.llvmProfdataPath,
    artifactDir: ctx.project.artifactRoot,
    minFreeGb: ctx.project.minFreeDiskGb,
    cwd: ctx.project.workspace.root,
  });
  const data = await gatherReportData(ctx.project, components, { llvmProfdata, doctor, signal: ctx.signal, top: args.top });
  // The report lives in the artifact directory: claim it (marker) like every other writer, or refuse.
  ctx.layout.ensureRoot();
  const written = writeReport(ctx.project.artifactRoot, data);
  if (args.json) print(JSON.stringify(written, null, 2));
  else {
    print(`report: ${written.html}\n        ${written.markdown}`);
    if (written.stepSummary) print(`appended to the job summary ${written.stepSummary}`);
    for (const c of data.components) {
      const r = c.latest;
      print(`${c.component}: ${r ? `${r.recommendation.variant} — ${r.recommendation.reason}` : `not benchmarked yet (pgo bench ${c.component})`}`);
    }
  }
  return ExitCode.Ok;
}
