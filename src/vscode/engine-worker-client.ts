import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { HotFunctionsSummary } from '../core/commands/show-profile';
import { CancelledError, ExitCode, PgoError } from '../core/errors';
import type { FunctionHeat, SourceIndex } from '../core/profile/source-index';
import type { HotHeat, SourceIndexHead, WorkerRequest, WorkerResponse } from './engine-worker-protocol';

type Done = Extract<WorkerResponse, { ok: true }>;
type Pending = { resolve: (r: Done) => void; reject: (e: Error) => void; onFiles?: (files: [string, FunctionHeat[]][]) => void };
type Job = Exclude<WorkerRequest, { op: 'abort' }>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * The extension host's handle on its engine worker thread (dist/engine-worker.js): started on first
 * use, restarted after a crash, stopped with the extension.
 */
export class EngineWorker {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly script = path.join(__dirname, 'engine-worker.js')) {}

  /** The hottest functions of a profile (llvm-profdata show, parsed in the worker). */
  async hotFunctions(llvmProfdata: string, profdata: string, top: number, signal?: AbortSignal): Promise<HotFunctionsSummary> {
    const r = await this.request({ op: 'hotFunctions', llvmProfdata, profdata, top }, signal);
    return r.value as HotFunctionsSummary;
  }

  /** A profile's source index, parsed in the worker and received in small parts, with its hottest functions. */
  async sourceIndex(file: string): Promise<{ index: SourceIndex; hottest: HotHeat[] } | undefined> {
    const files: Record<string, FunctionHeat[]> = {};
    const r = await this.request({ op: 'sourceIndex', file }, undefined, (part) => {
      for (const [f, heats] of part) files[f] = heats;
    });
    const head = r.value as SourceIndexHead | undefined;
    if (!head) return undefined;
    const { hottest, ...rest } = head;
    return { index: { ...rest, files }, hottest };
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script);
    worker.unref(); // never keeps the extension host alive
    worker.on('message', (m: WorkerResponse) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      if ('files' in m) {
        p.onFiles?.(m.files);
        return;
      }
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m);
      else p.reject(m.error.code === ExitCode.Cancelled ? new CancelledError('reading the profile') : new PgoError(m.error.message, m.error.fix, m.error.code, m.error.details));
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

  private request(job: DistributiveOmit<Job, 'id'>, signal?: AbortSignal, onFiles?: Pending['onFiles']): Promise<Done> {
    if (signal?.aborted) return Promise.reject(new CancelledError('reading the profile'));
    const worker = this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = (): void => worker.postMessage({ id, op: 'abort' } satisfies WorkerRequest);
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = (): void => signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        resolve: (r) => (done(), resolve(r)),
        reject: (e) => (done(), reject(e)),
        onFiles,
      });
      worker.postMessage({ ...job, id } as WorkerRequest);
    });
  }

  dispose(): void {
    const w = this.worker;
    this.worker = undefined;
    void w?.terminate();
  }
}
