/**
 * Selectors of one node's or one edge's live figures in the live frame (≤ 10 a second), and of whether a
 * node or edge is worth drawing live figures for at all (on screen, and zoomed in enough to read them). Each returns a small object of
 * display-ready primitives (rates rounded as shown), so with `useShallow` a badge re-renders only when
 * what it shows changes — not on every frame.
 */
import type { LiveState } from '../../../state/frameStore';
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
export function selectNodeBadge(s: LiveState, nodeId: string): NodeBadge | null {
  const f = s.frame;
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

/**
 * Rate buckets for the flow line and the dots: 1 below 3/s, then one per decade with edges at 3, 30, 300,
 * 3k and 30k/s, so that round rates (10, 100, 1000/s) sit mid-bucket and do not flap between two widths
 * (each change repaints the edge, and restarts its dot animation).
 */
export function rateBucket(rate: number): number {
  if (!(rate > 0.05)) return 0;
  return Math.max(1, Math.min(6, 1 + Math.floor(Math.log10(rate / 3) + 1)));
}

/** What an edge shows. */
export interface EdgeLive {
  rate: string;
  /** Whether any message has crossed the edge yet. */
  used: boolean;
  bucket: number;
  running: boolean;
}

/** An edge's live figures, or null when there is no run. Without `label`, the rate text is left out (''). */
export function selectEdgeLive(s: LiveState, edgeId: string, label = true): EdgeLive | null {
  const f = s.frame;
  if (!f) return null;
  const j = s.edgeIndex.get(edgeId);
  if (j === undefined) return null;
  const r = f.edges[j * EDGE_STRIDE + EdgeField.Rate];
  return {
    rate: label ? formatRate(r) : '',
    used: f.edges[j * EDGE_STRIDE + EdgeField.Messages] > 0,
    bucket: rateBucket(r),
    running: f.state === 'running',
  };
}

/** Below this zoom, badge and label text is too small to read: the canvas shows only flow lines. */
export const DETAIL_ZOOM = 0.5;
/** Screen pixels around the canvas within which an element counts as on screen. */
const MARGIN = 120;

/** The parts of React Flow's store the visibility selectors read. */
interface ViewportLike {
  transform: readonly [number, number, number];
  width: number;
  height: number;
  nodeLookup: ReadonlyMap<
    string,
    {
      internals: { positionAbsolute: { x: number; y: number } };
      measured?: { width?: number; height?: number };
    }
  >;
}

const onScreen = (s: ViewportLike, x: number, y: number, w: number, h: number, margin: number): boolean => {
  const [tx, ty, zoom] = s.transform;
  const left = x * zoom + tx;
  const top = y * zoom + ty;
  return (
    left + w * zoom > -margin &&
    top + h * zoom > -margin &&
    left < s.width + margin &&
    top < s.height + margin
  );
};

/** Whether a node's badges are worth drawing: on screen and zoomed in enough to read. */
export function nodeDetailVisible(s: ViewportLike, nodeId: string): boolean {
  if (s.transform[2] < DETAIL_ZOOM) return false;
  const n = s.nodeLookup.get(nodeId);
  if (!n) return false;
  const p = n.internals.positionAbsolute;
  // the badges sit under the node: count a little below it too
  return onScreen(s, p.x, p.y, n.measured?.width ?? 240, (n.measured?.height ?? 100) + 30, MARGIN);
}

/** How much of an edge's live state to draw: 0 nothing (off screen), 1 the flow line, 2 line, label and dots. */
export function edgeDetail(s: ViewportLike, x: number, y: number, halfSpan: number): 0 | 1 | 2 {
  if (!onScreen(s, x - halfSpan, y - halfSpan, 2 * halfSpan, 2 * halfSpan, MARGIN)) return 0;
  return s.transform[2] < DETAIL_ZOOM ? 1 : 2;
}
