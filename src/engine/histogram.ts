/**
 * A streaming latency histogram in constant memory: logarithmic buckets with 1 % relative accuracy
 * (DDSketch-style), plus exact count, sum, min and max. Quantiles are within 1 % of the true value.
 *
 * @example
 * const h = new Histogram();
 * h.record(12.5);
 * h.quantile(0.99);
 */
const GAMMA = 1.02; // bucket i holds (GAMMA^(i-1), GAMMA^i]; relative error (GAMMA-1)/(GAMMA+1) < 1 %
const LOG_GAMMA = Math.log(GAMMA);
const MIN_VALUE = 1e-3; // 1 µs; smaller values share the first bucket
const OFFSET = Math.ceil(Math.log(MIN_VALUE) / LOG_GAMMA);
const BUCKETS = Math.ceil(Math.log(1e10) / LOG_GAMMA) - OFFSET + 2; // up to 1e10 ms (~115 virtual days)

/** Summary figures of a histogram. */
export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export class Histogram {
  private readonly counts = new Float64Array(BUCKETS);
  /** Values recorded. */
  count = 0;
  /** Sum of values, for the exact mean. */
  sum = 0;
  max = 0;
  min = Infinity;

  /** Records one value (ms). Negative values are recorded as 0. */
  record(value: number): void {
    const v = value > 0 ? value : 0;
    this.count++;
    this.sum += v;
    if (v > this.max) this.max = v;
    if (v < this.min) this.min = v;
    let i = v <= MIN_VALUE ? 0 : Math.ceil(Math.log(v) / LOG_GAMMA) - OFFSET;
    if (i >= BUCKETS) i = BUCKETS - 1;
    this.counts[i]++;
  }

  /** The exact mean, or 0 when empty. */
  mean(): number {
    return this.count ? this.sum / this.count : 0;
  }

  /** The q-quantile (0 ≤ q ≤ 1), within 1 % relative error; 0 when empty. */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = q * (this.count - 1);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen > rank) {
        if (i === 0) return Math.min(this.min, MIN_VALUE);
        // midpoint (in relative terms) of the bucket, clamped to what was seen
        const v = (2 * Math.pow(GAMMA, i + OFFSET)) / (GAMMA + 1);
        return Math.min(Math.max(v, this.min), this.max);
      }
    }
    return this.max;
  }

  /** Mean, p50, p95, p99 and max. */
  summary(): LatencySummary {
    return {
      count: this.count,
      mean: this.mean(),
      p50: this.quantile(0.5),
      p95: this.quantile(0.95),
      p99: this.quantile(0.99),
      max: this.max,
    };
  }

  /** Forgets everything recorded. */
  clear(): void {
    this.counts.fill(0);
    this.count = 0;
    this.sum = 0;
    this.max = 0;
    this.min = Infinity;
  }
}
