import assert from 'node:assert/strict';
import { judgeProfile, PROFILE_THRESHOLDS } from '../../src/core/pipeline/profile-quality';
import type { ProfileFunction } from '../../src/core/profile/profile-model';

const fn = (name: string, sum: number): ProfileFunction => ({ name, hash: '0x1', counters: 1, sum, max: sum });

describe('judging a profile before the optimized build', () => {
  const crates = new Set(['app']);
  // Five workspace functions of the shipped binary, and one of std.
  const own = ['_ZN3app4main17haaaaaaaaaaaaaaaaE', '_ZN3app3one17hbbbbbbbbbbbbbbbbE', '_ZN3app3two17hccccccccccccccccE', '_ZN3app5three17hddddddddddddddddE', 'app.cgu;_ZN3app4four17heeeeeeeeeeeeeeeeE'];
  const shipped = [...own, '_ZN3std2io5print17hffffffffffffffffE'];

  it('unusable: the default workload ran a test binary only (other hashes), as in the issue', () => {
    // 6 functions, total count 4, none of them the shipped binary's own
    const profile = [fn('_ZN3app4main17h1111111111111111E', 1), fn('_ZN4test7console17h2222222222222222E', 3)];
    const q = judgeProfile({ instrumented: shipped, profile, workspaceCrates: crates });
    assert.equal(q.verdict, 'unusable');
    assert.equal(q.workspaceFunctions, 5);
    assert.equal(q.workspaceFunctionsRun, 0);
    assert.equal(q.usableCount, 0);
    assert.match(q.reasons.join(' '), /none of the shipped binaries' 5 workspace functions ran/);
  });

  it('unusable: the binary ran, but the counts it can use are below the floor', () => {
    const profile = [fn(own[0]!, PROFILE_THRESHOLDS.minUsableCount - 1)];
    const q = judgeProfile({ instrumented: shipped, profile, workspaceCrates: crates });
    assert.equal(q.verdict, 'unusable');
    assert.equal(q.workspaceFunctionsRun, 1);
    assert.match(q.reasons.join(' '), /add up to 99 \(below 100/);
  });

  it('thin: too few workspace functions ran, or most counts come from elsewhere', () => {
    const onlyMain = judgeProfile({ instrumented: [...own, ...own.map((n) => n.replace('_ZN3app', '_ZN3app5extra'))], profile: [fn(own[0]!, 10_000)], workspaceCrates: crates });
    assert.equal(onlyMain.verdict, 'thin', '1 of 10 workspace functions ran');
    assert.match(onlyMain.reasons.join(' '), /only 1 of 10 workspace functions/);
    const mostlyTests = judgeProfile({ instrumented: shipped, profile: [...own.map((n) => fn(n, 1000)), fn('_ZN3app4main17h1111111111111111E', 20_000)], workspaceCrates: crates });
    assert.equal(mostlyTests.verdict, 'thin');
    assert.equal(mostlyTests.usableCount, 5000);
    assert.match(mostlyTests.reasons.join(' '), /only 20% of the profile's counts/);
  });

  it('good: the shipped binary\'s own code ran with real counts', () => {
    const q = judgeProfile({ instrumented: shipped, profile: [...own.map((n) => fn(n, 5000)), fn('_ZN3std2io5print17hffffffffffffffffE', 10)], workspaceCrates: crates });
    assert.equal(q.verdict, 'good');
    assert.deepEqual(q.reasons, []);
    assert.equal(q.shippedFunctionsRun, 6);
  });

  it('without function lists (not ELF) it judges by the total count alone', () => {
    assert.equal(judgeProfile({ instrumented: undefined, profile: [fn('x', 4)], workspaceCrates: crates }).verdict, 'unusable');
    const q = judgeProfile({ instrumented: undefined, profile: [fn('x', 4000)], workspaceCrates: crates });
    assert.equal(q.verdict, 'good');
    assert.equal(q.measured, false);
  });
});
