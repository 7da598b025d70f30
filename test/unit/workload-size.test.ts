import assert from 'node:assert/strict';
import { parseConfig } from '../../src/core/config/load-config';
import { resolveProject } from '../../src/core/config/resolve-project';
import { unusedSizeWarning } from '../../src/core/pipeline/workload-phase';
import { midiWorkspace } from './fixtures';

describe('--size for a workload without {size}', () => {
  const project = resolveProject(
    midiWorkspace(),
    parseConfig(
      `components:
  sized:
    packages: [pipeline]
    workloads:
      - { name: a, command: ["{bin:midi-import}", "--n", "{size}"] }
  fixed:
    packages: [pipeline]
    workloads:
      - { name: b, command: ["{bin:midi-import}", "--n", "3"] }
  tests:
    packages: [pipeline]
`,
      '/ws/pgo.yaml',
    ),
  );
  const c = (name: string) => project.components.find((x) => x.name === name)!;

  it('is silent when a command uses {size}', () => {
    assert.equal(unusedSizeWarning(c('sized'), 5), undefined);
  });

  it('warns, naming the component and how to use {size}', () => {
    assert.equal(
      unusedSizeWarning(c('fixed'), 5),
      '--size 5 is ignored for component "fixed": none of its workload commands uses {size}; put {size} in a workload command in pgo.yaml, e.g. command: ["{bin:midi-import}", "--iterations", "{size}"]',
    );
    assert.match(unusedSizeWarning(c('tests'), 5) ?? '', /"tests".*the default `cargo test --release`, which takes no size/);
  });
});
