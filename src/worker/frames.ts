/**
 * The wire format between the simulation worker and the studio: what a frame carries, what the run
 * controls send, and the shapes of the replies. This module holds types and a few constants only, so the
 * UI can import it without pulling the engine into the main-thread bundle (engine types are re-exported
 * with `import type`, which leaves no code behind).
 *
 * A frame is bounded in size whatever the message rate: per-node and per-edge figures (a fixed number of
 * numbers each), totals, and at most `maxSpansPerFrame` of the newest trace spans as typed-array columns.
 *
 * @example
 * const i = info.nodeIndex.get('queue')!;
 * const depth = frame.nodes[i * NODE_STRIDE + NodeField.Depth];
 */
import type { NodeView } from '../engine/pattern';
import type { NodeReport, TotalsReport } from '../engine/metrics';
import type { LatencySummary } from '../engine/histogram';
import type { RunReport } from '../engine/report';
import type { SpanColumns } from '../engine/trace';
import type { DeadLetterEntry } from '../engine/patterns/deadLetter';
import type { DeadLetterReason, MessageKind } from '../model/message';
import type { PersistenceStatus } from './persistence';
import type { FrameFaults, InvariantStatus } from './resilienceTypes';

export * from './resilienceTypes';

export type { NodeView, NodeReport, TotalsReport, LatencySummary, RunReport, DeadLetterEntry, PersistenceStatus };

/** Where a run stands, as the worker sees it. */
export type RunState = 'idle' | 'running' | 'paused' | 'finished' | 'error';

/** Virtual time per real time (0.1 … 1000), or `'max'` for as fast as possible. */
export type Speed = number | 'max';

/** The speeds the run controls offer. */
export const SPEEDS: readonly Speed[] = [0.1, 0.25, 0.5, 1, 2, 5, 10, 100, 1000, 'max'];

/** Offsets of the per-node figures in `Frame.nodes` (NODE_STRIDE numbers per node). */
export const NodeField = {
  Received: 0,
  Emitted: 1,
  Completed: 2,
  DeadLettered: 3,
  Dropped: 4,
  Failed: 5,
  Retried: 6,
  /** Current queue depth. */
  Depth: 7,
  /** Workers busy now. */
  Busy: 8,
  /** Received messages per virtual second (smoothed). */
  Rate: 9,
  /** Emitted messages per virtual second (smoothed). */
  OutRate: 10,
} as const;
/** Numbers per node in `Frame.nodes`. */
export const NODE_STRIDE = 11;

/** Offsets of the per-edge figures in `Frame.edges`. */
export const EdgeField = {
  /** Messages sent over the edge since the start. */
  Messages: 0,
  /** Messages per virtual second (smoothed). */
  Rate: 1,
} as const;
/** Numbers per edge in `Frame.edges`. */
export const EDGE_STRIDE = 2;

/**
 * Trace spans as columns, one row per hop of a message through a node: the engine's `SpanColumns`
 * (string indices into the run's string table), except that correlation ids are sent compactly: `corr[k]` is -1 when the correlation id
 * is the default (`m<root>`, the id of the conversation's first message), else an index into `corrStrings`.
 */
export interface FrameSpans extends Omit<SpanColumns, 'correlation'> {
  corr: Int32Array;
  corrStrings: string[];
}

/** Run totals and rates in a frame. */
export interface FrameTotals {
  produced: number;
  derived: number;
  completed: number;
  deadLettered: number;
  dropped: number;
  merged: number;
  inFlight: number;
  /** Messages produced per virtual second (smoothed). */
  producedRate: number;
  /** Messages completed per virtual second (smoothed). */
  completedRate: number;
  /** Messages dead-lettered or dropped per virtual second (smoothed). */
  failedRate: number;
}

/** Latency quantiles (ms, since the start of the run). */
export interface FrameLatency {
  count: number;
  p50: number;
  p95: number;
  p99: number;
}

/** One update pushed from the worker to the studio (at most ~30 a second). */
export interface Frame {
  /** The run this frame belongs to (changes on every load or reset). */
  runId: number;
  /** Frame number within the run. */
  seq: number;
  state: RunState;
  /** Virtual time (ms). */
  now: number;
  /** Virtual end time (ms). */
  until: number;
  /** Events processed since the start. */
  events: number;
  /** Events processed per real second (smoothed); 0 when not running. */
  eventsPerSec: number;
  /** NODE_STRIDE numbers per node, in topology order (see NodeField). */
  nodes: Float64Array;
  /** EDGE_STRIDE numbers per edge, in topology order (see EdgeField). */
  edges: Float64Array;
  /** What each node shows beyond metrics (state words such as `open`, small figures), or null. */
  views: (NodeView | null)[];
  totals: FrameTotals;
  /** End-to-end latency of completed messages. */
  latency: FrameLatency;
  /** Latency at the watched nodes (see `watch`), by node index. */
  nodeLatency: { node: number; latency: FrameLatency }[];
  /** The newest trace spans since the previous frame (at most maxSpansPerFrame), or null. */
  spans: FrameSpans | null;
  /** Spans recorded since the previous frame that were not sent (too many for one frame). */
  spansSkipped: number;
  /** New entries of the run's string table (ports, message types), starting at `stringsFrom`. */
  strings: string[];
  stringsFrom: number;
  /** Event stores of the run: persisted position against the head (write-behind to IndexedDB), or null. */
  persistence?: PersistenceStatus[] | null;
  /** Faults on now and the node states they cause, or null when the run has no fault injection. */
  faults?: FrameFaults | null;
  /** Each invariant's state (without offending messages: see `invariantResults`), or null without invariants. */
  invariants?: InvariantStatus[] | null;
  /** LINK_STRIDE figures per edge (see LinkField), or null when no edge has a link. */
  links?: Float64Array | null;
}

/** What the studio needs to know about a loaded run. */
export interface RunInfo {
  runId: number;
  name: string;
  seed: number;
  until: number;
  nodes: { id: string; kind: string; label: string }[];
  edges: { id: string; source: number; target: number }[];
  /** Names of outcome codes (span column `outcome`), by code. */
  outcomes: readonly string[];
}

/** Options of a load: each overrides the topology's `simulation` settings. */
export interface LoadOptions {
  seed?: number;
  until?: number;
}

/** The answer to `load`: the run's info, or the validation errors formatted one per line. */
export type LoadResult = { ok: true; info: RunInfo } | { ok: false; errors: string[] };

/** A message as the trace panel shows it: envelope, headers and payload as JSON text. */
export interface MessageDetail {
  id: string;
  seq: number;
  correlationId: string;
  causationId: string | null;
  kind: MessageKind;
  type: string;
  createdAt: number;
  expiresAt: number | null;
  priority: number;
  headers: Record<string, string>;
  /** The payload as indented JSON text (render as text). */
  payload: string;
  /** Why it was dead-lettered or dropped (`filtered`, `denied`, …), or null. */
  deadLetterReason: DeadLetterReason | null;
  /** What the node said about it (a filter's rule, an error text), or null. */
  deadLetterDetail: string | null;
}

/** A dead-letter entry with its origin as a node id. */
export interface DeadLetterItem extends Omit<DeadLetterEntry, 'origin'> {
  /** Id of the node where the message failed, or '' when unknown. */
  origin: string;
}

/** A page of a dead-letter channel's messages (newest first). */
export interface DeadLetterPage {
  total: number;
  reprocessed: number;
  byReason: Partial<Record<DeadLetterReason, number>>;
  items: DeadLetterItem[];
}

/** A callback that receives frames (a comlink proxy in the studio). */
export type FrameListener = (frame: Frame) => unknown;
