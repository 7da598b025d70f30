import assert from 'node:assert/strict';
import { binTargets, parseCargoMetadata } from '../../src/core/workspace/cargo-workspace';

const METADATA = JSON.stringify({
  packages: [
    {
      name: 'pipeline',
      version: '0.1.0',
      id: 'path+file:///ws/pipeline#0.1.0',
      manifest_path: '/ws/pipeline/Cargo.toml',
      targets: [
        { name: 'pipeline', kind: ['lib'], src_path: '/ws/pipeline/src/lib.rs' },
        { name: 'midi-import', kind: ['bin'], src_path: '/ws/pipeline/src/bin/midi-import.rs' },
        { name: 'parse', kind: ['bench'], src_path: '/ws/pipeline/benches/parse.rs' },
        { name: 'roundtrip', kind: ['test'], src_path: '/ws/pipeline/tests/roundtrip.rs' },
        { name: 'dump', kind: ['example'], src_path: '/ws/pipeline/examples/dump.rs' },
        { name: 'build-script-build', kind: ['custom-build'], src_path: '/ws/pipeline/build.rs' },
      ],
    },
    {
      name: 'macros',
      version: '0.2.0',
      id: 'path+file:///ws/macros#0.2.0',
      manifest_path: '/ws/macros/Cargo.toml',
      targets: [{ name: 'macros', kind: ['proc-macro'], src_path: '/ws/macros/src/lib.rs' }],
    },
    {
      name: 'ffi',
      version: '0.1.0',
      id: 'path+file:///ws/ffi#0.1.0',
      manifest_path: '/ws/ffi/Cargo.toml',
      targets: [{ name: 'ffi', kind: ['cdylib', 'rlib'], src_path: '/ws/ffi/src/lib.rs' }],
    },
  ],
  workspace_members: ['path+file:///ws/pipeline#0.1.0', 'path+file:///ws/macros#0.2.0', 'path+file:///ws/ffi#0.1.0'],
  target_directory: '/ws/target',
  workspace_root: '/ws',
  version: 1,
});

describe('cargo workspace model', () => {
  it('reads packages, target kinds, the root and the target directory', () => {
    const ws = parseCargoMetadata(METADATA);
    assert.equal(ws.root, '/ws');
    assert.equal(ws.targetDirectory, '/ws/target');
    assert.deepEqual(ws.packages.map((p) => p.name), ['pipeline', 'macros', 'ffi']);
    const [pipeline, macros, ffi] = ws.packages;
    assert.deepEqual(pipeline?.targets.map((t) => t.kind), ['lib', 'bin', 'bench', 'test', 'example', 'custom-build']);
    assert.equal(pipeline?.root, '/ws/pipeline');
    assert.deepEqual(binTargets(pipeline!).map((t) => t.name), ['midi-import']);
    assert.equal(macros?.targets[0]?.kind, 'proc-macro');
    assert.equal(ffi?.targets[0]?.kind, 'lib');
  });

  it('keeps only workspace members', () => {
    const raw = JSON.parse(METADATA) as { workspace_members: string[] };
    raw.workspace_members = ['path+file:///ws/ffi#0.1.0'];
    assert.deepEqual(parseCargoMetadata(JSON.stringify(raw)).packages.map((p) => p.name), ['ffi']);
  });

  it('explains broken output', () => {
    assert.throws(() => parseCargoMetadata('not json'), /invalid JSON/);
    assert.throws(() => parseCargoMetadata('{}'), /lacks workspace_root/);
  });
});
