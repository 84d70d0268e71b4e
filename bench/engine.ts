/**
 * Engine benchmark: events and completed messages per second of wall time, with metrics on and sampled
 * tracing (1 % of conversations, 100k spans kept), for two models at two heap sizes:
 *
 * - M/M/1 (λ = 80/s, μ = 100/s, ρ = 0.8): producers → point-to-point → one worker. With k producers of
 *   rate λ/k each the arrivals are still one Poisson process of rate λ (superposition), so the queue is
 *   the same M/M/1, but k arrival timers are pending at once: k = 1 000 and 100 000.
 * - A 50-node pipeline: producer → 24 × (point-to-point → service activator with constant 40 ms service and
 *   high concurrency) → sink. The messages in service are the pending events (rate × 40 ms × 24), so the
 *   rate sets the heap size: ~1 000 and ~100 000.
 *
 * The pending count is sampled every 10 000 events and its mean printed, so the heap size is measured, not
 * assumed. Each scenario warms up first and then runs three measured windows; the median is reported.
 * The single-producer M/M/1 also runs in SimPy (bench/simpy_mm1.py) for the same number of messages.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alignColumns } from '../src/cli/table';
import { Counter } from '../src/engine/metrics';
import { Simulation } from '../src/engine/Simulation';
import type { Topology, TopologyEdge, TopologyNode } from '../src/model/topology';

/** Arrival and service rates of the M/M/1 model, per virtual second (ρ = 0.8, mean time in system 50 ms). */
export const MM1 = { lambda: 80, mu: 100 } as const;
/** Constant service time of each pipeline stage, in virtual ms. */
export const STAGE_MS = 40;
const STAGES = 24;
const TRACE = { capacity: 100_000, sample: 0.01 };
const RUN_FOREVER = 1e12;

/** Sizes of a benchmark run (the defaults are the real benchmark; tests pass small ones). */
export interface EngineBenchOptions {
  /** Pending events of the small-heap scenarios. */
  lowPending: number;
  /** Pending events of the large-heap scenarios. */
  highPending: number;
  /** Events per measured window. */
  windowEvents: number;
  /** Measured windows (the median is reported). */
  windows: number;
  /** Messages of the single-producer M/M/1 run that is compared with SimPy. */
  mm1Messages: number;
  /** Run the SimPy baseline. */
  simpy: boolean;
}

/** The default sizes. */
export const DEFAULT_ENGINE_BENCH: EngineBenchOptions = {
  lowPending: 1_000,
  highPending: 100_000,
  windowEvents: 1_500_000,
  windows: 3,
  mm1Messages: 1_000_000,
  simpy: true,
};

/** The measured figures of one scenario. */
export interface ScenarioResult {
  name: string;
  model: 'mm1' | 'pipeline';
  nodes: number;
  /** Mean of `sim.pendingEvents` sampled during the measured windows. */
  meanPending: number;
  eventsPerSecond: number;
  messagesPerSecond: number;
  /** The fastest window's messages/s (the least disturbed by other load on a shared machine). */
  bestMessagesPerSecond: number;
  /** Slowest and fastest window, events/s. */
  eventsRange: [number, number];
  /** Mean end-to-end latency over the run, virtual ms. */
  meanLatencyMs: number;
}

/** The outcome of the SimPy baseline. */
export type SimpyResult =
  | {
      ok: true;
      /** Median over the runs. */
      messagesPerSecond: number;
      /** The fastest run. */
      bestMessagesPerSecond: number;
      meanLatencyMs: number;
      version: string;
      python: string;
      messages: number;
    }
  | { ok: false; reason: string };

/** Everything the engine suite measured. */
export interface EngineBenchResult {
  options: EngineBenchOptions;
  scenarios: ScenarioResult[];
  simpy: SimpyResult | null;
}

function topology(name: string, nodes: TopologyNode[], edges: TopologyEdge[]): Topology {
  return {
    format: 'messaging-studio/topology',
    version: 1,
    name,
    simulation: { until: RUN_FOREVER },
    nodes,
    edges,
  };
}

/** M/M/1 with `producers` Poisson producers of rate λ/producers each; `count` limits each producer. */
export function mm1Topology(producers: number, count?: number): Topology {
  const nodes: TopologyNode[] = [];
  const edges: TopologyEdge[] = [];
  for (let i = 0; i < producers; i++) {
    nodes.push({
      id: `p${i}`,
      kind: 'producer',
      config: { rate: MM1.lambda / producers, arrival: 'poisson', count },
    });
    edges.push({ id: `ep${i}`, source: `p${i}`, target: 'queue' });
  }
  nodes.push(
    { id: 'queue', kind: 'point-to-point', config: {} },
    {
      id: 'server',
      kind: 'service-activator',
      config: { concurrency: 1, serviceTime: { dist: 'exponential', mean: 1000 / MM1.mu } },
    },
  );
  edges.push({ id: 'eq', source: 'queue', target: 'server' });
  return topology(`M/M/1 × ${producers} producers`, nodes, edges);
}

/** Holders beside the M/M/1 that keep timers pending (see {@link mm1HeldTopology}). */
export const HOLDERS = 16;

/**
 * M/M/1 beside a "hold" load that keeps about `pending` events in the heap: HOLDERS Poisson producers
 * (λ/HOLDERS each, so as many background messages as M/M/1 ones) into service activators with a constant
 * service time D = pending / λ. The event mix per message is the same whatever `pending` is; only the heap
 * size changes, which is what the 1k-vs-100k comparison is meant to isolate.
 */
export function mm1HeldTopology(pending: number): Topology {
  const t = mm1Topology(1);
  const holdMs = (pending * 1000) / MM1.lambda;
  for (let i = 0; i < HOLDERS; i++) {
    t.nodes.push(
      { id: `bg${i}`, kind: 'producer', config: { rate: MM1.lambda / HOLDERS, arrival: 'poisson' } },
      {
        id: `hold${i}`,
        kind: 'service-activator',
        config: { concurrency: 10_000, serviceTime: { dist: 'constant', value: holdMs } },
      },
    );
    t.edges.push({ id: `ebg${i}`, source: `bg${i}`, target: `hold${i}` });
  }
  t.name = `M/M/1 beside ~${pending} held timers`;
  return t;
}

/** Virtual time after which the hold load of {@link mm1HeldTopology} is in steady state. */
export const holdWarmUntil = (pending: number) => ((pending * 1000) / MM1.lambda) * 1.25;

/** The 50-node pipeline with a Poisson producer of `rate` msg/s. */
export function pipelineTopology(rate: number): Topology {
  const nodes: TopologyNode[] = [{ id: 'src', kind: 'producer', config: { rate } }];
  const edges: TopologyEdge[] = [];
  let prev = 'src';
  for (let i = 0; i < STAGES * 2; i++) {
    const id = `n${i}`;
    nodes.push(
      i % 2 === 0
        ? { id, kind: 'point-to-point', config: {} }
        : {
            id,
            kind: 'service-activator',
            config: { concurrency: 10_000, serviceTime: { dist: 'constant', value: STAGE_MS } },
          },
    );
    edges.push({ id: `e${i}`, source: prev, target: id });
    prev = id;
  }
  nodes.push({ id: 'sink', kind: 'sink' });
  edges.push({ id: 'e-sink', source: prev, target: 'sink' });
  return topology(`pipeline of ${nodes.length} nodes at ${Math.round(rate)}/s`, nodes, edges);
}

/** The pipeline's producer rate (msg/s) for about `pending` messages in service. */
export function pipelineRateFor(pending: number): number {
  return (pending * 1000) / (STAGES * STAGE_MS);
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

interface Window {
  events: number;
  completed: number;
  seconds: number;
  pendingSum: number;
  samples: number;
}

/** Runs `events` events in chunks, sampling the pending count after each chunk. */
/** Completions that count for a model: at the M/M/1 server when there is one (the hold load is not counted). */
function completions(sim: Simulation): number {
  const server = sim.indexOf('server');
  return server >= 0 ? sim.metrics.get(server, Counter.Completed) : sim.metrics.completed;
}

function runWindow(sim: Simulation, events: number, limits: { untilCompleted?: number } = {}): Window {
  const c0 = completions(sim);
  const e0 = sim.events;
  let pendingSum = 0;
  let samples = 0;
  let left = events;
  const t0 = performance.now();
  while (left > 0) {
    const n = sim.run({ maxEvents: Math.min(10_000, left), untilCompleted: limits.untilCompleted }).events;
    if (n === 0) break;
    left -= n;
    pendingSum += sim.pendingEvents;
    samples++;
  }
  const seconds = (performance.now() - t0) / 1000;
  return { events: sim.events - e0, completed: completions(sim) - c0, seconds, pendingSum, samples };
}

/** Mean time in system of the M/M/1 messages (wait in the queue + time at the server), or null. */
function mm1Latency(sim: Simulation): number | null {
  const q = sim.indexOf('queue');
  const s = sim.indexOf('server');
  if (q < 0 || s < 0) return null;
  return sim.metrics.latency[q].mean() + sim.metrics.latency[s].mean();
}

function summarize(
  name: string,
  model: ScenarioResult['model'],
  sim: Simulation,
  windows: Window[],
): ScenarioResult {
  const eps = windows.map((w) => w.events / w.seconds);
  const samples = windows.reduce((a, w) => a + w.samples, 0);
  return {
    name,
    model,
    nodes: sim.nodes.length,
    meanPending: samples ? windows.reduce((a, w) => a + w.pendingSum, 0) / samples : 0,
    eventsPerSecond: median(eps),
    messagesPerSecond: median(windows.map((w) => w.completed / w.seconds)),
    bestMessagesPerSecond: Math.max(...windows.map((w) => w.completed / w.seconds)),
    eventsRange: [Math.min(...eps), Math.max(...eps)],
    meanLatencyMs: mm1Latency(sim) ?? sim.metrics.endToEnd.mean(),
  };
}

/** A long-running scenario: one simulation, warmed up, then `windows` measured windows. */
function steadyScenario(
  name: string,
  model: ScenarioResult['model'],
  t: Topology,
  o: EngineBenchOptions,
  warmUntil = 0,
): ScenarioResult {
  const sim = new Simulation(t, { trace: TRACE, until: RUN_FOREVER });
  if (warmUntil > 0) sim.run({ until: warmUntil });
  runWindow(sim, Math.ceil(o.windowEvents / 3)); // warm-up: JIT and steady state
  const windows: Window[] = [];
  for (let i = 0; i < o.windows; i++) windows.push(runWindow(sim, o.windowEvents));
  return summarize(name, model, sim, windows);
}

/**
 * The single-producer M/M/1: a fresh run of `mm1Messages` messages per repetition, as SimPy does. When
 * `simpy` is on, each repetition of ours is followed by one of SimPy's, so that both see the same load on
 * a shared machine.
 */
function mm1Single(o: EngineBenchOptions): { result: ScenarioResult; simpy: SimpyResult | null } {
  const run = (messages: number) => {
    const sim = new Simulation(mm1Topology(1, messages), { trace: TRACE, until: RUN_FOREVER });
    return { sim, window: runWindow(sim, Infinity, { untilCompleted: messages }) };
  };
  run(Math.ceil(o.mm1Messages / 5)); // warm-up
  const reps: ReturnType<typeof run>[] = [];
  const baseline: SimpyResult[] = [];
  for (let i = 0; i < o.windows; i++) {
    reps.push(run(o.mm1Messages));
    if (o.simpy && (baseline.length === 0 || baseline[0].ok))
      baseline.push(runSimpyBaseline(o.mm1Messages, 1, i + 1));
  }
  const result = summarize(
    'M/M/1, 1 producer (as SimPy)',
    'mm1',
    reps[reps.length - 1].sim,
    reps.map((r) => r.window),
  );
  if (!o.simpy) return { result, simpy: null };
  const ok = baseline.filter((b): b is Extract<SimpyResult, { ok: true }> => b.ok);
  if (ok.length < baseline.length) return { result, simpy: baseline.find((b) => !b.ok)! };
  return {
    result,
    simpy: {
      ...ok[0],
      messagesPerSecond: median(ok.map((b) => b.messagesPerSecond)),
      bestMessagesPerSecond: Math.max(...ok.map((b) => b.messagesPerSecond)),
      meanLatencyMs: ok.reduce((a, b) => a + b.meanLatencyMs, 0) / ok.length,
    },
  };
}

const PYTHON = '/usr/bin/python3';

/** Runs bench/simpy_mm1.py with the same λ, μ and message count. Never throws. */
export function runSimpyBaseline(messages: number, repeat: number, seed = 1, python = PYTHON): SimpyResult {
  if (!existsSync(python)) return { ok: false, reason: `${python} not found` };
  const script = join(dirname(fileURLToPath(import.meta.url)), 'simpy_mm1.py');
  const args = [
    script,
    '--messages',
    String(messages),
    '--lam',
    String(MM1.lambda),
    '--mu',
    String(MM1.mu),
    '--repeat',
    String(repeat),
    '--seed',
    String(seed),
  ];
  const r = spawnSync(python, args, { encoding: 'utf8', timeout: 15 * 60_000 });
  if (r.error) return { ok: false, reason: `${python} failed to run: ${r.error.message}` };
  const skip = /^SKIP (.*)$/m.exec(r.stdout);
  if (skip) return { ok: false, reason: `${skip[1]} (install Debian's python3-simpy3)` };
  const line = /^RESULT (.*)$/m.exec(r.stdout);
  if (r.status !== 0 || !line) {
    const last = (r.stderr || r.stdout).trim().split('\n').pop() ?? '';
    return { ok: false, reason: `simpy_mm1.py exited with ${r.status ?? r.signal}: ${last}` };
  }
  try {
    const j = JSON.parse(line[1]) as {
      messages_per_second: number;
      mean_latency_ms: number;
      simpy: string;
      python: string;
      messages: number;
    };
    return {
      ok: true,
      messagesPerSecond: j.messages_per_second,
      bestMessagesPerSecond: j.messages_per_second,
      meanLatencyMs: j.mean_latency_ms,
      version: j.simpy,
      python: j.python,
      messages: j.messages,
    };
  } catch (err) {
    return {
      ok: false,
      reason: `cannot parse simpy_mm1.py output: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

/** Runs every engine scenario (and SimPy when asked). Prints progress to stderr. */
export function benchEngine(options: Partial<EngineBenchOptions> = {}): EngineBenchResult {
  const o = { ...DEFAULT_ENGINE_BENCH, ...options };
  const progress = (s: string) => process.stderr.write(`  … ${s}\n`);
  const scenarios: ScenarioResult[] = [];
  const k = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n));
  progress(o.simpy ? 'M/M/1, 1 producer, alternating with SimPy' : 'M/M/1, 1 producer');
  const single = mm1Single(o);
  scenarios.push(single.result);
  for (const pending of [o.lowPending, o.highPending]) {
    const name = `M/M/1 + ~${k(pending)} held timers`;
    progress(name);
    scenarios.push(steadyScenario(name, 'mm1', mm1HeldTopology(pending), o, holdWarmUntil(pending)));
  }
  for (const pending of [o.lowPending, o.highPending]) {
    progress(`pipeline, ~${k(pending)} in service`);
    const t = pipelineTopology(pipelineRateFor(pending));
    scenarios.push(
      steadyScenario(`pipeline, ~${k(pending)} in service`, 'pipeline', t, o, STAGES * STAGE_MS * 1.25),
    );
  }
  return { options: o, scenarios, simpy: single.simpy };
}

/** A rate with a unit prefix (12.3 k, 4.56 M). */
export function si(v: number): string {
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)} M`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(1)} k`;
  return v.toFixed(1);
}

/** The suite's printed report. */
export function formatEngineResult(r: EngineBenchResult): string {
  const o = r.options;
  const out: string[] = [];
  out.push(
    `Engine: metrics on, trace sample ${TRACE.sample} (capacity ${TRACE.capacity}); median of ${o.windows} windows ` +
      `of ${si(o.windowEvents)} events after warm-up (M/M/1 × 1: ${o.windows} runs of ${si(o.mm1Messages)} messages)`,
  );
  out.push(
    `Node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  out.push('');
  const rows = [
    ['scenario', 'nodes', 'mean pending', 'events/s', 'events/s range', 'messages/s', 'mean latency'],
  ];
  for (const s of r.scenarios) {
    rows.push([
      s.name,
      String(s.nodes),
      s.meanPending.toFixed(0),
      si(s.eventsPerSecond),
      `${si(s.eventsRange[0])} – ${si(s.eventsRange[1])}`,
      si(s.messagesPerSecond),
      `${s.meanLatencyMs.toFixed(1)} ms`,
    ]);
  }
  out.push(...alignColumns(rows));
  out.push(
    `(M/M/1 theory: mean time in system 1/(μ−λ) = ${(1000 / (MM1.mu - MM1.lambda)).toFixed(0)} ms; pipeline: ${STAGES} × ${STAGE_MS} ms = ${STAGES * STAGE_MS} ms)`,
  );
  out.push('');
  for (const model of ['mm1', 'pipeline'] as const) {
    const [low, high] = r.scenarios.filter((s) => s.model === model).slice(-2);
    if (!low || !high) continue;
    const label = model === 'mm1' ? 'M/M/1' : 'pipeline';
    out.push(
      `${label}: throughput at ${si(high.meanPending)} pending / at ${si(low.meanPending)} pending = ` +
        `${(high.eventsPerSecond / low.eventsPerSecond).toFixed(2)} (events/s), ` +
        `${(high.messagesPerSecond / low.messagesPerSecond).toFixed(2)} (messages/s); target ≥ 0.5`,
    );
  }
  if (r.simpy) {
    if (r.simpy.ok) {
      const ours = r.scenarios.find((s) => s.model === 'mm1')!;
      out.push(
        `SimPy ${r.simpy.version} (Python ${r.simpy.python}) M/M/1, median of ${o.windows} runs of ${si(r.simpy.messages)} messages alternating with ours: ` +
          `${si(r.simpy.messagesPerSecond)} messages/s, ` +
          `mean latency ${r.simpy.meanLatencyMs.toFixed(1)} ms`,
      );
      out.push(
        `ours / SimPy = ${si(ours.messagesPerSecond)} / ${si(r.simpy.messagesPerSecond)} = ${(ours.messagesPerSecond / r.simpy.messagesPerSecond).toFixed(1)}× (target ≥ 10×); ` +
          `best run vs best run: ${si(ours.bestMessagesPerSecond)} / ${si(r.simpy.bestMessagesPerSecond)} = ` +
          `${(ours.bestMessagesPerSecond / r.simpy.bestMessagesPerSecond).toFixed(1)}×`,
      );
    } else out.push(`SimPy baseline skipped: ${r.simpy.reason}`);
  }
  return out.join('\n') + '\n';
}
