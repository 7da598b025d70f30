import * as fs from 'node:fs';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
// modern-tar, chosen over node-tar, tar-stream and nanotar (compared with `npm view` and their
// sources): no dependencies and ~13 KB once esbuild bundles it into dist/ (node-tar ~100 KB with
// five dependencies, tar-stream ~39 KB with streamx and bare-* packages); it streams (nanotar needs
// the whole archive in memory), verifies each header's checksum in strict mode and reports a
// truncated archive; it extracts nothing itself, so every safety decision stays with the caller.
import { createTarDecoder, createTarPacker, type TarHeader } from 'modern-tar';

/**
 * Reading and writing .tar.gz files as streams, so a large archive never sits in memory and never
 * blocks the event loop (the extension host shares it with the editor). The reader reports every
 * entry as it is, links included; callers decide what is safe to extract.
 */
export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface TarEntryHeader {
  name: string;
  type: TarEntryType;
  /** Link target for symlinks and hard links. */
  linkname?: string;
  size: number;
  mode?: number;
  mtime?: Date;
}

/** A bound on what a hostile archive may inflate to: profiles are megabytes, not gigabytes. */
export const MAX_UNPACKED_BYTES = 2 * 1024 ** 3;

export class TarGzError extends Error {}

/** An error thrown by the caller's entry handler, not by the archive. */
class FromCaller {
  constructor(readonly error: unknown) {}
}

function entryType(t: TarHeader['type']): TarEntryType {
  switch (t ?? 'file') {
    case 'file':
      return 'file';
    case 'directory':
      return 'directory';
    case 'symlink':
      return 'symlink';
    case 'link':
      return 'hardlink';
    default:
      return 'other'; // devices, FIFOs
  }
}

/** Passes bytes through and fails once more than `max` have passed. */
function byteLimit(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
      seen += chunk.length;
      if (seen > max) done(new TarGzError(`it unpacks to more than ${Math.round(max / 1024 ** 2)} MB, far more than profiles take`));
      else done(null, chunk);
    },
  });
}

/**
 * Read `file` entry by entry. `onEntry` gets each header and its body, which it must read to the end
 * or leave alone (it is then skipped); the next entry comes when `onEntry` has finished.
 */
export async function readTarGz(
  file: string,
  onEntry: (header: TarEntryHeader, body: AsyncIterable<Uint8Array>) => Promise<void>,
  opts: { maxUnpackedBytes?: number } = {},
): Promise<void> {
  const source = fs.createReadStream(file);
  const gunzip = zlib.createGunzip();
  const limit = byteLimit(opts.maxUnpackedBytes ?? MAX_UNPACKED_BYTES);
  // Node streams for gzip (its errors say what is wrong), web streams for the tar decoder.
  const tarBytes = source.pipe(gunzip).pipe(limit);
  let streamError: unknown;
  for (const s of [source, gunzip] as NodeJS.EventEmitter[]) s.on('error', (e: Error) => limit.destroy(e));
  limit.on('error', (e: Error) => (streamError ??= e));
  const entries = Readable.toWeb(tarBytes).pipeThrough(createTarDecoder({ strict: true }));
  try {
    for await (const { header, body } of entries) {
      let consumed = false;
      const iterable: AsyncIterable<Uint8Array> = {
        [Symbol.asyncIterator]: () => {
          consumed = true;
          return body[Symbol.asyncIterator]();
        },
      };
      try {
        await onEntry(
          { name: header.name, type: entryType(header.type), linkname: header.linkname || undefined, size: header.size, mode: header.mode, mtime: header.mtime },
          iterable,
        );
      } catch (e) {
        throw new FromCaller(e);
      }
      if (!consumed) for await (const chunk of body) void chunk; // skip what the caller did not read
    }
  } catch (e) {
    if (e instanceof FromCaller) throw e.error; // the caller's own refusal, as it was thrown
    throw describe(streamError ?? e);
  } finally {
    source.destroy();
  }
}

function describe(e: unknown): Error {
  if (e instanceof TarGzError) return e;
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'ENOENT' || err.code === 'EACCES' || err.code === 'EISDIR') return err;
  if (err.message === 'unexpected end of file') return new TarGzError('the gzip data is truncated');
  if (typeof err.code === 'string' && err.code.startsWith('Z_')) return new TarGzError(`not a gzip file, or a damaged one (${err.message})`);
  return new TarGzError(`not a tar archive, or a damaged one (${err.message})`);
}

/**
 * Write `files` (each a file on disk, stored under `name`) into the .tar.gz `out`, streaming.
 * Each file is read through one open handle, so its size and bytes belong together.
 */
export async function writeTarGz(out: string, files: readonly { name: string; source: string }[]): Promise<void> {
  const { readable, controller } = createTarPacker();
  const fill = async (): Promise<void> => {
    try {
      for (const f of files) {
        const fh = await fs.promises.open(f.source, 'r');
        try {
          const st = await fh.stat();
          const writer = controller.add({ name: f.name, type: 'file', size: st.size, mode: 0o644, mtime: st.mtime }).getWriter();
          // Exactly the size in the header, even if the file grew meanwhile (one that shrank fails).
          if (st.size > 0) for await (const chunk of fh.createReadStream({ autoClose: false, start: 0, end: st.size - 1 }) as AsyncIterable<Buffer>) await writer.write(chunk);
          await writer.close();
        } finally {
          await fh.close();
        }
      }
      controller.finalize();
    } catch (e) {
      controller.error(e);
      throw e;
    }
  };
  await Promise.all([fill(), pipeline(Readable.fromWeb(readable), zlib.createGzip(), fs.createWriteStream(out))]);
  const written = await fs.promises.open(out, 'r+');
  try {
    await written.sync(); // on disk before anyone renames it into place
  } finally {
    await written.close();
  }
}
