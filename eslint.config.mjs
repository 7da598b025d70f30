// Flat config: typescript-eslint's recommended rules on the sources and tests, plus the import
// structure: no import cycles, and the core's layers only import downwards.
import { fileURLToPath } from 'node:url';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** This file's directory: what the layer zones (and typescript-eslint's tsconfig lookup) are relative to. */
const ROOT = fileURLToPath(new URL('.', import.meta.url));

/**
 * The core's layers, lowest first. A file may import from its own layer and the ones before it,
 * never from a later one, so no cycle can run through two layers, type-only imports included:
 *   errors < util < demangle < toolchain (finding cargo, rustc and the LLVM tools; the doctor's tool
 *   checks) < workspace (cargo model) < config (pgo.yaml, the project) < profile (reading and mapping
 *   profiles) < pipeline (the phases) < report < commands (one function per CLI/extension command).
 * The adapters sit on top: src/cli and src/vscode import the core, never each other, and the core
 * imports neither (nor the `vscode` module). A new folder under src/core goes into this list.
 */
const CORE_LAYERS = ['errors.ts', 'util', 'demangle', 'dwarf', 'toolchain', 'workspace', 'config', 'profile', 'pipeline', 'report', 'commands'];

const layerZones = CORE_LAYERS.slice(0, -1).map((layer, i) => ({
  target: `./src/core/${layer}`,
  from: CORE_LAYERS.slice(i + 1).map((higher) => `./src/core/${higher}`),
  message: `src/core layers: ${layer.replace('.ts', '')} is below ${CORE_LAYERS.slice(i + 1).join(', ').replace('.ts', '')} and must not import them (see CORE_LAYERS in eslint.config.mjs)`,
}));
const adapterZones = [
  { target: './src/core', from: ['./src/cli', './src/vscode'], message: 'the core must not depend on the CLI or the extension' },
  { target: './src/cli', from: './src/vscode', message: 'the CLI must not depend on the extension: shared logic goes into src/core' },
  { target: './src/vscode', from: './src/cli', message: 'the extension must not import the CLI: shared logic goes into src/core' },
];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.vscode-test/**', 'examples/**'] },
  ...tseslint.configs.recommended,
  { languageOptions: { parserOptions: { tsconfigRootDir: ROOT } } },
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'scripts/**/*.mjs'],
    plugins: { 'import-x': importX },
    settings: {
      // import-x's own resolver finds `./x` as x.ts; no TypeScript resolver package is needed
      // (no path aliases here). The parser setting lets no-cycle read the imported .ts files.
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.mjs', '.js', '.json'] })],
      'import-x/extensions': ['.ts', '.mjs', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: {
      // Value imports only: import-x skips type-only ones (test/unit/import-structure.test.ts checks those).
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // basePath: the zones are relative to this file, not to the directory ESLint runs in.
      'import-x/no-restricted-paths': ['error', { basePath: ROOT, zones: [...layerZones, ...adapterZones] }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      // The core must stay usable from the CLI and CI: no VS Code in it.
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'src/core must not depend on VS Code' }] }],
    },
  },
  {
    // The mocha reporter is loaded by mocha itself, as CommonJS.
    files: ['test/summary-reporter.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'prefer-const': 'error',
    },
  },
);
