/**
 * Time series of a run for the throughput panel: a ring of the last `capacity` points (600 by default),
 * one point per frame at most every `minGapMs` of real time (250 ms: 600 points hold 2.5 minutes). Totals, end-to-end latency, and per-node and
 * per-edge figures are kept for every node and edge, so selecting a node shows its history at once.
 *
 * @example
 * const s = new SeriesBuffer(info.nodes.length, info.edges.length);
 * s.push(frame, performance.now());
 * const xs = s.read((slot) => s.t[slot]);
 */
import { EDGE_STRIDE, EdgeField, NODE_STRIDE, NodeField, type Frame } from '../../worker/frames';

/** Default number of points kept. */
export const SERIES_CAPACITY = 600;

export class SeriesBuffer {
  /** Points kept now. */
  length = 0;
  /** Slot of the next point. */
  private head = 0;
  private lastReal = -Infinity;
  private lastNow = -1;
  /** Virtual time of each point, in seconds. */
  readonly t: Float64Array;
  readonly produced: Float64Array;
  readonly completed: Float64Array;
  readonly failed: Float64Array;
  readonly p50: Float64Array;
  readonly p95: Float64Array;
  readonly p99: Float64Array;
  /** Sum of every node's queue depth. */
  readonly depthTotal: Float64Array;
  /** Per point, per node (slot * nodeCount + node). */
  readonly nodeRate: Float32Array;
  readonly nodeDepth: Float32Array;
  /** Latency quantiles of watched nodes (NaN when the node was not watched). */
  readonly nodeP50: Float32Array;
  readonly nodeP95: Float32Array;
  readonly nodeP99: Float32Array;
  /** Per point, per edge. */
  readonly edgeRate: Float32Array;

  constructor(
    readonly nodeCount: number,
    readonly edgeCount: number,
    readonly capacity = SERIES_CAPACITY,
    readonly minGapMs = 250,
  ) {
    const f64 = () => new Float64Array(capacity);
    this.t = f64();
    this.produced = f64();
    this.completed = f64();
    this.failed = f64();
    this.p50 = f64();
    this.p95 = f64();
    this.p99 = f64();
    this.depthTotal = f64();
    this.nodeRate = new Float32Array(capacity * nodeCount);
    this.nodeDepth = new Float32Array(capacity * nodeCount);
    this.nodeP50 = new Float32Array(capacity * nodeCount);
    this.nodeP95 = new Float32Array(capacity * nodeCount);
    this.nodeP99 = new Float32Array(capacity * nodeCount);
    this.edgeRate = new Float32Array(capacity * edgeCount);
  }

  /**
   * Adds a point for a frame, unless virtual time has not moved or the previous point is less than
   * `minGapMs` of real time old while the run is running. Returns whether a point was added.
   */
  push(frame: Frame, realNow: number): boolean {
    if (frame.now <= this.lastNow) return false;
    if (frame.state === 'running' && realNow - this.lastReal < this.minGapMs) return false;
    this.lastReal = realNow;
    this.lastNow = frame.now;
    const s = this.head;
    const n = this.nodeCount;
    this.t[s] = frame.now / 1000;
    this.produced[s] = frame.totals.producedRate;
    this.completed[s] = frame.totals.completedRate;
    this.failed[s] = frame.totals.failedRate;
    this.p50[s] = frame.latency.p50;
    this.p95[s] = frame.latency.p95;
    this.p99[s] = frame.latency.p99;
    let depth = 0;
    const base = s * n;
    for (let i = 0; i < n; i++) {
      const d = frame.nodes[i * NODE_STRIDE + NodeField.Depth];
      depth += d;
      this.nodeDepth[base + i] = d;
      this.nodeRate[base + i] = frame.nodes[i * NODE_STRIDE + NodeField.Rate];
    }
    this.nodeP50.fill(NaN, base, base + n);
    this.nodeP95.fill(NaN, base, base + n);
    this.nodeP99.fill(NaN, base, base + n);
    for (const { node, latency } of frame.nodeLatency) {
      if (node >= n) continue;
      this.nodeP50[base + node] = latency.p50;
      this.nodeP95[base + node] = latency.p95;
      this.nodeP99[base + node] = latency.p99;
    }
    this.depthTotal[s] = depth;
    const eb = s * this.edgeCount;
    for (let j = 0; j < this.edgeCount; j++)
      this.edgeRate[eb + j] = frame.edges[j * EDGE_STRIDE + EdgeField.Rate];
    this.head = (s + 1) % this.capacity;
    if (this.length < this.capacity) this.length++;
    return true;
  }

  /** The slot of the i-th point, oldest first. */
  slot(i: number): number {
    return (this.head - this.length + i + this.capacity) % this.capacity;
  }

  /** One series, oldest point first; NaN becomes null (a gap in the chart). */
  read(value: (slot: number) => number): (number | null)[] {
    const out = new Array<number | null>(this.length);
    for (let i = 0; i < this.length; i++) {
      const v = value(this.slot(i));
      out[i] = Number.isNaN(v) ? null : v;
    }
    return out;
  }
}
