import { describe, expect, it } from 'vitest';
import { TestSimulation } from '../testing/TestSimulation';
import { Outcome } from '../trace';

type DlqList = { total: number; byReason: Record<string, number>; items: { id: string; reason: string; origin: number; detail: string | null }[] };

/** `payload.n` of the messages completed at node `id`, in completion order. */
function completedNs(t: TestSimulation, id: string): number[] {
  const spans = t.spans();
  const out: number[] = [];
  for (let i = 0; i < spans.count; i++) {
    if (spans.node[i] === t.indexOf(id) && spans.outcome[i] === Outcome.Completed) out.push((t.sim.trace.findMessage(spans.msg[i])!.payload as { n: number }).n);
  }
  return out;
}

const numbered = (extra: Record<string, unknown> = {}, message: Record<string, unknown> = {}) =>
  ['producer', { rate: 1000, arrival: 'constant', ...extra, message: { payload: { n: '{{seq}}' }, ...message } }] as const;
const worker = (ms: number, extra: Record<string, unknown> = {}) => ['service-activator', { serviceTime: { dist: 'constant', value: ms }, ...extra }] as const;

describe('point-to-point channel', () => {
  it('delivers in FIFO order to a slow consumer', () => {
    const t = TestSimulation.of({ src: numbered({ count: 50 }), q: 'point-to-point', w: worker(5) }, ['src -> q', 'q -> w'], { keepTrace: true });
    t.run();
    expect(completedNs(t, 'w')).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    // the queue built up: 1 message/ms in, one per 5 ms out
    expect(t.node('q').queue.maxDepth).toBeGreaterThan(30);
  });

  it('full with overflow drop: drops new messages as overflow; capacity never exceeded', () => {
    const t = TestSimulation.of({ src: numbered({ count: 100 }), q: ['point-to-point', { capacity: 10, overflow: 'drop' }], w: worker(10) }, ['src -> q', 'q -> w']);
    const r = t.run();
    expect(r.nodes.q.queue.maxDepth).toBe(10);
    expect(r.totals.droppedByReason.overflow).toBe(r.totals.dropped);
    expect(r.totals.dropped).toBeGreaterThan(50);
    expect(r.totals.completed + r.totals.dropped).toBe(100);
  });

  it('full with overflow dead-letter: the dead-letter channel keeps them with reason and origin', () => {
    const t = TestSimulation.of(
      { src: numbered({ count: 40 }), q: ['point-to-point', { capacity: 5, overflow: 'dead-letter' }], w: worker(10), dlq: 'dead-letter' },
      ['src -> q', 'q -> w', 'q:dead-letter -> dlq'],
    );
    const r = t.run();
    const list = t.action('dlq', 'list', { limit: 1000 }) as DlqList;
    expect(list.total).toBeGreaterThan(20);
    expect(list.byReason).toEqual({ overflow: list.total });
    expect(list.items.every((i) => i.origin === t.indexOf('q') && i.reason === 'overflow')).toBe(true);
    expect(r.totals.deadLettered).toBe(list.total);
    expect(r.nodes.q.deadLettered).toBe(list.total);
    expect(r.totals.completed + r.totals.deadLettered).toBe(40);
  });

  it('full with overflow block: the producer waits; nothing is lost', () => {
    const t = TestSimulation.of({ src: numbered({ count: 100 }), q: ['point-to-point', { capacity: 3, overflow: 'block' }], w: worker(10) }, ['src -> q', 'q -> w'], { keepTrace: true });
    const r = t.run();
    expect(r.totals.completed).toBe(100);
    expect(r.nodes.q.queue.maxDepth).toBe(3);
    expect(completedNs(t, 'w')).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('round-robin spreads messages evenly over idle consumers; first-idle always picks the first', () => {
    const run = (dispatch: string) =>
      TestSimulation.of({ src: numbered({ count: 30 }), q: ['point-to-point', { dispatch }], a: 'sink', b: 'sink', c: 'sink' }, ['src -> q', 'q -> a', 'q -> b', 'q -> c']).run();
    const rr = run('round-robin');
    expect([rr.nodes.a.completed, rr.nodes.b.completed, rr.nodes.c.completed]).toEqual([10, 10, 10]);
    const fi = run('first-idle');
    expect([fi.nodes.a.completed, fi.nodes.b.completed, fi.nodes.c.completed]).toEqual([30, 0, 0]);
  });

  it('competing busy consumers share the load; each message goes to exactly one', () => {
    for (const dispatch of ['round-robin', 'first-idle']) {
      const t = TestSimulation.of(
        { src: ['producer', { rate: 250 }], q: ['point-to-point', { dispatch }], a: worker(10), b: worker(10), c: worker(10) },
        ['src -> q', 'q -> a', 'q -> b', 'q -> c'],
        { until: 20_000 },
      );
      const r = t.run();
      const served = [r.nodes.a.received, r.nodes.b.received, r.nodes.c.received];
      expect(served.reduce((x, y) => x + y, 0)).toBe(r.nodes.q.emitted);
      // 2.5 workers' worth of load: every consumer does a real share
      for (const s of served) expect(s).toBeGreaterThan(r.totals.produced / 6);
      if (dispatch === 'round-robin') for (const s of served) expect(Math.abs(s - r.totals.produced / 3)).toBeLessThan(r.totals.produced * 0.05);
    }
  });

  it('priority: higher priority first, FIFO within a level; without priority, plain FIFO', () => {
    const run = (priority: boolean) => {
      const t = TestSimulation.of(
        {
          low: ['producer', { arrival: 'burst', burst: { size: 5, every: 1000 }, count: 5, message: { priority: 1, payload: { n: '{{seq}}' } } }],
          high: ['producer', { arrival: 'burst', burst: { size: 5, every: 1000 }, count: 5, startAt: 1, message: { priority: 8, payload: { n: '1{{seq}}' } } }],
          q: ['point-to-point', { priority }],
          w: worker(10),
        },
        ['low -> q', 'high -> q', 'q -> w'],
        { keepTrace: true },
      );
      t.run();
      return completedNs(t, 'w').map(String);
    };
    // low #1 was already in service when the high ones arrived
    expect(run(true)).toEqual(['1', '11', '12', '13', '14', '15', '2', '3', '4', '5']);
    expect(run(false)).toEqual(['1', '2', '3', '4', '5', '11', '12', '13', '14', '15']);
  });

  it('dead-letters messages whose TTL passed while they waited, as expired', () => {
    const t = TestSimulation.of(
      { src: numbered({ arrival: 'burst', burst: { size: 4, every: 1000 }, count: 4 }, { ttl: 25 }), q: 'point-to-point', w: worker(10), dlq: 'dead-letter' },
      ['src -> q', 'q -> w', 'q:dead-letter -> dlq'],
    );
    const r = t.run();
    // served at 0, 10, 20 (waits ≤ 20 ms ≤ TTL 25); the fourth would start at 30 > 25
    expect(r.nodes.w.completed).toBe(3);
    const list = t.action('dlq', 'list') as DlqList;
    expect(list.byReason).toEqual({ expired: 1 });
    expect(list.items[0].origin).toBe(t.indexOf('q'));
    expect(r.totals.deadLettered).toBe(1);
  });

  it('redelivers a nacked message up to maxDeliveries, then dead-letters it as max-redeliveries', () => {
    const t = TestSimulation.of(
      {
        src: numbered({ count: 10 }),
        q: ['point-to-point', { maxDeliveries: 3 }],
        w: worker(1, { failureRate: 1, onFailure: 'nack' }),
        dlq: 'dead-letter',
      },
      ['src -> q', 'q -> w', 'q:dead-letter -> dlq'],
    );
    const r = t.run();
    expect(r.nodes.w.received).toBe(30);
    expect(r.nodes.w.failed).toBe(30);
    const list = t.action('dlq', 'list') as DlqList;
    expect(list.byReason).toEqual({ 'max-redeliveries': 10 });
    expect(list.items.every((i) => i.detail === 'delivered 3 times')).toBe(true);
  });

  it('a redelivered message succeeds when the consumer recovers (at-least-once, no loss)', () => {
    const t = TestSimulation.of(
      { src: numbered({ count: 2000 }), q: ['point-to-point', { maxDeliveries: 10 }], w: worker(0.1, { failureRate: 0.5, onFailure: 'nack' }), dlq: 'dead-letter' },
      ['src -> q', 'q -> w', 'q:dead-letter -> dlq'],
    );
    const r = t.run();
    expect(r.totals.completed + r.totals.deadLettered).toBe(2000);
    // P(10 failures in a row) ≈ 0.001: about 2 of 2000
    expect(r.totals.deadLettered).toBeLessThan(10);
    // each message is delivered 1/(1 − 0.5) = 2 times on average
    expect(r.nodes.w.received / 2000).toBeGreaterThan(1.9);
    expect(r.nodes.w.received / 2000).toBeLessThan(2.1);
  });

  it('counts deliveries per channel: a message that passed an earlier channel gets its full redeliveries here', () => {
    const t = TestSimulation.of(
      {
        src: numbered({ count: 5 }),
        first: ['point-to-point', { maxDeliveries: 2 }],
        ok: worker(1),
        second: ['point-to-point', { maxDeliveries: 2 }],
        bad: worker(1, { failureRate: 1, onFailure: 'nack' }),
      },
      ['src -> first', 'first -> ok', 'ok -> second', 'second -> bad'],
    );
    const r = t.run();
    expect(r.nodes.bad.received).toBe(10);
    expect(r.totals.droppedByReason['max-redeliveries']).toBe(5);
  });

  it('only the channel that delivered a message takes it back: a consumer further on cannot nack it there', () => {
    const t = TestSimulation.of(
      { src: numbered({ count: 3 }), q: 'point-to-point', a: worker(1), b: worker(1, { failureRate: 1, onFailure: 'nack' }) },
      ['src -> q', 'q -> a', 'a -> b'],
    );
    const r = t.run();
    // b could not nack (no channel delivered to it), so it dead-letters (dropped: no port connected)
    expect(r.nodes.a.received).toBe(3);
    expect(r.totals.droppedByReason).toEqual({ error: 3 });
  });

  it('holds messages when it has no consumer (accounted as held, not lost)', () => {
    const t = TestSimulation.of({ src: numbered({ count: 12 }), q: 'point-to-point' }, ['src -> q']);
    t.run();
    const a = t.accounting();
    expect(a.inFlight).toBe(12);
    expect(a.byNodes).toBe(12);
  });
});
