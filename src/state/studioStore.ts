/**
 * The studio's one client-state store (zustand), made of slices: graph (the open topology + undo),
 * selection, panels (UI chrome) and run (owned by the run work). Read it through the module-level
 * selectors in ./selectors.ts; pick several fields with `useShallow`.
 */
import { create } from 'zustand';
import { createGraphSlice, type GraphSlice } from './slices/graph';
import { createPanelsSlice, type PanelsSlice } from './slices/panels';
import { createRunSlice, type RunSlice } from './slices/run';
import { createSelectionSlice, type SelectionSlice } from './slices/selection';

/** The whole store. */
export type StudioState = GraphSlice & SelectionSlice & PanelsSlice & RunSlice;

/** The store hook; `useStudio.getState()` for event handlers and non-React code. */
export const useStudio = create<StudioState>()((...a) => ({
  ...createGraphSlice(...a),
  ...createSelectionSlice(...a),
  ...createPanelsSlice(...a),
  ...createRunSlice(...a),
}));
