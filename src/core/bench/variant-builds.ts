import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ResolvedComponent } from '../config/resolve-project';
import { variantBuildSettings, type VariantSpec } from '../config/bench-config';
import type { BuildSettings } from '../config/config-schema';
import { ArtifactLayout } from '../pipeline/artifact-layout';
import { cargoBuildInvocation, invocationOptions } from '../pipeline/build-invocation';
import { runCargoBuild } from '../pipeline/cargo-build';
import { requireProfdata, type BuildContext } from '../pipeline/engine-context';
import { findInstrumentStamp, instrumentInvocation } from '../pipeline/instrument-phase';
import { readMetadata } from '../pipeline/profile-metadata';
import { runPhase, type ComponentOutcome } from '../pipeline/run-pipeline';
import type { PhaseName } from '../pipeline/reporter';
import { writeFileAtomic } from '../util/atomic-write';
import { readJson } from '../util/read-json';
import { buildSourceHash, sourceHash, sourcesBeforeBuild } from '../workspace/source-state';
import { VariantLayout } from './variant-layout';
import { boltPhase, boltTools, type BoltOutcome } from '../bolt/bolt-phase';

/** A variant, built (or found fresh) and ready to run. */
export interface BuiltVariant {
  spec: VariantSpec;
  settings: BuildSettings;
  /** The phases' context for this variant: its own settings and artifact layout. */
  ctx: BuildContext;
  /** Bin target name → executable. */
  binaries: Map<string, string>;
  reused: boolean;
  /** Wall time of everything rebuilt for it (for PGO variants: instrument + workload + merge + optimize). */
  buildSeconds?: number;
  applied?: { applied: number; instrumented: number };
  /** PGO variants: the training profile and the instrumented binaries it was recorded with. */
  profdata?: string;
  instrumented?: Map<string, string>;
  /** BOLT variants: the build BOLT started from (bin target → executable), and what it did. */
  boltInput?: Map<string, string>;
  bolt?: BoltOutcome;
}

/** Written into a plain variant's target dir after a build: the next run reuses it when it matches. */
interface PlainBuildStamp {
  fingerprint: string;
  sourceHash: string;
  binaries: string[];
  buildSeconds: number;
}

const PLAIN_STAMP = 'pgo-bench-build.json';

/**
 * The engine context of one variant. A variant whose settings equal `build:` uses the pipeline's
 * own layout, so `pgo bench`'s `pgo` variant IS the pipeline's profile and optimized build.
 */
export function variantContext(ctx: BuildContext, spec: VariantSpec, component: ResolvedComponent): { ctx: BuildContext; settings: BuildSettings } {
  const settings = variantBuildSettings(ctx.project.build, spec);
  const project = { ...ctx.project, build: settings };
  const opts = invocationOptions(ctx, '');
  const same =
    cargoBuildInvocation(project, component, { kind: 'plain' }, opts).fingerprint === cargoBuildInvocation(ctx.project, component, { kind: 'plain' }, opts).fingerprint;
  const layout = spec.pgo && same ? ctx.layout : new VariantLayout(ctx.layout.root, spec.name);
  return { ctx: { ...ctx, project, layout }, settings };
}

function binaryPaths(vctx: BuildContext, component: ResolvedComponent, targetDir: string): Map<string, string> {
  const dir = ArtifactLayout.binDir(targetDir, vctx.rustc.host, vctx.project.build.profile);
  const exe = process.platform === 'win32' ? '.exe' : '';
  return new Map(component.bins.map((b) => [b.name, path.join(dir, `${b.name}${exe}`)]));
}

const allExist = (m: Map<string, string>): boolean => [...m.values()].every((p) => fs.existsSync(p));

async function buildPlain(vctx: BuildContext, spec: VariantSpec, settings: BuildSettings, component: ResolvedComponent, sources: string): Promise<BuiltVariant> {
  const layout = vctx.layout instanceof VariantLayout ? vctx.layout : new VariantLayout(vctx.layout.root, spec.name);
  const targetDir = layout.plainTargetDir(component.name);
  const inv = cargoBuildInvocation(vctx.project, component, { kind: 'plain' }, invocationOptions(vctx, targetDir));
  const binaries = binaryPaths(vctx, component, targetDir);
  const stampFile = path.join(targetDir, PLAIN_STAMP);
  const stamp = readJson<PlainBuildStamp>(stampFile);
  if (stamp && stamp.fingerprint === inv.fingerprint && stamp.sourceHash === sources && allExist(binaries)) {
    vctx.reporter.info(`variant ${spec.name}: reusing the build in ${targetDir} (same settings and sources)`);
    return { spec, settings, ctx: vctx, binaries, reused: true };
  }
  fs.rmSync(stampFile, { force: true });
  vctx.reporter.info(`variant ${spec.name}: cargo ${inv.args.join(' ')}`);
  const started = Date.now();
  // The first build writes Cargo.lock: stamp the sources cargo compiled (source-state.ts).
  const before = sourcesBeforeBuild(vctx.project.workspace);
  await runCargoBuild(inv, vctx.project.workspace.root, vctx.reporter, vctx.signal, `the ${spec.name} build`);
  const buildSeconds = (Date.now() - started) / 1000;
  const built = buildSourceHash(vctx.project.workspace, before);
  writeFileAtomic(stampFile, JSON.stringify({ fingerprint: inv.fingerprint, sourceHash: built, binaries: [...binaries.values()], buildSeconds } satisfies PlainBuildStamp, null, 2));
  return { spec, settings, ctx: vctx, binaries, reused: false, buildSeconds };
}

/**
 * A PGO variant: instrument → workload → merge with the variant's own settings, then the
 * optimized build, through the pipeline's phase functions. Each step is skipped when its result
 * is still fresh (same settings fingerprint and same sources).
 */
async function buildPgo(vctx: BuildContext, spec: VariantSpec, settings: BuildSettings, component: ResolvedComponent, sources: string): Promise<BuiltVariant> {
  const layout = vctx.layout;
  const fingerprint = instrumentInvocation(vctx, component).fingerprint;
  const outcome: ComponentOutcome = { component: component.name, timings: [] };
  const run = (phase: PhaseName): Promise<void> => runPhase(vctx, phase, component, undefined, outcome);
  let meta = readMetadata(layout.metadata(component.name));
  const profileFresh = meta !== undefined && meta.buildFingerprint === fingerprint && meta.sourceHash === sources && fs.existsSync(layout.profdata(component.name));
  if (!profileFresh) {
    const stamp = findInstrumentStamp(vctx, component.name);
    const instrumentedFresh = stamp !== undefined && stamp.fingerprint === fingerprint && stamp.sourceHash === sources && stamp.binaries.every((b) => fs.existsSync(b.path));
    if (!instrumentedFresh) await run('instrument');
    else vctx.reporter.info(`variant ${spec.name}: reusing the instrumented build (same settings and sources)`);
    await run('workload');
    await run('merge');
    meta = readMetadata(layout.metadata(component.name));
  } else {
    vctx.reporter.info(`variant ${spec.name}: reusing the profile ${layout.profdata(component.name)} (same settings and sources)`);
  }
  const binaries = binaryPaths(vctx, component, layout.optimizedTargetDir(component.name));
  const a = meta?.applied;
  const optimizedFresh = profileFresh && a !== undefined && meta !== undefined && a.measuredAt >= meta.createdAt && allExist(binaries);
  if (!optimizedFresh) await run('optimize');
  else vctx.reporter.info(`variant ${spec.name}: reusing the optimized build (built with this profile)`);
  meta = readMetadata(layout.metadata(component.name));
  const stamp = findInstrumentStamp(vctx, component.name);
  const spent = outcome.timings.reduce((s, t) => s + t.durationMs, 0);
  return {
    spec,
    settings,
    ctx: vctx,
    binaries,
    reused: outcome.timings.length === 0,
    buildSeconds: outcome.timings.length > 0 ? spent / 1000 : undefined,
    applied: meta?.applied ? { applied: meta.applied.applied, instrumented: meta.applied.instrumented } : undefined,
    profdata: layout.profdata(component.name),
    instrumented: stamp ? new Map(stamp.binaries.map((b) => [b.target, b.path])) : undefined,
  };
}

/** Build (or reuse) every variant of a component, one after another. */
export async function buildVariants(ctx: BuildContext, component: ResolvedComponent, variants: readonly VariantSpec[], size?: number): Promise<BuiltVariant[]> {
  const sources = sourceHash(ctx.project.workspace);
  // Found once here, so the variants' contexts (copies of this one) share it.
  if (variants.some((v) => v.pgo)) await requireProfdata(ctx);
  // Before any build: a missing llvm-bolt is known now, not after the other variants' builds.
  if (variants.some((v) => v.bolt)) await boltTools(ctx);
  const out: BuiltVariant[] = [];
  for (const spec of variants) {
    const { ctx: vctx, settings } = variantContext(ctx, spec, component);
    ctx.reporter.info(`variant ${spec.name}${spec.pgo ? ' (PGO)' : ''}${spec.bolt ? ' (BOLT)' : ''}: ${describeSettings(ctx.project.build, settings) || 'the build: settings as they are'}`);
    const built = spec.pgo ? await buildPgo(vctx, spec, settings, component, sources) : await buildPlain(vctx, spec, settings, component, sources);
    out.push(spec.bolt ? await boltVariant(built, component, size) : built);
  }
  return out;
}

/** BOLT on a variant's build (linked with --emit-relocs): its binaries become the BOLT-optimized ones. */
async function boltVariant(built: BuiltVariant, component: ResolvedComponent, size: number | undefined): Promise<BuiltVariant> {
  const dir = path.join(built.ctx.layout.componentDir(component.name), 'bolt');
  const bolt = await boltPhase(built.ctx, component, built.binaries, dir, { size });
  return {
    ...built,
    boltInput: built.binaries,
    binaries: bolt.binaries,
    bolt,
    reused: built.reused && bolt.reused,
    buildSeconds: built.buildSeconds !== undefined || !bolt.reused ? (built.buildSeconds ?? 0) + bolt.seconds : undefined,
  };
}

/** The settings that differ from `build:`, for the results file and the progress lines. */
export function settingsDiff(base: BuildSettings, settings: BuildSettings): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(settings) as (keyof BuildSettings)[]) {
    if (JSON.stringify(base[k]) !== JSON.stringify(settings[k])) out[k] = settings[k];
  }
  return out;
}

function describeSettings(base: BuildSettings, settings: BuildSettings): string {
  return Object.entries(settingsDiff(base, settings))
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(' ') : String(v)}`)
    .join(', ');
}
