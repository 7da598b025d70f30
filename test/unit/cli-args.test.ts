import assert from 'node:assert/strict';
import { parseCliArgs } from '../../src/cli/cli-args';
import { expandArgument } from '../../src/core/pipeline/workload-phase';

describe('CLI arguments', () => {
  it('reads command, component and options', () => {
    assert.deepEqual(parseCliArgs(['pipeline', 'all', '--size', '500', '--workspace=/w', '--json'], '/cwd'), {
      command: 'pipeline', component: 'all', size: 500, workspace: '/w', rustflags: [], skipCorrupt: false, top: 20, json: true,
    });
    assert.deepEqual(parseCliArgs(['optimize', '--rustflag', '-Ctarget-cpu=native', '--rustflag=-g', '--min-free-gb', '2.5'], '/').rustflags, ['-Ctarget-cpu=native', '-g']);
    assert.equal(parseCliArgs([], '/cwd').command, 'help');
    assert.equal(parseCliArgs(['doctor', '-h'], '/cwd').command, 'help');
  });

  it('explains bad input', () => {
    assert.throws(() => parseCliArgs(['build'], '/'), /unknown command "build"/);
    assert.throws(() => parseCliArgs(['pipeline', '--size', 'lots'], '/'), /--size must be a whole number/);
    assert.throws(() => parseCliArgs(['pipeline', '--size'], '/'), /--size needs a value/);
    assert.throws(() => parseCliArgs(['pipeline', '--fast'], '/'), /unknown option --fast/);
    assert.throws(() => parseCliArgs(['pipeline', 'a', 'b'], '/'), /unexpected argument "b"/);
  });
});

describe('workload placeholders', () => {
  const vars = { size: 50, workspace: '/ws', bins: new Map([['midi-import', '/t/midi-import']]) };
  it('replaces {size}, {bin:NAME} and {workspace}, and nothing else', () => {
    assert.equal(expandArgument('{bin:midi-import}', vars), '/t/midi-import');
    assert.equal(expandArgument('--n={size}', vars), '--n=50');
    assert.equal(expandArgument('{workspace}/data', vars), '/ws/data');
    assert.equal(expandArgument('$(touch pwned) {other}', vars), '$(touch pwned) {other}');
  });
  it('names the problem when a size or binary is missing', () => {
    assert.throws(() => expandArgument('{size}', { ...vars, size: undefined }), /no size was given/);
    assert.throws(() => expandArgument('{bin:nope}', vars), /unknown binary in \{bin:nope\}/);
  });
});
