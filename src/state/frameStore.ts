/**
 * A small zustand store for the high-rate data of a run (the latest frame, ~30 updates a second), kept
 * apart from the studio store so that frames never re-run the editor's selectors. Live views subscribe to
 * their own slice of it with a selector (a badge to its node's figures), never to the whole frame.
 * Bulk data — the trace rows and the series history — lives in mutable buffers referenced from here; a
 * version counter tells subscribers when they grew.
 */
import { create } from 'zustand';
import type { Frame, RunInfo } from '../worker/frames';
import { SeriesBuffer } from './run/SeriesBuffer';
import { TraceBuffer } from './run/TraceBuffer';

export interface FrameState {
  /** The loaded run, or null before the first load. */
  info: RunInfo | null;
  /** Node id → index in frame arrays. */
  nodeIndex: ReadonlyMap<string, number>;
  /** Edge id → index in frame arrays. */
  edgeIndex: ReadonlyMap<string, number>;
  /** The latest frame of the loaded run. */
  frame: Frame | null;
  /** The run's string table (ports and message types), grown from frames. */
  strings: string[];
  /** The trace rows of the run (mutable; see traceVersion). */
  trace: TraceBuffer;
  /** Counts appends to `trace` (bumped at most TRACE_HZ times a second while running). */
  traceVersion: number;
  /** Spans the worker could not send (more than a frame holds). */
  spansSkipped: number;
  /** The throughput history (mutable; see seriesVersion). */
  series: SeriesBuffer;
  seriesVersion: number;
  /** Starts a new run: forgets the previous one's frames, trace and series. */
  beginRun(info: RunInfo): void;
  /** Forgets the run (another document was opened). */
  endRun(): void;
  /** Takes a frame from the worker (frames of another run are ignored). */
  pushFrame(frame: Frame, realNow?: number): void;
}

const trace = new TraceBuffer();

/** Canvas and clock updates per second while running. */
export const LIVE_HZ = 10;
/** Trace list updates per second while running (rows stream by faster than anyone reads them). */
export const TRACE_HZ = 4;
let lastLive = -Infinity;
let lastTrace = -Infinity;
let traceDirty = false;
let skippedSince = 0;

export const useFrames = create<FrameState>()((set, get) => ({
  info: null,
  nodeIndex: new Map(),
  edgeIndex: new Map(),
  frame: null,
  strings: [],
  trace,
  traceVersion: 0,
  spansSkipped: 0,
  series: new SeriesBuffer(0, 0),
  seriesVersion: 0,
  beginRun: (info) => {
    trace.clear();
    const nodeIndex = new Map(info.nodes.map((n, i) => [n.id, i]));
    const edgeIndex = new Map(info.edges.map((e, i) => [e.id, i]));
    useLive.setState({ frame: null, info, nodeIndex, edgeIndex });
    set((s) => ({
      info,
      nodeIndex,
      edgeIndex,
      frame: null,
      strings: [],
      traceVersion: s.traceVersion + 1,
      spansSkipped: 0,
      series: new SeriesBuffer(info.nodes.length, info.edges.length),
      seriesVersion: s.seriesVersion + 1,
    }));
  },
  endRun: () => {
    trace.clear();
    useLive.setState({ frame: null, info: null, nodeIndex: new Map(), edgeIndex: new Map() });
    set((s) => ({ info: null, frame: null, strings: [], traceVersion: s.traceVersion + 1, spansSkipped: 0 }));
  },
  pushFrame: (frame, realNow = performance.now()) => {
    const s = get();
    if (!s.info || frame.runId !== s.info.runId) return;
    const strings = s.strings;
    if (frame.strings.length) {
      strings.length = frame.stringsFrom;
      for (const str of frame.strings) strings.push(str);
    }
    if (frame.spans && frame.spans.count > 0) {
      s.trace.append(frame.spans);
      traceDirty = true;
    }
    skippedSince += frame.spansSkipped;
    const added = s.series.push(frame, realNow);
    // views of the trace and the canvas follow at LIVE_HZ while running; every frame otherwise
    if (frame.state !== 'running' || realNow - lastLive >= 1000 / LIVE_HZ) {
      lastLive = realNow;
      useLive.setState({ frame });
      const showTrace = traceDirty && (frame.state !== 'running' || realNow - lastTrace >= 1000 / TRACE_HZ);
      if (showTrace) lastTrace = realNow;
      set({
        frame,
        traceVersion: showTrace ? s.traceVersion + 1 : s.traceVersion,
        spansSkipped: s.spansSkipped + skippedSince,
        seriesVersion: added ? s.seriesVersion + 1 : s.seriesVersion,
      });
      if (showTrace) traceDirty = false;
      skippedSince = 0;
    } else {
      set({ frame, seriesVersion: added ? s.seriesVersion + 1 : s.seriesVersion });
    }
  },
}));

/**
 * What the canvas overlays read: the latest frame at most LIVE_HZ times a second while running (every
 * frame otherwise), in a store of its own, so that the selectors of hundreds of badges and edges run 10
 * times a second rather than 30, and not at all for frames they would not show.
 */
export interface LiveState {
  frame: Frame | null;
  info: RunInfo | null;
  nodeIndex: ReadonlyMap<string, number>;
  edgeIndex: ReadonlyMap<string, number>;
}

export const useLive = create<LiveState>()(() => ({
  frame: null,
  info: null,
  nodeIndex: new Map(),
  edgeIndex: new Map(),
}));

/** The index of a node in frames, or -1. */
export const nodeIndexOf = (s: FrameState, id: string): number => s.nodeIndex.get(id) ?? -1;
