/**
 * The run report: what the headless runner prints as JSON (documented in docs/topology-format.md,
 * "Runner report"), and what the studio shows at the end of a run.
 *
 * @example
 * const sim = new Simulation(topology);
 * sim.run();
 * console.log(JSON.stringify(buildReport(sim), null, 2));
 */
import type { FaultReport } from './faults';
import type { InvariantResult } from './invariants';
import type { EdgeReport, NodeReport, TotalsReport } from './metrics';
import type { Simulation } from './Simulation';

/** The report of a run. */
export interface RunReport {
  topology: string;
  seed: number;
  until: number;
  /** Virtual time reached. */
  now: number;
  events: number;
  nodes: Record<string, NodeReport>;
  edges: Record<string, EdgeReport>;
  totals: TotalsReport;
  traceDigest: string;
  /** Each fault of the topology's schedule, when it has one (see faults.ts). */
  faults?: FaultReport[];
  /** Each invariant of the topology and whether it holds, when it has any (see invariants.ts). */
  invariants?: InvariantResult[];
}

/** Builds the report of a simulation as it stands. */
export function buildReport(sim: Simulation): RunReport {
  const nodes: Record<string, NodeReport> = {};
  for (const n of sim.nodes) nodes[n.id] = sim.metrics.nodeReport(n.index, n.kind, sim.now);
  const edges: Record<string, EdgeReport> = {};
  for (const e of sim.edges) edges[e.id] = sim.metrics.edgeReport(e.index, sim.now);
  return {
    topology: sim.topology.name,
    seed: sim.settings.seed,
    until: sim.settings.until,
    now: sim.now,
    events: sim.events,
    nodes,
    edges,
    totals: sim.metrics.totals(),
    traceDigest: sim.trace.digest(),
    ...(sim.hooks !== null ? sim.hooks.report() : {}),
  };
}
