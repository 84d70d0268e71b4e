import { describe, expect, it } from 'vitest';
import type { Message } from '../../model/message';
import { TestSimulation } from '../testing/TestSimulation';
import { Outcome } from '../trace';

/** Messages that completed at a node, in completion order. */
function completedAt(t: TestSimulation, id: string): Message[] {
  const spans = t.spans();
  const out: Message[] = [];
  for (let i = 0; i < spans.count; i++) {
    if (spans.node[i] === t.indexOf(id) && spans.outcome[i] === Outcome.Completed)
      out.push(t.sim.trace.findMessage(spans.msg[i])!);
  }
  return out;
}

const WRAP = {
  type: 'Envelope',
  routingSlip: ['validate', 'charge'],
  qos: { priority: 8, ttl: 500, deliveryMode: 'non-persistent' },
  instructions: { audit: 'yes' },
};

describe('envelope wrapper', () => {
  it('wraps: ids, correlation and causation, routing slip, QoS, instructions and the original', () => {
    const t = TestSimulation.of(
      {
        src: [
          'producer',
          {
            rate: 10,
            arrival: 'constant',
            count: 1,
            startAt: 100,
            message: { type: 'Pay', headers: { h: '1' }, payload: { amount: 5 } },
          },
        ],
        wrap: ['envelope-wrapper', WRAP],
        out: 'sink',
      },
      ['src -> wrap', 'wrap -> out'],
      { keepTrace: true },
    );
    t.run();
    const [env] = completedAt(t, 'out');
    const original = t.sim.trace.findMessage(Number(env.causationId!.slice(1)))!;
    expect(env.type).toBe('Envelope');
    expect(env.priority).toBe(8);
    expect(env.expiresAt).toBe(600);
    expect(env.correlationId).toBe(original.correlationId);
    expect(env.headers).toEqual({ h: '1', envelope: '1', 'delivery-mode': 'non-persistent' });
    expect(env.payload).toEqual({
      envelope: {
        messageId: env.id,
        correlationId: original.correlationId,
        causationId: original.id,
        createdAt: 100,
        routingSlip: ['validate', 'charge'],
        qos: { priority: 8, ttl: 500, expiresAt: 600, deliveryMode: 'non-persistent' },
        instructions: { audit: 'yes' },
        original: {
          id: original.id,
          correlationId: original.correlationId,
          causationId: null,
          kind: 'command',
          type: 'Pay',
          headers: { h: '1' },
          priority: 4,
          expiresAt: null,
        },
      },
      body: { amount: 5 },
    });
    // before and after are both in the trace: the original ends merged into its envelope
    expect(original.payload).toEqual({ amount: 5 });
    expect(t.accounting()).toMatchObject({ produced: 1, derived: 1, merged: 1, completed: 1, inFlight: 0 });
  });

  it('correlation "new" starts a new conversation', () => {
    const t = TestSimulation.of(
      {
        src: ['producer', { rate: 10, count: 3 }],
        wrap: ['envelope-wrapper', { correlation: 'new' }],
        out: 'sink',
      },
      ['src -> wrap', 'wrap -> out'],
      { keepTrace: true },
    );
    t.run();
    for (const env of completedAt(t, 'out')) {
      expect(env.correlationId).toBe(env.id);
      expect(
        (env.payload as { envelope: { original: { correlationId: string } } }).envelope.original
          .correlationId,
      ).not.toBe(env.id);
    }
  });

  it('wrap then unwrap restores the original message (kind, type, correlation, headers, payload, priority, expiry)', () => {
    const t = TestSimulation.of(
      {
        src: [
          'producer',
          {
            rate: 10,
            arrival: 'constant',
            count: 5,
            message: {
              kind: 'event',
              type: 'Paid',
              priority: 6,
              ttl: 10_000,
              headers: { region: 'eu' },
              payload: { n: '{{seq}}', deep: { a: [1, { b: null }] } },
            },
          },
        ],
        wrap: ['envelope-wrapper', { ...WRAP, correlation: 'new' }],
        unwrap: 'envelope-unwrapper',
        out: 'sink',
      },
      ['src -> wrap', 'wrap -> unwrap', 'unwrap -> out'],
      { keepTrace: true },
    );
    t.run();
    const restored = completedAt(t, 'out');
    expect(restored).toHaveLength(5);
    restored.forEach((m, i) => {
      const env = t.sim.trace.findMessage(Number(m.causationId!.slice(1)))!;
      const original = t.sim.trace.findMessage(Number(env.causationId!.slice(1)))!;
      expect(m.kind).toBe('event');
      expect(m.type).toBe('Paid');
      expect(m.headers).toEqual({ region: 'eu' });
      expect(m.payload).toEqual({ n: i + 1, deep: { a: [1, { b: null }] } });
      expect(m.priority).toBe(6);
      expect(m.correlationId).toBe(original.correlationId);
      expect(m.expiresAt).toBe(original.expiresAt);
      expect(env.priority).toBe(8);
    });
  });

  it('a priority channel serves high-priority envelopes first', () => {
    // 20 low-priority then 20 high-priority messages all arrive while a slow worker is busy with the first
    const t = TestSimulation.of(
      {
        low: [
          'producer',
          {
            arrival: 'burst',
            rate: 1,
            burst: { size: 20, every: 100_000 },
            count: 20,
            message: { type: 'Low' },
          },
        ],
        high: [
          'producer',
          {
            arrival: 'burst',
            rate: 1,
            burst: { size: 20, every: 100_000 },
            count: 20,
            startAt: 1,
            message: { type: 'High' },
          },
        ],
        wrapLow: ['envelope-wrapper', { qos: { priority: 1 } }],
        wrapHigh: ['envelope-wrapper', { qos: { priority: 9 } }],
        queue: ['point-to-point', { priority: true }],
        worker: ['service-activator', { serviceTime: { dist: 'constant', value: 10 } }],
        out: 'sink',
      },
      [
        'low -> wrapLow',
        'high -> wrapHigh',
        'wrapLow -> queue',
        'wrapHigh -> queue',
        'queue -> worker',
        'worker -> out',
      ],
      { keepTrace: true, until: 10_000 },
    );
    t.run();
    const order = completedAt(t, 'out').map((m) => m.type);
    expect(order).toHaveLength(40);
    // the first low one was taken before the high ones arrived; then all 20 high ones, then the other low ones
    expect(order).toEqual(['Low', ...Array<string>(20).fill('High'), ...Array<string>(19).fill('Low')]);
  });

  it('without priority, the same channel is FIFO', () => {
    const t = TestSimulation.of(
      {
        low: [
          'producer',
          {
            arrival: 'burst',
            rate: 1,
            burst: { size: 20, every: 100_000 },
            count: 20,
            message: { type: 'Low' },
          },
        ],
        high: [
          'producer',
          {
            arrival: 'burst',
            rate: 1,
            burst: { size: 20, every: 100_000 },
            count: 20,
            startAt: 1,
            message: { type: 'High' },
          },
        ],
        wrapLow: ['envelope-wrapper', { qos: { priority: 1 } }],
        wrapHigh: ['envelope-wrapper', { qos: { priority: 9 } }],
        queue: ['point-to-point', { priority: false }],
        worker: ['service-activator', { serviceTime: { dist: 'constant', value: 10 } }],
        out: 'sink',
      },
      [
        'low -> wrapLow',
        'high -> wrapHigh',
        'wrapLow -> queue',
        'wrapHigh -> queue',
        'queue -> worker',
        'worker -> out',
      ],
      { keepTrace: true, until: 10_000 },
    );
    t.run();
    expect(completedAt(t, 'out').map((m) => m.type)).toEqual([
      ...Array<string>(20).fill('Low'),
      ...Array<string>(20).fill('High'),
    ]);
  });

  it('an envelope TTL makes waiting envelopes expire in the channel', () => {
    const t = TestSimulation.of(
      {
        src: ['producer', { arrival: 'burst', rate: 1, burst: { size: 10, every: 100_000 }, count: 10 }],
        wrap: ['envelope-wrapper', { qos: { ttl: 25 } }],
        queue: 'point-to-point',
        worker: ['service-activator', { serviceTime: { dist: 'constant', value: 10 } }],
        out: 'sink',
        dlq: 'dead-letter',
      },
      ['src -> wrap', 'wrap -> queue', 'queue -> worker', 'worker -> out', 'queue:dead-letter -> dlq'],
    );
    const r = t.run();
    // taken by the worker at 0, 10 and 20 ms (≤ 25 ms old); the other 7 expire while they wait in the channel
    expect((t.action('dlq', 'list') as { byReason: Record<string, number> }).byReason).toEqual({
      expired: 7,
    });
    // the one taken at 20 ms is done at 30 ms, already expired when it reaches the sink: dropped as expired there
    expect(r.totals.completed).toBe(2);
    expect(r.totals.droppedByReason).toEqual({ expired: 1 });
  });
});
