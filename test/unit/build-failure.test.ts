import assert from 'node:assert/strict';
import { classifyBuildFailure } from '../../src/core/pipeline/build-failure';

// The texts are what rustc 1.95 / cargo print for each case (checked by hand).
describe('why a build with PGO flags failed', () => {
  const cases: [string, string[], RegExp, RegExp][] = [
    ['rustc-too-old', ['error: unknown codegen option: `profile-generate`'], /does not know -Cprofile-generate \(PGO flags are stable since Rust 1\.37\)/, /rustup update stable/],
    ['rustc-too-old', ['error: package `foo v0.1.0` cannot be built because it requires rustc 1.80 or newer, while the currently active rustc version is 1.70.0'], /needs rustc 1\.80 or newer/, /rustup update stable/],
    ['profile-missing', ['error: file `/w/target/pgo/app/optimized/profile-1.profdata` passed to `-C profile-use` does not exist', '', 'error: aborting due to 1 previous error'], /profile \/w\/target\/pgo\/app\/optimized\/profile-1\.profdata does not exist/, /pgo merge/],
    ['profile-unreadable', ['warning: /w/p.profdata: invalid instrumentation profile data (bad magic)'], /cannot read the profile \/w\/p\.profdata: invalid instrumentation profile data \(bad magic\)/, /merge again/],
    ['profile-unreadable', ['warning: /w/p.profdata: unsupported instrumentation profile format version'], /unsupported instrumentation profile format version/, /pgo doctor/],
    ['target-not-installed', ["error[E0463]: can't find crate for `std`", '  = note: the `aarch64-unknown-linux-gnu` target may not be installed'], /target aarch64-unknown-linux-gnu is not installed/, /rustup target add aarch64-unknown-linux-gnu/],
    ['no-profiler-runtime', ["error[E0463]: can't find crate for `profiler_builtins`"], /no profiler runtime/, /host/],
    ['conflicting-flags', ['error: options `-C profile-generate` and `-C profile-use` are exclusive'], /conflicting -C flags/, /remove -Cprofile-generate, -Cprofile-use and -Cinstrument-coverage from your own RUSTFLAGS/],
    ['conflicting-flags', ['error: option `-C instrument-coverage` is not compatible with either `-C profile-use` or `-C profile-generate`'], /instrument-coverage/, /RUSTFLAGS/],
  ];
  for (const [id, output, cause, fix] of cases) {
    it(`${id}: ${output[0]?.slice(0, 60) ?? ''}`, () => {
      const found = classifyBuildFailure(output);
      assert.equal(found?.id, id);
      assert.match(found.cause, cause);
      assert.match(found.fix, fix);
    });
  }

  it('an ordinary compile error is left to the generic message', () => {
    assert.equal(classifyBuildFailure(['error[E0425]: cannot find value `x` in this scope', ' --> src/main.rs:2:5']), undefined);
  });
});
