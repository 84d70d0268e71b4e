import { describe, expect, it } from 'vitest';
import type { Message } from '../../model/message';
import { compileTopicPattern } from '../topic';
import { TestSimulation } from '../testing/TestSimulation';
import { Outcome } from '../trace';

const TYPES = ['orders', 'orders.created', 'orders.created.eu', 'orders.cancelled', 'payments.created', 'x'];

/** One producer per type, each making `n` messages of it. */
function producers(n: number): Record<string, readonly [string, Record<string, unknown>]> {
  return Object.fromEntries(TYPES.map((type, i) => [`p${i}`, ['producer', { rate: 100, arrival: 'constant', count: n, message: { type } }] as const]));
}

function completedMessages(t: TestSimulation, id: string): Message[] {
  const spans = t.spans();
  const out: Message[] = [];
  for (let i = 0; i < spans.count; i++) if (spans.node[i] === t.indexOf(id) && spans.outcome[i] === Outcome.Completed) out.push(t.sim.trace.findMessage(spans.msg[i])!);
  return out;
}

describe('topic patterns', () => {
  it.each([
    ['orders.created', 'orders.created', true],
    ['orders.created', 'orders.created.eu', false],
    ['orders.created', 'orders', false],
    ['orders.*', 'orders.created', true],
    ['orders.*', 'orders', false],
    ['orders.*', 'orders.created.eu', false],
    ['*.created', 'payments.created', true],
    ['orders.#', 'orders', true],
    ['orders.#', 'orders.created.eu', true],
    ['orders.#', 'ordersx', false],
    ['#.eu', 'orders.created.eu', true],
    ['#.eu', 'eu', true],
    ['orders.#.eu', 'orders.eu', true],
    ['orders.#.eu', 'orders.a.b.eu', true],
    ['orders.#.eu', 'orders.a.b.us', false],
    ['#', '', true],
    ['*', 'x', true],
    ['*', 'x.y', false],
  ])('%s matches %s: %s', (pattern, topic, expected) => {
    expect(compileTopicPattern(pattern)(topic)).toBe(expected);
  });
});

describe('publish-subscribe channel', () => {
  it('routes by exact, * and # subscriptions on the message type; each matching subscriber gets every message', () => {
    const t = TestSimulation.of(
      { ...producers(3), bus: 'publish-subscribe', exact: 'sink', star: 'sink', hash: 'sink', all: 'sink' },
      [...TYPES.map((_, i) => `p${i} -> bus`), ['bus -> exact', { topic: 'orders.created' }], ['bus -> star', { topic: 'orders.*' }], ['bus -> hash', { topic: 'orders.#' }], ['bus -> all', { topic: '#' }]],
    );
    const r = t.run();
    expect(r.nodes.exact.completed).toBe(3); // orders.created
    expect(r.nodes.star.completed).toBe(6); // orders.created, orders.cancelled
    expect(r.nodes.hash.completed).toBe(12); // orders, orders.created, orders.created.eu, orders.cancelled
    expect(r.nodes.all.completed).toBe(18);
    expect(r.totals.dropped).toBe(0);
  });

  it('gives each subscriber its own copy: distinct ids, same correlation; copies counted as derived', () => {
    const t = TestSimulation.of(
      { src: ['producer', { rate: 100, count: 10, message: { type: 'orders.created', payload: { a: 1 } } }], bus: 'publish-subscribe', a: 'sink', b: 'sink', c: 'sink' },
      ['src -> bus', 'bus -> a', 'bus -> b', ['bus -> c', { topic: 'orders.*' }]],
      { keepTrace: true },
    );
    const r = t.run();
    expect(r.totals).toMatchObject({ produced: 10, derived: 20, completed: 30, inFlight: 0 });
    const [a, b, c] = ['a', 'b', 'c'].map((id) => completedMessages(t, id));
    for (let i = 0; i < 10; i++) {
      const ids = new Set([a[i].id, b[i].id, c[i].id]);
      expect(ids.size).toBe(3);
      expect(b[i].correlationId).toBe(a[i].correlationId);
      expect(c[i].correlationId).toBe(a[i].correlationId);
      expect(c[i].payload).toEqual({ a: 1 });
      expect(c[i].type).toBe('orders.created');
    }
  });

  it('takes the topic from a header when configured', () => {
    const t = TestSimulation.of(
      {
        src: ['producer', { rate: 100, count: 20, message: { type: 'Ignored', headers: { route: '{{pick eu.orders us.orders eu.payments}}' } } }],
        bus: ['publish-subscribe', { topicFrom: 'header', topicHeader: 'route' }],
        eu: 'sink',
        orders: 'sink',
      },
      ['src -> bus', ['bus -> eu', { topic: 'eu.*' }], ['bus -> orders', { topic: '*.orders' }]],
      { keepTrace: true },
    );
    const r = t.run();
    const eu = completedMessages(t, 'eu').map((m) => m.headers.route);
    const orders = completedMessages(t, 'orders').map((m) => m.headers.route);
    expect(eu.every((x) => x.startsWith('eu.'))).toBe(true);
    expect(orders.every((x) => x.endsWith('.orders'))).toBe(true);
    expect(eu.length).toBeGreaterThan(0);
    expect(orders.length).toBeGreaterThan(0);
    // every route made here matches at least one subscription
    expect(r.totals.dropped).toBe(0);
    expect(eu.length + orders.length).toBeGreaterThan(20); // eu.orders went to both
  });

  it('a durable subscription queues copies for a busy subscriber; a non-durable one drops them', () => {
    const slow = ['service-activator', { serviceTime: { dist: 'constant', value: 10 } }] as const;
    const t = TestSimulation.of(
      { src: ['producer', { arrival: 'burst', burst: { size: 5, every: 1000 }, count: 5 }], bus: 'publish-subscribe', durable: slow, fleeting: slow },
      ['src -> bus', ['bus -> durable', { durable: true }], ['bus -> fleeting', { durable: false }]],
    );
    t.run(5);
    expect(t.node('bus').queue.depth).toBe(4); // the durable subscriber's backlog
    const r = t.run();
    expect(r.nodes.durable.completed).toBe(5);
    expect(r.nodes.fleeting.completed).toBe(1);
    expect(r.totals.droppedByReason).toEqual({ overflow: 4 });
    expect(r.nodes.bus.queue.depth).toBe(0);
  });

  it('drops a message no subscription matches as no-subscribers', () => {
    const t = TestSimulation.of(
      { src: ['producer', { rate: 100, count: 7, message: { type: 'payments.created' } }], bus: 'publish-subscribe', a: 'sink' },
      ['src -> bus', ['bus -> a', { topic: 'orders.#' }]],
    );
    const r = t.run();
    expect(r.totals.droppedByReason).toEqual({ 'no-subscribers': 7 });
    expect(r.nodes.bus.dropped).toBe(7);
  });

  it('with no subscriptions at all, every message is dropped as no-subscribers', () => {
    const r = TestSimulation.of({ src: ['producer', { rate: 100, count: 3 }], bus: 'publish-subscribe' }, ['src -> bus']).run();
    expect(r.totals.droppedByReason).toEqual({ 'no-subscribers': 3 });
  });
});
