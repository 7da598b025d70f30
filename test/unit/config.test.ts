import assert from 'node:assert/strict';
import { ConfigError, parseConfig } from '../../src/core/config/load-config';
import { resolveProject, selectComponents } from '../../src/core/config/resolve-project';
import { midiWorkspace } from './fixtures';

const GOOD = `# comment
version: 1
defaultComponent: pipeline
minFreeDiskGb: 4
build:
  profile: release
  debug: line-tables-only
  lto: fat
  codegenUnits: 1
  rustflags: ["-Ctarget-cpu=x86-64-v2"]
components:
  pipeline:
    packages: [pipeline]
    bins: [midi-import]
    defaultSize: 2000
    workloads:
      - name: train
        command: ["{bin:midi-import}", "{size}", --seed, 7]
        env: { RUST_LOG: info }
        timeoutSeconds: 60
  daw:
    packages: [daw]
`;

function problems(text: string): string[] {
  try {
    parseConfig(text, '/ws/pgo.yaml');
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.problems.map((p) => `${p.line}:${p.col} ${p.message}`);
  }
  assert.fail('expected a ConfigError');
}

describe('pgo.yaml', () => {
  it('reads every documented key', () => {
    const { config } = parseConfig(GOOD, '/ws/pgo.yaml');
    assert.equal(config.defaultComponent, 'pipeline');
    assert.equal(config.minFreeDiskGb, 4);
    assert.deepEqual(config.build, {
      profile: 'release',
      features: [],
      allFeatures: false,
      noDefaultFeatures: false,
      rustflags: ['-Ctarget-cpu=x86-64-v2'],
      llvmArgs: [],
      debug: 'line-tables-only',
      lto: 'fat',
      codegenUnits: 1,
    });
    const [p, d] = config.components;
    assert.deepEqual(p?.workloads[0], { name: 'train', command: ['{bin:midi-import}', '{size}', '--seed', '7'], env: { RUST_LOG: 'info' }, timeoutSeconds: 60 });
    assert.equal(d?.workloads.length, 0);
  });

  it('accepts an empty file', () => {
    assert.equal(parseConfig('', '/ws/pgo.yaml').config.components.length, 0);
  });

  it('reports a syntax error with its line and column', () => {
    const [p] = problems('components:\n  pipeline: [unclosed\n');
    assert.match(p ?? '', /^\d+:\d+ YAML syntax/);
  });

  it('names an unknown key, where it is, and what was expected', () => {
    assert.deepEqual(problems('build:\n  profle: release\n'), [
      '2:3 build: unknown key "profle" (did you mean "profile"?); expected one of: profile, features, allFeatures, noDefaultFeatures, rustflags, llvmArgs, lto, codegenUnits, debug',
    ]);
  });

  it('rejects a shell string as a command, and wrong types, all at once', () => {
    const found = problems(`components:
  a:
    packages: [a]
    defaultSize: -3
    workloads:
      - command: "target/release/a --size 5"
build:
  lto: maybe
`);
    assert.deepEqual(found, [
      '4:18 components.a.defaultSize: expected a whole number ≥ 1',
      '6:18 components.a.workloads[0].command: expected an argument list such as ["{bin:app}", "--size", "{size}"], not a shell string',
      '8:8 build.lto: expected one of off, thin, fat',
    ]);
  });

  it('requires packages and refuses the reserved name "all"', () => {
    const found = problems('components:\n  all:\n    packages: [x]\n  b:\n    bins: [x]\n');
    assert.equal(found.length, 2);
    assert.match(found[0] ?? '', /^2:3 .*"all" is reserved/);
    assert.match(found[1] ?? '', /^4:3 components.b: "packages" is required/);
  });

  it('refuses an empty workload list instead of silently using the default', () => {
    assert.match(problems('components:\n  a:\n    packages: [a]\n    workloads: []\n')[0] ?? '', /^4:16 components\.a\.workloads: the list is empty/);
  });

  it('suggests nothing for a key that is far from every allowed one', () => {
    assert.doesNotMatch(problems('zzzzzzzz: 1\n')[0] ?? '', /did you mean/);
  });

  it('refuses profile flags that the pipeline sets itself', () => {
    assert.match(problems('build:\n  rustflags: ["-Cprofile-use=x"]\n')[0] ?? '', /set by the pipeline itself/);
  });
});

describe('project resolution', () => {
  it('checks package and binary names against the workspace, with positions', () => {
    const parsed = parseConfig('components:\n  p:\n    packages: [pipline]\n  d:\n    packages: [daw]\n    bins: [daw-play]\n', '/ws/pgo.yaml');
    assert.throws(
      () => resolveProject(midiWorkspace(), parsed),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.deepEqual(
          e.problems.map((p) => `${p.line}:${p.col} ${p.message}`),
          [
            '3:15 components.p.packages: no workspace package "pipline"; the workspace has: pipeline, daw',
            '6:11 components.d.bins: "daw-play" is not a binary of daw',
          ],
        );
        return true;
      },
    );
  });

  it('uses the seed\'s cargo test workload when none is configured', () => {
    const project = resolveProject(midiWorkspace(), parseConfig('components:\n  daw:\n    packages: [daw]\n', '/ws/pgo.yaml'));
    const [daw] = project.components;
    assert.equal(daw?.usesDefaultWorkload, true);
    assert.deepEqual(daw?.workloads[0]?.command, ['cargo', 'test', '--release', '-p', 'daw', '--', '--test-threads=1']);
    assert.deepEqual(daw?.bins, [{ package: 'daw', name: 'daw-render' }]);
  });

  it('without pgo.yaml makes one component per binary package', () => {
    const project = resolveProject(midiWorkspace(), parseConfig('', '/ws/pgo.yaml'));
    assert.deepEqual(project.components.map((c) => c.name), ['pipeline', 'daw']);
    assert.equal(project.artifactRoot, '/ws/target/pgo');
    assert.equal(project.minFreeDiskGb, 8);
  });

  it('lets overrides win over the file', () => {
    const project = resolveProject(midiWorkspace(), parseConfig(GOOD.replace('build:', 'build:\n  llvmArgs: [-x]'), '/ws/pgo.yaml'), {
      defaultComponent: 'daw',
      defaultSize: 10,
      extraRustflags: ['-Cforce-frame-pointers=yes'],
      minFreeDiskGb: 1,
    });
    assert.equal(project.defaultComponent, 'daw');
    assert.equal(project.components[0]?.defaultSize, 10);
    assert.deepEqual(project.build.rustflags, ['-Ctarget-cpu=x86-64-v2', '-Cforce-frame-pointers=yes']);
    assert.equal(project.minFreeDiskGb, 1);
  });

  for (const bad of ['/', '..', '.', '../elsewhere', 'target', 'src/pgo']) {
    it(`refuses artifactDir "${bad}" outside the target directory`, () => {
      const parsed = parseConfig(`artifactDir: "${bad}"\n`, '/ws/pgo.yaml');
      assert.throws(() => resolveProject(midiWorkspace(), parsed), /not inside the target directory/);
    });
  }

  it('selects one component, all, or names the choices on a typo', () => {
    const project = resolveProject(midiWorkspace(), parseConfig(GOOD, '/ws/pgo.yaml'));
    assert.deepEqual(selectComponents(project, undefined).map((c) => c.name), ['pipeline']);
    assert.deepEqual(selectComponents(project, 'all').map((c) => c.name), ['pipeline', 'daw']);
    assert.throws(() => selectComponents(project, 'dav'), (e: unknown) => /use one of: pipeline, daw, all/.test((e as { fix: string }).fix));
  });
});

describe('starter pgo.yaml', () => {
  it('is valid, and resolves against the workspace it was made for', async () => {
    const { starterConfig } = await import('../../src/core/config/starter-config');
    const text = starterConfig(midiWorkspace());
    const parsed = parseConfig(text, '/ws/pgo.yaml');
    const project = resolveProject(midiWorkspace(), parsed);
    assert.deepEqual(project.components.map((c) => [c.name, c.workloads[0]?.command]), [
      ['pipeline', ['{bin:midi-import}', '--help']],
      ['daw', ['{bin:daw-render}', '--help']],
    ]);
    assert.match(text, /# debug: limited/);
  });
});
