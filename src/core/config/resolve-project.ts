import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ExitCode, PgoError } from '../errors';
import { binTargets, loadCargoWorkspace, type CargoWorkspace } from '../workspace/cargo-workspace';
import { isStrictlyInside, realPathLoose } from '../util/safe-path';
import { ConfigError, loadConfigFile, type ConfigProblem, type ParsedConfig } from './load-config';
import { defaultVariants, type BenchmarkSpec, type VariantSpec } from './bench-config';
import { DEFAULT_MIN_FREE_GB, type BuildSettings, type ComponentSpec, type PgoConfigFile, type WorkloadSpec } from './config-schema';

/** Values that override pgo.yaml: CLI flags, or the extension's `pgo.*` settings. */
export interface ProjectOverrides {
  llvmProfdataPath?: string;
  defaultComponent?: string;
  defaultSize?: number;
  extraRustflags?: string[];
  minFreeDiskGb?: number;
}

export interface ShippedBin {
  package: string;
  name: string;
}

export interface ResolvedComponent {
  name: string;
  description?: string;
  /** Largest acceptable shipped binary, MB: the component's, else the top-level value. */
  maxBinarySizeMb?: number;
  packages: string[];
  bins: ShippedBin[];
  defaultSize?: number;
  workloads: WorkloadSpec[];
  /** True when no workload was configured and the seed's `cargo test --release` is used. */
  usesDefaultWorkload: boolean;
  benchmarks: BenchmarkSpec[];
}

export interface Project {
  workspace: CargoWorkspace;
  configFile?: string;
  /** True when pgo.yaml names the components; otherwise every binary package is one. */
  configuredComponents: boolean;
  components: ResolvedComponent[];
  defaultComponent: string;
  /** Absolute; always strictly inside the workspace's target directory. */
  artifactRoot: string;
  minFreeDiskGb: number;
  build: BuildSettings;
  hotness: PgoConfigFile['hotness'];
  llvmProfdataPath?: string;
  /** `pgo bench`'s variants, release first. */
  variants: VariantSpec[];
}

/** The seed's workload when none is configured: the test suite, single-threaded. */
export function defaultWorkload(packages: string[]): WorkloadSpec {
  return {
    name: 'cargo-test',
    command: ['cargo', 'test', '--release', ...packages.flatMap((p) => ['-p', p]), '--', '--test-threads=1'],
    env: {},
  };
}

export function resolveProject(workspace: CargoWorkspace, parsed: ParsedConfig, overrides: ProjectOverrides = {}): Project {
  const { config, locations } = parsed;
  const file = parsed.file ?? path.join(workspace.root, 'pgo.yaml');
  const problems: ConfigProblem[] = [];
  const problem = (where: string, message: string): void => {
    const pos = locations[where] ?? { line: 1, col: 1 };
    problems.push({ file, line: pos.line, col: pos.col, message });
  };

  // Without components in pgo.yaml, every workspace package with a binary is a component.
  const specs: ComponentSpec[] =
    config.components.length > 0
      ? config.components
      : workspace.packages
          .filter((p) => binTargets(p).length > 0)
          .map((p) => ({ name: p.name, packages: [p.name], bins: [], workloads: [] }));
  if (specs.length === 0) {
    throw new PgoError(
      `the workspace at ${workspace.root} has no binary target to optimize`,
      'add a [[bin]] target, or list the packages to build under "components" in pgo.yaml',
      ExitCode.Usage,
    );
  }

  const components: ResolvedComponent[] = specs.map((spec) => {
    const where = `components.${spec.name}`;
    const bins: ShippedBin[] = [];
    for (const pkgName of spec.packages) {
      const pkg = workspace.packages.find((p) => p.name === pkgName);
      if (!pkg) {
        problem(`${where}.packages`, `${where}.packages: no workspace package "${pkgName}"; the workspace has: ${workspace.packages.map((p) => p.name).join(', ')}`);
        continue;
      }
      for (const t of binTargets(pkg)) if (spec.bins.length === 0 || spec.bins.includes(t.name)) bins.push({ package: pkg.name, name: t.name });
    }
    for (const b of spec.bins) {
      if (!bins.some((x) => x.name === b)) problem(`${where}.bins`, `${where}.bins: "${b}" is not a binary of ${spec.packages.join(', ')}`);
    }
    spec.workloads.forEach((w, i) => {
      if (w.cwd && !fs.existsSync(path.resolve(workspace.root, w.cwd))) {
        problem(`${where}.workloads[${i}].cwd`, `${where}.workloads[${i}].cwd: "${w.cwd}" does not exist under ${workspace.root}`);
      }
      for (const arg of w.command) {
        for (const m of arg.matchAll(/\{bin:([^}]+)\}/g)) {
          if (!bins.some((b) => b.name === m[1])) {
            problem(where, `${where}.workloads[${i}].command: {bin:${m[1]}} is not one of this component's binaries (${bins.map((b) => b.name).join(', ') || 'none'})`);
          }
        }
      }
    });
    (spec.benchmarks ?? []).forEach((b, i) => {
      const at = `${where}.benchmarks[${i}]`;
      if (b.cwd && !fs.existsSync(path.resolve(workspace.root, b.cwd))) problem(`${at}.cwd`, `${at}.cwd: "${b.cwd}" does not exist under ${workspace.root}`);
      if (!b.command.some((a) => a.includes('{bin:'))) {
        problem(`${at}.command`, `${at}.command: runs no {bin:NAME}, so every variant would run the same program; put the component's binary in it, e.g. "{bin:${bins[0]?.name ?? 'app'}}"`);
      }
      for (const m of b.command.join(' ').matchAll(/\{bin:([^}]+)\}/g)) {
        if (!bins.some((x) => x.name === m[1])) problem(`${at}.command`, `${at}.command: {bin:${m[1]}} is not one of this component's binaries (${bins.map((x) => x.name).join(', ') || 'none'})`);
      }
    });
    const usesDefaultWorkload = spec.workloads.length === 0;
    return {
      name: spec.name,
      description: spec.description,
      maxBinarySizeMb: spec.maxBinarySizeMb ?? config.maxBinarySizeMb,
      packages: spec.packages,
      bins,
      defaultSize: overrides.defaultSize ?? spec.defaultSize,
      workloads: usesDefaultWorkload ? [defaultWorkload(spec.packages)] : spec.workloads,
      usesDefaultWorkload,
      benchmarks: spec.benchmarks ?? [],
    };
  });

  const defaultComponent = overrides.defaultComponent ?? config.defaultComponent ?? components[0]?.name ?? '';
  if (!components.some((c) => c.name === defaultComponent)) {
    problem('defaultComponent', `default component "${defaultComponent}" is not one of: ${components.map((c) => c.name).join(', ')}`);
  }

  const artifactRoot = config.artifactDir ? path.resolve(workspace.root, config.artifactDir) : defaultArtifactRoot(workspace);
  // Clean deletes this folder: it must never be /, ~, the workspace, or anything outside target/.
  if (!isStrictlyInside(artifactRoot, workspace.targetDirectory)) {
    problem('artifactDir', `artifactDir "${config.artifactDir}" resolves to ${artifactRoot}, which is not inside the target directory ${workspace.targetDirectory}; PGO data may only live there, because "clean" deletes it`);
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const build: BuildSettings = { ...config.build, rustflags: [...config.build.rustflags, ...(overrides.extraRustflags ?? [])] };
  return {
    workspace,
    configFile: parsed.file,
    configuredComponents: config.components.length > 0,
    components,
    defaultComponent,
    artifactRoot,
    minFreeDiskGb: overrides.minFreeDiskGb ?? config.minFreeDiskGb ?? DEFAULT_MIN_FREE_GB,
    build,
    hotness: config.hotness,
    llvmProfdataPath: overrides.llvmProfdataPath,
    variants: config.variants ?? defaultVariants(),
  };
}

/**
 * `<target>/pgo`, or `<target>/pgo/<workspace>-<hash>` when the target directory is outside the
 * workspace (`CARGO_TARGET_DIR` or `build.target-dir`): such a directory is often shared by several
 * workspaces, which must not overwrite each other's profiles and builds, or clean them away.
 */
export function defaultArtifactRoot(workspace: Pick<CargoWorkspace, 'root' | 'targetDirectory'>): string {
  const base = path.join(workspace.targetDirectory, 'pgo');
  if (isStrictlyInside(workspace.targetDirectory, workspace.root)) return base;
  const name = path.basename(workspace.root).replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 40) || 'workspace';
  const hash = createHash('sha256').update(realPathLoose(workspace.root)).digest('hex').slice(0, 8);
  return path.join(base, `${name}-${hash}`);
}

/** cargo metadata + pgo.yaml + overrides, for the workspace containing `dir`. */
export async function loadProject(dir: string, overrides: ProjectOverrides = {}): Promise<Project> {
  const workspace = await loadCargoWorkspace(dir);
  return resolveProject(workspace, loadConfigFile(workspace.root), overrides);
}

/** "all" or one component's name → the components to run, with a clear error for a typo. */
export function selectComponents(project: Project, name: string | undefined): ResolvedComponent[] {
  const wanted = name ?? project.defaultComponent;
  if (wanted === 'all') return project.components;
  const c = project.components.find((x) => x.name === wanted);
  if (!c) {
    throw new PgoError(
      `no component "${wanted}"`,
      `use one of: ${[...project.components.map((x) => x.name), 'all'].join(', ')} (components are defined in pgo.yaml)`,
      ExitCode.Usage,
    );
  }
  return [c];
}
