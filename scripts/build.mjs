// Bundles the CLI and the extension with esbuild: one file each, so the .vsix carries no
// node_modules and the CLI starts without resolving packages.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const production = process.argv.includes('--production');
const option = (name) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
// `--outdir DIR --only cli`: the CLI alone, for its npm package (scripts/pack-cli.mjs).
const outdir = option('--outdir') ?? 'dist';
const only = option('--only');
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
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
  // `pgo --version` (src/cli/version.ts).
  define: { PGO_VERSION: JSON.stringify(version) },
};

const builds = [
  { name: 'cli', entryPoints: ['src/cli/main.ts'], outfile: 'cli.js', banner: { js: '#!/usr/bin/env node' } },
  { name: 'extension', entryPoints: ['src/vscode/extension.ts'], outfile: 'extension.js', external: ['vscode'] },
  // The extension's worker process: profiles, source indexes, tool lookups off the host's event loop.
  { name: 'engine-worker', entryPoints: ['src/vscode/engine-worker.ts'], outfile: 'engine-worker.js' },
]
  .filter((b) => existsSync(b.entryPoints[0]) && (only === undefined || b.name === only))
  .map(({ name: _name, ...b }) => ({ ...b, outfile: join(outdir, b.outfile) }));

await Promise.all(builds.map((b) => esbuild.build({ ...common, ...b })));
// `pgo bench` compiles its run probe from this source with the user's rustc (run-probe.ts).
mkdirSync(outdir, { recursive: true });
copyFileSync('src/core/bench/probe/pgo-probe.rs', join(outdir, 'pgo-probe.rs'));
console.log(`built ${builds.map((b) => b.outfile).join(', ')}${production ? ' (production)' : ''}`);
