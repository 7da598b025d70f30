import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { copyWorkspace, REPO, runCli } from './e2e-helpers';

/**
 * An editor started from a desktop menu has no ~/.cargo/bin on its PATH. The engine must still
 * find rustup's cargo and rustc there, like rust-analyzer, and build with them.
 */
describe('cargo and rustc outside PATH (real toolchain)', function () {
  this.timeout(10 * 60_000);
  const cargoBin = path.join(os.homedir(), '.cargo', 'bin');
  const bare = (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((d) => d && !fs.existsSync(path.join(d, 'cargo')) && !fs.existsSync(path.join(d, 'rustc')))
    .join(path.delimiter);
  let ws: string;
  before(function () {
    // Only with rustup's cargo, and when no $CARGO / $RUSTC decides for the engine.
    if (!fs.existsSync(path.join(cargoBin, 'cargo')) || process.env.CARGO || process.env.RUSTC) this.skip();
    ws = copyWorkspace(path.join(REPO, 'test', 'fixtures', 'tiny-app'), 'pgo-lookup-');
  });
  after(() => {
    if (ws) fs.rmSync(ws, { recursive: true, force: true });
  });

  it('the doctor finds them in ~/.cargo/bin and says so', () => {
    const r = runCli(['doctor', '--json', '--workspace', ws], { PATH: bare });
    const report = JSON.parse(r.stdout) as { tools: Record<string, { path: string; source: string }>; checks: { id: string; status: string; message: string }[] };
    assert.deepEqual(report.tools.cargo, { tool: 'cargo', path: path.join(cargoBin, 'cargo'), source: 'cargo-home' }, r.output);
    assert.equal(report.tools.rustc?.source, 'cargo-home');
    for (const id of ['rustc', 'cargo']) {
      const check = report.checks.find((c) => c.id === id);
      assert.equal(check?.status, 'ok', JSON.stringify(check));
      assert.match(check?.message ?? '', /from rustup's bin folder, not on PATH/);
    }
  });

  it('the instrumented build runs with them', () => {
    const r = runCli(['instrument', '--workspace', ws], { PATH: bare });
    assert.equal(r.status, 0, r.output);
    assert.ok(fs.existsSync(path.join(ws, 'target', 'pgo', 'spin', 'instrumented')));
  });
});
