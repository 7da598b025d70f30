import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { parse, stringify } from 'yaml';
import { ConfigError, parseConfig } from '../../src/core/config/load-config';
import { pgoYamlJsonSchema, pgoYamlJsonSchemaText, SCHEMA_FILE } from '../../src/core/config/pgo-yaml-json-schema';
import { PGO_YAML, type FieldSpec, type SectionSpec } from '../../src/core/config/pgo-yaml-spec';
import { starterConfig } from '../../src/core/config/starter-config';
import { midiWorkspace } from './fixtures';

/** out/test/unit → the repository. */
const REPO = path.resolve(__dirname, '..', '..', '..');

/** The JSON Schema, compiled by ajv in strict mode (unknown keywords and bad forms are errors). */
let validateSchema: ValidateFunction;

function schemaAccepts(text: string): boolean {
  // The YAML extension reads YAML 1.2, as the `yaml` package does by default.
  return validateSchema(parse(text) ?? {});
}

function loaderAccepts(text: string): boolean {
  try {
    parseConfig(text, '/ws/pgo.yaml');
    return true;
  } catch (e) {
    if (e instanceof ConfigError) return false;
    throw e;
  }
}

/** Every key the declaration has, each with a value of its kind. */
const EVERY_KEY = `version: 1
defaultComponent: pipeline
artifactDir: target/pgo
minFreeDiskGb: 4.5
hotness: { hotCutoff: 0.8, warmCutoff: 0.95 }
build:
  profile: release
  features: [simd]
  allFeatures: false
  noDefaultFeatures: true
  rustflags: ["-Ctarget-cpu=x86-64-v2"]
  llvmArgs: ["-vp-counters-per-site=2"]
  lto: false
  codegenUnits: 1
  debug: limited
components:
  pipeline:
    description: MIDI import
    packages: [pipeline]
    bins: [midi-import]
    defaultSize: 2000
    workloads:
      - name: train.1
        command: ["{bin:midi-import}", "{size}", --seed, 7]
        env: { RUST_LOG: warn, N: 3 }
        cwd: .
        timeoutSeconds: 60
`;

describe('the JSON Schema of pgo.yaml', () => {
  before(() => {
    // Union types (`type: [string, number]`) are plain draft-07; ajv's strict mode wants them allowed.
    validateSchema = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true }).compile(pgoYamlJsonSchema());
  });

  it(`is what \`npm run schema\` writes: ${SCHEMA_FILE} is up to date`, () => {
    const committed = fs.readFileSync(path.join(REPO, SCHEMA_FILE), 'utf8');
    assert.ok(committed === pgoYamlJsonSchemaText(), `${SCHEMA_FILE} is stale: run \`npm run schema\` and commit it`);
  });

  it('is shipped: package.json points the YAML extension at it, and the .vsix allow-list has it', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { contributes: { yamlValidation: { fileMatch: string; url: string }[] } };
    assert.deepEqual(manifest.contributes.yamlValidation, [{ fileMatch: 'pgo.yaml', url: `./${SCHEMA_FILE}` }]);
    assert.ok(fs.readFileSync(path.join(REPO, '.vscodeignore'), 'utf8').split('\n').includes(`!${SCHEMA_FILE}`));
  });

  it('accepts what the loader accepts: every key, the example workspaces, the README example, a starter file', () => {
    const readmeExample = /## Configuration: `pgo\.yaml`[\s\S]*?```yaml\n([\s\S]*?)```/.exec(fs.readFileSync(path.join(REPO, 'README.md'), 'utf8'))?.[1];
    assert.ok(readmeExample, 'the README has a pgo.yaml example');
    const docs: [string, string][] = [
      ['every key', EVERY_KEY],
      ['README', readmeExample],
      ['starter', starterConfig(midiWorkspace())],
      ['empty', ''],
      ...['examples/midi-studio/pgo.yaml', 'test/fixtures/tiny-app/pgo.yaml'].map((f): [string, string] => [f, fs.readFileSync(path.join(REPO, f), 'utf8')]),
    ];
    for (const [name, text] of docs) {
      assert.ok(loaderAccepts(text), `loader rejects ${name}`);
      assert.ok(schemaAccepts(text), `schema rejects ${name}: ${JSON.stringify(validateSchema.errors)}`);
    }
  });

  it('rejects what the loader rejects', () => {
    const component = (body: string): string => `components:\n  a:\n    packages: [a]\n${body}`;
    const workload = (body: string): string => component(`    workloads:\n      - command: [a]\n${body}`);
    const bad = {
      'unknown key': 'profle: release\n',
      'unknown build key': 'build:\n  profle: release\n',
      'version 2': 'version: 2\n',
      'empty string': 'defaultComponent: ""\n',
      'negative disk space': 'minFreeDiskGb: -1\n',
      'share above 1': 'hotness: { hotCutoff: 1.5 }\n',
      'share of 0': 'hotness: { warmCutoff: 0 }\n',
      'lto maybe': 'build:\n  lto: maybe\n',
      'debug true': 'build:\n  debug: true\n',
      'codegenUnits 0': 'build:\n  codegenUnits: 0\n',
      'fractional codegenUnits': 'build:\n  codegenUnits: 1.5\n',
      'string for a list': 'build:\n  features: simd\n',
      'nested list': 'build:\n  rustflags: [[a]]\n',
      'string for a boolean': 'build:\n  allFeatures: "yes"\n',
      'reserved component name': 'components:\n  all:\n    packages: [a]\n',
      'component name with a slash': 'components:\n  a/b:\n    packages: [a]\n',
      'no packages': 'components:\n  a:\n    bins: [a]\n',
      'empty packages': 'components:\n  a:\n    packages: []\n',
      'component not a mapping': 'components:\n  a: [x]\n',
      'unknown component key': component('    binaries: [a]\n'),
      'empty workloads': component('    workloads: []\n'),
      'shell string command': component('    workloads:\n      - command: "a --size 5"\n'),
      'empty command': component('    workloads:\n      - command: []\n'),
      'no command': component('    workloads:\n      - name: x\n'),
      'workload name with a slash': workload('        name: a/b\n'),
      'LLVM_PROFILE_FILE in env': workload('        env: { LLVM_PROFILE_FILE: x.profraw }\n'),
      'env value a list': workload('        env: { A: [1] }\n'),
      'timeout 0': workload('        timeoutSeconds: 0\n'),
    };
    for (const [name, text] of Object.entries(bad)) {
      assert.equal(loaderAccepts(text), false, `loader accepts ${name}`);
      assert.equal(schemaAccepts(text), false, `schema accepts ${name}`);
    }
  });

  it('every declared key is checked by the loader (a key added to the declaration must be parsed)', () => {
    // A value no key takes: a list of lists. Each declared key gets it in turn, in a minimal file.
    const place = (where: string[], key: string): unknown => {
      const wrong = [['x']];
      const [section] = where;
      if (section === undefined) return { [key]: wrong };
      if (section === 'components') return { components: { a: { packages: ['a'], [key]: wrong } } };
      if (section === 'workloads') return { components: { a: { packages: ['a'], workloads: [{ command: ['a'], [key]: wrong }] } } };
      return { [section]: { [key]: wrong } };
    };
    const sections: [string[], SectionSpec][] = [
      [[], PGO_YAML],
      [['hotness'], PGO_YAML.keys.hotness],
      [['build'], PGO_YAML.keys.build],
      [['components'], PGO_YAML.keys.components.value],
      [['workloads'], PGO_YAML.keys.components.value.keys.workloads.item],
    ];
    let checked = 0;
    for (const [where, section] of sections) {
      for (const [key, field] of Object.entries(section.keys) as [string, FieldSpec][]) {
        const text = stringify(place(where, key));
        assert.equal(loaderAccepts(text), false, `the loader ignores ${[...where, key].join('.')} (${field.kind})`);
        assert.equal(schemaAccepts(text), false, `the schema accepts any ${[...where, key].join('.')}`);
        checked++;
      }
    }
    assert.ok(checked >= 25, `${checked} keys`);
  });
});
