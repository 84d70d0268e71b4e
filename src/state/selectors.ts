/**
 * Module-level selectors of the studio store. Derived data (validation, lookups by id) is memoized on the
 * identity of the immutable topology, so every component shares one computation per edit.
 */
import { getCatalogEntry, type CatalogEntry } from '../model/catalog';
import type { ValidationError } from '../model/errors';
import { validateTopology, type Topology, type TopologyEdge, type TopologyNode } from '../model/topology';
import type { StudioState } from './studioStore';

/** Validation of the open topology, indexed for the views. */
export interface ValidationIndex {
  errors: readonly ValidationError[];
  byNode: ReadonlyMap<string, readonly ValidationError[]>;
  byEdge: ReadonlyMap<string, readonly ValidationError[]>;
}

const validationCache = new WeakMap<Topology, ValidationIndex>();
let lastValidated: { t: Topology; v: ValidationIndex } | null = null;

/** Whether two topologies differ at most in node positions (what a drag changes). */
function onlyPositionsDiffer(a: Topology, b: Topology): boolean {
  if (a.edges !== b.edges || a.simulation !== b.simulation || a.name !== b.name || a.description !== b.description) return false;
  if (a.nodes.length !== b.nodes.length) return false;
  for (let i = 0; i < a.nodes.length; i++) {
    const x = a.nodes[i];
    const y = b.nodes[i];
    if (x === y) continue;
    if (!y.position || !Number.isFinite(y.position.x) || !Number.isFinite(y.position.y)) return false;
    const rest = (n: TopologyNode) => Object.entries(n).filter(([k]) => k !== 'position');
    const rx = rest(x);
    const ry = rest(y);
    if (rx.length !== ry.length || rx.some(([k, v], j) => ry[j][0] !== k || ry[j][1] !== v)) return false;
  }
  return true;
}

/**
 * Runs the runner's own `validateTopology` on a topology (memoized per topology object). A drag only moves
 * nodes, which cannot change the result, so it reuses the last one instead of revalidating every frame.
 */
export function validationOf(t: Topology): ValidationIndex {
  let v = validationCache.get(t);
  if (!v && lastValidated && onlyPositionsDiffer(lastValidated.t, t)) {
    v = lastValidated.v;
    validationCache.set(t, v);
  }
  if (!v) {
    const r = validateTopology(t);
    const errors = r.ok ? [] : r.errors;
    const byNode = new Map<string, ValidationError[]>();
    const byEdge = new Map<string, ValidationError[]>();
    for (const e of errors) {
      if (e.nodeId !== undefined) byNode.set(e.nodeId, [...(byNode.get(e.nodeId) ?? []), e]);
      if (e.edgeId !== undefined) byEdge.set(e.edgeId, [...(byEdge.get(e.edgeId) ?? []), e]);
    }
    v = { errors, byNode, byEdge };
    validationCache.set(t, v);
  }
  lastValidated = { t, v };
  return v;
}

interface NodeIndex {
  nodes: ReadonlyMap<string, { node: TopologyNode; index: number }>;
  edges: ReadonlyMap<string, { edge: TopologyEdge; index: number }>;
}
const indexCache = new WeakMap<Topology, NodeIndex>();

/** Nodes and edges by id, with their index in the file (memoized per topology object). */
export function indexOf(t: Topology): NodeIndex {
  let ix = indexCache.get(t);
  if (!ix) {
    ix = {
      nodes: new Map(t.nodes.map((node, index) => [node.id, { node, index }])),
      edges: new Map(t.edges.map((edge, index) => [edge.id, { edge, index }])),
    };
    indexCache.set(t, ix);
  }
  return ix;
}

const EMPTY: readonly ValidationError[] = [];

export const selectTopology = (s: StudioState) => s.topology;
export const selectValidation = (s: StudioState) => validationOf(s.topology);
export const selectErrorCount = (s: StudioState) => validationOf(s.topology).errors.length;
export const selectSelectedNodeIds = (s: StudioState) => s.selectedNodeIds;
export const selectSelectedEdgeIds = (s: StudioState) => s.selectedEdgeIds;
export const selectCanUndo = (s: StudioState) => s.history.past.length > 0;
export const selectCanRedo = (s: StudioState) => s.history.future.length > 0;
export const selectHighlight = (s: StudioState) => s.highlight;

/** Selector factories for one element (create once per component with useMemo/useCallback). */
export const nodeById = (id: string) => (s: StudioState) => indexOf(s.topology).nodes.get(id)?.node;
export const edgeById = (id: string) => (s: StudioState) => indexOf(s.topology).edges.get(id)?.edge;
export const nodeErrors = (id: string) => (s: StudioState) => validationOf(s.topology).byNode.get(id) ?? EMPTY;
export const edgeErrors = (id: string) => (s: StudioState) => validationOf(s.topology).byEdge.get(id) ?? EMPTY;
export const nodeHighlighted = (id: string) => (s: StudioState) => s.highlight?.nodes.has(id) ?? false;
export const edgeHighlighted = (id: string) => (s: StudioState) => s.highlight?.edges.has(id) ?? false;

/** What the inspector shows: one node, one edge, several things, or the topology itself. */
export type InspectorTarget =
  | { type: 'node'; id: string }
  | { type: 'edge'; id: string }
  | { type: 'many'; nodes: number; edges: number }
  | { type: 'topology' };

/** The inspector target as a string key, so components re-render only when it changes. */
export const selectInspectorKey = (s: StudioState): string => {
  const n = s.selectedNodeIds.length;
  const e = s.selectedEdgeIds.length;
  if (n === 1 && e === 0) return `node:${s.selectedNodeIds[0]}`;
  if (n === 0 && e === 1) return `edge:${s.selectedEdgeIds[0]}`;
  if (n + e > 1) return `many:${n}:${e}`;
  return 'topology';
};

/** Parses an inspector key back into a target. */
export function parseInspectorKey(key: string): InspectorTarget {
  if (key.startsWith('node:')) return { type: 'node', id: key.slice(5) };
  if (key.startsWith('edge:')) return { type: 'edge', id: key.slice(5) };
  if (key.startsWith('many:')) {
    const [, n, e] = key.split(':');
    return { type: 'many', nodes: Number(n), edges: Number(e) };
  }
  return { type: 'topology' };
}

/** The catalog entry of a node's kind (undefined for an unknown kind). */
export const entryOf = (node: TopologyNode | undefined): CatalogEntry | undefined => (node ? getCatalogEntry(node.kind) : undefined);
