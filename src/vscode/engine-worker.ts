import { parentPort } from 'node:worker_threads';
import { readHotFunctions } from '../core/commands/show-profile';
import { isPgoError, errorMessage } from '../core/errors';
import { hottestHeats, readSourceIndex, type FunctionHeat } from '../core/profile/source-index';
import { HEATS_PER_PART, SIDEBAR_HOT_MAX, type WorkerRequest, type WorkerResponse } from './engine-worker-protocol';

/**
 * The engine worker (bundled as dist/engine-worker.js, started by EngineWorker): reads profiles and
 * source indexes away from the extension host's event loop. Core code only: no `vscode` here.
 */
const port = parentPort;
if (!port) throw new Error('engine-worker.js runs as a worker thread of the extension');
const running = new Map<number, AbortController>();
const send = (m: WorkerResponse): void => port.postMessage(m);

async function handle(req: Exclude<WorkerRequest, { op: 'abort' }>, signal: AbortSignal): Promise<WorkerResponse> {
  if (req.op === 'hotFunctions') {
    return { id: req.id, ok: true, value: await readHotFunctions(req.llvmProfdata, req.profdata, req.top, signal) };
  }
  const index = readSourceIndex(req.file);
  if (!index) return { id: req.id, ok: true, value: undefined };
  const { files, ...head } = index;
  let part: [string, FunctionHeat[]][] = [];
  let heats = 0;
  for (const entry of Object.entries(files)) {
    part.push(entry);
    heats += entry[1].length;
    if (heats >= HEATS_PER_PART) {
      send({ id: req.id, files: part });
      part = [];
      heats = 0;
    }
  }
  if (part.length > 0) send({ id: req.id, files: part });
  // Sorted here: over a large index, the sort alone would block the host.
  return { id: req.id, ok: true, value: { ...head, hottest: hottestHeats(index, SIDEBAR_HOT_MAX) } };
}

port.on('message', (req: WorkerRequest) => {
  if (req.op === 'abort') {
    running.get(req.id)?.abort();
    return;
  }
  const controller = new AbortController();
  running.set(req.id, controller);
  handle(req, controller.signal)
    .catch((e: unknown): WorkerResponse => ({
      id: req.id,
      ok: false,
      error: isPgoError(e) ? { message: e.message, fix: e.fix, code: e.code, details: e.details } : { message: errorMessage(e) },
    }))
    .then((response) => {
      running.delete(req.id);
      send(response);
    });
});
