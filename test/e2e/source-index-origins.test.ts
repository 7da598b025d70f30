import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { annotateFile } from '../../src/core/profile/file-annotations';
import { readSourceIndex } from '../../src/core/profile/source-index';
import { splitProfileName } from '../../src/core/demangle';
import { instrumentedFunctionNames } from '../../src/core/profile/elf-prf-names';
import { lookupSourceLocations } from '../../src/core/profile/source-locations';
import { rustSrcLibrary } from '../../src/core/toolchain/rust-src';
import { matchedProfdata, REPO, run, runCli } from './e2e-helpers';

/**
 * The whole pipeline up to merge on a workspace whose hot function lives in a path dependency
 * outside it (test/fixtures/path-dep): the source index must place that function in the
 * dependency's own file, std functions in rust-src (or say how to get it), and still give the
 * workspace's own hottest function a lens.
 */
describe('source index: dependencies, std and your own code (real cargo + LLVM tools)', function () {
  this.timeout(20 * 60_000);
  let root: string;
  let ws: string;

  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgo-path-dep-'));
    fs.cpSync(path.join(REPO, 'test', 'fixtures', 'path-dep'), root, { recursive: true, filter: (p) => path.basename(p) !== 'target' });
    ws = path.join(root, 'app');
    for (const phase of ['instrument', 'workload', 'merge']) {
      const r = runCli([phase, 'crunch', '--workspace', ws]);
      assert.equal(r.status, 0, r.output);
    }
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  const index = () => {
    const idx = readSourceIndex(path.join(ws, 'target', 'pgo', 'crunch', 'crunch.profdata.index.json'));
    assert.ok(idx, 'merge wrote the source index');
    return idx;
  };
  const lineOf = (file: string, pattern: RegExp): number => fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => pattern.test(l)) + 1;

  it('indexes the path dependency\'s hot function in the dependency\'s file, at its `fn` line', () => {
    const lib = path.join(root, 'fastmath', 'src', 'lib.rs');
    const heats = index().files[lib] ?? [];
    const collatz = heats.find((h) => h.display === 'fastmath::collatz_steps');
    assert.ok(collatz, `fastmath::collatz_steps in ${lib}: ${JSON.stringify(Object.keys(index().files))}`);
    assert.equal(collatz.line, lineOf(lib, /pub fn collatz_steps\(/));
    assert.equal(collatz.origin, 'dependency');
    assert.equal(collatz.crate, 'fastmath');
    assert.equal(collatz.tier, 'hot');
  });

  it('groups the profile by origin: the dependency first, then the workspace and std, with their shares', () => {
    const origins = index().origins ?? [];
    assert.equal(origins[0]?.kind, 'dependency');
    assert.equal(origins[0]?.crate, 'fastmath');
    assert.ok((origins[0]?.share ?? 0) > 0.5, JSON.stringify(origins));
    assert.ok(origins.some((o) => o.kind === 'workspace' && o.crate === 'crunch'), JSON.stringify(origins));
    const sum = origins.reduce((s, o) => s + o.share, 0);
    assert.ok(Math.abs(sum - 1) < 1e-9, `shares add up to ${sum}`);
  });

  it('gives the workspace\'s own hottest function a lens that says so', () => {
    const main = path.join(ws, 'src', 'main.rs');
    const heats = index().files[main] ?? [];
    assert.ok(heats.length > 0, 'the workspace\'s functions are indexed');
    const first = heats.find((h) => h.ownRank === 1);
    assert.ok(first, JSON.stringify(heats.map((h) => [h.display, h.ownRank, h.tier, h.ownTier])));
    const lenses = annotateFile(heats, fs.readFileSync(main, 'utf8').split('\n'), { source: 'crunch', minTier: 'hot' });
    assert.ok(lenses.some((l) => /· #1 in your code$/.test(l.lensTitle)), JSON.stringify(lenses.map((l) => l.lensTitle)));
  });

  it('maps every function of the fixture\'s binary where llvm-dwarfdump does (the built-in reader\'s ground truth)', async () => {
    const dir = path.join(ws, 'target', 'pgo', 'crunch', 'instrumented');
    const host = fs.readdirSync(dir).find((d) => fs.existsSync(path.join(dir, d, 'release', 'crunch')));
    assert.ok(host);
    const bin = path.join(dir, host, 'release', 'crunch');
    const names = new Set((instrumentedFunctionNames(bin) ?? []).map((n) => splitProfileName(n).mangled));
    const llvmBinDir = path.dirname(fs.realpathSync(matchedProfdata(ws)));
    const builtin = await lookupSourceLocations({ binaries: [bin], llvmBinDir, mangledNames: names });
    const dwarfdump = await lookupSourceLocations({ binaries: [bin], llvmBinDir, mangledNames: names, builtinReader: false });
    assert.equal(dwarfdump.method, 'dwarf-decl-line');
    // Not every std function in a binary has debug info of its own (rustc's C `main` shim has none).
    assert.ok(dwarfdump.locations.size >= names.size / 2, `${dwarfdump.locations.size} of ${names.size}`);
    assert.ok([...dwarfdump.locations.keys()].some((n) => n.includes('collatz_steps')));
    assert.deepEqual(builtin.locations, dwarfdump.locations);
  });

  it('places std functions in rust-src when it is installed, and otherwise records how to get it', () => {
    const idx = index();
    const std = Object.entries(idx.files).filter(([, hs]) => hs.some((h) => h.origin === 'std'));
    assert.ok(std.length > 0, 'std functions are indexed');
    const library = rustSrcLibrary(run('rustc', ['--print', 'sysroot']).trim());
    if (library) {
      for (const [file] of std) assert.ok(file.startsWith(library) && fs.existsSync(file), file);
      assert.equal(idx.std?.rustSrc, library);
    } else {
      for (const [file] of std) assert.match(file, /^\/rustc\/[0-9a-f]+\/library\//);
      assert.equal(idx.std?.problem?.fix, 'install rust-src: rustup component add rust-src');
    }
  });
});
