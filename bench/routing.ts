/**
 * Routing benchmark: what a content-based router and a message filter cost per message in the engine, in
 * nanoseconds of wall time, against a baseline measured in the same invocation:
 *
 * - baseline: producer → sink;
 * - pass-through: producer → router with no rules → (otherwise) sink — the cost of one more hop;
 * - router: producer → router with 3 rules + otherwise → 4 sinks (first-match);
 * - router, all-matches: the same rules in multicast mode (copies for every extra match);
 * - filter: producer → message filter with a three-clause expression → sink.
 *
 * Every run makes the same `messages` messages (constant arrivals, the same template with placeholders),
 * so the producer's cost is the same in each; a scenario's cost per message is its wall time over the
 * message count, and "extra" is that minus the baseline's. Runs are interleaved (baseline, pass-through,
 * router, …, again) and the median of the rounds is reported, to damp the noise of a shared machine. The
 * raw evaluations per second of the same filter expression are measured by the `expressions` suite.
 *
 * Run alone with `npx tsx bench/routing.ts`, or `npm run bench -- routing`.
 */
import { pathToFileURL } from 'node:url';
import { alignColumns } from '../src/cli/table';
import { Simulation } from '../src/engine/Simulation';
import { CURRENT_VERSION } from '../src/model/migrations';
import {
  FORMAT,
  validateTopology,
  type Topology,
  type TopologyEdge,
  type TopologyNode,
} from '../src/model/topology';

/** The three rules of the benchmark router (in order). */
export const ROUTER_RULES = [
  { name: 'large', when: 'payload.total > 250' },
  { name: 'eu', when: 'headers.region == "eu"' },
  { name: 'web', when: 'headers.channel == "web" && payload.total >= 10' },
] as const;

/** The three-clause filter (the same shape as the `expressions` suite's first case). */
export const FILTER_EXPRESSION = 'payload.total > 100 && headers.region == "eu" && headers.channel != "test"';

/** Sizes of a run (the defaults are the real benchmark; tests pass small ones). */
export interface RoutingBenchOptions {
  /** Messages per scenario run. */
  messages: number;
  /** Interleaved rounds; the median is reported. */
  rounds: number;
}

/** The default sizes. */
export const DEFAULT_ROUTING_BENCH: RoutingBenchOptions = { messages: 200_000, rounds: 7 };

/** The measured figures of one scenario. */
export interface RoutingScenarioResult {
  name: string;
  /** Median wall time per message, ns. */
  nsPerMessage: number;
  /** `nsPerMessage` minus the baseline's (0 for the baseline). */
  extraNsPerMessage: number;
  /** Fastest round's wall time per message, ns (the least disturbed by other load on a shared machine). */
  bestNsPerMessage: number;
  /** `bestNsPerMessage` minus the baseline's best. */
  bestExtraNsPerMessage: number;
  /** Engine events per message (hops, timers). */
  eventsPerMessage: number;
  /** Messages that completed per sink port, from the last round (to show the rules did route). */
  routed: Record<string, number>;
}

/** The result of the suite. */
export interface RoutingBenchResult {
  messages: number;
  rounds: number;
  scenarios: RoutingScenarioResult[];
}

const MESSAGE = {
  kind: 'command',
  type: 'PlaceOrder',
  headers: { region: '{{pick eu us apac uk}}', channel: '{{pick web app test}}' },
  payload: { total: '{{randInt 1 300}}', order: '{{seq}}' },
};

function topology(name: string, middle: TopologyNode | null, sinks: string[], messages: number): Topology {
  const nodes: TopologyNode[] = [
    {
      id: 'src',
      kind: 'producer',
      config: { rate: 1000, arrival: 'constant', count: messages, message: MESSAGE },
    },
  ];
  const edges: TopologyEdge[] = [];
  if (middle) {
    nodes.push(middle);
    edges.push({ id: 'e-in', source: 'src', target: middle.id });
  }
  for (const port of sinks) {
    nodes.push({ id: `sink-${port}`, kind: 'sink' });
    edges.push(
      middle
        ? { id: `e-${port}`, source: middle.id, sourcePort: port, target: `sink-${port}` }
        : { id: `e-${port}`, source: 'src', target: `sink-${port}` },
    );
  }
  const t: Topology = {
    format: FORMAT,
    version: CURRENT_VERSION,
    name,
    simulation: { seed: 7, until: 1e12, trace: { capacity: 100_000, sample: 0.01 } },
    nodes,
    edges,
  };
  const checked = validateTopology(t);
  if (!checked.ok)
    throw new Error(
      `bench topology "${name}" is invalid: ${checked.errors.map((e) => e.message).join('; ')}`,
    );
  return t;
}

/** The scenarios of the suite, with `messages` messages each. */
export function routingTopologies(messages: number): Topology[] {
  const rules = ROUTER_RULES.map((r) => ({ ...r }));
  const ports = [...rules.map((r) => r.name), 'otherwise'];
  return [
    topology('baseline: producer → sink', null, ['out'], messages),
    topology(
      'pass-through: router, 0 rules',
      { id: 'router', kind: 'content-based-router', config: { rules: [] } },
      ['otherwise'],
      messages,
    ),
    topology(
      'router: 3 rules, first-match',
      { id: 'router', kind: 'content-based-router', config: { rules } },
      ports,
      messages,
    ),
    topology(
      'router: 3 rules, all-matches',
      { id: 'router', kind: 'content-based-router', config: { rules, mode: 'all-matches' } },
      ports,
      messages,
    ),
    topology(
      'filter: 3-clause expression',
      { id: 'filter', kind: 'message-filter', config: { when: FILTER_EXPRESSION } },
      ['out'],
      messages,
    ),
  ];
}

/** Runs one scenario to the end; wall time in ms, events, and completions per sink. */
function runOnce(t: Topology): { ms: number; events: number; routed: Record<string, number> } {
  const sim = new Simulation(t);
  const t0 = performance.now();
  sim.run();
  const ms = performance.now() - t0;
  const routed: Record<string, number> = {};
  for (const e of sim.edges) if (e.id !== 'e-in') routed[e.id.slice(2)] = sim.metrics.edgeMessages[e.index];
  return { ms, events: sim.events, routed };
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Measures the routing scenarios.
 *
 * @example
 * const r = await benchRouting();
 * r.scenarios[2].extraNsPerMessage; // the 3-rule router's cost per message over producer → sink
 */
export async function benchRouting(options: Partial<RoutingBenchOptions> = {}): Promise<RoutingBenchResult> {
  const { messages, rounds } = { ...DEFAULT_ROUTING_BENCH, ...options };
  const topologies = routingTopologies(messages);
  // warm-up: every scenario once, small, so no scenario is measured through cold code
  for (const t of routingTopologies(Math.min(messages, 20_000))) runOnce(t);
  const times = topologies.map(() => [] as number[]);
  const last = topologies.map(() => ({ events: 0, routed: {} as Record<string, number> }));
  for (let r = 0; r < rounds; r++) {
    topologies.forEach((t, i) => {
      const { ms, events, routed } = runOnce(t);
      times[i].push((ms * 1e6) / messages);
      last[i] = { events, routed };
    });
    await Promise.resolve();
  }
  const base = median(times[0]);
  const bestBase = Math.min(...times[0]);
  const scenarios = topologies.map((t, i) => {
    const ns = median(times[i]);
    return {
      name: t.name,
      nsPerMessage: ns,
      extraNsPerMessage: i === 0 ? 0 : ns - base,
      bestNsPerMessage: Math.min(...times[i]),
      bestExtraNsPerMessage: i === 0 ? 0 : Math.min(...times[i]) - bestBase,
      eventsPerMessage: last[i].events / messages,
      routed: last[i].routed,
    };
  });
  return { messages, rounds, scenarios };
}

/** The suite's table. */
export function formatRoutingResult(r: RoutingBenchResult): string {
  const extra = (ns: number) => (ns === 0 ? '—' : `${ns >= 0 ? '+' : ''}${ns.toFixed(0)} ns`);
  const rows = [
    [
      'scenario',
      'ns/message',
      'extra',
      'best ns/message',
      'best extra',
      'events/message',
      'delivered per port',
    ],
  ];
  for (const s of r.scenarios) {
    rows.push([
      s.name,
      s.nsPerMessage.toFixed(0),
      extra(s.extraNsPerMessage),
      s.bestNsPerMessage.toFixed(0),
      extra(s.bestExtraNsPerMessage),
      s.eventsPerMessage.toFixed(2),
      Object.entries(s.routed)
        .map(([port, n]) => `${port} ${n}`)
        .join(', '),
    ]);
  }
  const router = r.scenarios[2];
  const pass = r.scenarios[1];
  const note =
    `${r.messages} messages per run, ${r.rounds} interleaved rounds: median and fastest round; "extra" is over ` +
    `producer → sink in the same invocation (trace sampled 1 %).\n` +
    `3-rule router (fastest rounds): ${router.bestExtraNsPerMessage.toFixed(0)} ns/message over producer → sink, ` +
    `of which one more hop (pass-through router) ${pass.bestExtraNsPerMessage.toFixed(0)} ns and rule evaluation ` +
    `${(router.bestExtraNsPerMessage - pass.bestExtraNsPerMessage).toFixed(0)} ns. ` +
    `Raw filter-expression evals/s: the expressions suite.\n`;
  return alignColumns(rows).join('\n') + '\n' + note;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(formatRoutingResult(await benchRouting()));
}
