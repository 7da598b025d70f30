import { isMap, isScalar, isSeq, parseDocument, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import { ExitCode, PgoError } from '../errors';
import { parseConfig } from '../config/load-config';
import { NAME_PATTERN } from '../config/pgo-yaml-spec';
import { defaultWorkloadName, flowList, PLACEHOLDER_ARGS, PLACEHOLDER_COMMENT, starterConfig, type NewWorkload } from '../config/starter-config';
import { binTargets, type CargoPackage, type CargoWorkspace } from '../workspace/cargo-workspace';

/** Where the workload goes, when the binary ships in more than one component. */
export interface WorkloadTarget extends NewWorkload {
  component?: string;
}

export interface AddedWorkload {
  /** The whole new pgo.yaml. */
  text: string;
  component: string;
  name: string;
  /** 1-based line of the new workload's `- name:`, for an editor to show it. */
  line: number;
  /** pgo.yaml did not exist: `text` is a new starter file. */
  created: boolean;
  /** The workload replaced the `--help` placeholder of the same name. */
  replacedPlaceholder: boolean;
}

/** Every binary of the workspace, with its package: what `pgo init` and Create Workload offer. */
export function workspaceBinaries(ws: CargoWorkspace): { package: string; name: string }[] {
  return ws.packages.flatMap((p) => binTargets(p).map((t) => ({ package: p.name, name: t.name })));
}

function packageOfBin(ws: CargoWorkspace, bin: string): CargoPackage {
  const pkg = ws.packages.find((p) => binTargets(p).some((t) => t.name === bin));
  if (pkg) return pkg;
  const bins = workspaceBinaries(ws).map((b) => b.name);
  throw new PgoError(
    `no binary "${bin}" in the workspace at ${ws.root}`,
    bins.length > 0 ? `use one of its binaries: ${bins.join(', ')}` : 'the workspace has no binary target: add a [[bin]] (or src/main.rs) to a package',
    ExitCode.Usage,
  );
}

function checkName(name: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw new PgoError(`"${name}" is not a usable workload name`, 'use letters, digits, "_", "-" or "." (it names a folder), e.g. "large-input"', ExitCode.Usage);
  }
}

const lineOf = (text: string, offset: number): number => text.slice(0, offset).split('\n').length;
const lineStart = (text: string, offset: number): number => text.lastIndexOf('\n', offset - 1) + 1;
const columnOf = (text: string, offset: number): number => offset - lineStart(text, offset);

/** The workload's lines at an indentation, as the starter writes them. */
function workloadLines(indent: number, name: string, command: readonly string[]): string {
  const pad = ' '.repeat(indent);
  return `${pad}- name: ${name}\n${pad}  command: ${flowList(command)}\n`;
}

/** `text` with `insert` put at `offset`, which must start a line (a newline is added to a last line without one). */
function insertAt(text: string, offset: number, insert: string): { text: string; at: number } {
  const needsNewline = offset > 0 && text[offset - 1] !== '\n';
  const head = text.slice(0, offset) + (needsNewline ? '\n' : '');
  return { text: head + insert + text.slice(offset), at: head.length };
}

/** The component that ships `bin`: the one named, else the only one, else the default one. */
function chooseComponent(components: { name: string; packages: string[]; bins: string[] }[], pkg: string, target: WorkloadTarget, defaultComponent?: string): string | undefined {
  const ships = components.filter((c) => c.packages.includes(pkg) && (c.bins.length === 0 || c.bins.includes(target.bin)));
  if (target.component) {
    if (ships.some((c) => c.name === target.component)) return target.component;
    const named = components.find((c) => c.name === target.component);
    throw new PgoError(
      named ? `component "${target.component}" does not build the binary "${target.bin}" (package ${pkg})` : `no component "${target.component}" in pgo.yaml`,
      ships.length > 0 ? `use ${ships.map((c) => c.name).join(' or ')}, which build${ships.length === 1 ? 's' : ''} it` : `leave out the component: a component for package ${pkg} is added`,
      ExitCode.Usage,
    );
  }
  if (ships.length <= 1) return ships[0]?.name;
  const dflt = ships.find((c) => c.name === defaultComponent);
  if (dflt) return dflt.name;
  throw new PgoError(
    `the binary "${target.bin}" is built by several components: ${ships.map((c) => c.name).join(', ')}`,
    `name the one to add the workload to, e.g. \`pgo init ${ships[0]?.name ?? ''} --bin ${target.bin} -- ARGS…\``,
    ExitCode.Usage,
  );
}

/**
 * Add a workload that runs `target.bin` with its arguments to pgo.yaml's text (undefined: no file
 * yet, a commented starter is written). The new lines are inserted into the user's text, which is
 * otherwise kept byte for byte (comments, quoting, order); the result is validated before it is
 * returned. A workload of the same name is an error, unless it is the starter's `--help` placeholder,
 * whose arguments are then replaced.
 */
export function addWorkload(text: string | undefined, file: string, ws: CargoWorkspace, target: WorkloadTarget): AddedWorkload {
  const pkg = packageOfBin(ws, target.bin);
  const name = target.name ?? defaultWorkloadName(target.bin);
  checkName(name);
  const command = [`{bin:${target.bin}}`, ...target.args];
  if (text === undefined || text.trim() === '') {
    if (target.component && target.component !== pkg.name) {
      throw new PgoError(`no component "${target.component}": pgo.yaml does not exist yet`, `leave out the component: the starter pgo.yaml names each component after its package (${pkg.name})`, ExitCode.Usage);
    }
    const created = starterConfig(ws, { bin: target.bin, args: target.args, name });
    const line = lineOf(created, created.indexOf(`- name: ${name}\n`));
    return { text: created, component: pkg.name, name, line, created: true, replacedPlaceholder: false };
  }

  const { config } = parseConfig(text, file); // a broken file is reported, not edited
  const doc = parseDocument(text, { keepSourceTokens: false });
  const top = doc.contents;
  if (!isMap(top)) throw new PgoError(`${file} is not a mapping of keys`, 'fix pgo.yaml (see the README), or delete it and run `pgo init` again', ExitCode.Usage);
  const blockMap = (n: unknown): n is YAMLMap => isMap(n) && !n.flow;
  const components = top.get('components', true) as Node | undefined;

  // No components: every package with binaries is one. Write them all out, so none disappears.
  if (!components || (isScalar(components) && components.value === null)) {
    const implicit = ws.packages.filter((p) => binTargets(p).length > 0);
    if (target.component && target.component !== pkg.name) {
      throw new PgoError(`no component "${target.component}" in pgo.yaml`, `leave out the component: without "components", each is named after its package (${pkg.name})`, ExitCode.Usage);
    }
    let block = components ? '' : 'components:\n';
    let newLineOffset = 0;
    for (const p of implicit) {
      block += `  ${p.name}:\n    packages: [${p.name}]\n`;
      if (p.name === pkg.name) {
        block += '    workloads:\n';
        newLineOffset = block.length;
        block += workloadLines(6, name, command);
      }
    }
    if (components) {
      // `components:` with nothing after it: put the entries on the following lines.
      const keyEnd = (top.items.find((i) => isScalar(i.key) && i.key.value === 'components')?.key as Node | undefined)?.range?.[2] ?? text.length;
      const after = text.indexOf('\n', keyEnd);
      const r = insertAt(text, after === -1 ? text.length : after + 1, block);
      return finish(r.text, file, pkg.name, name, r.at + newLineOffset, false);
    }
    const r = insertAt(text, text.length, block);
    return finish(r.text, file, pkg.name, name, r.at + newLineOffset, false);
  }
  if (!blockMap(components)) throw unsupported(file, 'components');

  const componentName = chooseComponent(config.components, pkg.name, target, config.defaultComponent);
  if (!componentName) {
    // No component builds this binary's package: a new one, named after the package.
    if (components.has(pkg.name)) {
      throw new PgoError(`component "${pkg.name}" exists but does not build the binary "${target.bin}"`, `add "${target.bin}" to components.${pkg.name}.bins, or add ${pkg.name} to its packages`, ExitCode.Usage);
    }
    const first = components.items[0]?.key as Node | undefined;
    const indent = first?.range ? columnOf(text, first.range[0]) : 2;
    const pad = ' '.repeat(indent);
    const head = `${pad}${pkg.name}:\n${pad}  packages: [${pkg.name}]\n${pad}  workloads:\n`;
    const r = insertAt(text, components.range?.[1] ?? text.length, head + workloadLines(indent + 4, name, command));
    return finish(r.text, file, pkg.name, name, r.at + head.length, false);
  }

  const component = components.get(componentName, true) as Node | undefined;
  if (!blockMap(component)) throw unsupported(file, `components.${componentName}`);
  const workloads = component.get('workloads', true) as Node | undefined;
  if (!workloads) {
    const first = component.items[0]?.key as Node | undefined;
    const indent = first?.range ? columnOf(text, first.range[0]) : 4;
    const head = `${' '.repeat(indent)}workloads:\n`;
    const r = insertAt(text, component.range?.[1] ?? text.length, head + workloadLines(indent + 2, name, command));
    return finish(r.text, file, componentName, name, r.at + head.length, false);
  }
  if (!isSeq(workloads) || workloads.flow) throw unsupported(file, `components.${componentName}.workloads`);

  const same = (workloads as YAMLSeq).items.find((i) => isMap(i) && i.get('name') === name) as YAMLMap | undefined;
  if (same) {
    const existing = config.components.find((c) => c.name === componentName)?.workloads.find((w) => w.name === name);
    const placeholder = [`{bin:${target.bin}}`, ...PLACEHOLDER_ARGS];
    const cmd = same.get('command', true) as Node | undefined;
    if (!existing || !cmd?.range || existing.command.join('\0') !== placeholder.join('\0')) {
      throw new PgoError(
        `component "${componentName}" already has a workload named "${name}"`,
        'give the new workload another name, or edit that one in pgo.yaml',
        ExitCode.Usage,
      );
    }
    // The starter's placeholder: put the real arguments in, and drop its "replace --help" comment.
    let out = text.slice(0, cmd.range[0]) + flowList(command) + text.slice(cmd.range[1]);
    const at = same.range ? lineStart(out, same.range[0]) : 0;
    const comment = out.indexOf(`# ${PLACEHOLDER_COMMENT}`, at);
    if (comment !== -1 && comment < cmd.range[0]) {
      const from = lineStart(out, comment);
      out = out.slice(0, from) + out.slice(out.indexOf('\n', comment) + 1);
    }
    const result = finish(out, file, componentName, name, at, false);
    return { ...result, replacedPlaceholder: true };
  }
  const firstItem = workloads.range?.[0];
  const indent = firstItem !== undefined ? columnOf(text, firstItem) : 6;
  const r = insertAt(text, workloads.range?.[1] ?? text.length, workloadLines(indent, name, command));
  return finish(r.text, file, componentName, name, r.at, false);
}

function unsupported(file: string, where: string): PgoError {
  return new PgoError(
    `${file}: ${where} is written in flow style ({ … } or [ … ]), where a workload cannot be inserted without rewriting it`,
    `write ${where} in block style (one key per line), or add the workload by hand`,
    ExitCode.Usage,
  );
}

/** Validate the new text (it must load, with the new workload in it) and say where the workload is. */
function finish(text: string, file: string, component: string, name: string, offset: number, created: boolean): AddedWorkload {
  const { config } = parseConfig(text, file);
  if (!config.components.find((c) => c.name === component)?.workloads.some((w) => w.name === name)) {
    throw new PgoError(`adding the workload "${name}" to ${file} failed`, 'add it by hand (see the README, "Workloads")');
  }
  return { text, component, name, line: lineOf(text, offset), created, replacedPlaceholder: false };
}
