/** Selection slice: which nodes and edges are selected (the canvas and the inspector follow it). */
import type { StateCreator } from 'zustand';
import type { StudioState } from '../studioStore';

export interface SelectionSlice {
  selectedNodeIds: readonly string[];
  selectedEdgeIds: readonly string[];
  /** Replaces the selection. */
  setSelection(nodeIds: readonly string[], edgeIds: readonly string[]): void;
  /** Selects every node and edge. */
  selectAll(): void;
  clearSelection(): void;
}

export const createSelectionSlice: StateCreator<StudioState, [], [], SelectionSlice> = (set, get) => ({
  selectedNodeIds: [],
  selectedEdgeIds: [],
  setSelection: (nodeIds, edgeIds) => {
    const s = get();
    if (sameIds(s.selectedNodeIds, nodeIds) && sameIds(s.selectedEdgeIds, edgeIds)) return;
    set({ selectedNodeIds: nodeIds, selectedEdgeIds: edgeIds });
  },
  selectAll: () => {
    const t = get().topology;
    set({ selectedNodeIds: t.nodes.map((n) => n.id), selectedEdgeIds: t.edges.map((e) => e.id) });
  },
  clearSelection: () => set({ selectedNodeIds: [], selectedEdgeIds: [] }),
});

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}
