import { ExitCode, PgoError } from '../errors';
import { loadProject, type Project, type ProjectOverrides } from '../config/resolve-project';
import { readCargoVersion, readRustcInfo, type RustcInfo } from '../toolchain/rustc-info';
import { rustToolPath } from '../util/rust-tools';
import { discoverLlvmProfdata, type ProfdataCandidate } from '../toolchain/llvm-profdata-discovery';
import { profdataCheck } from '../toolchain/doctor';
import { ArtifactLayout } from './artifact-layout';
import { resolveCargoRustflags, type CargoRustflags } from '../workspace/cargo-config-rustflags';
import { silentReporter, type Reporter } from './reporter';

/**
 * Everything a command needs about one workspace. Creating it runs only `cargo metadata --no-deps`
 * (which needs cargo, not rustc); the tools are looked up on first use and remembered here, so
 * clean, archive and restore work without rustc, and a long-lived holder (the extension) pays for
 * `rustc -vV` once.
 */
export interface EngineContext {
  project: Project;
  layout: ArtifactLayout;
  reporter: Reporter;
  signal?: AbortSignal;
  /** Filled by requireRustc: instrument, workload, merge and optimize need it. */
  rustc?: RustcInfo;
  cargoVersion?: string;
  /** Filled by requireRustc: the flags cargo itself would use (config files, RUSTFLAGS…). */
  cargoRustflags?: CargoRustflags;
  /** Filled by requireProfdata: instrument and workload do not need it. */
  profdata?: ProfdataCandidate;
}

/** A context whose rustc and the user's own rustflags have been read: what the build phases take. */
export type BuildContext = EngineContext & { rustc: RustcInfo; cargoRustflags: CargoRustflags };

export async function createEngineContext(
  dir: string,
  opts: { overrides?: ProjectOverrides; reporter?: Reporter; signal?: AbortSignal } = {},
): Promise<EngineContext> {
  return engineContextOf(await loadProject(dir, opts.overrides), opts);
}

/** The context of an already loaded project (the extension loads it in its worker process). */
export function engineContextOf(project: Project, opts: { reporter?: Reporter; signal?: AbortSignal } = {}): EngineContext {
  return {
    project,
    layout: new ArtifactLayout(project.artifactRoot, project.workspace.root),
    reporter: opts.reporter ?? silentReporter,
    signal: opts.signal,
  };
}

// One lookup per context even when commands overlap (the extension's cached context).
const pendingToolchain = new WeakMap<EngineContext, Promise<BuildContext>>();

/** `rustc -vV` and `cargo --version` (informational: cargo metadata already ran) for a workspace. */
export async function readToolchain(root: string): Promise<{ rustc: RustcInfo; cargoVersion?: string }> {
  // One after the other: each start of a process holds the caller's thread for a moment.
  const rustc = await readRustcInfo(rustToolPath('rustc'), root);
  const cargoVersion = await readCargoVersion(rustToolPath('cargo'), root).catch(() => undefined);
  return { rustc, cargoVersion };
}

/** The llvm-profdata that matches rustc's LLVM, or a clear error naming the mismatched ones and the fix. */
export async function findMatchedProfdata(rustc: RustcInfo, explicitPath: string | undefined): Promise<ProfdataCandidate> {
  const found = await discoverLlvmProfdata(rustc, { explicitPath });
  if (!found.chosen) {
    const check = profdataCheck(found, rustc);
    throw new PgoError(check.message, check.fix, ExitCode.Prerequisites, check.details?.join('\n'), 'profdata-mismatch');
  }
  return found.chosen;
}

/**
 * Read rustc (and cargo's version) once per context, and the rustflags cargo would take from the
 * environment and the config files of the workspace root (where the builds run).
 */
export async function requireRustc(ctx: EngineContext): Promise<BuildContext> {
  const withFlags = (rustc: RustcInfo): BuildContext => {
    ctx.cargoRustflags ??= resolveCargoRustflags({ cwd: ctx.project.workspace.root, host: rustc.host, rustcCfg: rustc.cfg });
    return ctx as BuildContext;
  };
  if (ctx.rustc) return withFlags(ctx.rustc);
  let pending = pendingToolchain.get(ctx);
  if (!pending) {
    pending = readToolchain(ctx.project.workspace.root).then(({ rustc, cargoVersion }) => {
      ctx.rustc = rustc;
      ctx.cargoVersion = cargoVersion;
      return withFlags(rustc);
    });
    pendingToolchain.set(ctx, pending);
    // A failure is not remembered: installing rustc and retrying must work without a reload.
    pending.catch(() => pendingToolchain.delete(ctx));
  }
  return pending;
}

/** The matched llvm-profdata, found once per context. */
export async function requireProfdata(ctx: EngineContext): Promise<ProfdataCandidate> {
  if (ctx.profdata) return ctx.profdata;
  const { rustc } = await requireRustc(ctx);
  ctx.profdata = await findMatchedProfdata(rustc, ctx.project.llvmProfdataPath);
  return ctx.profdata;
}
