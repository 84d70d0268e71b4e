/**
 * The run's hooks: fault injection (faults.ts) and live invariants (invariants.ts). The simulation calls
 * them only where they asked for it (hookSites.ts): they set its `hookAt` bits, `hookEnds` and
 * `hookCreated` as they are built or added. Sites that need one part call it directly
 * (`Simulation.faultLayer.intercept` before an event, `.receive` before a message is processed;
 * `Simulation.monitor.arrived` after a delivery); `left` (a hop ends) goes to both parts through this
 * object, and `created` (a message is born) to the fault layer while it tracks messages. The invariants'
 * count of live messages per conversation is kept by the simulation itself (`Simulation.aliveRoots`). A
 * slow fault scales timers through `Simulation.timeScale`.
 *
 * @example
 * const sim = new Simulation(topology);
 * sim.hooks?.faults?.active();          // faults on now
 * sim.hooks?.invariants?.results();     // invariant states now
 */
import type { DeadLetterReason, Message } from '../model/message';
import { FaultInjector, type FaultReport } from './faults';
import { InvariantMonitor, type InvariantResult } from './invariants';
import type { Simulation } from './Simulation';

/** Faults and invariants of one run. */
export class RunHooks {
  constructor(
    readonly faults: FaultInjector | null,
    readonly invariants: InvariantMonitor | null,
  ) {
    if (faults !== null && invariants !== null) faults.onCopy = (m) => invariants.created(m);
  }

  /** A hop ended. */
  left(node: number, m: Message, outcome: number, reason: DeadLetterReason | null): void {
    if (this.faults !== null && this.faults.tracking) this.faults.left(node, m, outcome);
    if (this.invariants !== null) this.invariants.left(node, m, outcome, reason);
  }

  /** A message was created at a node (called while the fault layer tracks messages; births for invariants are counted in `Simulation.aliveRoots`). */
  created(node: number, m: Message): void {
    if (this.faults !== null && this.faults.tracking) this.faults.created(node, m);
  }

  /** Messages held back by faults, counted as in transit. */
  inTransit(): number {
    return this.faults === null ? 0 : this.faults.inTransit();
  }

  /** What the run report adds: fault figures and invariant results, each when configured. */
  report(): { faults?: FaultReport[]; invariants?: InvariantResult[] } {
    const out: { faults?: FaultReport[]; invariants?: InvariantResult[] } = {};
    if (this.faults !== null) out.faults = this.faults.report();
    if (this.invariants !== null) out.invariants = this.invariants.results();
    return out;
  }
}

/** The hooks of a simulation, or null when its topology has no faults and no invariants. */
export function createRunHooks(sim: Simulation): RunHooks | null {
  const faults = sim.topology.faults ?? [];
  const invariants = sim.topology.invariants ?? [];
  if (faults.length === 0 && invariants.length === 0) return null;
  return new RunHooks(faults.length ? new FaultInjector(sim, faults) : null, invariants.length ? new InvariantMonitor(sim, invariants) : null);
}

/**
 * The fault injector of a run, created on demand so the studio can switch faults on in a run whose file
 * had none. A crash added this way loses what the node held before it was added without trace spans
 * (the totals stay right).
 */
export function ensureFaults(sim: Simulation): FaultInjector {
  if (sim.hooks !== null && sim.hooks.faults !== null) return sim.hooks.faults;
  const faults = new FaultInjector(sim, []);
  sim.setHooks(new RunHooks(faults, sim.hooks?.invariants ?? null));
  return faults;
}
