/**
 * The inspector's view of a config schema: the JSON Schema that zod generates from the catalog entry
 * (`z.toJSONSchema(schema, { io: 'input' })`, with the `.meta()` hints title, unit, widget, description),
 * and how each property is edited.
 */
import { z } from 'zod';

/** The parts of JSON Schema the form generator reads. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  title?: string;
  description?: string;
  unit?: string;
  widget?: string;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
}

/** How a property is edited. */
export type FieldKind =
  | 'number'
  | 'integer'
  | 'string'
  | 'expression'
  | 'enum'
  | 'boolean'
  | 'object'
  | 'array'
  | 'distribution'
  | 'variant'
  | 'json'
  | 'const';

const cache = new WeakMap<object, JsonSchema>();

/** The JSON Schema of a zod schema (input side: fields with defaults are optional), memoized. */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  let s = cache.get(schema);
  if (!s) {
    try {
      s = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    } catch {
      s = {}; // edited as JSON
    }
    cache.set(schema, s);
  }
  return s;
}

/** Follows a local `$ref` (`#/$defs/name`). */
export function resolve(s: JsonSchema | undefined, root: JsonSchema): JsonSchema {
  let cur = s ?? {};
  for (let i = 0; i < 8 && cur.$ref; i++) {
    const m = /^#\/\$defs\/(.+)$/.exec(cur.$ref);
    const target = m ? root.$defs?.[m[1]] : undefined;
    if (!target) return {};
    const { $ref: _ref, ...rest } = cur;
    cur = { ...target, ...rest };
  }
  return cur;
}

const typeOf = (s: JsonSchema): string | undefined => (Array.isArray(s.type) ? undefined : s.type);

/** Drops `null` from a nullable union (`anyOf: [X, {type: null}]` → X). */
export function unwrapNullable(s: JsonSchema, root: JsonSchema): JsonSchema {
  const alts = s.anyOf ?? s.oneOf;
  if (alts && alts.length === 2) {
    const nonNull = alts.map((a) => resolve(a, root)).filter((a) => typeOf(a) !== 'null');
    if (nonNull.length === 1) return { ...nonNull[0], title: s.title ?? nonNull[0].title, description: s.description ?? nonNull[0].description, default: s.default };
  }
  return s;
}

/** How to edit a (resolved) property schema. */
export function fieldKind(raw: JsonSchema, root: JsonSchema): FieldKind {
  const s = unwrapNullable(resolve(raw, root), root);
  if (s.widget === 'distribution') return 'distribution';
  if (s.const !== undefined) return 'const';
  if (variantsOf(s, root)) return 'variant';
  if (s.enum) return 'enum';
  const t = typeOf(s);
  if (t === 'number') return 'number';
  if (t === 'integer') return 'integer';
  if (t === 'boolean') return 'boolean';
  if (t === 'string') return s.widget === 'expression' ? 'expression' : 'string';
  if (t === 'object' && s.properties) return 'object';
  if (t === 'array' && s.items) return 'array';
  return 'json';
}

/** `maxAttempts` → `Max attempts`. */
export function humanize(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[-_]+/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The label of a property. */
export const labelOf = (key: string, s: JsonSchema) => s.title ?? humanize(key);

/** A reasonable new item for an array (defaults of its fields, else empty values). */
export function defaultValue(raw: JsonSchema, root: JsonSchema): unknown {
  const s = resolve(raw, root);
  if (s.default !== undefined) return structuredClone(s.default);
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  const alt = (s.oneOf ?? s.anyOf)?.[0];
  if (alt) return defaultValue(alt, root);
  switch (typeOf(s)) {
    case 'number':
    case 'integer':
      return s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 0);
    case 'boolean':
      return false;
    case 'string':
      return '';
    case 'array':
      return [];
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, p] of Object.entries(s.properties ?? {})) {
        if (s.required?.includes(k)) out[k] = defaultValue(p, root);
      }
      return out;
    }
    default:
      return null;
  }
}

/** A short description of a number's bounds, for hints. */
export function boundsText(s: JsonSchema): string {
  const parts: string[] = [];
  if (s.minimum !== undefined) parts.push(`≥ ${s.minimum}`);
  if (s.exclusiveMinimum !== undefined) parts.push(`> ${s.exclusiveMinimum}`);
  if (s.maximum !== undefined) parts.push(`≤ ${s.maximum}`);
  if (s.exclusiveMaximum !== undefined) parts.push(`< ${s.exclusiveMaximum}`);
  return parts.join(', ');
}

/** One alternative of a tagged union (`oneOf` of objects told apart by a `const` property). */
export interface Variant {
  tag: string;
  schema: JsonSchema;
}

/**
 * The alternatives of a tagged union, with the name of the tag property (`dist`, `op`, …), or null when
 * the schema is not one.
 */
export function variantsOf(s: JsonSchema, root: JsonSchema): { key: string; variants: Variant[] } | null {
  const alts = (s.oneOf ?? s.anyOf)?.map((a) => resolve(a, root));
  if (!alts || alts.length < 2 || alts.some((a) => !a.properties)) return null;
  const key = Object.keys(alts[0].properties!).find((k) => alts.every((a) => typeof a.properties![k]?.const === 'string'));
  if (!key) return null;
  return { key, variants: alts.map((a) => ({ tag: a.properties![key].const as string, schema: a })) };
}
