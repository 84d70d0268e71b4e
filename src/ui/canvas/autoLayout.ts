/**
 * Auto-layout on demand with ELK (layered, left to right, ports in catalog order so that error and
 * dead-letter outputs sit below the main one). elkjs's bundled build runs in the page without eval (it is
 * GWT output, not generated at run time), so it works under the studio's CSP; it is loaded on first use.
 */
import type { ElkNode } from 'elkjs/lib/elk-api';
import { getCatalogEntry, outputPortsOf } from '../../model/catalog';
import type { Topology } from '../../model/topology';
import { moveNodes, type XY } from '../../state/graphEdits';
import type { NodeSize } from '../../state/slices/graph';
import { useStudio } from '../../state/studioStore';

const DEFAULT_SIZE: NodeSize = { width: 224, height: 96 };

/** Computes new positions for every node (snapped to the 16 px grid). */
export async function computeLayout(t: Topology, sizes: Readonly<Record<string, NodeSize>>): Promise<Map<string, XY>> {
  const { default: ELK } = await import('elkjs/lib/elk.bundled.js');
  const elk = new ELK();
  const graph: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.spacing.nodeNode': '40',
      'elk.layered.spacing.nodeNodeBetweenLayers': '88',
      'elk.layered.spacing.edgeNodeBetweenLayers': '24',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
    },
    children: t.nodes.map((n) => {
      const entry = getCatalogEntry(n.kind);
      const size = sizes[n.id] ?? DEFAULT_SIZE;
      const inputs = entry?.inputs ?? [{ id: 'in' }];
      const outputs = entry ? outputPortsOf(entry, n.config) : [{ id: 'out' }];
      return {
        id: n.id,
        width: size.width,
        height: size.height,
        layoutOptions: { 'elk.portConstraints': 'FIXED_ORDER' },
        ports: [
          // ELK orders fixed ports clockwise from the top-left: east ports top to bottom, west bottom to top.
          ...inputs.map((p, i) => ({
            id: `${n.id}\u0000in\u0000${p.id}`,
            width: 8,
            height: 8,
            layoutOptions: { 'elk.port.side': 'WEST', 'elk.port.index': String(outputs.length + inputs.length - 1 - i) },
          })),
          ...outputs.map((p, i) => ({
            id: `${n.id}\u0000out\u0000${p.id}`,
            width: 8,
            height: 8,
            layoutOptions: { 'elk.port.side': 'EAST', 'elk.port.index': String(i) },
          })),
        ],
      };
    }),
    edges: t.edges
      .filter((e) => t.nodes.some((n) => n.id === e.source) && t.nodes.some((n) => n.id === e.target))
      .map((e) => ({
        id: e.id,
        sources: [`${e.source}\u0000out\u0000${e.sourcePort ?? 'out'}`],
        targets: [`${e.target}\u0000in\u0000${e.targetPort ?? 'in'}`],
      })),
  };
  // Ports an edge names but the node lacks (a broken file) would make ELK throw: attach those to the node.
  const portIds = new Set(graph.children!.flatMap((c) => (c.ports ?? []).map((p) => p.id)));
  for (const e of graph.edges!) {
    if (!portIds.has(e.sources[0])) e.sources = [e.sources[0].split('\u0000')[0]];
    if (!portIds.has(e.targets[0])) e.targets = [e.targets[0].split('\u0000')[0]];
  }
  const out = await elk.layout(graph);
  const positions = new Map<string, XY>();
  for (const c of out.children ?? []) {
    positions.set(c.id, { x: Math.round((c.x ?? 0) / 16) * 16, y: Math.round((c.y ?? 0) / 16) * 16 });
  }
  return positions;
}

/** Lays out the open topology as one undo step. */
export async function autoLayout(): Promise<boolean> {
  const s = useStudio.getState();
  if (s.topology.nodes.length === 0) return false;
  const before = s.topology;
  const positions = await computeLayout(before, s.nodeSizes);
  // Only apply if nothing changed meanwhile.
  if (useStudio.getState().topology !== before) return false;
  useStudio.getState().edit((t) => moveNodes(t, positions));
  return true;
}
