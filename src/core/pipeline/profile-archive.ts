import * as fs from 'node:fs';
import * as path from 'node:path';
import { ExitCode, PgoError } from '../errors';
import { readTarGz, writeTarGz, type TarEntryType } from '../util/tar-gz';
import { isStrictlyInside } from '../util/safe-path';
import { publishNoClobber, syncDir, tempPathFor } from '../util/atomic-write';
import type { EngineContext } from './engine-context';
import { RunLock } from './run-lock';

/**
 * Profile retention (the seed's "Profile Data Retention"): keep the merged profiles, their metadata
 * and source indexes in a dated .tar.gz, and restore them later. Restoring trusts nothing in the
 * archive: only plain files named `<component>/<component>.profdata[.json|.index.json]` for the
 * project's own components are accepted, and they are written only inside the artifact directory.
 */
const SUFFIXES = ['.profdata', '.profdata.json', '.profdata.index.json'] as const;

/** `pgo-profiles-YYYY-MM-DD.tar.gz`, or `…-2.tar.gz`, `…-3.tar.gz` for later archives of that day. */
export function defaultArchiveName(now = new Date(), n = 1): string {
  return `pgo-profiles-${now.toISOString().slice(0, 10)}${n > 1 ? `-${n}` : ''}.tar.gz`;
}

/** True for a name defaultArchiveName gives: how the walkthrough knows an archive was made. */
export function isDefaultArchiveName(name: string): boolean {
  return /^pgo-profiles-\d{4}-\d{2}-\d{2}(-\d+)?\.tar\.gz$/.test(name);
}

const MAX_SAME_DAY = 1000;

/**
 * Archive the profiles. An archive never replaces another: the default name gets a number when
 * today's exists, and an explicit `output` that exists is refused (the user named that file, so
 * writing elsewhere would surprise them). The run lock is held while the profiles are read, so a
 * merge cannot replace one half-way through.
 */
export async function archiveProfiles(ctx: EngineContext, output?: string): Promise<{ file: string; entries: string[] }> {
  const profileFiles = (): { name: string; source: string }[] =>
    ctx.project.components.flatMap((c) => ctx.layout.profileFiles(c.name).filter((f) => fs.existsSync(f)).map((f) => ({ name: `${c.name}/${path.basename(f)}`, source: f })));
  const noProfile = (): PgoError => new PgoError('there is no profile to archive', 'run the pipeline first (`pgo pipeline`)', ExitCode.PhaseFailed);
  if (profileFiles().length === 0) throw noProfile();
  ctx.layout.checkOwner();
  const explicit = output !== undefined ? path.resolve(ctx.project.workspace.root, output) : undefined;
  if (explicit && fs.existsSync(explicit)) throw existingOutput(explicit);
  const dir = explicit ? path.dirname(explicit) : ctx.project.workspace.root;
  await fs.promises.mkdir(dir, { recursive: true });
  const tmp = tempPathFor(path.join(dir, 'pgo-profiles.tar.gz'));
  try {
    const lock = RunLock.acquire(ctx.layout.lockFile, 'pgo archive');
    let files: { name: string; source: string }[];
    try {
      files = profileFiles(); // again, under the lock: a delete may have run meanwhile
      if (files.length === 0) throw noProfile();
      await writeTarGz(tmp, files);
    } finally {
      lock.release();
    }
    return { file: publishArchive(tmp, dir, explicit), entries: files.map((f) => f.name) };
  } finally {
    await fs.promises.rm(tmp, { force: true });
  }
}

function existingOutput(file: string): PgoError {
  return new PgoError(
    `${file} already exists; an archive never replaces another`,
    'choose another name (`--output FILE`), or move the old archive away first; without --output a new dated name is chosen',
    ExitCode.Usage,
  );
}

/** Name the finished archive: the explicit name, or the first free dated one. */
function publishArchive(tmp: string, dir: string, explicit: string | undefined): string {
  if (explicit) {
    if (!publishNoClobber(tmp, explicit)) throw existingOutput(explicit);
    return explicit;
  }
  const now = new Date();
  for (let n = 1; n <= MAX_SAME_DAY; n++) {
    const candidate = path.join(dir, defaultArchiveName(now, n));
    if (publishNoClobber(tmp, candidate)) return candidate;
  }
  throw new PgoError(`${dir} already holds ${MAX_SAME_DAY} profile archives of today`, 'move old archives away, or pass --output FILE', ExitCode.Usage);
}

/** Why an archive entry is refused, or undefined when it is one of ours. */
export function entryProblem(name: string, type: TarEntryType, components: readonly string[]): string | undefined {
  if (type === 'symlink' || type === 'hardlink') return `"${name}" is a link`;
  if (type === 'other') return `"${name}" is not a plain file`;
  if (path.isAbsolute(name) || name.startsWith('/') || /^[A-Za-z]:/.test(name)) return `"${name}" is an absolute path`;
  const parts = name.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) return `"${name}" climbs out with ".."`;
  if (type === 'directory') return parts.length === 1 && components.includes(parts[0] ?? '') ? undefined : `"${name}" is an unexpected folder`;
  const [component, file, ...rest] = parts;
  if (!component || !file || rest.length > 0 || !components.includes(component)) return `"${name}" is not a profile of this workspace's components (${components.join(', ')})`;
  if (!SUFFIXES.some((s) => file === `${component}${s}`)) return `"${name}" is not a profile, its metadata or its source index`;
  return undefined;
}

/** Drain what the caller does not keep. */
async function skip(body: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const chunk of body) void chunk;
}

function refusal(archive: string, refused: readonly string[]): PgoError {
  return new PgoError(
    `refusing to restore ${archive}: ${refused.slice(0, 5).join('; ')}${refused.length > 5 ? ` (and ${refused.length - 5} more)` : ''}`,
    'restore only archives made by "PGO: Archive Profiles"',
    ExitCode.Usage,
  );
}

function unreadable(archive: string, e: unknown): unknown {
  if (e instanceof PgoError) return e;
  return new PgoError(`cannot read ${archive}: ${(e as Error).message}`, 'pick a .tar.gz made by "PGO: Archive Profiles" (`pgo archive`)', ExitCode.Usage);
}

/**
 * Restore an archive's profiles. The archive is read twice, as a stream: first every entry is
 * checked (names, types, header checksums, the unpacked size) and nothing is written when one is
 * refused; then, under the run lock, the files are written beside their targets, checked again
 * (the archive may have changed in between) and renamed into place only when all are whole.
 */
export async function restoreProfiles(ctx: EngineContext, archive: string): Promise<string[]> {
  const components = ctx.project.components.map((c) => c.name);
  const refused: string[] = [];
  try {
    await readTarGz(archive, async (h, body) => {
      const problem = entryProblem(h.name, h.type, components);
      if (problem) refused.push(problem);
      await skip(body);
    });
  } catch (e) {
    throw unreadable(archive, e);
  }
  if (refused.length > 0) throw refusal(archive, refused);

  const lock = ctx.layout.lock(`pgo restore ${archive}`);
  const staged: { tmp: string; target: string }[] = [];
  try {
    try {
      await readTarGz(archive, async (h, body) => {
        const problem = entryProblem(h.name, h.type, components);
        if (problem) throw refusal(archive, [problem]);
        if (h.type !== 'file') return skip(body);
        const [component = '', file = ''] = h.name.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
        const target = path.join(ctx.layout.componentDir(component), file);
        if (!isStrictlyInside(target, ctx.layout.root)) throw new PgoError(`refusing to write ${target}: outside ${ctx.layout.root}`, 'fix artifactDir in pgo.yaml', ExitCode.Usage);
        await fs.promises.mkdir(path.dirname(target), { recursive: true });
        const tmp = tempPathFor(target);
        staged.push({ tmp, target });
        await writeStream(tmp, body);
      });
    } catch (e) {
      throw unreadable(archive, e);
    }
    for (const { tmp, target } of staged) await fs.promises.rename(tmp, target);
    for (const dir of new Set(staged.map((s) => path.dirname(s.target)))) syncDir(dir);
    return staged.map((s) => s.target);
  } finally {
    await Promise.all(staged.map((s) => fs.promises.rm(s.tmp, { force: true })));
    lock.release();
  }
}

/** Write a stream to a new file and flush it to disk. */
async function writeStream(file: string, body: AsyncIterable<Uint8Array>): Promise<void> {
  const fh = await fs.promises.open(file, 'wx');
  try {
    for await (const chunk of body) await fh.write(chunk);
    await fh.sync();
  } finally {
    await fh.close();
  }
}
