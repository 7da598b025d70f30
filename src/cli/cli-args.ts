import { parseArgs } from 'node:util';
import { ExitCode, PgoError } from '../core/errors';
import { closest } from '../core/util/closest-word';

/**
 * `pgo <command> [component|all] [--flag value]…`. node:util's parseArgs splits the words
 * (`--flag value`, `--flag=value`, `-h`, `--` ends the options); the two tables below say what the
 * commands and options are and where each option lands in CliArgs. Adding a command or an option
 * is one entry in its table (plus a CliArgs field for a new option); the help text follows.
 */

interface CommandSpec {
  /** The left column of the help: the command and its argument. */
  usage: string;
  help: string;
  /** What the second word is: a component (optional), a file (required; `files: 2`: two), or nothing may follow. */
  operand: 'component' | 'none' | { file: string; example: string; files?: 2 };
}

const COMMAND_TABLE = {
  doctor: { usage: 'doctor', help: 'check rustc, cargo, a matching llvm-profdata and disk space', operand: 'component' },
  pipeline: { usage: 'pipeline [component]', help: 'run all four phases: instrument, workload, merge, optimize', operand: 'component' },
  instrument: { usage: 'instrument [component]', help: "build the component's binaries with -Cprofile-generate", operand: 'component' },
  workload: { usage: 'workload [component]', help: "run the component's workload on the instrumented binaries", operand: 'component' },
  merge: { usage: 'merge [component]', help: "merge the workload's .profraw files (and --add ones) into <component>.profdata", operand: 'component' },
  optimize: { usage: 'optimize [component]', help: 'build with -Cprofile-use and report how much of the profile applied', operand: 'component' },
  show: { usage: 'show [component]', help: "table of the profile's hottest functions", operand: 'component' },
  clean: { usage: 'clean [component]', help: 'delete PGO artifacts (only under <target>/pgo)', operand: 'component' },
  'delete-profile': { usage: 'delete-profile C|all', help: "delete a component's profile, its metadata and source index (not its builds)", operand: 'component' },
  archive: { usage: 'archive [--output F]', help: 'keep the profiles in a dated .tar.gz (pgo-profiles-YYYY-MM-DD.tar.gz)', operand: 'component' },
  restore: { usage: 'restore FILE', help: 'restore profiles from such an archive (links, absolute paths, .. refused)', operand: { file: 'the archive to restore', example: 'pgo restore pgo-profiles-2026-11-27.tar.gz' } },
  diff: { usage: 'diff A B', help: 'compare two .profdata files: hotter, colder, new and vanished hot functions', operand: { file: 'two .profdata files', example: 'pgo diff old.profdata target/pgo/pipeline/pipeline.profdata', files: 2 } },
  bench: {
    usage: 'bench [component|all]',
    help: 'is it faster? build release, pgo, lto, lto+pgo (or pgo.yaml\'s variants), run the benchmarks alternately, compare with release (median, 95% CI, verdict), check outputs agree and the training\'s coverage, recommend one',
    operand: 'component',
  },
  bolt: {
    usage: 'bolt [component]',
    help: 'BOLT (Linux): link with --emit-relocs, llvm-bolt -instrument, run the workloads, merge-fdata, llvm-bolt; check the output is unchanged (--pgo: on a PGO build)',
    operand: 'component',
  },
  verify: { usage: 'verify [component]', help: "run the component's tests (cargo test) built with the PGO profile and settings", operand: 'component' },
  init: {
    usage: 'init [component]',
    help: "write a commented pgo.yaml with a workload running each of the workspace's binaries (an existing one is kept); --bin NAME -- ARGS… fills in one workload (added to an existing pgo.yaml); --makefile writes Makefile targets instead",
    operand: 'component',
  },
  report: { usage: 'report [component|all]', help: 'write <artifact dir>/report/index.html (plots, offline) and report.md', operand: 'component' },
  version: { usage: 'version', help: 'print the version of pgo (also --version, -V)', operand: 'none' },
  help: { usage: 'help', help: '', operand: 'component' },
} as const satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMAND_TABLE;
export const COMMANDS = Object.keys(COMMAND_TABLE) as readonly CommandName[];

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
  /** `diff A B`: the second profile. */
  file2?: string;
  /** Merge past unreadable .profraw files (llvm-profdata --failure-mode=all), naming them. */
  skipCorrupt: boolean;
  /** `merge --add PATH [--weight N]` (repeatable): profiles from elsewhere merged in. */
  added: { path: string; weight: number }[];
  /** `workload --only NAME` (repeatable or comma-separated): just these workloads. */
  only?: string[];
  /** `workload --profile-dir DIR`: also copy the run's raw profiles there (CI upload). */
  profileDir?: string;
  top: number;
  json: boolean;
  color?: boolean;
  /** `bench`: fixed measured rounds, time budget per benchmark (s), variants, shuffle seed. */
  runs?: number;
  budget?: number;
  variants?: string[];
  seed?: number;
  /** `init --bin NAME [--name W] -- ARGS…`: the workload to fill in; `--makefile`; `--force`. */
  bin?: string;
  workloadName?: string;
  binArgs: string[];
  makefile: boolean;
  force: boolean;
  /** `bolt --pgo`: BOLT on a PGO-optimized build instead of the release build. */
  pgo?: boolean;
}

type OptionSpec =
  | {
      type: 'string';
      /** The help's left column after the flag (`N`, `DIR`), also the example in "needs a value". */
      arg: string;
      /** A value for the "needs a value" fix, when `arg` is not one. */
      example?: string;
      help: string;
      apply: (args: CliArgs, value: string, flag: string) => void;
    }
  | {
      type: 'boolean';
      /** `--flag`, `--flag=true`: true; `--flag=false`, `--no-flag`: false. */
      help: string;
      apply: (args: CliArgs, value: boolean) => void;
      /** The help's left column when it is not just `--flag` (e.g. `--color / --no-color`). */
      helpName?: string;
    };

const OPTION_TABLE: Record<string, OptionSpec> = {
  size: { type: 'string', arg: 'N', example: '50000', help: 'workload size, replaces {size} (default: the component\'s defaultSize)', apply: (a, v, f) => (a.size = wholeNumber(f, v)) },
  workspace: { type: 'string', arg: 'DIR', help: 'the Cargo workspace (default: the current directory)', apply: (a, v) => (a.workspace = v) },
  'llvm-profdata': { type: 'string', arg: 'PATH', help: "use this llvm-profdata (must match rustc's LLVM; also LLVM_PROFDATA)", apply: (a, v) => (a.llvmProfdata = v) },
  rustflag: {
    type: 'string',
    arg: 'FLAG',
    help: 'an extra rustc flag for both builds (repeatable)',
    apply: (a, v) => {
      if (v) a.rustflags.push(v);
    },
  },
  'min-free-gb': { type: 'string', arg: 'N', example: '4', help: "doctor's free-disk-space threshold (default: pgo.yaml, else 8)", apply: (a, v, f) => (a.minFreeGb = nonNegative(f, v)) },
  top: { type: 'string', arg: 'N', example: '50', help: 'rows for `show` (default 20)', apply: (a, v, f) => (a.top = wholeNumber(f, v)) },
  output: { type: 'string', arg: 'FILE', help: 'archive: where to write the .tar.gz; init --makefile: the Makefile (default ./Makefile)', apply: (a, v) => (a.output = v) },
  bin: { type: 'string', arg: 'NAME', example: 'my-app', help: 'init: the binary whose workload to write; its arguments follow `--`', apply: (a, v) => (a.bin = v) },
  name: { type: 'string', arg: 'NAME', example: 'large-input', help: 'init: the name of the --bin workload (default NAME-run)', apply: (a, v) => (a.workloadName = v) },
  add: {
    type: 'string',
    arg: 'PATH',
    example: 'profiles/',
    help: 'merge: also merge this .profraw/.profdata file or folder of them (repeatable; production, CI jobs)',
    apply: (a, v) => a.added.push({ path: v, weight: 1 }),
  },
  weight: {
    type: 'string',
    arg: 'N',
    example: '3',
    help: 'merge: the weight of the --add just before it (default 1)',
    apply: (a, v, f) => {
      const last = a.added[a.added.length - 1];
      if (!last) throw usage(`${f} must follow the --add it weighs`, `e.g. --add prod.profdata ${f} ${v}`);
      last.weight = wholeNumber(f, v);
    },
  },
  only: {
    type: 'string',
    arg: 'NAME',
    example: 'import-training-set',
    help: 'workload: run only this named workload of the component (repeatable, or a,b; a CI matrix job each)',
    apply: (a, v, f) => {
      const names = v.split(',').map((x) => x.trim()).filter(Boolean);
      if (names.length === 0) throw usage(`${f} needs a workload name from pgo.yaml`, `e.g. ${f} import-training-set`);
      a.only = [...(a.only ?? []), ...names];
    },
  },
  'profile-dir': {
    type: 'string',
    arg: 'DIR',
    example: 'profiles/job-1',
    help: "workload: also copy the run's raw profiles into DIR (what a CI job uploads; merge them with --add DIR)",
    apply: (a, v) => (a.profileDir = v),
  },
  runs: { type: 'string', arg: 'N', example: '10', help: 'bench: N measured rounds (default: adaptive, ≥ 5, until the CIs are within 4%)', apply: (a, v, f) => (a.runs = wholeNumber(f, v)) },
  budget: { type: 'string', arg: 'S', example: '300', help: 'bench: adaptive time budget per benchmark, seconds (default 120)', apply: (a, v, f) => (a.budget = wholeNumber(f, v)) },
  variants: {
    type: 'string',
    arg: 'a,b',
    example: 'pgo,lto',
    help: 'bench: only these variants (and release, the baseline)',
    apply: (a, v) => {
      a.variants = v.split(',').map((x) => x.trim()).filter(Boolean);
      if (a.variants.length === 0) throw usage('--variants needs a comma-separated list of variant names', 'e.g. --variants pgo,lto');
    },
  },
  seed: { type: 'string', arg: 'N', example: '42', help: 'bench: seed of the shuffled run order (default 1)', apply: (a, v, f) => (a.seed = wholeNumber(f, v)) },
  makefile: { type: 'boolean', help: 'init: add pgo-build, pgo-<component>, pgo-clean targets to the Makefile (existing targets are kept)', apply: (a, v) => (a.makefile = v) },
  force: { type: 'boolean', help: 'init: replace an existing pgo.yaml (the old one is kept as pgo.yaml.bak)', apply: (a, v) => (a.force = v) },
  pgo: { type: 'boolean', help: 'bolt: BOLT on top of PGO (the pgo+bolt variant) instead of on the release build', apply: (a, v) => (a.pgo = v) },
  'skip-corrupt': { type: 'boolean', help: 'merge: leave out unreadable .profraw files (they are named) instead of failing', apply: (a, v) => (a.skipCorrupt = v) },
  json: { type: 'boolean', help: 'print the result as JSON (every command but help)', apply: (a, v) => (a.json = v) },
  color: { type: 'boolean', helpName: '--color / --no-color', help: 'force colour on or off (default: on for a terminal)', apply: (a, v) => (a.color = v) },
  // Handled in parseCliArgs: they end the parsing.
  help: { type: 'boolean', helpName: '-h, --help', help: 'this help', apply: () => undefined },
  version: { type: 'boolean', helpName: '-V, --version', help: 'the version of pgo', apply: () => undefined },
};

/** Single-letter forms: `-h`, `-V` (as cargo and rustc spell them). */
const SHORT_FLAGS: Record<string, string> = { help: 'h', version: 'V' };

function wholeNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw usage(`${flag} must be a whole number ≥ 1, got "${value}"`, `e.g. ${flag} 100`);
  return n;
}

function nonNegative(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw usage(`${flag} must be a number ≥ 0, got "${value}"`, `e.g. ${flag} 4`);
  return n;
}

function usage(message: string, fix: string): PgoError {
  return new PgoError(message, fix, ExitCode.Usage);
}

/** The option a token names: `--no-json` is `json` set to false (parseArgs' allowNegative needs Node ≥ 22.4). */
function resolveOption(name: string): { spec: OptionSpec; negated: boolean } | undefined {
  const spec = OPTION_TABLE[name];
  if (spec) return { spec, negated: false };
  const positive = name.startsWith('no-') ? OPTION_TABLE[name.slice(3)] : undefined;
  return positive?.type === 'boolean' ? { spec: positive, negated: true } : undefined;
}

export function parseCliArgs(argv: readonly string[], cwd: string): CliArgs {
  const args: CliArgs = { command: 'help', workspace: cwd, rustflags: [], skipCorrupt: false, added: [], top: 20, json: false, binArgs: [], makefile: false, force: false };
  // strict: false, so an unknown option reaches us (for our own message and exit code 2) and a
  // value may start with a dash (`--rustflag -Ctarget-cpu=native`); the tokens keep the order.
  const { tokens } = parseArgs({
    args: [...argv],
    options: Object.fromEntries(Object.entries(OPTION_TABLE).map(([name, o]) => [name, SHORT_FLAGS[name] ? { type: o.type, short: SHORT_FLAGS[name] } : { type: o.type }])),
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const positional: string[] = [];
  // After `--`: the binary's own arguments for `init --bin` (other commands take them as before).
  const afterDashes: string[] = [];
  let dashes = false;
  for (const token of tokens) {
    if (token.kind === 'option-terminator') dashes = true;
    if (token.kind === 'positional') (dashes ? afterDashes : positional).push(token.value);
    if (token.kind !== 'option') continue;
    const flag = token.rawName;
    const found = resolveOption(token.name);
    if (!found) {
      const near = token.rawName.startsWith('--') ? closest(token.name, Object.keys(OPTION_TABLE)) : undefined;
      throw usage(`unknown option ${flag}`, near ? `did you mean --${near}? (see \`pgo --help\`)` : 'see `pgo --help`');
    }
    const { spec, negated } = found;
    if (spec.type === 'string') {
      if (token.value === undefined) throw usage(`${flag} needs a value`, `e.g. ${flag} ${spec.example ?? spec.arg}`);
      spec.apply(args, token.value, flag);
    } else {
      // Node 20's parseArgs has no allowNegative: `--json=false` arrives as an inline value.
      let value = !negated;
      if (token.inlineValue) {
        if (negated || (token.value !== 'true' && token.value !== 'false')) {
          const name = negated ? token.name.slice(3) : token.name;
          throw usage(`${flag} is on or off, got "${token.value ?? ''}"`, `use --${name} or --${name}=false`);
        }
        value = token.value === 'true';
      }
      if ((token.name === 'help' || token.name === 'version') && value) return { ...args, command: token.name };
      spec.apply(args, value);
    }
  }
  if (positional[0] === 'init') args.binArgs = afterDashes;
  else positional.push(...afterDashes);
  const [command, operand, ...rest] = positional;
  if (command === undefined) return args;
  if (!Object.hasOwn(COMMAND_TABLE, command)) {
    const near = closest(command, COMMANDS);
    throw usage(`unknown command "${command}"`, `${near ? `did you mean "${near}"? ` : ''}use one of: ${COMMANDS.join(', ')}`);
  }
  args.command = command as CommandName;
  const spec: CommandSpec = COMMAND_TABLE[args.command];
  const two = typeof spec.operand === 'object' && spec.operand.files === 2;
  const extra = spec.operand === 'none' ? operand : rest[two ? 1 : 0];
  if (extra !== undefined) throw usage(`unexpected argument "${extra}"`, 'see `pgo --help`');
  if (typeof spec.operand === 'object') {
    if (!operand || (two && !rest[0])) throw usage(`${command} needs ${spec.operand.file}`, `e.g. \`${spec.operand.example}\``);
    args.file = operand;
    if (two) args.file2 = rest[0];
  } else if (spec.operand === 'component') {
    args.component = operand;
  }
  if (args.added.length > 0 && args.command !== 'merge' && args.command !== 'pipeline') {
    throw usage(`--add belongs to merge (or pipeline), not ${args.command}`, `e.g. \`pgo merge ${args.component ?? ''} --add PATH\``.replace('  ', ' '));
  }
  const initOnly = (['bin', 'workloadName', 'makefile', 'force'] as const).find((k) => args[k] !== undefined && args[k] !== false);
  if (initOnly && args.command !== 'init') {
    const flag = { bin: '--bin', workloadName: '--name', makefile: '--makefile', force: '--force' }[initOnly];
    throw usage(`${flag} belongs to init, not ${args.command}`, `e.g. \`pgo init --bin my-app -- ARGS…\``);
  }
  if (args.command === 'init' && args.makefile && (args.bin !== undefined || args.force)) {
    throw usage('--makefile writes Makefile targets only; --bin and --force are about pgo.yaml', 'run them as two commands: `pgo init --bin NAME -- ARGS…`, then `pgo init --makefile`');
  }
  for (const [flag, given] of [['--only', args.only], ['--profile-dir', args.profileDir]] as const) {
    if (given !== undefined && args.command !== 'workload' && args.command !== 'pipeline') {
      throw usage(`${flag} belongs to workload (or pipeline), not ${args.command}`, `e.g. \`pgo workload ${args.component ?? ''} ${flag} ${flag === '--only' ? 'NAME' : 'DIR'}\``.replace('  ', ' '));
    }
  }
  return args;
}

/** The two-column help lines of a table. */
function columns(rows: [string, string][]): string {
  return rows.map(([left, right]) => `  ${left.padEnd(22)} ${right}`.trimEnd()).join('\n');
}

export const HELP = `pgo — profile-guided optimization for Rust workspaces

Usage: pgo <command> [component|all] [options]

Commands:
${columns(Object.values(COMMAND_TABLE).filter((c: CommandSpec) => c.help).map((c) => [c.usage, c.help]))}

The component defaults to pgo.yaml's defaultComponent; "all" runs every component.

Options:
${columns(Object.entries(OPTION_TABLE).map(([name, o]) => [o.type === 'string' ? `--${name} ${o.arg}` : (o.helpName ?? `--${name}`), o.help]))}

Exit codes:
  0 success · 1 a phase failed · 2 bad usage or pgo.yaml · 3 prerequisites missing (see doctor)
  4 the optimized build could not use the profile · 5 another PGO run holds the lock
  6 bench: a variant's output differs from release's (PGO changed the program's output)
  7 the workload's profile cannot help the shipped binaries (nothing was built with it) · 130 cancelled
`;
