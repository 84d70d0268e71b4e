import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { retrySchema } from '../../model/kinds/endpoints';
import { TestSimulation } from '../testing/TestSimulation';
import { Outcome } from '../trace';
import { backoffDelay } from './serviceActivator';

/** Times at which messages left node `id` (any outcome), in order. */
function leaveTimes(t: TestSimulation, id: string): number[] {
  const spans = t.spans();
  const out: number[] = [];
  for (let i = 0; i < spans.count; i++) if (spans.node[i] === t.indexOf(id)) out.push(spans.tOut[i]);
  return out;
}

const burst = (n: number) => ['producer', { arrival: 'burst', burst: { size: n, every: 1_000_000 }, count: n }] as const;
const svc = (config: Record<string, unknown>) => ['service-activator', { serviceTime: { dist: 'constant', value: 10 }, ...config }] as const;

describe('service activator', () => {
  it('serves with `concurrency` workers; the rest wait in its own FIFO queue', () => {
    const t = TestSimulation.of({ src: burst(10), w: svc({ concurrency: 3 }), out: 'sink' }, ['src -> w', 'w -> out'], { keepTrace: true, until: 100 });
    t.run(5);
    expect(t.node('w').busy).toBe(3);
    expect(t.node('w').queue.depth).toBe(7);
    expect(t.accounting().byNodes).toBe(10);
    const r = t.run();
    expect(leaveTimes(t, 'w')).toEqual([10, 10, 10, 20, 20, 20, 30, 30, 30, 40]);
    // 3 workers busy for 30 ms and 1 for 10 more, out of 3 × 100 worker-ms
    expect(r.nodes.w.utilization).toBeCloseTo(100 / 300, 9);
    expect(r.nodes.w.latency.max).toBe(40); // time at the node includes the wait
  });

  it('retries a failed call after a fixed backoff, then gives up', () => {
    const t = TestSimulation.of(
      { src: burst(1), w: svc({ failureRate: 1, retry: { maxAttempts: 3, backoff: 'fixed', delay: 100, jitter: 0 } }), dlq: 'dead-letter' },
      ['src -> w', 'w:dead-letter -> dlq'],
      { keepTrace: true },
    );
    const r = t.run();
    expect(leaveTimes(t, 'w')).toEqual([10 + 100 + 10 + 100 + 10]);
    expect(r.nodes.w).toMatchObject({ failed: 3, retried: 2, deadLettered: 1 });
    const l = t.action('dlq', 'list') as { items: { reason: string; detail: string; origin: number }[] };
    expect(l.items[0]).toMatchObject({ reason: 'error', detail: 'failed after 3 attempts', origin: t.indexOf('w') });
  });

  it('exponential backoff multiplies the delay and caps it at maxDelay', () => {
    const t = TestSimulation.of(
      { src: burst(1), w: svc({ failureRate: 1, retry: { maxAttempts: 4, backoff: 'exponential', delay: 100, multiplier: 3, maxDelay: 500, jitter: 0 } }) },
      ['src -> w'],
      { keepTrace: true },
    );
    t.run();
    // backoffs 100, 300, 500 (900 capped)
    expect(leaveTimes(t, 'w')).toEqual([4 * 10 + 100 + 300 + 500]);
  });

  it('a worker stays busy while it backs off (a thread in a retry loop)', () => {
    const t = TestSimulation.of({ src: burst(2), w: svc({ failureRate: 1, retry: { maxAttempts: 2, backoff: 'fixed', delay: 50, jitter: 0 } }) }, ['src -> w'], { keepTrace: true });
    t.run();
    // the second message waits for the first one's whole retry loop: 10 + 50 + 10
    expect(leaveTimes(t, 'w')).toEqual([70, 140]);
  });

  it('jitter keeps each backoff within [d·(1−j), d]', () => {
    fc.assert(
      fc.property(
        fc.record({
          backoff: fc.constantFrom('fixed' as const, 'exponential' as const),
          delay: fc.integer({ min: 0, max: 10_000 }),
          multiplier: fc.double({ min: 1, max: 10, noNaN: true }),
          maxDelay: fc.integer({ min: 0, max: 100_000 }),
          jitter: fc.double({ min: 0, max: 1, noNaN: true }),
        }),
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retry, attempt, draw) => {
          const r = retrySchema.parse({ ...retry, maxAttempts: 5 });
          const d = Math.min(r.backoff === 'fixed' ? r.delay : r.delay * Math.pow(r.multiplier, attempt - 1), r.maxDelay);
          const v = backoffDelay(r, attempt, draw);
          expect(v).toBeGreaterThanOrEqual(d * (1 - r.jitter) - 1e-9);
          expect(v).toBeLessThanOrEqual(d + 1e-9);
        },
      ),
    );
    // and in a run: with jitter 0.5 and delay 100, every retry waits 50–100 ms
    const t = TestSimulation.of(
      { src: ['producer', { rate: 1, count: 200 }], w: svc({ concurrency: 1000, failureRate: 1, retry: { maxAttempts: 2, backoff: 'fixed', delay: 100, jitter: 0.5 } }) },
      ['src -> w'],
      { keepTrace: true, until: 1_000_000 },
    );
    t.run();
    const spans = t.spans();
    const waits: number[] = [];
    for (let i = 0; i < spans.count; i++) if (spans.node[i] === t.indexOf('w')) waits.push(spans.tOut[i] - spans.tIn[i] - 20);
    expect(waits).toHaveLength(200);
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(50 - 1e-9);
    expect(Math.max(...waits)).toBeLessThanOrEqual(100 + 1e-9);
    expect(Math.max(...waits) - Math.min(...waits)).toBeGreaterThan(40); // the jitter is really spread
  });

  it('retries recover transient failures: loss is failureRate^maxAttempts', () => {
    const t = TestSimulation.of(
      { src: ['producer', { rate: 100, count: 20_000 }], w: svc({ concurrency: 100, failureRate: 0.5, retry: { maxAttempts: 4, delay: 1 } }), out: 'sink' },
      ['src -> w', 'w -> out'],
      { until: 1_000_000 },
    );
    const r = t.run();
    const loss = r.totals.dropped / 20_000;
    expect(loss).toBeGreaterThan(0.0625 * 0.85);
    expect(loss).toBeLessThan(0.0625 * 1.15);
    expect(r.totals.completed + r.totals.dropped).toBe(20_000);
    // expected calls per message: 1 + 0.5 + 0.25 + 0.125
    expect((r.nodes.w.retried + 20_000) / 20_000).toBeCloseTo(1.875, 1);
  });

  it('onFailure error: the message leaves by the error port with reason error', () => {
    const t = TestSimulation.of(
      { src: burst(4), w: svc({ failureRate: 1, onFailure: 'error' }), ok: 'sink', errors: 'sink' },
      ['src -> w', 'w -> ok', 'w:error -> errors'],
      { keepTrace: true },
    );
    const r = t.run();
    expect(r.nodes.errors.completed).toBe(4);
    expect(r.nodes.ok.completed).toBe(0);
    const spans = t.spans();
    for (let i = 0; i < spans.count; i++) {
      if (spans.node[i] !== t.indexOf('w')) continue;
      expect(spans.outcome[i]).toBe(Outcome.FailedOver);
      expect(t.sim.trace.strings.values[spans.port[i]]).toBe('error');
    }
  });

  it('onFailure error with nothing connected to the error port drops the message as error', () => {
    const r = TestSimulation.of({ src: burst(3), w: svc({ failureRate: 1, onFailure: 'error' }) }, ['src -> w']).run();
    expect(r.totals.droppedByReason).toEqual({ error: 3 });
  });

  it('onFailure dead-letter: to the dead-letter channel with the attempt count; dropped when not connected', () => {
    const t = TestSimulation.of({ src: burst(3), w: svc({ failureRate: 1 }), dlq: 'dead-letter' }, ['src -> w', 'w:dead-letter -> dlq']);
    expect(t.run().totals.deadLettered).toBe(3);
    const r = TestSimulation.of({ src: burst(3), w: svc({ failureRate: 1 }) }, ['src -> w']).run();
    expect(r.totals).toMatchObject({ deadLettered: 0, dropped: 3 });
    expect(r.nodes.w.deadLettered).toBe(0);
  });

  it('onFailure nack: back to the delivering channel, which redelivers (see pointToPoint.test.ts)', () => {
    const t = TestSimulation.of(
      { src: burst(1), q: ['point-to-point', { maxDeliveries: 4 }], w: svc({ failureRate: 1, onFailure: 'nack', retry: { maxAttempts: 2, delay: 0, jitter: 0 } }) },
      ['src -> q', 'q -> w'],
      { keepTrace: true },
    );
    const r = t.run();
    expect(r.nodes.w.received).toBe(4);
    expect(r.nodes.w.failed).toBe(8); // two attempts per delivery
    expect(r.totals.droppedByReason).toEqual({ 'max-redeliveries': 1 });
    const spans = t.spans();
    let nacks = 0;
    for (let i = 0; i < spans.count; i++) if (spans.outcome[i] === Outcome.Nacked) nacks++;
    expect(nacks).toBe(4);
  });

  it('fails about failureRate of its calls', () => {
    const r = TestSimulation.of(
      { src: ['producer', { rate: 100, count: 10_000 }], w: svc({ concurrency: 50, failureRate: 0.3, serviceTime: { dist: 'exponential', mean: 5 } }), out: 'sink' },
      ['src -> w', 'w -> out'],
      { until: 1_000_000 },
    ).run();
    expect(r.nodes.w.failed / 10_000).toBeGreaterThan(0.28);
    expect(r.nodes.w.failed / 10_000).toBeLessThan(0.32);
    expect(r.nodes.w.emitted + r.nodes.w.failed).toBe(10_000);
  });
});

describe('sink', () => {
  it('completes every message that reaches it, at once, and records end-to-end latency', () => {
    const t = TestSimulation.of({ src: burst(5), w: svc({}), out: 'sink' }, ['src -> w', 'w -> out']);
    const r = t.run();
    expect(r.nodes.out).toMatchObject({ received: 5, completed: 5, emitted: 0 });
    expect(r.nodes.out.latency.max).toBe(0);
    expect(r.totals.latency.count).toBe(5);
    expect(r.totals.latency.max).toBe(50);
    expect(r.totals.latency.mean).toBe(30);
  });
});
