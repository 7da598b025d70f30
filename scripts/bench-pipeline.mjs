// npm run bench:pipeline — a benchmark, not a test. On examples/midi-studio it measures:
//  1. through `pgo bench all`: release, pgo, lto and lto+pgo on the example's benchmarks, with
//     speedups, confidence intervals, verdicts and a recommendation;
//  2. the engine's orchestration overhead: `pgo pipeline all` against the same raw commands
//     (cargo build with -Cprofile-generate, the workloads, llvm-profdata merge, cargo build with
//     -Cprofile-use) typed by hand, both from clean target dirs, alternating, in the same run.
// Options: --runs N and --budget S (passed to pgo bench; default adaptive), --rounds N
// (pipeline/manual pairs, default 2).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
const ws = join(repo, 'examples', 'midi-studio');
const cli = join(repo, 'dist', 'cli.js');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const RUNS = arg('--runs', 7);
const ROUNDS = arg('--rounds', 2);
const cargoBin = join(homedir(), '.cargo', 'bin');
if (existsSync(cargoBin)) process.env.PATH = `${process.env.PATH}:${cargoBin}`;

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 << 20, ...opts, env: { ...process.env, ...opts.env } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}
function timed(fn) {
  const t = process.hrtime.bigint();
  const out = fn();
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, out };
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (ms) => `${(ms / 1000).toFixed(3)}s`;

const doctor = JSON.parse(sh(process.execPath, [cli, 'doctor', '--json', '--workspace', ws]));
const llvmProfdata = doctor.profdata?.chosen?.path;
if (!llvmProfdata) throw new Error('no matching llvm-profdata: run `node scripts/ensure-toolchain.mjs`');
const host = doctor.rustc.host;

// The same commands the pipeline runs, typed by hand (what a user of the seed's script does).
function manualPipeline(dir) {
  const comps = [
    { bin: 'midi-import', pkg: 'pipeline', args: ['2000', '--seed', '7'] },
    { bin: 'daw-render', pkg: 'daw', args: ['20', '--seed', '7'] },
  ];
  for (const c of comps) {
    const raw = join(dir, c.pkg, 'raw');
    // The same debug setting as examples/midi-studio/pgo.yaml, so both sides build alike.
    const env = { CARGO_PROFILE_RELEASE_DEBUG: 'limited', CARGO_TERM_COLOR: 'never' };
    sh('cargo', ['build', '--release', '--target', host, '-p', c.pkg, '--bin', c.bin], {
      cwd: ws,
      env: { ...env, CARGO_TARGET_DIR: join(dir, c.pkg, 'inst'), RUSTFLAGS: `-Cprofile-generate=${raw}` },
    });
    sh(join(dir, c.pkg, 'inst', host, 'release', c.bin), c.args, { env: { LLVM_PROFILE_FILE: join(raw, '%p-%m.profraw') } });
    sh(llvmProfdata, ['merge', '-o', join(dir, c.pkg, 'merged.profdata'), raw]);
    sh('cargo', ['build', '--release', '--target', host, '-p', c.pkg, '--bin', c.bin], {
      cwd: ws,
      env: { ...env, CARGO_TARGET_DIR: join(dir, c.pkg, 'opt'), RUSTFLAGS: `-Cprofile-use=${join(dir, c.pkg, 'merged.profdata')}` },
    });
  }
}

console.log(`bench:pipeline on ${ws}\nrustc ${doctor.rustc.version} (LLVM ${doctor.rustc.llvmVersion}), llvm-profdata ${doctor.profdata.chosen.version}\n`);

// 2. Orchestration overhead, alternating manual and engine runs from clean target dirs.
const manualMs = [];
const engineMs = [];
for (let round = 0; round < ROUNDS; round++) {
  const dir = mkdtempSync(join(tmpdir(), 'pgo-bench-manual-'));
  manualMs.push(timed(() => manualPipeline(dir)).ms);
  rmSync(dir, { recursive: true, force: true });
  sh(process.execPath, [cli, 'clean', 'all', '--workspace', ws]);
  engineMs.push(timed(() => sh(process.execPath, [cli, 'pipeline', 'all', '--workspace', ws])).ms);
  console.log(`round ${round + 1}: by hand ${fmt(manualMs.at(-1))}, pgo pipeline all ${fmt(engineMs.at(-1))}`);
}

// 1. Is it faster? `pgo bench all`: release, pgo, lto and lto+pgo on the example's benchmarks
// (inputs other than the training's), alternating rounds, statistics and a recommendation.
const benchArgs = ['bench', 'all', '--workspace', ws];
if (process.argv.includes('--runs')) benchArgs.push('--runs', String(RUNS));
if (process.argv.includes('--budget')) benchArgs.push('--budget', String(arg('--budget', 120)));
console.log(`\npgo ${benchArgs.join(' ')}`);
const bench = spawnSync(process.execPath, [cli, ...benchArgs], { stdio: 'inherit' });
if (bench.status !== 0) throw new Error(`pgo bench failed (${bench.status})`);
console.log(
  `\norchestration: by hand median ${fmt(median(manualMs))}, pgo pipeline all median ${fmt(median(engineMs))}, ` +
    `overhead ratio ${(median(engineMs) / median(manualMs)).toFixed(3)} ` +
    '(the engine also reads the profile, the binaries\' function lists and writes metadata)',
);
