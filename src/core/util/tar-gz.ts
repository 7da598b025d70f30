import * as zlib from 'node:zlib';

/**
 * A small ustar reader and writer (gzip-compressed), enough for archiving profiles without a
 * dependency and without running `tar` (whose extraction would follow links and `..`).
 * The reader reports every entry as it is; callers decide what is safe to extract.
 */
export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface TarEntry {
  name: string;
  type: TarEntryType;
  /** Link target for symlinks and hard links. */
  linkname?: string;
  data: Buffer;
  mode?: number;
  mtime?: Date;
}

const BLOCK = 512;
export const MAX_UNPACKED_BYTES = 2 * 1024 ** 3;

function octal(n: number, width: number): string {
  return `${n.toString(8).padStart(width - 1, '0')}\0`;
}

function typeFlag(t: TarEntryType): string {
  return t === 'directory' ? '5' : t === 'symlink' ? '2' : t === 'hardlink' ? '1' : '0';
}

function header(e: TarEntry): Buffer {
  const h = Buffer.alloc(BLOCK);
  let name = e.name;
  let prefix = '';
  if (Buffer.byteLength(name) > 100) {
    // ustar splits long paths at a slash into prefix (155) + name (100).
    const cut = name.lastIndexOf('/');
    prefix = name.slice(0, cut);
    name = name.slice(cut + 1);
    if (Buffer.byteLength(name) > 100 || Buffer.byteLength(prefix) > 155) throw new Error(`path too long for ustar: ${e.name}`);
  }
  h.write(name, 0, 100, 'utf8');
  h.write(octal(e.mode ?? (e.type === 'directory' ? 0o755 : 0o644), 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(e.type === 'file' ? e.data.length : 0, 12), 124, 'ascii');
  h.write(octal(Math.floor((e.mtime ?? new Date()).getTime() / 1000), 12), 136, 'ascii');
  h.write('        ', 148, 'ascii'); // checksum field counts as spaces while summing
  h.write(typeFlag(e.type), 156, 'ascii');
  if (e.linkname) h.write(e.linkname, 157, 100, 'utf8');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

export function createTarGz(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    parts.push(header(e));
    if (e.type === 'file') {
      parts.push(e.data);
      const pad = (BLOCK - (e.data.length % BLOCK)) % BLOCK;
      if (pad) parts.push(Buffer.alloc(pad));
    }
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return zlib.gzipSync(Buffer.concat(parts));
}

function str(buf: Buffer, start: number, len: number): string {
  const s = buf.subarray(start, start + len);
  const end = s.indexOf(0);
  return s.subarray(0, end < 0 ? len : end).toString('utf8');
}

export function readTarGz(gz: Buffer): TarEntry[] {
  let tar: Buffer;
  try {
    // A bound on what a hostile archive may inflate to: profiles are megabytes, not gigabytes.
    tar = zlib.gunzipSync(gz, { maxOutputLength: MAX_UNPACKED_BYTES });
  } catch (e) {
    throw new Error(`not a gzip file: ${(e as Error).message}`);
  }
  const out: TarEntry[] = [];
  let pos = 0;
  while (pos + BLOCK <= tar.length) {
    const h = tar.subarray(pos, pos + BLOCK);
    if (h.every((b) => b === 0)) break;
    const sizeText = str(h, 124, 12).trim();
    const size = sizeText ? Number.parseInt(sizeText, 8) : 0;
    if (!Number.isFinite(size) || size < 0) throw new Error(`bad size in the entry at offset ${pos}`);
    const flag = String.fromCharCode(h[156] ?? 0);
    const prefix = str(h, 345, 155);
    const name = prefix ? `${prefix}/${str(h, 0, 100)}` : str(h, 0, 100);
    const type: TarEntryType =
      flag === '0' || flag === '\0' || flag === '7' ? 'file' : flag === '5' ? 'directory' : flag === '2' ? 'symlink' : flag === '1' ? 'hardlink' : 'other';
    const data = tar.subarray(pos + BLOCK, pos + BLOCK + size);
    if (data.length < size) throw new Error(`the archive is truncated inside "${name}"`);
    out.push({ name, type, linkname: str(h, 157, 100) || undefined, data: Buffer.from(data), mode: Number.parseInt(str(h, 100, 8), 8) || undefined });
    pos += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
  return out;
}
