import assert from 'node:assert/strict';
import { ConfigError, parseConfig } from '../../src/core/config/load-config';
import { resolveProject } from '../../src/core/config/resolve-project';
import { midiWorkspace } from './fixtures';

describe('pgo.yaml maxBinarySizeMb', () => {
  it('applies the top-level limit to every component unless one sets its own', () => {
    const text = 'maxBinarySizeMb: 25\ncomponents:\n  pipeline:\n    packages: [pipeline]\n    maxBinarySizeMb: 4.5\n  daw:\n    packages: [daw]\n';
    const project = resolveProject(midiWorkspace(), parseConfig(text, '/ws/pgo.yaml'));
    assert.deepEqual(
      project.components.map((c) => [c.name, c.maxBinarySizeMb]),
      [
        ['pipeline', 4.5],
        ['daw', 25],
      ],
    );
    assert.equal(resolveProject(midiWorkspace(), parseConfig('', '/ws/pgo.yaml')).components[0]?.maxBinarySizeMb, undefined);
  });

  it('rejects a size that is not a positive number, at its line', () => {
    for (const [value, want] of [
      ['0', /1:18 maxBinarySizeMb: expected a size in MB greater than 0/],
      ['-3', /maxBinarySizeMb: expected a number ≥ 0/],
      ['big', /maxBinarySizeMb: expected a number ≥ 0/],
    ] as const) {
      assert.throws(
        () => parseConfig(`maxBinarySizeMb: ${value}\n`, '/ws/pgo.yaml'),
        (e: unknown) => e instanceof ConfigError && want.test(e.problems.map((p) => `${p.line}:${p.col} ${p.message}`).join('\n')),
      );
    }
  });
});
