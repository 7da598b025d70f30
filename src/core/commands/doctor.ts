import * as fs from 'node:fs';
import type { ProjectOverrides } from '../config/resolve-project';
import { runDoctor, type CheckResult, type DoctorReport } from '../toolchain/doctor';
import type { RustcInfo } from '../toolchain/rustc-info';
import { errorMessage, isPgoError } from '../errors';
import { resolveCargoRustflags, rustflagsWarnings } from '../workspace/cargo-config-rustflags';
import { checkWorkspace } from '../config/workspace-check';

/**
 * `pgo doctor` and "PGO: Check Prerequisites": the toolchain checks plus the workspace and pgo.yaml.
 * Always looks again (no cached tools): it is what a user runs after fixing something.
 */
export async function checkPrerequisites(dir: string, overrides: ProjectOverrides): Promise<DoctorReport> {
  const ws = await checkWorkspace(dir, overrides);
  const report = await runDoctor({
    llvmProfdataPath: overrides.llvmProfdataPath,
    artifactDir: ws.artifactDir,
    minFreeGb: ws.minFreeGb,
    cwd: fs.existsSync(dir) ? dir : undefined,
    extra: [ws.check],
  });
  if (ws.root && report.rustc) {
    const check = rustflagsCheck(ws.root, report.rustc);
    report.checks.push(check);
    report.ok &&= check.status !== 'fail';
  }
  return report;
}

/** The flags of your own that both PGO builds will get (cargo config files, RUSTFLAGS), and what is left out. */
function rustflagsCheck(root: string, rustc: RustcInfo): CheckResult {
  try {
    const r = resolveCargoRustflags({ cwd: root, host: rustc.host, rustcCfg: rustc.cfg });
    const warnings = rustflagsWarnings(r);
    return {
      id: 'rustflags',
      title: 'rustflags',
      status: warnings.length > 0 ? 'warn' : 'ok',
      message:
        r.sources.length > 0
          ? `both PGO builds get ${r.flags.join(' ')} (${r.sources.map((s) => `from ${s.origin}`).join('; ')}), before pgo.yaml's build.rustflags and the profile flag`
          : 'none from RUSTFLAGS or cargo config files; the builds use pgo.yaml\'s build.rustflags only',
      fix: warnings.length > 0 ? 'see the lines below' : undefined,
      details: warnings.length > 0 ? warnings : undefined,
    };
  } catch (e) {
    return { id: 'rustflags', title: 'rustflags', status: 'fail', message: errorMessage(e), fix: isPgoError(e) ? e.fix : undefined };
  }
}
