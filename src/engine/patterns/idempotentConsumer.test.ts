/**
 * The idempotent consumer in runs: duplicates dropped by key, keys released on failure, bounded store with
 * evictions and expiry, eager vs on-completion marking, and — property-based over random seeds and fault
 * schedules — exactly-once effects under injected duplicates, redeliveries and crashes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FaultSpec, InvariantSpec } from '../../model/faults';
import type { Topology } from '../../model/topology';
import { buildTopology, TestSimulation, type EdgeSpec, type NodeSpec } from '../testing/TestSimulation';

const ORDERS = (count: number, rate = 100) =>
  ['producer', { rate, count, arrival: 'constant', message: { type: 'Order', payload: { orderId: '{{seq}}' } } }] as const;

function build(
  nodes: Record<string, NodeSpec>,
  edges: EdgeSpec[],
  faults: FaultSpec[] = [],
  invariants: InvariantSpec[] = [],
  settings: { seed?: number; until?: number } = {},
): TestSimulation {
  const t: Topology = buildTopology(nodes, edges, { until: 20_000, ...settings });
  if (faults.length) t.faults = faults;
  if (invariants.length) t.invariants = invariants;
  return new TestSimulation(t, settings.seed !== undefined ? { seed: settings.seed } : {});
}

const stats = (t: TestSimulation, id = 'ic') =>
  t.action(id, 'stats') as { keys: number; processed: number; duplicates: number; failed: number; evicted: number; expired: number };

/** Every message accounted for: alive = held, and the totals balance. */
function expectAccounted(t: TestSimulation): void {
  const a = t.accounting();
  expect(a.inFlight).toBe(a.byNodes + a.inTransit);
  expect(a.deadLettered).toBe(a.stored);
  expect(a.produced + a.derived).toBe(a.completed + a.deadLettered + a.dropped + a.merged + a.inFlight);
}

describe('idempotent consumer', () => {
  it('drops duplicates by key, counted, and keeps exactly-once effects', () => {
    const t = build(
      { p: ORDERS(100), q: 'point-to-point', ic: ['idempotent-consumer', { key: 'payload.orderId' }], s: 'sink' },
      ['p -> q', 'q -> ic', 'ic -> s'],
      [{ id: 'dup', target: { edge: 'e2' }, type: 'duplicate', probability: 1 }],
      [{ id: 'once', kind: 'exactly-once', at: 's', key: 'payload.orderId' }],
    );
    const r = t.run();
    expect(r.nodes.s.completed).toBe(100);
    expect(stats(t)).toMatchObject({ processed: 100, duplicates: 100 });
    expect(r.totals.droppedByReason.duplicate).toBe(100);
    expect(r.invariants![0]).toMatchObject({ ok: true, checked: 100 });
    expectAccounted(t);
  });

  it('without it the same duplicates are processed twice (the invariant catches them)', () => {
    const t = build(
      { p: ORDERS(100), q: 'point-to-point', s: 'sink' },
      ['p -> q', 'q -> s'],
      [{ id: 'dup', target: { edge: 'e2' }, type: 'duplicate', probability: 1 }],
      [{ id: 'once', kind: 'exactly-once', at: 's', key: 'payload.orderId' }],
    );
    const r = t.run();
    expect(r.nodes.s.completed).toBe(200);
    expect(r.invariants![0]).toMatchObject({ ok: false, violations: 100 });
  });

  it('releases the key of a failed processing, so the redelivery is processed', () => {
    const t = build(
      {
        p: ORDERS(200),
        q: ['point-to-point', { maxDeliveries: 1000 }],
        ic: ['idempotent-consumer', { key: 'payload.orderId', failureRate: 0.4, serviceTime: { dist: 'constant', value: 2 } }],
        s: 'sink',
      },
      ['p -> q', 'q -> ic', 'ic -> s'],
      [],
      [{ id: 'once', kind: 'exactly-once', at: 's', key: 'payload.orderId' }],
    );
    const r = t.run();
    expect(stats(t).failed).toBeGreaterThan(40);
    expect(stats(t).duplicates).toBe(0);
    expect(r.nodes.s.completed).toBe(200);
    expect(r.invariants![0].ok).toBe(true);
  });

  it('marks eagerly (on receipt): a duplicate that arrives while the first is in progress is dropped', () => {
    const nodes = (mark: string): Record<string, NodeSpec> => ({
      p: ORDERS(50, 5),
      q: 'point-to-point',
      ic: ['idempotent-consumer', { key: 'payload.orderId', mark, concurrency: 2, serviceTime: { dist: 'constant', value: 100 } }],
      s: 'sink',
    });
    const faults: FaultSpec[] = [{ id: 'dup', target: { edge: 'e2' }, type: 'duplicate', probability: 1 }];
    const inv: InvariantSpec[] = [{ id: 'once', kind: 'exactly-once', at: 'ic', key: 'payload.orderId' }];
    const eager = build(nodes('on-receipt'), ['p -> q', 'q -> ic', 'ic -> s'], faults, inv);
    const re = eager.run();
    expect(re.nodes.s.completed).toBe(50);
    expect(re.invariants![0].ok).toBe(true);
    // on completion, two workers take the message and its copy at once: both are processed
    const lazy = build(nodes('on-completion'), ['p -> q', 'q -> ic', 'ic -> s'], faults, inv);
    const rl = lazy.run();
    expect(rl.nodes.s.completed).toBe(100);
    expect(rl.invariants![0]).toMatchObject({ ok: false, violations: 50 });
  });

  it('keeps at most `capacity` keys: evictions are counted, and an evicted key is processed again', () => {
    const run = (capacity: number) => {
      const t = build(
        {
          p: ['producer', { rate: 50, count: 300, message: { payload: { k: '{{pick a b c d e f}}' } } }],
          ic: ['idempotent-consumer', { key: 'payload.k', store: { capacity } }],
          s: 'sink',
        },
        ['p -> ic', 'ic -> s'],
      );
      t.run();
      return stats(t);
    };
    const roomy = run(10);
    expect(roomy).toMatchObject({ processed: 6, duplicates: 294, evicted: 0, keys: 6 });
    const tight = run(3);
    expect(tight.evicted).toBeGreaterThan(10);
    expect(tight.processed).toBeGreaterThan(6);
    expect(tight.processed + tight.duplicates).toBe(300);
    expect(tight.keys).toBe(3);
  });

  it('forgets keys after their time to live (counted as expired)', () => {
    const run = (ttl?: number) => {
      const t = build(
        {
          p: ['producer', { rate: 20, count: 200, arrival: 'constant', message: { payload: { k: '{{pick a b}}' } } }],
          ic: ['idempotent-consumer', { key: 'payload.k', store: ttl ? { ttl } : {} }],
          s: 'sink',
        },
        ['p -> ic', 'ic -> s'],
      );
      t.run();
      return stats(t);
    };
    expect(run()).toMatchObject({ processed: 2, expired: 0 });
    const withTtl = run(1000); // 10 s of traffic: each key processed about once a second
    expect(withTtl.processed).toBeGreaterThanOrEqual(16);
    expect(withTtl.processed).toBeLessThanOrEqual(22);
    expect(withTtl.expired).toBe(withTtl.processed - withTtl.keys);
  });

  it('a crash releases in-progress keys (redeliveries are processed) and keeps completed ones when durable', () => {
    const run = (durable: boolean) => {
      const t = build(
        {
          p: ORDERS(100, 20),
          q: 'point-to-point',
          ic: ['idempotent-consumer', { key: 'payload.orderId', serviceTime: { dist: 'constant', value: 30 }, store: { durable } }],
          s: 'sink',
        },
        ['p -> q', 'q -> ic', 'ic -> s'],
        [
          // order 41 (at 2000 ms) is in service when the consumer crashes
          { id: 'down', target: { node: 'ic' }, type: 'crash', at: 2015, for: 500 },
          // the first second's orders reach the queue twice: a copy at once, the original 3 s late (after the crash)
          { id: 'dup', target: { edge: 'e1' }, type: 'duplicate', probability: 1, at: 0, for: 1000 },
          { id: 'late', target: { edge: 'e1' }, type: 'latency', delay: { dist: 'constant', value: 3000 }, at: 0, for: 1000 },
        ],
        [
          { id: 'once', kind: 'exactly-once', at: 'ic', key: 'payload.orderId' },
          { id: 'all', kind: 'no-loss', from: 'p', to: 's' },
        ],
      );
      const r = t.run();
      expectAccounted(t);
      return r;
    };
    const durable = run(true);
    expect(durable.faults!.find((f) => f.id === 'down')!.affected).toBeGreaterThan(0); // work in progress was lost
    expect(durable.invariants!.map((i) => i.ok)).toEqual([true, true]);
    expect(durable.nodes.s.completed).toBe(100);
    const volatile = run(false);
    expect(volatile.invariants![0].ok).toBe(false); // the late copies of orders done before the crash pass again
    expect(volatile.invariants![1].ok).toBe(true);
  });

  it('property: exactly-once effects and no loss under random duplicates, redeliveries and crashes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.double({ min: 0, max: 0.6, noNaN: true }),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.record({ at: fc.integer({ min: 0, max: 4000 }), for: fc.integer({ min: 1, max: 800 }) }), { maxLength: 3 }),
        (seed, dup, failureRate, concurrency, crashes) => {
          const faults: FaultSpec[] = [{ id: 'dup', target: { edge: 'e2' }, type: 'duplicate', probability: dup }];
          crashes.forEach((c, i) => faults.push({ id: `crash${i}`, target: { node: 'ic' }, type: 'crash', at: c.at, for: c.for }));
          const t = build(
            {
              p: ['producer', { rate: 60, count: 150, message: { payload: { orderId: '{{seq}}' } } }],
              q: ['point-to-point', { maxDeliveries: 1000 }],
              ic: [
                'idempotent-consumer',
                { key: 'payload.orderId', concurrency, failureRate, serviceTime: { dist: 'exponential', mean: 10 } },
              ],
              s: 'sink',
            },
            ['p -> q', 'q -> ic', 'ic -> s'],
            faults,
            [
              { id: 'once', kind: 'exactly-once', at: 's', key: 'payload.orderId' },
              { id: 'all', kind: 'no-loss', from: 'p', to: 's' },
            ],
            { seed, until: 60_000 },
          );
          const r = t.run();
          expect(r.invariants!.map((i) => [i.id, i.ok, i.first])).toEqual([
            ['once', true, []],
            ['all', true, []],
          ]);
          expect(r.nodes.s.completed).toBe(150);
          expectAccounted(t);
        },
      ),
      { numRuns: 40 },
    );
  });
});
