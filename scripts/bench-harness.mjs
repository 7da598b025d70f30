// npm run bench:harness — a benchmark, not a test. It measures `pgo bench`'s own timing harness
// (the run probe, driven round by round exactly as the engine drives it) against hyperfine, the
// reference command timer, in one run:
//  1. per-run overhead: both time the same trivial binary (an empty Rust main); what they report
//     for it is their own spawn-and-wait cost. Target: ours ≤ 1.1× hyperfine's.
//  2. agreement: both time the example's release and PGO binaries (pipeline component), in
//     interleaved blocks; the medians should agree within 3%.
// Options: --runs N (overhead runs per harness, default 400), --example-runs N (default 20).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);
const { ensureProbe, runProbe } = require(join(repo, 'out', 'src', 'core', 'bench', 'run-probe.js'));
const { roundsPerCall, DEFAULT_STOP } = require(join(repo, 'out', 'src', 'core', 'bench', 'schedule.js'));
const cli = join(repo, 'dist', 'cli.js');
const ws = join(repo, 'examples', 'midi-studio');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const RUNS = arg('--runs', 400);
const EXAMPLE_RUNS = arg('--example-runs', 20);
const cargoBin = join(homedir(), '.cargo', 'bin');
if (existsSync(cargoBin)) process.env.PATH = `${process.env.PATH}:${cargoBin}`;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const us = (ms) => `${(ms * 1000).toFixed(0)} µs`;

function ensureHyperfine() {
  if (spawnSync('hyperfine', ['--version']).status === 0) return;
  if (process.platform === 'linux' && process.getuid?.() === 0) {
    console.log('installing hyperfine (apt-get install -y hyperfine)…');
    if (spawnSync('apt-get', ['install', '-y', 'hyperfine'], { stdio: 'ignore' }).status !== 0) {
      spawnSync('apt-get', ['update'], { stdio: 'ignore' });
      spawnSync('apt-get', ['install', '-y', 'hyperfine'], { stdio: 'inherit' });
    }
  }
  if (spawnSync('hyperfine', ['--version']).status !== 0) {
    console.error('hyperfine is needed for this comparison: `sudo apt-get install hyperfine` (Debian/Ubuntu), `brew install hyperfine`, or `cargo install hyperfine`');
    process.exit(1);
  }
}

/** hyperfine's own samples (ms) for one command, no shell (-N), as --export-json records them. */
function hyperfine(argv, runs, warmup, dir) {
  return hyperfineFull(argv, runs, warmup, dir).times;
}

/** The samples, and the mean user+system CPU time per run (ms) hyperfine reports. */
function hyperfineFull(argv, runs, warmup, dir) {
  const out = join(dir, 'hyperfine.json');
  execFileSync('hyperfine', ['-N', '--style', 'none', '--warmup', String(warmup), '--runs', String(runs), '--export-json', out, argv.map(quote).join(' ')], { stdio: 'ignore' });
  const r = JSON.parse(readFileSync(out, 'utf8')).results[0];
  return { times: r.times.map((s) => s * 1000), cpuMs: (r.user + r.system) * 1000 };
}
const quote = (s) => (/^[\w./+-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`);

/**
 * Our samples (ms): rounds of `perRound` jobs (one per variant), as many rounds per probe call as
 * the engine would batch (run-bench.ts, schedule.roundsPerCall).
 */
async function probe(probeExe, argv, rounds, perRound, dir) {
  const times = [];
  const policy = { ...DEFAULT_STOP, fixedRounds: rounds };
  let done = 0;
  let elapsed = 0;
  while (done < rounds) {
    const n = roundsPerCall(policy, done, elapsed);
    const jobs = Array.from({ length: n * perRound }, (_, i) => ({ id: `v${i % perRound}`, argv, stderrFile: join(dir, `v${i % perRound}.stderr`) }));
    const t = process.hrtime.bigint();
    const res = await runProbe(probeExe, jobs, { cwd: dir, env: {}, workDir: dir });
    elapsed += Number(process.hrtime.bigint() - t) / 1e6;
    done += n;
    for (const x of res) {
      if (x.status !== 'exit:0') throw new Error(`${argv.join(' ')}: ${x.status}`);
      times.push(x.wallMs);
      probeCpu.push(x.cpuMs);
    }
  }
  return times;
}
/** CPU times (ms) of the probe's runs, for the agreement check (filled by probe()). */
let probeCpu = [];

ensureHyperfine();
const dir = mkdtempSync(join(tmpdir(), 'pgo-bench-harness-'));
try {
  const rustcLine = execFileSync('rustc', ['-V'], { encoding: 'utf8' }).trim();
  const hfVersion = execFileSync('hyperfine', ['--version'], { encoding: 'utf8' }).trim();
  console.log(`bench:harness — ${rustcLine}, ${hfVersion}, ${process.platform}\n`);
  const probeExe = await ensureProbe(join(dir, 'probe'), rustcLine);
  const trivialSrc = join(dir, 'trivial.rs');
  writeFileSync(trivialSrc, 'fn main() {}\n');
  const trivial = join(dir, 'trivial');
  execFileSync('rustc', ['-O', '-o', trivial, trivialSrc]);

  // 1. Per-run overhead, in interleaved blocks so a drift of the machine hits both alike.
  const BLOCKS = 4;
  const per = Math.max(4, Math.round(RUNS / BLOCKS / 4) * 4);
  const hf = [];
  const ours = [];
  const hfWall = [];
  const oursWall = [];
  await probe(probeExe, [trivial], 1, 4, dir); // warm-up, as the engine's warm-up round
  for (let b = 0; b < BLOCKS; b++) {
    let t = process.hrtime.bigint();
    hf.push(...hyperfine([trivial], per, 10, dir));
    hfWall.push(Number(process.hrtime.bigint() - t) / 1e6 / per);
    t = process.hrtime.bigint();
    ours.push(...(await probe(probeExe, [trivial], per / 4, 4, dir)));
    oursWall.push(Number(process.hrtime.bigint() - t) / 1e6 / per);
  }
  const ratio = median(ours) / median(hf);
  console.log(`1. per-run overhead on a trivial binary (${hf.length} runs each, the time each harness measures for a program that does nothing):`);
  console.log(`   hyperfine -N median ${us(median(hf))} (min ${us(Math.min(...hf))})`);
  console.log(`   pgo bench probe median ${us(median(ours))} (min ${us(Math.min(...ours))})`);
  console.log(`   ratio ${ratio.toFixed(2)}× hyperfine's (target ≤ 1.10×): ${ratio <= 1.1 ? 'met' : 'NOT met'}`);
  console.log(
    `   wall clock per run including each harness's own bookkeeping: hyperfine ${us(median(hfWall))}, ` +
      `pgo bench ${us(median(oursWall))} (rounds of 4 runs, batched per probe call as the engine does)\n`,
  );

  // 2. Medians on the example's real binaries (built or reused by pgo bench itself).
  console.log('2. building/reusing the example\'s release and pgo binaries (pgo bench pipeline --runs 1 --variants pgo)…');
  const r = spawnSync(process.execPath, [cli, 'bench', 'pipeline', '--runs', '1', '--variants', 'pgo', '--json', '--workspace', ws], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`pgo bench failed:\n${r.stderr}`);
  const results = JSON.parse(r.stdout)[0];
  const argvOf = (bin) => ['2000', '--seed', '9'].reduce((a, x) => [...a, x], [bin]);
  console.log(`   ${EXAMPLE_RUNS} runs each, alternating run by run (which harness goes first alternates), midi-import 2000 --seed 9:`);
  let worst = 0;
  let worstCpu = 0;
  for (const v of results.variants) {
    const bin = v.binaries[0].path;
    const h = [];
    const hCpu = [];
    const o = [];
    probeCpu = [];
    for (let done = 0; done < EXAMPLE_RUNS; done++) {
      const viaHyperfine = () => {
        const x = hyperfineFull(argvOf(bin), 1, 0, dir);
        h.push(...x.times);
        hCpu.push(x.cpuMs);
      };
      if (done % 2 === 0) {
        viaHyperfine();
        o.push(...(await probe(probeExe, argvOf(bin), 1, 1, dir)));
      } else {
        o.push(...(await probe(probeExe, argvOf(bin), 1, 1, dir)));
        viaHyperfine();
      }
    }
    const diff = median(o) / median(h) - 1;
    const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const cpuDiff = mean(probeCpu) / mean(hCpu) - 1;
    worst = Math.max(worst, Math.abs(diff));
    worstCpu = Math.max(worstCpu, Math.abs(cpuDiff));
    console.log(
      `   ${v.name.padEnd(8)} wall: hyperfine median ${median(h).toFixed(1)} ms, pgo bench median ${median(o).toFixed(1)} ms (${(diff * 100).toFixed(1)}%); ` +
        `user+system CPU: hyperfine mean ${mean(hCpu).toFixed(1)} ms, pgo bench mean ${mean(probeCpu).toFixed(1)} ms (${(cpuDiff * 100).toFixed(1)}%)`,
    );
  }
  console.log(`   largest wall-time median difference ${(worst * 100).toFixed(1)}% (target ≤ 3%): ${worst <= 0.03 ? 'met' : 'NOT met (a shared machine drifts between blocks: compare the CPU times, and rerun on a quiet machine)'}`);
  console.log(`   largest CPU-time difference ${(worstCpu * 100).toFixed(1)}%`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
