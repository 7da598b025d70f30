// The GitHub Action's main step (action.yml): runs the requested pgo commands in order, then
// `pgo report` (which appends report.md to $GITHUB_STEP_SUMMARY), and writes the step outputs and
// the lists of files for the artifact uploads. A failed command stops the run; its exit code becomes
// the step's, with an annotation naming the phase, the meaning of the code, the error and the fix.
// Inputs come as PGO_* environment variables (a composite action's inputs are not in INPUT_*).
// Plain Node, no dependencies: it runs before anything is installed but the CLI.
import { spawn } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { annotate, writeOutputs } from './workflow-commands.mjs';

/**
 * Commands that do not fit `pgo <command> <component>`: they take files, so they get a step of
 * their own. Any other name goes to the CLI, which refuses an unknown one (exit 2, with the nearest
 * command), so commands added to the CLI work here without a change.
 */
const NOT_PHASES = ['restore', 'diff', 'help', 'version'];
/** Phases whose workload takes `--size`. */
const SIZED = new Set(['pipeline', 'workload']);

/** The CLI's exit codes (src/core/errors.ts ExitCode; a unit test keeps the two in step). */
export const EXIT_MEANINGS = {
  1: 'a phase failed',
  2: 'bad usage or pgo.yaml',
  3: 'prerequisites missing (see the doctor step)',
  4: 'the optimized build could not use the profile',
  5: 'another PGO run holds the lock',
  6: "a bench variant's output differs from release's (PGO changed the program's output)",
  7: "the workload's profile cannot help the shipped binaries (nothing was built with it)",
  130: 'cancelled',
};

function usageFailure(message) {
  annotate('error', 'pgo action: bad input', message);
  process.exit(2);
}

/** The inputs, checked: a bad one fails before anything is built. */
function readInputs(env) {
  const phases = (env.PGO_PHASES ?? '').split(/[\s,]+/).filter(Boolean);
  if (phases.length === 0) usageFailure('phases is empty: name one or more pgo commands, e.g. "doctor pipeline" or "pipeline bench"');
  const misfits = phases.filter((p) => NOT_PHASES.includes(p) || p.startsWith('-'));
  if (misfits.length > 0) usageFailure(`phases "${env.PGO_PHASES}": ${misfits.join(', ')} cannot run as a phase; options go into the args input, and restore and diff take files: run them in a step of their own`);
  const size = (env.PGO_SIZE ?? '').trim();
  if (size !== '' && !/^[1-9]\d*$/.test(size)) usageFailure(`size must be a whole number ≥ 1, got "${size}"`);
  const component = (env.PGO_COMPONENT ?? '').trim() || 'all';
  return {
    phases,
    component,
    size,
    workspace: resolve(env.PGO_WORKSPACE?.trim() || '.'),
    // Split on white space: the options take no quoted values (`--rustflag -Ctarget-cpu=native --runs 10`).
    extra: (env.PGO_ARGS ?? '').split(/\s+/).filter(Boolean),
    artifactName: (env.PGO_ARTIFACT_NAME ?? '').trim() || `pgo-${component}`,
    cli: env.PGO_CLI,
    temp: env.RUNNER_TEMP || tmpdir(),
  };
}

/** Run `node cli.js …` with its output streaming to the log; stderr is also kept for the annotation. */
function runCli(cli, args, { captureStdout = false } = {}) {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', captureStdout ? 'pipe' : 'inherit', 'pipe'] });
    let stderr = '';
    let stdout = '';
    // Decoded as a stream: a character split between two chunks stays whole.
    child.stderr.setEncoding('utf8');
    child.stdout?.setEncoding('utf8');
    child.stderr.on('data', (text) => {
      process.stderr.write(text);
      stderr = (stderr + text).slice(-65536);
    });
    child.stdout?.on('data', (text) => {
      stdout += text;
    });
    child.on('error', (e) => resolveRun({ code: 1, stderr: `could not start pgo: ${e.message}`, stdout }));
    child.on('close', (code, signal) => resolveRun({ code: code ?? (signal ? 130 : 1), stderr, stdout }));
  });
}

/** Options (each with a value) that only some commands accept, as src/cli/cli-args.ts checks them. */
const PHASE_OPTIONS = {
  add: ['merge', 'pipeline'],
  weight: ['merge', 'pipeline'],
  only: ['workload', 'pipeline'],
  'profile-dir': ['workload', 'pipeline'],
};

/** The extra options `phase` accepts: the others of PHASE_OPTIONS are left out, with their values. */
export function extraFor(phase, extra) {
  const kept = [];
  for (let i = 0; i < extra.length; i++) {
    const [, name, inline] = /^--([\w-]+)(=.*)?$/.exec(extra[i]) ?? [];
    const phases = name ? PHASE_OPTIONS[name] : undefined;
    if (!phases || phases.includes(phase)) kept.push(extra[i]);
    else if (inline === undefined) i++; // its value
  }
  return kept;
}

function commandArgs(inputs, phase) {
  const args = [phase];
  if (phase !== 'doctor') args.push(inputs.component);
  args.push('--workspace', inputs.workspace);
  if (inputs.size && SIZED.has(phase)) args.push('--size', inputs.size);
  return [...args, ...extraFor(phase, inputs.extra)];
}

/** The CLI's own words for the failure: its `error:` and `fix:` lines (main.ts). */
function failureText(stderr) {
  const lines = stderr.split('\n').map((l) => l.trim());
  const error = lines.filter((l) => l.startsWith('error: ') || l.startsWith('internal error: ')).pop();
  const fix = lines.filter((l) => l.startsWith('fix: ')).pop();
  return [error, fix].filter(Boolean).join('\n') || lines.filter(Boolean).slice(-5).join('\n');
}

function readJsonFile(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Per component: its profile, metadata, optimized binaries, applied share and (after bench) verdict. */
function collect(root, inputs, benchRan) {
  const names =
    inputs.component === 'all'
      ? readdirSync(root, { withFileTypes: true })
          .filter((d) => d.isDirectory() && existsSync(join(root, d.name, `${d.name}.profdata.json`)))
          .map((d) => d.name)
      : [inputs.component];
  const results = {};
  for (const name of names) {
    const profile = join(root, name, `${name}.profdata`);
    const metadata = `${profile}.json`;
    const meta = readJsonFile(metadata);
    const latest = benchRan ? readJsonFile(join(root, 'bench', name, 'latest.json')) : undefined;
    if (!existsSync(profile) && !latest) continue;
    const applied = meta?.applied;
    results[name] = {
      profile: existsSync(profile) ? profile : undefined,
      metadata: existsSync(metadata) ? metadata : undefined,
      binaries: (applied?.optimizedBinaries ?? []).filter((b) => existsSync(b)),
      appliedShare: applied ? Math.round(applied.usableShare * 1000) / 10 : undefined,
      appliedFunctions: applied ? `${applied.applied}/${applied.instrumented}` : undefined,
      verdict: latest?.recommendation?.variant,
      verdictReason: latest?.recommendation?.reason,
      bench: latest ? join(root, 'bench', name, 'latest.json') : undefined,
    };
  }
  return results;
}

/** One value for one component; `name: value` lines for several. */
function perComponent(results, key) {
  const entries = Object.entries(results).filter(([, r]) => r[key] !== undefined);
  if (entries.length <= 1) return entries.map(([, r]) => String(r[key])).join('');
  return entries.map(([name, r]) => `${name}: ${r[key]}`).join('\n');
}

/** Copies of the optimized binaries as `<component>/<binary>`: the artifact's layout then does not depend on the target directory. */
function stageBinaries(results, dir) {
  rmSync(dir, { recursive: true, force: true });
  const staged = [];
  for (const [name, r] of Object.entries(results)) {
    for (const b of r.binaries) {
      mkdirSync(join(dir, name), { recursive: true });
      const to = join(dir, name, basename(b));
      copyFileSync(b, to);
      staged.push(to);
    }
  }
  return staged;
}

async function main() {
  const inputs = readInputs(process.env);
  if (!inputs.cli || !existsSync(inputs.cli)) usageFailure(`the pgo CLI is not installed (PGO_CLI="${inputs.cli ?? ''}"): the action's install step must run first`);
  let failure;
  // `report` runs once, at the end, whatever the phases say.
  for (const phase of inputs.phases.filter((p) => p !== 'report')) {
    console.log(`::group::pgo ${commandArgs(inputs, phase).join(' ')}`);
    const r = await runCli(inputs.cli, [...commandArgs(inputs, phase), '--color']);
    console.log('::endgroup::');
    if (r.code !== 0) {
      failure = { phase, code: r.code, text: failureText(r.stderr) };
      break;
    }
  }

  const summary = process.env.GITHUB_STEP_SUMMARY;
  if (failure) {
    const meaning = EXIT_MEANINGS[failure.code] ?? 'unexpected exit code';
    annotate('error', `pgo ${failure.phase} failed: exit ${failure.code} (${meaning})`, failure.text);
    if (summary) appendFileSync(summary, `### ✖ pgo ${failure.phase} failed — exit code ${failure.code}: ${meaning}\n\n\`\`\`\n${failure.text}\n\`\`\`\n\n`);
  }

  // The report (also the job summary) and the artifact root it names; not after bad input or a held lock.
  const outputs = { 'exit-code': String(failure?.code ?? 0) };
  const onlyDoctor = inputs.phases.every((p) => p === 'doctor');
  if (!onlyDoctor && failure?.code !== 2 && failure?.code !== 5) {
    const r = await runCli(inputs.cli, [...commandArgs(inputs, 'report'), '--json'], { captureStdout: true });
    const written = r.code === 0 ? JSON.parse(r.stdout) : undefined;
    if (!written) annotate('warning', 'pgo report failed', failureText(r.stderr));
    else {
      const root = dirname(dirname(written.html));
      const results = collect(root, inputs, inputs.phases.includes('bench'));
      const all = Object.values(results);
      const binariesDir = join(inputs.temp, 'rust-pgo-binaries', inputs.artifactName);
      const staged = stageBinaries(results, binariesDir);
      // last-run.json: which phase failed and why, for whoever downloads the artifact.
      const lastRun = join(root, 'last-run.json');
      const profileFiles = [
        ...all.flatMap((r) => [r.profile, r.metadata, r.bench]).filter(Boolean),
        written.html,
        written.markdown,
        ...(existsSync(lastRun) ? [lastRun] : []),
      ];
      Object.assign(outputs, {
        'artifact-dir': root,
        report: written.markdown,
        'report-html': written.html,
        profile: all.map((r) => r.profile).filter(Boolean).join('\n'),
        metadata: all.map((r) => r.metadata).filter(Boolean).join('\n'),
        binaries: staged.join('\n'),
        // The upload takes the folder, so the artifact holds <component>/<binary> however many there are.
        'binaries-dir': staged.length > 0 ? binariesDir : '',
        'applied-share': perComponent(results, 'appliedShare'),
        verdict: perComponent(results, 'verdict'),
        results: JSON.stringify(results),
        'profile-files': profileFiles.join('\n'),
        'profile-artifact': `${inputs.artifactName}-profile`,
        'binaries-artifact': staged.length > 0 ? `${inputs.artifactName}-binaries` : '',
      });
      console.log(`artifacts: ${outputs['profile-artifact']} (${profileFiles.length} files)${staged.length > 0 ? `, ${outputs['binaries-artifact']} (${staged.length} binaries)` : ''}`);
    }
  }
  writeOutputs(process.env.GITHUB_OUTPUT, outputs);
  // Not process.exit(): the log may still be flowing out through a pipe.
  process.exitCode = failure?.code ?? 0;
}

// Run as the action's step; imported (tests), it only exports its tables.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    annotate('error', 'pgo action: internal error', e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(1);
  });
}
