import { describe, expect, it } from 'vitest';
import { hashString, Rng } from './rng';

const draws = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.nextUint32());

describe('Rng', () => {
  it('is determined by seed and stream name; different seeds or names give different streams', () => {
    expect(draws(Rng.forStream(7, 'workers'), 50)).toEqual(draws(Rng.forStream(7, 'workers'), 50));
    expect(draws(Rng.forStream(7, 'workers'), 50)).not.toEqual(draws(Rng.forStream(8, 'workers'), 50));
    expect(draws(Rng.forStream(7, 'workers'), 50)).not.toEqual(draws(Rng.forStream(7, 'orders'), 50));
    // seeds at the ends of the range work and differ
    expect(draws(Rng.forStream(0, 'a'), 5)).not.toEqual(draws(Rng.forStream(2 ** 32 - 1, 'a'), 5));
  });

  it('gives a pinned sequence (changing the generator changes every run: examples, docs and digests)', () => {
    expect(draws(Rng.forStream(1, 'x'), 3)).toEqual([4036831521, 442675572, 3737844798]);
    expect(hashString('abc')).toBe(440920331);
    expect(hashString('abc', 1)).not.toBe(hashString('abc', 0));
  });

  it('next() is uniform on [0, 1): chi-square over 20 bins, mean, and no lag-1 correlation', () => {
    const rng = Rng.forStream(12345, 'uniformity');
    const n = 200_000;
    const bins = new Array<number>(20).fill(0);
    let sum = 0;
    let prev = rng.next();
    let cross = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const v = rng.next();
      expect(v >= 0 && v < 1).toBe(true);
      bins[Math.floor(v * 20)]++;
      sum += v;
      cross += (v - 0.5) * (prev - 0.5);
      sq += (v - 0.5) ** 2;
      prev = v;
    }
    const expected = n / 20;
    const chi2 = bins.reduce((a, b) => a + (b - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(43.8); // 19 degrees of freedom, p = 0.001
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.003);
    expect(Math.abs(cross / sq)).toBeLessThan(0.01);
  });

  it('nextOpen() is in (0, 1]; int(min, max) covers its inclusive range evenly; chance(p) hits p of the time', () => {
    const rng = Rng.forStream(3, 'misc');
    const counts = new Map<number, number>();
    for (let i = 0; i < 60_000; i++) {
      const o = rng.nextOpen();
      expect(o > 0 && o <= 1).toBe(true);
      const k = rng.int(-2, 3);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2, 3]);
    for (const c of counts.values()) expect(Math.abs(c - 10_000)).toBeLessThan(400);
    let hits = 0;
    for (let i = 0; i < 100_000; i++) if (rng.chance(0.3)) hits++;
    expect(Math.abs(hits / 100_000 - 0.3)).toBeLessThan(0.005);
    for (let i = 0; i < 1000; i++) expect(rng.chance(0)).toBe(false);
    for (let i = 0; i < 1000; i++) expect(rng.chance(1)).toBe(true);
  });

  it('exponential() follows Exp(1): Kolmogorov–Smirnov over 400k draws, mean, variance, and the tail past the base layer', () => {
    const rng = Rng.forStream(99, 'exponential');
    const n = 400_000;
    const xs = new Float64Array(n);
    let sum = 0;
    let sq = 0;
    let beyond = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.exponential();
      expect(x).toBeGreaterThanOrEqual(0);
      xs[i] = x;
      sum += x;
      sq += x * x;
      if (x > 5) beyond++;
    }
    xs.sort();
    let d = 0;
    for (let i = 0; i < n; i++) {
      const cdf = 1 - Math.exp(-xs[i]);
      d = Math.max(d, Math.abs(cdf - i / n), Math.abs(cdf - (i + 1) / n));
    }
    // the 1 % critical value of D is 1.63 / √n; a wrong layer table or wedge test is far beyond it
    expect(d).toBeLessThan(1.63 / Math.sqrt(n));
    const mean = sum / n;
    expect(Math.abs(mean - 1)).toBeLessThan(4 / Math.sqrt(n)); // the standard deviation of Exp(1) is 1
    expect(Math.abs(sq / n - mean * mean - 1)).toBeLessThan(0.02);
    // P(X > 5) = e^-5: draws past the layers' edges come from the wedges and the tail
    expect(Math.abs(beyond / n / Math.exp(-5) - 1)).toBeLessThan(0.1);
    expect(xs[n - 1]).toBeGreaterThan(7.7); // the tail beyond R = 7.697 is reached
  });
});
