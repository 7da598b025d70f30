import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { createTarPacker, type TarHeader } from 'modern-tar';
import { readTarGz, type TarEntryHeader } from '../../src/core/util/tar-gz';

/** An entry of a hand-made archive: tests build hostile ones (links, `..`, absolute paths) with it. */
export interface FixtureEntry {
  name: string;
  type?: TarHeader['type'];
  linkname?: string;
  data?: string | Buffer;
}

/** The uncompressed tar bytes of `entries`, written by the same library as the product's. */
export async function tarBytes(entries: readonly FixtureEntry[]): Promise<Buffer> {
  const { readable, controller } = createTarPacker();
  const fill = (async (): Promise<void> => {
    for (const e of entries) {
      const data = Buffer.from(e.data ?? '');
      const writer = controller.add({ name: e.name, type: e.type ?? 'file', linkname: e.linkname, size: data.length }).getWriter();
      if (data.length > 0) await writer.write(data);
      await writer.close();
    }
    controller.finalize();
  })();
  const chunks: Uint8Array[] = [];
  for await (const c of readable as unknown as AsyncIterable<Uint8Array>) chunks.push(c);
  await fill;
  return Buffer.concat(chunks);
}

export async function writeFixtureTarGz(file: string, entries: readonly FixtureEntry[]): Promise<string> {
  fs.writeFileSync(file, zlib.gzipSync(await tarBytes(entries)));
  return file;
}

/** Every entry of a .tar.gz with its bytes, through the product's reader. */
export async function readAll(file: string, opts?: { maxUnpackedBytes?: number }): Promise<(TarEntryHeader & { data: Buffer })[]> {
  const out: (TarEntryHeader & { data: Buffer })[] = [];
  await readTarGz(
    file,
    async (h, body) => {
      const chunks: Uint8Array[] = [];
      for await (const c of body) chunks.push(c);
      out.push({ ...h, data: Buffer.concat(chunks) });
    },
    opts,
  );
  return out;
}
