import { ExitCode, PgoError } from '../errors';
import { loadProject, type Project, type ProjectOverrides } from '../config/resolve-project';
import { readCargoVersion, readRustcInfo, type RustcInfo } from '../toolchain/rustc-info';
import { rustToolPath } from '../toolchain/rust-tools';
import { discoverLlvmProfdata, type ProfdataCandidate } from '../toolchain/llvm-profdata-discovery';
import { profdataCheck } from '../toolchain/doctor';
import { ArtifactLayout } from './artifact-layout';
import { silentReporter, type Reporter } from './reporter';

/** Everything a phase needs, resolved once per run. */
export interface EngineContext {
  project: Project;
  layout: ArtifactLayout;
  rustc: RustcInfo;
  cargoVersion?: string;
  reporter: Reporter;
  signal?: AbortSignal;
  /** Resolved lazily: instrument and workload do not need it. */
  profdata?: ProfdataCandidate;
}

export async function createEngineContext(
  dir: string,
  opts: { overrides?: ProjectOverrides; reporter?: Reporter; signal?: AbortSignal } = {},
): Promise<EngineContext> {
  const project = await loadProject(dir, opts.overrides);
  const rustc = await readRustcInfo(rustToolPath('rustc'), project.workspace.root);
  let cargoVersion: string | undefined;
  try {
    cargoVersion = await readCargoVersion(rustToolPath('cargo'), project.workspace.root);
  } catch {
    /* loadProject already ran cargo; the version is informational */
  }
  return {
    project,
    layout: new ArtifactLayout(project.artifactRoot),
    rustc,
    cargoVersion,
    reporter: opts.reporter ?? silentReporter,
    signal: opts.signal,
  };
}

/** The matched llvm-profdata, or a clear error naming the mismatched ones and the fix. */
export async function requireProfdata(ctx: EngineContext): Promise<ProfdataCandidate> {
  if (ctx.profdata) return ctx.profdata;
  const found = await discoverLlvmProfdata(ctx.rustc, { explicitPath: ctx.project.llvmProfdataPath });
  if (!found.chosen) {
    const check = profdataCheck(found, ctx.rustc);
    throw new PgoError(check.message, check.fix, ExitCode.Prerequisites, check.details?.join('\n'), 'profdata-mismatch');
  }
  ctx.profdata = found.chosen;
  return found.chosen;
}
