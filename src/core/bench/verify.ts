import * as fs from 'node:fs';
import * as path from 'node:path';
import { ExitCode, PgoError } from '../errors';
import type { ResolvedComponent } from '../config/resolve-project';
import { sharedBuildEnv, sharedRustflags } from '../pipeline/build-invocation';
import { requireRustc, type EngineContext } from '../pipeline/engine-context';
import { rustToolPath } from '../util/rust-tools';
import { readMetadata } from '../pipeline/profile-metadata';
import { writeFileAtomic } from '../util/atomic-write';
import { runStreaming } from '../util/process';

/** `<artifact root>/<component>/verify.json` (BENCH-CONTRACT.md): read by the report's checklist. */
export interface VerifyRecord {
  ok: boolean;
  at: string;
  command: string[];
  /** sha256 of the .profdata the verified build used. */
  profile?: string;
}

export function verifyRecordFile(ctx: EngineContext, component: string): string {
  return path.join(ctx.layout.componentDir(component), 'verify.json');
}

/**
 * `pgo verify`: the component's tests (`cargo test` for its packages) built with the PGO build's
 * settings and profile, as cargo-pgo's `optimize test` does: a miscompile or undefined behaviour
 * that PGO's different inlining and layout expose shows up here before the binary ships.
 * Its own target dir: the test builds must not evict the optimized build's artifacts.
 */
export async function verifyComponent(engine: EngineContext, component: ResolvedComponent): Promise<VerifyRecord> {
  const ctx = await requireRustc(engine);
  const profdata = ctx.layout.profdata(component.name);
  const meta = readMetadata(ctx.layout.metadata(component.name));
  if (!fs.existsSync(profdata) || !meta) {
    throw new PgoError(`component "${component.name}" has no merged profile to verify with`, `run the pipeline first (\`pgo pipeline ${component.name}\`)`, ExitCode.PhaseFailed);
  }
  const b = ctx.project.build;
  const targetDir = path.join(ctx.layout.componentDir(component.name), 'verify');
  fs.mkdirSync(targetDir, { recursive: true });
  // A content-named copy, as the optimize phase does: a new profile must really rebuild.
  const copy = path.join(targetDir, `profile-${meta.sha256.slice(0, 16)}.profdata`);
  for (const f of fs.readdirSync(targetDir)) if (/^profile-.*\.profdata$/.test(f) && path.join(targetDir, f) !== copy) fs.rmSync(path.join(targetDir, f));
  if (!fs.existsSync(copy)) fs.copyFileSync(profdata, copy);
  // Without -pgo-warn-missing-function: test builds have other symbol hashes, so thousands of
  // functions legitimately have no profile record here.
  const env = sharedBuildEnv(ctx.project, targetDir, ctx.rustc.host, [...sharedRustflags(ctx.project, ctx.cargoRustflags.flags), `-Cprofile-use=${copy}`]);
  const args = ['test', '--profile', b.profile, '--target', ctx.rustc.host];
  for (const p of component.packages) args.push('-p', p);
  if (b.features.length > 0) args.push('--features', b.features.join(','));
  if (b.allFeatures) args.push('--all-features');
  if (b.noDefaultFeatures) args.push('--no-default-features');
  ctx.reporter.info(`cargo ${args.join(' ')} (with -Cprofile-use=${copy} and the build: settings)`);
  const r = await runStreaming(rustToolPath('cargo'), args, {
    cwd: ctx.project.workspace.root,
    env,
    signal: ctx.signal,
    onLine: (line, stream) => ctx.reporter.output(line, stream),
  });
  const record: VerifyRecord = { ok: r.exitCode === 0, at: new Date().toISOString(), command: ['cargo', ...args], profile: meta.sha256 };
  writeFileAtomic(verifyRecordFile(ctx, component.name), `${JSON.stringify(record, null, 2)}\n`);
  if (!record.ok) {
    throw new PgoError(
      `the tests of "${component.name}" failed when built with the PGO profile and settings (cargo exited with ${r.exitCode ?? r.signal})`,
      'run `cargo test --release` without PGO: if it passes, the PGO build exposes undefined behaviour or a miscompile; do not ship the PGO binary until it is understood',
      ExitCode.PhaseFailed,
    );
  }
  return record;
}
