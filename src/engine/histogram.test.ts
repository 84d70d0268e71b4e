import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Histogram } from './histogram';
import { Rng } from './rng';

/** The exact q-quantile as the histogram defines it: the sorted value at rank floor(q·(n−1)). */
const exact = (sorted: number[], q: number) => sorted[Math.floor(q * (sorted.length - 1))];
const QS = [0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1];

function check(values: number[]) {
  const h = new Histogram();
  for (const v of values) h.record(v);
  const sorted = [...values].sort((a, b) => a - b);
  for (const q of QS) {
    const want = exact(sorted, q);
    const got = h.quantile(q);
    expect(Math.abs(got - want) / want, `q=${q}: got ${got}, exact ${want}`).toBeLessThanOrEqual(0.01);
  }
  expect(h.count).toBe(values.length);
  expect(h.max).toBe(sorted[sorted.length - 1]);
  expect(h.min).toBe(sorted[0]);
  expect(h.mean()).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 6);
}

describe('Histogram', () => {
  it('quantiles within 1 % of the exact sorted quantiles: exponential, lognormal over 6 decades, uniform', () => {
    const rng = Rng.forStream(1, 'hist');
    check(Array.from({ length: 100_000 }, () => -10 * Math.log(rng.nextOpen())));
    check(Array.from({ length: 100_000 }, () => Math.exp(Math.log(0.01) + rng.next() * Math.log(1e8))));
    check(Array.from({ length: 50_000 }, () => 1 + 999 * rng.next()));
  });

  it('quantiles within 1 % for any values from 1 µs to 100 virtual days (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.01, max: 1e10, noNaN: true }), { minLength: 1, maxLength: 500 }), (values) => check(values)),
    );
  });

  it('is exact for a single value and for repeated values', () => {
    check([42]);
    check(new Array<number>(1000).fill(3.5));
  });

  it('records values ≤ 0 as 0; an empty histogram reports zeros', () => {
    const h = new Histogram();
    expect(h.summary()).toEqual({ count: 0, mean: 0, p50: 0, p95: 0, p99: 0, max: 0 });
    h.record(-5);
    h.record(0);
    expect(h.quantile(0.5)).toBe(0);
    expect(h.mean()).toBe(0);
    h.record(10);
    expect(h.summary().max).toBe(10);
    h.clear();
    expect(h.count).toBe(0);
    expect(h.quantile(0.99)).toBe(0);
  });

  it('summary gives count, mean, p50, p95, p99 and max', () => {
    const h = new Histogram();
    for (let i = 1; i <= 1000; i++) h.record(i);
    const s = h.summary();
    expect(s.count).toBe(1000);
    expect(s.mean).toBe(500.5);
    expect(Math.abs(s.p50 - 500) / 500).toBeLessThanOrEqual(0.01);
    expect(Math.abs(s.p95 - 950) / 950).toBeLessThanOrEqual(0.01);
    expect(Math.abs(s.p99 - 990) / 990).toBeLessThanOrEqual(0.01);
    expect(s.max).toBe(1000);
  });
});
