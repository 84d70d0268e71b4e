/**
 * Derives React Flow's nodes and edges from the topology. The topology stays the one source of truth (so
 * that export is exact); the flow objects are cached per topology node/edge object, so React Flow sees
 * the same object for everything an edit did not touch and skips it.
 */
import { MarkerType, type Edge, type Node } from '@xyflow/react';
import { getCatalogEntry } from '../../model/catalog';
import type { Topology, TopologyEdge, TopologyNode } from '../../model/topology';
import { nodePosition } from '../../state/graphEdits';
import type { NodeSize } from '../../state/slices/graph';

interface CachedNode {
  selected: boolean;
  size: NodeSize | undefined;
  index: number;
  flow: Node;
}
const nodeCache = new WeakMap<TopologyNode, CachedNode>();
const edgeCache = new WeakMap<TopologyEdge, { selected: boolean; flow: Edge }>();

const MARKER = { type: MarkerType.ArrowClosed, width: 14, height: 14 } as const;

/** The flow node type of a topology node: its family, or `unknown`. */
export function flowTypeOf(kind: string): string {
  return getCatalogEntry(kind)?.family ?? 'unknown';
}

/** Flow nodes for the topology, with selection and measured sizes. */
export function toFlowNodes(t: Topology, selected: ReadonlySet<string>, sizes: Readonly<Record<string, NodeSize>>): Node[] {
  return t.nodes.map((n, index) => {
    const isSelected = selected.has(n.id);
    const size = sizes[n.id];
    const c = nodeCache.get(n);
    if (c && c.selected === isSelected && c.size === size && (n.position || c.index === index)) return c.flow;
    const flow: Node = {
      id: n.id,
      type: flowTypeOf(n.kind),
      position: nodePosition(n, index),
      data: {},
      selected: isSelected,
      ...(size ? { measured: size } : {}),
    };
    nodeCache.set(n, { selected: isSelected, size, index, flow });
    return flow;
  });
}

/** Flow edges for the topology (port ids are the handle ids). */
export function toFlowEdges(t: Topology, selected: ReadonlySet<string>): Edge[] {
  return t.edges.map((e) => {
    const isSelected = selected.has(e.id);
    const c = edgeCache.get(e);
    if (c && c.selected === isSelected) return c.flow;
    const flow: Edge = {
      id: e.id,
      source: e.source,
      target: e.target,
      sourceHandle: e.sourcePort ?? 'out',
      targetHandle: e.targetPort ?? 'in',
      type: 'message',
      selected: isSelected,
      markerEnd: MARKER,
    };
    edgeCache.set(e, { selected: isSelected, flow });
    return flow;
  });
}
