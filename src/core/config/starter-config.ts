import { binTargets, type CargoWorkspace } from '../workspace/cargo-workspace';
import { CONFIG_FILE_NAME } from './config-schema';

/**
 * A commented pgo.yaml for a workspace that has none: one component per package with binaries,
 * each running its first binary as the workload (not `cargo test`, whose counts mostly never
 * reach the shipped binary).
 */
export function starterConfig(ws: CargoWorkspace): string {
  const withBins = ws.packages.filter((p) => binTargets(p).length > 0);
  const lines = [
    `# ${CONFIG_FILE_NAME} — Rust PGO configuration. Every key is optional; see the README.`,
    'version: 1',
    withBins[0] ? `defaultComponent: ${withBins[0].name}` : '# defaultComponent: my-app',
    '',
    '# Used identically by the instrumented and the optimized build (PGO needs both to match).',
    'build:',
    '  profile: release',
    '  # debug: limited            # the editor shows profiled functions at their exact fn lines;',
    '  #                           # line-tables-only: their first statement\'s line, none: nowhere.',
    '  #                           # Cost (midi-studio example): none 0.6 MB, line-tables-only 4.8 MB,',
    '  #                           # limited 5.0 MB per binary (mostly std\'s debug info), build ~+50%;',
    '  #                           # the optimized binary carries it too: strip what you ship.',
    '  # lto: fat                  # off | thin | fat — measure: PGO + LTO is not always faster',
    '  # codegenUnits: 1',
    '  # rustflags: ["-Ctarget-cpu=native"]',
    '',
    '# A component is what one pipeline run builds and profiles.',
    'components:',
  ];
  for (const p of withBins) {
    const bins = binTargets(p).map((b) => b.name);
    lines.push(
      `  ${p.name}:`,
      `    packages: [${p.name}]`,
      `    bins: [${bins.join(', ')}]`,
      '    # defaultSize: 1000        # replaces {size}; `pgo pipeline --size N` overrides it',
      '    workloads:',
      '      # Run what users run: the shipped binary on representative input, as an argument list.',
      `      - name: ${bins[0]}-run`,
      `        command: ["{bin:${bins[0]}}", "--help"]`,
      '        # timeoutSeconds: 600',
    );
  }
  if (withBins.length === 0) lines.push('  # my-app:', '  #   packages: [my-app]');
  return `${lines.join('\n')}\n`;
}
