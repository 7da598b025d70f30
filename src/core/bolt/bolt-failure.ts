import * as fs from 'node:fs';
import { ElfFile } from '../dwarf/elf-file';

/**
 * Why BOLT cannot work on a binary, in the user's terms: recognised before running llvm-bolt
 * where the file itself tells (not ELF, another architecture, stripped, no relocations), and in
 * llvm-bolt's own messages otherwise (texts as llvm-bolt 22 prints them, checked by hand).
 */
export interface BoltFailureCause {
  id:
    | 'not-linux'
    | 'not-elf'
    | 'unsupported-arch'
    | 'no-relocations'
    | 'stripped'
    | 'instrumented-input'
    | 'sanitizer-input'
    | 'no-profile'
    | 'runtime-missing'
    | 'unknown-option'
    | 'static-binary';
  cause: string;
  fix: string;
}

const EMIT_RELOCS = '-C link-arg=-Wl,--emit-relocs';

const NO_RELOCS_FIX = `link with ${EMIT_RELOCS} (\`pgo bolt\` and the bolt variants add it to their own builds; a binary you built yourself needs it in RUSTFLAGS or build.rustflags)`;

interface Rule {
  id: BoltFailureCause['id'];
  pattern: RegExp;
  describe: (m: RegExpExecArray) => Omit<BoltFailureCause, 'id'>;
}

const RULES: readonly Rule[] = [
  {
    id: 'no-relocations',
    pattern: /instrumentation runtime libraries require relocations|function reordering only works when relocations are enabled|relocations against code are missing from the input file|binary built without relocations/,
    describe: (m) => ({ cause: `the binary was linked without --emit-relocs, so BOLT cannot move its code ("${m[0]}")`, fix: NO_RELOCS_FIX }),
  },
  {
    id: 'stripped',
    pattern: /stripped binaries are not supported|input binary does not have local file symbols/,
    describe: () => ({
      cause: 'the binary is stripped: BOLT needs its symbol table',
      fix: 'build without stripping (no `strip = true` / `-C strip=…` in the cargo profile or rustflags); strip the BOLT-optimized binary afterwards if you must',
    }),
  },
  {
    id: 'instrumented-input',
    pattern: /compiled or linked with coverage support/,
    describe: () => ({
      cause: 'the binary is PGO-instrumented (-Cprofile-generate) or built with -Cinstrument-coverage: BOLT works on a finished, optimized build',
      fix: 'run BOLT on the release or the PGO-optimized build (`pgo bolt`, `pgo bolt --pgo`), not on the instrumented one',
    }),
  },
  {
    id: 'sanitizer-input',
    pattern: /compiled or linked with sanitizer support/,
    describe: () => ({ cause: 'the binary is built with a sanitizer (-Zsanitizer), which BOLT cannot optimize', fix: 'run BOLT on a build without sanitizers' }),
  },
  {
    id: 'unsupported-arch',
    pattern: /Unrecognized machine in ELF file|Cannot initialize MC for unknown object file format/,
    describe: () => ({ cause: 'BOLT does not support this architecture', fix: 'BOLT optimizes Linux ELF binaries for x86_64 and AArch64 only; use PGO alone elsewhere' }),
  },
  {
    id: 'no-profile',
    pattern: /no valid profile data found|cannot pre-process profile/,
    describe: () => ({
      cause: 'the BOLT profile holds no usable data: the instrumented binary did not run, or it was killed before it could write its profile',
      fix: 'make the workload run {bin:NAME} (or $PGO_BIN_NAME) to completion: BOLT writes its profile when the process exits normally',
    }),
  },
  {
    id: 'runtime-missing',
    pattern: /library not found: (\S*libbolt_rt_instr\.a)/,
    describe: (m) => ({
      cause: `llvm-bolt's instrumentation runtime ${m[1] ?? 'libbolt_rt_instr.a'} is missing`,
      fix: 'install the runtime with llvm-bolt (Debian: `apt-get install libbolt-<major>-dev`, which bolt-<major> pulls in), or point LLVM_BOLT at a complete BOLT install',
    }),
  },
  {
    id: 'static-binary',
    pattern: /instrumentation of static binary currently does not support profile output on binary finalization|require a known entry point/,
    describe: (m) => ({ cause: `llvm-bolt cannot instrument this binary: ${m[0]}`, fix: 'build a dynamically linked (default) binary for the BOLT run' }),
  },
  {
    id: 'unknown-option',
    pattern: /Unknown command line argument '([^']+)'/,
    describe: (m) => ({
      cause: `this llvm-bolt does not know the option ${m[1] ?? ''} (an older release)`,
      fix: 'install a newer BOLT (Debian: `apt-get install bolt-<major>` for rustc\'s LLVM major), or point LLVM_BOLT at one',
    }),
  },
];

/** The first recognised cause in llvm-bolt's or merge-fdata's output, or undefined. */
export function classifyBoltFailure(output: readonly string[]): BoltFailureCause | undefined {
  const text = output.join('\n');
  for (const rule of RULES) {
    const m = rule.pattern.exec(text);
    if (m) return { id: rule.id, ...rule.describe(m) };
  }
  return undefined;
}

const EM_X86_64 = 62;
const EM_AARCH64 = 183;

/** What BOLT needs of its input, read from the file's ELF header and section names. */
export interface BoltInputFacts {
  elf: boolean;
  machine?: number;
  hasSymtab: boolean;
  /** `.rela.text`: the code's relocations, kept by --emit-relocs. */
  hasCodeRelocations: boolean;
  hasDebugInfo: boolean;
}

export function readBoltInputFacts(file: string): BoltInputFacts {
  const header = Buffer.alloc(20);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, header, 0, 20, 0);
  } finally {
    fs.closeSync(fd);
  }
  const elf = ElfFile.open(file);
  if (!elf) return { elf: false, hasSymtab: false, hasCodeRelocations: false, hasDebugInfo: false };
  try {
    const names = elf.sections.map((s) => s.name);
    return {
      elf: true,
      machine: header.readUInt16LE(18),
      hasSymtab: names.includes('.symtab'),
      hasCodeRelocations: names.some((n) => n === '.rela.text' || n.startsWith('.rela.text.')),
      hasDebugInfo: names.includes('.debug_info') || names.includes('.zdebug_info'),
    };
  } finally {
    elf.close();
  }
}

/** Why BOLT cannot work on a binary with these facts, before running it; undefined when it can try. */
export function boltInputProblem(facts: BoltInputFacts, platform: NodeJS.Platform = process.platform): BoltFailureCause | undefined {
  if (platform !== 'linux') {
    return { id: 'not-linux', cause: `BOLT rewrites Linux ELF binaries only; this is ${platform}`, fix: 'use PGO alone here; run BOLT in a Linux build (CI)' };
  }
  if (!facts.elf) return { id: 'not-elf', cause: 'the file is not an ELF executable', fix: 'point BOLT at a Linux executable built by cargo' };
  if (facts.machine !== EM_X86_64 && facts.machine !== EM_AARCH64) {
    return { id: 'unsupported-arch', cause: `BOLT does not support this binary's architecture (ELF machine ${facts.machine ?? '?'})`, fix: 'BOLT optimizes x86_64 and AArch64 binaries only; use PGO alone for this target' };
  }
  if (!facts.hasSymtab) return classifyBoltFailure(['stripped binaries are not supported']);
  if (!facts.hasCodeRelocations) {
    return { id: 'no-relocations', cause: 'the binary was linked without --emit-relocs (it has no .rela.text section), so BOLT cannot move its code', fix: NO_RELOCS_FIX };
  }
  return undefined;
}
