/**
 * The seed's troubleshooting case "Build fails with PGO flags", made specific: the causes we can
 * recognise in cargo's and rustc's output, each with its fix. Texts as rustc 1.95 prints them
 * (checked by hand); older releases print the same for these cases.
 */
export interface BuildFailureCause {
  id: 'rustc-too-old' | 'profile-missing' | 'profile-unreadable' | 'target-not-installed' | 'no-profiler-runtime' | 'conflicting-flags';
  cause: string;
  fix: string;
}

interface Rule {
  id: BuildFailureCause['id'];
  pattern: RegExp;
  describe: (m: RegExpExecArray) => Omit<BuildFailureCause, 'id'>;
}

const RULES: readonly Rule[] = [
  {
    id: 'rustc-too-old',
    pattern: /unknown codegen option: `(profile-generate|profile-use)`|requires rustc (\d+\.\d+(?:\.\d+)?) or newer/,
    describe: (m) => ({
      cause: m[1] ? `this rustc does not know -C${m[1]} (PGO flags are stable since Rust 1.37)` : `a package needs rustc ${m[2] ?? ''} or newer`,
      fix: 'update the toolchain: `rustup update stable` (the PGO guide this follows asks for 1.71 or newer)',
    }),
  },
  {
    id: 'profile-missing',
    pattern: /file `([^`]+)` passed to `-C profile-use` does not exist/,
    describe: (m) => ({
      cause: `the profile ${m[1] ?? ''} does not exist (deleted or moved after the merge)`,
      fix: 'merge again (`pgo merge`), or run the whole pipeline; with your own `-Cprofile-use` in RUSTFLAGS, give it an absolute path',
    }),
  },
  {
    id: 'profile-unreadable',
    pattern: /([^\s:]+\.profdata): (invalid instrumentation profile data[^\n]*|unsupported instrumentation profile format version[^\n]*|[^\n]*(?:Permission denied|No such file or directory))/,
    describe: (m) => ({
      cause: `rustc cannot read the profile ${m[1] ?? ''}: ${m[2] ?? ''}`,
      fix: /version/.test(m[2] ?? '')
        ? "the profile was merged by an llvm-profdata of another LLVM: run `pgo doctor` and merge again with the one it names"
        : 'the file is damaged or not readable: merge again (`pgo merge`), or restore it from an archive (`pgo restore`)',
    }),
  },
  {
    id: 'no-profiler-runtime',
    pattern: /can't find crate for `profiler_builtins`/,
    describe: () => ({
      cause: "this target's standard library has no profiler runtime (profiler_builtins), which -Cprofile-generate needs",
      fix: 'instrument on a target that ships it (the tier-1 targets of rustup do); for a cross target, run the PGO builds for the host or build std with the profiler enabled',
    }),
  },
  {
    id: 'target-not-installed',
    pattern: /the `([^`]+)` target may not be installed/,
    describe: (m) => ({
      cause: `the standard library for the target ${m[1] ?? ''} is not installed (a cross target from build.target or .cargo/config.toml)`,
      fix: `\`rustup target add ${m[1] ?? '<target>'}\`; note that the workload must run the instrumented binaries, so a cross target needs an emulator or the target machine`,
    }),
  },
  {
    id: 'conflicting-flags',
    pattern: /options `-C profile-generate` and `-C profile-use` are exclusive|option `-C instrument-coverage` is not compatible with either `-C profile-use` or `-C profile-generate`/,
    describe: (m) => ({
      cause: `conflicting -C flags: ${m[0]}`,
      fix: 'remove -Cprofile-generate, -Cprofile-use and -Cinstrument-coverage from your own RUSTFLAGS / CARGO_ENCODED_RUSTFLAGS and from build.rustflags in pgo.yaml: the pipeline sets the PGO flag of each build itself',
    }),
  },
];

/** The first recognised cause in a failed build's output, or undefined. */
export function classifyBuildFailure(output: readonly string[]): BuildFailureCause | undefined {
  const text = output.join('\n');
  for (const rule of RULES) {
    const m = rule.pattern.exec(text);
    if (m) return { id: rule.id, ...rule.describe(m) };
  }
  return undefined;
}
