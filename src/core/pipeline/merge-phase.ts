import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CancelledError, ExitCode, PgoError } from '../errors';
import type { ResolvedComponent } from '../config/resolve-project';
import { runStreaming } from '../util/process';
import { removeStaleTemps, syncDir, syncFile, tempPathFor } from '../util/atomic-write';
import { readProfile } from '../profile/read-profile';
import { hottestFunctions } from '../profile/hot-functions';
import { ThresholdBuilder } from '../profile/hotness';
import type { ProfileFunction } from '../profile/profile-model';
import { buildSourceIndex, type SourceIndex } from '../profile/source-index';
import { lookupSourceLocations } from '../profile/source-locations';
import { rustSrcLibrary } from '../toolchain/rust-src';
import { mangledOf } from './applied-profile';
import { gitState, sourceHash } from '../workspace/source-state';
import { requireProfdata, type BuildContext } from './engine-context';
import { readInstrumentStamp } from './instrument-phase';
import { latestCompleteRun, rawFilesIn } from './workload-phase';
import type { AddedFigures, ProfileMetadata } from './profile-metadata';
import { instrumentedFunctionNames } from '../profile/elf-prf-names';
import { workspaceCrates } from './optimize-phase';
import { judgeProfile, type ProfileQuality } from './profile-quality';
import type { InstrumentStamp } from './instrument-phase';
import { keepPreviousProfile } from './previous-profile';

/** What `llvm-profdata merge` says when it is older than the profiles (the version trap). */
const VERSION_TRAP = /unsupported instrumentation profile format version|raw profile version mismatch|Unsupported version/i;

/** `warning: <file>.profraw: <reason>`: a raw profile llvm-profdata could not read. */
export function unreadableRawFiles(stderr: readonly string[]): { file: string; reason: string }[] {
  return stderr
    .map((l) => /^warning: (.+?\.profraw): (.+)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ file: m[1] ?? '', reason: m[2] ?? '' }));
}

/**
 * Merge raw profiles into `output`. With `skipCorrupt`, unreadable inputs are left out
 * (`--failure-mode=all`) and returned, so the caller can say which were dropped.
 */
async function mergeFiles(
  ctx: BuildContext,
  llvmProfdata: string,
  inputs: string[],
  output: string,
  listFile: string,
  opts: { component: string; skipCorrupt?: boolean; weighted?: readonly { file: string; weight: number }[] },
): Promise<{ file: string; reason: string }[]> {
  // An input list file, not argv: a workload of many processes can exceed the argument limit.
  fs.writeFileSync(listFile, `${inputs.join('\n')}\n`);
  const stderr: string[] = [];
  const weighted = (opts.weighted ?? []).map((w) => `--weighted-input=${w.weight},${w.file}`);
  const listArg = inputs.length > 0 ? [`--input-files=${listFile}`] : [];
  const result = await runStreaming(llvmProfdata, ['merge', ...(opts.skipCorrupt ? ['--failure-mode=all'] : []), ...listArg, ...weighted, '-o', output], {
    signal: ctx.signal,
    onLine: (line, stream) => {
      if (stream === 'stderr') stderr.push(line);
      ctx.reporter.output(line, stream);
    },
  });
  fs.rmSync(listFile, { force: true });
  const text = stderr.slice(-40).join('\n');
  if (VERSION_TRAP.test(text)) {
    throw new PgoError(
      `${llvmProfdata} cannot read these profiles: its LLVM is not rustc's LLVM ${ctx.rustc.llvmMajor}`,
      'run `pgo doctor` and install the matching llvm-profdata it names',
      ExitCode.Prerequisites,
      text,
      'profdata-mismatch',
    );
  }
  const unreadable = unreadableRawFiles(stderr);
  if (result.exitCode === 0) return unreadable;
  if (/No space left on device|ENOSPC/i.test(text)) {
    throw new PgoError(`the disk filled up while merging into ${output}`, 'free disk space and run the merge again; the previous profile is unchanged', ExitCode.PhaseFailed, text, 'disk-full');
  }
  if (unreadable.length > 0) {
    throw new PgoError(
      `${unreadable.length} raw profile(s) cannot be read: ${unreadable.map((u) => `${u.file} (${u.reason})`).join('; ')}`,
      `merge without them: \`pgo merge ${opts.component} --skip-corrupt\` (VS Code offers "Merge Without Them"), or delete them`,
      ExitCode.PhaseFailed,
      text,
      'corrupt-profraw',
    );
  }
  throw new PgoError(`llvm-profdata merge failed: ${text || `exit code ${result.exitCode ?? result.signal}`}`, 'check the raw profiles named above; a corrupt one can be deleted', ExitCode.PhaseFailed);
}

function emptyIndex(sha256: string, message: string, fix: string): SourceIndex {
  return {
    schema: 1,
    profileSha256: sha256,
    totalCount: 0,
    thresholds: { hot: 0, warm: 0, totalCount: 0 },
    files: {},
    external: 0,
    unmapped: 0,
    mapping: { method: 'none', problem: { message, fix } },
  };
}

/** Hot/warm thresholds and the functions' source lines, computed once per profile. */
async function buildIndex(ctx: BuildContext, functions: ProfileFunction[], binaries: string[], llvmBinDir: string, sha256: string): Promise<SourceIndex> {
  const thresholds = new ThresholdBuilder();
  for (const f of functions) for (const c of f.blockCounts ?? []) thresholds.add(c);
  const lookup = await lookupSourceLocations({
    binaries,
    llvmBinDir,
    toolSearch: { rustc: ctx.rustc },
    mangledNames: new Set(functions.map((f) => mangledOf(f.name))),
    signal: ctx.signal,
  });
  return buildSourceIndex({
    functions,
    locations: lookup.locations,
    mangledOf,
    workspaceRoot: ctx.project.workspace.root,
    targetDirectory: ctx.project.workspace.targetDirectory,
    thresholds: thresholds.thresholds(ctx.project.hotness),
    cutoffs: ctx.project.hotness,
    profileSha256: sha256,
    mapping: { method: lookup.method, problem: lookup.problem },
    members: ctx.project.workspace.packages.map((p) => ({ name: p.name, root: p.root, crates: p.targets.map((t) => t.name.replace(/-/g, '_')) })),
    rustSrcLibrary: rustSrcLibrary(ctx.rustc.sysroot),
  });
}

/** An added profile of which fewer of its functions match the instrumented build is named as foreign. */
export const FOREIGN_MATCH_SHARE = 0.5;

/** `merge --add PATH [--weight N]`: profiles from elsewhere (production, other machines, CI jobs). */
export interface AddedProfile {
  path: string;
  weight: number;
}

/** A .profraw/.profdata file, or a folder of them (not searched below its top level). */
function expandAdded(a: AddedProfile): AddedProfile & { files: string[] } {
  const abs = path.resolve(a.path);
  const isProfile = (f: string): boolean => /\.(profraw|profdata)$/.test(f);
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch {
    throw new PgoError(`--add ${a.path}: no such file or folder`, 'give a .profraw or .profdata file, or a folder of them', ExitCode.Usage);
  }
  if (st.isDirectory()) {
    const files = fs.readdirSync(abs).filter(isProfile).sort().map((f) => path.join(abs, f));
    if (files.length === 0) throw new PgoError(`--add ${a.path}: the folder holds no .profraw or .profdata file`, 'point --add at the folder the raw profiles were copied to', ExitCode.Usage);
    return { ...a, path: abs, files };
  }
  if (!isProfile(abs)) throw new PgoError(`--add ${a.path}: not a .profraw or .profdata file`, 'give a .profraw or .profdata file, or a folder of them', ExitCode.Usage);
  return { ...a, path: abs, files: [abs] };
}

async function checkAdded(
  ctx: BuildContext,
  llvmProfdata: string,
  a: AddedProfile & { files: string[] },
  shipped: readonly string[] | undefined,
  scratch: string,
  mergeOpts: { component: string; skipCorrupt?: boolean },
): Promise<AddedFigures> {
  try {
    await mergeFiles(ctx, llvmProfdata, a.files, scratch, `${scratch}.inputs`, mergeOpts);
    const p = await readProfile(llvmProfdata, scratch, { signal: ctx.signal });
    const names = new Set(shipped ?? []);
    const matched = shipped ? p.functions.filter((f) => names.has(f.name)).length : undefined;
    const figures: AddedFigures = { path: a.path, weight: a.weight, files: a.files.length, functions: p.functions.length, matched, totalCount: p.summary.totalCount };
    const what = `added ${a.path} (${a.files.length} file(s), weight ${a.weight})`;
    if (matched === undefined) ctx.reporter.info(`${what}: ${p.functions.length} functions (the instrumented binaries' function lists cannot be read here, so they were not checked)`);
    // Std's shared symbols can match across unrelated builds: a profile of this build matches
    // nearly all of its records, one of another build few or none.
    else if (matched < FOREIGN_MATCH_SHARE * p.functions.length) {
      ctx.reporter.warn(
        `${what} is from another build: ${matched === 0 ? 'none' : `only ${matched}`} of its ${p.functions.length} functions match the instrumented build of "${mergeOpts.component}" ` +
          '(other sources, build settings or toolchain), so its counts mostly cannot apply. Record it from the same commit with the same pgo.yaml build settings',
      );
    } else ctx.reporter.info(`${what}: ${matched} of its ${p.functions.length} functions match the instrumented build`);
    return figures;
  } finally {
    fs.rmSync(scratch, { force: true });
  }
}

/** The function lists of the instrumented shipped binaries, or undefined when one cannot be read (not ELF). */
function shippedFunctionNames(ctx: BuildContext, stamp: InstrumentStamp): string[] | undefined {
  const names: string[] = [];
  for (const b of stamp.binaries) {
    try {
      const list = instrumentedFunctionNames(b.path);
      if (!list) return undefined;
      names.push(...list);
    } catch (e) {
      ctx.reporter.warn(`could not read the function list of ${b.path}: ${(e as Error).message}`);
      return undefined;
    }
  }
  return stamp.binaries.length > 0 ? names : undefined;
}

function unusableProfile(component: ResolvedComponent, stamp: InstrumentStamp, q: ProfileQuality): PgoError {
  const bins = stamp.binaries.map((b) => b.target);
  const binList = bins.join(', ') || component.name;
  const example = bins[0] ?? 'NAME';
  const what = component.usesDefaultWorkload ? 'the default workload (cargo test --release)' : `the workload (${component.workloads.map((w) => `"${w.name}"`).join(', ')})`;
  return new PgoError(
    `${what} ran ${q.measured && q.workspaceFunctionsRun === 0 ? 'no code' : 'almost no code'} of ${binList}: ${q.reasons.join('; ')}. ` +
      'A build with this profile would not be optimized, so none was made; the last good profile is unchanged',
    `add a workload that runs the binary, in pgo.yaml under components.${component.name}.workloads: ` +
      `\`- { name: run, command: ["{bin:${example}}", ARGS…] }\` (or a script: \`["bash", "scripts/pgo-workload.sh"]\`), then \`pgo pipeline ${component.name}\`; ` +
      `\`pgo init ${component.name} --bin ${example} -- ARGS…\` writes it for you (in VS Code: PGO: Create Workload)`,
    ExitCode.ProfileUnusable,
    undefined,
    'profile-unusable',
  );
}

/** "source index: 40 workspace functions in 6 files, 145 in dependencies and std (builtin-dwarf:decl-line)". */
function indexSummary(index: SourceIndex): string {
  const all = Object.values(index.files).flat();
  const own = all.filter((h) => h.origin === 'workspace').length;
  const files = new Set(Object.entries(index.files).filter(([, hs]) => hs.some((h) => h.origin === 'workspace')).map(([f]) => f)).size;
  return `source index: ${own} workspace functions in ${files} files, ${all.length - own} in dependencies and std (${index.mapping.method})`;
}

/**
 * Merge the newest complete workload run into `<component>.profdata`. The new profile is written
 * under a temporary name and renamed over the old one only when it is whole, with its metadata,
 * so a failure at any point leaves the last good profile as it was.
 */
export async function mergePhase(ctx: BuildContext, component: ResolvedComponent, opts: { skipCorrupt?: boolean; added?: readonly AddedProfile[] } = {}): Promise<ProfileMetadata> {
  const llvm = await requireProfdata(ctx);
  const addedSpecs = opts.added ?? [];
  const run = latestCompleteRun(ctx.layout.rawRoot(component.name));
  if (!run && addedSpecs.length === 0) {
    throw new PgoError(
      `component "${component.name}" has no completed workload run to merge`,
      `run the workload first (\`pgo workload ${component.name}\`), or merge profiles from elsewhere (\`pgo merge ${component.name} --add DIR\`)`,
    );
  }
  const added = addedSpecs.map(expandAdded);
  const stamp = readInstrumentStamp(ctx, component);
  if (run && run.fingerprint !== undefined && run.fingerprint !== stamp.fingerprint) {
    throw new PgoError(
      `the newest workload run (${run.runId}) was recorded with an older instrumented build of "${component.name}"`,
      `run the workload again (\`pgo workload ${component.name}\`), or the whole pipeline`,
    );
  }
  const target = ctx.layout.profdata(component.name);
  removeStaleTemps(path.dirname(target));
  const tmp = tempPathFor(target);
  const tmpMeta = tempPathFor(ctx.layout.metadata(component.name));
  const tmpIndex = tempPathFor(ctx.layout.sourceIndex(component.name));
  try {
    const all = run ? run.commands.flatMap((c) => rawFilesIn(c.rawDir)) : [];
    if (run && all.length === 0) throw new PgoError(`the workload run ${run.runId} has no .profraw files left`, `run the workload again`);
    if (run) ctx.reporter.info(`merging ${all.length} raw profile(s) from run ${run.runId}`);
    const mergeOpts = { component: component.name, skipCorrupt: opts.skipCorrupt };
    const shippedNames = shippedFunctionNames(ctx, stamp);
    // Each added input is checked against the instrumented build on its own, so one from another
    // build is named instead of silently adding nothing.
    const addedFigures: AddedFigures[] = [];
    for (const [i, a] of added.entries()) {
      addedFigures.push(await checkAdded(ctx, llvm.path, a, shippedNames, `${tmp}.added-${i}`, mergeOpts));
    }
    const weighted = added.flatMap((a) => a.files.map((file) => ({ file, weight: a.weight })));
    const dropped = await mergeFiles(ctx, llvm.path, all, tmp, `${tmp}.inputs`, { ...mergeOpts, weighted });
    for (const d of dropped) ctx.reporter.warn(`left out ${d.file}: ${d.reason}`);
    // Per-command profiles let the optimize phase tell which command produced unusable counts.
    for (const c of run?.commands ?? []) {
      await mergeFiles(ctx, llvm.path, rawFilesIn(c.rawDir), path.join(c.rawDir, 'command.profdata'), path.join(c.rawDir, 'inputs.txt'), mergeOpts);
    }
    const data = await readProfile(llvm.path, tmp, { signal: ctx.signal, keepBlockCounts: true });
    // Judged before anything is replaced: an unusable profile must neither be built with nor
    // overwrite the last good one.
    const quality = judgeProfile({ instrumented: shippedNames, profile: data.functions, workspaceCrates: workspaceCrates(ctx.project.workspace) });
    if (quality.verdict === 'unusable') throw unusableProfile(component, stamp, quality);
    const bytes = fs.readFileSync(tmp);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const ws = ctx.project.workspace;
    // Lines and function hashes are read from today's sources: only valid if they are the ones the
    // instrumented build was made from.
    const recordedFrom = run?.sourceHash ?? stamp.sourceHash;
    const sourcesNow = sourceHash(ws);
    const index =
      recordedFrom === sourcesNow
        ? await buildIndex(ctx, data.functions, stamp.binaries.map((b) => b.path), path.dirname(llvm.path), sha256)
        : emptyIndex(sha256, 'the sources changed since the instrumented build, so the profile cannot be placed on today\'s lines', 'run the whole pipeline again to see the profile in the editor');
    fs.writeFileSync(tmpIndex, JSON.stringify(index));
    const meta: ProfileMetadata = {
      schema: 1,
      component: component.name,
      createdAt: new Date().toISOString(),
      profdata: target,
      sizeBytes: bytes.length,
      sha256,
      functions: data.functions.length,
      totalCount: data.summary.totalCount,
      maxBlockCount: data.functions.reduce((m, f) => Math.max(m, f.max), 0),
      hottest: hottestFunctions(data.functions, 10),
      workload: {
        size: run?.size,
        runId: run?.runId ?? '',
        commands: (run?.commands ?? []).map((c) => ({ name: c.name, command: c.command, durationMs: c.durationMs, rawFiles: c.rawFiles })),
      },
      ...(addedFigures.length > 0 ? { added: addedFigures } : {}),
      toolchain: { rustc: ctx.rustc.versionLine, llvm: ctx.rustc.llvmVersion, host: ctx.rustc.host, cargo: ctx.cargoVersion },
      llvmProfdata: { path: llvm.path, version: llvm.version ?? '' },
      git: await gitState(ws.root),
      sourceHash: recordedFrom,
      buildFingerprint: run?.fingerprint ?? stamp.fingerprint,
      buildSettings: {
        profile: ctx.project.build.profile,
        rustflags: stamp.rustflags,
        rustflagSources: stamp.rustflagSources,
        lto: ctx.project.build.lto,
        codegenUnits: ctx.project.build.codegenUnits,
        debug: ctx.project.build.debug,
      },
      quality,
    };
    if (ctx.signal?.aborted) throw new CancelledError('merge');
    fs.writeFileSync(tmpMeta, `${JSON.stringify(meta, null, 2)}\n`);
    // All three on disk before any rename: a crash must not leave an empty profile in place.
    for (const f of [tmp, tmpIndex, tmpMeta]) syncFile(f);
    // The profile being replaced is kept as previous/ first (for PGO: Compare Profiles).
    keepPreviousProfile(ctx.layout, component.name, sha256);
    // The profile first, then its metadata: a crash between leaves a newer profile with older
    // metadata, which the sha256 in the metadata exposes as stale.
    fs.renameSync(tmp, target);
    fs.renameSync(tmpIndex, ctx.layout.sourceIndex(component.name));
    fs.renameSync(tmpMeta, ctx.layout.metadata(component.name));
    syncDir(path.dirname(target));
    if (quality.verdict === 'thin') ctx.reporter.warn(`thin profile: ${quality.reasons.join('; ')}. It helps only the code it saw: make the workload run more of the binaries' work`);
    if (index.mapping.problem) ctx.reporter.warn(`${index.mapping.problem.message} — fix: ${index.mapping.problem.fix}`);
    else ctx.reporter.info(indexSummary(index));
    if (index.std?.problem) ctx.reporter.info(`${index.std.problem.message} — fix: ${index.std.problem.fix}`);
    return meta;
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    fs.rmSync(tmpMeta, { force: true });
    fs.rmSync(tmpIndex, { force: true });
    throw e;
  }
}
