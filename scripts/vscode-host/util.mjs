// Small helpers shared by the vscode-host scripts: running commands with argument arrays,
// picking free ports, waiting for conditions and killing process trees.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

/** Prints one progress line, prefixed so it is easy to spot among npm/mocha output. */
export function log(msg) {
  console.log(`[vscode-host] ${msg}`);
}

/**
 * Runs `cmd args...` (never through a shell) and resolves when it exits with 0.
 * Output is appended to `logFile` when given (npm is very chatty; the file keeps it for
 * post-mortems), otherwise inherited. On failure the error message carries the log tail.
 */
const activeChildren = new Set();

/** Kills the commands started by run() that are still going (for SIGINT/SIGTERM handlers). */
export function killActiveChildren(signal = 'SIGTERM') {
  for (const c of activeChildren) c.kill(signal);
}

export function run(cmd, args, { cwd, env, logFile } = {}) {
  return new Promise((resolve, reject) => {
    let fd;
    if (logFile) {
      fs.appendFileSync(logFile, `\n$ (cd ${cwd ?? process.cwd()}) ${cmd} ${args.join(' ')}\n`);
      fd = fs.openSync(logFile, 'a');
    }
    const child = spawn(cmd, args, {
      cwd,
      env: env ?? process.env,
      stdio: fd === undefined ? 'inherit' : ['ignore', fd, fd],
    });
    activeChildren.add(child);
    child.on('error', (err) => {
      activeChildren.delete(child);
      if (fd !== undefined) fs.closeSync(fd);
      reject(err);
    });
    child.on('exit', (code, signal) => {
      activeChildren.delete(child);
      if (fd !== undefined) fs.closeSync(fd);
      if (code === 0) return resolve();
      const tail = logFile ? `\n--- last lines of ${logFile} ---\n${tailFile(logFile, 40)}` : '';
      reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`})${tail}`));
    });
  });
}

/** Runs a command and returns its stdout (for short queries such as dpkg-query). */
export function capture(cmd, args, { cwd, env } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', () => resolve({ code: -1, stdout: '' }));
    child.on('exit', (code) => resolve({ code, stdout: out }));
  });
}

/** Last `n` lines of a text file ('' when it does not exist). */
export function tailFile(file, n = 40) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-n).join('\n');
  } catch {
    return '';
  }
}

/** Asks the kernel for a free TCP port on 127.0.0.1 (bind to port 0, read it, release it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `fn` until it returns a truthy value or `timeoutMs` passes (then returns undefined). Only
 * where no event exists (another process's file or liveness); prefer an event when there is one.
 */
export async function waitFor(fn, { timeoutMs, intervalMs = 250, isAborted = () => false }) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !isAborted()) {
    const v = await fn();
    if (v) return v;
    await sleep(intervalMs);
  }
  return undefined;
}

/** All descendants of `pid` (Linux /proc walk). Needed because the VS Code server forks the
 * extension host and pty hosts, and killing only code-server's own pid would orphan them. */
export function descendants(pid) {
  const children = new Map();
  let entries = [];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      // Field 4 is the ppid; the command name (field 2) may contain spaces, so split after ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(e));
    } catch {
      // process vanished while we were reading
    }
  }
  const out = [];
  const stack = [pid];
  while (stack.length) {
    for (const c of children.get(stack.pop()) ?? []) {
      out.push(c);
      stack.push(c);
    }
  }
  return out;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM the whole tree (process group + every descendant), then SIGKILL what remains. */
export async function killTree(pid, { graceMs = 3000 } = {}) {
  const pids = [pid, ...descendants(pid)];
  const signal = (sig) => {
    try {
      process.kill(-pid, sig); // the group, when spawned with detached: true
    } catch {
      // not a group leader or already gone
    }
    for (const p of pids) {
      try {
        process.kill(p, sig);
      } catch {
        // already gone
      }
    }
  };
  signal('SIGTERM');
  // Most of these are not our children: no exit event reaches us, so liveness is re-checked (bounded).
  await waitFor(() => pids.every((p) => !alive(p)), { timeoutMs: graceMs, intervalMs: 100 });
  if (pids.some(alive)) signal('SIGKILL');
}
