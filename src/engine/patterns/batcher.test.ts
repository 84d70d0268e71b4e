import { describe, expect, it } from 'vitest';
import { messageBytes } from '../links';
import type { Message } from '../../model/message';
import { TestSimulation, type NodeSpec } from '../testing/TestSimulation';

const order = { kind: 'event', type: 'OrderPlaced', payload: { order: '{{seq}}', sku: 'A-{{randInt 1 9}}' } };

function run(batcher: Record<string, unknown>, producer: Record<string, unknown> = {}, extra: Record<string, NodeSpec> = {}, until = 20_000) {
  const t = TestSimulation.of(
    {
      src: ['producer', { rate: 100, arrival: 'constant', message: order, ...producer }],
      batch: ['batcher', batcher],
      out: 'sink',
      dlq: 'dead-letter',
      ...extra,
    },
    ['src -> batch', 'batch -> out', 'batch:dead-letter -> dlq'],
    { until, keepTrace: true },
  );
  const report = t.run();
  return { t, report, view: t.sim.views()[t.indexOf('batch')]!.figures! };
}

/** Every message is counted once: the totals' identity, and what nodes hold equals what is in flight. */
function checkAccounting(t: TestSimulation) {
  const a = t.accounting();
  expect(a.produced + a.derived).toBe(a.completed + a.deadLettered + a.dropped + a.merged + a.inFlight);
  expect(a.inFlight).toBe(a.byNodes + a.inTransit);
  expect(a.deadLettered).toBe(a.stored);
}

describe('batcher triggers', () => {
  it('flushes by count; the wait in the batch is the node latency', () => {
    const { t, report, view } = run({ maxCount: 10, window: 0 });
    const produced = report.totals.produced;
    expect(view.batches).toBe(Math.floor(produced / 10));
    expect(view.meanSize).toBe(10);
    expect(view.byCount).toBe(view.batches);
    expect(report.nodes.out.completed).toBe(view.batches);
    expect(report.totals.merged).toBe(view.batches * 10);
    // constant gaps of 10 ms: items wait 90, 80, … 0 ms (and each batch span covers 90 ms)
    const lat = report.nodes.batch.latency;
    expect(lat.max).toBeCloseTo(90, 6);
    expect(lat.mean).toBeGreaterThan(40);
    expect(lat.mean).toBeLessThan(50);
    checkAccounting(t);
  });

  it('flushes by size in bytes', () => {
    const size = messageBytes({ headers: {}, payload: { sku: 'A-1', note: 'fixed size' } } as unknown as Message);
    const message = { type: 'T', payload: { sku: 'A-{{randInt 1 9}}', note: 'fixed size' } };
    const { t, view } = run({ maxCount: 1000, maxBytes: size * 5 - 1, window: 0 }, { count: 2000, message });
    // five messages pass the limit, four do not
    expect(view.byBytes).toBe(400);
    expect(view.byCount).toBe(0);
    expect(view.meanSize).toBe(5);
    checkAccounting(t);
  });

  it('flushes by time window from the first message of a batch', () => {
    const { t, report, view } = run({ maxCount: 10_000, window: 250 }, { arrival: 'poisson' });
    expect(view.byTime).toBe(view.batches);
    expect(view.meanSize).toBeGreaterThan(20);
    expect(view.meanSize).toBeLessThan(30);
    expect(report.nodes.batch.latency.max).toBeLessThanOrEqual(250 + 1e-9);
    checkAccounting(t);
  });

  it('keeps one batch per key', () => {
    const msg = { ...order, headers: { tenant: '{{pick acme globex}}' } };
    const { t, view } = run({ maxCount: 8, window: 0, key: 'headers.tenant' }, { message: msg });
    expect(view.batches).toBeGreaterThan(200);
    const spans = t.spans();
    let checked = 0;
    for (let i = 0; i < spans.count; i++) {
      if (spans.node[i] !== t.indexOf('out')) continue;
      const batch = t.sim.trace.findMessage(spans.msg[i])!;
      const items = batch.payload as { headers: { tenant: string } }[];
      expect(items.every((it) => it.headers.tenant === batch.headers['batch-key'])).toBe(true);
      expect(batch.headers.tenant).toBe(batch.headers['batch-key']);
      expect(batch.headers['batch-size']).toBe('8');
      checked++;
    }
    expect(checked).toBe(view.batches);
    checkAccounting(t);
  });

  it('derives the batch from its first item and lists every item', () => {
    const { t } = run({ maxCount: 3, window: 0 }, { count: 3 });
    const spans = t.spans();
    const i = [...spans.node].findIndex((n) => n === t.indexOf('out'));
    const batch = t.sim.trace.findMessage(spans.msg[i])!;
    const items = batch.payload as { id: string; correlationId: string; createdAt: number }[];
    expect(items.map((x) => x.id)).toEqual(['m1', 'm2', 'm3']);
    expect(batch.causationId).toBe('m1');
    expect(batch.correlationId).toBe('m1');
    expect(items[2].createdAt).toBe(20);
    expect(batch.type).toBe('Batch');
  });
});

describe('batcher failure policies', () => {
  const poison = (onFailure: string, retry = { maxAttempts: 3, delay: 10, jitter: 0 }) =>
    run({ maxCount: 20, window: 0, onFailure, retry, call: { time: { dist: 'constant', value: 5 }, poisonRate: 0.05 } }, { count: 4000 }, {}, 200_000);

  it('dead-letter-failed: only the failed items are dead-lettered, the rest go on in smaller batches', () => {
    const { t, report, view } = poison('dead-letter-failed');
    const dead = report.nodes.dlq.received;
    expect(dead / 4000).toBeGreaterThan(0.035);
    expect(dead / 4000).toBeLessThan(0.065);
    expect(view.meanSize).toBeLessThan(20);
    expect(report.totals.merged + dead).toBe(4000);
    checkAccounting(t);
  });

  it('retry-batch: one poison item sinks its whole batch after the attempts', () => {
    const { t, report, view } = poison('retry-batch');
    const dead = report.nodes.dlq.received;
    // P(a batch of 20 holds a poison item) = 1 − 0.95^20 ≈ 0.64
    expect(dead / 4000).toBeGreaterThan(0.55);
    expect(dead / 4000).toBeLessThan(0.73);
    expect(dead % 20).toBe(0);
    expect(view.retries).toBe((dead / 20) * 2);
    checkAccounting(t);
  });

  it('split: halves until the poison items are isolated; only they are dead-lettered', () => {
    const { t, report, view } = poison('split');
    const dead = report.nodes.dlq.received;
    expect(dead / 4000).toBeGreaterThan(0.035);
    expect(dead / 4000).toBeLessThan(0.065);
    expect(view.splits).toBeGreaterThan(dead);
    expect(report.totals.merged + dead).toBe(4000);
    checkAccounting(t);
  });

  it('retry-batch recovers from transient item failures', () => {
    const { t, report } = run(
      { maxCount: 10, window: 0, onFailure: 'retry-batch', retry: { maxAttempts: 6, delay: 5 }, call: { itemFailureRate: 0.02 } },
      { count: 2000 },
      {},
      100_000,
    );
    // a batch fails with p = 1 − 0.98^10 ≈ 0.18; six attempts in a row fail with p ≈ 3·10⁻⁵
    expect(report.nodes.dlq.received).toBe(0);
    expect(report.nodes.batch.retried).toBeGreaterThan(20);
    expect(report.totals.merged).toBe(2000);
    checkAccounting(t);
  });

  it('queues batches behind busy bulk calls and accounts for them mid-run', () => {
    const t = TestSimulation.of(
      {
        src: ['producer', { rate: 1000, arrival: 'constant' }],
        batch: ['batcher', { maxCount: 10, window: 0, call: { time: { dist: 'constant', value: 50 }, concurrency: 2 } }],
        out: 'sink',
      },
      ['src -> batch', 'batch -> out'],
      { until: 5_000 },
    );
    t.run(2_000);
    const view = t.sim.views()[t.indexOf('batch')]!.figures!;
    // 100 batches/s offered, 2 calls per 50 ms = 40 batches/s served: the queue grows
    expect(view.queued).toBeGreaterThan(500);
    expect(view.inFlight).toBe(2);
    const a = t.accounting();
    expect(a.inFlight).toBe(a.byNodes + a.inTransit);
  });

  it('flushes open batches on demand', () => {
    const t = TestSimulation.of(
      { src: ['producer', { rate: 10, count: 7 }], batch: ['batcher', { maxCount: 100, window: 0 }], out: 'sink' },
      ['src -> batch', 'batch -> out'],
      { until: 10_000 },
    );
    t.run();
    expect(t.report().nodes.out.completed).toBe(0);
    expect(t.action('batch', 'flush')).toEqual({ flushed: 1 });
    t.run();
    expect(t.report().nodes.out.completed).toBe(1);
    expect(t.report().totals.merged).toBe(7);
  });
});

describe('debatcher', () => {
  it('restores each item with its correlation and creation time, so end-to-end latency includes the wait', () => {
    const t = TestSimulation.of(
      {
        src: ['producer', { rate: 100, arrival: 'constant', message: order }],
        batch: ['batcher', { maxCount: 10, window: 0 }],
        split: 'debatcher',
        out: 'sink',
      },
      ['src -> batch', 'batch -> split', 'split -> out'],
      { until: 10_000, keepTrace: true },
    );
    const r = t.run();
    expect(r.nodes.out.completed).toBe(Math.floor(r.totals.produced / 10) * 10);
    // items wait 0–90 ms in their batch: mean 45 ms end to end
    expect(r.totals.latency.mean).toBeCloseTo(45, 0);
    const spans = t.spans();
    for (let i = 0; i < spans.count; i++) {
      if (spans.node[i] !== t.indexOf('out')) continue;
      const m = t.sim.trace.findMessage(spans.msg[i])!;
      expect(m.type).toBe('OrderPlaced');
      expect(m.correlationId).toMatch(/^m\d+$/);
      expect(Number(m.correlationId.slice(1))).toBeLessThan(m.seq);
      expect(m.payload).toMatchObject({ sku: expect.stringMatching(/^A-\d$/) });
    }
    checkAccounting(t);
  });

  it('dead-letters a payload that is not an array', () => {
    const t = TestSimulation.of(
      { src: ['producer', { rate: 10, count: 3 }], split: 'debatcher', dlq: 'dead-letter' },
      ['src -> split', 'split:dead-letter -> dlq'],
      { until: 10_000 },
    );
    expect(t.run().nodes.dlq.received).toBe(3);
  });
});
