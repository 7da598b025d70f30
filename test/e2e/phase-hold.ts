import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Holds one phase of a real run open until the test is done with it, so a signal sent to the run
 * provably lands inside that phase, whatever the machine's speed. A stand-in for a tool the phase
 * runs (rustc through RUSTC_WRAPPER, `llvm-profdata merge`, a workload command) calls `hold` from
 * HOLD_SH: it writes its pid into the FIFO `running`, which the test is reading (the read's data
 * is the event "the phase is running"), then blocks reading the FIFO `release` until the test
 * releases it or the run is killed. POSIX only (mkfifo, sh), as are the signals the tests send.
 */
export class PhaseHold {
  readonly dir: string;
  private readonly runningFifo: string;
  private readonly releaseFifo: string;
  private announced: Promise<number> | undefined;
  private pid: number | undefined;

  constructor(parent: string) {
    this.dir = fs.mkdtempSync(path.join(parent, 'hold-'));
    this.runningFifo = path.join(this.dir, 'running');
    this.releaseFifo = path.join(this.dir, 'release');
    const r = spawnSync('mkfifo', [this.runningFifo, this.releaseFifo], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`mkfifo failed: ${r.stderr || r.error?.message}`);
  }

  /** The environment that arms the stand-ins: without it they pass straight through. */
  get env(): Record<string, string> {
    return { PGO_HOLD_DIR: this.dir };
  }

  /**
   * Resolves with the stand-in's pid once it runs. Reading the FIFO waits (off the event loop)
   * for a writer; the stand-in's pid arrives as the read's data.
   */
  running(): Promise<number> {
    this.announced ??= fs.promises.readFile(this.runningFifo, 'utf8').then((text) => {
      const pid = Number.parseInt(text, 10);
      if (!Number.isInteger(pid)) throw new Error(`the held phase never announced itself (read "${text}")`);
      this.pid = pid;
      return pid;
    });
    return this.announced;
  }

  /** Lets the held stand-in go on (it blocks until a writer opens the FIFO). */
  async release(): Promise<void> {
    await fs.promises.writeFile(this.releaseFifo, 'go\n');
  }

  /**
   * Ends what the hold may have left behind: a read of `running` still waiting for a writer (the
   * phase never started) gets end-of-file, and a stand-in orphaned by a kill -9 of its run is killed
   * by its pid.
   */
  dispose(): void {
    try {
      fs.closeSync(fs.openSync(this.runningFifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
    } catch {
      // ENXIO: nobody is reading, nothing to end
    }
    if (this.pid !== undefined) {
      try {
        process.kill(this.pid, 'SIGKILL');
      } catch {
        // already gone, as it should be after a cancelled run
      }
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The `hold` shell function the stand-ins call (POSIX sh). */
export const HOLD_SH = `hold() {
  [ -n "$PGO_HOLD_DIR" ] || return 0
  echo "$$" > "$PGO_HOLD_DIR/running"
  read -r _ < "$PGO_HOLD_DIR/release"
}
`;

/**
 * Writes the stand-ins into `dir`:
 * - `rustc-wrapper` (for RUSTC_WRAPPER; cargo runs `$RUSTC_WRAPPER rustc <args>`): holds while
 *   rustc compiles the crate `$PGO_HOLD_CRATE` with a flag containing `$PGO_HOLD_RUSTFLAG`
 *   (`-Cprofile-generate=`: instrument phase; `-Cprofile-use=`: optimize phase);
 * - `llvm-profdata`: delegates to the real one; holds in `merge` when PGO_HOLD_MERGE is set, and
 *   "runs out of disk" when PGO_FAKE_ENOSPC is set (writes a partial output, fails as LLVM does);
 * - `workload`: holds, then runs its arguments (a pgo.yaml workload `["sh", <it>, "{bin:x}", …]`).
 */
export function writeStandIns(dir: string, realProfdata: string): { rustcWrapper: string; llvmProfdata: string; workload: string } {
  fs.mkdirSync(dir, { recursive: true });
  const write = (name: string, body: string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `#!/bin/sh\n${HOLD_SH}${body}`, { mode: 0o755 });
    return file;
  };
  return {
    rustcWrapper: write(
      'rustc-wrapper',
      `args=" $* "
case "$args" in
  *" --crate-name $PGO_HOLD_CRATE "*)
    case "$args" in *"$PGO_HOLD_RUSTFLAG"*) [ -n "$PGO_HOLD_RUSTFLAG" ] && hold ;; esac ;;
esac
exec "$@"
`,
    ),
    llvmProfdata: write(
      'llvm-profdata',
      `if [ "$1" = merge ] && [ "$2" != --version ]; then
  [ -n "$PGO_HOLD_MERGE" ] && hold
  if [ -n "$PGO_FAKE_ENOSPC" ]; then
    out=""; prev=""; for a in "$@"; do [ "$prev" = -o ] && out="$a"; prev="$a"; done
    head -c 4096 /dev/urandom > "$out"
    echo "error: $out: No space left on device" >&2; exit 1
  fi
fi
exec ${JSON.stringify(realProfdata)} "$@"
`,
    ),
    workload: write('workload', 'hold\nexec "$@"\n'),
  };
}
