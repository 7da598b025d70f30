import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { collectOwnProfraws, profileFileSettings } from '../../src/core/pipeline/workload-own-profiles';
import { binVariable } from '../../src/core/pipeline/workload-phase';

describe('profiles a workload script sent elsewhere', () => {
  let root = '';
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgo-own-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('moves the .profraw files written since the command started into the run, skipping the pipeline\'s own folders', () => {
    const write = (rel: string, mtime?: Date): string => {
      const f = path.join(root, rel);
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(f, 'x');
      if (mtime) fs.utimesSync(f, mtime, mtime);
      return f;
    };
    const since = Date.now();
    write('target/pgo-profile/custom-1-a.profraw');
    write('target/release/incremental/x.profraw'); // cargo bookkeeping: not searched
    write('target/pgo/app/raw/other-run/run/1.profraw'); // the pipeline's own runs: not searched
    write('old/custom-2.profraw', new Date(since - 3_600_000)); // an earlier run's
    write('notes.txt');
    const dest = path.join(root, 'target/pgo/app/raw/this-run/run');
    const found = collectOwnProfraws([root, path.join(root, 'target')], since, dest, [path.join(root, 'target/pgo/app/raw')]);
    assert.deepEqual(found, [path.join(root, 'target/pgo-profile/custom-1-a.profraw')]);
    assert.deepEqual(fs.readdirSync(dest), ['own-0-custom-1-a.profraw']);
    assert.equal(fs.existsSync(found[0] ?? ''), false, 'moved, so a later run does not take it again');
  });

  it('names where a script sends them, from its text or the command itself', () => {
    const script = path.join(root, 'wl.sh');
    fs.writeFileSync(script, '#!/bin/bash\nLLVM_PROFILE_FILE="/data/pgo/custom-%p-%m.profraw" bash other.sh\n');
    assert.deepEqual(profileFileSettings(['bash', 'wl.sh', '100'], root), [{ file: script, value: '/data/pgo/custom-%p-%m.profraw' }]);
    assert.deepEqual(profileFileSettings(['env', 'LLVM_PROFILE_FILE=/tmp/x.profraw', 'app'], root), [{ file: 'the command', value: '/tmp/x.profraw' }]);
    assert.deepEqual(profileFileSettings(['app', '100'], root), []);
  });

  it('PGO_BIN_<NAME>: upper case, - and other non-alphanumerics as _', () => {
    assert.equal(binVariable('midi-import'), 'PGO_BIN_MIDI_IMPORT');
    assert.equal(binVariable('daw_render2'), 'PGO_BIN_DAW_RENDER2');
  });
});
