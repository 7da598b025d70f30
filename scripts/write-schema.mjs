// npm run schema: writes schemas/pgo.schema.json (the JSON Schema of pgo.yaml that the YAML
// extension checks the file with) from src/core/config/pgo-yaml-spec.ts, the declaration the
// loader validates with too. test/unit/config-json-schema.test.ts fails while the file is stale.
import * as esbuild from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
// The generator is TypeScript: bundle it into a temporary module (as bench-profile does), no tsc run.
const tmp = mkdtempSync(join(tmpdir(), 'pgo-schema-'));
try {
  const entry = join(tmp, 'generator.mjs');
  await esbuild.build({ entryPoints: [join(repo, 'src/core/config/pgo-yaml-json-schema.ts')], bundle: true, platform: 'node', format: 'esm', outfile: entry });
  const { SCHEMA_FILE, pgoYamlJsonSchemaText } = await import(pathToFileURL(entry).href);
  const file = join(repo, SCHEMA_FILE);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, pgoYamlJsonSchemaText());
  console.log(`wrote ${SCHEMA_FILE}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
