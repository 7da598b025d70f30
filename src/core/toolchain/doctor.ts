import { atLeast, MIN_RUST, PGO_FLAGS_STABLE, readCargoVersion, readRustcInfo, type RustcInfo } from './rustc-info';
import { describeCandidate, discoverLlvmProfdata, type ProfdataDiscovery } from './llvm-profdata-discovery';
import { formatBytes, freeBytes } from './disk-space';
import { describeRustTool, findRustTool, rustToolSearchPlaces, type FoundRustTool, type RustToolOptions } from '../util/rust-tools';
import { errorMessage } from '../errors';
import { sourceMappingCheck } from './source-mapping-check';
import { boltCheckLine, discoverBolt, hostArch } from '../bolt/bolt-tools';

/** The prerequisites check: each line is ok / warn / fail with a one-line fix. */
export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  id: 'rustc' | 'cargo' | 'llvm-profdata' | 'source-mapping' | 'bolt' | 'disk' | 'workspace' | 'rustflags';
  title: string;
  status: CheckStatus;
  message: string;
  fix?: string;
  /** Extra lines (e.g. every llvm-profdata looked at). */
  details?: string[];
}

export interface DoctorReport {
  checks: CheckResult[];
  rustc?: RustcInfo;
  cargoVersion?: string;
  /** Which rustc and cargo the engine runs, and how they were found. */
  tools: { rustc?: FoundRustTool; cargo?: FoundRustTool };
  profdata?: ProfdataDiscovery;
  ok: boolean;
}

export interface DoctorOptions {
  llvmProfdataPath?: string;
  artifactDir: string;
  minFreeGb: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Extra checks contributed by the caller (e.g. the workspace and pgo.yaml). */
  extra?: CheckResult[];
}

export async function runDoctor(opts: DoctorOptions): Promise<DoctorReport> {
  const checks: CheckResult[] = [];
  const toolOpts = { env: opts.env };
  const report: DoctorReport = { checks, ok: false, tools: { rustc: findRustTool('rustc', toolOpts), cargo: findRustTool('cargo', toolOpts) } };
  const { rustc: rustcTool, cargo: cargoTool } = report.tools;

  checks.push(await rustcCheck(rustcTool, report, opts.cwd, toolOpts));
  checks.push(await cargoCheck(cargoTool, report, opts.cwd, toolOpts));

  if (report.rustc) {
    const found = await discoverLlvmProfdata(report.rustc, { explicitPath: opts.llvmProfdataPath, env: opts.env });
    report.profdata = found;
    checks.push(profdataCheck(found, report.rustc));
  } else {
    checks.push({
      id: 'llvm-profdata',
      title: 'llvm-profdata',
      status: 'fail',
      message: "not checked: rustc's LLVM version is unknown",
      fix: 'fix rustc first',
    });
  }

  checks.push(await sourceMappingCheck(report.rustc, { env: opts.env }));
  checks.push(await boltCheck(report.rustc, opts.env));
  checks.push(await diskCheck(opts.artifactDir, opts.minFreeGb));
  checks.push(...(opts.extra ?? []));
  report.ok = checks.every((c) => c.status !== 'fail');
  return report;
}

/** llvm-bolt and merge-fdata: optional (`pgo bolt`, the bolt bench variants), Linux ELF only. */
async function boltCheck(rustc: RustcInfo | undefined, env: NodeJS.ProcessEnv | undefined): Promise<CheckResult> {
  const line = boltCheckLine(await discoverBolt(rustc, { env }), rustc ? hostArch(rustc.host) : undefined);
  return { id: 'bolt', title: 'BOLT (optional)', ...line };
}

const RUSTUP_FIX = 'install Rust with rustup: https://rustup.rs (or set $RUSTC / $CARGO)';

async function rustcCheck(tool: FoundRustTool | undefined, report: DoctorReport, cwd: string | undefined, toolOpts: RustToolOptions): Promise<CheckResult> {
  if (!tool) return { id: 'rustc', title: 'rustc', status: 'fail', message: `rustc not found (looked at ${rustToolSearchPlaces('rustc', toolOpts)})`, fix: RUSTUP_FIX };
  try {
    const rustc = await readRustcInfo(tool.path, cwd);
    report.rustc = rustc;
    if (atLeast(rustc.version, MIN_RUST)) {
      return { id: 'rustc', title: 'rustc', status: 'ok', message: `${rustc.versionLine}, LLVM ${rustc.llvmVersion}, host ${rustc.host}: ${describeRustTool(tool)}` };
    }
    // 1.71 is the PGO guide's floor; the compiler's own limit is 1.37 (stable -Cprofile-generate/-use).
    const usable = atLeast(rustc.version, PGO_FLAGS_STABLE);
    return {
      id: 'rustc',
      title: 'rustc',
      status: usable ? 'warn' : 'fail',
      message: usable
        ? `rustc ${rustc.version} (${describeRustTool(tool)}) is older than ${MIN_RUST.join('.')}, the floor of the PGO guide this follows — not a compiler limit: PGO flags are stable since Rust ${PGO_FLAGS_STABLE.join('.')}, but older releases are untested here`
        : `rustc ${rustc.version} (${describeRustTool(tool)}) is older than ${PGO_FLAGS_STABLE.join('.')}: it has no stable PGO flags (-Cprofile-generate/-Cprofile-use)`,
      fix: 'rustup update stable',
    };
  } catch (e) {
    return { id: 'rustc', title: 'rustc', status: 'fail', message: `${describeRustTool(tool)}: ${errorMessage(e)}`, fix: RUSTUP_FIX };
  }
}

async function cargoCheck(tool: FoundRustTool | undefined, report: DoctorReport, cwd: string | undefined, toolOpts: RustToolOptions): Promise<CheckResult> {
  if (!tool) return { id: 'cargo', title: 'cargo', status: 'fail', message: `cargo not found (looked at ${rustToolSearchPlaces('cargo', toolOpts)})`, fix: RUSTUP_FIX };
  try {
    report.cargoVersion = await readCargoVersion(tool.path, cwd);
    return { id: 'cargo', title: 'cargo', status: 'ok', message: `${report.cargoVersion}: ${describeRustTool(tool)}` };
  } catch (e) {
    return { id: 'cargo', title: 'cargo', status: 'fail', message: `${describeRustTool(tool)}: ${errorMessage(e)}`, fix: RUSTUP_FIX };
  }
}

/** The llvm-profdata verdict; also the error text when a phase needs one and there is none. */
export function profdataCheck(found: ProfdataDiscovery, rustc: RustcInfo): CheckResult {
  const details = found.candidates.map((c) => `${c.status === 'match' ? 'usable' : c.status}: ${describeCandidate(c)}`);
  if (found.chosen) {
    return {
      id: 'llvm-profdata',
      title: 'llvm-profdata',
      status: 'ok',
      message: `${found.chosen.path} (LLVM ${found.chosen.version}, matches rustc's LLVM ${rustc.llvmMajor})`,
      details,
    };
  }
  const explicitBad = found.candidates.find((c) => (c.source === 'setting' || c.source === 'env') && c.status !== 'match');
  const mismatched = found.candidates.filter((c) => c.status === 'mismatch');
  let message: string;
  if (explicitBad) {
    message = `the configured llvm-profdata cannot be used: ${describeCandidate(explicitBad)}`;
  } else if (mismatched.length > 0) {
    message =
      `no llvm-profdata for LLVM ${rustc.llvmMajor} (rustc ${rustc.version}); found only ` +
      mismatched.map((c) => `${c.path} (LLVM ${c.version})`).join(', ') +
      `, which cannot read rustc's profiles: merge would fail with "unsupported instrumentation profile format version"`;
  } else {
    message = `no llvm-profdata found; rustc ${rustc.version} needs one from LLVM ${rustc.llvmMajor}`;
  }
  const usable = found.candidates.find((c) => c.status === 'match');
  return {
    id: 'llvm-profdata',
    title: 'llvm-profdata',
    status: 'fail',
    message,
    fix: explicitBad && usable ? `point it at ${usable.path} (LLVM ${usable.version}), or remove it to use that one` : found.fixes.join('; or '),
    details,
  };
}

async function diskCheck(dir: string, minFreeGb: number): Promise<CheckResult> {
  try {
    const free = await freeBytes(dir);
    const need = minFreeGb * 1024 ** 3;
    return free >= need
      ? { id: 'disk', title: 'disk space', status: 'ok', message: `${formatBytes(free)} free for ${dir}` }
      : {
          id: 'disk',
          title: 'disk space',
          status: 'warn',
          message: `${formatBytes(free)} free for ${dir}, below the ${minFreeGb} GB threshold: two extra builds may not fit`,
          fix: 'free some space (`cargo clean` in other projects), or lower `minFreeDiskGb` in pgo.yaml / the pgo.minFreeDiskGb setting',
        };
  } catch (e) {
    return { id: 'disk', title: 'disk space', status: 'warn', message: `could not measure free space for ${dir}: ${errorMessage(e)}` };
  }
}
