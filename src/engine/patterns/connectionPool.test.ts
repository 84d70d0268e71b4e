import { describe, expect, it } from 'vitest';
import { TestSimulation } from '../testing/TestSimulation';

const constant = (value: number) => ({ dist: 'constant', value });

function pool(config: Record<string, unknown>, producer: Record<string, unknown>, until = 10_000) {
  const t = TestSimulation.of(
    {
      src: ['producer', { message: { type: 'Query', payload: { q: '{{seq}}' } }, ...producer }],
      pool: ['connection-pool', config],
      out: 'sink',
      dlq: 'dead-letter',
    },
    ['src -> pool', 'pool -> out', 'pool:dead-letter -> dlq'],
    { until },
  );
  return t;
}
const figures = (t: TestSimulation) => t.sim.views()[t.indexOf('pool')]!.figures!;
const state = (t: TestSimulation) => t.sim.views()[t.indexOf('pool')]!.state;

function checkAccounting(t: TestSimulation) {
  const a = t.accounting();
  expect(a.inFlight).toBe(a.byNodes + a.inTransit);
  expect(a.deadLettered).toBe(a.stored);
}

describe('connection pool', () => {
  it('is exhausted by a burst: waiters are served as connections free up, the rest time out', () => {
    const t = pool(
      { size: 2, setupTime: constant(0), useTime: constant(100), acquireTimeout: 250, idleTimeout: 0 },
      { arrival: 'burst', rate: 1, burst: { size: 10, every: 100_000 }, count: 10 },
    );
    t.run(50);
    expect(state(t)).toBe('exhausted');
    expect(figures(t)).toMatchObject({ active: 2, waiting: 8, created: 2 });
    checkAccounting(t);
    const r = t.run();
    // served at 0, 100 and 200 ms, two at a time; those that would start at 300 waited past 250 ms
    expect(r.nodes.out.completed).toBe(6);
    expect(figures(t)).toMatchObject({ timeouts: 4, waiting: 0, active: 0, idle: 2, created: 2 });
    const dead = t.action('dlq', 'list', {}) as { items: { reason: string }[] };
    expect(dead.items.every((d) => d.reason === 'timeout')).toBe(true);
    // time at the pool: served calls 100, 200 and 300 ms (two each), timed out ones 250 ms (four)
    expect(r.nodes.pool.latency.mean).toBeCloseTo((2 * 100 + 2 * 200 + 2 * 300 + 4 * 250) / 10, 6);
    checkAccounting(t);
  });

  it('recovers after the burst: later calls get an idle connection at once', () => {
    const t = pool(
      { size: 3, setupTime: constant(30), useTime: constant(10), acquireTimeout: 100, idleTimeout: 0 },
      { arrival: 'burst', rate: 1, burst: { size: 30, every: 2000 }, count: 90 },
    );
    const r = t.run();
    // the first burst waits 30 ms for setup, so 7 rounds of 3 start before the 100 ms timeout and 9 time out;
    // the next bursts find idle connections: 10 rounds of 3 fit, nobody times out
    expect(r.nodes.dlq.received).toBe(9);
    expect(r.nodes.out.completed).toBe(81);
    expect(figures(t).created).toBe(3);
    expect(state(t)).toBe('ok');
    expect(figures(t)).toMatchObject({ waiting: 0, active: 0, idle: 3 });
    checkAccounting(t);
  });

  it('charges connection setup unless connections are kept warm', () => {
    const light = { rate: 5, arrival: 'constant' as const, startAt: 100 };
    const cold = pool({ size: 4, setupTime: constant(80), useTime: constant(5), idleTimeout: 100 }, light).run();
    const warm = pool({ size: 4, minIdle: 1, setupTime: constant(80), useTime: constant(5), idleTimeout: 100 }, light).run();
    // calls 200 ms apart and eviction after 100 ms idle: every cold call opens a connection
    expect(cold.nodes.pool.latency.mean).toBeCloseTo(85, 6);
    expect(warm.nodes.pool.latency.mean).toBeCloseTo(5, 6);
  });

  it('evicts idle connections after idleTimeout, keeping minIdle', () => {
    const t = pool(
      { size: 5, minIdle: 2, setupTime: constant(10), useTime: constant(50), idleTimeout: 500, acquireTimeout: 0 },
      { arrival: 'burst', rate: 1, burst: { size: 5, every: 100_000 }, count: 5 },
    );
    t.run(200);
    expect(figures(t)).toMatchObject({ created: 5, idle: 5 });
    t.run(2000);
    expect(figures(t)).toMatchObject({ created: 5, evicted: 3, idle: 2 });
    expect(t.report().nodes.out.completed).toBe(5);
  });

  it('finds broken connections by a check on borrow, so no call fails', () => {
    const t = pool(
      { size: 2, setupTime: constant(20), useTime: constant(10), testOnBorrow: true, checkTime: 1, brokenRate: 0.3, idleTimeout: 0, acquireTimeout: 0 },
      { rate: 50, count: 500 },
      60_000,
    );
    const r = t.run();
    const f = figures(t);
    expect(r.nodes.out.completed).toBe(500);
    expect(f.failed).toBe(0);
    expect(f.broken).toBeGreaterThan(100);
    // connections are closed only when found broken (no idle eviction)
    expect(f.created).toBe(f.broken + f.idle + f.active + f.connecting);
    checkAccounting(t);
  });

  it('without checks a call on a broken connection fails, is retried on another, then dead-lettered', () => {
    const t = pool(
      { size: 4, setupTime: constant(20), useTime: constant(10), brokenRate: 0.3, maxAttempts: 2, checkTime: 2, idleTimeout: 0, acquireTimeout: 0 },
      { rate: 50, count: 1000 },
      60_000,
    );
    const r = t.run();
    const f = figures(t);
    expect(f.failed).toBeGreaterThan(100);
    expect(r.nodes.pool.retried).toBeGreaterThan(0);
    expect(r.nodes.out.completed + r.nodes.dlq.received).toBe(1000);
    expect(r.nodes.dlq.received).toBeGreaterThan(0);
    expect(r.nodes.dlq.received).toBeLessThan(f.failed);
    const dead = t.action('dlq', 'list', { limit: 1 }) as { items: { reason: string; detail: string }[] };
    expect(dead.items[0]).toMatchObject({ reason: 'error', detail: expect.stringContaining('broken connection') });
    checkAccounting(t);
  });

  it('keep-alive health checks find broken idle connections before a call does', () => {
    const run = (keepAlive: number) => {
      const t = pool(
        { size: 4, minIdle: 4, setupTime: constant(20), useTime: constant(10), brokenRate: 0.2, keepAlive, idleTimeout: 0, acquireTimeout: 0, maxAttempts: 3 },
        { rate: 2, count: 100, arrival: 'constant' },
        60_000,
      );
      t.run();
      return figures(t);
    };
    const without = run(0);
    const withChecks = run(100);
    // calls are 500 ms apart and checks run every 100 ms: almost every broken connection is found idle
    expect(withChecks.broken).toBeGreaterThan(5);
    expect(withChecks.failed).toBeLessThan(without.failed / 3);
  });

  it('bounds the wait queue', () => {
    const t = pool(
      { size: 1, setupTime: constant(0), useTime: constant(100), maxWaiting: 3, acquireTimeout: 0 },
      { arrival: 'burst', rate: 1, burst: { size: 10, every: 100_000 }, count: 10 },
    );
    const r = t.run();
    // the first call waits for the connection being opened, two more wait behind it
    expect(figures(t).overflow).toBe(7);
    expect(r.nodes.out.completed).toBe(3);
  });
});
