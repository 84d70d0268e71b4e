/**
 * Selectors of one node's or one edge's live figures in the latest live frame (≤ 10 a second). Each returns a small object of
 * display-ready primitives (rates rounded as shown), so with `useShallow` a badge re-renders only when
 * what it shows changes — not on every frame.
 */
import type { FrameState } from '../../../state/frameStore';
import { EDGE_STRIDE, EdgeField, NODE_STRIDE, NodeField } from '../../../worker/frames';

/** What a node's badges show. */
export interface NodeBadge {
  /** Messages in (or out, for a source such as a producer: see `out`). */
  received: number;
  /** True when the figures are of messages sent (a node that receives nothing). */
  out: boolean;
  depth: number;
  busy: number;
  rate: string;
  /** Failed calls, dead-lettered and dropped messages. */
  errors: number;
  deadLettered: number;
  /** A pattern state word (`open`, `half-open`, …), or ''. */
  state: string;
  /** Messages held by a dead-letter channel, or -1 for other kinds. */
  held: number;
}

/** A rate as shown on the canvas: `0`, `4.2`, `87`, `1.2k`, `34k`. */
export function formatRate(r: number): string {
  if (!(r > 0.05)) return '0';
  if (r < 10) return r.toFixed(1);
  if (r < 1000) return String(Math.round(r));
  if (r < 10_000) return (r / 1000).toFixed(1) + 'k';
  if (r < 1_000_000) return Math.round(r / 1000) + 'k';
  return (r / 1_000_000).toFixed(1) + 'M';
}

/** A count as shown on the canvas: `12`, `1.2k`, `3.4M`. */
export function formatCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return (n / 1000).toFixed(n < 10_000 ? 1 : 0) + 'k';
  return (n / 1_000_000).toFixed(1) + 'M';
}

/** The badge figures of a node, or null when there is no run (or the node is not in it). */
export function selectNodeBadge(s: FrameState, nodeId: string): NodeBadge | null {
  const f = s.live;
  if (!f) return null;
  const i = s.nodeIndex.get(nodeId);
  if (i === undefined) return null;
  const o = i * NODE_STRIDE;
  const n = f.nodes;
  const view = f.views[i];
  const received = n[o + NodeField.Received];
  const out = received === 0 && n[o + NodeField.Emitted] > 0;
  return {
    received: out ? n[o + NodeField.Emitted] : received,
    out,
    depth: n[o + NodeField.Depth],
    busy: n[o + NodeField.Busy],
    rate: formatRate(n[o + (out ? NodeField.OutRate : NodeField.Rate)]),
    errors: n[o + NodeField.Failed] + n[o + NodeField.DeadLettered] + n[o + NodeField.Dropped],
    deadLettered: n[o + NodeField.DeadLettered],
    state: view?.state ?? '',
    held: s.info?.nodes[i]?.kind === 'dead-letter' ? (view?.figures?.held ?? 0) : -1,
  };
}

/** Rate buckets for the animated dots (changing an animation's duration restarts it, so it changes rarely). */
export function rateBucket(rate: number): number {
  if (!(rate > 0.05)) return 0;
  return Math.min(6, 1 + Math.floor(Math.log10(rate * 10)));
}

/** What an edge shows. */
export interface EdgeLive {
  rate: string;
  /** Whether any message has crossed the edge yet. */
  used: boolean;
  bucket: number;
  running: boolean;
}

/** An edge's live figures, or null when there is no run. */
export function selectEdgeLive(s: FrameState, edgeId: string): EdgeLive | null {
  const f = s.live;
  if (!f) return null;
  const j = s.edgeIndex.get(edgeId);
  if (j === undefined) return null;
  const r = f.edges[j * EDGE_STRIDE + EdgeField.Rate];
  return { rate: formatRate(r), used: f.edges[j * EDGE_STRIDE + EdgeField.Messages] > 0, bucket: rateBucket(r), running: f.state === 'running' };
}
