import { binTargets, type CargoWorkspace } from '../workspace/cargo-workspace';
import { CONFIG_FILE_NAME } from './config-schema';

/** A workload to write filled in: the binary, its arguments (one list item each) and the workload's name. */
export interface NewWorkload {
  bin: string;
  args: string[];
  name?: string;
}

/** What a binary runs with until the user says: `--help` ends at once in most programs. */
export const PLACEHOLDER_ARGS: readonly string[] = ['--help'];
export const PLACEHOLDER_COMMENT = 'replace "--help" with representative input: what users run (files, sizes, modes)';

export function defaultWorkloadName(bin: string): string {
  return `${bin}-run`;
}

/** A YAML flow list of strings: JSON's quoting is valid YAML and keeps `{size}` or `#` literal. */
export function flowList(items: readonly string[]): string {
  return `[${items.map((i) => JSON.stringify(i)).join(', ')}]`;
}

/**
 * A commented pgo.yaml for a workspace that has none: one component per package with binaries,
 * each with a workload per binary that runs it (not `cargo test`, whose counts mostly never reach
 * the shipped binary). `filled` gives one binary's real arguments; the others run `--help`, with a
 * comment asking for representative input.
 */
export function starterConfig(ws: CargoWorkspace, filled?: NewWorkload): string {
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
      '      # Run what users run: the shipped binary on representative input, as an argument list',
      '      # (no shell). {bin:NAME} is the instrumented build; add a workload per kind of input.',
    );
    for (const bin of bins) {
      const mine = filled?.bin === bin ? filled : undefined;
      lines.push(`      - name: ${mine?.name ?? defaultWorkloadName(bin)}`);
      if (!mine) lines.push(`        # ${PLACEHOLDER_COMMENT}`);
      lines.push(`        command: ${flowList([`{bin:${bin}}`, ...(mine ? mine.args : PLACEHOLDER_ARGS)])}`, '        # timeoutSeconds: 600');
    }
  }
  if (withBins.length === 0) lines.push('  # my-app:', '  #   packages: [my-app]');
  return `${lines.join('\n')}\n`;
}
