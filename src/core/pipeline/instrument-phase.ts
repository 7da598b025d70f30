import * as fs from 'node:fs';
import * as path from 'node:path';
import { ExitCode, PgoError } from '../errors';
import type { ResolvedComponent } from '../config/resolve-project';
import { writeFileAtomic } from '../util/atomic-write';
import { ensureWritableDir } from '../util/writable-dir';
import { buildSourceHash, sourcesBeforeBuild } from '../workspace/source-state';
import { rustflagsWarnings, type RustflagsSource } from '../workspace/cargo-config-rustflags';
import { cargoBuildInvocation, invocationOptions, type BuildInvocation } from './build-invocation';
import { runCargoBuild, type BuiltExecutable } from './cargo-build';
import type { BuildContext, EngineContext } from './engine-context';
import { readJson } from '../util/read-json';

/** Written after a successful instrumented build; the later phases read it. */
export interface InstrumentStamp {
  fingerprint: string;
  createdAt: string;
  binaries: BuiltExecutable[];
  rustflags: string[];
  /** Where the shared flags came from (cargo config files, RUSTFLAGS, pgo.yaml). */
  rustflagSources?: RustflagsSource[];
  /** The sources this build was made from: a profile is only as current as they are. */
  sourceHash: string;
}

export function instrumentInvocation(ctx: BuildContext, component: ResolvedComponent): BuildInvocation {
  return cargoBuildInvocation(
    ctx.project,
    component,
    // Stray runs of the instrumented binaries (outside a workload) land here, not in the CWD.
    { kind: 'instrument', rawDir: path.join(ctx.layout.rawRoot(component.name), 'stray') },
    invocationOptions(ctx, ctx.layout.instrumentedTargetDir(component.name)),
  );
}

/** Every shared flag of the builds with where it came from: the user's cargo sources, then pgo.yaml. */
export function rustflagSources(ctx: BuildContext): RustflagsSource[] {
  const b = ctx.project.build;
  const own: RustflagsSource[] = [];
  if (b.rustflags.length > 0) own.push({ origin: 'build.rustflags in pgo.yaml (and --rustflag)', flags: b.rustflags });
  if (b.llvmArgs.length > 0) own.push({ origin: 'build.llvmArgs in pgo.yaml', flags: b.llvmArgs.map((a) => `-Cllvm-args=${a}`) });
  return [...ctx.cargoRustflags.sources, ...own];
}

export async function instrumentPhase(ctx: BuildContext, component: ResolvedComponent): Promise<InstrumentStamp> {
  const inv = instrumentInvocation(ctx, component);
  const stampFile = ctx.layout.instrumentStamp(component.name);
  ensureWritableDir(ctx.layout.instrumentedTargetDir(component.name));
  const sourcesBefore = sourcesBeforeBuild(ctx.project.workspace);
  // A half-finished build must not look finished to the workload phase.
  fs.rmSync(stampFile, { force: true });
  for (const w of rustflagsWarnings(ctx.cargoRustflags)) ctx.reporter.warn(w);
  const sources = rustflagSources(ctx);
  for (const s of ctx.cargoRustflags.sources) ctx.reporter.info(`rustflags from ${s.origin}: ${s.flags.join(' ')}`);
  ctx.reporter.info(`cargo ${inv.args.join(' ')}`);
  ctx.reporter.info(`rustflags: ${(inv.env.CARGO_ENCODED_RUSTFLAGS ?? '').split('\x1f').join(' ')}`);
  const built = await runCargoBuild(inv, ctx.project.workspace.root, ctx.reporter, ctx.signal, 'the instrumented build');
  const binaries = built.executables.filter((e) => component.bins.some((b) => b.name === e.target));
  const stamp: InstrumentStamp = { fingerprint: inv.fingerprint, createdAt: new Date().toISOString(), binaries, rustflags: inv.sharedRustflags, rustflagSources: sources, sourceHash: buildSourceHash(ctx.project.workspace, sourcesBefore) };
  writeFileAtomic(stampFile, JSON.stringify(stamp, null, 2));
  return stamp;
}

/** The stamp of the last instrumented build, or undefined when there is none. */
export function findInstrumentStamp(ctx: EngineContext, component: string): InstrumentStamp | undefined {
  return readJson<InstrumentStamp>(ctx.layout.instrumentStamp(component));
}

/** The stamp, checked: it exists, its binaries exist, and it matches today's build settings. */
export function readInstrumentStamp(ctx: BuildContext, component: ResolvedComponent): InstrumentStamp {
  const stamp = findInstrumentStamp(ctx, component.name);
  if (!stamp) {
    throw new PgoError(
      `component "${component.name}" has no instrumented build yet`,
      `run the instrument phase first (\`pgo instrument ${component.name}\`), or the whole pipeline`,
      ExitCode.PhaseFailed,
    );
  }
  if (stamp.fingerprint !== instrumentInvocation(ctx, component).fingerprint) {
    throw new PgoError(
      `the build settings changed since the instrumented build of "${component.name}" (pgo.yaml build section, rustflags or toolchain)`,
      `run \`pgo instrument ${component.name}\` again, or the whole pipeline`,
    );
  }
  const missing = stamp.binaries.filter((b) => !fs.existsSync(b.path));
  if (missing.length > 0) {
    throw new PgoError(
      `the instrumented binaries of "${component.name}" are gone (${missing.map((b) => b.path).join(', ')})`,
      `run \`pgo instrument ${component.name}\` again`,
    );
  }
  return stamp;
}
