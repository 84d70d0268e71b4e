import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../model/kinds/eventSourcing';
import type { Message } from '../../model/message';
import type { NodeBehavior, NodeContext, PatternDefinition } from '../pattern';
import { PATTERNS } from './index';
import { expectBalanced, figuresOf, storeOf } from '../eventsourcing/testing';
import { TestSimulation } from '../testing/TestSimulation';

/** A sink that remembers what it received (for subscription tests). */
function recordingPatterns(received: Map<string, Message[]>) {
  const recorder: PatternDefinition = {
    kind: 'sink',
    create(ctx: NodeContext<never>): NodeBehavior {
      const list: Message[] = [];
      received.set(ctx.id, list);
      return {
        onMessage(m) {
          list.push(m);
          ctx.complete(m);
        },
      };
    },
  };
  return new Map([...PATTERNS, ['sink', recorder]]);
}

const deposits = (count: number, extra: Record<string, string> = {}) =>
  [
    'producer',
    {
      rate: 100,
      arrival: 'constant',
      count,
      message: {
        kind: 'event',
        type: 'Deposited',
        headers: { 'aggregate-id': 'acct-{{randInt 1 3}}', ...extra },
        payload: { amount: '{{randInt 1 9}}' },
      },
    },
  ] as const;

describe('event store node', () => {
  it('appends event messages to the stream named by the aggregate id and passes them on', () => {
    const t = TestSimulation.of({ src: deposits(50), store: 'event-store', ok: 'sink' }, [
      'src -> store',
      'store:appended -> ok',
    ]);
    const r = t.run();
    expect(r.nodes.ok.received).toBe(50);
    const store = storeOf(t);
    expect(store.head).toBe(50);
    expect(store.version('acct-1') + store.version('acct-2') + store.version('acct-3')).toBe(50);
    expect(figuresOf(t, 'store')).toMatchObject({ events: 50, streams: 3 });
    expectBalanced(t);
  });

  it('sends a conflict out of `conflict` with both versions', () => {
    const t = TestSimulation.of(
      { src: deposits(20, { 'expected-version': 'no-stream' }), store: 'event-store', dlq: 'dead-letter' },
      ['src -> store', 'store:conflict -> dlq'],
    );
    t.run();
    const list = t.action('dlq', 'list', { limit: 100 }) as {
      items: { headers: Record<string, string>; detail: string }[];
    };
    expect(list.items.length).toBe(17); // one append per stream succeeds
    const it0 = list.items[0];
    expect(it0.headers['expected-version']).toBe('no-stream');
    expect(Number(it0.headers['actual-version'])).toBeGreaterThan(0);
    expect(it0.detail).toMatch(/concurrency conflict on acct-\d: expected no-stream, actual \d+/);
    expectBalanced(t);
  });

  it('does not append an event id twice', () => {
    const t = TestSimulation.of(
      { src: deposits(60, { 'event-id': 'dep-{{randInt 1 5}}' }), store: 'event-store', ok: 'sink' },
      ['src -> store', 'store:appended -> ok'],
    );
    t.run();
    const store = storeOf(t);
    expect(store.head).toBe(5);
    expect(figuresOf(t, 'store').duplicates).toBe(55);
  });

  it('appends a batch message atomically, or not at all', () => {
    const batch = (events: unknown[], expected = 'any') => ({
      kind: 'event',
      type: 'Batch',
      headers: { 'aggregate-id': 'o-1', batch: 'true', 'expected-version': expected },
      payload: { events },
    });
    // constant arrivals: each producer's one message arrives at its startAt (0, 10, 20, 30), in that order
    const t = TestSimulation.of(
      {
        a: [
          'producer',
          {
            rate: 1,
            arrival: 'constant',
            count: 1,
            message: batch([
              { type: 'Placed', id: 'p1' },
              { type: 'Paid', id: 'p2' },
            ]),
          },
        ],
        b: [
          'producer',
          {
            rate: 1,
            arrival: 'constant',
            count: 1,
            startAt: 10,
            message: batch([
              { type: 'Shipped', id: 's1' },
              { type: 'Paid', id: 'p2' },
            ]),
          },
        ],
        c: [
          'producer',
          { rate: 1, arrival: 'constant', count: 1, startAt: 20, message: batch([{ type: 'Shipped', id: 's1' }], '1') },
        ],
        d: ['producer', { rate: 1, arrival: 'constant', count: 1, startAt: 30, message: batch([{ payload: 1 }]) }],
        store: 'event-store',
        bad: 'dead-letter',
        conflict: 'dead-letter',
      },
      ['a -> store', 'b -> store', 'c -> store', 'd -> store', 'store:conflict -> conflict'],
    );
    const r = t.run();
    const store = storeOf(t);
    expect(store.read('o-1').map((e) => [e.type, e.version])).toEqual([
      ['Placed', 1],
      ['Paid', 2],
    ]);
    expect(store.has('s1')).toBe(false);
    expect(r.nodes.conflict.received).toBe(2); // b (an id already stored) and c (expected 1, actual 2)
    expect(r.totals.droppedByReason.invalid).toBe(1); // d has no type
  });

  it('catch-up subscriptions get the seeded events first, then live ones; live ones only new events; filters apply', () => {
    const received = new Map<string, Message[]>();
    const t = new TestSimulation(
      TestSimulation.of({ src: deposits(10), store: 'event-store', cu: 'sink', live: 'sink', only: 'sink' }, [
        'src -> store',
        ['store:events -> cu', { from: 'catch-up' }],
        ['store:events -> live', { from: 'live' }],
        ['store:events -> only', { types: ['Opened'], streamPrefix: 'acct-9' }],
      ]).topology,
      { patterns: recordingPatterns(received) },
    );
    const seeded: StoredEvent[] = [1, 2, 3].map((i) => ({
      eventId: `old-${i}`,
      streamId: i === 3 ? 'acct-9' : 'acct-1',
      version: i === 3 ? 1 : i,
      position: i,
      type: i === 3 ? 'Opened' : 'Deposited',
      schemaVersion: 1,
      payload: { amount: 100 },
      time: 0,
      correlationId: 'old',
      causationId: null,
    }));
    t.action('store', 'seed', { events: seeded, snapshots: [], epoch: 4 });
    t.run();
    const positions = (id: string) => received.get(id)!.map((m) => Number(m.headers.position));
    expect(positions('cu')).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    expect(positions('live')).toEqual(Array.from({ length: 10 }, (_, i) => i + 4));
    expect(positions('only')).toEqual([3]);
    expect(received.get('cu')![0].headers).toMatchObject({
      'stream-id': 'acct-1',
      version: '1',
      'event-id': 'old-1',
    });
    // ids made in this run carry the new epoch
    expect(storeOf(t).at(4)!.eventId).toMatch(/^5:/);
    expectBalanced(t);
  });

  it('upcasts what it publishes and what it reads; temporal queries and replays', () => {
    const received = new Map<string, Message[]>();
    const t = new TestSimulation(
      TestSimulation.of(
        {
          src: deposits(9, { 'aggregate-id': 'a', 'schema-version': '1' }),
          store: [
            'event-store',
            { upcasters: [{ type: 'Deposited', from: 1, to: 2, set: { currency: '"EUR"' } }] },
          ],
          sub: 'sink',
        },
        ['src -> store', 'store:events -> sub'],
      ).topology,
      { patterns: recordingPatterns(received) },
    );
    t.run();
    const sub = received.get('sub')!;
    expect(sub).toHaveLength(9);
    expect(sub[0].payload).toMatchObject({ currency: 'EUR' });
    expect(sub[0].headers['schema-version']).toBe('2');
    const page = t.action('store', 'read', { streamId: 'a', fromVersion: 2, limit: 3 }) as {
      events: { version: number; upcastFrom?: number }[];
    };
    expect(page.events.map((e) => [e.version, e.upcastFrom])).toEqual([
      [2, 1],
      [3, 1],
      [4, 1],
    ]);
    expect(t.action('store', 'stateAt', { streamId: 'a', version: 3 })).toMatchObject({
      hasReducer: false,
      version: 3,
    });
    expect(t.action('store', 'streams', {})).toMatchObject({
      total: 1,
      head: 9,
      items: [{ streamId: 'a', version: 9, lastPosition: 9 }],
    });
    expect(t.action('store', 'replay', {})).toEqual({ replayed: 9 });
    t.run();
    expect(sub).toHaveLength(18);
    expect(sub[17].headers.replay).toBe('true');
    expectBalanced(t);
  });

  it('hands new appends to the worker once each (drainAppends)', () => {
    const t = TestSimulation.of({ src: deposits(30), store: 'event-store' }, ['src -> store']);
    t.run({ until: 150 });
    const first = t.action('store', 'drainAppends') as { events: StoredEvent[]; head: number };
    t.run();
    const second = t.action('store', 'drainAppends') as { events: StoredEvent[]; head: number };
    const all = [...first.events, ...second.events].map((e) => e.position);
    expect(first.events.length).toBeGreaterThan(0);
    expect(all).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(second.head).toBe(30);
  });
});
