import { describe, expect, it } from 'vitest';
import type { PatternDefinition } from './pattern';
import { PATTERNS } from './patterns/index';
import { Simulation } from './Simulation';
import { buildTopology, TestSimulation } from './testing/TestSimulation';

describe('hop limit', () => {
  it('ends a cycle: messages are dead-lettered as hop-limit where they pass the limit', () => {
    const t = TestSimulation.of(
      {
        src: ['producer', { rate: 100, count: 20 }],
        q: 'point-to-point',
        w: ['service-activator', { serviceTime: { dist: 'constant', value: 1 } }],
        dlq: 'dead-letter',
      },
      ['src -> q', 'q -> w', 'w -> q', 'q:dead-letter -> dlq'],
      { maxHops: 10 },
    );
    const r = t.run();
    expect(t.sim.finished).toBe(true);
    expect(t.sim.pendingEvents).toBe(0);
    const list = t.action('dlq', 'list') as { byReason: Record<string, number>; items: { origin: number; detail: string }[] };
    // hops: src→q 1, q→w 2, w→q 3, …: the 11th arrives at q
    expect(list.byReason).toEqual({ 'hop-limit': 20 });
    expect(list.items.every((i) => i.origin === t.indexOf('q') && i.detail === 'more than 10 hops')).toBe(true);
    expect(r.nodes.w.received).toBe(20 * 5);
    expect(r.totals).toMatchObject({ produced: 20, deadLettered: 20, inFlight: 0 });
  });

  it('ends a cycle at one instant (no service time) and one that fans out (publish-subscribe onto itself)', () => {
    const zero = TestSimulation.of(
      { src: ['producer', { rate: 100, count: 5 }], a: ['service-activator', { serviceTime: { dist: 'constant', value: 0 } }], b: 'point-to-point' },
      ['src -> a', 'a -> b', 'b -> a'],
      { maxHops: 50 },
    ).run();
    expect(zero.totals).toMatchObject({ produced: 5, inFlight: 0, droppedByReason: { 'hop-limit': 5 } });

    const fan = TestSimulation.of({ src: ['producer', { rate: 100, count: 3 }], bus: 'publish-subscribe' }, ['src -> bus', 'bus -> bus', 'bus -> bus'], { maxHops: 6 }).run();
    // each pass doubles a message; the copies that arrive for the 7th time are dropped: 2^6 per message
    expect(fan.totals).toMatchObject({ produced: 3, derived: 3 * 63, dropped: 3 * 64, inFlight: 0, droppedByReason: { 'hop-limit': 3 * 64 } });
  });

  it('ends a cycle through dead-letter and error ports (a failure edge back into the loop)', () => {
    const selfDeadLetter = TestSimulation.of(
      { src: ['producer', { rate: 100, count: 10, message: { ttl: 1 } }], q: ['point-to-point', { capacity: 1, overflow: 'dead-letter' }] },
      ['src -> q', 'q -> q', 'q:dead-letter -> q'],
      { maxHops: 8 },
    );
    const r = selfDeadLetter.run();
    expect(selfDeadLetter.sim.finished).toBe(true);
    expect(r.totals).toMatchObject({ produced: 10, inFlight: 0, dropped: 10, droppedByReason: { 'hop-limit': 10 } });

    const selfError = TestSimulation.of(
      { src: ['producer', { rate: 100, count: 10 }], w: ['service-activator', { failureRate: 1, onFailure: 'error' }] },
      ['src -> w', 'w:error -> w', 'w:dead-letter -> w'],
      { maxHops: 8 },
    );
    const e = selfError.run();
    expect(e.totals).toMatchObject({ produced: 10, inFlight: 0, droppedByReason: { 'hop-limit': 10 } });
    expect(e.nodes.w.received).toBe(10 * 10); // 8 arrivals within the limit, the 9th is dead-lettered, the 10th dropped
  });

  it('a dead-letter channel keeps hop-limited and expired messages that reach it', () => {
    const t = TestSimulation.of(
      { src: ['producer', { rate: 100, count: 4, message: { ttl: 5 } }], w: ['service-activator', { serviceTime: { dist: 'constant', value: 10 } }], dlq: 'dead-letter' },
      ['src -> w', 'w -> w', 'w:dead-letter -> dlq'],
      { maxHops: 3 },
    );
    t.run();
    const list = t.action('dlq', 'list') as { byReason: Record<string, number> };
    // after one service (10 ms) the TTL (5 ms) has passed: expired when it comes back round
    expect(list.byReason).toEqual({ expired: 4 });
    expect(t.accounting()).toMatchObject({ deadLettered: 4, dropped: 0, inFlight: 0 });
  });
});

describe('Simulation', () => {
  const pipeline = () =>
    buildTopology(
      { src: ['producer', { rate: 100 }], q: 'point-to-point', w: ['service-activator', { concurrency: 2 }], out: 'sink' },
      ['src -> q', 'q -> w', 'w -> out'],
      { until: 10_000 },
    );

  it('runs to a time, by events, or to a number of completed messages; never past its end time', () => {
    const sim = new Simulation(pipeline(), { seed: 3 });
    let s = sim.run({ until: 1000 });
    expect(s.now).toBe(1000);
    expect(s.finished).toBe(false);
    s = sim.run({ maxEvents: 10 });
    expect(s.events).toBe(10);
    expect(sim.events).toBeGreaterThan(10);
    s = sim.run({ untilCompleted: 500 });
    expect(sim.metrics.completed).toBe(500);
    s = sim.run({ until: 1e9 });
    expect(s.now).toBe(10_000);
    expect(s.finished).toBe(true);
    expect(sim.step()).toBe(false);
  });

  it('stepping event by event gives the same run as one call', () => {
    const a = new Simulation(pipeline(), { seed: 4 });
    const b = new Simulation(pipeline(), { seed: 4 });
    a.run();
    let n = 0;
    while (b.step()) n++;
    b.run();
    expect(n).toBe(a.events);
    expect(b.trace.digest()).toBe(a.trace.digest());
    expect(b.metrics.totals()).toEqual(a.metrics.totals());
  });

  it('requestStop from inside an event ends the run call after it', () => {
    let calls = 0;
    let sim: Simulation | null = null;
    const stopper: PatternDefinition = {
      kind: 'sink',
      create: (ctx) => ({
        onMessage(msg) {
          ctx.complete(msg);
          if (++calls === 3) sim!.requestStop();
        },
      }),
    };
    sim = new Simulation(pipeline(), { patterns: new Map([...PATTERNS, ['sink', stopper]]) });
    sim.run();
    expect(calls).toBe(3);
    expect(sim.metrics.completed).toBe(3);
    sim.run();
    expect(calls).toBeGreaterThan(3);
  });

  it('refuses actions on missing nodes and on kinds without actions', () => {
    const sim = new Simulation(pipeline());
    expect(() => sim.action('nope', 'list')).toThrow(/no node "nope"/);
    expect(() => sim.action('out', 'list')).toThrow(/has no actions/);
  });

  it('refuses a kind that no pattern implements', () => {
    const topology = pipeline();
    expect(() => new Simulation(topology, { patterns: new Map([...PATTERNS].filter(([k]) => k !== 'sink')) })).toThrow(/no pattern implements kind "sink"/);
  });

  it('the settings come from the topology unless options override them', () => {
    const topology = buildTopology({ s: 'sink' }, [], { seed: 5, until: 123, maxHops: 9 });
    expect(new Simulation(topology).settings).toMatchObject({ seed: 5, until: 123, maxHops: 9 });
    expect(new Simulation(topology, { seed: 6, until: 7, maxHops: 2, trace: { sample: 0.5 } }).settings).toMatchObject({
      seed: 6,
      until: 7,
      maxHops: 2,
      trace: { capacity: 100_000, sample: 0.5 },
    });
  });
});
