import { describe, expect, it } from 'vitest';
import { BANK_HANDLER, expectBalanced, figuresOf, storeOf } from '../eventsourcing/testing';
import { TestSimulation } from '../testing/TestSimulation';

const commands = (message: Record<string, unknown>, rate = 200, count = 400) =>
  ['producer', { rate, arrival: 'poisson', count, message }] as const;

/** Two handler instances behind one queue, on the same accounts. */
function twoHandlers(maxRetries: number, accounts = '{{pick a b}}') {
  return TestSimulation.of(
    {
      src: commands({ type: 'Deposit', payload: { account: accounts, amount: '{{randInt 1 100}}' } }),
      q: 'point-to-point',
      h1: [
        'command-handler',
        { ...BANK_HANDLER, concurrency: 2, decideTime: { dist: 'exponential', mean: 8 }, maxRetries },
      ],
      h2: [
        'command-handler',
        { ...BANK_HANDLER, concurrency: 2, decideTime: { dist: 'exponential', mean: 8 }, maxRetries },
      ],
      store: 'event-store',
      events: 'sink',
      rejected: 'sink',
    },
    [
      'src -> q',
      'q -> h1',
      'q -> h2',
      'h1 -> events',
      'h2 -> events',
      'h1:rejected -> rejected',
      'h2:rejected -> rejected',
    ],
    { until: 30_000 },
  );
}

/** Every event was decided on the state it was appended after: its `before` is the balance folded so far. */
function expectNoLostUpdate(t: TestSimulation, streamId: string) {
  let balance = 0;
  const events = storeOf(t).read(streamId);
  for (const e of events) {
    const p = e.payload as { amount: number; before: number };
    expect(p.before, `event ${e.version} of ${streamId} was decided on a stale state`).toBe(balance);
    balance += e.type === 'Deposited' ? p.amount : -p.amount;
  }
  return { balance, events: events.length };
}

describe('command handler', () => {
  it('two handlers on one aggregate: conflicts are detected, retried on the new state, and no update is lost', () => {
    const t = twoHandlers(20);
    const r = t.run();
    const h1 = figuresOf(t, 'h1');
    const h2 = figuresOf(t, 'h2');
    expect(h1.conflicts + h2.conflicts, 'interleaved appends must conflict').toBeGreaterThan(20);
    expect(h1.accepted).toBeGreaterThan(50);
    expect(h2.accepted).toBeGreaterThan(50);
    expect(h1.accepted + h2.accepted).toBe(400);
    expect(r.nodes.rejected.received).toBe(0);
    const store = storeOf(t);
    const a = expectNoLostUpdate(t, 'acct-a');
    const b = expectNoLostUpdate(t, 'acct-b');
    expect(a.events + b.events).toBe(400);
    // the state folded by the store equals the sum of every accepted deposit
    expect(store.load('acct-a', store.reducerFor('acct-a')!).state).toEqual({ balance: a.balance });
    // each accepted command sends its event out
    expect(r.nodes.events.received).toBe(400);
    expect(r.nodes.h1.retried + r.nodes.h2.retried).toBe(h1.conflicts + h2.conflicts);
    expectBalanced(t);
  });

  it('without retries a conflict rejects the command; still nothing is appended on a stale state', () => {
    const t = twoHandlers(0, 'a');
    const r = t.run();
    const rejected = r.nodes.rejected.received;
    expect(rejected).toBeGreaterThan(10);
    expect(figuresOf(t, 'h1').conflicts + figuresOf(t, 'h2').conflicts).toBe(rejected);
    const a = expectNoLostUpdate(t, 'acct-a');
    expect(a.events).toBe(400 - rejected);
    expect(r.totals.droppedByReason.error ?? 0).toBe(0); // rejected commands reached the sink
    expectBalanced(t);
  });

  it('guards reject with their reason; the state only changes through events', () => {
    const t = TestSimulation.of(
      {
        dep: [
          'producer',
          {
            rate: 20,
            arrival: 'constant',
            count: 20,
            message: { type: 'Deposit', payload: { account: 'x', amount: '{{randInt 1 50}}' } },
          },
        ],
        wd: [
          'producer',
          {
            rate: 40,
            arrival: 'constant',
            count: 40,
            message: { type: 'Withdraw', payload: { account: 'x', amount: '{{randInt 1 50}}' } },
          },
        ],
        q: 'point-to-point',
        h: ['command-handler', { ...BANK_HANDLER, decideTime: { dist: 'constant', value: 1 } }],
        store: 'event-store',
        dlq: 'dead-letter',
      },
      ['dep -> q', 'wd -> q', 'q -> h', 'h:rejected -> dlq'],
    );
    t.run();
    const held = t.action('dlq', 'list', { limit: 100 }) as {
      items: { detail: string | null; reason: string }[];
    };
    expect(held.items.length).toBeGreaterThan(0);
    expect(held.items.every((i) => i.detail === 'insufficient funds' && i.reason === 'denied')).toBe(true);
    const { balance } = expectNoLostUpdate(t, 'acct-x');
    expect(balance).toBeGreaterThanOrEqual(0);
    expect(t.action('store', 'stateAt', { streamId: 'acct-x' })).toMatchObject({
      hasReducer: true,
      state: { balance },
    });
  });

  it('rejects an unknown command type', () => {
    const t = TestSimulation.of(
      {
        src: ['producer', { rate: 10, count: 5, message: { type: 'Close', payload: { account: 'x' } } }],
        h: ['command-handler', BANK_HANDLER],
        store: 'event-store',
      },
      ['src -> h'],
    );
    const r = t.run();
    expect(r.totals.droppedByReason.denied).toBe(5);
  });

  it('loads from snapshots: only the tail is read', () => {
    const t = TestSimulation.of(
      {
        src: commands({ type: 'Deposit', payload: { account: 'z', amount: 1 } }, 100, 300),
        h: ['command-handler', { ...BANK_HANDLER, decideTime: { dist: 'constant', value: 0 } }],
        store: ['event-store', { snapshots: { every: 10, keepLast: 2 } }],
      },
      ['src -> h'],
    );
    t.run();
    const store = storeOf(t);
    expect(store.version('acct-z')).toBe(300);
    expect(store.snapshotsOf('acct-z').map((s) => s.version)).toEqual([290, 300]);
    const f = figuresOf(t, 'h');
    expect(f['events read/load']).toBeLessThan(10);
    expect(f['skipped by snapshots']).toBeGreaterThan(300 * 100);
    expect(figuresOf(t, 'store')['load saved %']).toBeGreaterThan(90);
  });

  it('names a missing store clearly', () => {
    expect(() => TestSimulation.of({ h: ['command-handler', { ...BANK_HANDLER, store: 'nope' }] })).toThrow(
      /config.store: "nope" is not an event-store node/,
    );
  });
});
