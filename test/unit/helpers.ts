import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A fresh temporary directory, removed after the test run. */
export function tempDir(prefix = 'pgo-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A scripted stand-in for llvm-profdata that prints the given LLVM version. */
export function fakeProfdata(file: string, llvmVersion: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `#!/bin/sh\necho "Debian LLVM version ${llvmVersion}"\necho "  Optimized build."\n`, { mode: 0o755 });
  return file;
}
