/**
 * The `faults` and `invariants` fields of the topology format: shapes, defaults, and the cross-checks
 * against the graph, each error with its code and path.
 */
import { describe, expect, it } from 'vitest';
import { faultSchema, invariantSchema } from './faults';
import { FORMAT, serializeTopology, validateTopology, validateTopologyText, type Topology } from './topology';

const base = (): Topology => ({
  format: FORMAT,
  version: 1,
  name: 'faults',
  nodes: [
    { id: 'p', kind: 'producer' },
    { id: 's', kind: 'sink' },
  ],
  edges: [{ id: 'e1', source: 'p', target: 's' }],
});

const errorsOf = (t: unknown) => {
  const r = validateTopology(t);
  return r.ok ? [] : r.errors.map((e) => ({ code: e.code, path: e.path }));
};

describe('faults in the file', () => {
  it('accepts every fault type on its kind of target, with defaults filled when run', () => {
    const t = base();
    t.faults = [
      { id: 'a', target: { edge: 'e1' }, type: 'latency', delay: { dist: 'exponential', mean: 20 } },
      { id: 'b', target: { edge: 'e1' }, type: 'drop', probability: 0.1, at: 100, for: 50 },
      { id: 'c', target: { edge: 'e1' }, type: 'duplicate', probability: 0.1 },
      { id: 'd', target: { edge: 'e1' }, type: 'reorder', probability: 0.1 },
      { id: 'e', target: { edge: 'e1' }, type: 'partition' },
      { id: 'f', target: { node: 's' }, type: 'crash', at: 10, for: 10 },
      { id: 'g', target: { node: 's' }, type: 'pause' },
      { id: 'h', target: { node: 's' }, type: 'slow' },
      { id: 'i', target: { node: 's' }, type: 'error', probability: 1 },
    ];
    expect(errorsOf(t)).toEqual([]);
    expect(faultSchema.parse(t.faults[3])).toMatchObject({ at: 0, maxDelay: 50 });
    expect(faultSchema.parse(t.faults[4])).toMatchObject({ mode: 'drop' });
    expect(faultSchema.parse(t.faults[7])).toMatchObject({ factor: 5 });
    // export → import is exact: defaults are not written into the file
    const again = validateTopologyText(serializeTopology(t));
    expect(again.ok && again.topology).toEqual(t);
  });

  it('refuses a fault on the wrong kind of target, bad values and unknown fields, with paths', () => {
    const t = base();
    t.faults = [
      { id: 'a', target: { node: 's' }, type: 'drop', probability: 0.1 } as never,
      { id: 'b', target: { edge: 'e1' }, type: 'duplicate', probability: 2 },
      { id: 'c', target: { node: 's' }, type: 'crash', for: 0 },
      { id: 'd', target: { node: 's' }, type: 'pause', colour: 'red' } as never,
    ];
    const errors = errorsOf(t);
    expect(errors).toContainEqual({ code: 'E110', path: 'faults[0].target.node' });
    expect(errors).toContainEqual({ code: 'E111', path: 'faults[1].probability' });
    expect(errors).toContainEqual({ code: 'E111', path: 'faults[2].for' });
    expect(errors).toContainEqual({ code: 'E110', path: 'faults[3].colour' });
  });

  it('cross-checks targets (E160) and ids (E121)', () => {
    const t = base();
    t.faults = [
      { id: 'a', target: { edge: 'nope' }, type: 'partition' },
      { id: 'a', target: { node: 'ghost' }, type: 'crash' },
    ];
    t.invariants = [
      { id: 'x', kind: 'no-loss', from: 'p', to: 'missing' },
      { id: 'x', kind: 'latency', at: 's', under: 10 },
    ];
    expect(errorsOf(t)).toEqual([
      { code: 'E160', path: 'faults[0].target.edge' },
      { code: 'E121', path: 'faults[1].id' },
      { code: 'E160', path: 'faults[1].target.node' },
      { code: 'E160', path: 'invariants[0].to' },
      { code: 'E121', path: 'invariants[1].id' },
    ]);
  });
});

describe('invariants in the file', () => {
  it('accepts each kind with its defaults', () => {
    expect(invariantSchema.parse({ id: 'a', kind: 'exactly-once', at: 's' })).toMatchObject({ key: 'correlationId', window: 1_000_000 });
    expect(invariantSchema.parse({ id: 'b', kind: 'latency', at: 's', under: 100 })).toMatchObject({ percentile: 99, measure: 'end-to-end' });
    expect(invariantSchema.parse({ id: 'c', kind: 'order-per-key', at: 's', key: 'payload.account' })).not.toHaveProperty('sequence');
  });

  it('refuses a missing bound, an unknown kind and a key that does not parse', () => {
    const t = base();
    t.invariants = [
      { id: 'a', kind: 'latency', at: 's' } as never,
      { id: 'b', kind: 'every-saga-terminates', at: 's' } as never,
      { id: 'c', kind: 'exactly-once', at: 's', key: 'headers[' },
    ];
    const errors = errorsOf(t);
    expect(errors).toContainEqual({ code: 'E112', path: 'invariants[0].under' });
    expect(errors.some((e) => e.path.startsWith('invariants[1]'))).toBe(true);
    expect(errors).toContainEqual({ code: 'E140', path: 'invariants[2].key' });
  });
});
