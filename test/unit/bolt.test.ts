import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { selectVariants } from '../../src/core/bench/run-bench';
import { boltInputProblem, classifyBoltFailure, readBoltInputFacts, type BoltInputFacts } from '../../src/core/bolt/bolt-failure';
import { boltInstrumentFlags, boltOptimizeFlags, parseBoltHelp } from '../../src/core/bolt/bolt-flags';
import { parseBoltReport } from '../../src/core/bolt/bolt-phase';
import { FDATA_BATCH, fdataMergePlan } from '../../src/core/bolt/fdata-merge';
import { boltCheckLine, discoverBolt } from '../../src/core/bolt/bolt-tools';
import { defaultVariants, EMIT_RELOCS_RUSTFLAG, variantBuildSettings } from '../../src/core/config/bench-config';
import { defaultBuildSettings } from '../../src/core/config/config-schema';
import { parseConfig } from '../../src/core/config/load-config';
import { llvmToolInstallFixes } from '../../src/core/toolchain/llvm-tools';
import { tempDir } from './helpers';

// Excerpts of `llvm-bolt --help` as LLVM 22 (Debian's bolt-22) and LLVM 16 (bolt-16) print them.
const HELP_22 = `
  --dyno-stats                                          - print execution info based on profile
  --icf=<value>                                         - fold functions with identical code
    =all                                                -   Enable identical code folding
    =1                                                  -   Enable identical code folding
    =<empty>                                            -   Enable identical code folding
    =none                                               -   Disable identical code folding (default)
  --reorder-blocks=<value>                              - change layout of basic blocks in a function
    =none                                               -   do not reorder basic blocks
    =cache+                                             -   perform layout optimizing I-cache behavior
    =ext-tsp                                            -   perform layout optimizing I-cache behavior
  --reorder-functions=<value>                           - reorder and cluster functions (works only with relocations)
    =none                                               -   do not reorder functions
    =hfsort+                                            -   use cache-directed sort
    =cdsort                                             -   use cache-directed sort
  --split-all-cold                                      - outline as many cold basic blocks as possible
  --split-eh                                            - split C++ exception handling code
  --split-functions                                     - split functions into fragments
  --update-debug-sections                               - update DWARF debug sections of the executable
  --use-gnu-stack                                       - use GNU_STACK program header for new segment (workaround for issues with strip/objcopy)
`;

const HELP_OLD = `
  --icf                                                 - fold functions with identical code
  --reorder-blocks=<value>                              - change layout of basic blocks in a function
    =cache+                                             -   perform layout optimizing I-cache behavior
  --reorder-functions=<value>                           - reorder and cluster functions (works only with relocations)
    =hfsort                                             -   use hfsort algorithm
    =hfsort+                                            -   use hfsort+ algorithm
  --split-functions=<value>                             - split functions into hot and cold regions
    =0                                                  -   do not split any function
    =3                                                  -   split all functions
`;

describe('BOLT flags', () => {
  it('chooses ext-tsp, cdsort, splitting, ICF and dyno-stats from what the installed llvm-bolt offers', () => {
    const flags = boltOptimizeFlags(parseBoltHelp(HELP_22), { data: '/p/a.fdata', output: '/o/a', keepDebugInfo: true });
    assert.deepEqual(flags, [
      '-o=/o/a',
      '-data=/p/a.fdata',
      '-reorder-blocks=ext-tsp',
      '-reorder-functions=cdsort',
      '-split-functions',
      '-split-all-cold',
      '-split-eh',
      '-dyno-stats',
      '-use-gnu-stack',
      '-icf=all',
      '-update-debug-sections',
    ]);
    assert.ok(!boltOptimizeFlags(parseBoltHelp(HELP_22), { data: 'd', output: 'o', keepDebugInfo: false }).includes('-update-debug-sections'));
  });

  it('falls back to the older spellings of an older llvm-bolt (hfsort+, cache+, -split-functions=3)', () => {
    const flags = boltOptimizeFlags(parseBoltHelp(HELP_OLD), { data: 'd', output: 'o', keepDebugInfo: true });
    assert.deepEqual(flags, ['-o=o', '-data=d', '-reorder-blocks=cache+', '-reorder-functions=hfsort+', '-split-functions=3']);
  });

  it('instruments with a per-process profile file (no perf, no hardware counters)', () => {
    assert.deepEqual(boltInstrumentFlags({ output: '/i/app', profilePrefix: '/raw/app/prof' }), [
      '-instrument',
      '--instrumentation-file=/raw/app/prof',
      '--instrumentation-file-append-pid',
      '-o=/i/app',
    ]);
  });

  it("reads the profiled functions and the dyno-stats changes from llvm-bolt's report", () => {
    const r = parseBoltReport([
      'BOLT-INFO: 111 out of 665 functions in the binary (16.7%) have non-empty execution profile',
      '           663385736 : total branches',
      '           212443219 : taken branches (-27.9%)',
      '          5320041340 : executed instructions (-0.4%)',
      '             8301263 : all function calls (=)',
    ]);
    assert.deepEqual(r, { profiledFunctions: { profiled: 111, total: 665 }, dynoChanges: { 'taken branches': -27.9, 'executed instructions': -0.4 } });
  });
});

describe('why BOLT failed', () => {
  const cases: [string, string, RegExp][] = [
    ['BOLT-ERROR: instrumentation runtime libraries require relocations', 'no-relocations', /--emit-relocs/],
    ['BOLT-ERROR: function reordering only works when relocations are enabled', 'no-relocations', /--emit-relocs/],
    ["BOLT-ERROR: stripped binaries are not supported. If you know what you're doing, use --allow-stripped to proceed", 'stripped', /strip/],
    ['BOLT-ERROR: input file was compiled or linked with coverage support. Cannot optimize.', 'instrumented-input', /not on the instrumented one/],
    ['BOLT-ERROR: Unrecognized machine in ELF file', 'unsupported-arch', /x86_64 and AArch64/],
    ["ERROR: no valid profile data found\nBOLT-ERROR: 'cannot pre-process profile': Input/output error.", 'no-profile', /exits normally/],
    ['BOLT-ERROR: library not found: /usr/lib/llvm-22/lib/libbolt_rt_instr.a', 'runtime-missing', /libbolt-<major>-dev/],
    ["llvm-bolt: Unknown command line argument '--split-eh'.  Try: 'llvm-bolt --help'", 'unknown-option', /newer BOLT/],
  ];
  for (const [text, id, fix] of cases) {
    it(`${id}: ${text.split('\n')[0]?.slice(0, 60) ?? ''}`, () => {
      const c = classifyBoltFailure(text.split('\n'));
      assert.equal(c?.id, id);
      assert.match(c?.fix ?? '', fix);
    });
  }

  it('leaves an unknown failure unclassified', () => {
    assert.equal(classifyBoltFailure(['BOLT-ERROR: something new']), undefined);
  });

  it('names the cause from the file itself before llvm-bolt runs', () => {
    const good: BoltInputFacts = { elf: true, machine: 62, hasSymtab: true, hasCodeRelocations: true, hasDebugInfo: false };
    assert.equal(boltInputProblem(good, 'linux'), undefined);
    assert.equal(boltInputProblem({ ...good, machine: 183 }, 'linux'), undefined, 'AArch64');
    assert.equal(boltInputProblem(good, 'darwin')?.id, 'not-linux');
    assert.equal(boltInputProblem({ ...good, elf: false }, 'linux')?.id, 'not-elf');
    assert.equal(boltInputProblem({ ...good, machine: 243 }, 'linux')?.id, 'unsupported-arch');
    assert.equal(boltInputProblem({ ...good, hasSymtab: false }, 'linux')?.id, 'stripped');
    const noRelocs = boltInputProblem({ ...good, hasCodeRelocations: false }, 'linux');
    assert.equal(noRelocs?.id, 'no-relocations');
    assert.match(noRelocs?.cause ?? '', /without --emit-relocs/);
  });

  it('reads a file that is not ELF as such', () => {
    const f = path.join(tempDir(), 'script.sh');
    fs.writeFileSync(f, '#!/bin/sh\necho hi\n');
    assert.equal(readBoltInputFacts(f).elf, false);
    assert.equal(boltInputProblem(readBoltInputFacts(f), 'linux')?.id, 'not-elf');
  });
});

describe('merging many .fdata files', () => {
  const files = (n: number): string[] => Array.from({ length: n }, (_, i) => `/raw/prof.${i}.fdata`);

  it('merges up to a batch in one merge-fdata command', () => {
    assert.deepEqual(fdataMergePlan(files(3), '/out.fdata', '/parts'), [{ inputs: files(3), output: '/out.fdata' }]);
    assert.deepEqual(fdataMergePlan(files(FDATA_BATCH), '/out.fdata', '/parts').length, 1);
  });

  it('merges more in batches, then merges the batches, every input exactly once and each command within the batch size', () => {
    for (const [n, batch, levels] of [[FDATA_BATCH + 1, FDATA_BATCH, 2], [7, 3, 2], [10, 3, 3], [27, 3, 3], [28, 3, 4]] as const) {
      const plan = fdataMergePlan(files(n), '/out.fdata', '/parts', batch);
      assert.ok(plan.every((s) => s.inputs.length >= 1 && s.inputs.length <= batch), `${n}/${batch}: ${JSON.stringify(plan)}`);
      assert.equal(plan.at(-1)?.output, '/out.fdata');
      const written = plan.map((s) => s.output);
      assert.equal(new Set(written).size, written.length, 'no output written twice');
      // Each partial file is written before it is read, and read exactly once.
      plan.forEach((s, i) => {
        for (const input of s.inputs.filter((f) => f.startsWith('/parts/'))) assert.ok(written.indexOf(input) < i && written.indexOf(input) >= 0, input);
      });
      const read = plan.flatMap((s) => s.inputs);
      assert.deepEqual(read.filter((f) => !f.startsWith('/parts/')).sort(), files(n).sort());
      assert.deepEqual(read.filter((f) => f.startsWith('/parts/')).sort(), written.slice(0, -1).sort());
      assert.equal(new Set(plan.map((s) => s.output.split('-')[1])).size, levels, `${n}/${batch} levels`);
    }
  });

  it('refuses a batch size that could never finish', () => {
    assert.throws(() => fdataMergePlan(files(3), '/out.fdata', '/parts', 1), /batch size must be an integer ≥ 2, not 1/);
  });
});

describe("the doctor's BOLT line", () => {
  const rustc = { llvmMajor: 22, host: 'x86_64-unknown-linux-gnu', sysroot: '/nonexistent' };

  it('on macOS and Windows: unavailable, and not a problem for PGO', async () => {
    for (const platform of ['darwin', 'win32'] as const) {
      const line = boltCheckLine(await discoverBolt(rustc, { platform }), 'x86_64');
      assert.equal(line.status, 'ok');
      assert.match(line.message, new RegExp(`not available on ${platform}: .*Linux ELF binaries only; PGO does not need it`));
    }
  });

  it('on Linux without llvm-bolt: a warning with the Debian package of rustc\'s LLVM major', async () => {
    const root = tempDir();
    fs.mkdirSync(path.join(root, 'usr', 'bin'), { recursive: true });
    fs.writeFileSync(path.join(root, 'usr', 'bin', 'apt-get'), '');
    const line = boltCheckLine(await discoverBolt(rustc, { platform: 'linux', fsRoot: root, env: { PATH: path.join(root, 'none') } }), 'x86_64');
    assert.equal(line.status, 'warn');
    assert.match(line.message, /llvm-bolt and merge-fdata not found: only `pgo bolt` and the bolt bench variants need them, not PGO/);
    assert.match(line.fix ?? '', /^apt-get install bolt-22; or set LLVM_BOLT to a llvm-bolt$/);
  });

  it('on Linux with both (any LLVM version): ok, merge-fdata found beside llvm-bolt', async () => {
    const root = tempDir();
    const bin = path.join(root, 'usr', 'lib', 'llvm-22', 'bin');
    fs.mkdirSync(bin, { recursive: true });
    for (const t of ['llvm-bolt', 'merge-fdata']) fs.writeFileSync(path.join(bin, t), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    const line = boltCheckLine(await discoverBolt(rustc, { platform: 'linux', fsRoot: root, env: { PATH: '' } }), 'x86_64');
    assert.equal(line.status, 'ok');
    assert.equal(line.message, `${path.join(bin, 'llvm-bolt')} and ${path.join(bin, 'merge-fdata')} (for \`pgo bolt\`; any LLVM version works)`);
  });

  it('names a LLVM_BOLT that cannot be used instead of searching past it', async () => {
    const line = boltCheckLine(await discoverBolt(rustc, { platform: 'linux', env: { PATH: '', LLVM_BOLT: '/nonexistent/llvm-bolt' } }), 'x86_64');
    assert.equal(line.status, 'warn');
    assert.match(line.message, /^LLVM_BOLT=\/nonexistent\/llvm-bolt cannot be used: the file does not exist/);
  });

  it('on an architecture BOLT does not support: unavailable, not a warning', async () => {
    const line = boltCheckLine(await discoverBolt(rustc, { platform: 'linux' }), 'riscv64gc');
    assert.equal(line.status, 'ok');
    assert.match(line.message, /not available for riscv64gc/);
  });

  it('offers no Homebrew formula for BOLT', () => {
    assert.deepEqual(llvmToolInstallFixes('llvm-bolt', rustc, { platform: 'darwin' }), ['set LLVM_BOLT to a llvm-bolt']);
  });
});

describe('the bolt and pgo+bolt variants', () => {
  it('are available by name without being declared, and link with --emit-relocs', () => {
    const chosen = selectVariants(defaultVariants(), ['pgo', 'bolt', 'pgo+bolt']);
    assert.deepEqual(chosen.map((v) => [v.name, v.pgo, v.bolt ?? false]), [['release', false, false], ['pgo', true, false], ['bolt', false, true], ['pgo+bolt', true, true]]);
    const base = { ...defaultBuildSettings(), rustflags: ['-Ctarget-cpu=native'] };
    assert.deepEqual(variantBuildSettings(base, chosen[2]!).rustflags, ['-Ctarget-cpu=native', EMIT_RELOCS_RUSTFLAG]);
    assert.deepEqual(variantBuildSettings(base, chosen[1]!).rustflags, ['-Ctarget-cpu=native']);
  });

  it('can be declared in pgo.yaml with bolt: true (and release cannot be one)', () => {
    const { config } = parseConfig('variants:\n  lto+bolt: { bolt: true, build: { lto: fat } }\ncomponents:\n  p: { packages: [pipeline] }\n', '/ws/pgo.yaml');
    assert.deepEqual(config.variants?.map((v) => [v.name, v.bolt ?? false]), [['release', false], ['lto+bolt', true]]);
    assert.throws(() => parseConfig('variants:\n  release: { bolt: true }\ncomponents:\n  p: { packages: [pipeline] }\n', '/ws/pgo.yaml'), /"release" is the baseline/);
  });
});
