import assert from 'node:assert/strict';
import { COMMANDS, HELP, parseCliArgs } from '../../src/cli/cli-args';
import { ExitCode, PgoError } from '../../src/core/errors';
import { expandArgument } from '../../src/core/pipeline/workload-phase';

describe('CLI arguments', () => {
  it('reads command, component and options', () => {
    assert.deepEqual(parseCliArgs(['pipeline', 'all', '--size', '500', '--workspace=/w', '--json'], '/cwd'), {
      command: 'pipeline', component: 'all', size: 500, workspace: '/w', rustflags: [], skipCorrupt: false, added: [], top: 20, json: true, binArgs: [], makefile: false, force: false,
    });
    assert.deepEqual(parseCliArgs(['optimize', '--rustflag', '-Ctarget-cpu=native', '--rustflag=-g', '--min-free-gb', '2.5'], '/').rustflags, ['-Ctarget-cpu=native', '-g']);
    assert.equal(parseCliArgs([], '/cwd').command, 'help');
    assert.equal(parseCliArgs(['doctor', '-h'], '/cwd').command, 'help');
  });

  it('merge --add PATH [--weight N], repeatable; a weight belongs to the --add before it', () => {
    const a = parseCliArgs(['merge', 'app', '--add', 'ci/', '--weight', '3', '--add=prod.profdata'], '/cwd');
    assert.deepEqual(a.added, [{ path: 'ci/', weight: 3 }, { path: 'prod.profdata', weight: 1 }]);
    assert.throws(() => parseCliArgs(['merge', '--weight', '2', '--add', 'x'], '/'), /--weight must follow the --add it weighs/);
    assert.throws(() => parseCliArgs(['merge', '--add', 'x', '--weight', '0'], '/'), /--weight must be a whole number ≥ 1/);
    assert.throws(() => parseCliArgs(['optimize', '--add', 'x'], '/'), (e: unknown) => e instanceof PgoError && e.code === ExitCode.Usage && /--add belongs to merge/.test(e.message));
  });

  it('explains bad input', () => {
    assert.throws(() => parseCliArgs(['build'], '/'), /unknown command "build"/);
    assert.throws(() => parseCliArgs(['pipeline', '--size', 'lots'], '/'), /--size must be a whole number/);
    assert.throws(() => parseCliArgs(['pipeline', '--size'], '/'), /--size needs a value/);
    assert.throws(() => parseCliArgs(['pipeline', '--fast'], '/'), /unknown option --fast/);
    assert.throws(() => parseCliArgs(['pipeline', 'a', 'b'], '/'), /unexpected argument "b"/);
  });

  it('gives bad usage exit code 2 and a fix, with a near option or command named', () => {
    const failure = (argv: string[]): PgoError => {
      try {
        parseCliArgs(argv, '/');
      } catch (e) {
        if (e instanceof PgoError) return e;
        throw e;
      }
      assert.fail(`no error for ${argv.join(' ')}`);
    };
    const typo = failure(['merge', '--skip-corupt']);
    assert.deepEqual([typo.message, typo.fix, typo.code], ['unknown option --skip-corupt', 'did you mean --skip-corrupt? (see `pgo --help`)', ExitCode.Usage]);
    assert.equal(failure(['merge', '-x']).message, 'unknown option -x');
    assert.match(failure(['pipline']).fix ?? '', /did you mean "pipeline"\?/);
    assert.equal(failure(['show', '--top']).fix, 'e.g. --top 50');
    assert.equal(failure(['restore']).message, 'restore needs the archive to restore');
  });

  it('--flag=false and --no-flag turn a switch off; --flag=true on; anything else is an error', () => {
    assert.equal(parseCliArgs(['pipeline', '--json=false'], '/').json, false);
    assert.equal(parseCliArgs(['pipeline', '--json', '--json=false'], '/').json, false, 'the last one wins');
    assert.equal(parseCliArgs(['pipeline', '--json=true'], '/').json, true);
    assert.equal(parseCliArgs(['merge', '--skip-corrupt', '--no-skip-corrupt'], '/').skipCorrupt, false);
    assert.equal(parseCliArgs(['pipeline', '--no-color'], '/').color, false);
    assert.equal(parseCliArgs(['pipeline', '--color'], '/').color, true);
    assert.throws(() => parseCliArgs(['pipeline', '--json=yes'], '/'), /--json is on or off, got "yes"/);
    assert.throws(() => parseCliArgs(['pipeline', '--no-json=false'], '/'), (e: PgoError) => /--no-json is on or off/.test(e.message) && e.fix === 'use --json or --json=false');
    assert.throws(() => parseCliArgs(['pipeline', '--no-size'], '/'), /unknown option --no-size/);
  });

  it('`--` ends the options: what follows is a component or file, even with a leading dash', () => {
    assert.deepEqual(
      parseCliArgs(['show', '--json', '--', '--odd-name'], '/cwd'),
      { command: 'show', component: '--odd-name', workspace: '/cwd', rustflags: [], skipCorrupt: false, added: [], top: 20, json: true, binArgs: [], makefile: false, force: false },
    );
    assert.equal(parseCliArgs(['restore', '--', '-archive.tar.gz'], '/').file, '-archive.tar.gz');
    assert.throws(() => parseCliArgs(['show', '--', 'a', '--json'], '/'), /unexpected argument "--json"/);
  });

  it('init --bin NAME -- ARGS…: what follows `--` is the binary\'s, options and all', () => {
    const a = parseCliArgs(['init', 'daw', '--bin', 'daw-render', '--name', 'big', '--', '--tracks', '8', '--json'], '/');
    assert.deepEqual([a.command, a.component, a.bin, a.workloadName, a.binArgs, a.json], ['init', 'daw', 'daw-render', 'big', ['--tracks', '8', '--json'], false]);
    assert.equal(parseCliArgs(['init', '--makefile', '--output', 'pgo.mk'], '/').makefile, true);
    assert.throws(() => parseCliArgs(['pipeline', '--bin', 'x'], '/'), /--bin belongs to init, not pipeline/);
    assert.throws(() => parseCliArgs(['init', '--makefile', '--bin', 'x'], '/'), /--makefile writes Makefile targets only/);
  });

  it('keeps values that start with a dash, and -h/--help wins over later words', () => {
    assert.deepEqual(parseCliArgs(['optimize', '--rustflag', '-Ccodegen-units=1', '--workspace', '-w'], '/').rustflags, ['-Ccodegen-units=1']);
    assert.equal(parseCliArgs(['optimize', '--workspace', '-w'], '/').workspace, '-w');
    assert.equal(parseCliArgs(['pipeline', '--help', '--nonsense'], '/').command, 'help');
    assert.equal(parseCliArgs(['pipeline', '--help=false'], '/').command, 'pipeline');
  });

  it('version, --version and -V print the version; version takes no operand', () => {
    for (const argv of [['version'], ['--version'], ['-V'], ['pipeline', '--version', '--nonsense']]) assert.equal(parseCliArgs(argv, '/').command, 'version', argv.join(' '));
    assert.equal(parseCliArgs(['--json', '-V'], '/').json, true);
    assert.throws(() => parseCliArgs(['version', 'x'], '/'), /unexpected argument "x"/);
  });

  it('lists every command and option in the help', () => {
    for (const c of COMMANDS.filter((name) => name !== 'help')) assert.match(HELP, new RegExp(`^  ${c}\\b`, 'm'));
    for (const flag of ['--size N', '--workspace DIR', '--llvm-profdata PATH', '--rustflag FLAG', '--min-free-gb N', '--top N', '--output FILE', '--skip-corrupt', '--json', '--color / --no-color', '-h, --help', '-V, --version']) {
      assert.ok(HELP.includes(`  ${flag} `), flag);
    }
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
