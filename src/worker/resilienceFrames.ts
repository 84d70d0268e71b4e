/**
 * What a frame carries about faults, invariants and links with capacity, beside the FrameBuilder's
 * counters: the faults on now (bounded, with their targets as indices) and the state words they hold nodes
 * in, each invariant's state (without the offending messages, which `invariantResults` reads on demand),
 * and per-edge link figures (recent utilization smoothed over virtual time, backlog, in transit). A run
 * without faults, invariants or links gets `null` for each, so an ordinary frame grows by nothing.
 *
 * @example
 * const extras = new ResilienceFrames(sim);
 * const frame = builder.build(state, eventsPerSec);
 * extras.fill(frame); // frame.faults, frame.invariants, frame.links
 */
import type { Simulation } from '../engine/Simulation';
import type { Frame } from './frames';
import { LINK_STRIDE, LinkField, MAX_FAULT_MARKS, type ActiveFaultMark, type FrameFaults, type InvariantStatus } from './resilienceTypes';

/** Fills the resilience and link parts of frames for one run. */
export class ResilienceFrames {
  private lastNow: number;
  /** Busy (serializing) time up to `lastNow`, per edge. */
  private readonly prevBusy: Float64Array;
  private readonly util: Float64Array;
  private readonly hasLinks: boolean;

  /** `rateTau`: time constant of the utilization smoothing (virtual ms), as for the FrameBuilder's rates. */
  constructor(
    private readonly sim: Simulation,
    private readonly rateTau = 1000,
  ) {
    const e = sim.edges.length;
    this.prevBusy = new Float64Array(e);
    this.util = new Float64Array(e);
    this.hasLinks = sim.metrics.links.some((l) => l !== null);
    this.lastNow = sim.now;
  }

  /** Sets `faults`, `invariants` and `links` of a frame built for the current time. */
  fill(frame: Frame): void {
    frame.faults = this.faults();
    frame.invariants = this.invariants();
    frame.links = this.links();
  }

  /** The faults on now and the nodes they hold in a state, or null when the run has no fault injection. */
  faults(): FrameFaults | null {
    const f = this.sim.hooks?.faults ?? null;
    if (f === null) return null;
    const active: ActiveFaultMark[] = [];
    const nodeStates: { node: number; state: string }[] = [];
    const seen = new Set<number>();
    let activeCount = 0;
    for (const rt of f.faults) {
      const onEdge = 'edge' in rt.spec.target;
      if (!onEdge && !seen.has(rt.target)) {
        seen.add(rt.target);
        const state = f.nodeState(rt.target);
        if (state !== null) nodeStates.push({ node: rt.target, state });
      }
      if (!rt.active) continue;
      activeCount++;
      if (active.length < MAX_FAULT_MARKS) {
        active.push({ id: rt.spec.id, type: rt.spec.type, node: onEdge ? -1 : rt.target, edge: onEdge ? rt.target : -1, since: rt.since });
      }
    }
    return { active, activeCount, total: f.faults.length, nodeStates };
  }

  /** Each invariant's state now (without the offending messages), or null without invariants. */
  invariants(): InvariantStatus[] | null {
    const inv = this.sim.hooks?.invariants ?? null;
    if (inv === null) return null;
    return inv.results().map(({ first: _first, ...status }) => status);
  }

  /** LINK_STRIDE figures per edge, or null when no edge has a link. */
  links(): Float64Array | null {
    if (!this.hasLinks) return null;
    const sim = this.sim;
    const now = sim.now;
    const dt = now - this.lastNow;
    const alpha = dt > 0 ? 1 - Math.exp(-dt / this.rateTau) : 0;
    const links = sim.metrics.links;
    const out = new Float64Array(links.length * LINK_STRIDE);
    for (let j = 0; j < links.length; j++) {
      const link = links[j];
      if (link === null) continue;
      const o = j * LINK_STRIDE;
      const mean = link.utilization(now);
      // busy time so far = mean utilization × elapsed time; its growth over this frame is the recent share
      const busy = mean * now;
      if (dt > 0) {
        const recent = Math.min(1, Math.max(0, (busy - this.prevBusy[j]) / dt));
        this.util[j] += alpha * (recent - this.util[j]);
      }
      this.prevBusy[j] = busy;
      out[o + LinkField.HasLink] = 1;
      out[o + LinkField.Utilization] = this.util[j];
      out[o + LinkField.Queued] = link.queued(now);
      out[o + LinkField.InTransit] = link.inTransit(now);
      out[o + LinkField.MeanUtilization] = mean;
    }
    this.lastNow = now;
    return out;
  }
}
