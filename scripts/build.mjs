// Bundles the CLI and the extension with esbuild: one file each, so the .vsix carries no
// node_modules and the CLI starts without resolving packages.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';

const production = process.argv.includes('--production');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // jsonc-parser's "main" is a UMD build whose require() calls esbuild cannot follow: take its ES module.
  alias: { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
};

const builds = [
  { entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { entryPoints: ['src/vscode/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  // The extension's worker process: profiles, source indexes, tool lookups off the host's event loop.
  { entryPoints: ['src/vscode/engine-worker.ts'], outfile: 'dist/engine-worker.js' },
].filter((b) => existsSync(b.entryPoints[0]));

await Promise.all(builds.map((b) => esbuild.build({ ...common, ...b })));
// `pgo bench` compiles its run probe from this source with the user's rustc (run-probe.ts).
mkdirSync('dist', { recursive: true });
copyFileSync('src/core/bench/probe/pgo-probe.rs', 'dist/pgo-probe.rs');
console.log(`built ${builds.map((b) => b.outfile).join(', ')}${production ? ' (production)' : ''}`);
