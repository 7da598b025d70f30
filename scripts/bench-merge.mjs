// npm run bench:merge — a benchmark, not a test. How long the fan-in of CI profiles takes, and in
// how much memory, for 8 and for 100 raw profiles (one per CI job, or per machine).
//  1. Copies examples/midi-studio, builds its `pipeline` component instrumented (`pgo instrument`),
//     and runs the instrumented midi-import 100 times with different seeds, each writing its own
//     .profraw (as 100 workload jobs would upload).
//  2. For 8 and for 100 of them, interleaved, --runs times each: `llvm-profdata merge` alone (the
//     tool's own cost) and the whole `pgo merge pipeline --add DIR --weight 2` (checks each input
//     against the instrumented build, merges, reads the profile, builds the source index).
//     Wall time and peak RSS of the largest process (GNU /usr/bin/time when present; Linux-only
//     figures otherwise are left out), median of the runs.
// Needs `node scripts/build.mjs` (dist/cli.js) and a matching llvm-profdata (`pgo doctor`).
// Options: --runs N (default 3), --size N (workload size per run, default 200), --keep.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
const cli = join(repo, 'dist', 'cli.js');
const argValue = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const RUNS = Number(argValue('--runs') ?? 3);
const SIZE = Number(argValue('--size') ?? 200);
const KEEP = process.argv.includes('--keep');
const COUNTS = [8, 100];
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr ?? ''}${r.stdout ?? ''}`);
  return r;
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Wall ms and peak RSS (MB, of the largest process in the tree) of one command. */
function measure(cmd, args, opts = {}) {
  if (GNU_TIME) {
    const started = performance.now();
    const r = sh(GNU_TIME, ['-f', 'PGO_BENCH_RSS_KB=%M', cmd, ...args], opts);
    const ms = performance.now() - started;
    const kb = Number(/PGO_BENCH_RSS_KB=(\d+)/.exec(r.stderr)?.[1]);
    return { ms, rssMb: kb / 1024 };
  }
  const started = performance.now();
  sh(cmd, args, opts);
  return { ms: performance.now() - started, rssMb: Number.NaN };
}

const root = mkdtempSync(join(tmpdir(), 'pgo-bench-merge-'));
try {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `node scripts/build.mjs`');
  const ws = join(root, 'midi-studio');
  cpSync(join(repo, 'examples', 'midi-studio'), ws, { recursive: true, filter: (p) => !p.endsWith('/target') });
  const doctor = JSON.parse(spawnSync(process.execPath, [cli, 'doctor', '--json', '--workspace', ws], { encoding: 'utf8' }).stdout);
  const profdata = doctor.profdata?.chosen?.path;
  if (!profdata) throw new Error('no llvm-profdata matching rustc: run `node scripts/ensure-toolchain.mjs` or `pgo doctor`');
  const host = /^host: (.+)$/m.exec(sh('rustc', ['-vV']).stdout)?.[1]?.trim();
  console.log(`llvm-profdata: ${profdata} (${/LLVM version ([\d.]+)/.exec(sh(profdata, ['--version']).stdout)?.[1] ?? '?'})`);
  console.log('building examples/midi-studio `pipeline` instrumented…');
  sh(process.execPath, [cli, 'instrument', 'pipeline', '--workspace', ws]);
  const binary = join(ws, 'target', 'pgo', 'pipeline', 'instrumented', host, 'release', 'midi-import');

  const all = join(root, 'all');
  mkdirSync(all);
  const max = Math.max(...COUNTS);
  console.log(`recording ${max} raw profiles (midi-import ${SIZE} --seed 1…${max})…`);
  for (let i = 1; i <= max; i++) {
    sh(binary, [String(SIZE), '--seed', String(i)], { env: { ...process.env, LLVM_PROFILE_FILE: join(all, `job-${String(i).padStart(3, '0')}.profraw`) } });
  }
  const sets = new Map();
  for (const n of COUNTS) {
    const dir = join(root, `jobs-${n}`);
    mkdirSync(dir);
    const files = readdirSync(all).sort().slice(0, n);
    for (const f of files) cpSync(join(all, f), join(dir, f));
    sets.set(n, { dir, files: files.map((f) => join(dir, f)), bytes: files.reduce((b, f) => b + statSync(join(all, f)).size, 0) });
  }

  const results = new Map(COUNTS.flatMap((n) => [[`llvm-${n}`, []], [`pgo-${n}`, []]]));
  for (let run = 0; run < RUNS; run++) {
    for (const n of COUNTS) {
      const { files } = sets.get(n);
      results.get(`llvm-${n}`).push(measure(profdata, ['merge', ...files.map((f) => `--weighted-input=2,${f}`), '-o', join(root, `llvm-${n}.profdata`)]));
      results.get(`pgo-${n}`).push(measure(process.execPath, [cli, 'merge', 'pipeline', '--workspace', ws, '--add', sets.get(n).dir, '--weight', '2']));
    }
  }
  // The two merges agree (the engine only adds checks around llvm-profdata's merge).
  const meta = JSON.parse(readFileSync(join(ws, 'target', 'pgo', 'pipeline', 'pipeline.profdata.json'), 'utf8'));
  const show = (f) => sh(profdata, ['show', f]).stdout.match(/Total count: \d+/)?.[0];
  console.log(`\nlast pgo merge (${COUNTS.at(-1)} inputs): ${meta.functions} functions, total count ${meta.totalCount}; llvm-profdata alone: ${show(join(root, `llvm-${COUNTS.at(-1)}.profdata`))}`);
  console.log(`\nmedian of ${RUNS} run(s); peak RSS = largest process of the tree${GNU_TIME ? '' : ' (no /usr/bin/time: not measured)'}\n`);
  console.log('inputs  raw MB  llvm-profdata merge          pgo merge --add (whole phase)');
  for (const n of COUNTS) {
    const l = results.get(`llvm-${n}`);
    const p = results.get(`pgo-${n}`);
    const fmt = (xs) => `${(median(xs.map((x) => x.ms)) / 1000).toFixed(2).padStart(6)} s  ${median(xs.map((x) => x.rssMb)).toFixed(0).padStart(5)} MB`;
    console.log(`${String(n).padStart(6)}  ${(sets.get(n).bytes / 1e6).toFixed(1).padStart(6)}  ${fmt(l)}             ${fmt(p)}`);
  }
} finally {
  if (KEEP) console.log(`kept ${root}`);
  else rmSync(root, { recursive: true, force: true });
}
