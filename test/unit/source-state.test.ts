import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSourceHash, sourceHash, sourcesBeforeBuild } from '../../src/core/workspace/source-state';
import type { CargoWorkspace } from '../../src/core/workspace/cargo-workspace';

describe('source state stamped on a build', () => {
  let root: string;
  let ws: CargoWorkspace;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgo-src-state-'));
    fs.mkdirSync(path.join(root, 'src'));
    fs.writeFileSync(path.join(root, 'Cargo.toml'), '[package]\nname = "a"\n');
    fs.writeFileSync(path.join(root, 'src', 'main.rs'), 'fn main() {}\n');
    ws = { root, targetDirectory: path.join(root, 'target'), packages: [] };
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('takes the Cargo.lock that cargo wrote during the build', () => {
    const before = sourcesBeforeBuild(ws);
    fs.writeFileSync(path.join(root, 'Cargo.lock'), 'version = 4\n'); // what cargo does on a first build
    const stamped = buildSourceHash(ws, before);
    assert.notEqual(stamped, before.all);
    assert.equal(stamped, sourceHash(ws), 'a later merge sees the same sources');
  });

  it('stays stale when the code was edited during the build', () => {
    const before = sourcesBeforeBuild(ws);
    fs.writeFileSync(path.join(root, 'src', 'main.rs'), 'fn main() { println!("edited"); }\n');
    assert.equal(buildSourceHash(ws, before), before.all);
    assert.notEqual(buildSourceHash(ws, before), sourceHash(ws));
  });
});
