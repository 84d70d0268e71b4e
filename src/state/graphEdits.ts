/**
 * Pure edits of a topology, as the editor makes them. Every function returns a new topology and leaves
 * its input untouched (untouched nodes and edges are shared), which is what makes undo snapshots cheap.
 * Nothing here fills in defaults: a topology stays exactly as written, so export → import is exact.
 */
import { checkGraph, FORMAT, type Topology, type TopologyEdge, type TopologyNode } from '../model/topology';

/** A point on the canvas. */
export interface XY {
  x: number;
  y: number;
}

/** A requested connection, with port ids (the handles' ids). */
export interface ConnectionRequest {
  source: string;
  sourcePort?: string | null;
  target: string;
  targetPort?: string | null;
}

/** A path into a config object (`['retry', 'maxAttempts']`, `['rules', 0, 'when']`). */
export type FieldPath = readonly (string | number)[];

/** Every node and edge id in use (they share one space). */
export function takenIds(t: Topology): Set<string> {
  const ids = new Set<string>();
  for (const n of t.nodes) ids.add(n.id);
  for (const e of t.edges) ids.add(e.id);
  return ids;
}

/** `base` if it is free, else `base-2`, `base-3`, … (kept within the 64-character id limit). */
export function uniqueId(base: string, taken: ReadonlySet<string>): string {
  const clean = base.replace(/[^A-Za-z0-9_.:-]/g, '-').slice(0, 56) || 'node';
  if (!taken.has(clean)) return clean;
  for (let i = 2; ; i++) {
    const id = `${clean}-${i}`;
    if (!taken.has(id)) return id;
  }
}

/** `e1`, `e2`, …: the first free edge id. */
export function nextEdgeId(taken: ReadonlySet<string>): string {
  for (let i = 1; ; i++) if (!taken.has(`e${i}`)) return `e${i}`;
}

/** Where a node is drawn: its position, or a grid slot by index when the file gives none. */
export function nodePosition(node: TopologyNode, index: number): XY {
  return node.position ?? { x: (index % 4) * 280, y: Math.floor(index / 4) * 180 };
}

/** Sets (or, with `undefined`, removes) the value at `path` inside a plain object, immutably. */
export function setIn(obj: unknown, path: FieldPath, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (typeof head === 'number') {
    const arr = Array.isArray(obj) ? [...obj] : [];
    if (rest.length === 0 && value === undefined) arr.splice(head, 1);
    else arr[head] = setIn(arr[head], rest, value);
    return arr;
  }
  const base = obj !== null && typeof obj === 'object' && !Array.isArray(obj) ? (obj as Record<string, unknown>) : {};
  const next: Record<string, unknown> = { ...base };
  const child = setIn(base[head], rest, value);
  if (child === undefined) delete next[head];
  else next[head] = child;
  return next;
}

/** Reads the value at `path`, or undefined. */
export function getIn(obj: unknown, path: FieldPath): unknown {
  let v = obj;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

/** Adds a node of `kind` at `position`. The id is made from the kind (`producer`, `producer-2`, …). */
export function addNode(t: Topology, kind: string, position: XY): { topology: Topology; id: string } {
  const id = uniqueId(kind, takenIds(t));
  const node: TopologyNode = { id, kind, position: { x: Math.round(position.x), y: Math.round(position.y) } };
  return { topology: { ...t, nodes: [...t.nodes, node] }, id };
}

/** Moves nodes (by id). */
export function moveNodes(t: Topology, positions: ReadonlyMap<string, XY>): Topology {
  if (positions.size === 0) return t;
  return {
    ...t,
    nodes: t.nodes.map((n) => {
      const p = positions.get(n.id);
      return p && (n.position?.x !== p.x || n.position?.y !== p.y) ? { ...n, position: { x: p.x, y: p.y } } : n;
    }),
  };
}

function updateNode(t: Topology, id: string, fn: (n: TopologyNode) => TopologyNode): Topology {
  return { ...t, nodes: t.nodes.map((n) => (n.id === id ? fn(n) : n)) };
}

function updateEdge(t: Topology, id: string, fn: (e: TopologyEdge) => TopologyEdge): Topology {
  return { ...t, edges: t.edges.map((e) => (e.id === id ? fn(e) : e)) };
}

function withOptional<T extends object, K extends keyof T>(obj: T, key: K, value: T[K] | undefined): T {
  const next = { ...obj };
  if (value === undefined) delete next[key];
  else next[key] = value;
  return next;
}

/** Sets a node's label; an empty label removes it (the view then shows the kind's title). */
export function setNodeLabel(t: Topology, id: string, label: string): Topology {
  return updateNode(t, id, (n) => withOptional(n, 'label', label === '' ? undefined : label));
}

/** Sets (or removes, with `undefined`) one value of a node's config. */
export function setNodeConfigAt(t: Topology, id: string, path: FieldPath, value: unknown): Topology {
  return updateNode(t, id, (n) => {
    const config = setIn(n.config ?? {}, path, value) as Record<string, unknown>;
    return { ...n, config };
  });
}

/** Sets an edge's label; empty removes it. */
export function setEdgeLabel(t: Topology, id: string, label: string): Topology {
  return updateEdge(t, id, (e) => withOptional(e, 'label', label === '' ? undefined : label));
}

/** Sets (or removes) one value of an edge's config. */
export function setEdgeConfigAt(t: Topology, id: string, path: FieldPath, value: unknown): Topology {
  return updateEdge(t, id, (e) => ({ ...e, config: setIn(e.config ?? {}, path, value) as Record<string, unknown> }));
}

/** Sets (or removes) one value of the simulation settings. */
export function setSimulationAt(t: Topology, path: FieldPath, value: unknown): Topology {
  const simulation = setIn(t.simulation ?? {}, path, value) as Topology['simulation'];
  return { ...t, simulation };
}

/** Sets the name (never empty) or the description (empty removes it). */
export function setMeta(t: Topology, patch: { name?: string; description?: string }): Topology {
  let next = t;
  if (patch.name !== undefined) next = { ...next, name: patch.name };
  if (patch.description !== undefined) next = withOptional(next, 'description', patch.description === '' ? undefined : patch.description);
  return next;
}

function edgeOf(id: string, c: ConnectionRequest): TopologyEdge {
  const e: TopologyEdge = { id, source: c.source, target: c.target };
  if (c.sourcePort && c.sourcePort !== 'out') e.sourcePort = c.sourcePort;
  if (c.targetPort && c.targetPort !== 'in') e.targetPort = c.targetPort;
  return e;
}

/**
 * Why a connection may not be made, or null when it may. Uses the model's own `checkGraph` (on the two
 * nodes and the edges already leaving the source), so the editor refuses exactly what the runner would.
 */
export function connectionProblem(t: Topology, c: ConnectionRequest): string | null {
  if (c.source === c.target) return 'a node cannot be connected to itself; route the message through a channel';
  const source = t.nodes.find((n) => n.id === c.source);
  const target = t.nodes.find((n) => n.id === c.target);
  if (!source || !target) return 'both ends must be nodes on the canvas';
  const sPort = c.sourcePort || 'out';
  const tPort = c.targetPort || 'in';
  if (t.edges.some((e) => e.source === c.source && (e.sourcePort ?? 'out') === sPort && e.target === c.target && (e.targetPort ?? 'in') === tPort)) {
    return 'these ports are already connected';
  }
  const probeId = uniqueId('__probe', takenIds(t));
  const probe = edgeOf(probeId, c);
  const mini: Topology = {
    format: FORMAT,
    version: t.version,
    name: t.name,
    nodes: [source, target],
    edges: [...t.edges.filter((e) => e.source === c.source && (e.sourcePort ?? 'out') === sPort), probe],
  };
  const problem = checkGraph(mini).find((e) => e.edgeId === probeId);
  return problem ? problem.message : null;
}

/** Adds an edge; the caller checks {@link connectionProblem} first. */
export function addEdge(t: Topology, c: ConnectionRequest): { topology: Topology; id: string } {
  const id = nextEdgeId(takenIds(t));
  return { topology: { ...t, edges: [...t.edges, edgeOf(id, c)] }, id };
}

/** Removes nodes (with every edge touching them) and edges. */
export function removeElements(t: Topology, nodeIds: ReadonlySet<string>, edgeIds: ReadonlySet<string>): Topology {
  if (nodeIds.size === 0 && edgeIds.size === 0) return t;
  return {
    ...t,
    nodes: t.nodes.filter((n) => !nodeIds.has(n.id)),
    edges: t.edges.filter((e) => !edgeIds.has(e.id) && !nodeIds.has(e.source) && !nodeIds.has(e.target)),
  };
}

/**
 * The selected nodes and the edges between them, as a topology document (so that the clipboard holds a
 * valid topology file, and pasting one is validated by the same door as opening a file).
 */
export function extractFragment(t: Topology, nodeIds: ReadonlySet<string>): Topology {
  const nodes: TopologyNode[] = [];
  t.nodes.forEach((n, i) => {
    if (nodeIds.has(n.id)) nodes.push({ ...n, position: nodePosition(n, i) });
  });
  const edges = t.edges.filter((e) => nodeIds.has(e.source) && nodeIds.has(e.target));
  return { format: FORMAT, version: t.version, name: 'Clipboard', nodes: structuredClone(nodes), edges: structuredClone(edges) };
}

/**
 * Inserts a fragment's nodes and edges with fresh ids (where they clash), shifted by `offset`.
 * Returns the new ids, so the editor can select what was pasted.
 */
export function insertFragment(
  t: Topology,
  fragment: Pick<Topology, 'nodes' | 'edges'>,
  offset: XY,
): { topology: Topology; nodeIds: string[]; edgeIds: string[] } {
  const taken = takenIds(t);
  const idMap = new Map<string, string>();
  const nodes: TopologyNode[] = fragment.nodes.map((n, i) => {
    const id = uniqueId(n.id, taken);
    taken.add(id);
    idMap.set(n.id, id);
    const p = nodePosition(n, i);
    return { ...structuredClone(n), id, position: { x: p.x + offset.x, y: p.y + offset.y } };
  });
  const edges: TopologyEdge[] = [];
  for (const e of fragment.edges) {
    const source = idMap.get(e.source);
    const target = idMap.get(e.target);
    if (!source || !target) continue;
    const id = taken.has(e.id) ? nextEdgeId(taken) : e.id;
    taken.add(id);
    edges.push({ ...structuredClone(e), id, source, target });
  }
  return {
    topology: { ...t, nodes: [...t.nodes, ...nodes], edges: [...t.edges, ...edges] },
    nodeIds: nodes.map((n) => n.id),
    edgeIds: edges.map((e) => e.id),
  };
}
