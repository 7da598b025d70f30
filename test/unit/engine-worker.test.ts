import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PgoError } from '../../src/core/errors';
import type { FunctionHeat, SourceIndex } from '../../src/core/profile/source-index';
import { EngineWorker } from '../../src/vscode/engine-worker-client';
import { tempDir } from './helpers';
import { writeFixtureTarGz } from './tar-fixtures';

/** The extension's worker thread, run from the compiled sources (the bundle is the same code). */
describe('engine worker', () => {
  const worker = new EngineWorker(path.join(__dirname, '..', '..', 'src', 'vscode', 'engine-worker.js'));
  after(() => worker.dispose());

  const heat = (line: number, sum: number, name: string): FunctionHeat => ({
    line, signature: `fn ${name}() {`, display: `k::${name}`, records: [`_ZN1k${name.length}${name}E`], sum, max: sum, counters: 1, share: 0, tier: 'cold', blockCounts: [sum],
  });

  it('hands over a source index packed, each file\'s functions intact, the hottest sorted', async () => {
    const dir = tempDir();
    const files = { [path.join(dir, 'a.rs')]: [heat(1, 5, 'a1'), heat(9, 50, 'a2é')], [path.join(dir, 'b.rs')]: [heat(3, 20, 'b1')] };
    const index: SourceIndex = { schema: 1, profileSha256: 'x', totalCount: 75, thresholds: { hot: 40, warm: 10, totalCount: 75 }, files, external: 2, unmapped: 1, mapping: { method: 'test' } };
    fs.writeFileSync(path.join(dir, 'i.json'), JSON.stringify(index));
    const got = await worker.sourceIndex(path.join(dir, 'i.json'));
    assert.ok(got);
    assert.equal(got.head.external, 2);
    const unpacked = Object.fromEntries(got.files.names.map((n, i) => [n, JSON.parse(new TextDecoder().decode(got.files.bytes.subarray(got.files.starts[i], got.files.ends[i])))]));
    assert.deepEqual(unpacked, files);
    assert.deepEqual(got.hottest.map((h) => h.heat.display), ['k::a2é', 'k::b1', 'k::a1']);
    assert.equal(await worker.sourceIndex(path.join(dir, 'missing.json')), undefined);
  });

  it('passes the engine\'s errors on, with their fix', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'empty.profdata'), '');
    await assert.rejects(worker.hotFunctions('llvm-profdata', path.join(dir, 'empty.profdata'), 10), (e: PgoError) => e instanceof PgoError && /is empty/.test(e.message) && /run the pipeline again/.test(e.fix ?? ''));
  });

  it('Compare Profiles: lists an archive\'s profiles, and refuses one file twice before reading it', async () => {
    const dir = tempDir();
    const archive = await writeFixtureTarGz(path.join(dir, 'pgo-profiles-x.tar.gz'), [{ name: 'app/app.profdata', data: 'A' }]);
    assert.deepEqual(await worker.archivedComponents(archive), ['app']);
    await assert.rejects(worker.compareProfiles('llvm-profdata', { archive, component: 'other' }, { file: archive }, 10), /holds no profile of "other"/);
    fs.writeFileSync(path.join(dir, 'a.profdata'), 'x');
    await assert.rejects(
      worker.compareProfiles('llvm-profdata', { file: path.join(dir, 'a.profdata') }, { file: path.join(dir, 'a.profdata') }, 10),
      (e: PgoError) => e instanceof PgoError && /A and B are the same file/.test(e.message) && /compare it with another profile/.test(e.fix ?? ''),
    );
  });
});
