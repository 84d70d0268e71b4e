/**
 * Catalog entries of the transformation family: message translator and document validator.
 */
import { z } from '../zod';
import { PORTS, type CatalogEntry } from '../catalogTypes';
import { expressionSchema } from '../expressions';
import { jsonValueSchema } from '../schemas';
import { checkJsonSchema } from './jsonSchemaCheck';

const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * A field of a message: `payload` (the whole body), `payload.customer.name`, `payload.items.0.sku`, or
 * `headers.region`. Segments are letters, digits and `_ $ @ # -` (XML attributes read as `@_id`, text as
 * `#text`); `__proto__`, `constructor` and `prototype` are refused.
 */
export const fieldPathSchema = z
  .string()
  .max(256)
  .regex(
    /^(payload(\.[A-Za-z0-9_$@#-]+)*|headers\.[A-Za-z0-9_.$@#:-]+)$/,
    'a field such as payload.customer.name or headers.region',
  )
  .refine((p) => !(p.startsWith('payload') && p.split('.').some((s) => FORBIDDEN_SEGMENTS.has(s))), {
    message: '__proto__, constructor and prototype are not allowed in a field path',
  })
  .meta({ title: 'Field' });

/** One step of a field mapping: rename (move) a field, drop it, or set it from an expression. */
export const mappingOpSchema = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('rename'), from: fieldPathSchema, to: fieldPathSchema }),
  z.strictObject({ op: z.literal('drop'), path: fieldPathSchema }),
  z.strictObject({ op: z.literal('set'), path: fieldPathSchema, value: expressionSchema('Value') }),
]);

/** A mapping step value. */
export type MappingOp = z.infer<typeof mappingOpSchema>;

const opsSchema = z.array(mappingOpSchema).max(100);

/** A lookup-table enrichment: reads `key`, looks its text up in `table`, writes the entry to `into`. */
export const enrichmentSchema = z.strictObject({
  key: fieldPathSchema.meta({ title: 'Key field' }),
  into: fieldPathSchema.meta({ title: 'Write to' }),
  table: z.record(z.string().max(256), jsonValueSchema).meta({ title: 'Lookup table' }),
  missing: z
    .enum(['skip', 'null', 'dead-letter'])
    .default('skip')
    .meta({
      title: 'Key not in table',
      description: 'skip leaves the field unset; dead-letter sends the message to dead letter as invalid',
    }),
});

/** One version step of an upcaster: messages at version `from` become `to` after `ops`. */
export const upcastStepSchema = z.strictObject({
  from: z.string().min(1).max(32),
  to: z.string().min(1).max(32),
  ops: opsSchema.default([]),
});

/** Config of a message translator: XML in/out, upcasting, mapping, enrichment, new type. */
export const messageTranslatorConfig = z.strictObject({
  input: z
    .enum(['json', 'xml'])
    .default('json')
    .meta({ title: 'Input payload', description: 'xml: the payload is XML text, parsed first' }),
  output: z
    .enum(['json', 'xml'])
    .default('json')
    .meta({ title: 'Output payload', description: 'xml: the payload is rendered as XML text last' }),
  xmlRoot: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, 'an XML element name')
    .default('message')
    .meta({ title: 'XML root element' }),
  upcast: z
    .strictObject({
      versionField: fieldPathSchema.default('headers.version').meta({ title: 'Version field' }),
      assume: z.string().min(1).max(32).optional().meta({ title: 'Version when the field is missing' }),
      steps: z.array(upcastStepSchema).max(32).default([]).meta({ title: 'Steps (v1 → v2, v2 → v3, …)' }),
    })
    .default({ versionField: 'headers.version', steps: [] })
    .meta({ title: 'Version upcasting' }),
  mapping: opsSchema.default([]).meta({ title: 'Field mapping (in order)' }),
  enrich: z.array(enrichmentSchema).max(16).default([]).meta({ title: 'Enrichment from lookup tables' }),
  type: z.string().min(1).max(128).optional().meta({ title: 'New message type' }),
});

/** Config of a document validator: the JSON Schema, its draft, which messages, errors kept. */
export const documentValidatorConfig = z.strictObject({
  schema: z
    .union([z.boolean(), z.record(z.string(), jsonValueSchema)])
    .default({ type: 'object' })
    .superRefine((schema, ctx) => {
      const problem = checkJsonSchema(schema);
      if (problem) ctx.addIssue({ code: 'custom', message: problem.message, path: problem.path });
    })
    .meta({ title: 'JSON Schema', description: 'the payload of each document must match it' }),
  draft: z.enum(['2020-12', '2019-09', '7', '4']).default('2020-12').meta({ title: 'JSON Schema draft' }),
  only: z
    .enum(['documents', 'all'])
    .default('documents')
    .meta({ title: 'Check', description: 'documents: commands and events pass unchecked' }),
  maxErrors: z.number().int().min(1).max(50).default(5).meta({ title: 'Errors kept per document' }),
});

/** Transformation kinds. */
export const TRANSFORMATION_ENTRIES: readonly CatalogEntry[] = [
  {
    kind: 'message-translator',
    family: 'transformation',
    title: 'Message translator',
    summary: 'Converts JSON ↔ XML, maps fields, enriches from a table, upcasts versions.',
    description:
      'Makes a translated message from each message, in this order: parse XML text (input xml), upcast ' +
      'through the version steps whose `from` matches the version field, apply the field mapping (rename, ' +
      'drop, set from an expression), enrich from lookup tables, set the new type, render XML (output xml). ' +
      'The translation is a new message caused by the original, which ends here (merged into it), so the ' +
      'trace shows both before and after. A payload that cannot be translated (bad XML, a failing ' +
      'expression, a missing lookup key with missing = dead-letter) is dead-lettered with the reason.',
    inputs: [PORTS.in],
    outputs: () => [PORTS.out, PORTS.deadLetter],
    config: messageTranslatorConfig,
    fanOut: 'one',
  },
  {
    kind: 'document-validator',
    family: 'transformation',
    title: 'Document validator',
    summary: 'Checks documents against a JSON Schema; invalid ones go to dead letter.',
    description:
      'Validates the payload of each document message (or of every message) against the JSON Schema in ' +
      'its config, with an interpreting validator (no code generation). Valid messages pass on `out`; ' +
      'invalid ones are dead-lettered as invalid, with the first validation errors as detail. Regular ' +
      'expressions in the schema (`pattern`) are limited to simple ones, so no input can make them hang.',
    inputs: [PORTS.in],
    outputs: () => [PORTS.out, PORTS.deadLetter],
    config: documentValidatorConfig,
    fanOut: 'one',
  },
];
