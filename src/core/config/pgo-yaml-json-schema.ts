import { NAME_PATTERN, PGO_YAML, type FieldSpec } from './pgo-yaml-spec';

/**
 * The JSON Schema (draft-07, what the YAML extension reads) of pgo.yaml, made from the same
 * declaration as the loader's checks. `npm run schema` writes it to schemas/pgo.schema.json, which
 * package.json's `contributes.yamlValidation` points the YAML extension at; a unit test fails when
 * the committed file differs from this.
 */
export const SCHEMA_FILE = 'schemas/pgo.schema.json';

export type JsonSchema = { [key: string]: unknown };

/** YAML scalars the loader takes as text in lists and env values. */
const SCALAR_TYPES = ['string', 'number', 'boolean'];

function fieldSchema(f: FieldSpec): JsonSchema {
  const description = { description: f.doc };
  switch (f.kind) {
    case 'string':
      return { type: 'string', minLength: 1, ...(f.pattern ? { pattern: f.pattern.source } : {}), ...(f.default === undefined ? {} : { default: f.default }), ...description };
    case 'integer':
      return { type: 'integer', minimum: f.min, ...description };
    case 'number':
      return { type: 'number', minimum: f.min, ...(f.default === undefined ? {} : { default: f.default }), ...description };
    case 'share':
      return { type: 'number', exclusiveMinimum: 0, maximum: 1, default: f.default, ...description };
    case 'boolean':
      return { type: 'boolean', default: f.default, ...description };
    case 'choice':
      // `lto: false` reads as "off" (YAML 1.1 and some editors read a bare `off` as false).
      return { enum: f.values.includes('off') ? [...f.values, false] : [...f.values], ...description };
    case 'list':
      return { type: 'array', items: { type: SCALAR_TYPES }, ...(f.nonEmpty ? { minItems: 1 } : {}), ...description };
    case 'version':
      return { const: 1, ...description };
    case 'section':
      return {
        type: 'object',
        ...description,
        properties: Object.fromEntries(Object.entries(f.keys).map(([k, v]) => [k, fieldSchema(v)])),
        ...(f.required ? { required: [...f.required] } : {}),
        additionalProperties: false,
      };
    case 'named':
      return {
        type: 'object',
        ...description,
        propertyNames: { pattern: (f.pattern ?? NAME_PATTERN).source, ...(f.reserved.length > 0 ? { not: { enum: [...f.reserved] } } : {}) },
        additionalProperties: fieldSchema(f.value),
      };
    case 'sequence':
      return { type: 'array', minItems: 1, items: fieldSchema(f.item), ...description };
    case 'env':
      return { type: 'object', ...(f.forbidden.length > 0 ? { propertyNames: { not: { enum: [...f.forbidden] } } } : {}), additionalProperties: { type: SCALAR_TYPES }, ...description };
  }
}

export function pgoYamlJsonSchema(): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $comment: 'Generated from src/core/config/pgo-yaml-spec.ts by `npm run schema`; do not edit.',
    title: 'pgo.yaml',
    ...fieldSchema(PGO_YAML),
  };
}

/** The file's text: what `npm run schema` writes and the test compares. */
export function pgoYamlJsonSchemaText(): string {
  return `${JSON.stringify(pgoYamlJsonSchema(), null, 2)}\n`;
}
