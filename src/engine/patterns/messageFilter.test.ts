import { describe, expect, it } from 'vitest';
import { DEAD_LETTER_REASONS } from '../../model/message';
import { TestSimulation } from '../testing/TestSimulation';
import { Outcome } from '../trace';

/** 40 orders: total = seq (1‥40), env alternating prod/test by a pick. */
const orders = (extra: Record<string, unknown> = {}) =>
  [
    'producer',
    {
      rate: 100,
      arrival: 'constant',
      count: 40,
      message: { type: 'PlaceOrder', headers: { env: '{{pick prod test}}' }, payload: { total: '{{seq}}' } },
      ...extra,
    },
  ] as const;

describe('message filter', () => {
  it('keep: passes messages that match, drops the others as filtered and counts them', () => {
    const t = TestSimulation.of(
      { src: orders(), f: ['message-filter', { when: 'payload.total > 30' }], out: 'sink' },
      ['src -> f', 'f -> out'],
    );
    const r = t.run();
    expect(r.edges.e2.messages).toBe(10);
    expect(r.totals.completed).toBe(10);
    expect(r.totals.droppedByReason).toEqual({ filtered: 30 });
    expect(r.nodes.f.dropped).toBe(30);
    expect(t.sim.views()[t.indexOf('f')]?.figures).toEqual({ passed: 10, filtered: 30, errors: 0 });
  });

  it('discard: drops the messages that match', () => {
    const t = TestSimulation.of(
      {
        src: orders(),
        f: ['message-filter', { when: 'payload.total > 30', action: 'discard' }],
        out: 'sink',
      },
      ['src -> f', 'f -> out'],
    );
    const r = t.run();
    expect(r.totals.completed).toBe(30);
    expect(r.totals.droppedByReason).toEqual({ filtered: 10 });
  });

  it('a three-clause expression: type, header and payload', () => {
    const t = TestSimulation.of(
      {
        src: orders(),
        pings: [
          'producer',
          {
            rate: 100,
            arrival: 'constant',
            count: 5,
            message: { type: 'Ping', headers: { env: 'prod' }, payload: { total: 99 } },
          },
        ],
        f: [
          'message-filter',
          { when: 'type == "PlaceOrder" && headers.env != "test" && payload.total >= 10' },
        ],
        out: 'sink',
      },
      ['src -> f', 'pings -> f', 'f -> out'],
      { keepTrace: true },
    );
    const r = t.run();
    // every passed message satisfies all three clauses, every dropped one fails at least one
    const spans = t.spans();
    let passed = 0;
    let dropped = 0;
    for (let i = 0; i < spans.count; i++) {
      if (spans.node[i] !== t.indexOf('f')) continue;
      const m = t.sim.trace.findMessage(spans.msg[i])!;
      const ok =
        m.type === 'PlaceOrder' && m.headers.env !== 'test' && (m.payload as { total: number }).total >= 10;
      if (spans.outcome[i] === Outcome.Forwarded) {
        passed++;
        expect(ok).toBe(true);
      } else {
        dropped++;
        expect(spans.outcome[i]).toBe(Outcome.Dropped);
        expect(ok).toBe(false);
      }
    }
    expect(passed).toBe(r.totals.completed);
    expect(passed).toBeGreaterThan(5);
    expect(dropped).toBe(45 - passed);
  });

  it('each drop is visible in the trace with its reason and the rule that dropped it', () => {
    const t = TestSimulation.of(
      {
        src: orders(),
        f: ['message-filter', { name: 'big-orders', when: 'payload.total > 30' }],
        out: 'sink',
      },
      ['src -> f', 'f -> out'],
      { keepTrace: true },
    );
    t.run();
    const spans = t.spans();
    const filteredIdx = DEAD_LETTER_REASONS.indexOf('filtered');
    let seen = 0;
    for (let i = 0; i < spans.count; i++) {
      if (spans.outcome[i] !== Outcome.Dropped) continue;
      seen++;
      expect(spans.node[i]).toBe(t.indexOf('f'));
      expect(spans.reason[i]).toBe(filteredIdx);
      const m = t.sim.trace.findMessage(spans.msg[i])!;
      expect(m.deadLetterReason).toBe('filtered');
      expect(m.deadLetterDetail).toBe('rule "big-orders": keep when payload.total > 30 (false)');
      expect(m.failedAt).toBe(t.indexOf('f'));
    }
    expect(seen).toBe(30);
  });

  it('an expression that fails while evaluating dead-letters the message with the error (not a silent drop)', () => {
    const t = TestSimulation.of(
      {
        src: orders(),
        f: ['message-filter', { when: 'lower(payload.total) == "x"' }],
        out: 'sink',
        dlq: 'dead-letter',
      },
      ['src -> f', 'f -> out', 'f:dead-letter -> dlq'],
    );
    const r = t.run();
    expect(r.totals.dropped).toBe(0);
    expect(r.totals.deadLettered).toBe(40);
    const list = t.action('dlq', 'list', { limit: 1 }) as {
      byReason: Record<string, number>;
      items: { detail: string }[];
    };
    expect(list.byReason).toEqual({ error: 40 });
    expect(list.items[0].detail).toMatch(
      /^filter keep when lower\(payload.total\) == "x": lower\(\) needs text/,
    );
  });

  it('a missing field is simply not a match (no error)', () => {
    const t = TestSimulation.of(
      { src: orders(), f: ['message-filter', { when: 'payload.customer.vip == true' }], out: 'sink' },
      ['src -> f', 'f -> out'],
    );
    const r = t.run();
    expect(r.totals.droppedByReason).toEqual({ filtered: 40 });
  });
});
