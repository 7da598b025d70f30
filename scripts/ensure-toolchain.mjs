// Makes sure this machine can run the PGO pipeline, using the engine's own `pgo doctor` (so the
// search for a matching llvm-profdata lives in one place). As root on Debian/Ubuntu it installs
// llvm-<major> with apt when no matching llvm-profdata exists; otherwise it prints what to install.
// Used by `npm start`, `npm test` and the benchmark; needs `npm run build` first (dist/cli.js).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
const example = join(repo, 'examples', 'midi-studio');

// rustup installs into ~/.cargo/bin, which a non-login shell may not have on PATH.
const cargoBin = join(homedir(), '.cargo', 'bin');
if (existsSync(cargoBin) && !(process.env.PATH ?? '').split(':').includes(cargoBin)) {
  process.env.PATH = `${process.env.PATH}:${cargoBin}`;
}

function doctor() {
  const r = spawnSync(process.execPath, [join(repo, 'dist', 'cli.js'), 'doctor', '--json', '--workspace', example], { encoding: 'utf8' });
  try {
    return JSON.parse(r.stdout);
  } catch {
    console.error(r.stderr || r.stdout);
    process.exit(3);
  }
}

const failing = (report, id) => report.checks.find((c) => c.id === id && c.status === 'fail');
let report = doctor();
for (const id of ['rustc', 'cargo']) {
  if (failing(report, id)) {
    console.error(`error: ${failing(report, id).message}\nfix: install Rust with rustup (https://rustup.rs), then \`source ~/.cargo/env\``);
    process.exit(3);
  }
}
if (failing(report, 'llvm-profdata') && report.rustc) {
  const major = report.rustc.llvmMajor;
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    console.error(`No llvm-profdata for LLVM ${major}: installing Debian's llvm-${major} with apt-get…`);
    execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-q', `llvm-${major}`], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    report = doctor();
  }
}
// BOLT is optional for users, but the e2e test of `pgo bolt` needs it: install Debian's
// bolt-<major> (llvm-bolt, merge-fdata and the instrumentation runtime) where we can.
const bolt = report.checks.find((c) => c.id === 'bolt' && c.status === 'warn');
if (bolt && report.rustc && process.platform === 'linux') {
  const pkg = `bolt-${report.rustc.llvmMajor}`;
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    console.error(`No llvm-bolt: installing Debian's ${pkg} with apt-get (for the BOLT test)…`);
    const install = () => spawnSync('apt-get', ['install', '-y', '-q', pkg], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status;
    if (install() !== 0) {
      execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit' });
      if (install() !== 0) console.error(`warning: could not install ${pkg}; the BOLT test will say it is skipped`);
    }
    report = doctor();
  } else {
    console.error(`note: ${bolt.message}${bolt.fix ? ` (${bolt.fix})` : ''}; the BOLT test will be skipped`);
  }
}
const bad = report.checks.filter((c) => c.status === 'fail');
if (bad.length > 0) {
  for (const c of bad) console.error(`error: ${c.message}${c.fix ? `\nfix: ${c.fix}` : ''}`);
  process.exit(3);
}
