/**
 * Hooks for the UI benchmark (bench/ui.ts), installed only when the page URL has `bench=1`: time the
 * main thread's handling of a frame of N trace spans, and fill the trace with N synthetic rows (to time
 * mounting a long trace list). Nothing here runs in normal use.
 */
import { useFrames } from '../../state/frameStore';
import type { Frame, FrameSpans } from '../../worker/frames';

/** A synthetic page of `n` spans over `nodes` nodes (what a busy run sends). */
export function syntheticSpans(n: number, nodes: number, from = 0): FrameSpans {
  const s: FrameSpans = {
    from,
    count: n,
    msg: new Int32Array(n),
    root: new Int32Array(n),
    node: new Int32Array(n),
    hop: new Int32Array(n),
    tIn: new Float64Array(n),
    tOut: new Float64Array(n),
    outcome: new Int8Array(n),
    port: new Int32Array(n).fill(-1),
    reason: new Int8Array(n).fill(-1),
    type: new Int32Array(n),
    kind: new Int8Array(n),
    edge: new Int32Array(n).fill(-1),
    corr: new Int32Array(n).fill(-1),
    corrStrings: [],
  };
  for (let k = 0; k < n; k++) {
    const g = from + k;
    s.msg[k] = 1 + (g >> 2);
    s.root[k] = s.msg[k];
    s.node[k] = g % Math.max(1, nodes);
    s.hop[k] = g & 3;
    s.tIn[k] = g * 0.01;
    s.tOut[k] = g * 0.01 + 0.005;
    s.outcome[k] = (g & 3) === 3 ? 1 : 0;
  }
  return s;
}

interface BenchHooks {
  /** Times appending one frame of `n` spans: the trace append alone and the whole frame handling (ms). */
  timeFrame(n: number, repeats: number): { append: number[]; push: number[] };
  /** Appends synthetic rows until the trace holds `n` rows. */
  fillTrace(n: number): number;
}

declare global {
  interface Window {
    __studioBench?: BenchHooks;
  }
}

/** Installs the hooks when the URL asks for them. */
export function installBenchHooks(): void {
  if (typeof window === 'undefined' || !new URLSearchParams(window.location.search).has('bench')) return;
  window.__studioBench = {
    timeFrame(n, repeats) {
      // performance.now() is coarse in browsers (0.1 ms or worse): each sample times a batch and divides
      const BATCH = 10;
      const append: number[] = [];
      const push: number[] = [];
      for (let r = 0; r < repeats; r++) {
        const fs = useFrames.getState();
        const nodes = fs.info?.nodes.length ?? 1;
        const pages = Array.from({ length: BATCH }, (_, k) =>
          syntheticSpans(n, nodes, fs.trace.written + k * n),
        );
        let t = performance.now();
        for (const p of pages) fs.trace.append(p);
        append.push((performance.now() - t) / BATCH);
        const last = fs.frame;
        if (!last) continue;
        const frames: Frame[] = Array.from({ length: BATCH }, (_, k) => ({
          ...last,
          spans: syntheticSpans(n, nodes, fs.trace.written + k * n),
          strings: [],
          stringsFrom: fs.strings.length,
          spansSkipped: 0,
        }));
        t = performance.now();
        for (const f of frames) useFrames.getState().pushFrame(f);
        push.push((performance.now() - t) / BATCH);
      }
      return { append, push };
    },
    fillTrace(n) {
      const fs = useFrames.getState();
      const nodes = fs.info?.nodes.length ?? 1;
      while (fs.trace.count < n)
        fs.trace.append(syntheticSpans(Math.min(100_000, n - fs.trace.count), nodes, fs.trace.written));
      useFrames.setState((s) => ({ traceVersion: s.traceVersion + 1 }));
      return fs.trace.count;
    },
  };
}
