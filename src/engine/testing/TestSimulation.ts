/**
 * A test harness for the engine: builds topologies tersely in code, validates them as a file would be,
 * runs them with a fixed seed and hands back the report, the accounting and the trace.
 *
 * Nodes are `id: kind` or `id: [kind, config]`; edges are `'a -> b'`, `'a:dead-letter -> dlq'`
 * (source port after a colon) or `['pubsub -> b', { topic: 'orders.*' }]` (with edge config).
 *
 * @example
 * const t = TestSimulation.of(
 *   { src: ['producer', { rate: 100 }], q: 'point-to-point', work: ['service-activator', { concurrency: 2 }] },
 *   ['src -> q', 'q -> work'],
 *   { until: 10_000 },
 * );
 * const report = t.run();
 * report.nodes.work.utilization; // ≈ 0.5
 */
import { formatError } from '../../model/errors';
import { CURRENT_VERSION } from '../../model/migrations';
import { FORMAT, validateTopology, type Topology, type TopologyEdge, type TopologyNode } from '../../model/topology';
import type { NodeReport } from '../metrics';
import { buildReport, type RunReport } from '../report';
import { Simulation, type RunLimits, type SimulationOptions } from '../Simulation';
import type { SpanColumns } from '../trace';

/** The seed every test run uses unless it says otherwise. */
export const TEST_SEED = 20_240_601;

/** A node: its kind alone, or its kind and config. */
export type NodeSpec = string | readonly [kind: string, config?: Record<string, unknown>];

/** An edge: `'a -> b'` / `'a:port -> b'` / `'a -> b:port'`, optionally with edge config. */
export type EdgeSpec = string | readonly [route: string, config?: Record<string, unknown>];

/** Settings of a built topology (written into its `simulation` block). */
export interface BuildSettings {
  seed?: number;
  until?: number;
  maxHops?: number;
  name?: string;
}

function parseEnd(s: string): { node: string; port?: string } {
  const [node, port] = s.trim().split(':');
  return port === undefined ? { node } : { node, port };
}

/**
 * Builds a topology (format v1) from terse node and edge specs. Edge ids are `e1`, `e2`, … in order.
 *
 * @example
 * buildTopology({ p: 'producer', s: 'sink' }, ['p -> s'])
 */
export function buildTopology(nodes: Record<string, NodeSpec>, edges: readonly EdgeSpec[] = [], settings: BuildSettings = {}): Topology {
  const topoNodes: TopologyNode[] = Object.entries(nodes).map(([id, spec]) => {
    const [kind, config] = typeof spec === 'string' ? [spec, undefined] : spec;
    return config === undefined ? { id, kind } : { id, kind, config: { ...config } };
  });
  const topoEdges: TopologyEdge[] = edges.map((spec, i) => {
    const [route, config] = typeof spec === 'string' ? [spec, undefined] : spec;
    const parts = route.split('->');
    if (parts.length !== 2) throw new Error(`edge "${route}": expected "source -> target"`);
    const from = parseEnd(parts[0]);
    const to = parseEnd(parts[1]);
    const edge: TopologyEdge = { id: `e${i + 1}`, source: from.node, target: to.node };
    if (from.port !== undefined) edge.sourcePort = from.port;
    if (to.port !== undefined) edge.targetPort = to.port;
    if (config !== undefined) edge.config = { ...config };
    return edge;
  });
  const simulation: Record<string, number> = { seed: settings.seed ?? TEST_SEED, until: settings.until ?? 60_000 };
  if (settings.maxHops !== undefined) simulation.maxHops = settings.maxHops;
  return { format: FORMAT, version: CURRENT_VERSION, name: settings.name ?? 'test', simulation, nodes: topoNodes, edges: topoEdges };
}

/** Options of a test run: simulation options, plus whether to keep the trace (off by default: faster). */
export interface TestOptions extends SimulationOptions {
  /** Keep spans in the trace ring (capacity 1,000,000, every conversation). Default false. */
  keepTrace?: boolean;
}

/** What `accounting` returns: the totals' view and the independent count of held messages. */
export interface Accounting {
  produced: number;
  derived: number;
  completed: number;
  deadLettered: number;
  dropped: number;
  merged: number;
  inFlight: number;
  /** Held by nodes (queued, in service, blocked), counted by the nodes themselves. */
  byNodes: number;
  /** Scheduled deliveries and nacks not yet arrived. */
  inTransit: number;
  /** Held by dead-letter channels, counted by them. */
  stored: number;
}

/** A simulation with a fixed seed and helpers that tests need. */
export class TestSimulation {
  readonly sim: Simulation;

  /** Validates `topology` (throws with every error, formatted) and builds its run. */
  constructor(
    readonly topology: Topology,
    options: TestOptions = {},
  ) {
    const checked = validateTopology(topology);
    if (!checked.ok) throw new Error('invalid test topology:\n' + checked.errors.map((e) => formatError(e)).join('\n'));
    const { keepTrace, ...simOptions } = options;
    const trace = simOptions.trace ?? (keepTrace ? { capacity: 1_000_000, sample: 1 } : { capacity: 0 });
    this.sim = new Simulation(topology, { seed: TEST_SEED, ...simOptions, trace });
  }

  /** Builds, validates and prepares a run from terse specs (see {@link buildTopology}). */
  static of(nodes: Record<string, NodeSpec>, edges: readonly EdgeSpec[] = [], options: TestOptions & BuildSettings = {}): TestSimulation {
    const { name, maxHops, until, seed, ...rest } = options;
    const topology = buildTopology(nodes, edges, { name, maxHops, until, seed });
    return new TestSimulation(topology, { ...rest, seed: seed ?? TEST_SEED });
  }

  /** Runs until `until` (default: the topology's end time) or another limit; returns the report. */
  run(limits: RunLimits | number = {}): RunReport {
    this.sim.run(typeof limits === 'number' ? { until: limits } : limits);
    return this.report();
  }

  /** The report as the run stands now. */
  report(): RunReport {
    return buildReport(this.sim);
  }

  /** The report of one node by id. */
  node(id: string): NodeReport {
    const i = this.sim.indexOf(id);
    if (i < 0) throw new Error(`no node "${id}"`);
    const n = this.sim.nodes[i];
    return this.sim.metrics.nodeReport(i, n.kind, this.sim.now);
  }

  /** The run's totals and, counted independently, the messages held anywhere. */
  accounting(): Accounting {
    const m = this.sim.metrics;
    return {
      produced: m.produced,
      derived: m.derived,
      completed: m.completed,
      deadLettered: m.deadLettered,
      dropped: m.dropped,
      merged: m.merged,
      inFlight: m.inFlight,
      ...this.sim.heldMessages(),
    };
  }

  /** Every span still kept in the trace. */
  spans(): SpanColumns {
    return this.sim.trace.since(0);
  }

  /** Runs an operator action on a node. */
  action(nodeId: string, name: string, args: Record<string, unknown> = {}): unknown {
    return this.sim.action(nodeId, name, args);
  }

  /** Index of a node by id (throws when missing). */
  indexOf(nodeId: string): number {
    const i = this.sim.indexOf(nodeId);
    if (i < 0) throw new Error(`no node "${nodeId}"`);
    return i;
  }
}
