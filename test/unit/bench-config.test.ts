import assert from 'node:assert/strict';
import { ConfigError, parseConfig } from '../../src/core/config/load-config';
import { resolveProject } from '../../src/core/config/resolve-project';
import { defaultVariants, variantBuildSettings } from '../../src/core/config/bench-config';
import { midiWorkspace } from './fixtures';

function problems(text: string): string[] {
  try {
    parseConfig(text, '/ws/pgo.yaml');
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.problems.map((p) => `${p.line}:${p.col} ${p.message}`);
  }
  assert.fail('expected a ConfigError');
}

describe('pgo.yaml for pgo bench', () => {
  it('reads variants (release first, only the keys written) and benchmarks with an output regex', () => {
    const { config } = parseConfig(
      `build:
  rustflags: ["-Ctarget-cpu=native"]
variants:
  thin: { build: { lto: thin } }
  release:
  fat+pgo: { pgo: true, build: { lto: fat, codegenUnits: 1, rustflags: ["--cfg", "x"] } }
components:
  p:
    packages: [pipeline]
    benchmarks:
      - name: seed-9
        command: ["{bin:midi-import}", 2000, --seed, 9]
        env: { A: 1 }
        timeoutSeconds: 60
        output: { regex: "checksum: (\\\\w+)" }
      - command: ["{bin:midi-import}", "10"]
`,
      '/ws/pgo.yaml',
    );
    assert.deepEqual(
      config.variants?.map((v) => [v.name, v.pgo, v.build]),
      [
        ['release', false, {}],
        ['thin', false, { lto: 'thin' }],
        ['fat+pgo', true, { lto: 'fat', codegenUnits: 1, rustflags: ['--cfg', 'x'] }],
      ],
    );
    const [b1, b2] = config.components[0]?.benchmarks ?? [];
    assert.deepEqual(b1, { name: 'seed-9', command: ['{bin:midi-import}', '2000', '--seed', '9'], env: { A: '1' }, timeoutSeconds: 60, output: { regex: 'checksum: (\\w+)' } });
    assert.equal(b2?.name, 'benchmark-2');
    assert.equal(b2?.output, undefined);
    // rustflags are added to build:'s, the rest replaces.
    const fat = config.variants?.[2];
    assert.ok(fat);
    assert.deepEqual(variantBuildSettings(config.build, fat).rustflags, ['-Ctarget-cpu=native', '--cfg', 'x']);
    assert.equal(variantBuildSettings(config.build, fat).lto, 'fat');
  });

  it('defaults to release, pgo, lto (fat, one codegen unit) and lto+pgo, and adds release when missing', () => {
    const project = resolveProject(midiWorkspace(), parseConfig('components:\n  p:\n    packages: [pipeline]\n', '/ws/pgo.yaml'));
    assert.deepEqual(project.variants, defaultVariants());
    assert.deepEqual(defaultVariants().map((v) => v.name), ['release', 'pgo', 'lto', 'lto+pgo']);
    assert.deepEqual(project.components[0]?.benchmarks, []);
    const { config } = parseConfig('variants:\n  pgo: { pgo: true }\n', '/ws/pgo.yaml');
    assert.deepEqual(config.variants?.map((v) => v.name), ['release', 'pgo']);
  });

  it('locates every mistake with line and column', () => {
    assert.deepEqual(
      problems(`variants:
  release: { pgo: true }
  "bad name": {}
  x: { pgo: maybe, build: { lto: huge }, opt: 3 }
components:
  p:
    packages: [pipeline]
    benchmarks:
      - command: "midi-import 200"
      - command: ["{bin:midi-import}", "{size}"]
        output: { regex: "(unclosed" }
      - name: twice
        command: [a]
        output: { pattern: x }
      - name: twice
        command: [a]
`),
      [
        '2:12 variants.release: "release" is the baseline (the build: section as it is); give other settings another name',
        '3:3 variants: "bad name" is not a usable variant name (letters, digits, "_", "-", ".", "+")',
        '4:13 variants.x.pgo: expected true or false',
        '4:34 variants.x.build.lto: expected one of off, thin, fat',
        '4:42 variants.x: unknown key "opt" (did you mean "bolt"?); expected one of: pgo, build, bolt',
        '9:18 components.p.benchmarks[0].command: expected an argument list such as ["{bin:app}", "--input", "big.txt"], not a shell string',
        '10:18 components.p.benchmarks[1].command: {size} is for workloads; write the benchmark\'s input size into the command',
        '11:26 components.p.benchmarks[1].output.regex: not a valid regular expression: Invalid regular expression: /(unclosed/: Unterminated group',
        '14:19 components.p.benchmarks[2].output: unknown key "pattern"; expected one of: regex',
        '14:17 components.p.benchmarks[2].output: expected { regex: "checksum: (\\\\w+)" }',
        '15:15 components.p.benchmarks[3].name: "twice" is used twice',
      ].sort((a, b) => {
        const [la, ca] = a.split(' ')[0]!.split(':').map(Number);
        const [lb, cb] = b.split(' ')[0]!.split(':').map(Number);
        return la! - lb! || ca! - cb!;
      }),
    );
  });

  it('refuses a benchmark that does not run the variant\'s binary', () => {
    const parsed = parseConfig('components:\n  p:\n    packages: [pipeline]\n    benchmarks:\n      - command: [/bin/true]\n', '/ws/pgo.yaml');
    assert.throws(
      () => resolveProject(midiWorkspace(), parsed),
      (e: unknown) => e instanceof ConfigError && /runs no \{bin:NAME\}, so every variant would run the same program; .*"\{bin:midi-import\}"/.test(e.problems[0]?.message ?? '') && e.problems[0]?.line === 5,
    );
  });

  it('checks {bin:NAME} in benchmarks against the component\'s binaries', () => {
    const parsed = parseConfig('components:\n  p:\n    packages: [pipeline]\n    benchmarks:\n      - command: ["{bin:daw-render}"]\n', '/ws/pgo.yaml');
    assert.throws(
      () => resolveProject(midiWorkspace(), parsed),
      (e: unknown) => e instanceof ConfigError && /^components\.p\.benchmarks\[0\]\.command: \{bin:daw-render\} is not one of this component's binaries \(midi-import\)$/.test(e.problems[0]?.message ?? '') && e.problems[0]?.line === 5,
    );
  });
});
