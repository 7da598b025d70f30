import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { splitProfileName } from '../../src/core/demangle';
import { ElfFile } from '../../src/core/dwarf/elf-file';
import { readFunctionLocations } from '../../src/core/dwarf/function-locations';
import { instrumentedFunctionNames } from '../../src/core/profile/elf-prf-names';
import { readProfile } from '../../src/core/profile/read-profile';
import { readSourceIndex } from '../../src/core/profile/source-index';
import { lookupSourceLocations, type SourceLookupResult } from '../../src/core/profile/source-locations';
import { findLlvmTool } from '../../src/core/toolchain/llvm-tools';
import { copyWorkspace, EXAMPLE, matchedProfdata, REPO, run, runCli } from './e2e-helpers';

/**
 * The built-in DWARF reader against the ground truth, llvm-dwarfdump, on real binaries: the
 * example built by the CLI (DWARF 4, and DWARF 5 with zlib-compressed sections), a C program from
 * gcc, and the example's whole merge phase with only the tools rustup's llvm-tools component has.
 */

interface Variant {
  ws: string;
  bin: (name: string) => string;
}

function instrumentedVariant(prefix: string, rustflags: string[], components: string[], debug = 'limited'): Variant {
  const ws = copyWorkspace(EXAMPLE, prefix);
  const configFile = path.join(ws, 'pgo.yaml');
  const doc = parseDocument(fs.readFileSync(configFile, 'utf8'));
  doc.setIn(['build', 'debug'], debug);
  doc.setIn(['build', 'rustflags'], rustflags);
  fs.writeFileSync(configFile, doc.toString());
  for (const component of components) {
    const r = runCli(['instrument', component, '--workspace', ws]);
    assert.equal(r.status, 0, r.output);
  }
  const bin = (name: string): string => {
    const dir = path.join(ws, 'target', 'pgo', name === 'daw-render' ? 'daw' : 'pipeline', 'instrumented');
    const host = fs.readdirSync(dir).find((d) => fs.existsSync(path.join(dir, d, 'release', name)));
    assert.ok(host, `${name} was built under ${dir}`);
    return path.join(dir, host, 'release', name);
  };
  return { ws, bin };
}

function profiledNames(binary: string): Set<string> {
  const names = instrumentedFunctionNames(binary);
  assert.ok(names && names.length > 0, `${binary} has a __llvm_prf_names section`);
  return new Set(names.map((n) => splitProfileName(n).mangled));
}

/** Every function llvm-dwarfdump maps must be at the same file and line; returns how many agree. */
function assertSameAsDwarfdump(builtin: SourceLookupResult, dwarfdump: SourceLookupResult, what: string): number {
  let same = 0;
  const differ: string[] = [];
  for (const [name, loc] of dwarfdump.locations) {
    const b = builtin.locations.get(name);
    if (b && b.file === loc.file && b.line === loc.line) same++;
    else differ.push(`${name}: built-in ${b ? `${b.file}:${b.line}` : 'none'}, llvm-dwarfdump ${loc.file}:${loc.line}`);
  }
  assert.deepEqual(differ, [], `${what}: ${differ.length} functions differ`);
  return same;
}

async function bothPaths(binary: string, names: Set<string>, llvmBinDir: string): Promise<{ builtin: SourceLookupResult; dwarfdump: SourceLookupResult }> {
  const builtin = await lookupSourceLocations({ binaries: [binary], llvmBinDir, mangledNames: names });
  const dwarfdump = await lookupSourceLocations({ binaries: [binary], llvmBinDir, mangledNames: names, builtinReader: false });
  return { builtin, dwarfdump };
}

describe('built-in DWARF reader vs llvm-dwarfdump (real rustc, gcc, LLVM tools)', function () {
  this.timeout(30 * 60_000);
  const cleanup: string[] = [];
  let dwarf4: Variant;
  let llvmBinDir: string;

  before(() => {
    dwarf4 = instrumentedVariant('pgo-dwarf4-', ['-Cdwarf-version=4'], ['pipeline', 'daw']);
    cleanup.push(dwarf4.ws);
    llvmBinDir = path.dirname(fs.realpathSync(matchedProfdata(dwarf4.ws)));
  });
  after(() => {
    for (const dir of cleanup) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('DWARF 4: maps every profiled function of both binaries to the file and line llvm-dwarfdump gives', async () => {
    for (const name of ['midi-import', 'daw-render']) {
      const bin = dwarf4.bin(name);
      assert.deepEqual(readFunctionLocations(bin, new Set()).stats.versions, [4]);
      const names = profiledNames(bin);
      const { builtin, dwarfdump } = await bothPaths(bin, names, llvmBinDir);
      assert.equal(builtin.method, 'builtin-dwarf:decl-line', builtin.note);
      assert.equal(dwarfdump.method, 'dwarf-decl-line', dwarfdump.note);
      const same = assertSameAsDwarfdump(builtin, dwarfdump, name);
      assert.ok(same >= names.size - 2, `${name}: ${same} of ${names.size}`);
      assert.equal(builtin.locations.size, dwarfdump.locations.size, `${name}: the built-in reader maps what llvm-dwarfdump maps, no more`);
      console.log(`      ${name}: ${same} of ${names.size} functions at llvm-dwarfdump's file:line`);
    }
  });

  it('DWARF 5 with zlib-compressed debug sections: the same lines as llvm-dwarfdump', async () => {
    const v = instrumentedVariant('pgo-dwarf5z-', ['-Cdwarf-version=5', '-Clink-arg=-Wl,--compress-debug-sections=zlib'], ['pipeline']);
    cleanup.push(v.ws);
    const bin = v.bin('midi-import');
    const elf = ElfFile.open(bin);
    assert.ok(elf);
    const info = elf.section('.debug_info');
    elf.close();
    assert.ok(info && (info.flags & 0x800) !== 0, '.debug_info is SHF_COMPRESSED');
    // The crate's own units are DWARF 5; std's prebuilt debug info keeps its own version.
    assert.ok(readFunctionLocations(bin, new Set()).stats.versions.includes(5));
    const names = profiledNames(bin);
    const { builtin, dwarfdump } = await bothPaths(bin, names, llvmBinDir);
    assert.equal(builtin.method, 'builtin-dwarf:decl-line', builtin.note);
    const same = assertSameAsDwarfdump(builtin, dwarfdump, 'midi-import (DWARF 5, zlib)');
    assert.ok(same >= names.size - 2, `${same} of ${names.size}`);
  });

  it('line-tables-only: the line of each function\'s first instruction, as llvm-nm + llvm-symbolizer give it', async () => {
    const v = instrumentedVariant('pgo-dwarf-lto-', [], ['pipeline', 'daw'], 'line-tables-only');
    cleanup.push(v.ws);
    for (const name of ['midi-import', 'daw-render']) {
      const bin = v.bin(name);
      const names = profiledNames(bin);
      const builtin = await lookupSourceLocations({ binaries: [bin], llvmBinDir, mangledNames: names });
      const symbolizer = await lookupSourceLocations({ binaries: [bin], llvmBinDir, mangledNames: names, builtinReader: false });
      assert.match(builtin.method, /builtin-dwarf:entry-line/);
      assert.match(symbolizer.method, /symbolizer-entry-line/);
      const same = assertSameAsDwarfdump(builtin, symbolizer, `${name} (line-tables-only)`);
      assert.equal(builtin.locations.size, symbolizer.locations.size);
      console.log(`      ${name}: ${same} of ${names.size} functions at llvm-symbolizer's file:line`);
    }
  });

  it('gcc -gdwarf-4 and -gdwarf-5 (C, with DW_AT_sibling): the same lines as llvm-dwarfdump', async function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgo-dwarf-c-'));
    cleanup.push(dir);
    const src = path.join(REPO, 'test', 'fixtures', 'c-dwarf', 'hot.c');
    for (const version of [4, 5]) {
      for (const compress of [false, true]) {
        const bin = path.join(dir, `hot-${version}${compress ? 'z' : ''}`);
        run('gcc', ['-O1', `-gdwarf-${version}`, ...(compress ? ['-Wl,--compress-debug-sections=zlib'] : []), '-o', bin, src]);
        const names = new Set(['main', 'collatz', 'helper']);
        const { builtin, dwarfdump } = await bothPaths(bin, names, llvmBinDir);
        assert.equal(dwarfdump.locations.size, 3, dwarfdump.note);
        assertSameAsDwarfdump(builtin, dwarfdump, path.basename(bin));
        assert.equal(builtin.locations.get('collatz')?.file, src);
      }
    }
  });

  it('with only the tools rustup\'s llvm-tools has, maps at least 95% of the profiled functions, at llvm-dwarfdump\'s lines', async () => {
    // A rustup-like LLVM: llvm-profdata, llvm-nm, llvm-objdump, llvm-readobj, llvm-size; no
    // llvm-dwarfdump, no llvm-symbolizer, and no other LLVM on the search path.
    const rustupLike = fs.mkdtempSync(path.join(os.tmpdir(), 'pgo-rustup-llvm-'));
    cleanup.push(rustupLike);
    for (const tool of ['llvm-profdata', 'llvm-nm', 'llvm-objdump', 'llvm-readobj', 'llvm-size']) {
      fs.symlinkSync(path.join(llvmBinDir, tool), path.join(rustupLike, tool));
    }
    // PGO_LLVM_TOOLS_DIR: the finder looks nowhere else (not in /usr/lib/llvm-<N>, not on PATH).
    const toolSearch = { env: { PATH: rustupLike, PGO_LLVM_TOOLS_DIR: rustupLike } };
    assert.equal(await findLlvmTool('llvm-dwarfdump', { ...toolSearch, besideDir: rustupLike }), undefined);
    assert.equal(await findLlvmTool('llvm-symbolizer', { ...toolSearch, besideDir: rustupLike }), undefined);
    const profdata = path.join(rustupLike, 'llvm-profdata');
    const cargoBin = path.dirname(run('rustup', ['which', 'cargo']).trim());
    const env = { PATH: [rustupLike, cargoBin].join(path.delimiter), PGO_LLVM_TOOLS_DIR: rustupLike };

    for (const [component, bin, size] of [['pipeline', 'midi-import', '200'], ['daw', 'daw-render', '2']] as const) {
      let r = runCli(['workload', component, '--size', size, '--workspace', dwarf4.ws]);
      assert.equal(r.status, 0, r.output);
      // The merge phase builds the source index with nothing but the rustup-like tools on PATH.
      r = runCli(['merge', component, '--workspace', dwarf4.ws], env);
      assert.equal(r.status, 0, r.output);
      const profile = path.join(dwarf4.ws, 'target', 'pgo', component, `${component}.profdata`);
      const index = readSourceIndex(`${profile}.index.json`);
      assert.ok(index, 'the merge wrote a source index');
      assert.equal(index.mapping.method, 'builtin-dwarf:decl-line', JSON.stringify(index.mapping));

      const data = await readProfile(profdata, profile);
      const names = new Set(data.functions.map((f) => splitProfileName(f.name).mangled));
      const hidden = await lookupSourceLocations({ binaries: [dwarf4.bin(bin)], llvmBinDir: rustupLike, toolSearch, mangledNames: names });
      const withTools = await lookupSourceLocations({ binaries: [dwarf4.bin(bin)], llvmBinDir, mangledNames: names, builtinReader: false });
      const share = hidden.locations.size / names.size;
      const pct = (n: number): string => `${((n / names.size) * 100).toFixed(1)}%`;
      assert.ok(share >= 0.95, `${hidden.locations.size} of ${names.size}: ${hidden.note ?? ''}`);
      const same = assertSameAsDwarfdump(hidden, withTools, component);
      console.log(
        `      ${component}: of ${names.size} profiled functions, ${hidden.locations.size} (${pct(hidden.locations.size)}) mapped with rustup-like tools, ` +
          `${withTools.locations.size} (${pct(withTools.locations.size)}) with llvm-dwarfdump; ${same} of those ${withTools.locations.size} at the same line`,
      );
    }
  });
});
