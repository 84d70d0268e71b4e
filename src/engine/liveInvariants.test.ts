/**
 * Live invariants (invariants.ts): what each kind accepts and rejects, the first offending messages, that
 * violations are seen while the run goes, the report fields — and the chaos example pair, whose invariants
 * fail without the resilience patterns and hold with them. (src/engine/invariants.test.ts is the engine's
 * property suite, a different thing.)
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FaultSpec, InvariantSpec } from '../model/faults';
import { validateTopology, validateTopologyText, type Topology } from '../model/topology';
import { buildReport } from './report';
import { Simulation } from './Simulation';
import { buildTopology, TestSimulation, type EdgeSpec, type NodeSpec } from './testing/TestSimulation';

const every = (gap: number, count: number, payload: Record<string, unknown> = { n: '{{seq}}' }) =>
  ['producer', { rate: 1000 / gap, count, arrival: 'constant', message: { type: 'Order', payload } }] as const;

function build(nodes: Record<string, NodeSpec>, edges: EdgeSpec[], invariants: InvariantSpec[], faults: FaultSpec[] = [], until = 10_000) {
  const t: Topology = buildTopology(nodes, edges, { until });
  t.invariants = invariants;
  if (faults.length) t.faults = faults;
  return new TestSimulation(t);
}

describe('no-loss', () => {
  const inv: InvariantSpec[] = [{ id: 'nl', kind: 'no-loss', from: 'p', to: 's' }];

  it('holds when every conversation arrives; conversations on their way are pending, not lost', () => {
    const t = build({ p: every(10, 100), w: ['service-activator', { serviceTime: { dist: 'constant', value: 500 }, concurrency: 100 }], s: 'sink' }, ['p -> w', 'w -> s'], inv);
    t.run(600);
    const mid = t.sim.hooks!.invariants!.results()[0];
    expect(mid).toMatchObject({ ok: true, checked: 61, pending: 50 }); // sent 0…600 ms; 11 have arrived
    const r = t.run();
    expect(r.invariants![0]).toMatchObject({ ok: true, checked: 100, pending: 0, violations: 0, first: [] });
  });

  it('accepts dead letters and explicit drops, but not injected losses nor completions elsewhere', () => {
    // a filter drops odd orders (explicit), a full channel dead-letters some (explicit)
    const explicit = build(
      {
        p: every(1, 300),
        f: ['message-filter', { when: 'payload.n % 2 == 0' }],
        q: ['point-to-point', { capacity: 5 }],
        w: ['service-activator', { serviceTime: { dist: 'constant', value: 5 } }],
        dlq: 'dead-letter',
        s: 'sink',
      },
      ['p -> f', 'f -> q', 'q -> w', 'w -> s', 'q:dead-letter -> dlq'],
      inv,
    ).run();
    expect(explicit.totals.droppedByReason.filtered).toBe(150);
    expect(explicit.totals.deadLettered).toBeGreaterThan(0);
    expect(explicit.invariants![0]).toMatchObject({ ok: true, checked: 300 });
    // a breaker's fallback to another sink: those conversations never reach s
    const elsewhere = build(
      {
        p: every(10, 50),
        b: ['circuit-breaker', { call: { serviceTime: { dist: 'constant', value: 1 }, failureRate: 1 }, minimumNumberOfCalls: 1000 }],
        s: 'sink',
        other: 'sink',
      },
      ['p -> b', 'b -> s', 'b:fallback -> other'],
      inv,
    ).run();
    expect(elsewhere.invariants![0]).toMatchObject({ ok: false, violations: 50 });
    expect(elsewhere.invariants![0].first[0].detail).toBe('completed at "other" without reaching "s"');
  });

  it('reports the first offending messages, found as they are lost', () => {
    const t = build({ p: every(100, 50), s: 'sink' }, ['p -> s'], inv, [
      { id: 'lossy', target: { edge: 'e1' }, type: 'drop', probability: 1, at: 2000, for: 300 },
    ]);
    t.run(2150);
    const live = t.sim.hooks!.invariants!.results()[0];
    expect(live.ok).toBe(false);
    expect(live.first.map((v) => [v.message, v.at])).toEqual([
      ['m21', 2000],
      ['m22', 2100],
    ]);
    expect(live.first[0].detail).toBe('dropped (fault) at "s": dropped on edge "e1" by fault "lossy"');
    expect(t.run().invariants![0].violations).toBe(3);
  });
});

describe('exactly-once', () => {
  it('flags a key processed twice at the node, with the first and the repeated message', () => {
    const t = build({ p: every(10, 20, { orderId: '{{seq}}' }), s: 'sink' }, ['p -> s'], [
      { id: 'once', kind: 'exactly-once', at: 's', key: 'payload.orderId' },
    ], [{ id: 'dup', target: { edge: 'e1' }, type: 'duplicate', probability: 1, at: 50, for: 20 }]);
    const r = t.run();
    expect(r.invariants![0]).toMatchObject({ ok: false, violations: 2, checked: 22 });
    expect(r.invariants![0].first).toEqual([
      { message: 'm6', at: 50, key: 6, detail: 'processed again at "s" (first as m6)' },
      { message: 'm7', at: 60, key: 7, detail: 'processed again at "s" (first as m7)' },
    ]);
  });

  it('counts processing, not arrival: a message that fails and is redelivered is processed once', () => {
    const t = build(
      {
        p: every(10, 100, { orderId: '{{seq}}' }),
        q: ['point-to-point', { maxDeliveries: 1000 }],
        w: ['service-activator', { failureRate: 0.5, onFailure: 'nack', serviceTime: { dist: 'constant', value: 1 } }],
        s: 'sink',
      },
      ['p -> q', 'q -> w', 'w -> s'],
      [{ id: 'once', kind: 'exactly-once', at: 'w', key: 'payload.orderId' }],
    );
    const r = t.run();
    expect(r.nodes.w.received).toBeGreaterThan(150);
    expect(r.invariants![0]).toMatchObject({ ok: true, checked: 100 });
  });

  it('reads a key as the message passes, though the message changes later', () => {
    // the breaker's fallback rewrites each message's payload in place after it has left x: x sees the
    // order's own key, the sink the fallback's
    const t = build(
      {
        p: every(1, 600, { k: '{{seq}}' }),
        x: 'point-to-point',
        b: ['circuit-breaker', { call: { serviceTime: { dist: 'constant', value: 1 }, failureRate: 1 }, fallback: 'reply', reply: { payload: { k: 'fallback' } } }],
        s: 'sink',
      },
      ['p -> x', 'x -> b', 'b -> s'],
      [
        { id: 'at-x', kind: 'exactly-once', at: 'x', key: 'payload.k' },
        { id: 'at-s', kind: 'exactly-once', at: 's', key: 'payload.k' },
      ],
    );
    const [atX, atS] = t.run().invariants!;
    expect(atX).toMatchObject({ ok: true, checked: 600, violations: 0 });
    expect(atS).toMatchObject({ ok: false, checked: 600, violations: 599 });
    expect(atS.first[0]).toMatchObject({ key: 'fallback', detail: 'processed again at "s" (first as m1)' });
  });

  it('remembers at most `window` keys', () => {
    const t = build({ p: every(10, 30, { k: '{{pick a b c d}}' }), s: 'sink' }, ['p -> s'], [
      { id: 'small', kind: 'exactly-once', at: 's', key: 'payload.k', window: 1 },
      { id: 'big', kind: 'exactly-once', at: 's', key: 'payload.k' },
    ]);
    const [small, big] = t.run().invariants!;
    expect(big.violations).toBe(26);
    expect(small.violations).toBeLessThan(big.violations);
  });
});

describe('order-per-key and latency', () => {
  it('order: per key, by a sequence expression', () => {
    const t = build({ p: every(10, 100, { account: '{{pick a b}}', v: '{{seq}}' }), s: 'sink' }, ['p -> s'], [
      { id: 'by-v', kind: 'order-per-key', at: 's', key: 'payload.account', sequence: 'number(payload.v)' },
    ], [{ id: 'shuffle', target: { edge: 'e1' }, type: 'reorder', probability: 0.5, maxDelay: 50, at: 300, for: 200 }]);
    const r = t.run();
    const inv = r.invariants![0];
    expect(inv.ok).toBe(false);
    expect(inv.checked).toBe(100);
    expect(inv.first[0].detail).toMatch(/^sequence \d+ arrived after \d+$/);
    expect(inv.first.every((v) => v.at >= 300 && v.at <= 550)).toBe(true);
  });

  it('order: whole-number keys (kept in a table) give the verdicts their text twins give (kept in a map)', () => {
    const flow = (key: string) =>
      build({ p: every(10, 300, { n: '{{randInt 0 3}}' }), s: 'sink' }, ['p -> s'], [
        { id: 'o', kind: 'order-per-key', at: 's', key },
      ], [{ id: 'shuffle', target: { edge: 'e1' }, type: 'reorder', probability: 0.5, maxDelay: 50, at: 300, for: 1500 }])
        .run()
        .invariants![0];
    // one key, three keyings: a small whole number (the table), a large one and text (the map)
    const [small, big, text] = ['payload.n', 'payload.n + 5000', '"k" + payload.n'].map(flow);
    expect(small.violations).toBeGreaterThan(5);
    expect(big.violations).toBe(small.violations);
    expect(text.violations).toBe(small.violations);
    expect(small.first.map((v) => v.detail)).toEqual(text.first.map((v) => v.detail));
  });

  it('latency: the percentile against the bound, end to end or at the node', () => {
    const flow = (under: number, measure: 'end-to-end' | 'node') =>
      build({ p: every(10, 100), w: ['service-activator', { serviceTime: { dist: 'uniform', min: 0, max: 8 } }], s: 'sink' }, ['p -> w', 'w -> s'], [
        { id: 'p99', kind: 'latency', at: measure === 'node' ? 'w' : 's', under, measure },
      ]).run().invariants![0];
    const ok = flow(8, 'end-to-end');
    expect(ok.ok).toBe(true);
    expect(ok.observed!).toBeGreaterThan(7);
    expect(ok.observed!).toBeLessThanOrEqual(8);
    const tight = flow(5, 'end-to-end');
    expect(tight).toMatchObject({ ok: false });
    expect(tight.violations).toBeGreaterThan(20);
    expect(tight.first[0].detail).toMatch(/ms > 5 ms$/);
    expect(flow(5, 'node').ok).toBe(false);
  });
});

describe('invariants in the run and its report', () => {
  it('adds `invariants` (and `faults`) to the report only when the topology has them', () => {
    const plain = TestSimulation.of({ p: every(10, 10), s: 'sink' }, ['p -> s']).run();
    expect('invariants' in plain).toBe(false);
    expect('faults' in plain).toBe(false);
  });

  it('refuses a key that is not an expression (E140, with its path)', () => {
    const t = buildTopology({ p: every(10, 10), s: 'sink' }, ['p -> s']);
    t.invariants = [{ id: 'bad', kind: 'exactly-once', at: 's', key: 'payload.(' }];
    const v = validateTopology(t);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.errors[0]).toMatchObject({ code: 'E140', path: 'invariants[0].key' });
    expect(() => new Simulation(t)).toThrow();
  });
});

describe('the chaos examples', () => {
  const run = (file: string) => {
    const v = validateTopologyText(readFileSync(resolve(__dirname, '../../public/examples', file), 'utf8'));
    if (!v.ok) throw new Error(JSON.stringify(v.errors));
    const sim = new Simulation(v.topology);
    sim.run();
    return { report: buildReport(sim), topology: v.topology };
  };

  it('share their flow and faults, and differ only in the two resilience patterns', () => {
    const plain = run('chaos-plain.json').topology;
    const resilient = run('chaos-resilient.json').topology;
    expect(resilient.faults).toEqual(plain.faults);
    expect(resilient.invariants).toEqual(plain.invariants);
    expect(resilient.edges).toEqual(plain.edges);
    const kinds = (t: Topology) => Object.fromEntries(t.nodes.map((n) => [n.id, n.kind]));
    expect(kinds(plain)).toMatchObject({ 'order-service': 'service-activator', shipping: 'service-activator' });
    expect(kinds(resilient)).toMatchObject({ 'order-service': 'transactional-outbox', shipping: 'idempotent-consumer' });
  });

  it('plain: orders are lost in the partition and duplicated orders are shipped twice', () => {
    const { report } = run('chaos-plain.json');
    const [noLoss, once] = report.invariants!;
    expect(noLoss).toMatchObject({ id: 'every-order-shipped', ok: false, pending: 0 });
    expect(noLoss.first[0].detail).toContain('broker-unreachable');
    expect(once).toMatchObject({ id: 'shipped-once', ok: false });
    expect(once.violations).toBeGreaterThan(10);
  });

  it('resilient: under the same faults every order is shipped, exactly once', () => {
    const { report } = run('chaos-resilient.json');
    expect(report.invariants!.map((i) => [i.id, i.ok, i.violations])).toEqual([
      ['every-order-shipped', true, 0],
      ['shipped-once', true, 0],
    ]);
    expect(report.nodes.shipped.completed).toBe(report.totals.produced);
    // the faults did strike: copies were dropped and publications lost and redone
    expect(report.totals.droppedByReason.duplicate).toBeGreaterThan(0);
    expect(report.totals.droppedByReason.fault).toBeGreaterThan(0);
    expect(report.faults!.every((f) => f.activations === 1)).toBe(true);
  });
});
