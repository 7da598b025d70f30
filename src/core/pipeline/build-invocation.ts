import { createHash } from 'node:crypto';
import type { Project, ResolvedComponent } from '../config/resolve-project';
import { rustToolPath } from '../util/rust-tools';
import type { BuildContext } from './engine-context';

/**
 * The cargo command line and environment for the instrumented and the optimized build. Both come
 * from this one function, so they differ only in the profile flag: PGO matches functions by
 * symbol name, and any other difference in cargo profile settings changes the symbol hashes and
 * silently voids the profile (README, "The silent trap").
 */
export type BuildMode =
  | { kind: 'instrument'; rawDir: string }
  | { kind: 'optimize'; profdata: string }
  /** No profile flag: the variants `pgo bench` compares against (release, lto). */
  | { kind: 'plain' };

export interface BuildInvocation {
  args: string[];
  env: Record<string, string | undefined>;
  /** A hash of every setting that must be equal on both sides (the profile flag excluded). */
  fingerprint: string;
  /** The flags shared by both builds, for display. */
  sharedRustflags: string[];
}

export interface InvocationOptions {
  host: string;
  targetDir: string;
  rustcVersion: string;
  /** The flags cargo itself would use (config files, RUSTFLAGS…: cargo-config-rustflags.ts). */
  cargoRustflags: readonly string[];
}

/** The options of a build for this context, into `targetDir`. */
export function invocationOptions(ctx: BuildContext, targetDir: string): InvocationOptions {
  return { host: ctx.rustc.host, targetDir, rustcVersion: ctx.rustc.version, cargoRustflags: ctx.cargoRustflags.flags };
}

export function profileEnvName(profile: string): string {
  return profile.toUpperCase().replace(/-/g, '_');
}

/** Environment shared by the builds and by `cargo` workload commands. */
export function sharedBuildEnv(project: Project, targetDir: string, host: string, rustflags: string[]): Record<string, string | undefined> {
  const p = `CARGO_PROFILE_${profileEnvName(project.build.profile)}_`;
  const b = project.build;
  const env: Record<string, string | undefined> = {
    CARGO_TARGET_DIR: targetDir,
    // --target <host> keeps build scripts and proc macros uninstrumented; workload `cargo test`
    // commands get the same through this variable.
    CARGO_BUILD_TARGET: host,
    // One variable that beats RUSTFLAGS and the config files' rustflags: the flags those set are
    // resolved by the engine and are part of this list.
    CARGO_ENCODED_RUSTFLAGS: rustflags.join('\x1f'),
    RUSTFLAGS: undefined,
    CARGO_TERM_COLOR: 'never',
    // The rustc whose version the engine checked (and matched llvm-profdata against) is the one
    // that compiles, even when only rustup's bin folder has it and cargo came from PATH.
    RUSTC: rustToolPath('rustc'),
  };
  if (b.lto !== undefined) env[`${p}LTO`] = b.lto;
  if (b.codegenUnits !== undefined) env[`${p}CODEGEN_UNITS`] = String(b.codegenUnits);
  if (b.debug !== undefined) env[`${p}DEBUG`] = b.debug;
  return env;
}

/** The user's cargo flags first, then pgo.yaml's: a later flag overrides an earlier one in rustc. */
export function sharedRustflags(project: Project, cargoRustflags: readonly string[]): string[] {
  return [
    ...cargoRustflags,
    ...project.build.rustflags,
    ...project.build.llvmArgs.map((a) => `-Cllvm-args=${a}`),
  ];
}

export function modeRustflags(mode: BuildMode): string[] {
  if (mode.kind === 'plain') return [];
  return mode.kind === 'instrument'
    ? [`-Cprofile-generate=${mode.rawDir}`]
    : [`-Cprofile-use=${mode.profdata}`, '-Cllvm-args=-pgo-warn-missing-function'];
}

export function cargoBuildInvocation(
  project: Project,
  component: ResolvedComponent,
  mode: BuildMode,
  opts: InvocationOptions,
): BuildInvocation {
  const b = project.build;
  const shared = sharedRustflags(project, opts.cargoRustflags);
  const args = ['build', '--profile', b.profile, '--target', opts.host, '--message-format=json'];
  for (const pkg of component.packages) args.push('-p', pkg);
  for (const bin of component.bins) args.push('--bin', bin.name);
  if (b.features.length > 0) args.push('--features', b.features.join(','));
  if (b.allFeatures) args.push('--all-features');
  if (b.noDefaultFeatures) args.push('--no-default-features');
  const env = sharedBuildEnv(project, opts.targetDir, opts.host, [...shared, ...modeRustflags(mode)]);
  const fingerprint = createHash('sha256')
    .update(
      JSON.stringify({
        rustc: opts.rustcVersion,
        host: opts.host,
        profile: b.profile,
        features: [b.features, b.allFeatures, b.noDefaultFeatures],
        shared,
        lto: b.lto ?? null,
        cgu: b.codegenUnits ?? null,
        debug: b.debug ?? null,
        packages: component.packages,
        bins: component.bins,
      }),
    )
    .digest('hex')
    .slice(0, 16);
  return { args, env, fingerprint, sharedRustflags: shared };
}
