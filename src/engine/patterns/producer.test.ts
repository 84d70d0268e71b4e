import { describe, expect, it } from 'vitest';
import type { Message } from '../../model/message';
import { TestSimulation } from '../testing/TestSimulation';
import { Outcome } from '../trace';

/** Times at which messages completed at a node, in order. */
function completionTimes(t: TestSimulation, id: string): number[] {
  const spans = t.spans();
  const out: number[] = [];
  for (let i = 0; i < spans.count; i++) if (spans.node[i] === t.indexOf(id) && spans.outcome[i] === Outcome.Completed) out.push(spans.tOut[i]);
  return out;
}

/** Messages completed at a node, in order, with the time they completed (for short runs: lookups scan the trace). */
function completedAt(t: TestSimulation, id: string): { m: Message; at: number }[] {
  const spans = t.spans();
  const out: { m: Message; at: number }[] = [];
  for (let i = 0; i < spans.count; i++) {
    if (spans.node[i] === t.indexOf(id) && spans.outcome[i] === Outcome.Completed) out.push({ m: t.sim.trace.findMessage(spans.msg[i])!, at: spans.tOut[i] });
  }
  return out;
}

describe('producer', () => {
  it('poisson arrivals: the count matches the rate and the gaps are exponential (cv ≈ 1)', () => {
    const t = TestSimulation.of({ src: ['producer', { rate: 200 }], out: 'sink' }, ['src -> out'], { until: 200_000, keepTrace: true });
    const r = t.run();
    // 40,000 expected; Poisson sd = 200
    expect(Math.abs(r.totals.produced - 40_000)).toBeLessThan(1000);
    const times = completionTimes(t, 'out');
    const gaps = times.slice(1).map((x, i) => x - times[i]);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((a, b) => a + (b - mean) ** 2, 0) / gaps.length);
    expect(mean).toBeCloseTo(5, 1);
    expect(sd / mean).toBeGreaterThan(0.95);
    expect(sd / mean).toBeLessThan(1.05);
  });

  it('constant arrivals: exactly 1000/rate ms apart, first at startAt', () => {
    const t = TestSimulation.of({ src: ['producer', { rate: 4, arrival: 'constant', startAt: 100 }], out: 'sink' }, ['src -> out'], { until: 1000, keepTrace: true });
    t.run();
    expect(completionTimes(t, 'out')).toEqual([100, 350, 600, 850]);
  });

  it('burst arrivals: size messages every `every` ms', () => {
    const t = TestSimulation.of(
      { src: ['producer', { arrival: 'burst', burst: { size: 3, every: 500 } }], out: 'sink' },
      ['src -> out'],
      { until: 1200, keepTrace: true },
    );
    t.run();
    expect(completionTimes(t, 'out')).toEqual([0, 0, 0, 500, 500, 500, 1000, 1000, 1000]);
  });

  it('count limit: stops after count messages, also in the middle of a burst; count 0 makes none', () => {
    const run = (config: Record<string, unknown>) => TestSimulation.of({ src: ['producer', config], out: 'sink' }, ['src -> out'], { until: 100_000 }).run();
    expect(run({ rate: 100, count: 7 }).totals.produced).toBe(7);
    expect(run({ arrival: 'burst', burst: { size: 4, every: 10 }, count: 10 }).totals.produced).toBe(10);
    expect(run({ rate: 100, count: 0 }).totals.produced).toBe(0);
  });

  it('startAt: a poisson producer makes nothing before it', () => {
    const t = TestSimulation.of({ src: ['producer', { rate: 1000, startAt: 5000 }], out: 'sink' }, ['src -> out'], { until: 10_000, keepTrace: true });
    t.run(4999);
    expect(t.accounting().produced).toBe(0);
    t.run();
    const done = completionTimes(t, 'out');
    expect(done.length).toBeGreaterThan(4000);
    expect(done[0]).toBeGreaterThan(5000);
  });

  it('fills template placeholders per message: seq, randInt, pick, uuid, now; static parts kept', () => {
    const t = TestSimulation.of(
      {
        src: [
          'producer',
          {
            rate: 10,
            arrival: 'constant',
            count: 200,
            message: {
              kind: 'event',
              type: 'OrderPlaced',
              headers: { region: '{{pick eu us}}', n: '{{seq}}', fixed: 'x' },
              payload: { order: '{{seq}}', sku: 'A-{{randInt 1 3}}', qty: '{{randInt 5 6}}', color: '{{pick red green blue}}', id: '{{uuid}}', at: '{{now}}', tags: ['t', '{{seq}}'] },
              priority: 7,
              ttl: 60_000,
            },
          },
        ],
        out: 'sink',
      },
      ['src -> out'],
      { until: 100_000, keepTrace: true },
    );
    t.run();
    const msgs = completedAt(t, 'out').map((x) => x.m);
    expect(msgs).toHaveLength(200);
    const uuids = new Set<string>();
    msgs.forEach((m, i) => {
      const p = m.payload as Record<string, unknown>;
      expect(m.kind).toBe('event');
      expect(m.type).toBe('OrderPlaced');
      expect(m.priority).toBe(7);
      expect(m.expiresAt).toBe(m.createdAt + 60_000);
      expect(p.order).toBe(i + 1); // a lone numeric placeholder is a number
      expect(p.sku).toMatch(/^A-[123]$/);
      expect([5, 6]).toContain(p.qty);
      expect(['red', 'green', 'blue']).toContain(p.color);
      expect(p.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(p.at).toBe(m.createdAt);
      expect(p.tags).toEqual(['t', i + 1]);
      expect(['eu', 'us']).toContain(m.headers.region);
      expect(m.headers.n).toBe(String(i + 1)); // headers stay strings
      expect(m.headers.fixed).toBe('x');
      uuids.add(p.id as string);
    });
    expect(uuids.size).toBe(200);
    // every value of randInt and pick turns up
    expect(new Set(msgs.map((m) => (m.payload as Record<string, unknown>).sku)).size).toBe(3);
    expect(new Set(msgs.map((m) => (m.payload as Record<string, unknown>).color)).size).toBe(3);
  });

  it('a numeric header placeholder routes by topic as text (publish-subscribe on a header)', () => {
    const t = TestSimulation.of(
      {
        src: ['producer', { rate: 10, arrival: 'constant', count: 4, message: { headers: { topic: '{{seq}}' } } }],
        bus: ['publish-subscribe', { topicFrom: 'header' }],
        out: 'sink',
      },
      ['src -> bus', ['bus -> out', { topic: '*' }]],
    );
    expect(t.run().totals.completed).toBe(4);
  });

  it('blocks against a full channel (overflow block): nothing lost, and the producer slows to the consumer', () => {
    const t = TestSimulation.of(
      {
        src: ['producer', { rate: 1000, arrival: 'constant' }],
        q: ['point-to-point', { capacity: 5, overflow: 'block' }],
        w: ['service-activator', { serviceTime: { dist: 'constant', value: 10 } }],
      },
      ['src -> q', 'q -> w'],
      { until: 10_000 },
    );
    const r = t.run();
    expect(r.totals.dropped).toBe(0);
    expect(r.totals.deadLettered).toBe(0);
    // the worker serves 100/s; without blocking the producer would have made 10,000
    expect(r.nodes.w.completed).toBeGreaterThanOrEqual(999);
    expect(r.totals.produced).toBeLessThanOrEqual(r.nodes.w.completed + 5 + 1 + 1);
    expect(r.nodes.q.queue.maxDepth).toBeLessThanOrEqual(5);
    const a = t.accounting();
    expect(a.inFlight).toBe(a.byNodes + a.inTransit);
    expect(r.nodes.w.utilization).toBeGreaterThan(0.99);
  });

  it('a blocked burst keeps its order and resumes when room frees', () => {
    const t = TestSimulation.of(
      {
        src: ['producer', { arrival: 'burst', burst: { size: 10, every: 1000 }, count: 10, message: { payload: { n: '{{seq}}' } } }],
        q: ['point-to-point', { capacity: 2, overflow: 'block' }],
        w: ['service-activator', { serviceTime: { dist: 'constant', value: 1 } }],
      },
      ['src -> q', 'q -> w'],
      { until: 1000, keepTrace: true },
    );
    t.run();
    expect(completedAt(t, 'w').map((x) => (x.m.payload as { n: number }).n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(t.accounting().dropped).toBe(0);
  });
});
