import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO, runCli } from './e2e-helpers';

/**
 * Hostile or awkward input: names with shell metacharacters pass through literally (no shell is
 * ever used), odd paths work, and nothing outside the target directory is ever deleted.
 */
describe('security and awkward paths', function () {
  this.timeout(10 * 60_000);
  const made: string[] = [];
  after(() => {
    for (const d of made) fs.rmSync(d, { recursive: true, force: true });
  });

  function workspaceAt(parentName: string): string {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'pgo-sec-'));
    made.push(parent);
    const ws = path.join(parent, parentName);
    fs.cpSync(path.join(REPO, 'test', 'fixtures', 'tiny-app'), ws, { recursive: true, filter: (p) => path.basename(p) !== 'target' });
    return ws;
  }

  it('runs the pipeline in a folder named with spaces, quotes, unicode and shell metacharacters, creating nothing else', () => {
    const name = `my ws 'quoted' "dq" ü 音 $(touch pwned) \`touch pwned2\`; touch pwned3 & x`;
    const ws = workspaceAt(name);
    // Workload arguments with metacharacters are data too.
    fs.writeFileSync(
      path.join(ws, 'pgo.yaml'),
      fs.readFileSync(path.join(ws, 'pgo.yaml'), 'utf8').replace('"{size}"]', '"{size}", "$(touch pwned4)", "; touch pwned5"]'),
    );
    const r = runCli(['pipeline', '--workspace', ws, '--size', '2000']);
    // The extra arguments are ignored by the binary; the run must succeed.
    assert.equal(r.status, 0, r.output);
    assert.ok(fs.existsSync(path.join(ws, 'target', 'pgo', 'spin', 'spin.profdata')));
    const parent = path.dirname(ws);
    for (const dir of [ws, parent, process.cwd(), REPO]) {
      for (const p of ['pwned', 'pwned2', 'pwned3', 'pwned4', 'pwned5']) assert.equal(fs.existsSync(path.join(dir, p)), false, `${p} in ${dir}`);
    }
  });

  it('works under a very long path', () => {
    const ws = workspaceAt(`${'deep-'.repeat(30)}end`);
    const r = runCli(['pipeline', '--workspace', ws, '--size', '2000']);
    assert.equal(r.status, 0, r.output);
  });

  for (const [label, value] of [
    ['/', '/'],
    ['~', os.homedir()],
    ['the workspace root', '.'],
    ['outside via ..', '../outside'],
  ] as const) {
    it(`refuses an artifactDir of ${label}, and clean deletes nothing`, () => {
      const ws = workspaceAt('ws');
      const canary = path.join(path.dirname(ws), 'outside', 'canary.txt');
      fs.mkdirSync(path.dirname(canary), { recursive: true });
      fs.writeFileSync(canary, 'alive');
      fs.appendFileSync(path.join(ws, 'pgo.yaml'), `artifactDir: ${JSON.stringify(value)}\n`);
      const r = runCli(['clean', '--workspace', ws]);
      assert.equal(r.status, 2, r.output);
      assert.match(r.stderr, /artifactDir .* is not inside the target directory/);
      assert.equal(fs.readFileSync(canary, 'utf8'), 'alive');
      assert.ok(fs.existsSync(path.join(ws, 'src', 'main.rs')));
    });
  }

  it('refuses an artifact dir that is a symlink out of the target directory', () => {
    const ws = workspaceAt('ws');
    const outside = path.join(path.dirname(ws), 'elsewhere');
    fs.mkdirSync(outside, { recursive: true });
    fs.writeFileSync(path.join(outside, 'canary.txt'), 'alive');
    fs.mkdirSync(path.join(ws, 'target'), { recursive: true });
    fs.symlinkSync(outside, path.join(ws, 'target', 'pgo'));
    const r = runCli(['clean', '--workspace', ws]);
    assert.equal(r.status, 2, r.output);
    assert.match(r.stderr, /not inside the target directory/);
    assert.equal(fs.readFileSync(path.join(outside, 'canary.txt'), 'utf8'), 'alive');
  });

  it('a corrupt profile is reported by `pgo show` with its cause and fix', () => {
    const ws = workspaceAt('ws');
    const dir = path.join(ws, 'target', 'pgo', 'spin');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'spin.profdata'), 'garbage that is not a profile');
    const r = runCli(['show', '--workspace', ws]);
    assert.equal(r.status, 1, r.output);
    assert.match(r.stderr, /error: .*spin\.profdata is not an LLVM indexed profile \(unknown header\)\nfix: delete it and run the pipeline again/);
  });
});
