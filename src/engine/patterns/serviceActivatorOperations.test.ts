import { describe, expect, it } from 'vitest';
import { TestSimulation } from '../testing/TestSimulation';
import { Outcome } from '../trace';

const OPS = [
  { type: 'Place', name: 'place', serviceTime: { dist: 'constant', value: 30 }, failureRate: 1 },
  { type: 'Cancel', name: 'cancel', serviceTime: { dist: 'constant', value: 5 } },
];

describe('service activator operations', () => {
  it('maps message types to operations with their own service time and failure rate; others use the defaults', () => {
    const t = TestSimulation.of(
      {
        place: ['producer', { rate: 10, arrival: 'constant', count: 5, message: { type: 'Place' } }],
        cancel: ['producer', { rate: 10, arrival: 'constant', count: 5, message: { type: 'Cancel' } }],
        other: ['producer', { rate: 10, arrival: 'constant', count: 5, message: { type: 'Status' } }],
        svc: [
          'service-activator',
          {
            concurrency: 100,
            serviceTime: { dist: 'constant', value: 2 },
            operations: OPS,
            onFailure: 'error',
          },
        ],
        done: 'sink',
        errors: 'sink',
      },
      ['place -> svc', 'cancel -> svc', 'other -> svc', 'svc -> done', 'svc:error -> errors'],
      { keepTrace: true },
    );
    const r = t.run();
    expect(r.edges.e4.messages).toBe(10); // cancel and status succeed
    expect(r.edges.e5.messages).toBe(5); // place always fails
    const spans = t.spans();
    const timeByType: Record<string, number[]> = {};
    for (let i = 0; i < spans.count; i++) {
      if (spans.node[i] !== t.indexOf('svc') || spans.outcome[i] === Outcome.Merged) continue;
      const type = t.sim.trace.findMessage(spans.msg[i])!.type;
      (timeByType[type] ??= []).push(spans.tOut[i] - spans.tIn[i]);
    }
    expect(new Set(timeByType.Place)).toEqual(new Set([30]));
    expect(new Set(timeByType.Cancel)).toEqual(new Set([5]));
    expect(new Set(timeByType.Status)).toEqual(new Set([2]));
    expect(t.sim.views()[t.indexOf('svc')]!.figures).toEqual({
      busy: 0,
      queued: 0,
      'calls:place': 5,
      'calls:cancel': 5,
    });
  });

  it('without operations it runs exactly as before (same digest as a config without the field)', () => {
    const run = (config: Record<string, unknown>) => {
      const t = TestSimulation.of(
        { src: ['producer', { rate: 50 }], svc: ['service-activator', config], done: 'sink' },
        ['src -> svc', 'svc -> done'],
        { until: 5000 },
      );
      t.run();
      return t.sim.trace.digest();
    };
    const base = { concurrency: 2, failureRate: 0.1, retry: { maxAttempts: 3 } };
    expect(run({ ...base, operations: [] })).toBe(run(base));
  });

  it('operations apply on retries too (each attempt uses the operation\u2019s service time)', () => {
    const t = TestSimulation.of(
      {
        src: ['producer', { rate: 10, count: 1, message: { type: 'Place' } }],
        svc: [
          'service-activator',
          { operations: [OPS[0]], retry: { maxAttempts: 3, backoff: 'fixed', delay: 10, jitter: 0 } },
        ],
        done: 'sink',
        dlq: 'dead-letter',
      },
      ['src -> svc', 'svc -> done', 'svc:dead-letter -> dlq'],
    );
    const r = t.run();
    expect(r.nodes.svc.failed).toBe(3);
    const list = t.action('dlq', 'list') as { items: { at: number; detail: string }[] };
    // 3 attempts of 30 ms with 2 backoffs of 10 ms, after the first arrival
    expect(list.items[0].detail).toBe('failed after 3 attempts');
    expect(t.sim.views()[t.indexOf('svc')]!.figures).toMatchObject({ 'calls:place': 3 });
  });
});
