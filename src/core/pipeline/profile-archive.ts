import * as fs from 'node:fs';
import * as path from 'node:path';
import { ExitCode, PgoError } from '../errors';
import { createTarGz, readTarGz, type TarEntry } from '../util/tar-gz';
import { isStrictlyInside } from '../util/safe-path';
import { publishNoClobber, tempPathFor, writeFileAtomic } from '../util/atomic-write';
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

const MAX_SAME_DAY = 1000;

/**
 * Archive the profiles. An archive never replaces another: the default name gets a number when
 * today's exists, and an explicit `output` that exists is refused (the user named that file, so
 * writing elsewhere would surprise them). The run lock is held while the profiles are read, so a
 * merge cannot replace one half-way through.
 */
export function archiveProfiles(ctx: EngineContext, output?: string): { file: string; entries: string[] } {
  const present = ctx.project.components.flatMap((c) => ctx.layout.profileFiles(c.name).filter((f) => fs.existsSync(f)).map((f) => ({ c, f })));
  if (present.length === 0) {
    throw new PgoError('there is no profile to archive', 'run the pipeline first (`pgo pipeline`)', ExitCode.PhaseFailed);
  }
  const explicit = output !== undefined ? path.resolve(ctx.project.workspace.root, output) : undefined;
  if (explicit && fs.existsSync(explicit)) throw existingOutput(explicit);
  const lock = RunLock.acquire(ctx.layout.lockFile, 'pgo archive');
  let gz: Buffer;
  const entries: TarEntry[] = [];
  try {
    for (const { c, f } of present) {
      if (!fs.existsSync(f)) continue;
      const st = fs.statSync(f);
      entries.push({ name: `${c.name}/${path.basename(f)}`, type: 'file', data: fs.readFileSync(f), mtime: st.mtime });
    }
    gz = createTarGz(entries);
  } finally {
    lock.release();
  }
  const dir = explicit ? path.dirname(explicit) : ctx.project.workspace.root;
  fs.mkdirSync(dir, { recursive: true });
  const tmp = tempPathFor(path.join(dir, 'pgo-profiles.tar.gz'));
  try {
    fs.writeFileSync(tmp, gz);
    const file = publishArchive(tmp, dir, explicit);
    return { file, entries: entries.map((e) => e.name) };
  } finally {
    fs.rmSync(tmp, { force: true });
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
export function entryProblem(name: string, type: TarEntry['type'], components: readonly string[]): string | undefined {
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

export function restoreProfiles(ctx: EngineContext, archive: string): string[] {
  let entries: TarEntry[];
  try {
    entries = readTarGz(fs.readFileSync(archive));
  } catch (e) {
    throw new PgoError(`cannot read ${archive}: ${(e as Error).message}`, 'pick a .tar.gz made by "PGO: Archive Profiles" (`pgo archive`)', ExitCode.Usage);
  }
  const components = ctx.project.components.map((c) => c.name);
  // Check every entry before writing anything: a bad archive restores nothing.
  const refused = entries.map((e) => entryProblem(e.name, e.type, components)).filter((p): p is string => p !== undefined);
  if (refused.length > 0) {
    throw new PgoError(`refusing to restore ${archive}: ${refused.slice(0, 5).join('; ')}${refused.length > 5 ? ` (and ${refused.length - 5} more)` : ''}`, 'restore only archives made by "PGO: Archive Profiles"', ExitCode.Usage);
  }
  const lock = ctx.layout.lock(`pgo restore ${archive}`);
  try {
    const written: string[] = [];
    for (const e of entries.filter((x) => x.type === 'file')) {
      const [component = '', file = ''] = e.name.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
      const target = path.join(ctx.layout.componentDir(component), file);
      if (!isStrictlyInside(target, ctx.layout.root)) throw new PgoError(`refusing to write ${target}: outside ${ctx.layout.root}`, 'fix artifactDir in pgo.yaml', ExitCode.Usage);
      writeFileAtomic(target, e.data);
      written.push(target);
    }
    return written;
  } finally {
    lock.release();
  }
}
