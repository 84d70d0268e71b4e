/**
 * Generates public/schema/topology-v1.json, the published JSON Schema of the topology file format v1, from
 * the zod schemas that validate files (src/model/topology.ts) and the catalog's per-kind config schemas.
 * Nodes are a union discriminated by `kind`, each with its kind's config; edges use the general edge
 * schema (an edge's config depends on its source's kind, which JSON Schema cannot look up).
 *
 * Run `npm run schema` after changing a schema or adding a kind; scripts/schema.test.ts fails while the
 * committed file differs from what this generates.
 */
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { catalogEntries } from '../src/model/catalog';
import { jsonValueSchema } from '../src/model/schemas';
import { edgeSchema, FORMAT, LIMITS, nodeSchema, topologySchema } from '../src/model/topology';

/** Where the schema is published, relative to the repository root. */
export const SCHEMA_PATH = 'public/schema/topology-v1.json';

/** The `$id` of the published schema. */
export const SCHEMA_ID = 'https://messaging-studio.dev/schema/topology-v1.json';

/** The zod schema of a whole file with every node's config typed by its kind. */
export function fileSchema() {
  const variants = catalogEntries().map((entry) =>
    nodeSchema
      .extend({
        kind: z.literal(entry.kind),
        config: (entry.config as z.ZodType).optional(),
      })
      .meta({ title: entry.title, description: entry.summary }),
  );
  if (variants.length === 0) throw new Error('the catalog is empty');
  const nodes = z.discriminatedUnion('kind', variants as [(typeof variants)[0], ...typeof variants]);
  return topologySchema.extend({
    nodes: z.array(nodes).max(LIMITS.maxNodes),
    edges: z.array(edgeSchema).max(LIMITS.maxEdges),
  });
}

/** The JSON Schema object (draft 2020-12). */
export function buildTopologyJsonSchema(): Record<string, unknown> {
  // name the one recursive definition (JSON values) instead of zod's generated `__schema0`
  if (!z.globalRegistry.get(jsonValueSchema)?.id) {
    z.globalRegistry.add(jsonValueSchema, { ...z.globalRegistry.get(jsonValueSchema), id: 'JsonValue' });
  }
  const generated = z.toJSONSchema(fileSchema(), { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: SCHEMA_ID,
    title: 'Messaging Studio topology, format version 1',
    description:
      `A topology file of Messaging Studio ("format": "${FORMAT}", "version": 1). Times are virtual ` +
      'milliseconds; rates are messages per virtual second. See docs/topology-format.md. Generated from the ' +
      'zod schemas by scripts/generate-schema.ts (npm run schema); do not edit by hand.',
    ...rest,
  };
}

/** The schema as the committed file's text (two-space JSON, trailing newline). */
export function renderSchema(): string {
  return JSON.stringify(buildTopologyJsonSchema(), null, 2) + '\n';
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(resolve(entry)) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const out = resolve(root, SCHEMA_PATH);
  mkdirSync(dirname(out), { recursive: true });
  const text = renderSchema();
  writeFileSync(out, text);
  process.stdout.write(`wrote ${SCHEMA_PATH} (${text.length} bytes, ${catalogEntries().length} kinds)\n`);
}
