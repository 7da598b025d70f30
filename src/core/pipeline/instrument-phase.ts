import * as fs from 'node:fs';
import * as path from 'node:path';
import { ExitCode, PgoError } from '../errors';
import type { ResolvedComponent } from '../config/resolve-project';
import { writeFileAtomic } from '../util/atomic-write';
import { cargoBuildInvocation, type BuildInvocation } from './build-invocation';
import { runCargoBuild, type BuiltExecutable } from './cargo-build';
import type { EngineContext } from './engine-context';

/** Written after a successful instrumented build; the later phases read it. */
export interface InstrumentStamp {
  fingerprint: string;
  createdAt: string;
  binaries: BuiltExecutable[];
  rustflags: string[];
}

export function instrumentInvocation(ctx: EngineContext, component: ResolvedComponent): BuildInvocation {
  return cargoBuildInvocation(
    ctx.project,
    component,
    // Stray runs of the instrumented binaries (outside a workload) land here, not in the CWD.
    { kind: 'instrument', rawDir: path.join(ctx.layout.rawRoot(component.name), 'stray') },
    { host: ctx.rustc.host, targetDir: ctx.layout.instrumentedTargetDir(component.name), rustcVersion: ctx.rustc.version },
  );
}

export async function instrumentPhase(ctx: EngineContext, component: ResolvedComponent): Promise<InstrumentStamp> {
  const inv = instrumentInvocation(ctx, component);
  const stampFile = ctx.layout.instrumentStamp(component.name);
  fs.mkdirSync(ctx.layout.instrumentedTargetDir(component.name), { recursive: true });
  // A half-finished build must not look finished to the workload phase.
  fs.rmSync(stampFile, { force: true });
  ctx.reporter.info(`cargo ${inv.args.join(' ')}`);
  ctx.reporter.info(`rustflags: ${(inv.env.CARGO_ENCODED_RUSTFLAGS ?? '').split('\x1f').join(' ')}`);
  const built = await runCargoBuild(inv, ctx.project.workspace.root, ctx.reporter, ctx.signal, 'the instrumented build');
  const binaries = built.executables.filter((e) => component.bins.some((b) => b.name === e.target));
  const stamp: InstrumentStamp = { fingerprint: inv.fingerprint, createdAt: new Date().toISOString(), binaries, rustflags: inv.sharedRustflags };
  writeFileAtomic(stampFile, JSON.stringify(stamp, null, 2));
  return stamp;
}

export function readInstrumentStamp(ctx: EngineContext, component: ResolvedComponent): InstrumentStamp {
  const file = ctx.layout.instrumentStamp(component.name);
  let stamp: InstrumentStamp;
  try {
    stamp = JSON.parse(fs.readFileSync(file, 'utf8')) as InstrumentStamp;
  } catch {
    throw new PgoError(
      `component "${component.name}" has no instrumented build yet`,
      `run the instrument phase first (\`pgo instrument ${component.name}\`), or the whole pipeline`,
      ExitCode.PhaseFailed,
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
