import assert from 'node:assert/strict';
import { profileWarning } from '../../src/core/pipeline/profile-warning';
import type { ProfileMetadata } from '../../src/core/pipeline/profile-metadata';
import { judgeProfile } from '../../src/core/pipeline/profile-quality';
import type { ProfileFunction } from '../../src/core/profile/profile-model';
import { formatSummary } from '../../src/core/report/format';

const fn = (name: string, sum: number): ProfileFunction => ({ name, hash: '0x1', counters: 1, sum, max: sum });
const own = ['_ZN3app4main17haaaaaaaaaaaaaaaaE', '_ZN3app3one17hbbbbbbbbbbbbbbbbE', '_ZN3app3two17hccccccccccccccccE', '_ZN3app5three17hddddddddddddddddE', '_ZN3app4four17heeeeeeeeeeeeeeeeE', '_ZN3app4five17hffffffffffffffffE'];

function meta(profile: ProfileFunction[], quality = true): ProfileMetadata {
  return {
    schema: 1,
    component: 'app',
    createdAt: '2026-12-02T20:00:00.000Z',
    profdata: '/ws/target/pgo/app/app.profdata',
    sizeBytes: 1000,
    sha256: '',
    functions: profile.length,
    totalCount: profile.reduce((n, f) => n + f.sum, 0),
    maxBlockCount: 1,
    hottest: [],
    workload: { runId: 'r', commands: [] },
    toolchain: { rustc: 'rustc 1.95.0', llvm: '22.1.2', host: 'x86_64-unknown-linux-gnu' },
    llvmProfdata: { path: '/usr/bin/llvm-profdata', version: '22.1.8' },
    git: {},
    sourceHash: '',
    buildFingerprint: '',
    buildSettings: { profile: 'release', rustflags: [] },
    ...(quality ? { quality: judgeProfile({ instrumented: own, profile, workspaceCrates: new Set(['app']) }) } : {}),
  };
}

describe('the thin-profile warning', () => {
  it('warns about a profile that ran 1 of 6 workspace functions, naming why and what to do', () => {
    const w = profileWarning(meta([fn(own[0]!, 500)]));
    assert.ok(w);
    assert.equal(w.headline, 'thin profile');
    assert.match(w.detail, /^thin profile: only 1 of 6 workspace functions of the shipped binaries ran \(17%\)$/);
    assert.match(w.fix, /components\.app\.workloads/);
  });

  it('says nothing about a good profile, or metadata written before profiles were judged', () => {
    assert.equal(profileWarning(meta(own.map((n) => fn(n, 100)))), undefined);
    assert.equal(profileWarning(meta([fn(own[0]!, 500)], false)), undefined);
    assert.equal(profileWarning(undefined), undefined);
  });

  it('the CLI summary shows a thin profile as a ⚠ line with what to do, a good one without', () => {
    const summary = (m: ProfileMetadata): string => formatSummary([{ component: 'app', timings: [], meta: m }]);
    const thin = summary(meta([fn(own[0]!, 500)]));
    assert.match(thin, /^ {2}⚠ thin profile: only 1 of 6 workspace functions/m);
    assert.match(thin, /^ {4}what to do: it speeds up only the code the workload ran/m);
    assert.doesNotMatch(thin, /✔/);
    assert.doesNotMatch(summary(meta(own.map((n) => fn(n, 100)))), /⚠/);
  });
});
