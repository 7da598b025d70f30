import * as fs from 'node:fs';
import type { Project, ResolvedComponent } from '../config/resolve-project';
import type { BenchResults } from '../bench/bench-results';
import { evaluateChecklist, type ChecklistItem } from '../bench/checklist';
import { gatherChecklistInput } from '../bench/checklist-input';
import { listBenchResults, readLatestBenchResults } from '../bench/results-store';
import { ArtifactLayout } from '../pipeline/artifact-layout';
import type { ProfileMetadata } from '../pipeline/profile-metadata';
import { hottestFunctions } from '../profile/hot-functions';
import { readProfile } from '../profile/read-profile';
import type { DoctorReport } from '../toolchain/doctor';

/** What the report shows for one component: read once, rendered to HTML and Markdown. */
export interface ComponentReportData {
  component: string;
  description?: string;
  /** Every results file, oldest first (the trend); the last is the latest run. */
  history: BenchResults[];
  latest?: BenchResults;
  metadata?: ProfileMetadata;
  hottest?: { rows: Array<{ display: string; sum: number }>; totalCount: number };
  checklist: ChecklistItem[];
  maxBinaryBytes?: number;
}

export interface ReportData {
  generatedAt: string;
  workspaceRoot: string;
  components: ComponentReportData[];
}

export interface GatherReportOptions {
  /** When given, the hottest functions come from the profile itself (more rows than metadata keeps). */
  llvmProfdata?: string;
  top?: number;
  doctor?: DoctorReport;
  signal?: AbortSignal;
  now?: Date;
}

export async function gatherReportData(project: Project, components: readonly ResolvedComponent[], opts: GatherReportOptions = {}): Promise<ReportData> {
  const layout = new ArtifactLayout(project.artifactRoot);
  const out: ComponentReportData[] = [];
  for (const c of components) {
    const input = gatherChecklistInput(project, c, { doctor: opts.doctor, checkSources: true });
    const history = listBenchResults(project.artifactRoot, c.name).map((r) => r.results);
    const latest = readLatestBenchResults(project.artifactRoot, c.name) ?? history[history.length - 1];
    out.push({
      component: c.name,
      description: c.description,
      history,
      latest,
      metadata: input.metadata,
      hottest: await hottest(layout.profdata(c.name), input.metadata, opts),
      checklist: evaluateChecklist(input),
      maxBinaryBytes: input.maxBinaryBytes,
    });
  }
  return { generatedAt: (opts.now ?? new Date()).toISOString(), workspaceRoot: project.workspace.root, components: out };
}

async function hottest(profdata: string, meta: ProfileMetadata | undefined, opts: GatherReportOptions): Promise<ComponentReportData['hottest']> {
  const top = opts.top ?? 15;
  if (opts.llvmProfdata && fs.existsSync(profdata)) {
    try {
      const data = await readProfile(opts.llvmProfdata, profdata, { signal: opts.signal });
      return { rows: hottestFunctions(data.functions, top), totalCount: data.summary.totalCount };
    } catch (e) {
      if (opts.signal?.aborted) throw e;
      /* unreadable here (e.g. another LLVM): fall back to the list the metadata keeps */
    }
  }
  if (meta && meta.hottest.length > 0) return { rows: meta.hottest.slice(0, top), totalCount: meta.totalCount };
  return undefined;
}
