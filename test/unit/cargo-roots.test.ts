import assert from 'node:assert/strict';
import * as path from 'node:path';
import { cargoRootsAmong, cargoRootsBelow, type FoundManifest } from '../../src/core/workspace/cargo-roots';

const REPO = path.resolve(__dirname, '..', '..', '..');

/** Manifests from text, under a made-up folder /f. */
function found(files: Record<string, string>, autoBin: string[] = []): FoundManifest[] {
  return Object.entries(files).map(([rel, text]) => ({ path: path.join('/f', rel, 'Cargo.toml'), text, hasAutoBin: autoBin.includes(rel) }));
}
const rel = (roots: string[]): string[] => roots.map((r) => path.relative('/f', r) || '.');

describe('Cargo roots below an opened folder', () => {
  it('finds a Tauri-style workspace two levels down and a second root beside it, not their members or libraries', () => {
    const folder = path.join(REPO, 'test', 'fixtures', 'nested-roots');
    const roots = cargoRootsBelow(folder);
    assert.deepEqual(roots.map((r) => path.relative(folder, r).split(path.sep).join('/')), ['app/src-tauri', 'tools/cli']);
  });

  it('keeps a manifest at the folder itself, and does not count the members of its workspace', () => {
    const m = found({ '.': '[workspace]\nmembers = ["crates/*"]\n', 'crates/a': '[package]\nname = "a"\n', 'crates/b': '[package]\nname = "b"\n' }, ['crates/a']);
    assert.deepEqual(rel(cargoRootsAmong('/f', m)), ['.']);
    // A library-only package at the folder root is still shown (with its "no binary" error).
    assert.deepEqual(rel(cargoRootsAmong('/f', found({ '.': '[package]\nname = "lib"\n' }))), ['.']);
  });

  it('a package excluded from the workspace above it, or with [[bin]] and no workspace above, is a root of its own', () => {
    const m = found(
      {
        '.': '[workspace]\nmembers = ["app"]\nexclude = ["examples"]\n',
        app: '[package]\nname = "app"\n',
        'examples/demo': '[package]\nname = "demo"\n',
        'examples/lib-only': '[package]\nname = "lib-only"\n',
      },
      ['app', 'examples/demo'],
    );
    assert.deepEqual(rel(cargoRootsAmong('/f', m)), ['.', 'examples/demo']);
    const bins = found({ 'x/tool': '[package]\nname = "tool"\nautobins = false\n\n[[bin]]\nname = "tool"\npath = "main.rs"\n', 'x/auto-off': '[package]\nname = "off"\nautobins = false\n' }, ['x/auto-off']);
    assert.deepEqual(rel(cargoRootsAmong('/f', bins)), ['x/tool']);
  });

  it('a package that names its workspace, or sits in a nested workspace, belongs to it', () => {
    const m = found(
      {
        outer: '[workspace]\nmembers = ["inner/*"]\n',
        'outer/inner/ws': '[workspace]\nmembers = ["p"]\n',
        'outer/inner/ws/p': '[package]\nname = "p"\n',
        'elsewhere/q': '[package]\nname = "q"\nworkspace = "../../outer"\n',
      },
      ['outer/inner/ws/p', 'elsewhere/q'],
    );
    assert.deepEqual(rel(cargoRootsAmong('/f', m)), ['outer', 'outer/inner/ws']);
  });

  it('keeps a manifest that is not valid TOML, so that loading it shows cargo\'s error', () => {
    assert.deepEqual(rel(cargoRootsAmong('/f', found({ broken: '[package\nname = ' }))), ['broken']);
  });
});
