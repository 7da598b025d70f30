import assert from 'node:assert/strict';
import { parseConfig } from '../../src/core/config/load-config';
import { resolveProject } from '../../src/core/config/resolve-project';
import { cargoBuildInvocation } from '../../src/core/pipeline/build-invocation';
import { midiWorkspace } from './fixtures';

const HOST = 'x86_64-unknown-linux-gnu';
const yaml = `build:
  profile: release
  debug: line-tables-only
  lto: fat
  codegenUnits: 1
  features: [simd]
  rustflags: ["-Ctarget-cpu=native"]
  llvmArgs: ["-inline-threshold=300"]
components:
  pipeline:
    packages: [pipeline]
    bins: [midi-import]
`;

function setup(text = yaml, cargoRustflags: string[] = []) {
  const project = resolveProject(midiWorkspace(), parseConfig(text, '/ws/pgo.yaml'));
  const component = project.components[0]!;
  const opts = { host: HOST, targetDir: '/ws/target/pgo/pipeline/x', rustcVersion: '1.95.0', cargoRustflags };
  return {
    project,
    instrument: cargoBuildInvocation(project, component, { kind: 'instrument', rawDir: '/raw' }, opts),
    optimize: cargoBuildInvocation(project, component, { kind: 'optimize', profdata: '/p.profdata' }, opts),
  };
}

describe('cargo build invocation', () => {
  it('builds only the shipped binaries for the host target, as an argument array', () => {
    const { instrument } = setup();
    assert.deepEqual(instrument.args, [
      'build', '--profile', 'release', '--target', HOST, '--message-format=json',
      '-p', 'pipeline', '--bin', 'midi-import', '--features', 'simd',
    ]);
  });

  it('passes flags through CARGO_ENCODED_RUSTFLAGS (beats build.rustflags), with the profile flag last', () => {
    const { instrument, optimize } = setup();
    assert.deepEqual(instrument.env.CARGO_ENCODED_RUSTFLAGS?.split('\x1f'), [
      '-Ctarget-cpu=native', '-Cllvm-args=-inline-threshold=300', '-Cprofile-generate=/raw',
    ]);
    assert.deepEqual(optimize.env.CARGO_ENCODED_RUSTFLAGS?.split('\x1f'), [
      '-Ctarget-cpu=native', '-Cllvm-args=-inline-threshold=300', '-Cprofile-use=/p.profdata', '-Cllvm-args=-pgo-warn-missing-function',
    ]);
    assert.equal(instrument.env.RUSTFLAGS, undefined);
  });

  it('gives both builds identical settings apart from the profile flag', () => {
    const { instrument, optimize } = setup();
    assert.equal(instrument.fingerprint, optimize.fingerprint);
    assert.deepEqual(instrument.args, optimize.args);
    const strip = (env: Record<string, string | undefined>) => ({ ...env, CARGO_ENCODED_RUSTFLAGS: undefined });
    assert.deepEqual(strip(instrument.env), strip(optimize.env));
    assert.equal(instrument.env.CARGO_PROFILE_RELEASE_DEBUG, 'line-tables-only');
    assert.equal(instrument.env.CARGO_PROFILE_RELEASE_LTO, 'fat');
    assert.equal(instrument.env.CARGO_PROFILE_RELEASE_CODEGEN_UNITS, '1');
    assert.equal(instrument.env.CARGO_BUILD_TARGET, HOST);
  });

  it('changes the fingerprint when a setting that changes symbol names changes', () => {
    const a = setup().instrument.fingerprint;
    const b = setup(yaml.replace('line-tables-only', 'limited')).instrument.fingerprint;
    const c = setup(yaml.replace('lto: fat', 'lto: thin')).instrument.fingerprint;
    assert.notEqual(a, b);
    assert.notEqual(a, c);
  });

  it('puts the flags cargo itself would use (config files, RUSTFLAGS) first, in both builds and the fingerprint', () => {
    const plain = setup();
    const { instrument, optimize } = setup(yaml, ['--cfg', 'from_config']);
    assert.deepEqual(instrument.env.CARGO_ENCODED_RUSTFLAGS?.split('\x1f').slice(0, 3), ['--cfg', 'from_config', '-Ctarget-cpu=native']);
    assert.deepEqual(optimize.env.CARGO_ENCODED_RUSTFLAGS?.split('\x1f').slice(0, 3), ['--cfg', 'from_config', '-Ctarget-cpu=native']);
    assert.deepEqual(instrument.sharedRustflags.slice(0, 2), ['--cfg', 'from_config']);
    assert.notEqual(instrument.fingerprint, plain.instrument.fingerprint, 'a changed config flag voids the instrumented build');
  });

  it('uses the custom profile\'s env names', () => {
    const { instrument } = setup(yaml.replace('profile: release', 'profile: release-lto'));
    assert.equal(instrument.env['CARGO_PROFILE_RELEASE_LTO_LTO'], 'fat');
    assert.deepEqual(instrument.args.slice(1, 3), ['--profile', 'release-lto']);
  });
});
