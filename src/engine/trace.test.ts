import { describe, expect, it } from 'vitest';
import type { Message } from '../model/message';
import { buildTopology, TestSimulation } from './testing/TestSimulation';
import { Outcome, Trace, type SpanColumns } from './trace';

/** A minimal message for recording spans directly. */
function msg(seq: number, root = seq): Message {
  return {
    id: `m${seq}`,
    seq,
    root,
    correlationId: `m${root}`,
    causationId: null,
    kind: 'event',
    type: 'T',
    headers: {},
    payload: null,
    createdAt: 0,
    expiresAt: null,
    priority: 4,
    hops: 1,
    arrivedAt: seq,
    deliveries: 0,
    deliveredBy: -1,
    failedAt: -1,
    deadLetterReason: null,
    deadLetterDetail: null,
    attempt: 0,
  } as Message;
}

const record = (t: Trace, n: number) => {
  for (let i = 1; i <= n; i++) t.record(msg(i), i % 3, i + 0.5, Outcome.Forwarded, 'out', null, 0);
};

/** A run with fan-out and failures, so that conversations have several spans. */
function busyTopology() {
  return buildTopology(
    {
      src: ['producer', { rate: 200, message: { type: 'orders.created' } }],
      bus: 'publish-subscribe',
      q: ['point-to-point', { capacity: 5, overflow: 'dead-letter' }],
      w: ['service-activator', { failureRate: 0.2, onFailure: 'nack' }],
      log: 'sink',
      dlq: 'dead-letter',
    },
    ['src -> bus', 'bus -> q', 'bus -> log', 'q -> w', 'q:dead-letter -> dlq'],
    { until: 5000 },
  );
}

describe('Trace', () => {
  it('keeps at most `capacity` spans, the newest; counts every span', () => {
    const t = new Trace({ capacity: 100, sample: 1 });
    record(t, 1000);
    expect(t.total).toBe(1000);
    expect(t.written).toBe(1000);
    expect(t.oldest).toBe(900);
    const all = t.since(0);
    expect(all.from).toBe(900);
    expect(all.count).toBe(100);
    expect(Array.from(all.msg)).toEqual(Array.from({ length: 100 }, (_, i) => 901 + i));
    expect(all.tOut[0]).toBe(901.5);
    expect(all.tIn[0]).toBe(901);
    expect(t.strings.values[all.port[0]]).toBe('out');
    expect(all.reason[0]).toBe(-1);
    // ring memory stays put however long the run
    record(t, 100_000);
    expect(t.since(0).count).toBe(100);
  });

  it('pages with since(cursor, max): pages join up to the whole buffer, and a cursor past the end is empty', () => {
    const t = new Trace({ capacity: 256, sample: 1 });
    record(t, 1000);
    const pages: SpanColumns[] = [];
    for (let cursor = 0; ; ) {
      const p = t.since(cursor, 50);
      if (p.count === 0) break;
      pages.push(p);
      cursor = p.from + p.count;
    }
    expect(pages[0].from).toBe(1000 - 256);
    expect(pages.flatMap((p) => Array.from(p.msg))).toEqual(Array.from(t.since(0).msg));
    expect(t.since(1000).count).toBe(0);
    expect(t.since(5000).count).toBe(0);
    expect(t.since(990, 5).from).toBe(990);
  });

  it('capacity 0 keeps nothing but still digests every span', () => {
    const a = new Trace({ capacity: 0, sample: 1 });
    const b = new Trace({ capacity: 10, sample: 1 });
    record(a, 50);
    record(b, 50);
    expect(a.since(0).count).toBe(0);
    expect(a.digest()).toBe(b.digest());
    expect(a.digest()).toMatch(/^[0-9a-f]{16}$/);
    expect(a.findMessage(3)).toBeNull();
  });

  it('the digest changes with any change of a span', () => {
    const base = new Trace({ capacity: 0, sample: 1 });
    record(base, 10);
    // the last span of `base` is (m10, node 1, out 10.5, forwarded, port out, edge 0); change one field each
    const variants: ((t: Trace) => void)[] = [
      (t) => t.record(msg(11), 1, 10.5, Outcome.Forwarded, 'out', null, 0),
      (t) => t.record(msg(10), 2, 10.5, Outcome.Forwarded, 'out', null, 0),
      (t) => t.record(msg(10), 1, 10.25, Outcome.Forwarded, 'out', null, 0),
      (t) => t.record(msg(10), 1, 10.5, Outcome.Completed, null, null, -1),
      (t) => t.record(msg(10), 1, 10.5, Outcome.Dropped, null, 'overflow', -1),
      (t) => t.record(msg(10), 1, 10.5, Outcome.FailedOver, 'dead-letter', 'expired', 0),
      (t) => t.record(msg(10), 1, 10.5, Outcome.Forwarded, 'out', null, 1),
    ];
    const same = new Trace({ capacity: 0, sample: 1 });
    record(same, 9);
    same.record(msg(10), 1, 10.5, Outcome.Forwarded, 'out', null, 0);
    expect(same.digest()).toBe(base.digest());
    const digests = new Set<string>();
    for (const v of variants) {
      const t = new Trace({ capacity: 0, sample: 1 });
      record(t, 9);
      v(t);
      digests.add(t.digest());
    }
    digests.add(base.digest());
    expect(digests.size).toBe(variants.length + 1);
  });

  it('findMessage returns the newest kept state of a message', () => {
    const t = new Trace({ capacity: 10, sample: 1 });
    const m = msg(5);
    t.record(m, 0, 1, Outcome.Forwarded, 'out', null, 0);
    expect(t.findMessage(5)).toBe(m);
    record(t, 20); // m is overwritten
    expect(t.findMessage(5)).toBeNull();
  });

  it('sampling keeps whole conversations and does not change the run or its digest', () => {
    const full = new TestSimulation(busyTopology(), { trace: { capacity: 1_000_000, sample: 1 } });
    const sampled = new TestSimulation(busyTopology(), { trace: { capacity: 1_000_000, sample: 0.3 } });
    const none = new TestSimulation(busyTopology(), { trace: { capacity: 0, sample: 1 } });
    const small = new TestSimulation(busyTopology(), { trace: { capacity: 100, sample: 0.5 } });
    const reports = [full, sampled, none, small].map((t) => t.run());
    for (const r of reports.slice(1)) expect(r).toEqual(reports[0]);
    const all = full.spans();
    const kept = sampled.spans();
    expect(sampled.sim.trace.total).toBe(all.count);
    expect(kept.count).toBeGreaterThan(all.count * 0.2);
    expect(kept.count).toBeLessThan(all.count * 0.4);
    // every span of a kept conversation is kept, in order, and no other
    const roots = new Set(Array.from(kept.root));
    const expected: number[] = [];
    for (let i = 0; i < all.count; i++) if (roots.has(all.root[i])) expected.push(all.msg[i]);
    expect(Array.from(kept.msg)).toEqual(expected);
    // copies made by the publish-subscribe channel share the root of the original
    expect(new Set(Array.from(all.root)).size).toBeLessThan(new Set(Array.from(all.msg)).size);
  });

  it('records outcomes, reasons, ports and edges of a real run', () => {
    const t = new TestSimulation(busyTopology(), { keepTrace: true });
    t.run();
    const s = t.spans();
    const seen = new Set<number>();
    for (let i = 0; i < s.count; i++) {
      seen.add(s.outcome[i]);
      if (s.outcome[i] === Outcome.FailedOver) {
        expect(t.sim.trace.strings.values[s.port[i]]).toBe('dead-letter');
        expect(s.reason[i]).toBeGreaterThanOrEqual(0);
      }
      if (s.outcome[i] === Outcome.Forwarded) expect(s.edge[i]).toBeGreaterThanOrEqual(0);
      expect(s.tOut[i]).toBeGreaterThanOrEqual(s.tIn[i]);
      expect(s.correlation[i]).toBe(`m${s.root[i]}`);
    }
    expect([...seen].sort()).toEqual([Outcome.Forwarded, Outcome.Completed, Outcome.FailedOver, Outcome.Stored, Outcome.Nacked].sort());
  });
});
