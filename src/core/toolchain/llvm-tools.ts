import * as fs from 'node:fs';
import * as path from 'node:path';
import { isExecutable, which } from '../util/which';

/** `<llvmBinDir>/<name>`, else `<name>` on PATH, else the highest `<name>-<N>` on PATH. */
export function findLlvmTool(llvmBinDir: string, name: string, pathVar = process.env.PATH ?? ''): string | undefined {
  const exe = process.platform === 'win32' ? '.exe' : '';
  const sibling = path.join(llvmBinDir, `${name}${exe}`);
  if (isExecutable(sibling)) return sibling;
  const plain = which(`${name}${exe}`, pathVar);
  if (plain) return plain;
  const versioned = new RegExp(`^${name}-(\\d+)${exe.replace('.', '\\.')}$`);
  let best: { file: string; major: number } | undefined;
  for (const dir of pathVar.split(path.delimiter)) {
    if (!dir) continue;
    let entries: string[];
    try {
      entries = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const entry of entries) {
      const m = versioned.exec(entry);
      const major = Number(m?.[1]);
      const file = path.join(dir, entry);
      if (m && (!best || major > best.major) && isExecutable(file)) best = { file, major };
    }
  }
  return best?.file;
}
