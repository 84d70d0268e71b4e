/**
 * The circuit breaker against resilience4j's semantics, on a virtual clock: a fake context whose random
 * draws are scripted (which calls fail, how long they take) and whose timers fire when the test advances
 * time. Then the example file, run by the real engine with an injected gateway fault.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { circuitBreakerConfig } from '../../model/kinds/reliability';
import type { Message } from '../../model/message';
import { validateTopologyText } from '../../model/topology';
import type { FaultAwareBehavior } from '../faults';
import { Simulation } from '../Simulation';
import { circuitBreaker, countWindow, timeWindow, type BreakerTransition } from './circuitBreaker';

interface Timer {
  at: number;
  seq: number;
  tag: number;
  msg: Message | null;
  data: unknown;
}

/** A virtual clock and a scripted context for one breaker. */
class Harness {
  now = 0;
  readonly timers: Timer[] = [];
  readonly out: { port: string; id: string; reason?: string; type: string }[] = [];
  readonly fails: boolean[] = [];
  readonly draws: number[] = [];
  private seq = 0;
  private ids = 0;
  readonly b: FaultAwareBehavior;

  constructor(config: Record<string, unknown>) {
    const ctx = {
      id: 'breaker',
      index: 0,
      kind: 'circuit-breaker',
      config: circuitBreakerConfig.parse(config),
      rng: {
        chance: () => (this.fails.length ? this.fails.shift()! : false),
        next: () => (this.draws.length ? this.draws.shift()! : 0.5),
        nextOpen: () => (this.draws.length ? this.draws.shift()! : 0.5),
      },
      now: () => this.now,
      schedule: (delay: number, tag: number, msg: Message | null = null, data: unknown = null) => {
        this.timers.push({ at: this.now + Math.max(0, delay), seq: this.seq++, tag, msg, data });
      },
      emit: (port: string, msg: Message, reason?: string) => this.out.push({ port, id: msg.id, reason, type: msg.type }),
      drop: (msg: Message, reason: string) => this.out.push({ port: '(dropped)', id: msg.id, reason, type: msg.type }),
      countFailed: () => {},
    };
    this.b = circuitBreaker.create(ctx as never) as FaultAwareBehavior;
  }

  /** A call arrives now; `fail` scripts whether it fails. */
  call(fail = false, duration?: number): void {
    const id = `m${++this.ids}`;
    const m = { id, type: 'Charge', headers: {}, payload: {}, arrivedAt: this.now } as unknown as Message;
    // the breaker draws the duration first, then the failure
    if (duration !== undefined) this.draws.push(duration);
    this.fails.push(fail);
    this.b.onMessage(m, 'in');
    // a rejected call draws nothing: forget its script
    this.fails.length = 0;
    this.draws.length = 0;
  }

  /** Fires every timer due up to `to`, in time order. */
  advance(to: number): void {
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const t = this.timers[0];
      if (!t || t.at > to) break;
      this.timers.shift();
      this.now = t.at;
      this.b.onTimer!(t.tag, t.msg, t.data);
    }
    this.now = to;
  }

  get state(): string {
    return this.b.view!().state!;
  }

  transitions(): string[] {
    const r = this.b.action!('transitions', {}) as { items: BreakerTransition[] };
    return r.items.map((t) => `${t.from}->${t.to}`);
  }

  /** Calls `outcomes` one after another, each taking 1 ms. */
  sequence(outcomes: string): void {
    for (const ch of outcomes) {
      this.call(ch === 'F');
      this.advance(this.now + 1);
    }
  }
}

// serviceTime uniform 0..1000: a scripted draw d gives a call of d·1000 ms
const BASE = {
  slidingWindowSize: 10,
  minimumNumberOfCalls: 10,
  failureRateThreshold: 50,
  waitDurationInOpenState: 1000,
  permittedNumberOfCallsInHalfOpenState: 3,
  call: { serviceTime: { dist: 'constant', value: 1 } },
};

describe('circuit breaker: closed state (count-based window)', () => {
  it('below minimumNumberOfCalls, 100 % failures do not trip it; the call that reaches it does', () => {
    const h = new Harness(BASE);
    h.sequence('FFFFFFFFF');
    expect(h.state).toBe('closed');
    expect(h.transitions()).toEqual([]);
    h.sequence('F');
    expect(h.state).toBe('open');
    expect(h.transitions()).toEqual(['closed->open']);
  });

  it('caps minimumNumberOfCalls at the window size', () => {
    const h = new Harness({ ...BASE, slidingWindowSize: 5, minimumNumberOfCalls: 100 });
    h.sequence('FFFF');
    expect(h.state).toBe('closed');
    h.sequence('F');
    expect(h.state).toBe('open');
  });

  it('trips when the failure rate reaches the threshold (≥), over the last N calls only', () => {
    const h = new Harness(BASE);
    h.sequence('SSSSSSFFFF'); // 40 %
    expect(h.state).toBe('closed');
    const metrics = h.b.action!('metrics', {}) as { failureRate: number; bufferedCalls: number };
    expect(metrics).toMatchObject({ failureRate: 40, bufferedCalls: 10 });
    h.sequence('F'); // the oldest S slides out: 5 of 10 = 50 %
    expect(h.state).toBe('open');
  });

  it('trips on the slow-call rate; a call is slow when it takes longer than the threshold', () => {
    const h = new Harness({
      ...BASE,
      slowCallRateThreshold: 50,
      slowCallDurationThreshold: 100,
      call: { serviceTime: { dist: 'uniform', min: 0, max: 1000 } },
    });
    for (let i = 0; i < 6; i++) {
      h.call(false, 0.05); // 50 ms
      h.advance(h.now + 1000);
    }
    for (let i = 0; i < 4; i++) {
      h.call(false, 0.1); // exactly 100 ms: not slow (strictly longer is)
      h.advance(h.now + 1000);
    }
    expect(h.state).toBe('closed');
    for (let i = 0; i < 4; i++) {
      h.call(false, 0.5); // 500 ms: slow
      h.advance(h.now + 1000);
    }
    expect(h.state).toBe('closed'); // 4 slow of 10
    h.call(false, 0.5);
    h.advance(h.now + 1000);
    expect(h.state).toBe('open'); // 5 of 10
  });

  it('a timed-out call fails with reason timeout', () => {
    const h = new Harness({ ...BASE, call: { serviceTime: { dist: 'uniform', min: 0, max: 1000 }, timeout: 200 } });
    h.call(false, 0.9);
    h.advance(199);
    expect(h.out).toEqual([]);
    h.advance(200);
    expect(h.out).toEqual([{ port: 'fallback', id: 'm1', reason: 'timeout', type: 'Charge' }]);
  });
});

describe('circuit breaker: open and half-open', () => {
  const open = (config: Record<string, unknown> = {}) => {
    const h = new Harness({ ...BASE, ...config });
    h.sequence('FFFFFFFFFF');
    expect(h.state).toBe('open');
    h.out.length = 0;
    return h;
  };

  it('rejects calls while open, counts them and sends them to the fallback', () => {
    const h = open();
    h.call();
    h.call();
    expect(h.out.map((o) => o.reason)).toEqual(['circuit-open', 'circuit-open']);
    expect(h.b.view!().figures!.rejected).toBe(2);
    expect(h.timers).toHaveLength(0); // no call was made
  });

  it('turns half-open at the first call after the wait, and admits exactly N probes', () => {
    const h = open();
    const openedAt = h.now;
    h.advance(openedAt + 999);
    h.call();
    expect(h.state).toBe('open');
    h.advance(openedAt + 1000);
    h.out.length = 0;
    for (let i = 0; i < 10; i++) h.call();
    expect(h.state).toBe('half-open');
    expect(h.timers).toHaveLength(3);
    expect(h.out.filter((o) => o.reason === 'circuit-open')).toHaveLength(7);
  });

  it('closes when the probes succeed, with an empty window', () => {
    const h = open();
    h.advance(h.now + 1000);
    h.call();
    h.call();
    h.call();
    h.advance(h.now + 1);
    expect(h.state).toBe('closed');
    expect(h.transitions()).toEqual(['closed->open', 'open->half-open', 'half-open->closed']);
    expect((h.b.action!('metrics', {}) as { bufferedCalls: number }).bufferedCalls).toBe(0);
  });

  it('reopens when the probes fail at the threshold rate, once they have all completed', () => {
    const h = open();
    h.advance(h.now + 1000);
    h.call(true);
    h.call(false);
    h.call(true);
    h.advance(h.now + 1);
    expect(h.state).toBe('open');
    expect(h.transitions()).toEqual(['closed->open', 'open->half-open', 'half-open->open']);
  });

  it('with fewer minimum calls than probes, decides after that many probes', () => {
    const h = open({ minimumNumberOfCalls: 2, slidingWindowSize: 2, permittedNumberOfCallsInHalfOpenState: 5 });
    h.advance(h.now + 1000);
    h.call(true);
    h.advance(h.now + 1);
    expect(h.state).toBe('half-open');
    h.call(true);
    h.advance(h.now + 1);
    expect(h.state).toBe('open');
  });

  it('turns half-open by itself with automatic transition', () => {
    const h = open({ automaticTransitionFromOpenToHalfOpen: true });
    h.advance(h.now + 999);
    expect(h.state).toBe('open');
    h.advance(h.now + 1);
    expect(h.state).toBe('half-open');
  });

  it('ignores outcomes of calls started before the last transition', () => {
    const h = new Harness({ ...BASE, slowCallDurationThreshold: 60_000, call: { serviceTime: { dist: 'uniform', min: 0, max: 10_000 } } });
    h.call(true, 0.5); // two long failures, 5 s each, started while closed
    h.call(true, 0.5);
    for (let i = 0; i < 10; i++) {
      h.call(true, 0.0001);
      h.advance(h.now + 1);
    }
    expect(h.state).toBe('open');
    h.advance(2000);
    for (let i = 0; i < 3; i++) h.call(false, 0.4); // three probes that succeed at 6 s
    h.advance(5500); // the old failures completed while half-open: they are not probes
    expect(h.state).toBe('half-open');
    h.advance(6000);
    expect(h.state).toBe('closed');
    expect(h.transitions()).toEqual(['closed->open', 'open->half-open', 'half-open->closed']);
  });

  it('falls back with a static reply when configured', () => {
    const h = open({ fallback: 'reply', reply: { type: 'PaymentDeferred', payload: { retry: true } } });
    h.call();
    expect(h.out).toEqual([{ port: 'out', id: 'm11', reason: undefined, type: 'PaymentDeferred' }]);
  });
});

describe('circuit breaker: time-based window', () => {
  const config = {
    ...BASE,
    slidingWindowType: 'time-based',
    slidingWindowDuration: 10_000,
    minimumNumberOfCalls: 5,
  };

  it('old failures age out of the window', () => {
    const h = new Harness(config);
    h.sequence('FFFF'); // at t = 0‥4 ms: below the minimum
    h.advance(10_500); // the first second's bucket has left the window
    h.sequence('FSSSS');
    expect(h.state).toBe('closed');
    expect((h.b.action!('metrics', {}) as { bufferedCalls: number }).bufferedCalls).toBe(5);
  });

  it('the same failures within the window trip it', () => {
    const h = new Harness(config);
    h.sequence('FFFF');
    h.advance(5000);
    h.sequence('F');
    expect(h.state).toBe('open');
  });

  it('windows keep exact totals as they slide', () => {
    const w = countWindow(3);
    w.record(true, false, 0);
    w.record(false, true, 0);
    w.record(true, true, 0);
    w.record(false, false, 0);
    expect([w.total, w.failed, w.slow]).toEqual([3, 1, 2]);
    const t = timeWindow(2000); // buckets of 200 ms
    t.record(true, false, 0);
    t.record(true, false, 1900);
    t.advance(2000);
    expect([t.total, t.failed]).toEqual([1, 1]);
    t.advance(100_000);
    expect([t.total, t.failed]).toEqual([0, 0]);
  });
});

describe('circuit breaker in a run', () => {
  it('opens under an injected gateway fault, probes, and closes after it; state and transitions are visible', () => {
    const text = readFileSync(resolve(__dirname, '../../../public/examples/circuit-breaker.json'), 'utf8');
    const v = validateTopologyText(text);
    if (!v.ok) throw new Error(JSON.stringify(v.errors));
    const sim = new Simulation(v.topology);
    const states: string[] = [];
    for (let t = 500; t <= 20_000; t += 500) {
      sim.run({ until: t });
      const s = sim.views()[sim.indexOf('breaker')]!.state!;
      if (states[states.length - 1] !== s) states.push(s);
    }
    expect(states[0]).toBe('closed');
    expect(states).toContain('open');
    expect(states[states.length - 1]).toBe('closed');
    const { items } = sim.action('breaker', 'transitions') as { items: BreakerTransition[] };
    const opened = items.find((t) => t.to === 'open')!;
    expect(opened.at).toBeGreaterThan(5000); // the fault starts at 5 s
    expect(opened.failureRate).toBeGreaterThanOrEqual(50);
    expect(items.some((t) => t.from === 'half-open' && t.to === 'open')).toBe(true); // probes failed during the fault
    const closed = items.filter((t) => t.to === 'closed');
    expect(closed[closed.length - 1].at).toBeGreaterThan(11_000); // closed again only after the fault
    const metrics = sim.action('breaker', 'metrics') as { totals: { rejected: number; failed: number } };
    expect(metrics.totals.rejected).toBeGreaterThan(0);
    // the fault failed calls of the breaker's own (its stream, its count), not messages at the door
    const fault = sim.hooks!.faults!.report()[0];
    expect(fault.affected).toBeGreaterThanOrEqual(10); // the calls it failed: enough to open, then the failing probes
    expect(metrics.totals.failed).toBeGreaterThanOrEqual(fault.affected);
  });
});
