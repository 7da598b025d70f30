import { evaluateChecklist } from '../core/bench/checklist';
import { gatherChecklistInput } from '../core/bench/checklist-input';
import { clean, deleteProfiles } from '../core/commands/clean';
import { firstBuildProgress, mergeProgress } from '../core/commands/first-build-progress';
import { checkPrerequisites } from '../core/commands/doctor';
import { ConfigError } from '../core/config/load-config';
import { loadProject } from '../core/config/resolve-project';
import { readHotFunctions } from '../core/commands/show-profile';
import { compareProfileSources } from '../core/commands/compare-profiles';
import { archivedComponents } from '../core/pipeline/archived-profile';
import { engineContextOf, findMatchedProfdata, readToolchain } from '../core/pipeline/engine-context';
import { isPgoError, errorMessage } from '../core/errors';
import { hottestHeats, readSourceIndex, type SourceIndex } from '../core/profile/source-index';
import { hotFunctionsByOrigin } from '../core/profile/origin-groups';
import { gatherReportData } from '../core/report/report-data';
import { SIDEBAR_HOT_MAX, type PackedFiles, type SourceIndexPayload, type WorkerRequest, type WorkerResponse } from './engine-worker-protocol';

/**
 * The engine worker (bundled as dist/engine-worker.js, started by EngineWorker as a child process):
 * reads profiles and source indexes, looks up the toolchain and deletes build folders away from
 * the extension host's event loop. Core code only: no `vscode` here.
 */
if (!process.send) throw new Error('engine-worker.js runs as a child process of the extension (IPC)');
const send = (m: WorkerResponse): void => void process.send?.(m);
// It outlives nothing: when the extension host goes, so does it.
process.on('disconnect', () => process.exit(0));
const running = new Map<number, AbortController>();

function pack(files: SourceIndex['files']): PackedFiles {
  const names = Object.keys(files);
  const chunks = names.map((n) => Buffer.from(JSON.stringify(files[n])));
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  const starts: number[] = [];
  const ends: number[] = [];
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    starts.push(at);
    at += c.length;
    ends.push(at);
  }
  return { names, starts, ends, bytes };
}

async function handle(req: Exclude<WorkerRequest, { op: 'abort' }>, signal: AbortSignal): Promise<WorkerResponse> {
  if (req.op === 'hotFunctions') {
    return { id: req.id, ok: true, value: await readHotFunctions(req.llvmProfdata, req.profdata, req.top, signal) };
  }
  if (req.op === 'tools') {
    const { rustc, cargoVersion } = req.rustc ? { rustc: req.rustc, cargoVersion: undefined } : await readToolchain(req.root);
    const profdata = await findMatchedProfdata(rustc, req.llvmProfdataPath);
    return { id: req.id, ok: true, value: { rustc, cargoVersion, profdata } };
  }
  if (req.op === 'project') {
    return { id: req.id, ok: true, value: await loadProject(req.root, req.overrides) };
  }
  if (req.op === 'clean' || req.op === 'deleteProfile') {
    // The same core commands as the CLI's, on a context rebuilt from the host's project.
    const ctx = engineContextOf(req.project);
    const removed = req.op === 'clean' ? clean(ctx, req.component).removed : deleteProfiles(ctx, req.component);
    return { id: req.id, ok: true, value: removed };
  }
  if (req.op === 'compareProfiles') {
    return { id: req.id, ok: true, value: await compareProfileSources(req.llvmProfdata, req.a, req.b, { top: req.top, signal }) };
  }
  if (req.op === 'archivedComponents') {
    return { id: req.id, ok: true, value: await archivedComponents(req.archive) };
  }
  if (req.op === 'checklist' || req.op === 'reportData') {
    const components = req.project.components.filter((c) => req.component === 'all' || c.name === req.component);
    if (req.op === 'reportData') return { id: req.id, ok: true, value: await gatherReportData(req.project, components, { doctor: req.doctor, signal }) };
    const component = components[0];
    return { id: req.id, ok: true, value: component ? evaluateChecklist(gatherChecklistInput(req.project, component, { checkSources: true })) : [] };
  }
  if (req.op === 'firstBuildProgress') {
    const each = req.workspaces.map((w) => firstBuildProgress({ project: w.project, layout: engineContextOf(w.project).layout, doctorPassed: w.doctorPassed }));
    return { id: req.id, ok: true, value: mergeProgress(each) };
  }
  if (req.op === 'doctor') {
    return { id: req.id, ok: true, value: await checkPrerequisites(req.dir, req.overrides) };
  }
  const index = readSourceIndex(req.file);
  if (!index) return { id: req.id, ok: true, value: undefined };
  const { files, ...head } = index;
  // Sorted here: over a large index, the sort alone would block the host. Each origin's hottest
  // (the workspace's, each dependency's, std's), so the sidebar can show them side by side.
  const hottest = index.origins ? hotFunctionsByOrigin(index, SIDEBAR_HOT_MAX).flatMap((g) => g.hottest) : hottestHeats(index, SIDEBAR_HOT_MAX);
  const value: SourceIndexPayload = { head, hottest, files: pack(files) };
  return { id: req.id, ok: true, value };
}

process.on('message', (req: WorkerRequest) => {
  if (req.op === 'abort') {
    running.get(req.id)?.abort();
    return;
  }
  const controller = new AbortController();
  running.set(req.id, controller);
  handle(req, controller.signal)
    .catch(
      (e: unknown): WorkerResponse => ({
        id: req.id,
        ok: false,
        error: isPgoError(e)
          ? { message: e.message, fix: e.fix, code: e.code, details: e.details, kind: e.kind, problems: e instanceof ConfigError ? e.problems : undefined }
          : { message: errorMessage(e) },
      }),
    )
    .then((response) => {
      running.delete(req.id);
      send(response);
    });
});
