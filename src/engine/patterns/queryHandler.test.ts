import { describe, expect, it } from 'vitest';
import type { Message } from '../../model/message';
import type { NodeBehavior, NodeContext, PatternDefinition } from '../pattern';
import { BANK_HANDLER, expectBalanced, figuresOf, storeOf } from '../eventsourcing/testing';
import { TestSimulation } from '../testing/TestSimulation';
import { PATTERNS } from './index';

const PROJECTION = [
  {
    event: 'Deposited',
    op: 'increment',
    key: 'headers["stream-id"]',
    field: 'balance',
    value: 'payload.amount',
  },
  {
    event: 'Withdrawn',
    op: 'increment',
    key: 'headers["stream-id"]',
    field: 'balance',
    value: '-payload.amount',
  },
  { event: 'Deposited', op: 'upsert', key: 'headers["stream-id"]', set: { ignored: '1' } },
  { event: 'Deposited', op: 'append', key: '"audit"', field: 'amounts', value: 'payload.amount' },
];

const QUERIES = [
  { type: 'GetAccount', op: 'get', key: 'payload.id' },
  {
    type: 'RichAccounts',
    op: 'list',
    filter: 'payload.balance > 200',
    sortBy: 'balance',
    order: 'desc',
    pageSize: 2,
    page: 'payload.page',
  },
];

function cqrs(applyTime: Record<string, unknown>, queries = false, until = 20_000) {
  return TestSimulation.of(
    {
      cmds: [
        'producer',
        {
          rate: 50,
          count: 500,
          message: { type: 'Deposit', payload: { account: '{{randInt 1 5}}', amount: '{{randInt 1 20}}' } },
        },
      ],
      h: ['command-handler', { ...BANK_HANDLER, decideTime: { dist: 'constant', value: 1 } }],
      store: 'event-store',
      view: [
        'query-handler',
        { store: 'store', projection: PROJECTION, queries: QUERIES, applyTime, cache: { ttl: 500 } },
      ],
      ...(queries
        ? {
            q: [
              'producer',
              {
                rate: 20,
                arrival: 'constant',
                count: 100,
                startAt: 12_000,
                message: { kind: 'document', type: 'GetAccount', payload: { id: 'acct-{{randInt 1 2}}' } },
              },
            ],
            l: [
              'producer',
              {
                rate: 5,
                arrival: 'constant',
                count: 10,
                startAt: 12_000,
                message: { kind: 'document', type: 'RichAccounts', payload: { page: 0 } },
              },
            ],
            replies: 'sink',
          }
        : {}),
    },
    [
      'cmds -> h',
      'store:events -> view',
      ...(queries ? ['q -> view:queries', 'l -> view:queries', 'view -> replies'] : []),
    ],
    { until },
  );
}

describe('query handler', () => {
  it('projects every event once: the read model agrees with the aggregates in the store', () => {
    const t = cqrs({ dist: 'constant', value: 0 });
    t.run();
    const store = storeOf(t);
    const rows = t.action('view', 'rows', { limit: 100, sortBy: 'balance', desc: true }) as {
      total: number;
      rows: { key: string; row: { balance: number } }[];
      lag: number;
      position: number;
    };
    expect(rows.total).toBe(6); // five accounts and the audit row
    for (const { key, row } of rows.rows) {
      if (key === 'audit') continue;
      expect(row.balance).toBe(store.load(key, store.reducerFor(key)!).state.balance);
    }
    const balances = rows.rows.filter((r) => r.key !== 'audit').map((r) => r.row.balance);
    expect(balances).toEqual([...balances].sort((a, b) => b - a));
    const audit = rows.rows.find((r) => r.key === 'audit')!.row as unknown as { amounts: number[] };
    expect(audit.amounts).toHaveLength(500);
    expect(rows.lag).toBe(0);
    expect(rows.position).toBe(store.head);
    expectBalanced(t);
  });

  it('a slow projection lags behind the store head, then catches up', () => {
    const t = cqrs({ dist: 'constant', value: 30 }, false, 40_000);
    t.run({ until: 9_000 });
    const mid = figuresOf(t, 'view');
    expect(mid.lag).toBeGreaterThan(100);
    expect(mid.queued).toBe(mid.lag - 1);
    t.run();
    expect(figuresOf(t, 'view').lag).toBe(0);
  });

  it('answers get and list queries with a reply, from the cache within the TTL', () => {
    const replies: Message[] = [];
    const recorder: PatternDefinition = {
      kind: 'sink',
      create: (ctx: NodeContext<never>): NodeBehavior => ({
        onMessage(m) {
          replies.push(m);
          ctx.complete(m);
        },
      }),
    };
    const t = new TestSimulation(cqrs({ dist: 'constant', value: 0 }, true).topology, {
      patterns: new Map([...PATTERNS, ['sink', recorder]]),
    });
    t.run();
    const gets = replies.filter((m) => m.type === 'GetAccountResult');
    const lists = replies.filter((m) => m.type === 'RichAccountsResult');
    expect(gets).toHaveLength(100);
    expect(lists).toHaveLength(10);
    const store = storeOf(t);
    const g = gets[gets.length - 1].payload as { key: string; found: boolean; row: { balance: number } };
    expect(g.found).toBe(true);
    expect(g.row.balance).toBe(store.load(g.key, store.reducerFor(g.key)!).state.balance);
    const page = lists[0].payload as {
      total: number;
      pageSize: number;
      rows: { key: string; balance: number }[];
    };
    expect(page.pageSize).toBe(2);
    expect(page.rows.length).toBeLessThanOrEqual(2);
    expect(page.rows.every((r) => r.balance > 200)).toBe(true);
    if (page.rows.length === 2) expect(page.rows[0].balance).toBeGreaterThanOrEqual(page.rows[1].balance);
    // 20 gets/s over 2 keys with a 500 ms TTL: most answers come from the cache
    const cached = gets.filter((m) => m.headers.cached === 'true').length;
    expect(cached).toBeGreaterThan(50);
    expect(cached).toBeLessThan(100);
    expect(figuresOf(t, 'view')['hit %']).toBeGreaterThan(50);
    expectBalanced(t);
  });

  it('rebuilds from a replay to the same rows', () => {
    const t = cqrs({ dist: 'constant', value: 1 }, false, 40_000);
    t.run({ until: 30_000 });
    const before = t.action('view', 'rows', { limit: 100 }) as { rows: unknown[] };
    const r = t.action('view', 'rebuild') as { replayed: number };
    expect(r.replayed).toBe(storeOf(t).head);
    expect((t.action('view', 'rows', {}) as { total: number }).total).toBe(0);
    t.run();
    const after = t.action('view', 'rows', { limit: 100 }) as { rows: unknown[] };
    expect(after.rows).toEqual(before.rows);
  });
});
