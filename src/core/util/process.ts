import execa from 'execa';
import * as readline from 'node:readline';
import { CancelledError, PgoError } from '../errors';

/**
 * The one place the engine starts processes. Always an argument array (execa, no shell), so a path
 * or crate name with shell metacharacters passes through literally.
 */
export interface RunOptions {
  cwd?: string;
  /** Added to (not replacing) the parent environment; `undefined` values remove a variable. */
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Called for every line of output as it arrives (for streaming to a terminal). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** The clock for the time-out and the SIGKILL escalation; tests pass their own to see the timers. */
  timers?: Timers;
}

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** How long a stopped child gets between SIGTERM and SIGKILL. */
export const KILL_GRACE_MS = 3000;

export interface RunResult {
  exitCode: number | undefined;
  signal: string | undefined;
  timedOut: boolean;
  /** The last lines of stderr, for error messages. */
  stderrTail: string[];
}

const TAIL_LINES = 40;

/**
 * Variables that belong to the editor's own process, not to the user's tools. Inherited by cargo or a
 * workload they do harm: ELECTRON_RUN_AS_NODE turns any Electron app the workload starts into a
 * plain Node, and VS Code's VSCODE_* (IPC handles, NLS config, the extension host's PID) would make a
 * child that is itself a VS Code or a Node tool talk to our editor.
 */
export function isEditorVariable(name: string): boolean {
  const upper = name.toUpperCase(); // Windows variable names are case-insensitive
  return upper === 'ELECTRON_RUN_AS_NODE' || upper.startsWith('VSCODE_');
}

/** The one place children get their environment: the parent's, less the editor's, plus `extra`. */
export function mergedEnv(extra: RunOptions['env'], parent: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(parent)) if (!isEditorVariable(k)) env[k] = v;
  for (const [k, v] of Object.entries(extra ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Kill the whole process group: cargo's rustc children and a workload's helpers must die too. */
function killTree(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

/** Children of a run that is still going, so a CLI's SIGINT/SIGTERM handler can stop them all. */
const live = new Set<number>();
export function killAllChildren(signal: NodeJS.Signals = 'SIGTERM'): void {
  for (const pid of live) killTree(pid, signal);
}

/** Run a command, streaming its lines; resolves with how it ended (never rejects on exit codes). */
export async function runStreaming(file: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  if (opts.signal?.aborted) throw new CancelledError(`${file}`);
  let child: execa.ExecaChildProcess;
  try {
    child = execa(file, [...args], {
      cwd: opts.cwd,
      env: mergedEnv(opts.env),
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
      buffer: false,
      detached: true,
      windowsHide: true,
    });
  } catch (e) {
    throw spawnError(file, e);
  }
  const pid = child.pid;
  if (pid !== undefined) live.add(pid);
  const tail: string[] = [];
  const pump = (stream: NodeJS.ReadableStream | null, name: 'stdout' | 'stderr'): Promise<void> => {
    if (!stream) return Promise.resolve();
    const rl = readline.createInterface({ input: stream, crlfDelay: Infinity });
    rl.on('line', (line) => {
      if (name === 'stderr') {
        tail.push(line);
        if (tail.length > TAIL_LINES) tail.shift();
      }
      opts.onLine?.(line, name);
    });
    return new Promise((resolve) => rl.once('close', () => resolve()));
  };
  let timedOut = false;
  let cancelled = false;
  const timers = opts.timers ?? realTimers;
  // SIGTERM first, SIGKILL if it is still there after the grace period.
  let escalation: unknown;
  let exited = false;
  const stop = (): void => {
    if (exited) return; // its pid may already belong to another process
    killTree(pid, 'SIGTERM');
    escalation ??= timers.set(() => {
      escalation = undefined;
      killTree(pid, 'SIGKILL');
    }, KILL_GRACE_MS);
  };
  child.once('exit', () => {
    exited = true;
    if (pid !== undefined) live.delete(pid); // nor may killAllChildren hit a reused pid
    if (escalation === undefined) return;
    // Its pid is free from now on and may be reused: the timer must not fire at a stranger.
    timers.clear(escalation);
    escalation = undefined;
    // Helpers in its process group that ignored SIGTERM would keep its pipes open: they go now,
    // through the group id, which the system does not hand out again while a member lives.
    try {
      if (pid !== undefined) process.kill(-pid, 'SIGKILL');
    } catch {
      /* the group is gone too (or Windows, which has no process groups) */
    }
  });
  const onAbort = (): void => {
    cancelled = true;
    stop();
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const timer =
    opts.timeoutMs !== undefined
      ? timers.set(() => {
          timedOut = true;
          stop();
        }, opts.timeoutMs)
      : undefined;
  try {
    const [result] = await Promise.all([child, pump(child.stdout, 'stdout'), pump(child.stderr, 'stderr')]);
    const spawnFailure = (result as { code?: unknown }).code;
    if (typeof spawnFailure === 'string' && result.exitCode === undefined) {
      throw spawnError(file, result);
    }
    if (cancelled) throw new CancelledError(`${file}`);
    return { exitCode: result.exitCode, signal: result.signal, timedOut, stderrTail: tail };
  } finally {
    if (timer !== undefined) timers.clear(timer);
    if (escalation !== undefined) timers.clear(escalation);
    opts.signal?.removeEventListener('abort', onAbort);
    if (pid !== undefined) live.delete(pid);
  }
}

/** Run a short command and return its stdout; a non-zero exit becomes a PgoError with stderr. */
export async function capture(
  file: string,
  args: readonly string[],
  opts: { cwd?: string; env?: RunOptions['env']; timeoutMs?: number } = {},
): Promise<string> {
  let result: execa.ExecaReturnValue;
  // Our own timer, not execa's `timeout`: execa 5 leaves that one running when the command does not
  // exist, which kept a failed CLI alive for the whole timeout.
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  try {
    const child = execa(file, [...args], {
      cwd: opts.cwd,
      env: mergedEnv(opts.env),
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
      maxBuffer: 256 * 1024 * 1024,
    });
    timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
    }, opts.timeoutMs ?? 60_000);
    result = await child;
  } catch (e) {
    throw spawnError(file, e);
  } finally {
    clearTimeout(timer);
  }
  if (timedOut) {
    throw new PgoError(`\`${[file, ...args].join(' ')}\` did not finish within ${Math.round((opts.timeoutMs ?? 60_000) / 1000)}s`, 'check whether another cargo holds the build lock, then retry');
  }
  if (result.exitCode === undefined || (result as { code?: unknown }).code === 'ENOENT') throw spawnError(file, result);
  if (result.exitCode !== 0) {
    throw new PgoError(
      `\`${[file, ...args].join(' ')}\` exited with ${result.exitCode}${result.stderr ? `: ${lastLines(result.stderr, 8)}` : ''}`,
      undefined,
    );
  }
  return result.stdout;
}

function lastLines(text: string, n: number): string {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}

function spawnError(file: string, e: unknown): PgoError {
  const code = (e as { code?: string }).code;
  if (code === 'ENOENT') {
    return new PgoError(`\`${file}\` was not found`, `install it or put it on PATH (PATH=${process.env.PATH ?? ''})`);
  }
  if (code === 'EACCES') return new PgoError(`\`${file}\` is not executable`, `chmod +x ${file}`);
  const msg = e instanceof Error ? e.message : String((e as { shortMessage?: string }).shortMessage ?? e);
  return new PgoError(`could not start \`${file}\`: ${msg}`, undefined);
}
