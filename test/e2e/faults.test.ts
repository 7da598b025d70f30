import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CLI, copyWorkspace, matchedProfdata, REPO, runCli } from './e2e-helpers';

/**
 * Faults, for real: cancel (SIGTERM, as a terminated VS Code task does) or kill -9 the CLI in each
 * phase, run two at once, a failing and a hanging workload, a disk that fills during merge. After
 * each, the last good profile and optimized binary must be exactly as before.
 */
const sha = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function start(args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; out: () => string; done: Promise<number | null> } {
  let out = '';
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, out: () => out, done };
}

async function waitFor(cond: () => boolean, what: string, ms = 120_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('faults: cancellation, kill -9, concurrency, failing workloads, full disk', function () {
  this.timeout(15 * 60_000);
  let ws: string;
  let wrapper: string;
  const dir = (): string => path.join(ws, 'target', 'pgo', 'spin');
  const profdata = (): string => path.join(dir(), 'spin.profdata');
  const optimized = (): string => path.join(dir(), 'optimized', os.arch() === 'x64' ? 'x86_64-unknown-linux-gnu' : '', 'release', 'spin');
  let good: { profile: string; meta: string; binary: string };
  const assertIntact = (): void => {
    assert.equal(sha(profdata()), good.profile, 'the last good profile is unchanged');
    assert.equal(sha(`${profdata()}.json`), good.meta, 'its metadata is unchanged');
    assert.equal(sha(optimized()), good.binary, 'the optimized binary is unchanged');
    const leftovers = fs.readdirSync(dir()).filter((f) => f.includes('.tmp-') && f.endsWith('.profdata'));
    assert.deepEqual(leftovers.filter((f) => !f.startsWith('.')), [], 'no temporary file looks like a profile');
  };
  const touchSource = (): void => {
    const src = path.join(ws, 'src', 'main.rs');
    fs.appendFileSync(src, '\n'); // force cargo to really rebuild
  };

  before(() => {
    ws = copyWorkspace(path.join(REPO, 'test', 'fixtures', 'tiny-app'), 'pgo-faults-');
    // An llvm-profdata stand-in that delegates to the real one, but can be slow or "run out of
    // disk" during merge: the only way to cancel inside a 0.1 s merge, or to fill a disk safely.
    wrapper = path.join(ws, 'fake-llvm-profdata');
    fs.writeFileSync(
      wrapper,
      `#!/bin/bash
if [ "$1" = merge ] && [ "$2" != --version ]; then
  if [ -n "$PGO_FAKE_SLOW" ]; then sleep "$PGO_FAKE_SLOW"; fi
  if [ -n "$PGO_FAKE_ENOSPC" ]; then
    out=""; prev=""; for a in "$@"; do [ "$prev" = -o ] && out="$a"; prev="$a"; done
    head -c 4096 /dev/urandom > "$out"
    echo "error: $out: No space left on device" >&2; exit 1
  fi
fi
exec ${JSON.stringify(matchedProfdata(ws))} "$@"
`,
      { mode: 0o755 },
    );
    const r = runCli(['pipeline', '--workspace', ws]);
    assert.equal(r.status, 0, r.output);
    good = { profile: sha(profdata()), meta: sha(`${profdata()}.json`), binary: sha(optimized()) };
  });
  after(() => fs.rmSync(ws, { recursive: true, force: true }));

  for (const phase of ['instrument', 'workload', 'merge', 'optimize'] as const) {
    it(`SIGTERM during ${phase} stops with exit 130 and keeps the last good profile`, async () => {
      touchSource();
      // Workload: a big size keeps it running; merge: the slow stand-in. Optimize runs alone: in a
      // whole pipeline, the merge before it has already (rightly) replaced the profile.
      const command = phase === 'optimize' ? 'optimize' : 'pipeline';
      const args = [command, '--workspace', ws, '--llvm-profdata', wrapper, ...(phase === 'workload' ? ['--size', '50000000'] : [])];
      const run = start(args, { PGO_FAKE_SLOW: phase === 'merge' ? '30' : '' });
      await waitFor(() => run.out().includes(`▶ ${phase} spin`), `the ${phase} phase to start`);
      await new Promise((r) => setTimeout(r, phase === 'optimize' || phase === 'instrument' ? 300 : 500));
      run.child.kill('SIGTERM');
      const code = await run.done;
      assert.equal(code, 130, run.out());
      assert.match(run.out(), /the last good profile is (kept|unchanged)/);
      assertIntact();
      assert.equal(fs.existsSync(path.join(ws, 'target', 'pgo', 'pgo.lock')), false, 'the lock was released');
    });
  }

  it('kill -9 during the workload: the next run recovers the lock and works', async () => {
    const run = start(['workload', '--workspace', ws, '--size', '50000000']);
    await waitFor(() => run.out().includes('▶ workload spin'), 'the workload to start');
    await new Promise((r) => setTimeout(r, 500));
    run.child.kill('SIGKILL');
    await run.done;
    // The orphaned workload process (its own process group) is the user's to stop; end it here.
    spawnSync('pkill', ['-f', `${dir()}/instrumented/.*/spin 50000000`]);
    assert.ok(fs.existsSync(path.join(ws, 'target', 'pgo', 'pgo.lock')), 'the dead run left its lock');
    assertIntact();
    const r = runCli(['merge', '--workspace', ws]);
    assert.equal(r.status, 0, r.output);
    assert.doesNotMatch(r.output, /another PGO run/);
  });

  it('a second run at the same time is refused, naming the first', async () => {
    const first = start(['workload', '--workspace', ws, '--size', '50000000']);
    await waitFor(() => first.out().includes('▶ workload spin'), 'the first run');
    const second = runCli(['merge', '--workspace', ws]);
    first.child.kill('SIGTERM');
    await first.done;
    assert.equal(second.status, 5, second.output);
    assert.match(second.stderr, /another PGO run is in progress: "pgo workload --workspace .* --size 50000000" \(pid \d+/);
  });

  describe('with workloads that fail', () => {
    let saved: string;
    before(() => {
      // Start from a fresh good profile: the runs above merged other workloads.
      const r = runCli(['pipeline', '--workspace', ws]);
      assert.equal(r.status, 0, r.output);
      good = { profile: sha(profdata()), meta: sha(`${profdata()}.json`), binary: sha(optimized()) };
      saved = fs.readFileSync(path.join(ws, 'pgo.yaml'), 'utf8');
    });
    afterEach(() => fs.writeFileSync(path.join(ws, 'pgo.yaml'), saved));

    it('a workload that exits non-zero stops the pipeline; its raw data is kept, not merged', () => {
      fs.writeFileSync(path.join(ws, 'pgo.yaml'), saved.replace('"{size}"]', '"{size}", "--fail"]'));
      const r = runCli(['pipeline', '--workspace', ws]);
      assert.equal(r.status, 1, r.output);
      const m = /workload "spin" failed \(exit code 3\): .*; its raw data is kept in (\S+) and was not merged/.exec(r.stderr);
      assert.ok(m, r.stderr);
      assert.ok(fs.readdirSync(m[1] ?? '').some((f) => f.endsWith('.profraw')), 'the raw profile is there to inspect');
      assert.doesNotMatch(r.stdout, /▶ merge/);
      assertIntact();
    });

    it('a workload that hangs is stopped at its timeout, and the pipeline says so', () => {
      fs.writeFileSync(path.join(ws, 'pgo.yaml'), saved.replace('"{size}"]', '"{size}", "--hang"]\n        timeoutSeconds: 2'));
      const started = Date.now();
      const r = runCli(['pipeline', '--workspace', ws]);
      assert.equal(r.status, 1, r.output);
      assert.match(r.stderr, /workload "spin" did not finish within 2s and was stopped; its raw data is kept in \S+ and was not merged/);
      assert.match(r.stderr, /fix: make the workload smaller \(`--size`\), or raise timeoutSeconds in pgo\.yaml/);
      assert.ok(Date.now() - started < 120_000);
      assertIntact();
    });

    it('a disk that fills during merge keeps the last good profile', () => {
      const r = runCli(['pipeline', '--workspace', ws, '--llvm-profdata', wrapper], { PGO_FAKE_ENOSPC: '1' });
      assert.equal(r.status, 1, r.output);
      assert.match(r.stderr, /error: the disk filled up while merging into .*\nfix: free disk space and run the merge again; the previous profile is unchanged/);
      assertIntact();
    });
  });
});
