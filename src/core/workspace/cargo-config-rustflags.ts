import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Cargo config files (workspace and its parents, then CARGO_HOME) that set rustflags. The PGO
 * builds pass their flags in CARGO_ENCODED_RUSTFLAGS, which takes precedence over these, so the
 * user must be told that they do not apply (and how to keep them).
 */
export function configFilesWithRustflags(workspaceRoot: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const candidates: string[] = [];
  let dir = path.resolve(workspaceRoot);
  for (;;) {
    candidates.push(path.join(dir, '.cargo', 'config.toml'), path.join(dir, '.cargo', 'config'));
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  const cargoHome = env.CARGO_HOME ?? path.join(os.homedir(), '.cargo');
  candidates.push(path.join(cargoHome, 'config.toml'), path.join(cargoHome, 'config'));
  return [...new Set(candidates)].filter((f) => {
    try {
      return /^\s*rustflags\s*=/m.test(fs.readFileSync(f, 'utf8'));
    } catch {
      return false;
    }
  });
}
