import * as fs from 'node:fs';
import * as path from 'node:path';
import { ExitCode, PgoError } from '../errors';
import { createTarGz, readTarGz, type TarEntry } from '../util/tar-gz';
import { isStrictlyInside } from '../util/safe-path';
import { writeFileAtomic } from '../util/atomic-write';
import type { EngineContext } from './engine-context';
import { RunLock } from './run-lock';

/**
 * Profile retention (the seed's "Profile Data Retention"): keep the merged profiles, their metadata
 * and source indexes in a dated .tar.gz, and restore them later. Restoring trusts nothing in the
 * archive: only plain files named `<component>/<component>.profdata[.json|.index.json]` for the
 * project's own components are accepted, and they are written only inside the artifact directory.
 */
const SUFFIXES = ['.profdata', '.profdata.json', '.profdata.index.json'] as const;


export function defaultArchiveName(now = new Date()): string {
  return `pgo-profiles-${now.toISOString().slice(0, 10)}.tar.gz`;
}

export function archiveProfiles(ctx: EngineContext, output?: string): { file: string; entries: string[] } {
  const entries: TarEntry[] = [];
  for (const c of ctx.project.components) {
    for (const f of ctx.layout.profileFiles(c.name)) {
      if (!fs.existsSync(f)) continue;
      const st = fs.statSync(f);
      entries.push({ name: `${c.name}/${path.basename(f)}`, type: 'file', data: fs.readFileSync(f), mtime: st.mtime });
    }
  }
  if (entries.length === 0) {
    throw new PgoError('there is no profile to archive', 'run the pipeline first (`pgo pipeline`)', ExitCode.PhaseFailed);
  }
  const file = path.resolve(ctx.project.workspace.root, output ?? defaultArchiveName());
  writeFileAtomic(file, createTarGz(entries));
  return { file, entries: entries.map((e) => e.name) };
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
  ctx.layout.ensureRoot();
  const lock = RunLock.acquire(ctx.layout.lockFile, `pgo restore ${archive}`);
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
