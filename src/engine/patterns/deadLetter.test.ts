import { describe, expect, it } from 'vitest';
import { TestSimulation } from '../testing/TestSimulation';
import type { DeadLetterEntry } from './deadLetter';

type List = { total: number; reprocessed: number; byReason: Record<string, number>; items: DeadLetterEntry[] };
const list = (t: TestSimulation, args: Record<string, unknown> = {}) => t.action('dlq', 'list', args) as List;

/** A burst of 10 into a channel of capacity 2 served by a slow worker: 7 overflow to the dead-letter channel. */
function overflowing(dlqConfig: Record<string, unknown> = {}) {
  return TestSimulation.of(
    {
      src: ['producer', { arrival: 'burst', burst: { size: 10, every: 100_000 }, count: 10, message: { type: 'Order', headers: { h: 'v' }, payload: { n: '{{seq}}' } } }],
      q: ['point-to-point', { capacity: 2, overflow: 'dead-letter' }],
      w: ['service-activator', { serviceTime: { dist: 'constant', value: 10 } }],
      dlq: ['dead-letter', dlqConfig],
    },
    ['src -> q', 'q -> w', 'q:dead-letter -> dlq'],
  );
}

describe('dead-letter channel', () => {
  it('counts reasons and records the node each message failed at', () => {
    const t = TestSimulation.of(
      {
        src: ['producer', { arrival: 'burst', burst: { size: 6, every: 1000 }, count: 6, message: { ttl: 15 } }],
        q: ['point-to-point', { capacity: 3, overflow: 'dead-letter' }],
        w: ['service-activator', { serviceTime: { dist: 'constant', value: 10 }, failureRate: 1 }],
        dlq: 'dead-letter',
      },
      ['src -> q', 'q -> w', 'q:dead-letter -> dlq', 'w:dead-letter -> dlq'],
    );
    const r = t.run();
    const l = list(t);
    // 1 in service + 3 queued; 2 overflow. In service: fails at 10 (error). Queued: #2 served at 10 fails
    // at 20; #3 and #4 would start at 20 > TTL 15: expired.
    expect(l.byReason).toEqual({ overflow: 2, error: 2, expired: 2 });
    expect(l.total).toBe(6);
    const q = t.indexOf('q');
    const w = t.indexOf('w');
    for (const item of l.items) expect(item.origin).toBe(item.reason === 'error' ? w : q);
    expect(l.items.filter((i) => i.reason === 'error').every((i) => i.detail === 'failed after 1 attempt')).toBe(true);
    expect(r.totals.deadLettered).toBe(6);
    expect(r.nodes.dlq.received).toBe(6);
  });

  it('lists newest first, with paging, payload as text and the envelope', () => {
    const t = overflowing();
    t.run(1);
    const all = list(t);
    expect(all.total).toBe(7);
    expect(all.items.map((i) => i.payload)).toEqual(['{"n":10}', '{"n":9}', '{"n":8}', '{"n":7}', '{"n":6}', '{"n":5}', '{"n":4}']);
    expect(all.items[0]).toMatchObject({ type: 'Order', kind: 'command', reason: 'overflow', headers: { h: 'v' }, at: 0 });
    expect(all.items[0].correlationId).toBe(all.items[0].id);
    const page = list(t, { offset: 2, limit: 3 });
    expect(page.items.map((i) => i.payload)).toEqual(['{"n":8}', '{"n":7}', '{"n":6}']);
    expect(page.total).toBe(7);
    expect(list(t, { offset: 100 }).items).toEqual([]);
  });

  it('reprocess sends one message back to the node it failed at, as a fresh delivery', () => {
    const t = overflowing();
    t.run(1000); // the channel has drained
    const before = list(t);
    const target = before.items[3];
    expect(t.action('dlq', 'reprocess', { id: target.id })).toEqual({ reprocessed: 1 });
    expect(t.action('dlq', 'reprocess', { id: 'm-none' })).toEqual({ reprocessed: 0 });
    const after = list(t);
    expect(after.total).toBe(6);
    expect(after.reprocessed).toBe(1);
    expect(after.items.map((i) => i.id)).not.toContain(target.id);
    expect(t.accounting().deadLettered).toBe(6);
    const r = t.run();
    expect(r.nodes.q.received).toBe(11); // 10 from the producer, 1 back from the dead-letter channel
    expect(r.nodes.w.completed).toBe(4);
    const a = t.accounting();
    expect(a.inFlight).toBe(0);
    expect(a.deadLettered).toBe(a.stored);
  });

  it('reprocessAll sends every message back; reprocessing until empty completes them all', () => {
    const t = overflowing();
    t.run(1000);
    expect(t.action('dlq', 'reprocessAll')).toEqual({ reprocessed: 7 });
    expect(list(t).total).toBe(0);
    // the channel (capacity 2) overflows again on the way back: the operator repeats until it is empty
    let rounds = 1;
    for (;;) {
      t.run(t.sim.now + 1000);
      if (list(t).total === 0) break;
      t.action('dlq', 'reprocessAll');
      rounds++;
    }
    // each round 3 fit (1 in service, 2 queued): 7 back → 4 overflow again → 1 overflows → none
    expect(rounds).toBe(3);
    expect(list(t).reprocessed).toBe(7 + 4 + 1);
    expect(t.accounting()).toMatchObject({ produced: 10, completed: 10, deadLettered: 0, inFlight: 0, dropped: 0 });
  });

  it('reprocessed messages lose their TTL: an expired message can complete on the second try', () => {
    const t = TestSimulation.of(
      {
        src: ['producer', { arrival: 'burst', burst: { size: 3, every: 100_000 }, count: 3, message: { ttl: 5 } }],
        q: 'point-to-point',
        w: ['service-activator', { serviceTime: { dist: 'constant', value: 10 } }],
        dlq: 'dead-letter',
      },
      ['src -> q', 'q -> w', 'q:dead-letter -> dlq'],
      { until: 1_000_000 },
    );
    t.run(500);
    expect(list(t).byReason).toEqual({ expired: 2 });
    t.action('dlq', 'reprocessAll');
    const r = t.run();
    expect(r.nodes.w.completed).toBe(3);
    expect(r.totals.deadLettered).toBe(0);
  });

  it('when full, evicts the oldest message as dropped overflow', () => {
    const t = overflowing({ capacity: 3 });
    const r = t.run();
    const l = list(t);
    expect(l.total).toBe(3);
    expect(l.items.map((i) => i.payload)).toEqual(['{"n":10}', '{"n":9}', '{"n":8}']);
    expect(r.totals.deadLettered).toBe(3);
    expect(r.totals.droppedByReason).toEqual({ overflow: 4 });
    expect(r.nodes.dlq.dropped).toBe(4);
    // the reason counts remember every message that came in
    expect(l.byReason).toEqual({ overflow: 7 });
    const a = t.accounting();
    expect(a.deadLettered).toBe(a.stored);
  });

  it('keeps a message that reaches it over a success edge (reason error) and completes it on reprocess', () => {
    const t = TestSimulation.of({ src: ['producer', { rate: 100, count: 2 }], dlq: 'dead-letter' }, ['src -> dlq']);
    t.run();
    expect(list(t).items.map((i) => [i.reason, i.origin])).toEqual([
      ['error', -1],
      ['error', -1],
    ]);
    t.action('dlq', 'reprocessAll');
    expect(t.accounting()).toMatchObject({ completed: 2, deadLettered: 0, inFlight: 0 });
  });

  it('rejects an unknown action', () => {
    const t = overflowing();
    expect(() => t.action('dlq', 'purge')).toThrow(/unknown action "purge"/);
  });
});
