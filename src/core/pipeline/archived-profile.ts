import * as fs from 'node:fs';
import * as path from 'node:path';
import { ExitCode, PgoError } from '../errors';
import { readTarGz } from '../util/tar-gz';

/**
 * Profiles inside `pgo archive` files, for comparisons: which components an archive holds, and one
 * component's profile (with its source index) unpacked into a folder of the caller's. Nothing in the
 * archive is trusted: only plain files named `<component>/<component>.profdata[.index.json|.json]`
 * are read, and they are written under fixed names in the caller's folder, never under the archive's.
 */
export const PROFILE_ARCHIVE_NAME = /^pgo-profiles-.*\.tar\.gz$/;
const SAFE_COMPONENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const SUFFIXES = ['.profdata', '.profdata.index.json', '.profdata.json'];

/** `pgo-profiles-*.tar.gz` files (the names `pgo archive` writes) in `dirs`, newest first. */
export function findProfileArchives(dirs: readonly string[]): { file: string; mtime: Date }[] {
  const found = new Map<string, { file: string; mtime: Date }>();
  for (const dir of dirs) {
    let names: string[];
    try {
      names = fs.readdirSync(dir).filter((n) => PROFILE_ARCHIVE_NAME.test(n));
    } catch {
      continue;
    }
    for (const n of names) {
      const file = path.join(dir, n);
      try {
        found.set(file, { file, mtime: fs.statSync(file).mtime });
      } catch {
        /* removed meanwhile */
      }
    }
  }
  return [...found.values()].sort((x, y) => y.mtime.getTime() - x.mtime.getTime() || x.file.localeCompare(y.file));
}

/** `<component>/<file>` of a plain-file entry, or undefined for anything else. */
function profileEntry(name: string): { component: string; file: string } | undefined {
  const parts = name.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  const [component, file, ...rest] = parts;
  if (!component || !file || rest.length > 0 || !SAFE_COMPONENT.test(component)) return undefined;
  return SUFFIXES.some((s) => file === `${component}${s}`) ? { component, file } : undefined;
}

function unreadableArchive(archive: string, e: unknown): PgoError {
  if (e instanceof PgoError) return e;
  return new PgoError(`cannot read the archive ${archive}: ${(e as Error).message}`, 'pick a .tar.gz made by "PGO: Archive Profiles" (`pgo archive`)', ExitCode.Usage);
}

/** The components whose profile the archive holds, sorted. */
export async function archivedComponents(archive: string): Promise<string[]> {
  const components = new Set<string>();
  try {
    await readTarGz(archive, async (h) => {
      const entry = h.type === 'file' ? profileEntry(h.name) : undefined;
      if (entry && entry.file === `${entry.component}.profdata`) components.add(entry.component);
    });
  } catch (e) {
    throw unreadableArchive(archive, e);
  }
  return [...components].sort();
}

/** Unpack one component's profile (and its source index and metadata, when archived) into `dir`; returns the .profdata path. */
export async function extractArchivedProfile(archive: string, component: string, dir: string): Promise<string> {
  let found = false;
  try {
    await readTarGz(archive, async (h, body) => {
      const entry = h.type === 'file' ? profileEntry(h.name) : undefined;
      if (!entry || entry.component !== component) return;
      const target = path.join(dir, entry.file); // our name: the archive's path is never used
      const out = await fs.promises.open(target, 'w');
      try {
        for await (const chunk of body) await out.write(chunk);
      } finally {
        await out.close();
      }
      if (entry.file === `${component}.profdata`) found = true;
    });
  } catch (e) {
    throw unreadableArchive(archive, e);
  }
  if (!found) {
    throw new PgoError(`the archive ${archive} holds no profile of "${component}"`, 'pick another archive, or another of its components', ExitCode.Usage);
  }
  return path.join(dir, `${component}.profdata`);
}
