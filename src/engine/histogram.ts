/**
 * A streaming latency histogram in constant memory: log-linear buckets with < 1 % relative accuracy
 * (HdrHistogram-style), plus exact count, sum, min and max. Quantiles are within 1 % of the true value.
 *
 * @example
 * const h = new Histogram();
 * h.record(12.5);
 * h.quantile(0.99);
 */
// Log-linear buckets (as in HdrHistogram): a value's binary exponent picks a power-of-two range, the top
// 6 bits of its mantissa one of 64 equal slices of it. Read straight from the float's bits (no Math.log
// on the hot path). A slice is at most 1/64 of its value wide, so its midpoint is within 0.8 % of any value
// in it.
const SUB_BITS = 6;
const SUBS = 1 << SUB_BITS;
const MIN_VALUE = 1e-3; // 1 µs; smaller values count as 0
const MAX_VALUE = 1e10; // ~115 virtual days; larger values share the last bucket
const EXP_BIAS = 1023;
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE_ENDIAN ? 1 : 0;
const rawIndex = (v: number): number => {
  f64[0] = v;
  return u32[HI] >>> (20 - SUB_BITS); // exponent and top mantissa bits, as one ordered number
};
const FIRST = rawIndex(MIN_VALUE);
const BUCKETS = rawIndex(MAX_VALUE) - FIRST + 1;

/** The midpoint of bucket i. */
function bucketMid(i: number): number {
  const raw = i + FIRST;
  const exp = (raw >>> SUB_BITS) - EXP_BIAS;
  const sub = raw & (SUBS - 1);
  return Math.pow(2, exp) * (1 + (sub + 0.5) / SUBS);
}

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
  // allocated on the first positive value: many nodes (producers, routers) only ever record 0, and a
  // topology of 100k nodes should not pay 12 KB each for them
  private counts: Uint32Array | null = null;
  private zeros = 0;
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
    if (v <= MIN_VALUE) {
      this.zeros++;
      return;
    }
    let i = v >= MAX_VALUE ? BUCKETS - 1 : rawIndex(v) - FIRST;
    if (i < 0) i = 0;
    (this.counts ??= new Uint32Array(BUCKETS))[i]++;
  }

  /** The exact mean, or 0 when empty. */
  mean(): number {
    return this.count ? this.sum / this.count : 0;
  }

  /** The q-quantile (0 ≤ q ≤ 1), within 1 % relative error; 0 when empty. */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = q * (this.count - 1);
    let seen = this.zeros;
    if (seen > rank) return Math.min(this.min, MIN_VALUE);
    const counts = this.counts;
    if (counts === null) return this.max;
    for (let i = 0; i < BUCKETS; i++) {
      seen += counts[i];
      if (seen > rank) {
        // the bucket's midpoint, clamped to what was seen
        return Math.min(Math.max(bucketMid(i), this.min), this.max);
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
    this.counts = null;
    this.zeros = 0;
    this.count = 0;
    this.sum = 0;
    this.max = 0;
    this.min = Infinity;
  }
}
