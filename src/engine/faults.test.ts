/**
 * Fault injection on a virtual clock: each edge and node fault does what it says inside its window and
 * nothing outside it, faults draw from their own random streams, the studio API lists and toggles them, and
 * — property-based over random fault schedules — every message stays accounted for and runs stay
 * determined by the seed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FaultSpec, InvariantSpec } from '../model/faults';
import type { Topology } from '../model/topology';
import { ensureFaults } from './hooks';
import { HOOK_BLOCKED } from './hookSites';
import { buildTopology, TestSimulation, type EdgeSpec, type NodeSpec } from './testing/TestSimulation';
import { Outcome } from './trace';

/** A producer of `count` messages, one every `gap` ms from t = 0. */
const every = (gap: number, count: number) =>
  ['producer', { rate: 1000 / gap, count, arrival: 'constant', message: { payload: { n: '{{seq}}' } } }] as const;
const constant = (value: number) => ({ dist: 'constant' as const, value });

function build(
  nodes: Record<string, NodeSpec>,
  edges: EdgeSpec[],
  faults: FaultSpec[] = [],
  invariants: InvariantSpec[] = [],
  settings: { seed?: number; until?: number; keepTrace?: boolean } = {},
): TestSimulation {
  const t: Topology = buildTopology(nodes, edges, { until: 10_000, seed: settings.seed });
  if (faults.length) t.faults = faults;
  if (invariants.length) t.invariants = invariants;
  return new TestSimulation(t, { keepTrace: settings.keepTrace ?? false, ...(settings.seed !== undefined ? { seed: settings.seed } : {}) });
}

/** The totals balance, what is alive is held somewhere, and per-edge counts match per-node counts. */
function expectAccounted(t: TestSimulation): void {
  const a = t.accounting();
  expect(a.inFlight).toBe(a.byNodes + a.inTransit);
  expect(a.deadLettered).toBe(a.stored);
  expect(a.produced + a.derived).toBe(a.completed + a.deadLettered + a.dropped + a.merged + a.inFlight);
  const r = t.report();
  const inbound = new Map<string, number>();
  const outbound = new Map<string, number>();
  for (const e of t.topology.edges) {
    const n = r.edges[e.id].messages;
    inbound.set(e.target, (inbound.get(e.target) ?? 0) + n);
    outbound.set(e.source, (outbound.get(e.source) ?? 0) + n);
  }
  for (const n of t.topology.nodes) {
    // messages still on an edge (scheduled, delayed, held) have been sent but not received yet
    expect(r.nodes[n.id].received, `${n.id} received`).toBeLessThanOrEqual(inbound.get(n.id) ?? 0);
    expect(r.nodes[n.id].emitted, `${n.id} emitted`).toBe(outbound.get(n.id) ?? 0);
  }
  if (a.inTransit === 0) for (const n of t.topology.nodes) expect(r.nodes[n.id].received).toBe(inbound.get(n.id) ?? 0);
}

/** Times at which messages completed at a node. */
function completions(t: TestSimulation, node: string): number[] {
  const s = t.spans();
  const i = t.indexOf(node);
  const out: number[] = [];
  for (let k = 0; k < s.count; k++) if (s.node[k] === i && s.outcome[k] === Outcome.Completed) out.push(s.tOut[k]);
  return out;
}

describe('edge faults', () => {
  it('drop: only inside its window, with reason fault, at the edge target', () => {
    const t = build({ p: every(100, 50), s: 'sink' }, ['p -> s'], [
      { id: 'lossy', target: { edge: 'e1' }, type: 'drop', probability: 1, at: 1000, for: 1000 },
    ]);
    const r = t.run();
    expect(r.totals.droppedByReason.fault).toBe(10); // sent at 1000, 1100, …, 1900
    expect(r.nodes.s.dropped).toBe(10);
    expect(r.nodes.s.completed).toBe(40);
    expect(r.faults![0]).toMatchObject({ affected: 10, activations: 1, active: false });
    expectAccounted(t);
  });

  it('duplicate: the edge carries a second copy with the same id', () => {
    const t = build({ p: every(10, 100), s: 'sink' }, ['p -> s'], [{ id: 'dup', target: { edge: 'e1' }, type: 'duplicate', probability: 1 }], [], {
      keepTrace: true,
    });
    const r = t.run();
    expect(r.nodes.s.completed).toBe(200);
    expect(r.totals).toMatchObject({ produced: 100, derived: 100 });
    const s = t.spans();
    const ids = new Set<number>();
    for (let k = 0; k < s.count; k++) if (s.outcome[k] === Outcome.Completed) ids.add(s.msg[k]);
    expect(ids.size).toBe(100);
    expectAccounted(t);
  });

  it('latency: adds a drawn delay to each message', () => {
    const t = build({ p: every(10, 100), s: 'sink' }, ['p -> s'], [
      { id: 'slow-link', target: { edge: 'e1' }, type: 'latency', delay: constant(250) },
    ]);
    const r = t.run();
    expect(r.totals.latency.mean).toBeCloseTo(250, 6);
    expect(r.totals.latency.max).toBeCloseTo(250, 6);
  });

  it('reorder: held-back messages are overtaken (the order invariant sees it)', () => {
    const order: InvariantSpec[] = [{ id: 'fifo', kind: 'order-per-key', at: 's', key: 'type' }];
    const plain = build({ p: every(10, 200), s: 'sink' }, ['p -> s'], [], order).run();
    expect(plain.invariants![0]).toMatchObject({ ok: true, checked: 200 });
    const t = build({ p: every(10, 200), s: 'sink' }, ['p -> s'], [
      { id: 'shuffle', target: { edge: 'e1' }, type: 'reorder', probability: 0.3, maxDelay: 100 },
    ], order);
    const r = t.run();
    expect(r.invariants![0].ok).toBe(false);
    expect(r.nodes.s.completed).toBe(200);
    expect(r.faults![0].affected).toBeGreaterThan(30);
  });

  it('partition: drops (or holds until it heals) everything sent over the edge meanwhile', () => {
    const drop = build({ p: every(100, 50), s: 'sink' }, ['p -> s'], [
      { id: 'cut', target: { edge: 'e1' }, type: 'partition', at: 1000, for: 500 },
    ]).run();
    expect(drop.totals.droppedByReason.fault).toBe(5);
    const t = build({ p: every(100, 50), s: 'sink' }, ['p -> s'], [
      { id: 'cut', target: { edge: 'e1' }, type: 'partition', mode: 'hold', at: 1000, for: 500 },
    ], [], { keepTrace: true });
    t.run(1499);
    expect(t.accounting().inTransit).toBe(5);
    expectAccounted(t);
    const r = t.run();
    expect(r.totals.dropped).toBe(0);
    expect(r.nodes.s.completed).toBe(50);
    expect(completions(t, 's').filter((x) => x === 1500)).toHaveLength(6); // the 5 held, and the one sent at 1500
    expect(r.totals.latency.max).toBe(500);
  });

  it('faults draw from their own streams: another fault does not change their draws, nor do they change the nodes’', () => {
    const nodes: Record<string, NodeSpec> = {
      a: ['producer', { rate: 100, count: 300 }],
      b: ['producer', { rate: 100, count: 300 }],
      w: ['service-activator', { serviceTime: { dist: 'exponential', mean: 5 }, concurrency: 4 }],
      sa: 'sink',
      sb: 'sink',
    };
    const edges = ['a -> w', 'w -> sa', 'b -> sb'];
    const one: FaultSpec = { id: 'one', target: { edge: 'e2' }, type: 'drop', probability: 0.5 };
    const two: FaultSpec = { id: 'two', target: { edge: 'e3' }, type: 'drop', probability: 0.3 };
    const r1 = build(nodes, edges, [one]).run();
    const r2 = build(nodes, edges, [one, two]).run();
    expect(r2.faults![0].affected).toBe(r1.faults![0].affected);
    expect(r2.nodes.sa.completed).toBe(r1.nodes.sa.completed);
    expect(r2.nodes.w.latency).toEqual(r1.nodes.w.latency);
    // a fault scheduled after the end changes nothing at all
    const none = build(nodes, edges).run();
    const late = build(nodes, edges, [{ ...one, at: 1e9 }]).run();
    expect(late.traceDigest).toBe(none.traceDigest);
  });
});

describe('node faults', () => {
  const queued = (faults: FaultSpec[], invariants: InvariantSpec[] = []) =>
    build(
      {
        p: every(20, 200),
        q: ['point-to-point', { maxDeliveries: 100 }],
        w: ['service-activator', { serviceTime: constant(15) }],
        s: 'sink',
      },
      ['p -> q', 'q -> w', 'w -> s'],
      faults,
      [{ id: 'all', kind: 'no-loss', from: 'p', to: 's' }, ...invariants],
      { keepTrace: true },
    );

  it('crash behind a channel: work in progress is returned (nacked) and redelivered after the restart; nothing is lost', () => {
    const t = queued([{ id: 'down', target: { node: 'w' }, type: 'crash', at: 1005, for: 1000 }]);
    t.run(1004);
    expect(t.sim.views()[t.indexOf('w')]!.state).toBeUndefined();
    t.run(1500);
    expect(t.sim.views()[t.indexOf('w')]!.state).toBe('crashed');
    expect(t.sim.hooks!.faults!.active().map((f) => f.id)).toEqual(['down']);
    expect(t.node('q').queue.depth).toBeGreaterThan(20); // the channel holds what it cannot deliver
    expect(completions(t, 's').filter((x) => x > 1005 && x < 2005)).toEqual([]);
    expectAccounted(t);
    const r = t.run();
    expect(r.faults![0].affected).toBe(1); // the message in service at 1005 ms
    expect(r.nodes.s.completed).toBe(200);
    expect(r.invariants![0].ok).toBe(true);
    expect(t.sim.views()[t.indexOf('w')]!.state).toBeUndefined();
    expectAccounted(t);
  });

  it('after the restart, once the timers of the dead process are gone, the fault layer no longer sees events of the node', () => {
    const t = queued([{ id: 'down', target: { node: 'w' }, type: 'crash', at: 1005, for: 1000 }]);
    const w = t.indexOf('w');
    t.run(1500); // the call in service at 1005 would have ended at 1015, while the node was down
    expect(t.sim.hookAt[w] & HOOK_BLOCKED).toBe(HOOK_BLOCKED);
    t.run(2100);
    expect(t.sim.hookAt[w] & HOOK_BLOCKED).toBe(0);
  });

  it('crash without a channel: arrivals and work in progress are lost (dropped as crash); the invariant says where', () => {
    const t = build({ p: every(20, 200), w: ['service-activator', { serviceTime: constant(15) }], s: 'sink' }, ['p -> w', 'w -> s'], [
      { id: 'down', target: { node: 'w' }, type: 'crash', at: 1005, for: 1000 },
    ], [{ id: 'all', kind: 'no-loss', from: 'p', to: 's' }]);
    const r = t.run();
    expect(r.totals.droppedByReason.crash).toBe(51); // in service at 1005, then arrivals at 1020 … 2000
    expect(r.nodes.s.completed).toBe(149);
    const inv = r.invariants![0];
    expect(inv).toMatchObject({ ok: false, violations: 51, pending: 0 });
    expect(inv.first[0]).toMatchObject({ message: 'm51', at: 1005 });
    expect(inv.first[0].detail).toContain('crash');
    expectAccounted(t);
  });


  it('a crashed service activator loses its queue and its calls backing off, and restarts empty', () => {
    // 2 workers, 20 ms calls that always fail once, then back off 10 ms; 6 messages at t = 0
    const t = build(
      {
        p: ['producer', { arrival: 'burst', burst: { size: 6, every: 1_000_000 }, count: 6 }],
        w: ['service-activator', { concurrency: 2, serviceTime: constant(20), failureRate: 1, retry: { maxAttempts: 2, backoff: 'fixed', delay: 10, jitter: 0 } }],
        s: 'sink',
      },
      ['p -> w', 'w -> s'],
      [{ id: 'down', target: { node: 'w' }, type: 'crash', at: 25, for: 10 }],
      [],
      { keepTrace: true },
    );
    t.run(24);
    expect(t.node('w')).toMatchObject({ busy: 2, queue: { depth: 4 } }); // the first two back off until 30; four wait
    t.run(30);
    expect(t.sim.views()[t.indexOf('w')]!.state).toBe('crashed');
    expect(t.report().totals.droppedByReason.crash).toBe(6);
    const r = t.run();
    expect(r.nodes.w.failed).toBe(2); // the retries due at 30 died with the process
    expect(r.totals.droppedByReason.crash).toBe(6);
    expect(t.sim.views()[t.indexOf('w')]!.figures).toMatchObject({ busy: 0, queued: 0 });
    expectAccounted(t);
  });
  it('a crashed producer stops, and starts afresh at restart', () => {
    const t = build({ p: ['producer', { rate: 10, arrival: 'constant' }], s: 'sink' }, ['p -> s'], [
      { id: 'down', target: { node: 'p' }, type: 'crash', at: 1050, for: 1000 },
    ], [], { keepTrace: true, until: 3000 });
    t.run();
    const times = completions(t, 's');
    expect(times.filter((x) => x > 1050 && x < 2050)).toEqual([]);
    expect(times.filter((x) => x >= 2050)[0]).toBe(2050); // constant arrivals start at once
    expectAccounted(t);
  });

  it('pause: events due at the node wait until it resumes, in order; nothing is lost', () => {
    const t = queued([{ id: 'gc', target: { node: 'w' }, type: 'pause', at: 1000, for: 500 }]);
    t.run(1400);
    expect(t.sim.views()[t.indexOf('w')]!.state).toBe('paused');
    expect(t.sim.hooks!.faults!.nodeState(t.indexOf('w'))).toBe('paused');
    expectAccounted(t);
    const r = t.run();
    const during = completions(t, 's').filter((x) => x > 1000 && x < 1500);
    expect(during).toEqual([]);
    expect(r.nodes.s.completed).toBe(200);
    expect(r.invariants![0].ok).toBe(true);
    expectAccounted(t);
  });

  it('pause without a channel: what arrives meanwhile is held back, counted as affected, and processed after', () => {
    const t = build({ p: every(20, 100), w: ['service-activator', { serviceTime: constant(5) }], s: 'sink' }, ['p -> w', 'w -> s'], [
      { id: 'gc', target: { node: 'w' }, type: 'pause', at: 1010, for: 500 },
    ]);
    const r = t.run();
    // arrivals at 1020, 1040, … 1500 wait for the resume at 1510
    expect(r.faults![0].affected).toBe(25);
    expect(r.nodes.s.completed).toBe(100);
    expectAccounted(t);
  });

  it('slow: the node takes `factor` times longer inside the window', () => {
    const t = build({ p: every(100, 50), w: ['service-activator', { serviceTime: constant(10) }], s: 'sink' }, ['p -> w', 'w -> s'], [
      { id: 'cpu', target: { node: 'w' }, type: 'slow', factor: 4, at: 1000, for: 1000 },
    ], [{ id: 'lat', kind: 'latency', at: 's', percentile: 100, under: 40 }], { keepTrace: true });
    const r = t.run();
    const e2e = completions(t, 's');
    expect(e2e).toContain(1040); // sent at 1000, served in 40 ms
    expect(e2e).toContain(2010); // after the window: 10 ms again
    expect(r.invariants![0]).toMatchObject({ ok: true });
    expect(r.invariants![0].observed).toBeCloseTo(40, 0);
  });

  it('slow: overlapping windows on two nodes each scale their own node, and end on their own', () => {
    const w = ['service-activator', { serviceTime: constant(10) }] as const;
    const t = build({ p: every(100, 40), w1: w, w2: w, s: 'sink' }, ['p -> w1', 'w1 -> w2', 'w2 -> s'], [
      { id: 'slow-1', target: { node: 'w1' }, type: 'slow', factor: 4, at: 1000, for: 1000 },
      { id: 'slow-2', target: { node: 'w2' }, type: 'slow', factor: 2, at: 1500, for: 1500 },
    ], [], { keepTrace: true });
    t.run();
    const done = completions(t, 's');
    expect(done).toContain(1840 + 20); // sent at 1800: 40 ms at w1, 20 at w2
    expect(done).toContain(2510 + 20); // sent at 2500: w1 back to 10 ms, w2 still slow
    expect(done).toContain(3100 + 20); // sent at 3100: both back to 10 ms
  });

  it('error: each arriving message fails with the probability — nacked to its channel, or dead-lettered', () => {
    const t = queued([{ id: 'flaky', target: { node: 'w' }, type: 'error', probability: 0.5, at: 0, for: 2000 }]);
    const r = t.run();
    expect(r.faults![0].affected).toBeGreaterThan(20);
    expect(r.nodes.w.failed).toBe(r.faults![0].affected);
    expect(r.nodes.s.completed).toBe(200); // every failure was redelivered
    const direct = build({ p: every(20, 100), w: 'service-activator', s: 'sink' }, ['p -> w', 'w -> s'], [
      { id: 'flaky', target: { node: 'w' }, type: 'error', probability: 1, at: 0, for: 1000 },
    ]).run();
    expect(direct.totals.droppedByReason.error).toBe(50);
  });
});

describe('the studio API', () => {
  it('lists active faults at now, switches them on and off, and adds new ones during a run', () => {
    const t = build({ p: every(100, 100), s: 'sink' }, ['p -> s'], [
      { id: 'cut', target: { edge: 'e1' }, type: 'partition', at: 1000, for: 1000 },
    ]);
    const faults = t.sim.hooks!.faults!;
    t.run(500);
    expect(faults.active()).toEqual([]);
    t.run(1000);
    expect(faults.active()).toEqual([{ id: 'cut', type: 'partition', target: { edge: 'e1' }, since: 1000 }]);
    expect(faults.setActive('cut', false)).toBe(true);
    expect(faults.active()).toEqual([]);
    t.run(3000);
    expect(faults.setActive('nope', true)).toBe(false);
    faults.add({ id: 'later', target: { node: 's' }, type: 'crash', for: 200 });
    t.run(3100);
    expect(faults.active().map((f) => [f.id, f.since])).toEqual([['later', 3000]]);
    const r = t.run();
    expect(faults.events().map((e) => `${e.at} ${e.id} ${e.on ? 'on' : 'off'}`)).toEqual([
      '1000 cut on',
      '1000 cut off',
      '3000 later on',
      '3200 later off',
    ]);
    expect(r.totals.droppedByReason.fault).toBe(1); // the message sent at 1000 ms, before the toggle
    expect(r.totals.droppedByReason.crash).toBe(1); // sent at 3100 ms (the one at 3000 ms arrived before the fault was added)
    expect(() => faults.add({ id: 'x', target: { node: 'missing' }, type: 'pause' })).toThrow(/no such node/);
    expectAccounted(t);
  });

  it('ensureFaults adds fault injection to a run whose file had none', () => {
    const t = build({ p: every(100, 30), s: 'sink' }, ['p -> s']);
    expect(t.sim.hooks).toBeNull();
    t.run(1000);
    ensureFaults(t.sim).add({ id: 'dup', target: { edge: 'e1' }, type: 'duplicate', probability: 1 });
    const r = t.run();
    expect(r.nodes.s.completed).toBe(30 + 19);
    expect(r.faults).toHaveLength(1);
  });
});

describe('property: faults never lose track of a message, and runs are determined by the seed', () => {
  const faultArb = fc.oneof(
    fc.record({ type: fc.constant('drop'), probability: fc.double({ min: 0, max: 1, noNaN: true }), edge: fc.integer({ min: 0, max: 3 }) }),
    fc.record({ type: fc.constant('duplicate'), probability: fc.double({ min: 0, max: 1, noNaN: true }), edge: fc.integer({ min: 0, max: 3 }) }),
    fc.record({ type: fc.constant('reorder'), probability: fc.double({ min: 0, max: 1, noNaN: true }), edge: fc.integer({ min: 0, max: 3 }) }),
    fc.record({ type: fc.constant('latency'), edge: fc.integer({ min: 0, max: 3 }), mean: fc.integer({ min: 1, max: 200 }) }),
    fc.record({ type: fc.constant('partition'), edge: fc.integer({ min: 0, max: 3 }), hold: fc.boolean() }),
    fc.record({ type: fc.constantFrom('crash', 'pause'), node: fc.constantFrom('p', 'q', 'w', 'dlq', 's') }),
    fc.record({ type: fc.constant('slow'), node: fc.constantFrom('q', 'w'), factor: fc.integer({ min: 1, max: 10 }) }),
    fc.record({ type: fc.constant('error'), node: fc.constantFrom('q', 'w', 's'), probability: fc.double({ min: 0, max: 1, noNaN: true }) }),
  );
  const toSpec = (f: Record<string, unknown>, i: number, at: number, length: number): FaultSpec => {
    const base = { id: `f${i}`, at, for: length };
    switch (f.type) {
      case 'latency':
        return { ...base, type: 'latency', target: { edge: `e${(f.edge as number) + 1}` }, delay: { dist: 'exponential', mean: f.mean as number } };
      case 'partition':
        return { ...base, type: 'partition', target: { edge: `e${(f.edge as number) + 1}` }, mode: f.hold ? 'hold' : 'drop' };
      case 'drop':
      case 'duplicate':
      case 'reorder':
        return { ...base, type: f.type, target: { edge: `e${(f.edge as number) + 1}` }, probability: f.probability as number };
      case 'slow':
        return { ...base, type: 'slow', target: { node: f.node as string }, factor: f.factor as number };
      case 'error':
        return { ...base, type: 'error', target: { node: f.node as string }, probability: f.probability as number };
      default:
        return { ...base, type: f.type as 'crash' | 'pause', target: { node: f.node as string } };
    }
  };

  it('holds for random schedules on a queued, retrying flow with dead letters', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.array(fc.tuple(faultArb, fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 1, max: 1500 })), { maxLength: 5 }),
        fc.integer({ min: 500, max: 6000 }),
        (seed, raw, stopAt) => {
          const faults = raw.map(([f, at, length], i) => toSpec(f, i, at, length));
          const make = () =>
            build(
              {
                p: ['producer', { rate: 80, count: 200 }],
                q: ['point-to-point', { capacity: 50, maxDeliveries: 3 }],
                w: ['service-activator', { concurrency: 2, serviceTime: { dist: 'exponential', mean: 20 }, failureRate: 0.1, onFailure: 'nack' }],
                s: 'sink',
                dlq: 'dead-letter',
              },
              ['p -> q', 'q -> w', 'w -> s', 'q:dead-letter -> dlq'],
              faults,
              [
                { id: 'all', kind: 'no-loss', from: 'p', to: 's' },
                { id: 'once', kind: 'exactly-once', at: 's', key: 'id' },
              ],
              { seed, until: 20_000 },
            );
          const t = make();
          t.run(stopAt); // mid-run, with messages held back by faults
          expectAccounted(t);
          const r = t.run();
          expectAccounted(t);
          const again = make().run();
          expect(again.traceDigest).toBe(r.traceDigest);
          expect(again.invariants).toEqual(r.invariants);
        },
      ),
      { numRuns: 60 },
    );
  });
});
