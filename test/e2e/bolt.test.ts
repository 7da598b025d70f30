import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BenchResults } from '../../src/core/bench/bench-results';
import type { BoltComponentOutcome } from '../../src/core/bolt/bolt-command';
import { boltInputProblem, classifyBoltFailure, readBoltInputFacts } from '../../src/core/bolt/bolt-failure';
import { fdataMergePlan } from '../../src/core/bolt/fdata-merge';
import { CLI, copyWorkspace, EXAMPLE, run, runCli, rustcFacts } from './e2e-helpers';

interface DoctorJson {
  checks: { id: string; status: string; message: string }[];
}

/** Why BOLT cannot run on this machine, or undefined when it can (ensure-toolchain installs it on Debian). */
function boltUnavailable(ws: string): string | undefined {
  if (process.platform !== 'linux') return `BOLT rewrites Linux ELF binaries only (this is ${process.platform})`;
  const arch = rustcFacts().host.split('-')[0];
  if (arch !== 'x86_64' && arch !== 'aarch64') return `BOLT supports x86_64 and AArch64 only (this is ${arch})`;
  const report = JSON.parse(runCli(['doctor', '--json', '--workspace', ws]).stdout) as DoctorJson;
  const bolt = report.checks.find((c) => c.id === 'bolt');
  return bolt?.status === 'ok' ? undefined : `no llvm-bolt/merge-fdata: ${bolt?.message ?? 'no BOLT line in the doctor'} (node scripts/ensure-toolchain.mjs installs them as root on Debian)`;
}

const checksum = (stdout: string): string | undefined => /checksum: (\w+)/.exec(stdout)?.[1];

describe('pgo bolt on the example (real cargo, rustc, llvm-bolt and merge-fdata)', () => {
  let ws: string;
  // One BOLT run for the file (a build, the instrumented workload, BOLT): every test starts from it.
  let r: ReturnType<typeof runCli>;
  before(function () {
    ws = copyWorkspace(EXAMPLE, 'pgo-bolt-');
    const why = boltUnavailable(ws);
    if (why) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
    r = runCli(['bolt', 'pipeline', '--json', '--workspace', ws]);
  });
  after(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('makes a BOLT-optimized midi-import that prints the release build\'s checksum; a second run reuses it', () => {
    assert.equal(r.status, 0, r.output);
    const [o] = JSON.parse(r.stdout) as BoltComponentOutcome[];
    assert.ok(o);
    assert.equal(o.variant, 'bolt');
    const [bin] = o.binaries;
    assert.ok(bin?.fdata, r.output);
    assert.equal(bin.target, 'midi-import');
    const artifacts = path.join(ws, 'target', 'pgo', 'pipeline', 'variants', 'bolt');
    assert.equal(bin.output, path.join(artifacts, 'bolt', 'optimized', 'midi-import'));
    assert.ok(fs.statSync(bin.fdata).size > 0);
    assert.ok((bin.profiledFunctions?.profiled ?? 0) > 0, JSON.stringify(bin));
    assert.ok(bin.dynoChanges && 'taken branches' in bin.dynoChanges, JSON.stringify(bin));
    assert.deepEqual(o.checks.map((c) => [c.name, c.mode, c.agreed]), [['import-seed-9', 'regex', true]]);
    // The steps' progress names what ran.
    for (const step of [/llvm-bolt -instrument/, /workload "import-training-set": \S+bolt\/instrumented\/midi-import 2000 --seed 7/, /merge-fdata of 1 profile/, /optimizing midi-import/]) assert.match(r.stderr, step);

    // The same input through the plain release build (no --emit-relocs): the same checksum.
    run('cargo', ['build', '--release', '-p', 'pipeline', '--bin', 'midi-import'], { cwd: ws, env: { CARGO_TARGET_DIR: path.join(ws, 'target') } });
    const release = path.join(ws, 'target', 'release', 'midi-import');
    const expected = checksum(run(release, ['500', '--seed', '11']));
    assert.ok(expected);
    assert.equal(checksum(run(bin.output, ['500', '--seed', '11'])), expected);

    // That release build has no code relocations: named before llvm-bolt runs, and in llvm-bolt's own words.
    assert.equal(boltInputProblem(readBoltInputFacts(release))?.id, 'no-relocations');
    const llvmBolt = /(\S+llvm-bolt\S*) and/.exec((JSON.parse(runCli(['doctor', '--json', '--workspace', ws]).stdout) as DoctorJson).checks.find((c) => c.id === 'bolt')?.message ?? '')?.[1];
    assert.ok(llvmBolt);
    const direct = spawnSync(llvmBolt, [release, '-instrument', `-o=${path.join(ws, 'x')}`], { encoding: 'utf8' });
    assert.equal(classifyBoltFailure(`${direct.stdout}\n${direct.stderr}`.split('\n'))?.id, 'no-relocations', direct.stderr);

    const again = runCli(['bolt', 'pipeline', '--workspace', ws]);
    assert.equal(again.status, 0, again.output);
    assert.match(again.stdout, /BOLT — pipeline \(bolt, reused/);
    assert.match(again.stdout, /output of "import-seed-9": the same \(\w+\)/);
  });

  it('merge-fdata in batches gives the same profile as one merge of every input (the plan for thousands of .fdata)', () => {
    const fdata = path.join(ws, 'target', 'pgo', 'pipeline', 'variants', 'bolt', 'bolt', 'midi-import.fdata');
    const mergeFdata = /llvm-bolt\S* and (\S+merge-fdata\S*)/.exec((JSON.parse(runCli(['doctor', '--json', '--workspace', ws]).stdout) as DoctorJson).checks.find((c) => c.id === 'bolt')?.message ?? '')?.[1];
    assert.ok(mergeFdata);
    const dir = fs.mkdtempSync(path.join(ws, 'fdata-'));
    // Seven profiles with different counts: the BOLT run's own, scaled by 1…7.
    const lines = fs.readFileSync(fdata, 'utf8').split('\n').filter(Boolean);
    assert.ok(lines.length > 100, `${lines.length} lines in ${fdata}`);
    const inputs = [1, 2, 3, 4, 5, 6, 7].map((k) => {
      const f = path.join(dir, `prof.${k}.fdata`);
      fs.writeFileSync(f, lines.map((l) => l.replace(/ (\d+)$/, (_, n: string) => ` ${Number(n) * k}`)).join('\n') + '\n');
      return f;
    });
    const merge = (files: string[], output: string): void => {
      const m = spawnSync(mergeFdata, [...files, '-o', output], { encoding: 'utf8' });
      assert.equal(m.status, 0, m.stderr);
    };
    merge(inputs, path.join(dir, 'direct.fdata'));
    fs.mkdirSync(path.join(dir, 'parts'));
    const plan = fdataMergePlan(inputs, path.join(dir, 'batched.fdata'), path.join(dir, 'parts'), 3);
    assert.equal(plan.length, 4, 'three batches, then their merge');
    for (const step of plan) merge(step.inputs, step.output);
    const sorted = (f: string): string[] => fs.readFileSync(f, 'utf8').split('\n').filter(Boolean).sort();
    const direct = sorted(path.join(dir, 'direct.fdata'));
    assert.ok(direct.length > 100);
    assert.deepEqual(sorted(path.join(dir, 'batched.fdata')), direct);
  });

  it('a workload that never runs the binary fails with that cause and keeps the last good BOLT outputs', () => {
    const artifacts = path.join(ws, 'target', 'pgo', 'pipeline', 'variants', 'bolt', 'bolt');
    const optimized = path.join(artifacts, 'optimized', 'midi-import');
    const before = fs.readFileSync(optimized);
    const fdata = fs.readFileSync(path.join(artifacts, 'midi-import.fdata'));
    const yaml = path.join(ws, 'pgo.yaml');
    const original = fs.readFileSync(yaml, 'utf8');
    fs.writeFileSync(yaml, original.replace('command: ["{bin:midi-import}", "{size}", "--seed", "7"]', 'command: ["cargo", "--version"]'));
    let failed: ReturnType<typeof runCli>;
    try {
      failed = runCli(['bolt', 'pipeline', '--workspace', ws]);
    } finally {
      fs.writeFileSync(yaml, original);
    }
    assert.equal(failed.status, 1, failed.output);
    assert.match(failed.stderr, /error: BOLT: the workload ran none of midi-import: the BOLT-instrumented binaries wrote no profile \(\.fdata\)/);
    assert.match(failed.stderr, /fix: run the binaries with \{bin:NAME\}/);
    assert.ok(fs.readFileSync(optimized).equals(before), 'the last good BOLT-optimized binary is unchanged');
    assert.ok(fs.readFileSync(path.join(artifacts, 'midi-import.fdata')).equals(fdata), 'the last good profile is unchanged');
    assert.deepEqual(fs.readdirSync(artifacts).filter((f) => f.includes('.tmp-')), [], 'no temporary file left');
  });

  it('pgo bench --variants bolt measures the BOLT build against release, outputs checked, BOLT reused', () => {
    const b = runCli(['bench', 'pipeline', '--variants', 'bolt', '--runs', '2', '--json', '--workspace', ws]);
    assert.equal(b.status, 0, b.output);
    const [res] = JSON.parse(b.stdout) as BenchResults[];
    assert.ok(res);
    assert.deepEqual(res.variants.map((v) => [v.name, v.usesProfile, v.usesBolt ?? false]), [['release', false, false], ['bolt', false, true]]);
    const bolt = res.variants.find((v) => v.name === 'bolt');
    assert.deepEqual(bolt?.settings, {}, '--emit-relocs is part of BOLT, not shown as a setting');
    assert.equal(bolt?.binaries[0]?.path, path.join(ws, 'target', 'pgo', 'pipeline', 'variants', 'bolt', 'bolt', 'optimized', 'midi-import'));
    assert.match(b.stderr, /BOLT: reusing /);
    const [bench] = res.benchmarks;
    assert.equal(bench?.outputCheck.agreed, true);
    assert.equal(bench?.runs.bolt?.length, 2);
    assert.ok(bench?.vsRelease.bolt);
  });

  it('a BOLT run cancelled during its workload exits 130 and keeps the last good outputs', async () => {
    const artifacts = path.join(ws, 'target', 'pgo', 'pipeline', 'variants', 'bolt', 'bolt');
    const optimized = path.join(artifacts, 'optimized', 'midi-import');
    const before = fs.readFileSync(optimized);
    // Another size: the BOLT profile is recorded again (the build is reused).
    const child = spawn(process.execPath, [CLI, 'bolt', 'pipeline', '--size', '3000', '--workspace', ws], { env: process.env });
    let out = '';
    let sent = false;
    const onData = (d: Buffer): void => {
      out += d.toString();
      // Interrupt once the BOLT-instrumented binary is running: the event, not a delay.
      if (!sent && /workload "import-training-set": \S+bolt\/instrumented\/midi-import 3000/.test(out)) {
        sent = true;
        child.kill('SIGINT');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.ok(sent, out);
    assert.equal(code, 130, out);
    assert.ok(fs.readFileSync(optimized).equals(before), 'the last good BOLT-optimized binary is unchanged');
    assert.deepEqual(fs.readdirSync(artifacts).filter((f) => f.includes('.tmp-')), [], 'no temporary file left');
  });
});
