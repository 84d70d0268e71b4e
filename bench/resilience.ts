/**
 * Resilience benchmark: engine throughput with fault injection and live invariants on, relative to off —
 * the same topology and the same number of messages, in the same invocation. Target: ≥ 0.7.
 *
 * The flow: producer → queue → worker (4 workers) → queue → worker → sink. Scenarios:
 * - off: no faults, no invariants (the hooks are null; the hot path pays null checks only);
 * - invariants: no-loss producer → sink, exactly-once, order-per-key and latency p99 at the sink;
 * - faults, idle: the fault schedule, moved after the end of the run (the cost of the hook sites alone);
 * - faults: a chaos schedule over the run — 1 % duplicates (30 % of the run), 1 % injected errors, nacked
 *   and redelivered (30 %), up to 1 ms of extra latency on one edge (20 %), a 2× slow-down (20 %), and a
 *   pause and a crash of a worker for 50 ms each;
 * - faults + invariants: both (the headline ratio);
 * - worst case: every fault on for the whole run (every message on one edge delayed: one more event per
 *   message), with the invariants.
 * Active faults change the run (copies, redeliveries, delayed deliveries are more events), so both
 * messages/s and events/s are given; the ratio is on messages per second.
 *
 * Time is the process's CPU time (user + system) during `run()`, not wall time: this machine is shared, and
 * CPU time is what the engine itself spends, whatever else runs. Wall-time figures are printed beside.
 * Runs are interleaved, in rounds, in each of several fresh processes one after another (forks, as JMH
 * does: how V8 compiles the hot functions differs from one process to the next, by a few percent either
 * way), and the median over all rounds is reported. Run alone with `npx tsx bench/resilience.ts` or
 * `npm run bench -- resilience`.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { alignColumns } from '../src/cli/table';
import { Simulation } from '../src/engine/Simulation';
import type { FaultSpec, InvariantSpec } from '../src/model/faults';
import { CURRENT_VERSION } from '../src/model/migrations';
import { FORMAT, validateTopology, type Topology } from '../src/model/topology';

/** Sizes of a run (the defaults are the real benchmark; tests pass small ones). */
export interface ResilienceBenchOptions {
  messages: number;
  /** Rounds per process. */
  rounds: number;
  /** Fresh processes to run the rounds in, one after another; 1: in this process. */
  forks: number;
}

/** The default sizes. */
export const DEFAULT_RESILIENCE_BENCH: ResilienceBenchOptions = { messages: 200_000, rounds: 5, forks: 3 };

/** Figures of one scenario. */
export interface ResilienceScenarioResult {
  name: string;
  /** Messages produced per second of CPU time (median). */
  messagesPerSecond: number;
  /** The same per second of wall time (median). */
  messagesPerWallSecond: number;
  /** Engine events per second of CPU time (median). */
  eventsPerSecond: number;
  eventsPerMessage: number;
  /** messagesPerSecond relative to the `off` scenario. */
  ratio: number;
  /** Invariants that hold / that are configured, in the last round. */
  invariantsOk: string;
  /** Messages the faults acted on, in the last round. */
  affected: number;
}

/** The result of the suite. */
export interface ResilienceBenchResult {
  messages: number;
  rounds: number;
  forks: number;
  scenarios: ResilienceScenarioResult[];
}

/** What the rounds in one process measured, per scenario: CPU and wall ms of each round, the last round's figures. */
interface Rounds {
  ms: number[][];
  wall: number[][];
  last: { events: number; invariantsOk: string; affected: number }[];
}

const RATE = 2000; // messages per virtual second

function faults(shift: number, until: number, worst = false): FaultSpec[] {
  // [start, length] as fractions of the run; the worst case has every fault on all run
  const w = (from: number, length: number) => (worst ? { at: shift } : { at: shift + until * from, for: until * length });
  return [
    { id: 'dup', target: { edge: 'deliver-a' }, type: 'duplicate', probability: 0.01, ...w(0.1, 0.3) },
    { id: 'flaky', target: { node: 'worker-a' }, type: 'error', probability: 0.01, ...w(0.3, 0.3) },
    { id: 'jitter', target: { edge: 'a-to-b' }, type: 'latency', delay: { dist: 'uniform', min: 0, max: 1 }, ...w(0.5, 0.2) },
    { id: 'slow', target: { node: 'worker-b' }, type: 'slow', factor: 2, ...w(0.2, 0.2) },
    { id: 'gc', target: { node: 'worker-a' }, type: 'pause', at: shift + until * 0.5, for: 50 },
    { id: 'down', target: { node: 'worker-b' }, type: 'crash', at: shift + until * 0.7, for: 50 },
  ];
}

const INVARIANTS: InvariantSpec[] = [
  { id: 'no-loss', kind: 'no-loss', from: 'orders', to: 'done' },
  { id: 'once', kind: 'exactly-once', at: 'done', key: 'id' },
  { id: 'order', kind: 'order-per-key', at: 'queue-a', key: 'payload.customer' },
  { id: 'p99', kind: 'latency', at: 'done', under: 1000 },
];

/** The benchmark topology, with faults (active, idle or none) and invariants (or none). */
export function resilienceTopology(
  name: string,
  messages: number,
  opts: { faults: 'none' | 'idle' | 'active' | 'worst'; invariants: boolean },
): Topology {
  const until = (messages / RATE) * 1000;
  const t: Topology = {
    format: FORMAT,
    version: CURRENT_VERSION,
    name,
    simulation: { seed: 9, until: until + 60_000, trace: { capacity: 100_000, sample: 0.01 } },
    nodes: [
      {
        id: 'orders',
        kind: 'producer',
        config: { rate: RATE, count: messages, message: { type: 'Order', payload: { customer: '{{randInt 1 100}}' } } },
      },
      { id: 'queue-a', kind: 'point-to-point', config: { maxDeliveries: 100 } },
      { id: 'worker-a', kind: 'service-activator', config: { concurrency: 4, serviceTime: { dist: 'exponential', mean: 1.5 }, onFailure: 'nack' } },
      { id: 'queue-b', kind: 'point-to-point' },
      { id: 'worker-b', kind: 'service-activator', config: { concurrency: 4, serviceTime: { dist: 'exponential', mean: 1 } } },
      { id: 'done', kind: 'sink' },
    ],
    edges: [
      { id: 'enqueue', source: 'orders', target: 'queue-a' },
      { id: 'deliver-a', source: 'queue-a', target: 'worker-a' },
      { id: 'a-to-b', source: 'worker-a', target: 'queue-b' },
      { id: 'deliver-b', source: 'queue-b', target: 'worker-b' },
      { id: 'finish', source: 'worker-b', target: 'done' },
    ],
  };
  if (opts.faults !== 'none') t.faults = faults(opts.faults === 'idle' ? until + 1e9 : 0, until, opts.faults === 'worst');
  if (opts.invariants) t.invariants = INVARIANTS;
  const checked = validateTopology(t);
  if (!checked.ok) throw new Error(`bench topology "${name}" is invalid: ${checked.errors.map((e) => e.message).join('; ')}`);
  return t;
}

/** The scenarios, first the baseline. */
export function resilienceTopologies(messages: number): Topology[] {
  return [
    resilienceTopology('off', messages, { faults: 'none', invariants: false }),
    resilienceTopology('invariants', messages, { faults: 'none', invariants: true }),
    resilienceTopology('faults, idle', messages, { faults: 'idle', invariants: false }),
    resilienceTopology('faults', messages, { faults: 'active', invariants: false }),
    resilienceTopology('faults + invariants', messages, { faults: 'active', invariants: true }),
    resilienceTopology('worst case: all faults all run + invariants', messages, { faults: 'worst', invariants: true }),
  ];
}

function runOnce(t: Topology) {
  const sim = new Simulation(t);
  const w0 = performance.now();
  const c0 = process.cpuUsage();
  sim.run();
  const c = process.cpuUsage(c0);
  const wall = performance.now() - w0;
  const ms = (c.user + c.system) / 1000;
  const inv = sim.hooks?.invariants?.results() ?? [];
  const affected = (sim.hooks?.faults?.report() ?? []).reduce((a, f) => a + f.affected, 0);
  return { ms, wall, events: sim.events, invariantsOk: inv.length ? `${inv.filter((i) => i.ok).length}/${inv.length}` : '—', affected };
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Measures the scenarios.
 *
 * @example
 * const r = await benchResilience();
 * r.scenarios[4].ratio; // throughput with faults and invariants on, relative to off
 */
export async function benchResilience(options: Partial<ResilienceBenchOptions> = {}): Promise<ResilienceBenchResult> {
  const { messages, rounds, forks } = { ...DEFAULT_RESILIENCE_BENCH, ...options };
  const topologies = resilienceTopologies(messages);
  const runs = forks <= 1 ? [await measureRounds(messages, rounds)] : Array.from({ length: forks }, () => measureInFork(messages, rounds));
  const ms = topologies.map((_, i) => runs.flatMap((run) => run.ms[i]));
  const wall = topologies.map((_, i) => runs.flatMap((run) => run.wall[i]));
  const last = runs[runs.length - 1].last;
  const base = messages / (median(ms[0]) / 1000);
  const scenarios = topologies.map((t, i) => {
    const seconds = median(ms[i]) / 1000;
    const mps = messages / seconds;
    return {
      name: t.name,
      messagesPerSecond: mps,
      messagesPerWallSecond: messages / (median(wall[i]) / 1000),
      eventsPerSecond: last[i].events / seconds,
      eventsPerMessage: last[i].events / messages,
      ratio: mps / base,
      invariantsOk: last[i].invariantsOk,
      affected: last[i].affected,
    };
  });
  return { messages, rounds, forks: runs.length, scenarios };
}

/** Warms up, then runs the scenarios in interleaved rounds, in this process. */
async function measureRounds(messages: number, rounds: number): Promise<Rounds> {
  const topologies = resilienceTopologies(messages);
  for (const t of resilienceTopologies(Math.min(messages, 20_000))) runOnce(t); // warm-up
  const ms = topologies.map(() => [] as number[]);
  const wall = topologies.map(() => [] as number[]);
  const last = topologies.map(() => ({ events: 0, invariantsOk: '—', affected: 0 }));
  for (let r = 0; r < rounds; r++) {
    topologies.forEach((t, i) => {
      const { ms: cpu, wall: w, ...figures } = runOnce(t);
      ms[i].push(cpu);
      wall[i].push(w);
      last[i] = figures;
    });
    await Promise.resolve();
  }
  return { ms, wall, last };
}

const FORK_FLAG = '--resilience-fork';

/** Runs `measureRounds` in a fresh Node process (this file, with this process's loader flags: tsx). */
function measureInFork(messages: number, rounds: number): Rounds {
  const args = [...process.execArgv, fileURLToPath(import.meta.url), FORK_FLAG, String(messages), String(rounds)];
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (child.status !== 0) throw new Error(`resilience bench: a forked process failed (${child.error?.message ?? `exit ${child.status}`}): ${child.stderr}`);
  return JSON.parse(child.stdout) as Rounds;
}

const si = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(0));

/** The suite's table. */
export function formatResilienceResult(r: ResilienceBenchResult): string {
  const rows = [['scenario', 'messages/s', 'events/s', 'events/message', 'vs off', 'messages/s (wall)', 'invariants ok', 'fault hits']];
  for (const s of r.scenarios) {
    rows.push([
      s.name,
      si(s.messagesPerSecond),
      si(s.eventsPerSecond),
      s.eventsPerMessage.toFixed(2),
      s.ratio.toFixed(2),
      si(s.messagesPerWallSecond),
      s.invariantsOk,
      String(s.affected),
    ]);
  }
  const all = r.scenarios[4];
  const worst = r.scenarios[5];
  const note =
    `${r.messages} messages per run, median of ${r.rounds * r.forks} runs each: ${r.rounds} interleaved rounds in each of ${r.forks} processes ` +
    `(trace sampled 1 %); rates per CPU second.\n` +
    `With faults and invariants on: ${all.ratio.toFixed(2)} of the throughput with them off (target ≥ 0.70); ` +
    `worst case ${worst.ratio.toFixed(2)} (${((worst.eventsPerSecond / r.scenarios[0].eventsPerSecond) * 100).toFixed(0)} % of the events/s).\n`;
  return alignColumns(rows).join('\n') + '\n' + note;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const fork = process.argv.indexOf(FORK_FLAG);
  if (fork >= 0) process.stdout.write(JSON.stringify(await measureRounds(Number(process.argv[fork + 1]), Number(process.argv[fork + 2]))));
  else process.stdout.write(formatResilienceResult(await benchResilience()));
}
