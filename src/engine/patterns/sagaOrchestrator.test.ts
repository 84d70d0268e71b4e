import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SagaLogEntry } from '../eventsourcing/sagaLog';
import { expectBalanced, figuresOf, storeOf } from '../eventsourcing/testing';
import { TestSimulation } from '../testing/TestSimulation';

const STEPS = [
  { name: 'flight', command: 'BookFlight', compensation: 'CancelFlight' },
  { name: 'hotel', command: 'BookHotel', compensation: 'CancelHotel' },
  { name: 'car', command: 'RentCar', compensation: 'ReturnCar' },
];

interface Options {
  failure: [number, number, number];
  mean: [number, number, number];
  timeout: [number, number, number];
  count?: number;
  compensateTimedOut?: boolean;
  seed?: number;
  undoFailure?: number;
}

/** A travel booking: the saga calls three services, each replying on success and on failure. */
function travel(o: Options) {
  const nodes: Record<string, unknown> = {
    trips: [
      'producer',
      { rate: 20, count: o.count ?? 30, message: { type: 'BookTrip', payload: { traveller: 'T{{seq}}' } } },
    ],
    saga: [
      'saga-orchestrator',
      {
        store: 'store',
        steps: STEPS.map((s, i) => ({ ...s, timeout: o.timeout[i] })),
        compensateTimedOut: o.compensateTimedOut ?? true,
      },
    ],
    store: 'event-store',
    done: 'sink',
    undone: 'sink',
    failed: 'sink',
  };
  const edges: string[] = [
    'trips -> saga',
    'saga:completed -> done',
    'saga:compensated -> undone',
    'saga:failed -> failed',
  ];
  STEPS.forEach((s, i) => {
    nodes[s.name] = [
      'service-activator',
      {
        concurrency: 4,
        onFailure: 'error',
        operations: [
          {
            type: s.command,
            name: 'do',
            serviceTime: { dist: 'exponential', mean: o.mean[i] },
            failureRate: o.failure[i],
          },
          {
            type: s.compensation,
            name: 'undo',
            serviceTime: { dist: 'exponential', mean: o.mean[i] },
            failureRate: o.undoFailure ?? 0,
          },
        ],
      },
    ];
    edges.push(`saga:${s.name} -> ${s.name}`, `${s.name} -> saga:replies`, `${s.name}:error -> saga:replies`);
  });
  return TestSimulation.of(nodes as never, edges, { until: 600_000, seed: o.seed });
}

interface Timeline {
  id: string;
  state: string;
  log: SagaLogEntry[];
}

const timelines = (t: TestSimulation): Timeline[] => {
  const list = t.action('saga', 'instances', { limit: 1000 }) as { items: { id: string }[] };
  return list.items.map((i) => t.action('saga', 'timeline', { id: i.id }) as Timeline);
};

/** Compensations run for exactly the steps that completed (or timed out), in reverse order, once each. */
function expectProperCompensation(tl: Timeline, compensateTimedOut: boolean) {
  const completed = tl.log
    .filter((e) => e.type === 'StepCompleted' || (compensateTimedOut && e.type === 'StepTimedOut'))
    .map((e) => e.step);
  const compStarted = tl.log.filter((e) => e.type === 'CompensationStarted').map((e) => e.step);
  const compDone = tl.log.filter((e) => e.type === 'CompensationCompleted').map((e) => e.step);
  if (tl.state === 'completed') {
    expect(compStarted).toEqual([]);
    expect(completed).toEqual(STEPS.map((s) => s.name));
  } else {
    expect(tl.state).toBe('compensated');
    expect(compStarted, `saga ${tl.id}`).toEqual([...completed].reverse());
    expect(compDone).toEqual(compStarted);
    expect(new Set(compStarted).size).toBe(compStarted.length);
  }
}

describe('saga orchestrator', () => {
  it('runs every step when all succeed, and the start message leaves by completed', () => {
    const t = travel({ failure: [0, 0, 0], mean: [10, 10, 10], timeout: [1000, 1000, 1000] });
    const r = t.run();
    expect(r.nodes.done.received).toBe(30);
    expect(figuresOf(t, 'saga')).toMatchObject({ completed: 30, running: 0, compensated: 0 });
    for (const tl of timelines(t))
      expect(tl.log.map((e) => e.type)).toEqual([
        'SagaStarted',
        ...STEPS.flatMap(() => ['StepStarted', 'StepCompleted']),
        'SagaCompleted',
      ]);
    expectBalanced(t);
  });

  it('a failing last step compensates the earlier ones in reverse order, each once', () => {
    const t = travel({ failure: [0, 0, 1], mean: [10, 10, 10], timeout: [1000, 1000, 1000] });
    const r = t.run();
    expect(r.nodes.undone.received).toBe(30);
    for (const tl of timelines(t)) {
      const comps = tl.log.filter((e) => e.type === 'CompensationStarted').map((e) => e.detail);
      expect(comps).toEqual(['CancelHotel', 'CancelFlight']);
      expectProperCompensation(tl, true);
    }
    expect(r.nodes.car.received).toBe(30); // no compensation is sent for the step that failed
    expectBalanced(t);
  });

  it('a timeout fails the step; the timed-out step is compensated too (its work may have happened)', () => {
    const t = travel({ failure: [0, 0, 0], mean: [10, 400, 10], timeout: [1000, 50, 1000], count: 20 });
    t.run();
    const tls = timelines(t);
    const timedOut = tls.filter((tl) => tl.log.some((e) => e.type === 'StepTimedOut'));
    expect(timedOut.length).toBeGreaterThan(10);
    for (const tl of timedOut)
      expect(tl.log.filter((e) => e.type === 'CompensationStarted').map((e) => e.step)).toEqual([
        'hotel',
        'flight',
      ]);
    // late replies of timed-out steps are absorbed
    expect(figuresOf(t, 'saga').late).toBeGreaterThan(0);
  });

  it('a compensation that fails leaves the saga failed, by the failed port', () => {
    const t = travel({
      failure: [0, 0, 1],
      mean: [10, 10, 10],
      timeout: [1000, 1000, 1000],
      undoFailure: 1,
      count: 5,
    });
    const r = t.run();
    expect(r.nodes.failed.received).toBe(5);
    for (const tl of timelines(t)) {
      expect(tl.state).toBe('failed');
      expect(tl.log.filter((e) => e.type === 'CompensationStarted').map((e) => e.step)).toEqual(['hotel']);
      expect(tl.log.at(-1)!.type).toBe('SagaFailed');
    }
    expectBalanced(t);
  });

  it('logs every step in the saga log store, one stream per instance', () => {
    const t = travel({ failure: [0, 0.5, 0], mean: [10, 10, 10], timeout: [1000, 1000, 1000], count: 10 });
    t.run();
    const store = storeOf(t);
    for (const tl of timelines(t)) {
      const events = store.read(`saga-${tl.id}`);
      expect(events.map((e) => e.type)).toEqual(tl.log.map((e) => e.type));
      expect(events.every((e) => e.correlationId === tl.id)).toBe(true);
    }
  });

  it('property: under random failures and timeouts every saga ends completed or compensated, compensating in reverse, each once', () => {
    const rate = fc.double({ min: 0, max: 0.6, noNaN: true });
    const mean = fc.integer({ min: 1, max: 80 });
    const timeout = fc.oneof(fc.constant(0), fc.integer({ min: 5, max: 300 }));
    fc.assert(
      fc.property(
        fc.tuple(rate, rate, rate),
        fc.tuple(mean, mean, mean),
        fc.tuple(timeout, timeout, timeout),
        fc.boolean(),
        fc.integer({ min: 1, max: 1e6 }),
        (failure, means, timeouts, cto, seed) => {
          const t = travel({ failure, mean: means, timeout: timeouts, compensateTimedOut: cto, seed });
          const r = t.run();
          const f = figuresOf(t, 'saga');
          expect(f.running + f.compensating).toBe(0);
          expect(f.failed).toBe(0);
          expect(f.completed + f.compensated).toBe(30);
          expect(r.nodes.done.received + r.nodes.undone.received).toBe(30);
          for (const tl of timelines(t)) expectProperCompensation(tl, cto);
          expectBalanced(t);
        },
      ),
      { numRuns: 40 },
    );
  });
});
