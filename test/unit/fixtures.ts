import type { CargoWorkspace } from '../../src/core/workspace/cargo-workspace';

/** A two-package workspace shaped like examples/midi-studio, without running cargo. */
export function midiWorkspace(root = '/ws'): CargoWorkspace {
  return {
    root,
    targetDirectory: `${root}/target`,
    packages: [
      {
        name: 'pipeline',
        version: '0.1.0',
        id: 'path+file:///ws/pipeline#0.1.0',
        manifestPath: `${root}/pipeline/Cargo.toml`,
        root: `${root}/pipeline`,
        targets: [
          { name: 'pipeline', kind: 'lib', srcPath: `${root}/pipeline/src/lib.rs` },
          { name: 'midi-import', kind: 'bin', srcPath: `${root}/pipeline/src/bin/midi-import.rs` },
        ],
      },
      {
        name: 'daw',
        version: '0.1.0',
        id: 'path+file:///ws/daw#0.1.0',
        manifestPath: `${root}/daw/Cargo.toml`,
        root: `${root}/daw`,
        targets: [
          { name: 'daw', kind: 'lib', srcPath: `${root}/daw/src/lib.rs` },
          { name: 'daw-render', kind: 'bin', srcPath: `${root}/daw/src/bin/daw-render.rs` },
        ],
      },
    ],
  };
}
