import { describe, expect, it } from 'vitest';
import { accessControlConfig } from '../../model/kinds/security';
import { TestSimulation } from '../testing/TestSimulation';
import type { AuditEntry } from './accessControl';

const rules = [
  { id: 'publishers-orders', roles: ['publisher'], topic: 'orders.*', operations: ['publish'] },
  { id: 'finance-payments', roles: ['finance'], topic: 'payments.#', operations: ['publish'] },
  { id: 'bob-no-refunds', principals: ['bob'], topic: 'payments.refund', effect: 'deny' },
  { id: 'anyone-health', topic: 'health', operations: ['publish'] },
];
const principals = { alice: ['publisher', 'finance'], bob: ['publisher', 'finance'], mallory: [] };

/** One message per (principal, topic) with the given gate config; returns the audit log. */
function gate(config: Record<string, unknown>, sends: [principal: string | null, topic: string][], until = 10_000) {
  const nodes: Record<string, unknown> = {
    gate: ['access-control', { topicFrom: 'header', ...config }],
    out: 'sink',
    dlq: 'dead-letter',
  };
  const edges = ['gate -> out', 'gate:dead-letter -> dlq'];
  sends.forEach(([p, topic], i) => {
    const headers: Record<string, string> = { topic };
    if (p !== null) headers.principal = p;
    nodes[`p${i}`] = ['producer', { rate: 1, arrival: 'constant', count: 1, startAt: i, message: { type: 'Event', headers } }];
    edges.push(`p${i} -> gate`);
  });
  const t = TestSimulation.of(nodes as never, edges, { until });
  t.run();
  const audit = t.action('gate', 'audit', { limit: 1000 }) as { total: number; kept: number; dropped: number; entries: AuditEntry[] };
  return { t, audit, decisions: audit.entries.map((e) => `${e.principal} ${e.topic} ${e.decision} ${e.rule}`) };
}

describe('access control decisions', () => {
  it('allows by role and topic, lets an explicit deny win, and denies by default', () => {
    const { decisions, t } = gate({ principals, rules }, [
      ['alice', 'orders.created'],
      ['alice', 'orders.created.eu'],
      ['alice', 'payments.refund'],
      ['bob', 'payments.refund'],
      ['bob', 'payments.capture'],
      ['mallory', 'orders.created'],
      ['mallory', 'health'],
      [null, 'orders.created'],
    ]);
    expect(decisions).toEqual([
      'alice orders.created allow publishers-orders',
      'alice orders.created.eu deny default', // * is one word
      'alice payments.refund allow finance-payments',
      'bob payments.refund deny bob-no-refunds',
      'bob payments.capture allow finance-payments',
      'mallory orders.created deny default',
      'mallory health allow anyone-health',
      'anonymous orders.created deny default',
    ]);
    const r = t.report();
    expect(r.nodes.out.completed).toBe(4);
    expect(r.nodes.dlq.received).toBe(4);
    const dead = t.action('dlq', 'list', {}) as { byReason: Record<string, number>; items: { detail: string }[] };
    expect(dead.byReason).toEqual({ denied: 4 });
    expect(dead.items.map((d) => d.detail)).toContain('rule bob-no-refunds: bob may not publish payments.refund');
  });

  it('checks the operation of the gate and a fixed principal for consumers', () => {
    const consume = gate(
      {
        operation: 'consume',
        principalFrom: 'fixed',
        principal: 'analytics',
        principals: { analytics: ['reader'] },
        rules: [{ id: 'readers', roles: ['reader'], topic: 'orders.#', operations: ['consume'] }],
      },
      [
        ['mallory', 'orders.created'],
        ['alice', 'payments.refund'],
      ],
    );
    expect(consume.decisions).toEqual(['analytics orders.created allow readers', 'analytics payments.refund deny default']);
    expect(consume.audit.entries[0].operation).toBe('consume');
    // a publish rule does not allow consuming
    const wrongOp = gate({ operation: 'subscribe', principals, rules }, [['alice', 'orders.created']]);
    expect(wrongOp.decisions).toEqual(['alice orders.created deny default']);
  });

  it('allows when the default says so', () => {
    const { decisions } = gate({ default: 'allow', rules: [{ id: 'no-mallory', principals: ['mallory'], effect: 'deny' }] }, [
      ['alice', 'x'],
      ['mallory', 'x'],
    ]);
    expect(decisions).toEqual(['alice x allow default', 'mallory x deny no-mallory']);
  });

  it('changes the policy on schedule', () => {
    const sends: [string, string][] = [];
    for (let i = 0; i < 20; i++) sends.push(['bob', 'orders.created']);
    const { audit } = gate(
      { principals, rules, policySchedule: [{ at: 9.5, principals: { ...principals, bob: [] } }] },
      sends,
    );
    expect(audit.entries.map((e) => [e.at, e.decision, e.policy])).toEqual(
      sends.map((_, i) => (i < 10 ? [i, 'allow', 0] : [i, 'deny', 1])),
    );
    expect(audit.entries[15].rule).toBe('default');
  });
});

describe('audit log', () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => [i % 2 ? 'mallory' : 'alice', 'orders.created'] as [string, string]);

  it('records principal, operation, topic, decision, rule, message and time', () => {
    const { audit, t } = gate({ principals, rules }, many(2));
    expect(audit.entries[0]).toEqual({
      seq: 0,
      at: 0,
      messageId: 'm1',
      correlationId: 'm1',
      principal: 'alice',
      operation: 'publish',
      topic: 'orders.created',
      decision: 'allow',
      rule: 'publishers-orders',
      policy: 0,
    });
    expect(t.sim.views()[t.indexOf('gate')]!.figures).toEqual({ allowed: 1, denied: 1, audit: 2 });
  });

  it('pages, filters by decision and exports as JSON', () => {
    const { t } = gate({ principals, rules }, many(30));
    const page = t.action('gate', 'audit', { offset: 10, limit: 5 }) as { total: number; entries: AuditEntry[] };
    expect(page.total).toBe(30);
    expect(page.entries.map((e) => e.seq)).toEqual([10, 11, 12, 13, 14]);
    const denied = t.action('gate', 'audit', { decision: 'deny', limit: 100 }) as { entries: AuditEntry[] };
    expect(denied.entries).toHaveLength(15);
    expect(denied.entries.every((e) => e.principal === 'mallory')).toBe(true);
    const exported = JSON.parse(t.action('gate', 'exportAudit') as string) as { node: string; total: number; entries: AuditEntry[] };
    expect(exported.node).toBe('gate');
    expect(exported.total).toBe(30);
    expect(exported.entries).toHaveLength(30);
    expect(exported.entries[29].seq).toBe(29);
  });

  it('keeps the newest entries within its capacity, and can log denials only', () => {
    const ring = gate({ principals, rules, audit: { capacity: 8 } }, many(20));
    expect(ring.audit).toMatchObject({ total: 20, kept: 8, dropped: 12 });
    expect(ring.audit.entries.map((e) => e.seq)).toEqual([12, 13, 14, 15, 16, 17, 18, 19]);
    const deniesOnly = gate({ principals, rules, audit: { allowed: false } }, many(20));
    expect(deniesOnly.audit.total).toBe(10);
    expect(deniesOnly.audit.entries.every((e) => e.decision === 'deny')).toBe(true);
  });

  it('validates rules: topic patterns, operations and effects', () => {
    expect(accessControlConfig.safeParse({ rules: [{ id: 'r', topic: 'orders..x' }] }).success).toBe(false);
    expect(accessControlConfig.safeParse({ rules: [{ id: 'r', operations: ['delete'] }] }).success).toBe(false);
    expect(accessControlConfig.safeParse({ rules: [{ id: 'r', effect: 'maybe' }] }).success).toBe(false);
    expect(accessControlConfig.safeParse({ rules: [{ id: 'r', topic: 'orders.#' }] }).success).toBe(true);
  });
});
