/**
 * Fidelity to queueing theory: producer (Poisson λ) → point-to-point channel → service activator
 * (c workers). The channel is the waiting room, so its node latency is the wait Wq, its mean depth is Lq,
 * the activator's utilization is ρ, and the end-to-end latency is the time in system W. Analytic values
 * are computed here from the textbook formulas; runs are long (hundreds of thousands of messages) with a
 * fixed seed, so the tests are deterministic.
 */
import { describe, expect, it } from 'vitest';
import type { RunReport } from './report';
import { TestSimulation } from './testing/TestSimulation';

const S = 10; // mean service time (ms)
const TOL = 0.05;

/** Erlang C: probability that an arrival waits in M/M/c with offered load a = λ/μ. */
function erlangC(c: number, a: number): number {
  const rho = a / c;
  let term = 1; // a^k / k!
  let sum = 0;
  for (let k = 0; k < c; k++) {
    sum += term;
    term *= a / (k + 1);
  }
  // here term = a^c / c!
  const top = term / (1 - rho);
  return top / (sum + top);
}

interface Analytic {
  Wq: number;
  W: number;
  Lq: number;
  rho: number;
}

function mmc(c: number, lambda: number, mean: number): Analytic {
  const a = lambda * mean;
  const Wq = erlangC(c, a) / (c / mean - lambda);
  return { Wq, W: Wq + mean, Lq: lambda * Wq, rho: a / c };
}

function md1(lambda: number, service: number): Analytic {
  const rho = lambda * service;
  const Wq = (rho * service) / (2 * (1 - rho)); // Pollaczek–Khinchine with zero service variance
  return { Wq, W: Wq + service, Lq: lambda * Wq, rho };
}

function queueRun(c: number, lambda: number, service: Record<string, unknown>, until: number, channel: Record<string, unknown> = {}) {
  const t = TestSimulation.of(
    {
      src: ['producer', { rate: lambda * 1000, arrival: 'poisson' }],
      q: ['point-to-point', channel],
      w: ['service-activator', { concurrency: c, serviceTime: service }],
    },
    ['src -> q', 'q -> w'],
    { until },
  );
  return t.run();
}

interface Measured {
  Wq: number;
  W: number;
  Lq: number;
  rho: number;
  L: number;
  lambda: number;
}

function measured(r: RunReport, c: number): Measured {
  const q = r.nodes.q;
  const w = r.nodes.w;
  return {
    Wq: q.latency.mean,
    W: r.totals.latency.mean,
    Lq: q.queue.meanDepth,
    rho: w.utilization,
    // number in system = waiting + in service
    L: q.queue.meanDepth + w.utilization * c,
    lambda: w.received / r.now,
  };
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

function expectMatches(name: string, m: Measured, a: Analytic) {
  const rows = (['Wq', 'W', 'Lq', 'rho'] as const).map((k) => `${k}: measured ${m[k].toFixed(4)} analytic ${a[k].toFixed(4)} (${(100 * (m[k] / a[k] - 1)).toFixed(2)} %)`);
  console.log(`${name}\n  ${rows.join('\n  ')}`);
  for (const k of ['Wq', 'W', 'Lq', 'rho'] as const) expect(rel(m[k], a[k]), `${name} ${k}`).toBeLessThan(TOL);
}

function expectLittle(m: Measured) {
  // Little's law holds on the sample path, with the measured arrival rate, up to end effects
  expect(rel(m.L, m.lambda * m.W)).toBeLessThan(0.01);
  expect(rel(m.Lq, m.lambda * m.Wq)).toBeLessThan(0.01);
}

describe('queueing theory', () => {
  it('M/M/1 at ρ = 0.8 matches Wq, W, Lq and utilization; Little’s law holds', () => {
    const lambda = 0.8 / S;
    const r = queueRun(1, lambda, { dist: 'exponential', mean: S }, 5_000_000);
    expect(r.totals.produced).toBeGreaterThan(350_000);
    const m = measured(r, 1);
    expectMatches('M/M/1 ρ=0.8', m, mmc(1, lambda, S));
    expectLittle(m);
  });

  it('M/M/3 at ρ = 0.9 matches the Erlang C wait', () => {
    const c = 3;
    const lambda = (0.9 * c) / S;
    const r = queueRun(c, lambda, { dist: 'exponential', mean: S }, 2_000_000);
    expect(r.totals.produced).toBeGreaterThan(500_000);
    const m = measured(r, c);
    const a = mmc(c, lambda, S);
    expect(erlangC(c, lambda * S)).toBeCloseTo(0.81706, 4); // the textbook value for c = 3, a = 2.7
    expectMatches('M/M/3 ρ=0.9', m, a);
    expectLittle(m);
  });

  it('M/D/1 at ρ = 0.8 matches Pollaczek–Khinchine', () => {
    const lambda = 0.8 / S;
    const r = queueRun(1, lambda, { dist: 'constant', value: S }, 3_000_000);
    expect(r.totals.produced).toBeGreaterThan(200_000);
    const m = measured(r, 1);
    expectMatches('M/D/1 ρ=0.8', m, md1(lambda, S));
    expectLittle(m);
    // deterministic service: time in system minus wait is exactly the service time, for every message
    expect(r.nodes.w.latency.max).toBeCloseTo(S, 9);
  });

  it('M/M/1/K (channel capacity K, overflow drop) matches the loss probability', () => {
    const lambda = 0.8 / S;
    const rho = lambda * S;
    const K = 5;
    const N = K + 1; // the channel holds K, the worker one more
    const r = queueRun(1, lambda, { dist: 'exponential', mean: S }, 3_000_000, { capacity: K, overflow: 'drop' });
    const loss = r.totals.dropped / r.totals.produced;
    const analytic = ((1 - rho) * Math.pow(rho, N)) / (1 - Math.pow(rho, N + 1));
    console.log(`M/M/1/${N} loss: measured ${loss.toFixed(5)} analytic ${analytic.toFixed(5)} (${(100 * (loss / analytic - 1)).toFixed(2)} %)`);
    expect(r.totals.droppedByReason.overflow).toBe(r.totals.dropped);
    expect(rel(loss, analytic)).toBeLessThan(TOL);
    // the worker is busy whenever the system is not empty: utilization = 1 − P0
    const p0 = (1 - rho) / (1 - Math.pow(rho, N + 1));
    expect(rel(r.nodes.w.utilization, 1 - p0)).toBeLessThan(TOL);
    expect(r.nodes.q.queue.maxDepth).toBe(K);
    // mean number in system: Σ n·p_n with p_n = p0·ρ^n
    let L = 0;
    for (let n = 1; n <= N; n++) L += n * p0 * Math.pow(rho, n);
    const m = measured(r, 1);
    console.log(`M/M/1/${N} L: measured ${m.L.toFixed(4)} analytic ${L.toFixed(4)}`);
    expect(rel(m.L, L)).toBeLessThan(TOL);
    // Little's law with the accepted arrival rate for the system; the channel's latency also counts the
    // dropped messages (0 ms there), so the channel's own law uses every arrival at it
    expect(rel(m.L, m.lambda * m.W)).toBeLessThan(0.01);
    expect(rel(m.Lq, (r.nodes.q.received / r.now) * m.Wq)).toBeLessThan(0.01);
  });
});

describe('competing consumers', () => {
  it('three single-worker consumers on one channel behave as M/M/3 (first-idle dispatch)', () => {
    const c = 3;
    const lambda = (0.9 * c) / S;
    const worker = ['service-activator', { concurrency: 1, serviceTime: { dist: 'exponential', mean: S } }] as const;
    const t = TestSimulation.of(
      { src: ['producer', { rate: lambda * 1000 }], q: ['point-to-point', { dispatch: 'first-idle' }], w1: worker, w2: worker, w3: worker },
      ['src -> q', 'q -> w1', 'q -> w2', 'q -> w3'],
      { until: 1_000_000 },
    );
    const r = t.run();
    const a = mmc(c, lambda, S);
    const wq = r.nodes.q.latency.mean;
    console.log(`3 competing consumers: Wq measured ${wq.toFixed(4)} analytic ${a.Wq.toFixed(4)}`);
    expect(rel(wq, a.Wq)).toBeLessThan(TOL);
    const u = [r.nodes.w1.utilization, r.nodes.w2.utilization, r.nodes.w3.utilization];
    expect(rel((u[0] + u[1] + u[2]) / 3, 0.9)).toBeLessThan(TOL);
    // first-idle favours the first consumer whenever several are idle
    expect(u[0]).toBeGreaterThan(u[1]);
    expect(u[1]).toBeGreaterThan(u[2]);
  });
});
