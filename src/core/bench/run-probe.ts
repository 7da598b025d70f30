import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExitCode, PgoError } from '../errors';
import { runStreaming } from '../util/process';
import { rustToolPath } from '../util/rust-tools';
import type { BenchRun } from './bench-results';

/**
 * The run probe: a small std-only Rust program (probe/pgo-probe.rs) that runs one round's
 * schedule and measures each command with wait4(2): wall time, user+system CPU time, peak RSS.
 * Node cannot read a child's rusage, and spawning each run from Node would add Node's own spawn
 * cost (a few ms) to every sample. Compiled once per rustc version with the user's own `rustc -O`.
 * Windows: the probe measures wall time only.
 */
const PROBE_SOURCE = 'pgo-probe.rs';

/** The probe's source: beside the bundle (dist/), or in the source tree (tests run from out/). */
export function probeSourcePath(): string {
  const candidates = [path.join(__dirname, PROBE_SOURCE)];
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    candidates.push(path.join(dir, 'src', 'core', 'bench', 'probe', PROBE_SOURCE));
    if (path.dirname(dir) === dir) break;
  }
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new PgoError(`the run probe's source (${PROBE_SOURCE}) is missing from this installation`, 'reinstall Rust PGO', ExitCode.Prerequisites);
  return found;
}

/** Compile the probe into `dir` unless a probe of the same source and rustc is there. */
export async function ensureProbe(dir: string, rustcVersionLine: string, signal?: AbortSignal): Promise<string> {
  const source = probeSourcePath();
  const key = createHash('sha256').update(fs.readFileSync(source)).update(rustcVersionLine).digest('hex').slice(0, 12);
  const exe = path.join(dir, `pgo-probe-${key}${process.platform === 'win32' ? '.exe' : ''}`);
  if (fs.existsSync(exe)) return exe;
  fs.mkdirSync(dir, { recursive: true });
  const tmp = `${exe}.tmp-${process.pid}`;
  const stderr: string[] = [];
  const r = await runStreaming(rustToolPath('rustc'), ['-O', '--edition', '2021', '--crate-name', 'pgo_probe', '-o', tmp, source], {
    signal,
    // The user's RUSTFLAGS are for their crate, not for the probe.
    env: { RUSTFLAGS: undefined, CARGO_ENCODED_RUSTFLAGS: undefined },
    onLine: (l, s) => {
      if (s === 'stderr') stderr.push(l);
    },
  });
  if (r.exitCode !== 0) {
    fs.rmSync(tmp, { force: true });
    throw new PgoError(`could not compile the run probe with rustc: ${stderr.slice(-10).join('\n')}`, 'check that `rustc -O` works on this machine', ExitCode.Prerequisites);
  }
  fs.renameSync(tmp, exe);
  // Probes of older rustc versions only take space.
  for (const f of fs.readdirSync(dir)) if (/^pgo-probe-/.test(f) && path.join(dir, f) !== exe) fs.rmSync(path.join(dir, f), { force: true });
  return exe;
}

export interface ProbeJob {
  id: string;
  argv: string[];
  /** Capture stdout into this file (for the output check); undefined = discard, as hyperfine does. */
  stdoutFile?: string;
  stderrFile?: string;
}

export interface ProbeResult extends BenchRun {
  id: string;
  /** `exit:N`, `signal:N` or `spawn-error:…`. */
  status: string;
}

const escapeField = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n');

export function scheduleText(jobs: readonly ProbeJob[]): string {
  return jobs.map((j) => [j.id, j.stdoutFile ?? '', j.stderrFile ?? '', ...j.argv].map(escapeField).join('\t')).join('\n') + '\n';
}

export function parseProbeLine(line: string): ProbeResult | undefined {
  const [id, status, wallNs, cpuUs, rssKb] = line.split('\t');
  if (id === undefined || status === undefined || wallNs === undefined) return undefined;
  const num = (s: string | undefined): number | undefined => (s === undefined || s === '-' || s === '' ? undefined : Number(s));
  const cpu = num(cpuUs);
  return { id, status, wallMs: Number(wallNs) / 1e6, cpuMs: cpu === undefined ? undefined : cpu / 1000, maxRssKb: num(rssKb) };
}

/** Run a schedule through the probe: the jobs run one after another, nothing else in between. */
export async function runProbe(
  probe: string,
  jobs: readonly ProbeJob[],
  opts: { cwd: string; env: Record<string, string | undefined>; workDir: string; signal?: AbortSignal },
): Promise<ProbeResult[]> {
  fs.mkdirSync(opts.workDir, { recursive: true });
  const schedule = path.join(opts.workDir, `schedule-${process.pid}.txt`);
  fs.writeFileSync(schedule, scheduleText(jobs));
  const results: ProbeResult[] = [];
  const stderr: string[] = [];
  const r = await runStreaming(probe, [schedule], {
    cwd: opts.cwd,
    env: opts.env,
    signal: opts.signal,
    onLine: (line, stream) => {
      if (stream === 'stderr') stderr.push(line);
      else {
        const p = parseProbeLine(line);
        if (p) results.push(p);
      }
    },
  });
  fs.rmSync(schedule, { force: true });
  if (r.exitCode !== 0 || results.length !== jobs.length) {
    throw new PgoError(`the run probe failed (${r.exitCode ?? r.signal}): ${stderr.slice(-5).join('\n')}`, `run it by hand: ${probe} <schedule>; or report it`);
  }
  return results;
}

export function probeDir(artifactRoot: string): string {
  return path.join(artifactRoot, 'bench', 'probe');
}

export const cpuCount = (): number => os.cpus().length;
