import { describe, expect, it } from 'vitest';
import { catalogEntries } from '../../model/catalog';
import { simulationSchema } from '../../model/topology';
import { defaultValue, fieldKind, humanize, jsonSchemaOf, resolve, type JsonSchema } from './jsonSchema';

/** Every leaf the form would render, with the widget chosen for it. */
function walk(s: JsonSchema, root: JsonSchema, path: string, out: Map<string, string>): void {
  const r = resolve(s, root);
  const kind = fieldKind(r, root);
  out.set(path, kind);
  if (kind === 'object') for (const [k, p] of Object.entries(r.properties ?? {})) walk(p, root, `${path}.${k}`, out);
  if (kind === 'array' && r.items) walk(r.items, root, `${path}[]`, out);
}

describe('inspector forms from the catalog', () => {
  it('every kind (and edge config) becomes an object form; tagged unions get a variant picker', () => {
    const kinds = new Map<string, string>();
    for (const entry of catalogEntries()) {
      for (const [name, schema] of [['config', entry.config], ['edgeConfig', entry.edgeConfig]] as const) {
        if (!schema) continue;
        const js = jsonSchemaOf(schema);
        expect(js.type, `${entry.kind} ${name}`).toBe('object');
        for (const [k, p] of Object.entries(js.properties ?? {})) walk(p, js, `${entry.kind}.${k}`, kinds);
      }
    }
    expect(kinds.get('service-activator.serviceTime')).toBe('distribution');
    if (kinds.has('message-translator.mapping[]')) expect(kinds.get('message-translator.mapping[]')).toBe('variant');
    if (kinds.has('content-based-router.rules[].when')) expect(kinds.get('content-based-router.rules[].when')).toBe('expression');
    // JSON text is the fallback for free-form values only (payloads, headers, maps), never for plain settings.
    for (const [path, kind] of kinds) if (kind === 'json') expect(path).not.toMatch(/\.(rate|concurrency|capacity|mode|kind|type)$/);
  });

  it('reads units, distributions, enums and defaults from the meta hints', () => {
    const entry = catalogEntries().find((e) => e.kind === 'service-activator')!;
    const js = jsonSchemaOf(entry.config);
    expect(fieldKind(js.properties!.serviceTime, js)).toBe('distribution');
    expect(fieldKind(js.properties!.onFailure, js)).toBe('enum');
    expect(fieldKind(js.properties!.concurrency, js)).toBe('integer');
    expect(fieldKind(js.properties!.retry, js)).toBe('object');
    const producer = jsonSchemaOf(catalogEntries().find((e) => e.kind === 'producer')!.config);
    expect(producer.properties!.rate.unit).toBe('msg/s');
    expect(producer.properties!.message.widget).toBe('message');
    expect(fieldKind(resolve(producer.properties!.message, producer).properties!.payload, producer)).toBe('json');
    const sim = jsonSchemaOf(simulationSchema);
    expect(sim.properties!.until.unit).toBe('ms');
  });

  it('makes sensible new array items and labels', () => {
    const item: JsonSchema = {
      type: 'object',
      properties: { name: { type: 'string' }, when: { type: 'string', widget: 'expression' }, weight: { type: 'number', minimum: 1 }, on: { type: 'boolean', default: true } },
      required: ['name', 'when', 'weight'],
    };
    expect(defaultValue(item, item)).toEqual({ name: '', when: '', weight: 1 });
    expect(fieldKind(item.properties!.when, item)).toBe('expression');
    expect(humanize('maxAttempts')).toBe('Max attempts');
    expect(humanize('dead-letter')).toBe('Dead letter');
  });
});
