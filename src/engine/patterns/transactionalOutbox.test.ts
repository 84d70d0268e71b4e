/**
 * The transactional outbox: commit order per aggregate, rollbacks, batches acknowledged by the broker, and —
 * property-based over random seeds, crash schedules and relay settings — every committed change published at
 * least once, and exactly once behind an idempotent consumer keyed on the outbox id.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FaultSpec, InvariantSpec } from '../../model/faults';
import type { Topology } from '../../model/topology';
import { buildTopology, TestSimulation, type NodeSpec } from '../testing/TestSimulation';
import { Outcome } from '../trace';

const OUTBOX_ID = 'headers["outbox-id"]';
const ORDER_KEPT: InvariantSpec = {
  id: 'order',
  kind: 'order-per-key',
  at: 's',
  key: 'headers.aggregate',
  sequence: 'number(headers["aggregate-version"])',
};

function flow(
  outbox: Record<string, unknown>,
  opts: { count?: number; faults?: FaultSpec[]; invariants?: InvariantSpec[]; seed?: number; dedupe?: boolean } = {},
): TestSimulation {
  const nodes: Record<string, NodeSpec> = {
    p: ['producer', { rate: 50, count: opts.count ?? 200, message: { type: 'PlaceOrder', payload: { customer: '{{randInt 1 5}}' } } }],
    q: ['point-to-point', { maxDeliveries: 1000 }],
    ob: ['transactional-outbox', { aggregate: 'payload.customer', eventType: 'OrderPlaced', ...outbox }],
    ev: 'point-to-point',
  };
  const edges = ['p -> q', 'q -> ob', 'ob -> ev'];
  if (opts.dedupe ?? true) {
    nodes.ic = ['idempotent-consumer', { key: OUTBOX_ID }];
    edges.push('ev -> ic', 'ic -> s');
  } else edges.push('ev -> s');
  nodes.s = 'sink';
  const t: Topology = buildTopology(nodes, edges, { until: 60_000, seed: opts.seed });
  if (opts.faults?.length) t.faults = opts.faults;
  if (opts.invariants?.length) t.invariants = opts.invariants;
  return new TestSimulation(t, { keepTrace: true, ...(opts.seed !== undefined ? { seed: opts.seed } : {}) });
}

const stats = (t: TestSimulation) =>
  t.action('ob', 'stats') as { pending: number; committed: number; rolledBack: number; published: number; republished: number };

function expectAccounted(t: TestSimulation): void {
  const a = t.accounting();
  expect(a.inFlight).toBe(a.byNodes + a.inTransit);
  expect(a.produced + a.derived).toBe(a.completed + a.deadLettered + a.dropped + a.merged + a.inFlight);
}

describe('transactional outbox', () => {
  it('publishes each committed change once, as an event with outbox headers, in commit order per aggregate', () => {
    const t = flow({}, { dedupe: false, invariants: [ORDER_KEPT, { id: 'once', kind: 'exactly-once', at: 's', key: OUTBOX_ID }] });
    const r = t.run();
    expect(stats(t)).toMatchObject({ committed: 200, published: 200, republished: 0, pending: 0 });
    expect(r.nodes.s.completed).toBe(200);
    expect(r.totals.merged).toBe(200); // each command lives on as its event once acknowledged
    expect(r.invariants!.every((i) => i.ok)).toBe(true);
    // the events: kind, type and headers
    const spans = t.spans();
    const i = Array.from(spans.outcome).findIndex((o, k) => o === Outcome.Completed && spans.node[k] === t.indexOf('s'));
    const ev = t.sim.trace.findMessage(spans.msg[i])!;
    expect(ev).toMatchObject({ kind: 'event', type: 'OrderPlaced' });
    expect(ev.headers['outbox-id']).toMatch(/^ob:\d+$/);
    expect(Number(ev.headers['aggregate-version'])).toBeGreaterThanOrEqual(1);
    expectAccounted(t);
  });

  it('publishes in batches on the poll interval: no more than batchSize per poll', () => {
    const t = flow({ serviceTime: { dist: 'constant', value: 1 }, relay: { pollInterval: 1000, batchSize: 5 } }, { count: 100 });
    t.run(5_500); // 5 polls
    expect(stats(t).published).toBe(25);
  });

  it('a rolled-back transaction writes nothing and returns the command for redelivery', () => {
    const t = flow({ failureRate: 0.3 }, { invariants: [{ id: 'all', kind: 'no-loss', from: 'p', to: 's' }] });
    const r = t.run();
    const s = stats(t);
    expect(s.rolledBack).toBeGreaterThan(30);
    expect(s).toMatchObject({ committed: 200, published: 200 });
    expect(r.invariants![0].ok).toBe(true);
  });

  it('a crash between publish and acknowledgement republishes after restart; the consumer drops the copies', () => {
    // publications at every 100 ms poll, acknowledged 80 ms later; the crash at 1050 ms catches a batch
    const faults: FaultSpec[] = [{ id: 'down', target: { node: 'ob' }, type: 'crash', at: 1050, for: 400 }];
    const invariants: InvariantSpec[] = [
      { id: 'all', kind: 'no-loss', from: 'p', to: 's' },
      { id: 'once', kind: 'exactly-once', at: 's', key: OUTBOX_ID },
      ORDER_KEPT,
    ];
    const relay = { pollInterval: 100, batchSize: 50, publishLatency: { dist: 'constant', value: 80 } };
    // seed 1: the batch the crash catches holds two changes of one aggregate, so its copies break the order
    const t = flow({ relay }, { faults, invariants, seed: 1 });
    const r = t.run();
    const s = stats(t);
    expect(s.republished).toBeGreaterThan(0);
    expect(s.committed).toBe(200);
    expect((t.action('ic', 'stats') as { duplicates: number }).duplicates).toBe(s.republished);
    expect(r.invariants!.map((i) => i.ok)).toEqual([true, true, true]);
    // without the consumer, the copies reach the sink: at least once, not exactly once, and out of order
    const plainSim = flow({ relay }, { faults, invariants, dedupe: false, seed: 1 });
    const plain = plainSim.run();
    expect(plain.invariants!.map((i) => i.ok)).toEqual([true, false, false]);
    expect(plain.invariants![1].violations).toBe(s.republished);
    // the order verdict is what the sink saw: a version that arrived after a newer one of its aggregate
    const spans = plainSim.spans();
    const newest = new Map<string, number>();
    let late = 0;
    for (let k = 0; k < spans.count; k++) {
      if (spans.outcome[k] !== Outcome.Completed || spans.node[k] !== plainSim.indexOf('s')) continue;
      const ev = plainSim.sim.trace.findMessage(spans.msg[k])!;
      const version = Number(ev.headers['aggregate-version']);
      const seen = newest.get(ev.headers.aggregate) ?? 0;
      if (version < seen) late++;
      else newest.set(ev.headers.aggregate, version);
    }
    expect(late).toBeGreaterThan(0);
    expect(plain.invariants![2].violations).toBe(late);
  });

  it('keeps a record whose publication a fault lost on the way, and publishes it again (publisher confirms)', () => {
    const t = flow(
      {},
      {
        faults: [{ id: 'cut', target: { edge: 'e3' }, type: 'partition', at: 1000, for: 500 }],
        invariants: [
          { id: 'all', kind: 'no-loss', from: 'p', to: 's' },
          { id: 'once', kind: 'exactly-once', at: 's', key: OUTBOX_ID },
        ],
      },
    );
    const r = t.run();
    expect(r.totals.droppedByReason.fault).toBeGreaterThan(0);
    expect(stats(t).republished).toBe(r.totals.droppedByReason.fault);
    expect(r.invariants!.map((i) => i.ok)).toEqual([true, true]);
    expect(r.nodes.s.completed).toBe(200);
  });

  it('property: across random crashes every committed change is published at least once, and exactly once behind an idempotent consumer', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.array(fc.record({ at: fc.integer({ min: 0, max: 4000 }), for: fc.integer({ min: 1, max: 1000 }) }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 10, max: 200 }),
        fc.integer({ min: 1, max: 150 }),
        (seed, crashes, concurrency, batchSize, pollInterval, ack) => {
          const faults: FaultSpec[] = crashes.map((c, i) => ({ id: `crash${i}`, target: { node: 'ob' }, type: 'crash', at: c.at, for: c.for }));
          const invariants: InvariantSpec[] = [
            { id: 'all', kind: 'no-loss', from: 'p', to: 's' },
            { id: 'once', kind: 'exactly-once', at: 's', key: OUTBOX_ID },
            ORDER_KEPT,
          ];
          const outbox = { concurrency, relay: { pollInterval, batchSize, publishLatency: { dist: 'constant', value: ack } } };
          const t = flow(outbox, { count: 150, seed, faults, invariants });
          const r = t.run();
          const s = stats(t);
          expect(s.committed).toBe(150);
          expect(s.pending).toBe(0);
          // at least once: every outbox id reached the consumer (it keeps the ids it processed)
          expect((t.action('ic', 'stats') as { keys: number }).keys).toBe(150);
          expect(r.invariants!.map((i) => [i.id, i.ok, i.first])).toEqual([
            ['all', true, []],
            ['once', true, []],
            ['order', true, []],
          ]);
          expect(r.nodes.s.completed).toBe(150);
          expectAccounted(t);
        },
      ),
      { numRuns: 40 },
    );
  });
});
