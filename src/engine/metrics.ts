/**
 * Metrics of a run, kept in typed arrays indexed by node and edge, and streaming histograms: constant memory
 * whatever the message count. Queue depth and busy workers are integrated over virtual time, so the
 * time-averaged depth and utilization are exact.
 *
 * @example
 * const m = new Metrics(3, 2);
 * m.add(0, Counter.Received);
 * m.setDepth(1, 4, now);
 */
import { DEAD_LETTER_REASONS, type DeadLetterReason } from '../model/message';
import { Histogram, type LatencySummary } from './histogram';
import type { Link, LinkReport } from './links';

/** Per-node counters. */
export const Counter = {
  Received: 0,
  Emitted: 1,
  Dropped: 2,
  DeadLettered: 3,
  Failed: 4,
  Retried: 5,
  Completed: 6,
} as const;
const COUNTERS = 7;

// per-node gauges, integrated over time
const G_DEPTH = 0;
const G_MAX_DEPTH = 1;
const G_DEPTH_AREA = 2;
const G_DEPTH_T = 3;
const G_BUSY = 4;
const G_BUSY_AREA = 5;
const G_BUSY_T = 6;
const G_CAPACITY = 7;
const GAUGES = 8;

/** The report of one node (the runner's JSON `nodes.<id>`). */
export interface NodeReport {
  kind: string;
  received: number;
  emitted: number;
  dropped: number;
  deadLettered: number;
  failed: number;
  retried: number;
  completed: number;
  /** Busy workers as a fraction of capacity, averaged over the run (0 for nodes without workers). */
  utilization: number;
  busy: number;
  queue: { depth: number; maxDepth: number; meanDepth: number };
  latency: LatencySummary;
}

/** The report of one edge (the runner's JSON `edges.<id>`); `link` only for edges with a link. */
export interface EdgeReport {
  messages: number;
  link?: LinkReport;
}

/** Run totals (the runner's JSON `totals`). */
export interface TotalsReport {
  /** Messages created by producers. */
  produced: number;
  /** Messages created by patterns from others (copies, splits, replies, batches). */
  derived: number;
  completed: number;
  /** Messages held in dead-letter channels now. */
  deadLettered: number;
  dropped: number;
  /** Messages absorbed into others (batched, aggregated). */
  merged: number;
  inFlight: number;
  droppedByReason: Partial<Record<DeadLetterReason, number>>;
  latency: LatencySummary;
}

export class Metrics {
  readonly counters: Float64Array;
  readonly gauges: Float64Array;
  readonly edgeMessages: Float64Array;
  /** Links with capacity by edge index (null for instant edges); set by the simulation. */
  readonly links: (Link | null)[];
  readonly latency: Histogram[];
  readonly endToEnd = new Histogram();
  produced = 0;
  derived = 0;
  completed = 0;
  deadLettered = 0;
  dropped = 0;
  merged = 0;
  readonly droppedByReason = new Float64Array(DEAD_LETTER_REASONS.length);

  constructor(
    readonly nodeCount: number,
    readonly edgeCount: number,
  ) {
    this.counters = new Float64Array(nodeCount * COUNTERS);
    this.gauges = new Float64Array(nodeCount * GAUGES);
    this.edgeMessages = new Float64Array(edgeCount);
    this.links = new Array<Link | null>(edgeCount).fill(null);
    this.latency = Array.from({ length: nodeCount }, () => new Histogram());
  }

  /** Messages alive now (born and not yet ended). */
  get inFlight(): number {
    return this.produced + this.derived - this.completed - this.deadLettered - this.dropped - this.merged;
  }

  /** Adds n to a node counter. */
  add(node: number, counter: number, n = 1): void {
    this.counters[node * COUNTERS + counter] += n;
  }

  /** Reads a node counter. */
  get(node: number, counter: number): number {
    return this.counters[node * COUNTERS + counter];
  }

  /** Sets a node's queue depth at virtual time `now`. */
  setDepth(node: number, depth: number, now: number): void {
    const g = node * GAUGES;
    const gauges = this.gauges;
    // unchanged: nothing to integrate yet (the area since the last change is added when it changes or is read)
    if (depth === gauges[g + G_DEPTH]) return;
    gauges[g + G_DEPTH_AREA] += gauges[g + G_DEPTH] * (now - gauges[g + G_DEPTH_T]);
    gauges[g + G_DEPTH_T] = now;
    gauges[g + G_DEPTH] = depth;
    if (depth > gauges[g + G_MAX_DEPTH]) gauges[g + G_MAX_DEPTH] = depth;
  }

  /** Sets a node's busy workers at `now`. */
  setBusy(node: number, busy: number, now: number): void {
    const g = node * GAUGES;
    const gauges = this.gauges;
    if (busy === gauges[g + G_BUSY]) return;
    gauges[g + G_BUSY_AREA] += gauges[g + G_BUSY] * (now - gauges[g + G_BUSY_T]);
    gauges[g + G_BUSY_T] = now;
    gauges[g + G_BUSY] = busy;
  }

  /** Sets a node's worker capacity (for utilization). */
  setCapacity(node: number, capacity: number): void {
    this.gauges[node * GAUGES + G_CAPACITY] = capacity;
  }

  /** Current queue depth of a node. */
  depth(node: number): number {
    return this.gauges[node * GAUGES + G_DEPTH];
  }

  /** Current busy workers of a node. */
  busy(node: number): number {
    return this.gauges[node * GAUGES + G_BUSY];
  }

  /** Counts a drop with its reason. */
  countDrop(reason: DeadLetterReason): void {
    this.dropped++;
    this.droppedByReason[DEAD_LETTER_REASONS.indexOf(reason)]++;
  }

  /** The report of one node at virtual time `now` (elapsed since `start`). */
  nodeReport(node: number, kind: string, now: number, start = 0): NodeReport {
    const g = node * GAUGES;
    const gauges = this.gauges;
    const elapsed = now - start;
    const depthArea = gauges[g + G_DEPTH_AREA] + gauges[g + G_DEPTH] * (now - gauges[g + G_DEPTH_T]);
    const busyArea = gauges[g + G_BUSY_AREA] + gauges[g + G_BUSY] * (now - gauges[g + G_BUSY_T]);
    const capacity = gauges[g + G_CAPACITY];
    return {
      kind,
      received: this.get(node, Counter.Received),
      emitted: this.get(node, Counter.Emitted),
      dropped: this.get(node, Counter.Dropped),
      deadLettered: this.get(node, Counter.DeadLettered),
      failed: this.get(node, Counter.Failed),
      retried: this.get(node, Counter.Retried),
      completed: this.get(node, Counter.Completed),
      utilization: capacity > 0 && elapsed > 0 ? busyArea / (capacity * elapsed) : 0,
      busy: gauges[g + G_BUSY],
      queue: {
        depth: gauges[g + G_DEPTH],
        maxDepth: gauges[g + G_MAX_DEPTH],
        meanDepth: elapsed > 0 ? depthArea / elapsed : 0,
      },
      latency: this.latency[node].summary(),
    };
  }

  /** Link utilization (busy time / elapsed, 0–1) of an edge at `now`; 0 for an edge without a link. */
  linkUtilization(edge: number, now: number): number {
    const link = this.links[edge];
    return link ? link.utilization(now) : 0;
  }

  /** The report of one edge at `now`. */
  edgeReport(edge: number, now: number): EdgeReport {
    const link = this.links[edge];
    return link ? { messages: this.edgeMessages[edge], link: link.report(now) } : { messages: this.edgeMessages[edge] };
  }

  /** Run totals. */
  totals(): TotalsReport {
    const byReason: Partial<Record<DeadLetterReason, number>> = {};
    DEAD_LETTER_REASONS.forEach((r, i) => {
      if (this.droppedByReason[i]) byReason[r] = this.droppedByReason[i];
    });
    return {
      produced: this.produced,
      derived: this.derived,
      completed: this.completed,
      deadLettered: this.deadLettered,
      dropped: this.dropped,
      merged: this.merged,
      inFlight: this.inFlight,
      droppedByReason: byReason,
      latency: this.endToEnd.summary(),
    };
  }
}
