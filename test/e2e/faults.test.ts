import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CLI, copyWorkspace, matchedProfdata, REPO, restoreWorkspace, runCli, rustcFacts } from './e2e-helpers';
import { PhaseHold, writeStandIns } from './phase-hold';

/**
 * Faults, for real: cancel (SIGTERM, as a terminated VS Code task does) or kill -9 the CLI in each
 * phase, run two at once, a failing and a hanging workload, a disk that fills during merge. After
 * each, the last good profile, its metadata and the optimized binary must be exactly as before.
 *
 * No timing: the phase a signal is meant for is held open by a stand-in (PhaseHold) that announces
 * "running" through a FIFO, so the signal provably lands inside it on any machine. Every test
 * starts from its own copy of one known-good workspace, built once and never changed.
 * POSIX only (signals, FIFOs, sh stand-ins).
 */
const sha = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

interface RunningCli {
  child: ChildProcess;
  out: () => string;
  done: Promise<number | null>;
}

function start(args: string[], env: NodeJS.ProcessEnv = {}): RunningCli {
  let out = '';
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  // 'close', not 'exit': all output has arrived by then.
  const done = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, out: () => out, done };
}

/** Resolves when the hold announces the phase, or rejects if the run ends first (it never reached it). */
async function heldPhase(hold: PhaseHold, run: RunningCli, phase: string): Promise<void> {
  const ended = run.done.then((code) => {
    throw new Error(`the run ended (exit ${code}) before the ${phase} phase was held:\n${run.out()}`);
  });
  await Promise.race([hold.running(), ended]);
}

describe('faults: cancellation, kill -9, concurrency, failing workloads, full disk', function () {
  this.timeout(15 * 60_000);
  let root: string;
  /** The known-good workspace, built in before() and only ever copied. */
  let snapshot: string;
  /** Where each test works: a fresh copy of the snapshot, at the path the snapshot was built at. */
  let ws: string;
  let standIns: ReturnType<typeof writeStandIns>;
  let hold: PhaseHold | undefined;
  let good: { profile: string; meta: string; binary: string };
  const dir = (): string => path.join(ws, 'target', 'pgo', 'spin');
  const profdata = (): string => path.join(dir(), 'spin.profdata');
  const optimized = (): string => path.join(dir(), 'optimized', rustcFacts().host, 'release', 'spin');
  const assertIntact = (): void => {
    assert.equal(sha(profdata()), good.profile, 'the last good profile is unchanged');
    assert.equal(sha(`${profdata()}.json`), good.meta, 'its metadata is unchanged');
    assert.equal(sha(optimized()), good.binary, 'the optimized binary is unchanged');
    const leftovers = fs.readdirSync(dir()).filter((f) => f.includes('.tmp-') && f.endsWith('.profdata'));
    assert.deepEqual(leftovers.filter((f) => !f.startsWith('.')), [], 'no temporary file looks like a profile');
  };
  const lockFile = (): string => path.join(ws, 'target', 'pgo', 'pgo.lock');
  /** A changed source: cargo must really run rustc for `spin` again, where the stand-in waits. */
  const touchSource = (): void => fs.appendFileSync(path.join(ws, 'src', 'main.rs'), '\n');
  /** pgo.yaml's workload, run through the holding stand-in. */
  const holdWorkload = (): void => {
    const yaml = path.join(ws, 'pgo.yaml');
    const text = fs.readFileSync(yaml, 'utf8');
    const held = text.replace('command: ["{bin:spin}"', `command: ["sh", ${JSON.stringify(standIns.workload)}, "{bin:spin}"`);
    assert.notEqual(held, text, 'pgo.yaml has the workload to wrap');
    fs.writeFileSync(yaml, held);
  };
  const newHold = (): PhaseHold => (hold = new PhaseHold(root));

  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgo-faults-'));
    ws = path.join(root, 'ws');
    fs.renameSync(copyWorkspace(path.join(REPO, 'test', 'fixtures', 'tiny-app'), 'pgo-faults-src-'), ws);
    const r = runCli(['pipeline', '--workspace', ws]);
    assert.equal(r.status, 0, r.output);
    snapshot = path.join(root, 'good');
    restoreWorkspace(ws, snapshot);
    good = { profile: sha(profdata()), meta: sha(`${profdata()}.json`), binary: sha(optimized()) };
    standIns = writeStandIns(path.join(root, 'stand-ins'), matchedProfdata(ws));
  });
  beforeEach(() => restoreWorkspace(snapshot, ws));
  afterEach(() => {
    hold?.dispose();
    hold = undefined;
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  const phases = [
    // Instrument and workload and merge inside a whole pipeline; optimize alone: in a pipeline, the
    // merge before it has already (rightly) replaced the profile.
    { phase: 'instrument', command: 'pipeline', env: { PGO_HOLD_CRATE: 'spin', PGO_HOLD_RUSTFLAG: '-Cprofile-generate=' } },
    { phase: 'workload', command: 'pipeline', env: {} },
    { phase: 'merge', command: 'pipeline', env: { PGO_HOLD_MERGE: '1' } },
    { phase: 'optimize', command: 'optimize', env: { PGO_HOLD_CRATE: 'spin', PGO_HOLD_RUSTFLAG: '-Cprofile-use=' } },
  ] as const;
  for (const { phase, command, env } of phases) {
    it(`SIGTERM during ${phase} stops with exit 130 and keeps the last good profile`, async () => {
      touchSource();
      if (phase === 'workload') holdWorkload();
      const h = newHold();
      const run = start([command, '--workspace', ws, '--llvm-profdata', standIns.llvmProfdata], {
        ...h.env,
        ...env,
        RUSTC_WRAPPER: standIns.rustcWrapper,
      });
      await heldPhase(h, run, phase);
      run.child.kill('SIGTERM');
      const code = await run.done;
      assert.equal(code, 130, run.out());
      assert.match(run.out(), new RegExp(`▶ ${phase} spin`));
      assert.doesNotMatch(run.out(), new RegExp(`✔ ${phase} spin`), `the ${phase} phase did not finish`);
      assert.match(run.out(), /the last good profile is (kept|unchanged)/);
      assertIntact();
      assert.equal(fs.existsSync(lockFile()), false, 'the lock was released');
    });
  }

  it('kill -9 during the workload: the next run recovers the lock and works', async () => {
    holdWorkload();
    const h = newHold();
    const run = start(['workload', '--workspace', ws], h.env);
    await heldPhase(h, run, 'workload');
    run.child.kill('SIGKILL');
    await run.done;
    // The orphaned workload (its own process group) is the user's to stop; afterEach ends it by its pid.
    assert.ok(fs.existsSync(lockFile()), 'the dead run left its lock');
    assertIntact();
    const r = runCli(['merge', '--workspace', ws]);
    assert.equal(r.status, 0, r.output);
    assert.doesNotMatch(r.output, /another PGO run/);
  });

  it('a second run at the same time is refused, naming the first', async () => {
    holdWorkload();
    const h = newHold();
    const first = start(['workload', '--workspace', ws, '--size', '1234'], h.env);
    await heldPhase(h, first, 'workload');
    const second = runCli(['merge', '--workspace', ws]);
    first.child.kill('SIGTERM');
    assert.equal(await first.done, 130, first.out());
    assert.equal(second.status, 5, second.output);
    assert.match(second.stderr, /another PGO run is in progress: "pgo workload --workspace .* --size 1234" \(pid \d+/);
    assertIntact();
  });

  describe('with workloads that fail', () => {
    const editWorkload = (from: string, to: string): void => {
      const yaml = path.join(ws, 'pgo.yaml');
      const text = fs.readFileSync(yaml, 'utf8');
      assert.ok(text.includes(from), `pgo.yaml has ${from}`);
      fs.writeFileSync(yaml, text.replace(from, to));
    };

    it('a workload that exits non-zero stops the pipeline; its raw data is kept, not merged', () => {
      editWorkload('"{size}"]', '"{size}", "--fail"]');
      const r = runCli(['pipeline', '--workspace', ws]);
      assert.equal(r.status, 1, r.output);
      const m = /workload "spin" failed \(exit code 3\): .*; its raw data is kept in (\S+) and was not merged/.exec(r.stderr);
      assert.ok(m, r.stderr);
      assert.ok(fs.readdirSync(m[1] ?? '').some((f) => f.endsWith('.profraw')), 'the raw profile is there to inspect');
      assert.doesNotMatch(r.stdout, /▶ merge/);
      assertIntact();
    });

    it('a workload that hangs is stopped at its timeout, and the pipeline says so', () => {
      // The product's own timer (timeoutSeconds) is what is tested here; the test waits for the exit.
      editWorkload('"{size}"]', '"{size}", "--hang"]\n        timeoutSeconds: 2');
      const r = runCli(['pipeline', '--workspace', ws]);
      assert.equal(r.status, 1, r.output);
      assert.match(r.stderr, /workload "spin" did not finish within 2s and was stopped; its raw data is kept in \S+ and was not merged/);
      assert.match(r.stderr, /fix: make the workload smaller \(`--size`\), or raise timeoutSeconds in pgo\.yaml/);
      assertIntact();
    });

    it('a disk that fills during merge keeps the last good profile', () => {
      const r = runCli(['pipeline', '--workspace', ws, '--llvm-profdata', standIns.llvmProfdata], { PGO_FAKE_ENOSPC: '1' });
      assert.equal(r.status, 1, r.output);
      assert.match(r.stderr, /error: the disk filled up while merging into .*\nfix: free disk space and run the merge again; the previous profile is unchanged/);
      assertIntact();
    });
  });
});
