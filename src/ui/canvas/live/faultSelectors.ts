/**
 * Selectors for the canvas marks of faults, invariants and links: which faults the topology schedules on a
 * node or edge (memoized per topology), which are on now and what state they hold a node in (from the live
 * frame), how many violated invariants name a node, and an edge link's load. Each returns display-ready
 * primitives, so with `useShallow` a mark re-renders only when what it shows changes.
 */
import type { FaultSpec } from '../../../model/faults';
import type { LinkSpec, Topology } from '../../../model/topology';
import type { LiveState } from '../../../state/frameStore';
import { LINK_STRIDE, LinkField } from '../../../worker/frames';

const scheduleCache = new WeakMap<Topology, ReadonlyMap<string, readonly FaultSpec[]>>();
const NONE: readonly FaultSpec[] = [];

/** Key of a fault target: `node:<id>` or `edge:<id>`. */
export const targetKey = (kind: 'node' | 'edge', id: string) => `${kind}:${id}`;

/** The topology's faults by target key (memoized per topology object). */
export function faultsByTarget(t: Topology): ReadonlyMap<string, readonly FaultSpec[]> {
  let m = scheduleCache.get(t);
  if (!m) {
    const map = new Map<string, FaultSpec[]>();
    for (const f of t.faults ?? []) {
      const target = f.target as { node?: string; edge?: string };
      const key = target.node !== undefined ? targetKey('node', target.node) : targetKey('edge', target.edge ?? '');
      const list = map.get(key);
      if (list) list.push(f);
      else map.set(key, [f]);
    }
    m = map;
    scheduleCache.set(t, m);
  }
  return m;
}

/** The faults the topology schedules on one node or edge. */
export function scheduledFaults(t: Topology, kind: 'node' | 'edge', id: string): readonly FaultSpec[] {
  return faultsByTarget(t).get(targetKey(kind, id)) ?? NONE;
}

/** What a fault mark shows from the live frame. */
export interface LiveFaultMark {
  /** Types of the faults on now (`crash`, `drop · latency`), or ''. */
  types: string;
  /** Ids of the faults on now, comma-separated, or ''. */
  ids: string;
  /** The state a fault holds a node in (`crashed`, `paused`), or ''. */
  state: string;
  /** Violated invariants that name the node. */
  violated: number;
}

/** The live fault figures of a node or edge, or null when the run has no faults and no invariants. */
export function selectFaultMark(s: LiveState, kind: 'node' | 'edge', id: string): LiveFaultMark | null {
  const f = s.frame;
  if (!f || (!f.faults && !f.invariants)) return null;
  const i = kind === 'node' ? s.nodeIndex.get(id) : s.edgeIndex.get(id);
  if (i === undefined) return null;
  let types = '';
  let ids = '';
  let state = '';
  if (f.faults) {
    for (const a of f.faults.active) {
      if ((kind === 'node' ? a.node : a.edge) !== i) continue;
      if (!types.split(' · ').includes(a.type)) types = types ? `${types} · ${a.type}` : a.type;
      ids = ids ? `${ids}, ${a.id}` : a.id;
    }
    if (kind === 'node') for (const ns of f.faults.nodeStates) if (ns.node === i) state = ns.state;
  }
  let violated = 0;
  if (kind === 'node' && f.invariants) for (const inv of f.invariants) if (!inv.ok && inv.nodes.includes(id)) violated++;
  return { types, ids, state, violated };
}

/** What an edge's link shows during a run. */
export interface LiveLinkLoad {
  /** Recent utilization in whole percent. */
  percent: number;
  /** 0 light (< 50 %), 1 busy (< 85 %), 2 saturated. */
  level: 0 | 1 | 2;
  /** Messages waiting to go on the wire. */
  queued: number;
  inTransit: number;
}

/** Utilization level: 0 below 50 %, 1 below 85 %, 2 from 85 %. */
export const loadLevel = (percent: number): 0 | 1 | 2 => (percent >= 85 ? 2 : percent >= 50 ? 1 : 0);

/** An edge link's live load, or null without a run or when the edge has no link. */
export function selectLinkLoad(s: LiveState, edgeId: string): LiveLinkLoad | null {
  const links = s.frame?.links;
  if (!links) return null;
  const j = s.edgeIndex.get(edgeId);
  if (j === undefined) return null;
  const o = j * LINK_STRIDE;
  if (links[o + LinkField.HasLink] !== 1) return null;
  const percent = Math.round(links[o + LinkField.Utilization] * 100);
  return { percent, level: loadLevel(percent), queued: links[o + LinkField.Queued], inTransit: links[o + LinkField.InTransit] };
}

/** A bandwidth as people write it: `800 B/s`, `20 kB/s`, `1.25 MB/s`, `10 GB/s` (decimal units). */
export function formatBandwidth(bytesPerSecond: number): string {
  const units = ['B/s', 'kB/s', 'MB/s', 'GB/s', 'TB/s'];
  let v = bytesPerSecond;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${+v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${units[u]}`;
}

/** A link's settings as a short text: `20 kB/s · 100 ms`, `1 MB/s · exp(20 ms)`. */
export function linkText(link: LinkSpec): string {
  const lat = link.latency;
  let latency = '';
  if (typeof lat === 'number') latency = lat > 0 ? ` · ${+lat.toFixed(2)} ms` : '';
  else if (lat && typeof lat === 'object') {
    const d = lat as Record<string, unknown>;
    const mean = typeof d.mean === 'number' ? d.mean : typeof d.value === 'number' ? d.value : null;
    latency = mean !== null ? ` · ${String(d.dist)} ${+mean.toFixed(2)} ms` : ` · ${String(d.dist)}`;
  }
  return formatBandwidth(link.bandwidth) + latency;
}
