import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ValidationError } from './errors';
import { formatError } from './errors';
import { emptyTopology, FORMAT, LIMITS, serializeTopology, validateTopology, validateTopologyText, type Topology } from './topology';

/** A valid topology: producer → channel → worker, with the channel's dead letters kept. */
function base(): Topology {
  return {
    format: FORMAT,
    version: 1,
    name: 'orders',
    simulation: { seed: 3, until: 1000 },
    nodes: [
      { id: 'src', kind: 'producer', config: { rate: 50 } },
      { id: 'queue', kind: 'point-to-point', config: { capacity: 100 } },
      { id: 'work', kind: 'service-activator', position: { x: 1, y: 2 } },
      { id: 'dlq', kind: 'dead-letter' },
      { id: 'bus', kind: 'publish-subscribe' },
      { id: 'out', kind: 'sink' },
    ],
    edges: [
      { id: 'e1', source: 'src', target: 'queue' },
      { id: 'e2', source: 'queue', target: 'work' },
      { id: 'e3', source: 'queue', sourcePort: 'dead-letter', target: 'dlq' },
      { id: 'e4', source: 'work', target: 'bus' },
      { id: 'e5', source: 'bus', target: 'out', config: { topic: 'orders.#', durable: false } },
    ],
  };
}

/** Validates, expecting failure; returns the errors. */
function errorsOf(value: unknown): ValidationError[] {
  const r = validateTopology(value);
  if (r.ok) throw new Error('expected the topology to be refused');
  return r.errors;
}

function textErrors(text: string): ValidationError[] {
  const r = validateTopologyText(text);
  if (r.ok) throw new Error('expected the text to be refused');
  return r.errors;
}

/** Applies `change` to a fresh valid topology and returns the one error it must cause. */
function oneError(change: (t: Topology & Record<string, unknown>) => void): ValidationError {
  const t = base() as Topology & Record<string, unknown>;
  change(t);
  const errors = errorsOf(t);
  expect(errors, JSON.stringify(errors)).toHaveLength(1);
  return errors[0];
}

afterEach(() => vi.restoreAllMocks());

describe('validateTopology', () => {
  it('accepts a valid topology as written (no defaults added), and text round-trips', () => {
    const t = base();
    const r = validateTopology(t);
    expect(r).toEqual({ ok: true, topology: t });
    const back = validateTopologyText(serializeTopology(t));
    expect(back.ok && back.topology).toEqual(t);
    expect(validateTopology(emptyTopology()).ok).toBe(true);
  });

  it('E110 unknown fields, at the top, in a node, in a node config and in an edge config', () => {
    expect(oneError((t) => (t.extra = 1))).toMatchObject({ code: 'E110', path: 'extra' });
    expect(oneError((t) => ((t.nodes[2] as Record<string, unknown>).colour = 'red'))).toMatchObject({ code: 'E110', path: 'nodes[2].colour', nodeId: 'work' });
    expect(oneError((t) => (t.nodes[1].config = { capacity: 5, bogus: true }))).toMatchObject({ code: 'E110', path: 'nodes[1].config.bogus', nodeId: 'queue' });
    expect(oneError((t) => (t.edges[4].config = { topic: '#', qos: 1 }))).toMatchObject({ code: 'E110', path: 'edges[4].config.qos', edgeId: 'e5' });
  });

  it('E120 unknown kinds', () => {
    expect(oneError((t) => (t.nodes[5].kind = 'teleporter'))).toMatchObject({ code: 'E120', path: 'nodes[5].kind', nodeId: 'out' });
  });

  it('E121 duplicate ids, between nodes and between a node and an edge', () => {
    expect(oneError((t) => t.nodes.push({ id: 'out', kind: 'sink' }))).toMatchObject({ code: 'E121', path: 'nodes[6].id', nodeId: 'out' });
    expect(oneError((t) => (t.edges[1].id = 'queue'))).toMatchObject({ code: 'E121', path: 'edges[1].id', edgeId: 'queue' });
  });

  it('E122 out-of-range or wrong config values, with the path into the config', () => {
    expect(oneError((t) => (t.nodes[1].config = { capacity: 0 }))).toMatchObject({ code: 'E122', path: 'nodes[1].config.capacity', nodeId: 'queue' });
    expect(oneError((t) => (t.nodes[0].config = { rate: -3 }))).toMatchObject({ code: 'E122', path: 'nodes[0].config.rate', nodeId: 'src' });
    expect(oneError((t) => (t.nodes[2].config = { serviceTime: { dist: 'uniform', min: 5, max: 1 } }))).toMatchObject({
      code: 'E122',
      path: 'nodes[2].config.serviceTime.max',
      nodeId: 'work',
    });
    expect(oneError((t) => (t.nodes[1].config = { overflow: 'explode' }))).toMatchObject({ code: 'E122', path: 'nodes[1].config.overflow' });
  });

  it('E130 edges to or from missing nodes', () => {
    expect(oneError((t) => (t.edges[1].target = 'ghost'))).toMatchObject({ code: 'E130', path: 'edges[1].target', edgeId: 'e2' });
    expect(oneError((t) => (t.edges[0].source = 'nobody'))).toMatchObject({ code: 'E130', path: 'edges[0].source', edgeId: 'e1' });
  });

  it('E131 ports a kind does not have, on either end', () => {
    const e = oneError((t) => (t.edges[1].sourcePort = 'side'));
    expect(e).toMatchObject({ code: 'E131', path: 'edges[1].sourcePort', edgeId: 'e2' });
    expect(e.message).toContain('"out", "dead-letter"');
    expect(oneError((t) => (t.edges[1].targetPort = 'control'))).toMatchObject({ code: 'E131', path: 'edges[1].targetPort', edgeId: 'e2' });
    const none = oneError((t) => t.edges.push({ id: 'e9', source: 'dlq', target: 'out' }));
    expect(none).toMatchObject({ code: 'E131', path: 'edges[5].sourcePort', edgeId: 'e9' });
    expect(none.message).toContain('has no output ports');
    const noInput = oneError((t) => t.edges.push({ id: 'e9', source: 'queue', target: 'src' }));
    expect(noInput).toMatchObject({ code: 'E131', path: 'edges[5].targetPort', edgeId: 'e9' });
    expect(noInput.message).toContain('takes no input');
  });

  it('E132 invalid edge config, or config on an edge whose source takes none', () => {
    expect(oneError((t) => (t.edges[4].config = { topic: 'orders..x' }))).toMatchObject({ code: 'E132', path: 'edges[4].config.topic', edgeId: 'e5' });
    expect(oneError((t) => (t.edges[1].config = { topic: '#' }))).toMatchObject({ code: 'E132', path: 'edges[1].config', edgeId: 'e2' });
  });

  it('E133 two edges on a one-connection port', () => {
    expect(oneError((t) => t.edges.push({ id: 'e6', source: 'src', target: 'out' }))).toMatchObject({ code: 'E133', path: 'edges[5]', edgeId: 'e6' });
    // a channel's consumers compete: many edges are fine
    const t = base();
    t.edges.push({ id: 'e6', source: 'queue', target: 'out' });
    expect(validateTopology(t).ok).toBe(true);
  });

  it('E111 wrong types and E112 missing fields in the file shape, with node ids', () => {
    expect(oneError((t) => ((t.nodes[0] as Record<string, unknown>).label = 5))).toMatchObject({ code: 'E111', path: 'nodes[0].label', nodeId: 'src' });
    expect(oneError((t) => delete (t as Record<string, unknown>).name)).toMatchObject({ code: 'E112', path: 'name' });
    expect(oneError((t) => (t.nodes[0].id = 'has space'))).toMatchObject({ code: 'E111', path: 'nodes[0].id' });
  });

  it('reports every problem at once', () => {
    const t = base();
    t.nodes[1].config = { capacity: -1 };
    t.nodes[5].kind = 'nope';
    t.edges[0].target = 'ghost';
    expect(errorsOf(t).map((e) => e.code).sort()).toEqual(['E120', 'E122', 'E130']);
  });

  it('E103 __proto__, constructor and prototype keys anywhere', () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const text = serializeTopology(base()).replace('"capacity": 100', `"capacity": 100, "${key}": { "polluted": true }`);
      const errors = textErrors(text);
      expect(errors).toEqual([expect.objectContaining({ code: 'E103', path: `nodes[1].config.${key}` })]);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const payload = JSON.parse('{"__proto__": {"x": 1}}') as Record<string, unknown>;
    const t = base();
    t.nodes[0].config = { message: { payload } } as Record<string, unknown>;
    expect(errorsOf(t)).toEqual([expect.objectContaining({ code: 'E103', path: 'nodes[0].config.message.payload.__proto__' })]);
  });

  it('E104 wrong format; E105 newer versions; E106 bad versions', () => {
    expect(oneError((t) => ((t as Record<string, unknown>).format = 'something-else'))).toMatchObject({ code: 'E104', path: 'format' });
    expect(errorsOf([1, 2])[0].code).toBe('E104');
    expect(errorsOf(null)[0].code).toBe('E104');
    expect(errorsOf({ nodes: [] })[0].code).toBe('E104');
    const newer = oneError((t) => ((t as Record<string, unknown>).version = 2));
    expect(newer).toMatchObject({ code: 'E105', path: 'version' });
    expect(newer.message).toContain('made by a newer version');
    expect(oneError((t) => ((t as Record<string, unknown>).version = 0)).code).toBe('E106');
    expect(oneError((t) => ((t as Record<string, unknown>).version = '1')).code).toBe('E106');
    expect(oneError((t) => ((t as Record<string, unknown>).version = 1.5)).code).toBe('E106');
  });

  it('E102 refuses 10,000-deep nesting in data without recursing', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = { a: deep };
    const t = base();
    t.nodes[0].config = { message: { payload: deep } } as Record<string, unknown>;
    const errors = errorsOf(t);
    expect(errors).toHaveLength(1);
    expect(errors[0].code).toBe('E102');
  });
});

describe('validateTopologyText', () => {
  it('E100 bad JSON with line and column, whatever the parser says', () => {
    const good = serializeTopology(base());
    const cases: [string, string, number, number][] = [
      // [text, description, line, column]
      ['{"a": }', 'a value expected', 1, 7],
      ['{\n  "a": 1,\n  "b": tru\n}', 'a broken literal', 3, 11],
      ['{"a" 1}', 'a missing colon', 1, 6],
      ['{"a": 1', 'the end too early', 1, 8],
      ['[1,]', 'a trailing comma', 1, 4],
      ['{"a": 1} x', 'text after the value', 1, 10],
      ['', 'an empty file', 1, 1],
      [good.replace('"name": "orders"', '"name": "orders",,'), 'a double comma in a real file', 4, 20],
    ];
    for (const [text, what, line, column] of cases) {
      const errors = textErrors(text);
      expect(errors, what).toHaveLength(1);
      expect(errors[0], what).toMatchObject({ code: 'E100', path: '', line, column });
      expect(formatError(errors[0], 'a.json')).toMatch(new RegExp(`^a\\.json:${line}:${column}: E100 invalid JSON`));
    }
  });

  it('E101 refuses files over the size limit without parsing them', () => {
    const parse = vi.spyOn(JSON, 'parse');
    const big = '{"pad": "' + 'x'.repeat(LIMITS.maxBytes) + '"}';
    const errors = textErrors(big);
    expect(errors).toEqual([expect.objectContaining({ code: 'E101', path: '' })]);
    expect(parse).not.toHaveBeenCalled();
  });

  it('E102 refuses 10,000-deep nesting without parsing it, with where', () => {
    const parse = vi.spyOn(JSON, 'parse');
    const errors = textErrors('['.repeat(10_000) + ']'.repeat(10_000));
    expect(errors).toEqual([expect.objectContaining({ code: 'E102', line: 1, column: LIMITS.maxDepth + 1 })]);
    expect(parse).not.toHaveBeenCalled();
    // brackets inside strings do not count
    const t = base();
    t.description = '['.repeat(1000);
    expect(validateTopologyText(serializeTopology(t)).ok).toBe(true);
  });

  it('passes valid text on to the checks of the data', () => {
    const t = base();
    t.nodes[1].config = { capacity: 0 };
    expect(textErrors(serializeTopology(t))).toEqual([expect.objectContaining({ code: 'E122', path: 'nodes[1].config.capacity', nodeId: 'queue' })]);
  });
});
