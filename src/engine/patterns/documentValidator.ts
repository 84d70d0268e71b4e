/**
 * Document validator: checks the payload of each document message (or of every message, with
 * `only: 'all'`) against the JSON Schema in its config, with `@cfworker/json-schema` — an interpreting
 * validator that generates no code, so it runs under a CSP without `unsafe-eval`. Valid messages pass on
 * `out` unchanged; invalid ones are dead-lettered as `invalid` with the first `maxErrors` validation
 * errors (`/items/0/qty: …`) as detail. Messages of other kinds pass unchecked when only documents are
 * checked. The schema was checked when the topology was validated (local `$ref`s only, simple `pattern`s).
 */
import { Validator, type Schema } from '@cfworker/json-schema';
import type { z } from 'zod';
import type { documentValidatorConfig } from '../../model/kinds/transformation';
import type { NodeBehavior, NodeContext, PatternDefinition } from '../pattern';

type Config = z.output<typeof documentValidatorConfig>;

/** The validation errors of a result as one line each: `<instance location>: <error>`, leaf errors first. */
export function describeErrors(
  errors: readonly { instanceLocation: string; error: string; keyword: string }[],
  max: number,
): string {
  // cfworker reports a failing subschema and then the keyword that made it fail (properties, items, …);
  // the specific errors are the ones users need, so show those first and the summary ones after
  const summary = new Set([
    'properties',
    'items',
    'prefixItems',
    'additionalProperties',
    'allOf',
    'anyOf',
    'oneOf',
    '$ref',
    'dependentSchemas',
    'unevaluatedProperties',
    'unevaluatedItems',
    'contains',
    'if',
    'then',
    'else',
    'not',
    'patternProperties',
    'propertyNames',
    'additionalItems',
  ]);
  const specific = errors.filter((e) => !summary.has(e.keyword));
  const ordered = specific.length ? specific : errors;
  const lines = ordered
    .slice(0, max)
    .map((e) => `${e.instanceLocation.replace(/^#/, '') || '/'}: ${e.error.replace(/\.$/, '')}`);
  if (ordered.length > max) lines.push(`… and ${ordered.length - max} more`);
  return lines.join('; ');
}

/** The document validator (see the file comment). */
export const documentValidator: PatternDefinition = {
  kind: 'document-validator',
  create(ctx: NodeContext<Config>): NodeBehavior {
    const c = ctx.config;
    let validator: Validator | null = null;
    let schemaError: string | null = null;
    try {
      validator = new Validator(c.schema as Schema | boolean, c.draft, false);
    } catch (e) {
      schemaError = `the schema cannot be used: ${e instanceof Error ? e.message : String(e)}`;
    }
    let valid = 0;
    let invalid = 0;
    let unchecked = 0;
    return {
      onMessage(msg) {
        if (c.only === 'documents' && msg.kind !== 'document') {
          unchecked++;
          ctx.emit('out', msg);
          return;
        }
        if (!validator) {
          ctx.deadLetter(msg, 'error', schemaError ?? 'no schema');
          return;
        }
        let result: ReturnType<Validator['validate']>;
        try {
          result = validator.validate(msg.payload);
        } catch (e) {
          ctx.deadLetter(msg, 'error', `validation failed: ${e instanceof Error ? e.message : String(e)}`);
          return;
        }
        if (result.valid) {
          valid++;
          ctx.emit('out', msg);
        } else {
          invalid++;
          ctx.deadLetter(msg, 'invalid', describeErrors(result.errors, c.maxErrors));
        }
      },
      view: () => ({ figures: { valid, invalid, unchecked } }),
    };
  },
};
