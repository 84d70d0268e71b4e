/**
 * Run slice: the state of the simulation run as the UI sees it (status, controls, the topology the run
 * was built from, the message picked in the trace and its highlight on the canvas). The high-rate data of
 * a run (frames, trace rows, series) lives in ../frameStore.ts. Control actions go to the simulation
 * worker through its client; they are serialized, so a quick run-pause-step sequence arrives in order.
 */
import type { StateCreator } from 'zustand';
import { validateTopology, type Topology } from '../../model/topology';
import type { Speed } from '../../worker/frames';
import { useFrames } from '../frameStore';
import { runClient } from '../run/runClient';
import type { StudioState } from '../studioStore';

/** Where the run stands. */
export type RunStatusWord = 'idle' | 'running' | 'paused' | 'finished' | 'error';

export interface RunSlice {
  /** Where the run stands. */
  runStatus: RunStatusWord;
  /** Nodes and edges to highlight on the canvas (the path of a message picked in the trace), or null. */
  highlight: { nodes: ReadonlySet<string>; edges: ReadonlySet<string> } | null;
  /** Virtual time per real time, or 'max' (as fast as possible). */
  runSpeed: Speed;
  /** Seed for the next load or reset; null uses the topology's. */
  runSeed: number | null;
  /** End time (ms) for the next load or reset; null uses the topology's. */
  runUntil: number | null;
  /** The topology (and options) the loaded run was built from; edits after it apply on reset. */
  runTopology: Topology | null;
  runOptions: { seed: number | null; until: number | null } | null;
  /** Why the last load failed (one formatted line each), or null. */
  runErrors: string[] | null;
  /** The message (sequence number) picked in the trace, or null. */
  selectedMessage: number | null;
  /** Starts (or resumes) the run of the current topology. */
  startRun(): void;
  pauseRun(): void;
  /** Processes one event (loading the topology first when nothing is loaded). */
  stepRun(): void;
  /** Rebuilds the run from the current topology (edits apply), paused at time 0. */
  resetRun(): void;
  setRunSpeed(speed: Speed): void;
  setRunSeed(seed: number | null): void;
  setRunUntil(until: number | null): void;
  /** Picks a message in the trace and highlights its path (or clears both with null). */
  selectMessage(seq: number | null, path?: { nodes: Iterable<string>; edges: Iterable<string> }): void;
  setHighlight(highlight: RunSlice['highlight']): void;
}

export const createRunSlice: StateCreator<StudioState, [], [], RunSlice> = (set, get, store) => {
  // latency quantiles of the selected nodes go into frames (the throughput panel plots them)
  store.subscribe((s, prev) => {
    if (s.selectedNodeIds === prev.selectedNodeIds || !runClient.connected()) return;
    const ids = [...s.selectedNodeIds];
    void runClient.current()?.then((c) => c.api.watch(ids));
  });
  // opening another document ends the run of the previous one
  store.subscribe((s, prev) => {
    if (s.doc === prev.doc || s.history === prev.history || !s.runTopology) return;
    set({
      runStatus: 'idle',
      runTopology: null,
      runOptions: null,
      runErrors: null,
      selectedMessage: null,
      highlight: null,
    });
    useFrames.getState().endRun();
    void serial(async () => {
      const c = runClient.current();
      if (c) await (await c).api.pause();
    });
  });
  let chain: Promise<unknown> = Promise.resolve();
  /** Runs control operations one after another. */
  const serial = (op: () => Promise<unknown>) => {
    chain = chain.then(op).catch((err: unknown) => {
      const text = err instanceof Error ? err.message : String(err);
      set({ runStatus: 'error', runErrors: [text] });
      get().toast?.(`Run failed: ${text}`, 'error');
    });
    return chain;
  };

  const onStatus = (status: RunStatusWord) => {
    if (get().runStatus !== status) set({ runStatus: status });
  };

  /** Loads the current topology into the worker; false when it does not validate. */
  const load = async (): Promise<boolean> => {
    const s = get();
    const topology = s.topology;
    const checked = validateTopology(topology);
    if (!checked.ok) {
      set({ runStatus: 'idle', runErrors: null });
      s.showProblem?.({ title: 'This topology cannot run yet', errors: checked.errors });
      return false;
    }
    const client = await runClient.connect(onStatus);
    const options = { seed: s.runSeed, until: s.runUntil };
    await client.api.setSpeed(s.runSpeed);
    const r = await client.api.load(topology, {
      ...(options.seed !== null ? { seed: options.seed } : {}),
      ...(options.until !== null ? { until: options.until } : {}),
    });
    if (!r.ok) {
      set({ runStatus: 'error', runErrors: r.errors });
      return false;
    }
    useFrames.getState().beginRun(r.info);
    runClient.flushEarly();
    set({
      runStatus: 'paused',
      runTopology: topology,
      runOptions: options,
      runErrors: null,
      selectedMessage: null,
      highlight: null,
    });
    await client.api.watch([...get().selectedNodeIds]);
    return true;
  };

  return {
    runStatus: 'idle',
    highlight: null,
    runSpeed: 1,
    runSeed: null,
    runUntil: null,
    runTopology: null,
    runOptions: null,
    runErrors: null,
    selectedMessage: null,

    startRun: () =>
      void serial(async () => {
        const s = get();
        if (s.runStatus === 'running') return;
        // a fresh start after the end (or before any run) picks up the edits; a paused run resumes
        if (s.runStatus !== 'paused' || !s.runTopology) {
          if (!(await load())) return;
        }
        set({ runStatus: 'running' });
        await (await runClient.connect(onStatus)).api.run();
      }),

    pauseRun: () =>
      void serial(async () => {
        if (get().runStatus !== 'running') return;
        set({ runStatus: 'paused' });
        await (await runClient.connect(onStatus)).api.pause();
      }),

    stepRun: () =>
      void serial(async () => {
        const s = get();
        if (
          !s.runTopology ||
          s.runStatus === 'idle' ||
          s.runStatus === 'error' ||
          s.runStatus === 'finished'
        ) {
          if (!(await load())) return;
        }
        await (await runClient.connect(onStatus)).api.step();
      }),

    resetRun: () =>
      void serial(async () => {
        await load();
      }),

    setRunSpeed: (speed) => {
      set({ runSpeed: speed });
      void serial(async () => {
        if (runClient.connected()) await (await runClient.connect(onStatus)).api.setSpeed(speed);
      });
    },
    setRunSeed: (seed) => set({ runSeed: seed }),
    setRunUntil: (until) => set({ runUntil: until }),

    selectMessage: (seq, path) => {
      if (seq === null || !path) {
        set({ selectedMessage: seq, highlight: null });
        return;
      }
      set({ selectedMessage: seq, highlight: { nodes: new Set(path.nodes), edges: new Set(path.edges) } });
    },
    setHighlight: (highlight) => set({ highlight }),
  };
};

const signatures = new WeakMap<Topology, string>();

/** What matters to a run in a topology (positions and labels do not), as a string. */
export function runSignature(t: Topology): string {
  let sig = signatures.get(t);
  if (sig === undefined) {
    sig = JSON.stringify([
      t.simulation ?? null,
      t.nodes.map((n) => [n.id, n.kind, n.config ?? null]),
      t.edges.map((e) => [
        e.id,
        e.source,
        e.sourcePort ?? null,
        e.target,
        e.targetPort ?? null,
        e.config ?? null,
        e.link ?? null,
      ]),
      t.faults ?? null,
      t.invariants ?? null,
    ]);
    signatures.set(t, sig);
  }
  return sig;
}

/** True when the graph or the seed/until changed since the loaded run was built (they apply on reset). */
export const selectRunOutdated = (s: StudioState): boolean => {
  if (!s.runTopology || !s.runOptions) return false;
  if (s.runOptions.seed !== s.runSeed || s.runOptions.until !== s.runUntil) return true;
  if (s.runTopology === s.topology) return false;
  return runSignature(s.runTopology) !== runSignature(s.topology);
};
