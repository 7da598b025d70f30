import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Workload scripts that set LLVM_PROFILE_FILE themselves (the seed's custom workload does:
 * `LLVM_PROFILE_FILE="target/pgo-profile/custom-%p-%m.profraw" bash workload.sh`) send their
 * profiles past the folder the pipeline gave them. These helpers find them again.
 */

/**
 * Folders never searched: version control, JavaScript dependencies and cargo's own bookkeeping
 * (the bulk of a target dir's files) hold no profiles.
 */
const SKIP = new Set(['.git', 'node_modules', 'incremental', '.fingerprint']);
/** File systems round modification times (1 s on some, 2 s on FAT). */
const MTIME_SLACK_MS = 2000;

/**
 * Move every `.profraw` file under `roots` that was written since `sinceMs` into `dest`, and
 * return where each one was. Symbolic links are not followed; `dest` and `skip` (the pipeline's own
 * run folders, whose files are already accounted for) are not searched.
 */
export function collectOwnProfraws(roots: readonly string[], sinceMs: number, dest: string, skip: readonly string[] = []): string[] {
  const found: string[] = [];
  const seen = new Set<string>([dest, ...skip].map((d) => path.resolve(d)));
  const walk = (dir: string): void => {
    const real = path.resolve(dir);
    if (seen.has(real)) return;
    seen.add(real);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(real, { withFileTypes: true });
    } catch {
      return; // unreadable or gone: nothing of ours there
    }
    for (const e of entries) {
      const p = path.join(real, e.name);
      if (e.isDirectory()) {
        if (!SKIP.has(e.name)) walk(p);
      } else if (e.isFile() && e.name.endsWith('.profraw')) {
        try {
          if (fs.statSync(p).mtimeMs >= sinceMs - MTIME_SLACK_MS) found.push(p);
        } catch {
          // removed while we looked
        }
      }
    }
  };
  for (const r of roots) walk(r);
  fs.mkdirSync(dest, { recursive: true });
  found.forEach((f, i) => moveFile(f, path.join(dest, `own-${i}-${path.basename(f)}`)));
  return found;
}

function moveFile(from: string, to: string): void {
  try {
    fs.renameSync(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    fs.copyFileSync(from, to);
    fs.rmSync(from, { force: true });
  }
}

/**
 * The LLVM_PROFILE_FILE values a workload's script files assign (`LLVM_PROFILE_FILE=...`), so an
 * error can say where the profiles went. Only files named in the command are read, and only small ones.
 */
export function profileFileSettings(argv: readonly string[], cwd: string): { file: string; value: string }[] {
  const out: { file: string; value: string }[] = [];
  for (const arg of argv) {
    if (arg.startsWith('LLVM_PROFILE_FILE=')) {
      out.push({ file: 'the command', value: arg.slice('LLVM_PROFILE_FILE='.length) });
      continue;
    }
    const file = path.resolve(cwd, arg);
    let text: string;
    try {
      const st = fs.statSync(file);
      if (!st.isFile() || st.size > 1_000_000) continue;
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const m of text.matchAll(/LLVM_PROFILE_FILE=("[^"\n]*"|'[^'\n]*'|[^\s;]+)/g)) {
      out.push({ file, value: (m[1] ?? '').replace(/^["']|["']$/g, '') });
    }
  }
  return out;
}
