import { ExitCode, PgoError } from '../core/errors';

/** `pgo <command> [component|all] [--flag value]…`, parsed without a dependency. */
export const COMMANDS = ['doctor', 'pipeline', 'instrument', 'workload', 'merge', 'optimize', 'show', 'clean', 'delete-profile', 'archive', 'restore', 'bench', 'verify', 'report', 'help'] as const;
export type CommandName = (typeof COMMANDS)[number];

export interface CliArgs {
  command: CommandName;
  component?: string;
  size?: number;
  workspace: string;
  llvmProfdata?: string;
  /** Extra rustflags for both builds (repeatable `--rustflag`); the extension passes its setting. */
  rustflags: string[];
  minFreeGb?: number;
  /** `archive --output FILE`; `restore FILE`. */
  output?: string;
  file?: string;
  /** Merge past unreadable .profraw files (llvm-profdata --failure-mode=all), naming them. */
  skipCorrupt: boolean;
  top: number;
  json: boolean;
  color?: boolean;
  /** `bench`: fixed measured rounds, time budget per benchmark (s), variants, shuffle seed. */
  runs?: number;
  budget?: number;
  variants?: string[];
  seed?: number;
}

const VALUE_FLAGS = new Set(['--size', '--workspace', '--llvm-profdata', '--top', '--rustflag', '--min-free-gb', '--output', '--runs', '--budget', '--variants', '--seed']);

export function parseCliArgs(argv: readonly string[], cwd: string): CliArgs {
  const args: CliArgs = { command: 'help', workspace: cwd, rustflags: [], skipCorrupt: false, top: 20, json: false };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '-h' || a === '--help') {
      args.command = 'help';
      return args;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const flag = eq >= 0 ? a.slice(0, eq) : a;
      let value: string | undefined = eq >= 0 ? a.slice(eq + 1) : undefined;
      if (VALUE_FLAGS.has(flag) && value === undefined) {
        value = argv[++i];
        if (value === undefined) throw new PgoError(`${flag} needs a value`, `e.g. ${flag} ${flag === '--size' ? '50000' : '…'}`, ExitCode.Usage);
      }
      switch (flag) {
        case '--size':
        case '--top':
        case '--runs':
        case '--budget': {
          const n = Number(value);
          if (!Number.isInteger(n) || n < 1) throw new PgoError(`${flag} must be a whole number ≥ 1, got "${value}"`, `e.g. ${flag} ${flag === '--runs' ? '10' : '100'}`, ExitCode.Usage);
          if (flag === '--size') args.size = n;
          else if (flag === '--runs') args.runs = n;
          else if (flag === '--budget') args.budget = n;
          else args.top = n;
          break;
        }
        case '--seed': {
          const n = Number(value);
          if (!Number.isInteger(n) || n < 0) throw new PgoError(`--seed must be a whole number ≥ 0, got "${value}"`, 'e.g. --seed 42', ExitCode.Usage);
          args.seed = n;
          break;
        }
        case '--variants':
          args.variants = (value ?? '').split(',').map((x) => x.trim()).filter(Boolean);
          if (args.variants.length === 0) throw new PgoError('--variants needs a comma-separated list', 'e.g. --variants pgo,lto', ExitCode.Usage);
          break;
        case '--workspace':
          args.workspace = value ?? cwd;
          break;
        case '--llvm-profdata':
          args.llvmProfdata = value;
          break;
        case '--rustflag':
          if (value) args.rustflags.push(value);
          break;
        case '--min-free-gb': {
          const n = Number(value);
          if (!Number.isFinite(n) || n < 0) throw new PgoError(`--min-free-gb must be a number ≥ 0, got "${value}"`, 'e.g. --min-free-gb 4', ExitCode.Usage);
          args.minFreeGb = n;
          break;
        }
        case '--json':
          args.json = true;
          break;
        case '--output':
          args.output = value;
          break;
        case '--skip-corrupt':
          args.skipCorrupt = true;
          break;
        case '--color':
          args.color = true;
          break;
        case '--no-color':
          args.color = false;
          break;
        default:
          throw new PgoError(`unknown option ${flag}`, 'see `pgo --help`', ExitCode.Usage);
      }
      continue;
    }
    positional.push(a);
  }
  const [command, component, ...rest] = positional;
  if (command === undefined) return args;
  if (!(COMMANDS as readonly string[]).includes(command)) {
    throw new PgoError(`unknown command "${command}"`, `use one of: ${COMMANDS.join(', ')}`, ExitCode.Usage);
  }
  if (rest.length > 0) throw new PgoError(`unexpected argument "${rest[0]}"`, 'see `pgo --help`', ExitCode.Usage);
  args.command = command as CommandName;
  if (args.command === 'restore') {
    if (!component) throw new PgoError('restore needs the archive to restore', 'e.g. `pgo restore pgo-profiles-2026-11-27.tar.gz`', ExitCode.Usage);
    args.file = component;
  } else {
    args.component = component;
  }
  return args;
}

export const HELP = `pgo — profile-guided optimization for Rust workspaces

Usage: pgo <command> [component|all] [options]

Commands:
  doctor                 check rustc, cargo, a matching llvm-profdata and disk space
  pipeline [component]   run all four phases: instrument, workload, merge, optimize
  instrument [component] build the component's binaries with -Cprofile-generate
  workload [component]   run the component's workload on the instrumented binaries
  merge [component]      merge the workload's .profraw files into <component>.profdata
  optimize [component]   build with -Cprofile-use and report how much of the profile applied
  show [component]       table of the profile's hottest functions
  clean [component]      delete PGO artifacts (only under <target>/pgo)
  delete-profile C|all   delete a component's profile, its metadata and source index (not its builds)
  archive [--output F]   keep the profiles in a dated .tar.gz (pgo-profiles-YYYY-MM-DD.tar.gz)
  restore FILE           restore profiles from such an archive (links, absolute paths, .. refused)
  bench [component|all]  is it faster? build the variants (release, pgo, lto, lto+pgo), run the
                         component's benchmarks alternately, compare with release (median, CI,
                         verdict), check outputs agree and the training's coverage, recommend one
  verify [component]     run the component's tests (cargo test) with the PGO build's settings
  report [component|all] write <artifact dir>/report/index.html (plots, offline) and report.md
                         (also appended to $GITHUB_STEP_SUMMARY when set) from the bench results

The component defaults to pgo.yaml's defaultComponent; "all" runs every component.

Options:
  --size N               workload size, replaces {size} (default: the component's defaultSize)
  --workspace DIR        the Cargo workspace (default: the current directory)
  --llvm-profdata PATH   use this llvm-profdata (must match rustc's LLVM; also LLVM_PROFDATA)
  --rustflag FLAG        an extra rustc flag for both builds (repeatable)
  --min-free-gb N        doctor's free-disk-space threshold (default: pgo.yaml, else 8)
  --top N                rows for \`show\` (default 20)
  --skip-corrupt         merge: leave out unreadable .profraw files (they are named) instead of failing
  --runs N               bench: N measured rounds (default: adaptive, ≥ 5, until every speedup's
                         95% CI is within 4% or the budget is spent)
  --budget S             bench: adaptive time budget per benchmark in seconds (default 120)
  --variants a,b         bench: only these variants (release, the baseline, is always included)
  --seed N               bench: seed of the shuffled run order (default 1)
  --json                 print the result as JSON (every command but help)
  --color / --no-color   force colour on or off (default: on for a terminal)
  -h, --help             this help

Exit codes:
  0 success · 1 a phase failed · 2 bad usage or pgo.yaml · 3 prerequisites missing (see doctor)
  4 the optimized build could not use the profile · 5 another PGO run holds the lock
  6 bench: a variant's output differs from release's (PGO changed the program's output) · 130 cancelled
`;
