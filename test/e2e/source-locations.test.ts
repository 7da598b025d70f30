import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { crateOf, demangle, splitProfileName } from '../../src/core/demangle';
import { instrumentedFunctionNames } from '../../src/core/profile/elf-prf-names';
import { lookupSourceLocations, type SourceLookupResult } from '../../src/core/profile/source-locations';
import { copyWorkspace, EXAMPLE, matchedProfdata, runCli } from './e2e-helpers';

/**
 * The real thing: copies of examples/midi-studio instrumented by the bundled CLI with different
 * `build.debug` settings, their functions (the names in `__llvm_prf_names`, exactly the profile's
 * records) mapped to source with the real LLVM tools, and checked against the example's sources
 * (the expected lines are looked up in the sources, not hard-coded).
 */

interface Variant {
  ws: string;
  /** Instrumented binaries by name. */
  bin: (name: string) => string;
}

/** A copy of the example with `build.debug` (and extra rustflags) set, instrumented for `components`. */
function instrumentedVariant(prefix: string, debug: string, components: string[], rustflags: string[] = []): Variant {
  const ws = copyWorkspace(EXAMPLE, prefix);
  const configFile = path.join(ws, 'pgo.yaml');
  const doc = parseDocument(fs.readFileSync(configFile, 'utf8'));
  doc.setIn(['build', 'debug'], debug);
  if (rustflags.length > 0) doc.setIn(['build', 'rustflags'], rustflags);
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

/** The mangled names of the functions the instrumented binary has counters for. */
function profiledNames(binary: string): Set<string> {
  const names = instrumentedFunctionNames(binary);
  assert.ok(names && names.length > 0, `${binary} has a __llvm_prf_names section`);
  return new Set(names.map((n) => splitProfileName(n).mangled));
}

function named(names: Iterable<string>, display: string): string[] {
  return [...names].filter((n) => demangle(n).display === display);
}

/** 1-based number of the first line matching `pattern` at or after line `from` (1-based). */
function lineOf(file: string, pattern: RegExp, from = 1): number {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  for (let i = from - 1; i < lines.length; i++) if (pattern.test(lines[i] ?? '')) return i + 1;
  throw new Error(`${pattern} not found in ${file} after line ${from}`);
}

function sourceLine(file: string, line: number): string {
  return fs.readFileSync(file, 'utf8').split('\n')[line - 1] ?? '';
}

async function timedLookup(binary: string, llvmBinDir: string, names: Set<string>): Promise<{ r: SourceLookupResult; ms: number }> {
  const t0 = process.hrtime.bigint();
  const r = await lookupSourceLocations({ binaries: [binary], llvmBinDir, mangledNames: names });
  return { r, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

describe('source locations of profiled functions (real cargo + LLVM tools)', function () {
  this.timeout(20 * 60_000);
  const variants: Variant[] = [];
  let limited: Variant;
  let llvmBinDir: string;

  before(() => {
    limited = instrumentedVariant('pgo-srcloc-limited-', 'limited', ['pipeline', 'daw']);
    variants.push(limited);
    llvmBinDir = path.dirname(fs.realpathSync(matchedProfdata(limited.ws)));
  });
  after(() => {
    for (const v of variants) fs.rmSync(v.ws, { recursive: true, force: true });
  });

  describe('build.debug: limited', () => {
    let names: Set<string>;
    let result: SourceLookupResult;
    const src = (rel: string): string => path.join(limited.ws, 'pipeline', 'src', rel);
    const at = (display: string): { file: string; line: number } => {
      const [name, ...more] = named(names, display);
      assert.ok(name, `${display} is instrumented`);
      assert.equal(more.length, 0, `one record for ${display}`);
      const loc = result.locations.get(name);
      assert.ok(loc, `${display} has a location`);
      return { file: loc.file, line: loc.line };
    };

    before(async () => {
      const bin = limited.bin('midi-import');
      names = profiledNames(bin);
      const { r, ms } = await timedLookup(bin, llvmBinDir, names);
      result = r;
      console.log(`      midi-import: ${r.locations.size} of ${names.size} functions mapped in ${ms.toFixed(0)} ms (${r.method})`);
    });

    it('maps through DW_AT_decl_line, nearly every function', () => {
      assert.equal(result.method, 'builtin-dwarf:decl-line', result.note);
      assert.equal(result.problem, undefined);
      assert.ok(result.locations.size >= names.size - 2, `${result.locations.size} of ${names.size}: ${result.note ?? ''}`);
    });

    it('puts functions and impl methods on their exact `fn` line', () => {
      assert.deepEqual(at('pipeline::analysis::TempoMap::tick_to_us'), { file: src('analysis.rs'), line: lineOf(src('analysis.rs'), /pub fn tick_to_us\(/) });
      assert.deepEqual(at('pipeline::smf::parse_track'), { file: src('smf.rs'), line: lineOf(src('smf.rs'), /^fn parse_track\(/) });
      const main = path.join(limited.ws, 'pipeline', 'src', 'bin', 'midi-import.rs');
      assert.deepEqual(at('midi_import::main'), { file: main, line: lineOf(main, /^fn main\(/) });
    });

    it('puts trait impl methods on the `fn` line inside their impl block', () => {
      for (const type of ['ParseError', 'LoadError']) {
        const impl = lineOf(src('smf.rs'), new RegExp(`^impl fmt::Display for ${type} \\{`));
        assert.deepEqual(at(`<pipeline::smf::${type} as core::fmt::Display>::fmt`), {
          file: src('smf.rs'),
          line: lineOf(src('smf.rs'), /^\s+fn fmt\(/, impl),
        });
      }
    });

    it('puts every function of the workspace on a `fn` line of an existing file', () => {
      const own = [...result.locations].filter(([, loc]) => loc.file.startsWith(limited.ws + path.sep));
      assert.ok(own.length >= 30, `workspace functions: ${own.length}`);
      for (const [name, loc] of own) {
        assert.ok(fs.existsSync(loc.file), loc.file);
        assert.match(sourceLine(loc.file, loc.line), /\bfn\b/, `${demangle(name).display} at ${loc.file}:${loc.line}`);
      }
    });

    it('maps std functions to absolute paths outside the workspace', () => {
      const std = [...result.locations].filter(([name]) => ['core', 'alloc', 'std'].includes(crateOf(demangle(name).display) ?? ''));
      assert.ok(std.length >= 20, `std functions: ${std.length}`);
      for (const [name, loc] of std) {
        assert.ok(path.isAbsolute(loc.file), loc.file);
        assert.ok(!loc.file.startsWith(limited.ws + path.sep), `${demangle(name).display} at ${loc.file}`);
        assert.match(loc.file, /\/library\/(core|alloc|std)\/src\//);
      }
    });

    it('maps daw-render\'s impl methods too', async () => {
      const bin = limited.bin('daw-render');
      const dawNames = profiledNames(bin);
      const { r, ms } = await timedLookup(bin, llvmBinDir, dawNames);
      console.log(`      daw-render: ${r.locations.size} of ${dawNames.size} functions mapped in ${ms.toFixed(0)} ms (${r.method})`);
      assert.equal(r.method, 'builtin-dwarf:decl-line');
      const synth = path.join(limited.ws, 'daw', 'src', 'synth.rs');
      const [render] = named(dawNames, 'daw::synth::Voice::render');
      assert.ok(render);
      assert.deepEqual(r.locations.get(render), { file: synth, line: lineOf(synth, /pub fn render\(/, lineOf(synth, /^impl Voice \{/)) });
    });
  });

  describe('closures (opt-level 1 without the pre-inliner, so they keep counters of their own)', () => {
    let v: Variant;
    let names: Set<string>;
    let result: SourceLookupResult;

    before(async () => {
      // At the example's opt-level 3, MIR inlining and LLVM's pre-inliner fold every closure of
      // the example into its caller before instrumentation: no closure of its own is profiled.
      v = instrumentedVariant('pgo-srcloc-closures-', 'limited', ['pipeline'], ['-Copt-level=1', '-Cllvm-args=-disable-preinline']);
      variants.push(v);
      names = profiledNames(v.bin('midi-import'));
      result = await lookupSourceLocations({ binaries: [v.bin('midi-import')], llvmBinDir, mangledNames: names });
    });

    it('maps a closure in analysis.rs to the line of the closure, not of its function', () => {
      const analysis = path.join(v.ws, 'pipeline', 'src', 'analysis.rs');
      const fnLine = lineOf(analysis, /pub fn tick_to_us\(/);
      const closureLine = lineOf(analysis, /partition_point\(\|p\|/, fnLine);
      const closures = named(names, 'pipeline::analysis::TempoMap::tick_to_us::{{closure}}');
      assert.ok(closures.length >= 1, 'tick_to_us has a profiled closure');
      const lines = closures.map((c) => result.locations.get(c));
      assert.ok(
        lines.some((l) => l?.file === analysis && l.line === closureLine),
        `expected ${analysis}:${closureLine}, got ${JSON.stringify(lines)}`,
      );
    });

    it('puts every closure of the workspace on a line with a closure', () => {
      const closures = [...result.locations].filter(
        ([name, loc]) => loc.file.startsWith(v.ws + path.sep) && demangle(name).display.endsWith('{{closure}}'),
      );
      assert.ok(closures.length >= 10, `workspace closures: ${closures.length}`);
      for (const [name, loc] of closures) {
        assert.match(sourceLine(loc.file, loc.line), /\|/, `${demangle(name).display} at ${loc.file}:${loc.line}`);
      }
    });
  });

  describe('build.debug: line-tables-only', () => {
    it('has no decl lines: falls back to the first instruction\'s line of functions with a symbol, and names the fix', async () => {
      const v = instrumentedVariant('pgo-srcloc-lto-', 'line-tables-only', ['pipeline']);
      variants.push(v);
      const names = profiledNames(v.bin('midi-import'));
      const r = await lookupSourceLocations({ binaries: [v.bin('midi-import')], llvmBinDir, mangledNames: names });
      assert.match(r.method, /builtin-dwarf:entry-line/);
      assert.match(r.note ?? '', /build\.debug: limited/);
      assert.ok(r.locations.size < names.size, 'functions without a symbol are missing');
      const analysis = path.join(v.ws, 'pipeline', 'src', 'analysis.rs');
      const [tick] = named(names, 'pipeline::analysis::TempoMap::tick_to_us');
      assert.ok(tick);
      const loc = r.locations.get(tick);
      const fnLine = lineOf(analysis, /pub fn tick_to_us\(/);
      assert.equal(loc?.file, analysis);
      assert.ok(loc && loc.line >= fnLine && loc.line <= fnLine + 3, `tick_to_us at ${loc?.line}, fn at ${fnLine}`);
    });
  });

  describe('build.debug: none', () => {
    it('maps nothing and says to set build.debug: limited, without throwing', async () => {
      const v = instrumentedVariant('pgo-srcloc-none-', 'none', ['pipeline']);
      variants.push(v);
      const names = profiledNames(v.bin('midi-import'));
      const r = await lookupSourceLocations({ binaries: [v.bin('midi-import')], llvmBinDir, mangledNames: names });
      assert.equal(r.method, 'none');
      assert.equal(r.locations.size, 0);
      assert.match(r.problem?.message ?? '', /no debug info/);
      assert.match(r.problem?.fix ?? '', /build\.debug: limited/);
    });
  });
});
