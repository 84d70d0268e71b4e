/**
 * Sampling of the file format's distributions, in virtual milliseconds. All draws come from the `Rng`
 * passed in. `normal` is truncated at 0 (redrawn while negative, a few times, then clamped); `lognormal`
 * takes the mean and standard deviation of the distribution itself, not of its logarithm.
 *
 * @example
 * const sample = compileDistribution({ dist: 'exponential', mean: 10 });
 * sample(rng); // e.g. 7.3
 */
import type { Distribution } from '../model/schemas';
import type { Rng } from './rng';

/** A compiled sampler: no parsing or branching on the distribution's shape per draw. */
export type Sampler = (rng: Rng) => number;

/** Compiles a distribution into a sampler. */
export function compileDistribution(d: Distribution): Sampler {
  switch (d.dist) {
    case 'constant': {
      const v = d.value;
      return () => v;
    }
    case 'exponential': {
      const mean = d.mean;
      return (rng) => mean * rng.exponential();
    }
    case 'uniform': {
      const { min, max } = d;
      return (rng) => min + (max - min) * rng.next();
    }
    case 'normal': {
      const { mean, stddev } = d;
      return (rng) => {
        for (let i = 0; i < 8; i++) {
          const v = mean + stddev * standardNormal(rng);
          if (v >= 0) return v;
        }
        return 0;
      };
    }
    case 'lognormal': {
      const { mean, stddev } = d;
      const sigma2 = Math.log(1 + (stddev * stddev) / (mean * mean));
      const mu = Math.log(mean) - sigma2 / 2;
      const sigma = Math.sqrt(sigma2);
      return (rng) => Math.exp(mu + sigma * standardNormal(rng));
    }
  }
}

/** The mean of a distribution (truncation of `normal` ignored), for previews and docs. */
export function distributionMean(d: Distribution): number {
  switch (d.dist) {
    case 'constant':
      return d.value;
    case 'uniform':
      return (d.min + d.max) / 2;
    default:
      return d.mean;
  }
}

/** A standard normal draw (Box–Muller, one of the pair; keeps the draw count per sample fixed). */
export function standardNormal(rng: Rng): number {
  const u = rng.nextOpen();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
