// npm run bench:profile — a benchmark, not a test. How fast, and in how much memory, the engine
// reads a large profile (src/core/profile: readProfile + ShowOutputParser), next to what
// llvm-profdata itself takes to print it.
//  1. Writes a synthetic IR text profile (the format `llvm-profdata merge --text` prints) of
//     100,000 functions with Rust legacy-mangled names (some `<cgu>;`-prefixed, like local
//     functions) and 1–64 counters each, and merges it to a binary .profdata with llvm-profdata.
//  2. Measures, interleaved, each in its own process: llvm-profdata `show --all-functions --counts`
//     to /dev/null; readProfile() (that same show plus our parser, as the engine runs it); and the
//     parser alone, streaming the pre-captured show text from disk with readline. Peak memory is
//     the child node process's maxRSS minus a baseline node process that only loads the code.
//  3. Source mapping (the source index built at merge): builds examples/midi-studio instrumented
//     with `debug = limited` (its own setting) and `debug = full` (a larger binary), and maps every
//     instrumented function of each binary to file:line twice, interleaved, each in its own
//     process: with the built-in DWARF reader (the engine's first path) and through llvm-dwarfdump
//     (the fallback). Time, peak RSS (of the largest process: node, or llvm-dwarfdump under it;
//     measured with /usr/bin/time when present), how many functions each maps, and whether the
//     two agree on every line. Target: the built-in reader no slower than llvm-dwarfdump, in CPU time
//     of the process tree (wall time is printed too, but swings with the load of a shared machine).
// Needs `node scripts/build.mjs` only for dist/cli.js (to find the matching llvm-profdata).
// Options: --functions N (default 100000), --runs N (default 3), --llvm-profdata PATH,
//          --keep (keep the temp dir), --strict (exit 1 when a target is missed),
//          --skip-dwarf (no source-mapping part: it builds the example twice).
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, realpathSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
const argValue = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const FUNCTIONS = Number(argValue('--functions') ?? 100_000);
const RUNS = Number(argValue('--runs') ?? 3);
const KEEP = process.argv.includes('--keep');
const STRICT = process.argv.includes('--strict');
const SKIP_DWARF = process.argv.includes('--skip-dwarf');
const TARGET_PARSE_RATIO = 0.5; // parse only ≤ 0.5× llvm-profdata's own print time
const TARGET_READ_RATIO = 1 + TARGET_PARSE_RATIO; // readProfile = print + parse, overlapped
const TARGET_UPDATE_MS = 10;
const TARGET_RSS_MB = 150;

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr ?? ''}`);
  return r.stdout;
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function findLlvmProfdata() {
  const given = argValue('--llvm-profdata');
  if (given) return given;
  const cli = join(repo, 'dist', 'cli.js');
  if (existsSync(cli)) {
    const r = spawnSync(process.execPath, [cli, 'doctor', '--json', '--workspace', join(repo, 'examples', 'midi-studio')], { encoding: 'utf8' });
    try {
      const chosen = JSON.parse(r.stdout).profdata?.chosen?.path;
      if (chosen) return chosen;
    } catch {
      /* fall through */
    }
  }
  for (const p of ['/usr/lib/llvm-22/bin/llvm-profdata', '/usr/bin/llvm-profdata-22']) if (existsSync(p)) return p;
  throw new Error('no llvm-profdata matching rustc: run `node scripts/ensure-toolchain.mjs` or pass --llvm-profdata PATH');
}

// ---- 1. The synthetic profile --------------------------------------------------------------

/** mulberry32: a small seeded PRNG, so every run benchmarks the same profile. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = prng(0x5eed);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const hex = (digits) => {
  let s = '';
  for (let i = 0; i < digits; i++) s += '0123456789abcdef'[Math.floor(rand() * 16)];
  return s;
};

const CRATES = ['pipeline', 'daw', 'midi_core', 'serde_json', 'regex_automata', 'hashbrown', 'tokio', 'rayon_core', 'smallvec', 'memchr', 'aho_corasick', 'bytes', 'core', 'alloc', 'std'];
const MODS = ['raw', 'vec', 'iter', 'parse', 'de', 'ser', 'sync', 'runtime', 'task', 'map', 'slice', 'sort', 'fmt', 'io', 'analysis', 'smf', 'render', 'mixer', 'engine', 'util'];
const TYPES = ['Parser', 'Vec', 'HashMap', 'Deserializer', 'Track', 'Event', 'Buffer', 'Reader', 'Writer', 'State', 'Scheduler', 'Mixer', 'Voice', 'Node', 'Builder'];
const FNS = ['new', 'parse', 'next', 'drop', 'from_iter', 'push', 'insert', 'get', 'with_capacity', 'poll', 'run', 'render', 'deserialize_any', 'visit_seq', 'fmt', 'clone', 'eq', 'hash', 'process', 'read_exact'];
const TRAITS = ['core..ops..drop..Drop', 'core..iter..traits..iterator..Iterator', 'core..fmt..Debug', 'core..clone..Clone', 'serde..de..Deserializer'];
const CRATE_DISAMBIGUATOR = Object.fromEntries(CRATES.map((c) => [c, hex(16)]));

/** A Rust legacy (`_ZN…17h<hash>E`) symbol, in one of the shapes rustc emits most. */
function mangledName() {
  const crate = pick(CRATES);
  let segments;
  const shape = rand();
  if (shape < 0.5) {
    segments = [crate, pick(MODS), ...(rand() < 0.6 ? [pick(TYPES)] : []), pick(FNS)];
  } else if (shape < 0.8) {
    // <crate::mod::Type<T> as some::Trait>::method
    segments = [`_$LT$${crate}..${pick(MODS)}..${pick(TYPES)}$LT$T$GT$$u20$as$u20$${pick(TRAITS)}$GT$`, pick(FNS)];
  } else {
    // core::ptr::drop_in_place<crate::mod::Type>
    segments = ['core', 'ptr', `drop_in_place$LT$${crate}..${pick(MODS)}..${pick(TYPES)}$GT$`];
  }
  const mangled = `_ZN${segments.map((s) => `${s.length}${s}`).join('')}17h${hex(16)}E`;
  // Local (internal-linkage) functions carry their codegen unit, as in real rustc profiles.
  return rand() < 0.3 ? `${crate}.${CRATE_DISAMBIGUATOR[crate]}-cgu.${Math.floor(rand() * 16)};${mangled}` : mangled;
}

/** A counter value: many blocks never run, the rest spread over nine orders of magnitude. */
const counterValue = () => (rand() < 0.4 ? 0 : Math.floor(10 ** (rand() * 9)));

function writeTextProfile(file) {
  const fd = openSync(file, 'w');
  let counters = 0;
  let chunk = '# IR level Instrumentation Flag\n:ir\n';
  for (let i = 0; i < FUNCTIONS; i++) {
    // IR function hashes stay below bit 60: LLVM reads that bit as the context-sensitive flag.
    const hash = (BigInt(Math.floor(rand() * 2 ** 28)) << 32n) | BigInt(Math.floor(rand() * 2 ** 32));
    const n = 1 + Math.floor(rand() * 64);
    counters += n;
    chunk += `${mangledName()}\n# Func Hash:\n${hash}\n# Num Counters:\n${n}\n# Counter Values:\n`;
    for (let c = 0; c < n; c++) chunk += `${counterValue()}\n`;
    chunk += '\n';
    if (chunk.length > 1 << 20) {
      writeSync(fd, chunk);
      chunk = '';
    }
  }
  writeSync(fd, chunk);
  closeSync(fd);
  return counters;
}

// ---- 2. Measurements -----------------------------------------------------------------------

function timeShowToDevNull(llvmProfdata, profdata) {
  const devNull = openSync('/dev/null', 'w');
  try {
    const t = process.hrtime.bigint();
    const r = spawnSync(llvmProfdata, ['show', '--all-functions', '--counts', profdata], { stdio: ['ignore', devNull, 'pipe'] });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (r.status !== 0) throw new Error(`llvm-profdata show failed: ${r.stderr}`);
    return ms;
  } finally {
    closeSync(devNull);
  }
}

function runEntry(bundle, args) {
  const out = sh(process.execPath, [bundle, ...args]);
  return JSON.parse(out.trim().split('\n').pop());
}

const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** runEntry, with the peak RSS of the largest process in its tree (GNU time's %M) when available. */
function runEntryTree(bundle, args) {
  if (!GNU_TIME) return { ...runEntry(bundle, args), treeKb: undefined };
  const r = spawnSync(GNU_TIME, ['-f', 'maxrss-kb=%M cpu-s=%U+%S', process.execPath, bundle, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr ?? ''}`);
  const treeKb = Number(/maxrss-kb=(\d+)/.exec(r.stderr ?? '')?.[1]);
  // User + system CPU of the whole tree (node and the llvm-dwarfdump it waited for).
  const cpu = /cpu-s=([\d.]+)\+([\d.]+)/.exec(r.stderr ?? '');
  const treeCpuMs = cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : undefined;
  return { ...JSON.parse(r.stdout.trim().split('\n').pop()), treeKb, treeCpuMs };
}

/** The example, instrumented, with CARGO_PROFILE_RELEASE_DEBUG=`debug`: its two binaries. */
function buildExample(dir, debug) {
  const target = join(dir, `example-${debug}`);
  const t = process.hrtime.bigint();
  sh('cargo', ['build', '--release', '--quiet', '--target-dir', target], {
    cwd: join(repo, 'examples', 'midi-studio'),
    env: { ...process.env, CARGO_PROFILE_RELEASE_DEBUG: debug, RUSTFLAGS: `-Cprofile-generate=${join(dir, 'profraw')}` },
  });
  const buildS = Number(process.hrtime.bigint() - t) / 1e9;
  return { buildS, binaries: ['midi-import', 'daw-render'].map((b) => join(target, 'release', b)) };
}

function benchSourceMapping(bundle, dir, llvmProfdata, baseKb) {
  const llvmBinDir = dirname(realpathSync(llvmProfdata));
  const baseCpu = GNU_TIME ? median([0, 1, 2].map(() => runEntryTree(bundle, ['baseline']).treeCpuMs ?? 0)) : 0;
  console.log(`\nsource mapping (the source index built at merge), median of ${RUNS}; llvm-dwarfdump from ${llvmBinDir} or the tool finder:`);
  const rows = [];
  for (const debug of ['limited', 'full']) {
    const { buildS, binaries } = buildExample(dir, debug);
    for (const bin of binaries) {
      const builtin = [];
      const tools = [];
      for (let i = 0; i < RUNS; i++) {
        builtin.push(runEntryTree(bundle, ['dwarf-builtin', bin, llvmBinDir]));
        tools.push(runEntryTree(bundle, ['dwarf-tools', bin, llvmBinDir]));
      }
      const b = builtin[0];
      const t = tools[0];
      const toolLines = new Set(t.locations);
      const agree = b.locations.filter((l) => toolLines.has(l)).length;
      const peakMb = (ms) => (median(ms.map((m) => m.treeKb ?? m.maxRssKb)) - baseKb) / 1024;
      rows.push({
        name: `${bin.split('/').pop()} (debug=${debug}, ${(statSync(bin).size / (1 << 20)).toFixed(1)} MB, built in ${buildS.toFixed(0)} s)`,
        builtinMs: median(builtin.map((m) => m.ms)),
        toolsMs: median(tools.map((m) => m.ms)),
        builtinMb: peakMb(builtin),
        builtinCpu: GNU_TIME ? median(builtin.map((m) => m.treeCpuMs)) - baseCpu : undefined,
        toolsCpu: GNU_TIME ? median(tools.map((m) => m.treeCpuMs)) - baseCpu : undefined,
        toolsMb: peakMb(tools),
        names: b.names,
        builtinMapped: b.mapped,
        toolsMapped: t.mapped,
        agree,
        toolsMethod: t.method,
      });
    }
  }
  // On a shared machine wall time swings with the load; CPU time (node + llvm-dwarfdump) does not.
  const faster = (r) => (r.builtinCpu !== undefined && r.toolsCpu !== undefined ? r.builtinCpu <= r.toolsCpu : r.builtinMs <= r.toolsMs);
  // "built-in" is what a machine with only rustup's llvm-tools (no llvm-dwarfdump) maps.
  const table = [['binary', 'built-in', 'llvm-dwarfdump', 'ratio', 'CPU built-in / dwarfdump', 'peak RSS built-in / dwarfdump', 'mapped built-in (rustup-only) / dwarfdump of N', 'same line', 'met']];
  for (const r of rows) {
    table.push([
      r.name,
      `${r.builtinMs.toFixed(0)} ms`,
      `${r.toolsMs.toFixed(0)} ms`,
      `${(r.builtinMs / r.toolsMs).toFixed(2)}×`,
      r.builtinCpu !== undefined ? `${r.builtinCpu.toFixed(0)} / ${r.toolsCpu.toFixed(0)} ms` : 'n/a',
      `${r.builtinMb.toFixed(0)} / ${r.toolsMb.toFixed(0)} MB`,
      `${r.builtinMapped} (${((r.builtinMapped / r.names) * 100).toFixed(1)}%) / ${r.toolsMapped} (${((r.toolsMapped / r.names) * 100).toFixed(1)}%) of ${r.names}`,
      `${r.agree} of ${r.toolsMapped}`,
      faster(r) && r.agree >= r.toolsMapped ? 'yes' : 'NO',
    ]);
  }
  const w = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  for (const row of table) console.log(row.map((cell, c) => cell.padEnd(w[c])).join('  '));
  console.log(
    `(wall: the lookup alone; CPU: user+system of node and llvm-dwarfdump, minus a bare node process, the target's measure${GNU_TIME ? '' : ' (no /usr/bin/time: wall instead)'}; ` +
      `peak RSS: of the largest process, minus a bare node process; dwarfdump path method: ${[...new Set(rows.map((r) => r.toolsMethod))].join(', ')})`,
  );
  return rows.map((r) => [r.name, '', '', faster(r) && r.agree >= r.toolsMapped]);
}

async function main() {
  const llvmProfdata = findLlvmProfdata();
  const dir = mkdtempSync(join(tmpdir(), 'pgo-bench-profile-'));
  try {
    const bundle = join(dir, 'bench-profile-entry.js');
    await esbuild.build({
      entryPoints: [join(repo, 'scripts', 'bench-profile-entry.ts')],
      outfile: bundle,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      logLevel: 'warning',
    });

    const text = join(dir, 'synthetic.proftext');
    const profdata = join(dir, 'synthetic.profdata');
    const showText = join(dir, 'show.txt');
    const counters = writeTextProfile(text);
    sh(llvmProfdata, ['merge', '-o', profdata, text]);
    const showFd = openSync(showText, 'w');
    const r = spawnSync(llvmProfdata, ['show', '--all-functions', '--counts', profdata], { stdio: ['ignore', showFd, 'pipe'] });
    closeSync(showFd);
    if (r.status !== 0) throw new Error(`llvm-profdata show failed: ${r.stderr}`);
    const version = /LLVM version ([\d.]+)/.exec(sh(llvmProfdata, ['show', '--version']))?.[1] ?? '?';
    const mb = (bytes) => `${(bytes / (1 << 20)).toFixed(1)} MB`;
    console.log(`bench:profile — ${FUNCTIONS.toLocaleString('en-US')} functions, ${counters.toLocaleString('en-US')} counters`);
    console.log(`llvm-profdata ${llvmProfdata} (LLVM ${version}); node ${process.version}`);
    console.log(`text profile ${mb(statSync(text).size)}, .profdata ${mb(statSync(profdata).size)}, show output ${mb(statSync(showText).size)}; median of ${RUNS}\n`);

    const baseline = [];
    const print = [];
    const read = [];
    const parse = [];
    const readKeep = [];
    for (let i = 0; i < RUNS; i++) {
      baseline.push(runEntry(bundle, ['baseline']));
      print.push(timeShowToDevNull(llvmProfdata, profdata));
      read.push(runEntry(bundle, ['read', llvmProfdata, profdata]));
      parse.push(runEntry(bundle, ['parse', showText]));
      readKeep.push(runEntry(bundle, ['read-keep', llvmProfdata, profdata]));
    }
    for (const m of [...read, ...parse, ...readKeep]) {
      if (m.functions !== FUNCTIONS) throw new Error(`${m.mode} read ${m.functions} functions, expected ${FUNCTIONS}`);
    }

    const baseKb = median(baseline.map((m) => m.maxRssKb));
    const printMs = median(print);
    const readMs = median(read.map((m) => m.ms));
    const parseMs = median(parse.map((m) => m.ms));
    const rssMb = (ms) => (median(ms.map((m) => m.maxRssKb)) - baseKb) / 1024;
    const readRss = rssMb(read);
    const parseRss = rssMb(parse);
    const keepRss = rssMb(readKeep);
    const secs = (ms) => `${(ms / 1000).toFixed(3)} s`;
    const rows = [
      ['llvm-profdata show → /dev/null (print)', secs(printMs), 'reference', ''],
      ['readProfile (show + parse, streamed)', secs(readMs), `≤ ${secs(printMs * TARGET_READ_RATIO)}`, readMs <= printMs * TARGET_READ_RATIO],
      ['  readProfile / print', `${(readMs / printMs).toFixed(2)}×`, `≤ ${TARGET_READ_RATIO.toFixed(2)}×`, readMs / printMs <= TARGET_READ_RATIO],
      ['parse only (show text from disk)', secs(parseMs), `≤ ${secs(printMs * TARGET_PARSE_RATIO)}`, parseMs <= printMs * TARGET_PARSE_RATIO],
      ['  parse / print', `${(parseMs / printMs).toFixed(2)}×`, `≤ ${TARGET_PARSE_RATIO.toFixed(2)}×`, parseMs / printMs <= TARGET_PARSE_RATIO],
      ['peak RSS readProfile − baseline', `${readRss.toFixed(1)} MB`, `< ${TARGET_RSS_MB} MB`, readRss < TARGET_RSS_MB],
      ['peak RSS parse only − baseline', `${parseRss.toFixed(1)} MB`, `< ${TARGET_RSS_MB} MB`, parseRss < TARGET_RSS_MB],
      ['peak RSS readProfile keepBlockCounts', `${keepRss.toFixed(1)} MB`, 'info', ''],
      ['  (baseline node RSS)', `${(baseKb / 1024).toFixed(1)} MB`, 'info', ''],
    ];
    const w = [0, 1, 2].map((c) => Math.max(...rows.map((row) => String(row[c]).length), ['figure', 'value', 'target'][c].length));
    const line = (cells) => cells.map((cell, c) => (c < 3 ? String(cell).padEnd(w[c]) : cell)).join('  ');
    console.log(line(['figure', 'value', 'target', 'met']));
    console.log(line(w.map((n) => '─'.repeat(n)).concat('───')));
    for (const [name, value, target, met] of rows) console.log(line([name, value, target, met === '' ? '' : met ? 'yes' : 'NO']));
    const runsOf = (label, xs) => `${label}: ${xs.map((ms) => secs(ms)).join(', ')}`;
    console.log(`\nruns — ${runsOf('print', print)}; ${runsOf('readProfile', read.map((m) => m.ms))}; ${runsOf('parse', parse.map((m) => m.ms))}`);
    const ann = runEntry(bundle, ['annotate']);
    const annRows = [
      ['file update, 5,000 lines / 500 functions', `${ann.msUnchanged.toFixed(2)} ms`, `< ${TARGET_UPDATE_MS} ms`, ann.msUnchanged < TARGET_UPDATE_MS],
      ['  the same after a line was inserted above', `${ann.msShifted.toFixed(2)} ms`, `< ${TARGET_UPDATE_MS} ms`, ann.msShifted < TARGET_UPDATE_MS],
    ];
    console.log('\nlenses + decorations (annotateFile: locate, stale check, texts), median of 30:');
    for (const [name, value, target, met] of annRows) console.log(line([name, value, target, met ? 'yes' : 'NO']));
    rows.push(...annRows);
    if (!SKIP_DWARF) rows.push(...benchSourceMapping(bundle, dir, llvmProfdata, baseKb));
    const missed = rows.filter((row) => row[3] === false).length;
    console.log(missed ? `${missed} target(s) missed` : 'all targets met');
    if (missed && STRICT) process.exitCode = 1;
  } finally {
    if (KEEP) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

await main();
