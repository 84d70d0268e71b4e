/**
 * Graph slice: the open topology (exactly as its file would hold it), which saved document it is, and
 * undo/redo. Every change goes through `edit`, which records history; the pure edits live in
 * ../graphEdits.ts.
 */
import type { StateCreator } from 'zustand';
import { emptyTopology, type Topology } from '../../model/topology';
import {
  addEdge,
  addNode,
  connectionProblem,
  extractFragment,
  insertFragment,
  removeElements,
  type ConnectionRequest,
  type XY,
} from '../graphEdits';
import { pruneFaultsAndInvariants } from '../faultEdits';
import { emptyHistory, endGroup, record, redo, undo, type History } from '../history';
import type { StudioState } from '../studioStore';

/** Which saved document the open topology is. */
export interface DocInfo {
  /** The IndexedDB record id, or null before the first save. */
  id: string | null;
  /** Where it came from (`new`, `file:<name>`, `example:<name>`, `link`, `saved`). */
  source: string;
}

/** Measured size of a node view (React Flow needs it back on every render of a controlled flow). */
export interface NodeSize {
  width: number;
  height: number;
}

export interface GraphSlice {
  /** The open topology, as written (no defaults applied). Replaced, never mutated. */
  topology: Topology;
  doc: DocInfo;
  /** Counts changes of `topology` (loads included): autosave and the run work watch it. */
  revision: number;
  /** Counts opened topologies (not edits): the canvas fits the view when it changes. */
  loadCount: number;
  history: History<Topology>;
  nodeSizes: Readonly<Record<string, NodeSize>>;

  /** Opens a topology: clears history and selection. */
  loadTopology(topology: Topology, doc: DocInfo): void;
  /** Records the saved record id once the first autosave has created it. */
  setDocId(id: string): void;
  /**
   * Applies a pure edit as one undo step; edits with the same `group` in quick succession (a drag,
   * typing into one field) coalesce into one step. An edit that returns its input is ignored.
   */
  edit(fn: (t: Topology) => Topology, group?: string): void;
  /** Closes the current coalescing group (end of a drag). */
  endEditGroup(): void;
  undo(): void;
  redo(): void;
  setNodeSizes(sizes: Record<string, NodeSize>): void;

  /** Adds a node and selects it; returns its id. */
  addNodeAt(kind: string, position: XY): string;
  /** Connects two ports, or returns why not (the model's reason). */
  connect(c: ConnectionRequest): { ok: true; id: string } | { ok: false; reason: string };
  /** Deletes the selected nodes (with their edges) and edges. */
  deleteSelection(): void;
  /** The selected nodes and the edges among them, as a topology (for the clipboard). */
  copySelection(): Topology | null;
  /** Inserts nodes and edges (fresh ids where they clash), shifted by `offset`, and selects them. */
  pasteFragment(fragment: Pick<Topology, 'nodes' | 'edges'>, offset: XY): void;
}

const now = () => Date.now();

export const createGraphSlice: StateCreator<StudioState, [], [], GraphSlice> = (set, get) => ({
  topology: emptyTopology(),
  doc: { id: null, source: 'new' },
  revision: 0,
  loadCount: 0,
  history: emptyHistory(),
  nodeSizes: {},

  loadTopology: (topology, doc) =>
    set((s) => ({
      topology,
      doc,
      revision: s.revision + 1,
      loadCount: s.loadCount + 1,
      history: emptyHistory(),
      selectedNodeIds: [],
      selectedEdgeIds: [],
    })),

  setDocId: (id) => set((s) => ({ doc: { ...s.doc, id } })),

  edit: (fn, group) => {
    const s = get();
    const next = fn(s.topology);
    if (next === s.topology) return;
    set({ topology: next, revision: s.revision + 1, history: record(s.history, s.topology, { group, now: now() }) });
  },

  endEditGroup: () => set((s) => ({ history: endGroup(s.history) })),

  undo: () => {
    const s = get();
    const r = undo(s.history, s.topology);
    if (r) set({ topology: r.value, history: r.history, revision: s.revision + 1, ...pruneSelection(s, r.value) });
  },

  redo: () => {
    const s = get();
    const r = redo(s.history, s.topology);
    if (r) set({ topology: r.value, history: r.history, revision: s.revision + 1, ...pruneSelection(s, r.value) });
  },

  setNodeSizes: (sizes) => set((s) => ({ nodeSizes: { ...s.nodeSizes, ...sizes } })),

  addNodeAt: (kind, position) => {
    let id = '';
    get().edit((t) => {
      const r = addNode(t, kind, position);
      id = r.id;
      return r.topology;
    });
    set({ selectedNodeIds: [id], selectedEdgeIds: [] });
    return id;
  },

  connect: (c) => {
    const t = get().topology;
    const reason = connectionProblem(t, c);
    if (reason) return { ok: false, reason };
    const r = addEdge(t, c);
    get().edit(() => r.topology);
    return { ok: true, id: r.id };
  },

  deleteSelection: () => {
    const s = get();
    if (!s.selectedNodeIds.length && !s.selectedEdgeIds.length) return;
    s.edit((t) => pruneFaultsAndInvariants(t, removeElements(t, new Set(s.selectedNodeIds), new Set(s.selectedEdgeIds))));
    set({ selectedNodeIds: [], selectedEdgeIds: [] });
  },

  copySelection: () => {
    const s = get();
    if (!s.selectedNodeIds.length) return null;
    return extractFragment(s.topology, new Set(s.selectedNodeIds));
  },

  pasteFragment: (fragment, offset) => {
    let ids: { nodeIds: string[]; edgeIds: string[] } = { nodeIds: [], edgeIds: [] };
    get().edit((t) => {
      const r = insertFragment(t, fragment, offset);
      ids = r;
      return r.topology;
    });
    set({ selectedNodeIds: ids.nodeIds, selectedEdgeIds: ids.edgeIds });
  },
});

function pruneSelection(s: StudioState, t: Topology): Pick<StudioState, 'selectedNodeIds' | 'selectedEdgeIds'> {
  const nodes = new Set(t.nodes.map((n) => n.id));
  const edges = new Set(t.edges.map((e) => e.id));
  return {
    selectedNodeIds: s.selectedNodeIds.filter((id) => nodes.has(id)),
    selectedEdgeIds: s.selectedEdgeIds.filter((id) => edges.has(id)),
  };
}
