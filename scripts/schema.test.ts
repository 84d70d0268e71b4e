/**
 * The published JSON Schema (public/schema/topology-v1.json) is exactly what scripts/generate-schema.ts
 * makes from the zod schemas, so the two cannot drift; and it accepts and rejects what the format does.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Validator } from '@cfworker/json-schema';
import { describe, expect, it } from 'vitest';
import { catalogEntries } from '../src/model/catalog';
import { buildTopologyJsonSchema, renderSchema, SCHEMA_PATH } from './generate-schema';

const ROOT = resolve(__dirname, '..');
const EXAMPLES = join(ROOT, 'public/examples');

describe('public/schema/topology-v1.json', () => {
  it('equals the freshly generated schema', () => {
    let committed = '';
    try {
      committed = readFileSync(join(ROOT, SCHEMA_PATH), 'utf8');
    } catch {
      // missing: compared below as empty
    }
    const fresh = renderSchema();
    expect(
      committed === fresh,
      `${SCHEMA_PATH} is out of date: run \`npm run schema\` and commit the result`,
    ).toBe(true);
  });
});

describe('the generated schema', () => {
  const schema = buildTopologyJsonSchema();
  const validator = new Validator(schema as never, '2020-12', false);
  const valid = (doc: unknown) => validator.validate(doc).valid;
  const base = () => ({
    format: 'messaging-studio/topology',
    version: 1,
    name: 'schema test',
    nodes: [
      {
        id: 'p',
        kind: 'producer',
        config: { rate: 5, message: { type: 'Ping', payload: { n: '{{seq}}' } } },
      },
      { id: 's', kind: 'sink' },
    ],
    edges: [{ id: 'e', source: 'p', target: 's' }],
  });

  it('has one node variant per catalog kind, discriminated by kind', () => {
    const items = (
      schema.properties as Record<string, { items: { oneOf: { properties: { kind: { const: string } } }[] } }>
    ).nodes.items.oneOf;
    expect(items.map((v) => v.properties.kind.const)).toEqual(catalogEntries().map((e) => e.kind));
  });

  it.each(
    readdirSync(EXAMPLES)
      .filter((f) => f.endsWith('.json') && f !== 'index.json')
      .sort(),
  )('accepts the example %s', (file) => {
    const doc = JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8')) as unknown;
    const result = validator.validate(doc);
    expect(result.errors.slice(0, 5)).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('accepts a minimal file', () => {
    expect(valid(base())).toBe(true);
  });

  it('rejects what the format rejects', () => {
    const withNode = (node: Record<string, unknown>) => ({ ...base(), nodes: [node] });
    expect(valid({ ...base(), format: 'other' })).toBe(false);
    expect(valid({ ...base(), version: 2 })).toBe(false);
    expect(valid({ ...base(), extra: 1 })).toBe(false);
    const { name: _name, ...noName } = base();
    expect(valid(noName)).toBe(false);
    expect(valid(withNode({ id: 'x', kind: 'teleporter' }))).toBe(false);
    expect(valid(withNode({ id: 'bad id!', kind: 'sink' }))).toBe(false);
    expect(valid(withNode({ id: 'p', kind: 'producer', config: { rate: 0 } }))).toBe(false);
    expect(valid(withNode({ id: 'p', kind: 'producer', config: { arrival: 'sometimes' } }))).toBe(false);
    expect(valid(withNode({ id: 'p', kind: 'producer', config: { colour: 'red' } }))).toBe(false);
    // a config valid for another kind is not valid for this one
    expect(valid(withNode({ id: 'q', kind: 'point-to-point', config: { rate: 5 } }))).toBe(false);
    expect(
      valid(
        withNode({
          id: 'w',
          kind: 'service-activator',
          config: { serviceTime: { dist: 'exponential', mean: -1 } },
        }),
      ),
    ).toBe(false);
    expect(valid({ ...base(), simulation: { seed: -1 } })).toBe(false);
    expect(valid({ ...base(), edges: [{ id: 'e', source: 'p' }] })).toBe(false);
  });

  it('carries the unit and widget hints the inspector reads', () => {
    const text = JSON.stringify(schema);
    expect(text).toContain('"unit":"msg/s"');
    expect(text).toContain('"widget":"distribution"');
    expect(text).toContain('"widget":"message"');
  });
});
