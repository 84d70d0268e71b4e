/**
 * The simulation worker's API: one object that owns one engine run, drives it in real time × speed or as
 * fast as possible, and pushes frames (at most ~30 a second, bounded in size) to a listener. It knows
 * nothing of comlink: `simulation.worker.ts` exposes it, tests call it directly.
 *
 * Driving: work is done in chunks of at most `chunkMs` of real time, with a yield between chunks (a
 * MessageChannel hop in the worker, so a `pause` or `setSpeed` call is handled promptly). In real-time mode
 * each chunk advances virtual time to `anchor + elapsed real time × speed`; when the engine cannot keep up,
 * the anchor moves so the run does not try to catch up in a burst later.
 *
 * @example
 * const api = createSimulationApi();
 * api.subscribe((frame) => render(frame));
 * const r = api.load(topology, { seed: 7 });
 * if (r.ok) api.run();
 */
import { formatError } from '../model/errors';
import { validateTopology } from '../model/topology';
import { buildReport } from '../engine/report';
import { Simulation } from '../engine/Simulation';
import { OUTCOME_NAMES } from '../engine/trace';
import type { DeadLetterEntry } from '../engine/patterns/deadLetter';
import { FrameBuilder, transferablesOf, type FrameBuilderOptions } from './frameBuilder';
import { eventStoreApi, type EventStoreApi } from './eventStoreApi';
import { resilienceApi, type ResilienceApi } from './resilienceApi';
import { ResilienceFrames } from './resilienceFrames';
import { createPersistence, type EventPersistence } from './persistence';
import type {
  DeadLetterPage,
  Frame,
  FrameListener,
  LoadOptions,
  LoadResult,
  MessageDetail,
  RunInfo,
  RunReport,
  RunState,
  Speed,
} from './frames';

/** What the API needs from its environment (injected in tests). */
export interface ApiDeps {
  /** Releases what the environment holds (the defer channel). */
  close?(): void;
  /** A monotonic clock in ms (performance.now). */
  now(): number;
  /** Runs `fn` soon, after pending messages are handled. */
  defer(fn: () => void): void;
  /** Runs `fn` after `ms`. */
  sleep(fn: () => void, ms: number): void;
  /** Marks a frame's buffers to be transferred rather than copied (comlink.transfer in the worker). */
  transfer(frame: Frame, buffers: ArrayBuffer[]): Frame;
}

/** Tuning of the driver. */
export interface DriverOptions extends FrameBuilderOptions {
  /** Least real time between two frames (ms); 33 gives at most ~30 frames a second. */
  frameMs: number;
  /** Most real time spent in one chunk of work (ms). */
  chunkMs: number;
  /** Events processed between two clock checks within a chunk. */
  batch: number;
  /** Frames sent but not yet acknowledged by the listener before frames are skipped (merged into the next). */
  maxInFlight: number;
}

const DEFAULT_DRIVER: Omit<DriverOptions, keyof FrameBuilderOptions> = { frameMs: 33, chunkMs: 12, batch: 512, maxInFlight: 2 };

function defaultDeps(): ApiDeps {
  const queue: (() => void)[] = [];
  let channel: MessageChannel | null = null;
  const defer = (fn: () => void) => {
    if (typeof MessageChannel === 'undefined') {
      setTimeout(fn, 0);
      return;
    }
    // a MessageChannel hop is a macrotask without the 4 ms clamp of nested setTimeout
    if (!channel) {
      channel = new MessageChannel();
      channel.port1.onmessage = () => queue.shift()?.();
    }
    queue.push(fn);
    channel.port2.postMessage(0);
  };
  return {
    now: () => performance.now(),
    defer,
    sleep: (fn, ms) => setTimeout(fn, ms),
    transfer: (frame) => frame,
    close: () => {
      channel?.port1.close();
      channel = null;
    },
  };
}

/** The API object the worker exposes. Every method may be called over comlink. */
export interface SimulationApi extends EventStoreApi, ResilienceApi {
  /** Sets the frame listener (one at a time; a new one replaces the old). */
  subscribe(listener: FrameListener): void;
  /** Validates and loads a topology, replacing any run; the run starts paused at time 0. */
  load(topology: unknown, options?: LoadOptions): LoadResult;
  /** Rebuilds the loaded run from time 0 (with new options, if given). */
  reset(options?: LoadOptions): LoadResult;
  /** Runs (or resumes) until paused or finished. */
  run(): void;
  /** Pauses after the current chunk and sends a frame. */
  pause(): void;
  /** Processes one event (pausing first) and sends a frame; false when nothing was left. */
  step(): boolean;
  /** Virtual time per real time, or 'max'. */
  setSpeed(speed: Speed): void;
  /** Nodes whose latency quantiles go into frames. */
  watch(nodeIds: string[]): void;
  /** Where the run stands. */
  status(): { state: RunState; now: number; events: number; runId: number };
  /** A message by sequence number, while the trace still holds it. */
  findMessage(seq: number): MessageDetail | null;
  /** A page of a dead-letter channel's messages, newest first. */
  deadLetters(nodeId: string, offset?: number, limit?: number): DeadLetterPage;
  /** Sends one dead-lettered message back to where it failed; returns how many were sent. */
  reprocess(nodeId: string, messageId: string): number;
  /** Sends every message of a dead-letter channel back; returns how many were sent. */
  reprocessAll(nodeId: string): number;
  /** The run report as it stands. */
  report(): RunReport | null;
  /** Stops driving and forgets the run. */
  dispose(): void;
}

/** Makes the API object; `deps`, `options` and `persistence` (event stores' write-behind) are for tests. */
export function createSimulationApi(deps: Partial<ApiDeps> = {}, options: Partial<DriverOptions> = {}, persistence: EventPersistence = createPersistence()): SimulationApi {
  const d: ApiDeps = { ...defaultDeps(), ...deps };
  const opt = { ...DEFAULT_DRIVER, ...options };
  let listener: FrameListener | null = null;
  let topology: unknown = null;
  let loadOptions: LoadOptions = {};
  let sim: Simulation | null = null;
  let frames: FrameBuilder | null = null;
  let extras: ResilienceFrames | null = null;
  let runId = 0;
  let state: RunState = 'idle';
  let speed: Speed = 1;
  let watched: string[] = [];
  let loopScheduled = false;
  // real-time anchors: virtual time `anchorV` corresponded to real time `anchorR`
  let anchorR = 0;
  let anchorV = 0;
  let lastFrameAt = -Infinity;
  let inFlight = 0;
  let framePending = false;
  let eventsPerSec = 0;
  let rateAt = 0;
  let rateEvents = 0;

  const resetAnchor = () => {
    anchorR = d.now();
    anchorV = sim ? sim.now : 0;
  };

  const send = (force: boolean) => {
    persistence.pump();
    if (!sim || !frames || !listener) return;
    const t = d.now();
    if (!force && (t - lastFrameAt < opt.frameMs || inFlight >= opt.maxInFlight)) {
      framePending = true;
      return;
    }
    framePending = false;
    lastFrameAt = t;
    const frame = frames.build(state, state === 'running' ? eventsPerSec : 0);
    frame.persistence = persistence.status();
    extras?.fill(frame);
    const result = listener(d.transfer(frame, transferablesOf(frame)));
    if (result && typeof (result as Promise<unknown>).then === 'function') {
      // count frames the main thread has not taken yet, so a busy UI gets fewer frames, not a backlog
      inFlight++;
      (result as Promise<unknown>).then(
        () => inFlight--,
        () => inFlight--,
      );
    }
  };

  const measure = () => {
    if (!sim) return;
    const t = d.now();
    const dt = t - rateAt;
    if (dt >= 250) {
      const inst = ((sim.events - rateEvents) * 1000) / dt;
      eventsPerSec = eventsPerSec === 0 ? inst : eventsPerSec + 0.5 * (inst - eventsPerSec);
      rateAt = t;
      rateEvents = sim.events;
    }
  };

  const chunk = () => {
    loopScheduled = false;
    if (state !== 'running' || !sim) return;
    if (persistence.preparing) {
      // the event stores are being seeded from storage: start once they are
      loopScheduled = true;
      persistence.whenReady(() => {
        resetAnchor();
        chunk();
      });
      return;
    }
    const t0 = d.now();
    let caughtUp = false;
    if (speed === 'max') {
      do sim.run({ maxEvents: opt.batch });
      while (!sim.finished && d.now() - t0 < opt.chunkMs);
    } else {
      const target = anchorV + (t0 - anchorR) * speed;
      do sim.run({ until: target, maxEvents: opt.batch });
      while (sim.now < target && !sim.finished && d.now() - t0 < opt.chunkMs);
      caughtUp = sim.now >= target;
      // far behind (the engine cannot keep up at this speed): give up the debt instead of bursting later
      if (!caughtUp && target - sim.now > 1000 * speed) resetAnchor();
    }
    measure();
    if (sim.finished) {
      state = 'finished';
      eventsPerSec = 0;
      send(true);
      return;
    }
    send(false);
    loopScheduled = true;
    if (caughtUp) d.sleep(chunk, Math.max(1, Math.min(opt.frameMs, 16)));
    // backpressure: the studio has not taken the last frame for a while (its thread is busy drawing), so
    // leave it some CPU rather than compete with it (on a 2-core machine the two threads share little else)
    else if (inFlight > 0 && d.now() - lastFrameAt > opt.frameMs) d.sleep(chunk, 4);
    else d.defer(chunk);
  };

  const startLoop = () => {
    if (loopScheduled) return;
    loopScheduled = true;
    d.defer(chunk);
  };

  const build = (): LoadResult => {
    const checked = validateTopology(topology);
    if (!checked.ok) return { ok: false, errors: checked.errors.map((e) => formatError(e)) };
    try {
      sim = new Simulation(checked.topology, {
        seed: loadOptions.seed,
        until: loadOptions.until,
      });
    } catch (err) {
      sim = null;
      state = 'error';
      return { ok: false, errors: [err instanceof Error ? err.message : String(err)] };
    }
    runId++;
    persistence.attach(sim);
    frames = new FrameBuilder(sim, runId, opt);
    extras = new ResilienceFrames(sim, opt.rateTau);
    frames.watch(watched);
    state = 'paused';
    eventsPerSec = 0;
    rateAt = d.now();
    rateEvents = 0;
    lastFrameAt = -Infinity;
    framePending = false;
    resetAnchor();
    const info: RunInfo = {
      runId,
      name: sim.topology.name,
      seed: sim.settings.seed,
      until: sim.settings.until,
      nodes: sim.nodes.map((n) => ({ id: n.id, kind: n.kind, label: n.label })),
      edges: sim.edges.map((e) => ({ id: e.id, source: e.source, target: e.target })),
      outcomes: OUTCOME_NAMES,
    };
    send(true);
    return { ok: true, info };
  };

  const needSim = (): Simulation => {
    if (!sim) throw new Error('no topology is loaded');
    return sim;
  };

  const afterChange = () => {
    // reprocessed messages are new work: a finished run has something to do again
    if (state === 'finished' && sim && !sim.finished) state = 'paused';
    if (state !== 'running') send(true);
  };

  persistence.onChange = () => {
    if (state !== 'running') send(true);
  };

  const api: SimulationApi = {
    ...eventStoreApi(persistence, () => sim, afterChange),
    ...resilienceApi(() => sim, afterChange),
    subscribe(l) {
      listener = l;
      inFlight = 0;
    },
    load(t, o = {}) {
      state = 'idle';
      topology = t;
      loadOptions = { ...o };
      return build();
    },
    reset(o) {
      if (topology === null) return { ok: false, errors: ['no topology is loaded'] };
      if (o) loadOptions = { ...o };
      state = 'idle';
      return build();
    },
    run() {
      if (!sim || state === 'finished' || state === 'running') return;
      state = 'running';
      resetAnchor();
      rateAt = d.now();
      rateEvents = sim.events;
      startLoop();
    },
    pause() {
      if (state !== 'running') return;
      state = 'paused';
      eventsPerSec = 0;
      send(true);
    },
    step() {
      const s = needSim();
      if (persistence.preparing) {
        persistence.whenReady(() => void api.step());
        return true;
      }
      if (state === 'running') state = 'paused';
      const stepped = s.step();
      if (s.finished) state = 'finished';
      else if (state !== 'finished') state = 'paused';
      send(true);
      return stepped;
    },
    setSpeed(s) {
      if (s !== 'max' && !(s > 0 && Number.isFinite(s))) throw new Error(`speed must be a positive number or 'max'`);
      speed = s;
      resetAnchor();
    },
    watch(ids) {
      watched = ids.slice(0, 64);
      frames?.watch(watched);
      if (framePending || state !== 'running') afterChange();
    },
    status() {
      return { state, now: sim?.now ?? 0, events: sim?.events ?? 0, runId };
    },
    findMessage(seq) {
      const m = needSim().trace.findMessage(seq);
      if (!m) return null;
      return {
        id: m.id,
        seq: m.seq,
        correlationId: m.correlationId,
        causationId: m.causationId,
        kind: m.kind,
        type: m.type,
        createdAt: m.createdAt,
        expiresAt: m.expiresAt,
        priority: m.priority,
        headers: { ...m.headers },
        payload: JSON.stringify(m.payload, null, 2) ?? 'null',
        deadLetterReason: m.deadLetterReason,
        deadLetterDetail: m.deadLetterDetail,
      };
    },
    deadLetters(nodeId, offset = 0, limit = 100) {
      const s = needSim();
      const page = s.action(nodeId, 'list', { offset, limit }) as {
        total: number;
        reprocessed: number;
        byReason: DeadLetterPage['byReason'];
        items: DeadLetterEntry[];
      };
      return {
        total: page.total,
        reprocessed: page.reprocessed,
        byReason: page.byReason,
        items: page.items.map((it) => ({ ...it, origin: it.origin >= 0 ? (s.nodes[it.origin]?.id ?? '') : '' })),
      };
    },
    reprocess(nodeId, messageId) {
      const r = needSim().action(nodeId, 'reprocess', { id: messageId }) as { reprocessed: number };
      afterChange();
      return r.reprocessed;
    },
    reprocessAll(nodeId) {
      const r = needSim().action(nodeId, 'reprocessAll') as { reprocessed: number };
      afterChange();
      return r.reprocessed;
    },
    report() {
      return sim ? buildReport(sim) : null;
    },
    dispose() {
      state = 'idle';
      sim = null;
      frames = null;
      extras = null;
      listener = null;
      d.close?.();
    },
  };
  return api;
}
