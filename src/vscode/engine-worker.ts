import { parentPort, type TransferListItem } from 'node:worker_threads';
import { checkPrerequisites } from '../core/commands/doctor';
import { readHotFunctions } from '../core/commands/show-profile';
import { findMatchedProfdata, readToolchain } from '../core/pipeline/engine-context';
import { isPgoError, errorMessage } from '../core/errors';
import { hottestHeats, readSourceIndex, type SourceIndex } from '../core/profile/source-index';
import { SIDEBAR_HOT_MAX, type PackedFiles, type SourceIndexPayload, type WorkerRequest, type WorkerResponse } from './engine-worker-protocol';

/**
 * The engine worker (bundled as dist/engine-worker.js, started by EngineWorker): reads profiles and
 * source indexes away from the extension host's event loop. Core code only: no `vscode` here.
 */
const port = parentPort;
if (!port) throw new Error('engine-worker.js runs as a worker thread of the extension');
const running = new Map<number, AbortController>();

function pack(files: SourceIndex['files']): PackedFiles {
  const names = Object.keys(files);
  const chunks = names.map((n) => Buffer.from(JSON.stringify(files[n])));
  const bytes = new Uint8Array(new ArrayBuffer(chunks.reduce((n, c) => n + c.length, 0))); // its own buffer: transferable
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

async function handle(req: Exclude<WorkerRequest, { op: 'abort' }>, signal: AbortSignal): Promise<{ response: WorkerResponse; transfer: TransferListItem[] }> {
  if (req.op === 'hotFunctions') {
    return { response: { id: req.id, ok: true, value: await readHotFunctions(req.llvmProfdata, req.profdata, req.top, signal) }, transfer: [] };
  }
  if (req.op === 'tools') {
    const { rustc, cargoVersion } = req.rustc ? { rustc: req.rustc, cargoVersion: undefined } : await readToolchain(req.root);
    const profdata = await findMatchedProfdata(rustc, req.llvmProfdataPath);
    return { response: { id: req.id, ok: true, value: { rustc, cargoVersion, profdata } }, transfer: [] };
  }
  if (req.op === 'doctor') {
    return { response: { id: req.id, ok: true, value: await checkPrerequisites(req.dir, req.overrides) }, transfer: [] };
  }
  const index = readSourceIndex(req.file);
  if (!index) return { response: { id: req.id, ok: true, value: undefined }, transfer: [] };
  const { files, ...head } = index;
  // Sorted here: over a large index, the sort alone would block the host.
  const value: SourceIndexPayload = { head, hottest: hottestHeats(index, SIDEBAR_HOT_MAX), files: pack(files) };
  return { response: { id: req.id, ok: true, value }, transfer: [value.files.bytes.buffer as ArrayBuffer] };
}

port.on('message', (req: WorkerRequest) => {
  if (req.op === 'abort') {
    running.get(req.id)?.abort();
    return;
  }
  const controller = new AbortController();
  running.set(req.id, controller);
  handle(req, controller.signal)
    .catch((e: unknown) => ({
      response: {
        id: req.id,
        ok: false,
        error: isPgoError(e) ? { message: e.message, fix: e.fix, code: e.code, details: e.details, kind: e.kind } : { message: errorMessage(e) },
      } satisfies WorkerResponse,
      transfer: [],
    }))
    .then(({ response, transfer }) => {
      running.delete(req.id);
      port.postMessage(response, transfer);
    });
});
