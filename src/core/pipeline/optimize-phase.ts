import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ExitCode, PgoError } from '../errors';
import type { ResolvedComponent } from '../config/resolve-project';
import { readProfile } from '../profile/read-profile';
import { instrumentedFunctionNames } from '../profile/elf-prf-names';
import { sourceHash } from '../workspace/source-state';
import type { CargoWorkspace } from '../workspace/cargo-workspace';
import { computeApplied, rejectedSymbols, usableShare } from './applied-profile';
import { cargoBuildInvocation, invocationOptions } from './build-invocation';
import { runCargoBuild } from './cargo-build';
import { requireProfdata, type BuildContext } from './engine-context';
import { readMetadata, writeMetadata, type AppliedFigures, type ProfileMetadata } from './profile-metadata';
import { findInstrumentStamp } from './instrument-phase';
import { writeFileAtomic } from '../util/atomic-write';

/** Below this share of usable counts the user is warned that the workload trains the wrong code. */
export const LOW_USABLE_SHARE = 0.5;

export interface OptimizeResult {
  binaries: { name: string; path: string }[];
  applied: AppliedFigures;
  meta: ProfileMetadata;
}

export function workspaceCrates(ws: CargoWorkspace): Set<string> {
  const crates = new Set<string>();
  for (const p of ws.packages) {
    crates.add(p.name.replace(/-/g, '_'));
    for (const t of p.targets) crates.add(t.name.replace(/-/g, '_'));
  }
  return crates;
}

export async function optimizePhase(ctx: BuildContext, component: ResolvedComponent): Promise<OptimizeResult> {
  const llvm = await requireProfdata(ctx);
  const profdata = ctx.layout.profdata(component.name);
  const meta = readMetadata(ctx.layout.metadata(component.name));
  if (!fs.existsSync(profdata) || !meta) {
    throw new PgoError(`component "${component.name}" has no merged profile yet`, `run the pipeline (\`pgo pipeline ${component.name}\`) or the merge phase`);
  }
  const bytes = fs.readFileSync(profdata);
  const sha = createHash('sha256').update(bytes).digest('hex');
  const targetDir = ctx.layout.optimizedTargetDir(component.name);
  // A content-named copy: a new profile changes the flags, so cargo really rebuilds
  // (the same path with new content would be taken as up to date).
  const profileCopy = path.join(targetDir, `profile-${sha.slice(0, 16)}.profdata`);
  const inv = cargoBuildInvocation(ctx.project, component, { kind: 'optimize', profdata: profileCopy }, invocationOptions(ctx, targetDir));
  if (inv.fingerprint !== meta.buildFingerprint) {
    throw new PgoError(
      `the build settings changed since this profile was recorded (cargo profile, features, rustflags, LTO, debug or the toolchain); ` +
        'with different settings the symbol names differ and the profile would silently not apply',
      `run the whole pipeline again (\`pgo pipeline ${component.name}\`), or restore the settings the profile was made with`,
      ExitCode.ProfileNotApplied,
    );
  }
  if (meta.sha256 !== sha) ctx.reporter.warn(`${profdata} does not match its metadata (changed by hand?); figures may be off`);
  if (meta.sourceHash !== sourceHash(ctx.project.workspace)) {
    ctx.reporter.warn('the sources changed since the profile was recorded: changed functions will not use it (run the pipeline again to refresh it)');
  }
  fs.mkdirSync(targetDir, { recursive: true });
  for (const f of fs.readdirSync(targetDir)) if (/^profile-.*\.profdata$/.test(f) && path.join(targetDir, f) !== profileCopy) fs.rmSync(path.join(targetDir, f));
  // Whole or absent: a copy cut short by a crash would be taken as the profile next time.
  if (!fs.existsSync(profileCopy)) writeFileAtomic(profileCopy, bytes);

  ctx.reporter.info(`cargo ${inv.args.join(' ')}`);
  const built = await runCargoBuild(inv, ctx.project.workspace.root, ctx.reporter, ctx.signal, 'the optimized build');
  const binaries = built.executables
    .filter((e) => component.bins.some((b) => b.name === e.target))
    .map((e) => ({ name: e.target, path: e.path }));

  const profile = await readProfile(llvm.path, profdata, { signal: ctx.signal });
  const stamp = findInstrumentStamp(ctx, component.name);
  // The function lists are a bonus: a binary we cannot read leaves "applied" unknown, not the phase failed.
  const instrumented = (stamp?.binaries ?? []).flatMap((b) => {
    try {
      return fs.existsSync(b.path) ? (instrumentedFunctionNames(b.path) ?? []) : [];
    } catch (e) {
      ctx.reporter.warn(`could not read the function list of ${b.path}: ${(e as Error).message}`);
      return [];
    }
  });
  const shipped = new Set(instrumented);
  const rejected = rejectedSymbols(built.pgoWarnings);
  const result = computeApplied({
    instrumented,
    profile: profile.functions,
    warnings: built.pgoWarnings,
    workspaceCrates: workspaceCrates(ctx.project.workspace),
  });
  const perWorkload: AppliedFigures['perWorkload'] = [];
  for (const c of meta.workload.commands) {
    const file = path.join(ctx.layout.rawRoot(component.name), meta.workload.runId, c.name, 'command.profdata');
    if (!fs.existsSync(file)) continue;
    const p = await readProfile(llvm.path, file, { signal: ctx.signal });
    perWorkload.push({ name: c.name, usableShare: usableShare(p.functions, shipped, rejected), totalCount: p.summary.totalCount });
  }
  const applied: AppliedFigures = { ...result, perWorkload, measuredAt: new Date().toISOString(), optimizedBinaries: binaries.map((b) => b.path) };
  const updated: ProfileMetadata = { ...meta, applied };
  writeMetadata(ctx.layout.metadata(component.name), updated);

  if (instrumented.length === 0) {
    ctx.reporter.warn('could not read the instrumented binaries\' function list (not ELF, or the instrumented build is gone): the "applied" figure is unknown');
  } else if (result.applied === 0) {
    throw new PgoError(
      `the optimized build used none of the profile (0 of ${result.instrumented} instrumented functions): ${likelyCause(updated)}`,
      `run the whole pipeline again with \`pgo pipeline ${component.name}\`, with a workload that runs the shipped binaries ({bin:NAME} in pgo.yaml)`,
      ExitCode.ProfileNotApplied,
    );
  } else if (result.usableShare < LOW_USABLE_SHARE) {
    const weak = perWorkload.filter((w) => w.usableShare < LOW_USABLE_SHARE).map((w) => `"${w.name}" (${(w.usableShare * 100).toFixed(0)}% usable)`);
    ctx.reporter.warn(
      `only ${(result.usableShare * 100).toFixed(0)}% of the profile's counts can apply to the shipped binaries; ` +
        `${weak.length > 0 ? `workload ${weak.join(', ')} mostly profiled code that does not ship (unit-test builds have other symbol names)` : 'the rest was recorded in other builds'}. ` +
        'Run the shipped binaries (or integration tests and benches) in the workload instead.',
    );
  }
  return { binaries, applied, meta: updated };
}

function likelyCause(meta: ProfileMetadata): string {
  const onlyTests = meta.workload.commands.every((c) => c.command.includes('test'));
  if (onlyTests) return 'the workload ran only test binaries, whose symbols (hashes) differ from the shipped binaries\', so no record matches';
  if (meta.applied && meta.applied.mismatched > 0) return 'the sources changed since the profile was recorded (hash mismatches)';
  return 'the profile was recorded from a build with other settings or sources, so no symbol name matches';
}
