import { ExitCode, PgoError, isPgoError, errorMessage, fromSystemError } from '../core/errors';
import { killAllChildren } from '../core/util/process';
import { selectComponents, type ProjectOverrides } from '../core/config/resolve-project';
import { createEngineContext, requireProfdata } from '../core/pipeline/engine-context';
import { runPipeline } from '../core/pipeline/run-pipeline';
import { writeLastRun } from '../core/pipeline/last-run';
import type { PhaseName, Reporter } from '../core/pipeline/reporter';
import { formatDoctor, formatHotTable, formatSummary, noPaint, seconds, type Paint } from '../core/report/format';
import { checkPrerequisites } from '../core/commands/doctor';
import { isMissing, showProfiles } from '../core/commands/show-profile';
import { clean, deleteProfiles } from '../core/commands/clean';
import { archive, restore } from '../core/commands/archive';
import { diffProfileFiles } from '../core/commands/diff-profiles';
import { formatProfileDiff } from '../core/report/profile-diff-table';
import { parseCliArgs, HELP, type CliArgs } from './cli-args';
import { benchCommand, verifyCommand } from './bench-command';
import { reportCommand } from './report-command';
import { initCommand } from './init-command';
import { CLI_VERSION } from './version';
import { boltComponents, formatBoltOutcome } from '../core/bolt/bolt-command';

/** The `pgo` command: the engine, headless, for terminals and CI. */
function makePaint(on: boolean): Paint {
  if (!on) return noPaint;
  const wrap = (a: number, b: number) => (s: string) => `\x1b[${a}m${s}\x1b[${b}m`;
  return { bold: wrap(1, 22), dim: wrap(2, 22), green: wrap(32, 39), yellow: wrap(33, 39), red: wrap(31, 39) };
}

function terminalReporter(p: Paint, json: boolean): Reporter {
  // With --json, stdout carries only the JSON document: progress goes to stderr.
  const log = (s: string): void => {
    (json ? process.stderr : process.stdout).write(`${s}\n`);
  };
  const started = Date.now();
  const clock = (): string => p.dim(`[${seconds(Date.now() - started).padStart(6)}]`);
  return {
    phaseStart: (phase, component, detail) => log(`${clock()} ${p.bold(`▶ ${phase}`)} ${component} — ${detail}`),
    phaseEnd: (phase, component, ok, ms, detail) =>
      log(`${clock()} ${ok ? p.green(`✔ ${phase}`) : p.red(`✖ ${phase}`)} ${component} in ${seconds(ms)} — ${detail}`),
    // Unindented: the $rustc problem matcher in a VS Code task terminal anchors at line start.
    output: (line) => log(line),
    info: (m) => log(p.dim(`  · ${m}`)),
    warn: (m) => log(p.yellow(`  ! warning: ${m}`)),
  };
}

const list = (items: readonly string[]): string => items.map((i) => `  ${i}`).join('\n');

function overridesOf(args: CliArgs): ProjectOverrides {
  return { llvmProfdataPath: args.llvmProfdata, extraRustflags: args.rustflags, minFreeDiskGb: args.minFreeGb };
}

async function main(argv: string[]): Promise<number> {
  const args = parseCliArgs(argv, process.cwd());
  const paint = makePaint(args.color ?? (process.stdout.isTTY === true && !process.env.NO_COLOR));
  const print = (s: string): void => {
    process.stdout.write(`${s}\n`);
  };
  if (args.command === 'help') {
    print(HELP);
    return ExitCode.Ok;
  }
  if (args.command === 'version') {
    print(args.json ? JSON.stringify({ version: CLI_VERSION }) : `pgo ${CLI_VERSION}`);
    return ExitCode.Ok;
  }

  if (args.command === 'doctor') {
    const report = await checkPrerequisites(args.workspace, overridesOf(args));
    print(args.json ? JSON.stringify(report, null, 2) : formatDoctor(report, paint));
    return report.ok ? ExitCode.Ok : ExitCode.Prerequisites;
  }

  if (args.command === 'init') return initCommand(args, print);

  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    interrupts++;
    // Stop the children first: the terminal that sent the signal may already be gone.
    controller.abort();
    if (interrupts > 1) {
      killAllChildren('SIGKILL');
      process.exit(ExitCode.Cancelled);
    }
    try {
      process.stderr.write(`\n${sig}: stopping; the last good profile is kept\n`);
    } catch {
      /* no terminal left to tell */
    }
  };
  // A closed task terminal turns writes into EIO/EPIPE errors: never let that crash a cleanup.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal); // a closed task terminal

  const base = terminalReporter(paint, args.json);
  // Remember the phase in flight so a failure can be attributed to it (last-run.json).
  const run: { current?: { phase: PhaseName; component: string }; artifactRoot?: string } = {};
  const command = `pgo ${argv.join(' ')}`;
  const reporter: Reporter = {
    ...base,
    phaseStart: (phase, component, detail) => {
      run.current = { phase, component };
      if (run.artifactRoot) writeLastRun(run.artifactRoot, { state: 'running', command, component, phase, pid: process.pid, updatedAt: new Date().toISOString() });
      base.phaseStart(phase, component, detail);
    },
  };
  const ctx = await createEngineContext(args.workspace, {
    overrides: overridesOf(args),
    reporter,
    signal: controller.signal,
  });
  const components = selectComponents(ctx.project, args.component);
  run.artifactRoot = ctx.project.artifactRoot;
  const record = (ok: boolean, exitCode: number, e?: unknown): void => {
    // Losing the lock says nothing about the run holding it: leave its record alone.
    if (exitCode === ExitCode.Locked) return;
    try {
      ctx.layout.ensureRoot();
    } catch {
      return; // not our folder: write nothing there
    }
    writeLastRun(ctx.project.artifactRoot, {
      state: ok ? 'ok' : exitCode === ExitCode.Cancelled ? 'cancelled' : 'failed',
      command,
      component: run.current?.component ?? args.component,
      phase: run.current?.phase,
      pid: process.pid,
      exitCode,
      message: e === undefined ? undefined : isPgoError(e) ? e.message : errorMessage(e),
      fix: isPgoError(e) ? e.fix : undefined,
      errorKind: isPgoError(e) ? e.kind : undefined,
      updatedAt: new Date().toISOString(),
    });
  };

  switch (args.command) {
    case 'pipeline':
    case 'instrument':
    case 'workload':
    case 'merge':
    case 'optimize': {
      const phases: PhaseName[] | undefined = args.command === 'pipeline' ? undefined : [args.command];
      let outcomes;
      try {
        // Fail before any build when merge will not be able to read the profiles.
        if (args.command !== 'instrument' && args.command !== 'workload') await requireProfdata(ctx);
        outcomes = await runPipeline(ctx, components, { size: args.size, phases, command, skipCorrupt: args.skipCorrupt, added: args.added, only: args.only, profileDir: args.profileDir });
      } catch (e) {
        record(false, isPgoError(e) ? e.code : ExitCode.PhaseFailed, e);
        throw e;
      }
      record(true, ExitCode.Ok);
      if (args.json) print(JSON.stringify(outcomes, null, 2));
      else if (args.command === 'pipeline' || args.command === 'optimize' || args.command === 'merge') print(`\n${formatSummary(outcomes, paint)}`);
      return ExitCode.Ok;
    }
    case 'show': {
      const shown = await showProfiles(ctx, components, { top: args.top, signal: controller.signal });
      if (args.json) {
        print(JSON.stringify(shown.filter((p) => !isMissing(p)), null, 2));
        return ExitCode.Ok;
      }
      for (const p of shown) {
        if (isMissing(p)) {
          print(`${p.component}: no profile yet (run \`pgo pipeline ${p.component}\`)`);
          continue;
        }
        print(paint.bold(`${p.component}: ${p.profdata} — ${p.functions} functions, total count ${p.totalCount}`));
        if (p.meta?.applied) print(`profile applied to ${p.meta.applied.applied} of ${p.meta.applied.instrumented} instrumented functions (last optimized build)`);
        print(formatHotTable(p.hottest, p.totalCount));
      }
      return ExitCode.Ok;
    }
    case 'diff': {
      const [a, b] = [args.file ?? '', args.file2 ?? ''];
      const d = await diffProfileFiles(ctx, a, b, { top: args.top, signal: controller.signal });
      print(args.json ? JSON.stringify(d, null, 2) : formatProfileDiff(d, { a, b }, paint));
      return ExitCode.Ok;
    }
    case 'archive': {
      const { file, entries } = await archive(ctx, args.output);
      print(args.json ? JSON.stringify({ file, entries }, null, 2) : `archived ${entries.length} file(s) into ${file}:\n${list(entries)}`);
      return ExitCode.Ok;
    }
    case 'restore': {
      const written = await restore(ctx, args.file ?? '', process.cwd());
      print(args.json ? JSON.stringify({ restored: written }, null, 2) : `restored:\n${list(written)}`);
      return ExitCode.Ok;
    }
    case 'bench':
    case 'verify':
      try {
        const code = args.command === 'bench' ? await benchCommand(ctx, components, args, paint, print) : await verifyCommand(ctx, components, print);
        record(code === ExitCode.Ok, code);
        return code;
      } catch (e) {
        record(false, isPgoError(e) ? e.code : ExitCode.PhaseFailed, e);
        throw e;
      }
    case 'bolt':
      try {
        const outcomes = await boltComponents(ctx, components, { pgo: args.pgo, size: args.size });
        record(true, ExitCode.Ok);
        print(args.json ? JSON.stringify(outcomes, null, 2) : outcomes.map(formatBoltOutcome).join('\n\n'));
        return ExitCode.Ok;
      } catch (e) {
        record(false, isPgoError(e) ? e.code : ExitCode.PhaseFailed, e);
        throw e;
      }
    case 'report':
      return reportCommand(ctx, components, args, print);
    case 'clean': {
      const { root, removed } = clean(ctx, args.component);
      if (args.json) print(JSON.stringify({ removed }, null, 2));
      else print(removed.length > 0 ? `removed:\n${list(removed)}` : `nothing to clean in ${root}`);
      return ExitCode.Ok;
    }
    case 'delete-profile': {
      if (!args.component) throw new PgoError('delete-profile needs the component whose profile to delete', `e.g. \`pgo delete-profile ${ctx.project.defaultComponent}\`, or \`all\``, ExitCode.Usage);
      const removed = deleteProfiles(ctx, args.component);
      if (args.json) print(JSON.stringify({ removed }, null, 2));
      else print(removed.length > 0 ? `deleted:\n${list(removed)}` : `no profile of ${args.component} to delete`);
      return ExitCode.Ok;
    }
  }
  return ExitCode.Usage;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const e = fromSystemError(err);
    if (isPgoError(e)) {
      process.stderr.write(`error: ${e.message}\n`);
      if (e.fix) process.stderr.write(`fix: ${e.fix}\n`);
      if (e.details && process.env.PGO_DEBUG) process.stderr.write(`${e.details}\n`);
      process.exitCode = e.code;
    } else {
      process.stderr.write(`internal error: ${e instanceof Error ? (process.env.PGO_DEBUG ? (e.stack ?? e.message) : e.message) : String(e)}\n`);
      process.stderr.write('fix: run again with PGO_DEBUG=1 for details, and report it\n');
      process.exitCode = ExitCode.PhaseFailed;
    }
  },
);
