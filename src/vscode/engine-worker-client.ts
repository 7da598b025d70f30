import * as path from 'node:path';
import { fork, type ChildProcess } from 'node:child_process';
import type { ChecklistItem } from '../core/bench/checklist';
import type { FirstBuildProgress } from '../core/commands/first-build-progress';
import type { HotFunctionsSummary } from '../core/commands/show-profile';
import type { ProfileComparison, ProfileSource } from '../core/commands/compare-profiles';
import { CancelledError, ExitCode, PgoError } from '../core/errors';
import { ConfigError } from '../core/config/load-config';
import type { Project, ProjectOverrides } from '../core/config/resolve-project';
import type { EngineContext } from '../core/pipeline/engine-context';
import type { ReportData } from '../core/report/report-data';
import type { DoctorReport } from '../core/toolchain/doctor';
import type { SourceIndexPayload, WorkerRequest, WorkspaceTools, WorkerResponse } from './engine-worker-protocol';

type Done = Extract<WorkerResponse, { ok: true }>;
type Pending = { resolve: (r: Done) => void; reject: (e: Error) => void };
type Job = Exclude<WorkerRequest, { op: 'abort' }>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * The extension host's handle on its engine worker process (dist/engine-worker.js): started on first
 * use, restarted after a crash, stopped with the extension.
 */
export class EngineWorker {
  private worker: ChildProcess | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly script = path.join(__dirname, 'engine-worker.js')) {}

  /** The hottest functions of a profile (llvm-profdata show, parsed in the worker). */
  async hotFunctions(llvmProfdata: string, profdata: string, top: number, signal?: AbortSignal): Promise<HotFunctionsSummary> {
    const r = await this.request({ op: 'hotFunctions', llvmProfdata, profdata, top }, signal);
    return r.value as HotFunctionsSummary;
  }

  /**
   * Fill in the context's rustc, cargo version and matched llvm-profdata, looked up in the worker
   * (once: the context keeps them). The core's requireRustc/requireProfdata then find them there.
   */
  async resolveTools(ctx: EngineContext): Promise<void> {
    if (ctx.rustc && ctx.profdata) return;
    const r = await this.request({ op: 'tools', root: ctx.project.workspace.root, llvmProfdataPath: ctx.project.llvmProfdataPath, rustc: ctx.rustc });
    const tools = r.value as WorkspaceTools;
    if (!ctx.rustc) {
      ctx.rustc = tools.rustc;
      ctx.cargoVersion = tools.cargoVersion;
    }
    ctx.profdata ??= tools.profdata;
  }

  /** The core's clean (one component, or all), run in the worker: it deletes whole build folders. */
  async clean(ctx: EngineContext, component?: string): Promise<string[]> {
    return (await this.request({ op: 'clean', project: ctx.project, component })).value as string[];
  }

  /** The core's delete-profile, run in the worker. */
  async deleteProfile(ctx: EngineContext, component: string): Promise<string[]> {
    return (await this.request({ op: 'deleteProfile', project: ctx.project, component })).value as string[];
  }

  /** PGO: Compare Profiles: B against the baseline A, read and compared in the worker. */
  async compareProfiles(llvmProfdata: string, a: ProfileSource, b: ProfileSource, top: number, signal?: AbortSignal): Promise<ProfileComparison> {
    return (await this.request({ op: 'compareProfiles', llvmProfdata, a, b, top }, signal)).value as ProfileComparison;
  }

  /** The components whose profiles a `pgo archive` file holds (the archive is read in the worker). */
  async archivedComponents(archive: string): Promise<string[]> {
    return (await this.request({ op: 'archivedComponents', archive })).value as string[];
  }

  /** A workspace's project (cargo metadata, pgo.yaml, the settings), loaded in the worker. */
  async project(root: string, overrides: ProjectOverrides): Promise<Project> {
    return (await this.request({ op: 'project', root, overrides })).value as Project;
  }

  /** The prerequisites check (many short processes), run in the worker. */
  async doctor(dir: string, overrides: ProjectOverrides): Promise<DoctorReport> {
    return (await this.request({ op: 'doctor', dir, overrides })).value as DoctorReport;
  }

  /** A component's checklist, evaluated in the worker (its freshness check hashes the sources). */
  async checklist(project: Project, component: string): Promise<ChecklistItem[]> {
    return (await this.request({ op: 'checklist', project, component })).value as ChecklistItem[];
  }

  /** The walkthrough's steps, judged in the worker from the files each workspace has (any one counts). */
  async firstBuildProgress(workspaces: { project: Project; doctorPassed?: boolean }[]): Promise<FirstBuildProgress> {
    return (await this.request({ op: 'firstBuildProgress', workspaces })).value as FirstBuildProgress;
  }

  /** The report's data for a component or "all", gathered in the worker. */
  async reportData(project: Project, component: string, doctor: DoctorReport): Promise<ReportData> {
    return (await this.request({ op: 'reportData', project, component, doctor })).value as ReportData;
  }

  /** A profile's source index, parsed in the worker, its files packed (see PackedFiles). */
  async sourceIndex(file: string): Promise<SourceIndexPayload | undefined> {
    const r = await this.request({ op: 'sourceIndex', file });
    return r.value as SourceIndexPayload | undefined;
  }

  private start(): ChildProcess {
    if (this.worker) return this.worker;
    // A child process, not a worker thread: the processes it starts (llvm-profdata, rustc) are then
    // forked from its small address space, not the host's (copying that stalls the host's loop).
    const worker = fork(this.script, [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    // Never keeps its parent alive when idle (see request for the busy case).
    worker.unref();
    worker.channel?.unref();
    worker.on('message', (m: WorkerResponse) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m);
      else if (m.error.problems) p.reject(new ConfigError(m.error.problems));
      else p.reject(m.error.code === ExitCode.Cancelled ? new CancelledError('reading the profile') : new PgoError(m.error.message, m.error.fix, m.error.code, m.error.details, m.error.kind));
    });
    const fail = (e: Error): void => {
      if (this.worker === worker) this.worker = undefined;
      for (const p of this.pending.values()) p.reject(new PgoError(`the engine worker stopped: ${e.message}`, 'run the command again; if it keeps failing, see the "Rust PGO" output'));
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private request(job: DistributiveOmit<Job, 'id'>, signal?: AbortSignal): Promise<Done> {
    if (signal?.aborted) return Promise.reject(new CancelledError('reading the profile'));
    const worker = this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = (): void => void worker.send({ id, op: 'abort' } satisfies WorkerRequest);
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = (): void => {
        signal?.removeEventListener('abort', onAbort);
        if (this.pending.size === 0) worker.channel?.unref();
      };
      worker.channel?.ref(); // an answer is awaited
      this.pending.set(id, {
        resolve: (r) => (done(), resolve(r)),
        reject: (e) => (done(), reject(e)),
      });
      worker.send({ ...job, id } as WorkerRequest);
    });
  }

  dispose(): void {
    const w = this.worker;
    this.worker = undefined;
    w?.kill();
  }
}
