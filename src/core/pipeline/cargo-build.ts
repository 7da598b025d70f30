import { ExitCode, PgoError } from '../errors';
import { runStreaming } from '../util/process';
import { rustToolPath } from '../util/rust-tools';
import type { BuildInvocation } from './build-invocation';
import { classifyBuildFailure } from './build-failure';
import { parsePgoWarning, type PgoWarning } from './pgo-warnings';
import type { Reporter } from './reporter';

export interface BuiltExecutable {
  /** The bin target's name. */
  target: string;
  path: string;
}

export interface CargoBuildResult {
  executables: BuiltExecutable[];
  pgoWarnings: PgoWarning[];
}

interface CargoMessage {
  reason?: string;
  target?: { name?: string; kind?: string[] };
  executable?: string | null;
  message?: { rendered?: string; message?: string; level?: string };
  success?: boolean;
}

/**
 * Run `cargo build --message-format=json`, streaming human-readable diagnostics (the `$rustc`
 * problem matcher reads them) and collecting the executables and rustc's PGO warnings.
 * PGO warnings are counted, not printed one by one: a big crate has thousands.
 */
export async function runCargoBuild(
  inv: BuildInvocation,
  cwd: string,
  reporter: Reporter,
  signal: AbortSignal | undefined,
  what: string,
): Promise<CargoBuildResult> {
  const executables: BuiltExecutable[] = [];
  const pgoWarnings: PgoWarning[] = [];
  let finished: boolean | undefined;
  // What cargo and rustc said, for naming a known cause when the build fails (bounded: a failing
  // build of a big workspace can print a lot).
  const said: string[] = [];
  const keep = (line: string): void => {
    if (said.length < 5000) said.push(line);
  };
  const result = await runStreaming(rustToolPath('cargo'), inv.args, {
    cwd,
    env: inv.env,
    signal,
    onLine: (line, stream) => {
      if (stream === 'stderr' || !line.startsWith('{')) {
        keep(line);
        reporter.output(line, stream);
        return;
      }
      let msg: CargoMessage;
      try {
        msg = JSON.parse(line) as CargoMessage;
      } catch {
        reporter.output(line, stream);
        return;
      }
      if (msg.reason === 'compiler-message' && msg.message) {
        const w = msg.message.level === 'warning' && msg.message.message ? parsePgoWarning(msg.message.message) : undefined;
        if (w) pgoWarnings.push(w);
        else if (msg.message.rendered) {
          for (const l of msg.message.rendered.trimEnd().split('\n')) {
            keep(l);
            reporter.output(l, 'stdout');
          }
        }
      } else if (msg.reason === 'compiler-artifact' && msg.executable) {
        executables.push({ target: msg.target?.name ?? '', path: msg.executable });
      } else if (msg.reason === 'build-finished') {
        finished = msg.success;
      }
    },
  });
  if (result.exitCode !== 0 || finished === false) {
    const known = classifyBuildFailure(said);
    if (known) throw new PgoError(`${what} failed: ${known.cause}`, known.fix, ExitCode.PhaseFailed, undefined, 'build-failed');
    throw new PgoError(
      `${what} failed (cargo exited with ${result.exitCode ?? result.signal})`,
      'fix the compiler errors shown above; `cargo build --release` reproduces them without PGO',
    );
  }
  return { executables, pgoWarnings };
}
