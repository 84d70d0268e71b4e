/**
 * Builds frames from a running simulation: counters and gauges copied out of the engine's typed arrays,
 * rates smoothed over virtual time, the newest trace spans (bounded), new strings, and the typed arrays to
 * transfer. One builder per run; it remembers what it has already sent.
 *
 * @example
 * const fb = new FrameBuilder(sim, runId, { maxSpansPerFrame: 10_000 });
 * const frame = fb.build('running', eventsPerSec);
 * listener(transfer(frame, transferablesOf(frame)));
 */
import { Counter } from '../engine/metrics';
import type { Histogram } from '../engine/histogram';
import type { Simulation } from '../engine/Simulation';
import {
  EDGE_STRIDE,
  EdgeField,
  NODE_STRIDE,
  NodeField,
  type Frame,
  type FrameLatency,
  type FrameSpans,
  type RunState,
} from './frames';

/** Options of a frame builder. */
export interface FrameBuilderOptions {
  /** Most trace spans in one frame; older ones beyond it are skipped (counted in `spansSkipped`). */
  maxSpansPerFrame: number;
  /** Time constant of the rate smoothing, in virtual ms. */
  rateTau: number;
  /** Most nodes whose latency quantiles are computed per frame. */
  maxWatched: number;
}

/** Default frame builder options. */
export const DEFAULT_FRAME_OPTIONS: FrameBuilderOptions = {
  maxSpansPerFrame: 10_000,
  rateTau: 1000,
  maxWatched: 16,
};

const TOTAL_FIELDS = 3; // produced, completed, failed (dead-lettered + dropped)

export class FrameBuilder {
  private seq = 0;
  private spanCursor = 0;
  private stringCursor = 0;
  private lastNow: number;
  private readonly prevNode: Float64Array;
  private readonly nodeRate: Float64Array;
  private readonly prevOut: Float64Array;
  private readonly outRate: Float64Array;
  private readonly prevEdge: Float64Array;
  private readonly edgeRate: Float64Array;
  private readonly prevTotals = new Float64Array(TOTAL_FIELDS);
  private readonly totalRate = new Float64Array(TOTAL_FIELDS);
  private watched: number[] = [];
  private readonly options: FrameBuilderOptions;

  constructor(
    private readonly sim: Simulation,
    readonly runId: number,
    options: Partial<FrameBuilderOptions> = {},
  ) {
    this.options = { ...DEFAULT_FRAME_OPTIONS, ...options };
    const n = sim.nodes.length;
    const e = sim.edges.length;
    this.prevNode = new Float64Array(n);
    this.nodeRate = new Float64Array(n);
    this.prevOut = new Float64Array(n);
    this.outRate = new Float64Array(n);
    this.prevEdge = new Float64Array(e);
    this.edgeRate = new Float64Array(e);
    this.lastNow = sim.now;
  }

  /** Nodes whose latency quantiles go into frames (at most `maxWatched`; unknown ids are ignored). */
  watch(nodeIds: readonly string[]): void {
    const out: number[] = [];
    for (const id of nodeIds) {
      const i = this.sim.indexOf(id);
      if (i >= 0 && !out.includes(i)) out.push(i);
      if (out.length >= this.options.maxWatched) break;
    }
    this.watched = out;
  }

  /** Builds the next frame. `eventsPerSec` is the driver's measure of real-time speed. */
  build(state: RunState, eventsPerSec: number): Frame {
    const sim = this.sim;
    const m = sim.metrics;
    const n = sim.nodes.length;
    const e = sim.edges.length;
    const dt = sim.now - this.lastNow;
    // exponential smoothing over virtual time; a frame that covers many time constants gives the plain rate
    const alpha = dt > 0 ? 1 - Math.exp(-dt / this.options.rateTau) : 0;
    const nodes = new Float64Array(n * NODE_STRIDE);
    for (let i = 0; i < n; i++) {
      const o = i * NODE_STRIDE;
      const received = m.get(i, Counter.Received);
      nodes[o + NodeField.Received] = received;
      const emitted = m.get(i, Counter.Emitted);
      nodes[o + NodeField.Emitted] = emitted;
      nodes[o + NodeField.Completed] = m.get(i, Counter.Completed);
      nodes[o + NodeField.DeadLettered] = m.get(i, Counter.DeadLettered);
      nodes[o + NodeField.Dropped] = m.get(i, Counter.Dropped);
      nodes[o + NodeField.Failed] = m.get(i, Counter.Failed);
      nodes[o + NodeField.Retried] = m.get(i, Counter.Retried);
      nodes[o + NodeField.Depth] = m.depth(i);
      nodes[o + NodeField.Busy] = m.busy(i);
      if (dt > 0)
        this.nodeRate[i] += alpha * (((received - this.prevNode[i]) * 1000) / dt - this.nodeRate[i]);
      if (dt > 0) this.outRate[i] += alpha * (((emitted - this.prevOut[i]) * 1000) / dt - this.outRate[i]);
      this.prevNode[i] = received;
      this.prevOut[i] = emitted;
      nodes[o + NodeField.Rate] = this.nodeRate[i];
      nodes[o + NodeField.OutRate] = this.outRate[i];
    }
    const edges = new Float64Array(e * EDGE_STRIDE);
    for (let j = 0; j < e; j++) {
      const count = m.edgeMessages[j];
      if (dt > 0) this.edgeRate[j] += alpha * (((count - this.prevEdge[j]) * 1000) / dt - this.edgeRate[j]);
      this.prevEdge[j] = count;
      edges[j * EDGE_STRIDE + EdgeField.Messages] = count;
      edges[j * EDGE_STRIDE + EdgeField.Rate] = this.edgeRate[j];
    }
    const cur = [m.produced, m.completed, m.deadLettered + m.dropped];
    for (let k = 0; k < TOTAL_FIELDS; k++) {
      if (dt > 0)
        this.totalRate[k] += alpha * (((cur[k] - this.prevTotals[k]) * 1000) / dt - this.totalRate[k]);
      this.prevTotals[k] = cur[k];
    }
    this.lastNow = sim.now;

    const { spans, skipped } = this.takeSpans();
    const table = sim.trace.strings.values;
    const stringsFrom = this.stringCursor;
    const strings = table.length > stringsFrom ? table.slice(stringsFrom) : [];
    this.stringCursor = table.length;

    return {
      runId: this.runId,
      seq: this.seq++,
      state,
      now: sim.now,
      until: sim.settings.until,
      events: sim.events,
      eventsPerSec,
      nodes,
      edges,
      views: sim.views(),
      totals: {
        produced: m.produced,
        derived: m.derived,
        completed: m.completed,
        deadLettered: m.deadLettered,
        dropped: m.dropped,
        merged: m.merged,
        inFlight: m.inFlight,
        producedRate: this.totalRate[0],
        completedRate: this.totalRate[1],
        failedRate: this.totalRate[2],
      },
      latency: quantiles(m.endToEnd),
      nodeLatency: this.watched.map((i) => ({ node: i, latency: quantiles(m.latency[i]) })),
      spans,
      spansSkipped: skipped,
      strings,
      stringsFrom,
    };
  }

  /** The newest spans since the last frame, at most maxSpansPerFrame of them. */
  private takeSpans(): { spans: FrameSpans | null; skipped: number } {
    const trace = this.sim.trace;
    const written = trace.written;
    if (written <= this.spanCursor) return { spans: null, skipped: 0 };
    const start = Math.max(this.spanCursor, written - this.options.maxSpansPerFrame, trace.oldest);
    const skipped = start - this.spanCursor;
    const page = trace.since(start, written - start);
    this.spanCursor = written;
    const count = page.count;
    const corr = new Int32Array(count);
    const corrStrings: string[] = [];
    let local: Map<string, number> | null = null;
    for (let k = 0; k < count; k++) {
      const c = page.correlation[k];
      // the default correlation id is the root message's id: send nothing for it
      if (c.length > 1 && c.charCodeAt(0) === 109 /* m */ && c === 'm' + page.root[k]) {
        corr[k] = -1;
        continue;
      }
      local ??= new Map();
      let idx = local.get(c);
      if (idx === undefined) {
        idx = corrStrings.length;
        corrStrings.push(c);
        local.set(c, idx);
      }
      corr[k] = idx;
    }
    return {
      skipped,
      spans: {
        from: page.from,
        count,
        msg: page.msg,
        root: page.root,
        node: page.node,
        hop: page.hop,
        tIn: page.tIn,
        tOut: page.tOut,
        outcome: page.outcome,
        port: page.port,
        reason: page.reason,
        type: page.type,
        kind: page.kind,
        edge: page.edge,
        corr,
        corrStrings,
      },
    };
  }
}

function quantiles(h: Histogram): FrameLatency {
  return { count: h.count, p50: h.quantile(0.5), p95: h.quantile(0.95), p99: h.quantile(0.99) };
}

/** The typed-array columns of a page of spans (one list, so transfer and size never disagree). */
function spanColumns(s: NonNullable<Frame['spans']>): ArrayBufferView[] {
  return [s.msg, s.root, s.node, s.hop, s.tIn, s.tOut, s.outcome, s.port, s.reason, s.type, s.kind, s.edge, s.corr];
}

/** The buffers of a frame's typed arrays, to pass as transferables. */
export function transferablesOf(frame: Frame): ArrayBuffer[] {
  const out: ArrayBuffer[] = [frame.nodes.buffer as ArrayBuffer, frame.edges.buffer as ArrayBuffer];
  const s = frame.spans;
  if (s) {
    for (const col of spanColumns(s)) out.push(col.buffer as ArrayBuffer);
  }
  return out;
}

/** Bytes a frame takes on the wire, roughly (typed arrays plus an estimate for strings and views). */
export function frameBytes(frame: Frame): number {
  let bytes = frame.nodes.byteLength + frame.edges.byteLength + 256;
  const s = frame.spans;
  if (s) {
    for (const col of spanColumns(s)) bytes += col.byteLength;
    for (const c of s.corrStrings) bytes += 2 * c.length + 8;
  }
  for (const str of frame.strings) bytes += 2 * str.length + 8;
  for (const v of frame.views) if (v) bytes += JSON.stringify(v).length * 2;
  bytes += frame.nodeLatency.length * 48;
  return bytes;
}
