import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { copyWorkspace, REPO, runCli } from './e2e-helpers';

/**
 * Two workspaces with the same component name share one CARGO_TARGET_DIR (common in CI and with a
 * global cargo config): each gets its own artifact folder, and neither's pipeline or clean touches
 * the other's profile.
 */
describe('two workspaces sharing CARGO_TARGET_DIR (real toolchain)', function () {
  this.timeout(10 * 60_000);
  let alpha: string;
  let beta: string;
  let shared: string;
  const env = (): NodeJS.ProcessEnv => ({ CARGO_TARGET_DIR: shared });
  const sha = (f: string): string => createHash('sha256').update(fs.readFileSync(f)).digest('hex');
  /** The profile in the one artifact folder under <shared>/pgo named after the workspace. */
  const profileOf = (ws: string): string => {
    const dirs = fs.readdirSync(path.join(shared, 'pgo')).filter((d) => d.startsWith(`${path.basename(ws)}-`));
    assert.equal(dirs.length, 1, `one folder for ${ws}: ${dirs.join(', ')}`);
    return path.join(shared, 'pgo', dirs[0] ?? '', 'tool', 'tool.profdata');
  };
  let alphaShaBeforeBeta: string;
  before(() => {
    alpha = copyWorkspace(path.join(REPO, 'test', 'fixtures', 'shared-target-alpha'), 'pgo-alpha-');
    beta = copyWorkspace(path.join(REPO, 'test', 'fixtures', 'shared-target-beta'), 'pgo-beta-');
    shared = fs.mkdtempSync(path.join(os.tmpdir(), 'pgo-shared-target-'));
    const a = runCli(['pipeline', '--workspace', alpha], env());
    assert.equal(a.status, 0, a.output);
    alphaShaBeforeBeta = sha(profileOf(alpha));
    const b = runCli(['pipeline', '--workspace', beta], env());
    assert.equal(b.status, 0, b.output);
  });
  after(() => {
    for (const d of [alpha, beta, shared]) fs.rmSync(d, { recursive: true, force: true });
  });

  it('each pipeline writes its own profile, and the second leaves the first alone', () => {
    const alphaProfile = profileOf(alpha);
    const betaProfile = profileOf(beta);
    assert.notEqual(path.dirname(path.dirname(betaProfile)), path.dirname(path.dirname(alphaProfile)));
    assert.equal(sha(alphaProfile), alphaShaBeforeBeta, "beta's pipeline did not touch alpha's profile");
    assert.equal(fs.existsSync(path.join(shared, 'pgo', 'tool')), false, 'nothing in the shared <target>/pgo itself');
  });

  it("clean in one workspace deletes only that workspace's artifacts", () => {
    const alphaProfile = profileOf(alpha);
    const before = sha(alphaProfile);
    const r = runCli(['clean', '--workspace', beta], env());
    assert.equal(r.status, 0, r.output);
    assert.equal(fs.readdirSync(path.join(shared, 'pgo')).some((d) => d.startsWith(`${path.basename(beta)}-`)), false, "beta's folder is gone");
    assert.equal(sha(alphaProfile), before, "alpha's profile survived beta's clean");
  });

  it('the same explicit artifactDir in both: the second workspace is refused, not mixed in', () => {
    const common = path.join(shared, 'pgo-common');
    for (const ws of [alpha, beta]) fs.appendFileSync(path.join(ws, 'pgo.yaml'), `artifactDir: ${JSON.stringify(common)}\n`);
    const a = runCli(['instrument', '--workspace', alpha], env());
    assert.equal(a.status, 0, a.output);
    const b = runCli(['instrument', '--workspace', beta], env());
    assert.equal(b.status, 2, b.output);
    assert.match(b.stderr, /error: \S+pgo-common holds the PGO data of another workspace \(\S+pgo-alpha-\w+\)\nfix: give this workspace an artifact folder of its own/);
    assert.ok(fs.existsSync(path.join(common, 'tool', 'instrumented')), "alpha's build is still there");
  });
});
