import { describe, expect, it } from 'vitest';
import type { Distribution } from '../model/schemas';
import { compileDistribution, distributionMean, standardNormal } from './distributions';
import { Rng } from './rng';

const N = 200_000;

function stats(d: Distribution, seed = 1): { mean: number; sd: number; min: number } {
  const sample = compileDistribution(d);
  const rng = Rng.forStream(seed, 'dist');
  let sum = 0;
  let sum2 = 0;
  let min = Infinity;
  for (let i = 0; i < N; i++) {
    const v = sample(rng);
    sum += v;
    sum2 += v * v;
    if (v < min) min = v;
  }
  const mean = sum / N;
  return { mean, sd: Math.sqrt(sum2 / N - mean * mean), min };
}

/** Standard normal density and distribution function (Abramowitz–Stegun 7.1.26 erf, error < 1.5e-7). */
const phi = (x: number) => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
function Phi(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

const close = (actual: number, expected: number, rel: number) => expect(Math.abs(actual - expected) / expected).toBeLessThan(rel);

describe('distributions', () => {
  it('constant always gives its value', () => {
    expect(stats({ dist: 'constant', value: 7 })).toEqual({ mean: 7, sd: 0, min: 7 });
  });

  it('exponential: mean and standard deviation equal the mean', () => {
    const s = stats({ dist: 'exponential', mean: 10 });
    close(s.mean, 10, 0.01);
    close(s.sd, 10, 0.015);
    expect(s.min).toBeGreaterThan(0);
  });

  it('uniform: mean (a+b)/2, sd (b−a)/√12, within [a, b]', () => {
    const s = stats({ dist: 'uniform', min: 4, max: 16 });
    close(s.mean, 10, 0.005);
    close(s.sd, 12 / Math.sqrt(12), 0.01);
    expect(s.min).toBeGreaterThanOrEqual(4);
  });

  it('normal far from 0: mean and sd as given', () => {
    const s = stats({ dist: 'normal', mean: 100, stddev: 10 });
    close(s.mean, 100, 0.001);
    close(s.sd, 10, 0.01);
  });

  it('normal near 0 is truncated at 0: matches the truncated normal mean and sd; never negative', () => {
    const mu = 1;
    const sigma = 1;
    const s = stats({ dist: 'normal', mean: mu, stddev: sigma });
    const alpha = -mu / sigma;
    const lambda = phi(alpha) / (1 - Phi(alpha));
    const mean = mu + sigma * lambda;
    const sd = sigma * Math.sqrt(1 + alpha * lambda - lambda * lambda);
    expect(s.min).toBeGreaterThanOrEqual(0);
    close(s.mean, mean, 0.01); // 1.2876
    close(s.sd, sd, 0.015);
    expect(distributionMean({ dist: 'normal', mean: mu, stddev: sigma })).toBe(mu); // documented: truncation ignored
  });

  it('lognormal takes the mean and sd of the distribution itself (not of its logarithm)', () => {
    const s = stats({ dist: 'lognormal', mean: 10, stddev: 5 });
    close(s.mean, 10, 0.01);
    close(s.sd, 5, 0.03);
    expect(s.min).toBeGreaterThan(0);
    const flat = stats({ dist: 'lognormal', mean: 3, stddev: 0 });
    close(flat.mean, 3, 1e-9);
  });

  it('distributionMean gives each mean', () => {
    expect(distributionMean({ dist: 'constant', value: 2 })).toBe(2);
    expect(distributionMean({ dist: 'exponential', mean: 3 })).toBe(3);
    expect(distributionMean({ dist: 'uniform', min: 2, max: 6 })).toBe(4);
    expect(distributionMean({ dist: 'lognormal', mean: 5, stddev: 1 })).toBe(5);
  });

  it('standardNormal has mean 0 and sd 1, and uses two draws per sample', () => {
    const rng = Rng.forStream(9, 'z');
    let sum = 0;
    let sum2 = 0;
    for (let i = 0; i < N; i++) {
      const z = standardNormal(rng);
      sum += z;
      sum2 += z * z;
    }
    expect(Math.abs(sum / N)).toBeLessThan(0.01);
    close(Math.sqrt(sum2 / N), 1, 0.01);
    const a = Rng.forStream(1, 'k');
    const b = Rng.forStream(1, 'k');
    standardNormal(a);
    b.next();
    b.next();
    expect(a.next()).toBe(b.next());
  });

  it('is deterministic for a seed', () => {
    expect(stats({ dist: 'lognormal', mean: 10, stddev: 20 }, 5)).toEqual(stats({ dist: 'lognormal', mean: 10, stddev: 20 }, 5));
  });
});
