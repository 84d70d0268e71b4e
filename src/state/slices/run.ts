/**
 * Run slice: the state of the simulation run as the UI sees it (status, latest frame, highlight).
 * (Initial shape agreed between the editor and run work; the run work fills it in.)
 */
import type { StateCreator } from 'zustand';
import type { StudioState } from '../studioStore';

export interface RunSlice {
  /** Where the run stands. */
  runStatus: 'idle' | 'running' | 'paused' | 'finished' | 'error';
  /** Nodes and edges to highlight on the canvas (the path of a message picked in the trace), or null. */
  highlight: { nodes: ReadonlySet<string>; edges: ReadonlySet<string> } | null;
  /** Starts (or resumes) the run of the current topology. */
  startRun(): void;
}

export const createRunSlice: StateCreator<StudioState, [], [], RunSlice> = (set) => ({
  runStatus: 'idle',
  highlight: null,
  startRun: () => set({ runStatus: 'running' }),
});
