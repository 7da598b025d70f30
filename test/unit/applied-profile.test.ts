import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { computeApplied } from '../../src/core/pipeline/applied-profile';
import { parsePgoWarning } from '../../src/core/pipeline/pgo-warnings';
import { decodePrfNames } from '../../src/core/profile/elf-prf-names';
import type { ProfileFunction } from '../../src/core/profile/profile-model';

const fn = (name: string, sum: number): ProfileFunction => ({ name, hash: '0x1', counters: 1, sum, max: sum });

describe('rustc PGO warnings', () => {
  it('reads "no profile data available" and "hash mismatch" with the discarded count', () => {
    assert.deepEqual(
      parsePgoWarning('t.943d99238c321d14-cgu.0: no profile data available for function _ZN1t5newfn17h74e74bf9624ced5cE Hash = 844982798170437214 up to 0 count discarded'),
      { kind: 'missing', module: 't.943d99238c321d14-cgu.0', mangled: '_ZN1t5newfn17h74e74bf9624ced5cE', discarded: 0 },
    );
    assert.deepEqual(
      parsePgoWarning('t.943d99238c321d14-cgu.0: function control flow change detected (hash mismatch) _ZN1t4used17hdaa7cb372fad4a59E Hash = 798733567898807709 up to 1001 count discarded'),
      { kind: 'mismatch', module: 't.943d99238c321d14-cgu.0', mangled: '_ZN1t4used17hdaa7cb372fad4a59E', discarded: 1001 },
    );
    assert.equal(parsePgoWarning('unused variable: `x`'), undefined);
  });
});

describe('applied figure', () => {
  const crates = new Set(['midi', 'midi_import']);
  const shipped = ['_ZN4midi5parse17haaaaaaaaaaaaaaaaE', 'midi.cgu;_ZN4midi3vlq17hbbbbbbbbbbbbbbbbE', '_ZN11midi_import4main17hccccccccccccccccE', '_ZN3dep4work17hdddddddddddddddd'];

  it('counts only records the shipped binaries carry, minus what rustc rejected', () => {
    const profile = [
      fn('_ZN4midi5parse17haaaaaaaaaaaaaaaaE', 600),
      fn('midi.cgu;_ZN4midi3vlq17hbbbbbbbbbbbbbbbbE', 200),
      fn('_ZN11midi_import4main17hccccccccccccccccE', 0),
      // the same function from a unit-test build: other hash, never applies
      fn('_ZN4midi5parse17heeeeeeeeeeeeeeeeE', 200),
    ];
    const warnings = [parsePgoWarning('midi.cgu: function control flow change detected (hash mismatch) _ZN4midi3vlq17hbbbbbbbbbbbbbbbbE Hash = 1 up to 200 count discarded')!];
    const r = computeApplied({ instrumented: shipped, profile, warnings, workspaceCrates: crates });
    assert.equal(r.instrumented, 4);
    assert.equal(r.applied, 2, 'parse and main; vlq was rejected, dep has no record');
    assert.equal(r.workspaceInstrumented, 3);
    assert.equal(r.workspaceApplied, 2);
    assert.equal(r.usableShare, 0.6);
    assert.equal(r.mismatched, 1);
  });

  it('is zero when the workload profiled only test builds', () => {
    const r = computeApplied({ instrumented: shipped, profile: [fn('_ZN4midi5parse17heeeeeeeeeeeeeeeeE', 100)], warnings: [], workspaceCrates: crates });
    assert.equal(r.applied, 0);
    assert.equal(r.usableShare, 0);
  });
});

describe('__llvm_prf_names decoding', () => {
  const uleb = (n: number): number[] => {
    const out: number[] = [];
    do {
      let b = n & 0x7f;
      n = Math.floor(n / 128);
      if (n > 0) b |= 0x80;
      out.push(b);
    } while (n > 0);
    return out;
  };

  it('reads compressed and uncompressed chunks with padding between them', () => {
    const a = Buffer.from(['main', 'x.cgu;_ZN1x1f17h0123456789abcdefE'].join('\x01'));
    const z = deflateSync(a);
    const b = Buffer.from('_RNvCs1234_4core3foo');
    const section = Buffer.concat([
      Buffer.from([...uleb(a.length), ...uleb(z.length)]), z, Buffer.from([0, 0]),
      Buffer.from([...uleb(b.length), 0]), b, Buffer.from([0]),
    ]);
    assert.deepEqual(decodePrfNames(section), ['main', 'x.cgu;_ZN1x1f17h0123456789abcdefE', '_RNvCs1234_4core3foo']);
  });
});
