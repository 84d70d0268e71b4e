/**
 * Fault injection: breaks nodes and edges on a schedule, reproducibly. Each fault draws from its own random
 * stream (`Rng.forStream(seed, 'fault:' + id)`), so adding or removing a fault never changes the draws of
 * the nodes or of the other faults. A fault switches on and off by events in the simulation's own queue
 * (at `at`, and at `at + for`), and the studio can switch one on or off at any moment (`setActive`).
 *
 * Edge faults act on each message as it arrives over the edge while they are on (in this order):
 * `partition` drops it (or holds it until the partition heals), `drop` drops it with a probability,
 * `duplicate` delivers a second copy (same id, same conversation), `reorder` holds it back for a random
 * time up to `maxDelay` so that later messages overtake it, `latency` adds a drawn delay. Dropped messages
 * are dropped with reason `fault` at the edge's target, so they appear in the trace.
 *
 * Node faults (see faultNodes.ts): `crash`, `pause`, `slow`, `error`.
 *
 * @example
 * const sim = new Simulation(topology); // topology.faults → sim.hooks.faults
 * sim.hooks?.faults?.active(now);        // [{ id: 'down', type: 'crash', target: { node: 'billing' }, since: 4000 }]
 * sim.hooks?.faults?.setActive('down', false);
 */
import { faultSchema, type Fault, type FaultSpec } from '../model/faults';
import type { Message } from '../model/message';
import { compileDistribution, type Sampler } from './distributions';
import { FaultChange, NodeFaults, WATCH_BLOCKED, WATCH_TRACKED, type NodeFaultRuntime } from './faultNodes';
import { Deque } from './Deque';
import { copyMessage } from './NodeContext';
import { HOOK_ARRIVALS } from './hookSites';
import { Counter } from './metrics';
import { Rng } from './rng';
import { EventType, type EventRecord } from './Scheduler';
import type { Simulation } from './Simulation';
import { Outcome } from './trace';

export { FaultChange } from './faultNodes';
export { NO_NODE_FAULTS } from './faultNodes';
export type { FaultAwareBehavior, NodeFaultState } from './faultNodes';

/**
 * Fault types as small numbers, edge faults first in the order they apply to an arriving message. The
 * layer tests these on every message a fault may act on, rather than `spec.type`: specs of different types
 * are objects of different shapes, and reading a field of one of many shapes is a slow, generic lookup.
 */
export const FaultCode = { partition: 0, drop: 1, duplicate: 2, reorder: 3, latency: 4, crash: 5, pause: 6, slow: 7, error: 8 } as const;

/** A fault at run time. */
export interface FaultRuntime {
  readonly index: number;
  readonly spec: Fault;
  /** `FaultCode` of its type, and the fields the layer reads per message, copied out of the spec. */
  readonly code: number;
  /** drop, duplicate, reorder, error: the probability per message (else 0). */
  readonly probability: number;
  /** reorder: the longest hold-back (ms, else 0). */
  readonly maxDelay: number;
  /** partition: whether it holds messages until it heals (else it drops them). */
  readonly holds: boolean;
  readonly rng: Rng;
  /** Index of the edge or node it targets. */
  readonly target: number;
  readonly sample: Sampler | null;
  active: boolean;
  since: number;
  activations: number;
  /** Messages it acted on (dropped, duplicated, delayed, held, failed, lost). */
  affected: number;
}

/** An active fault, as the studio lists it. */
export interface ActiveFault {
  id: string;
  type: Fault['type'];
  target: Fault['target'];
  /** Virtual time it switched on. */
  since: number;
}

/** One switch of a fault, for the trace panel. */
export interface FaultEvent {
  at: number;
  id: string;
  on: boolean;
}

/** A fault's figures in the run report. */
export interface FaultReport {
  id: string;
  type: Fault['type'];
  target: Fault['target'];
  active: boolean;
  activations: number;
  affected: number;
}

interface HeldArrival {
  target: number;
  edge: number;
  msg: Message;
  port: unknown;
}

const LOG_CAPACITY = 10_000;

export class FaultInjector {
  readonly faults: FaultRuntime[] = [];
  /** Multiplier of timer delays per node (1 when not slowed); read by `NodeContext.schedule` through `Simulation.timeScale` while a node is slowed. */
  readonly slowFactor: Float64Array;
  /** Called with each copy a `duplicate` fault makes (the invariant monitor counts it). */
  onCopy: ((m: Message) => void) | null = null;
  private readonly byId = new Map<string, FaultRuntime>();
  private readonly edgeActive: (FaultRuntime[] | null)[];
  private readonly held = new Map<FaultRuntime, Deque<HeldArrival>>();
  private readonly nodes: NodeFaults;
  private readonly log = new Deque<FaultEvent>();

  constructor(
    private readonly sim: Simulation,
    specs: readonly FaultSpec[],
  ) {
    this.slowFactor = new Float64Array(sim.nodes.length).fill(1);
    this.edgeActive = new Array<FaultRuntime[] | null>(sim.edges.length).fill(null);
    this.nodes = new NodeFaults(sim, this.slowFactor);
    for (const spec of specs) this.add(spec, true);
  }

  /**
   * Adds a fault to the run (from the file at the start, or from the studio later). Its window is
   * scheduled; a window that has already begun starts now.
   *
   * @throws Error when the spec is invalid or names a node or edge the run does not have.
   */
  add(spec: FaultSpec, fromFile = false): void {
    const f = faultSchema.parse(spec);
    if (this.byId.has(f.id)) throw new Error(`fault "${f.id}" exists already`);
    const target = 'edge' in f.target ? this.sim.edges.findIndex((e) => e.id === (f.target as { edge: string }).edge) : this.sim.indexOf(f.target.node);
    if (target < 0) throw new Error(`fault "${f.id}": no such ${'edge' in f.target ? 'edge' : 'node'}`);
    const rt: FaultRuntime = {
      index: this.faults.length,
      spec: f,
      code: FaultCode[f.type],
      probability: 'probability' in f ? f.probability : 0,
      maxDelay: f.type === 'reorder' ? f.maxDelay : 0,
      holds: f.type === 'partition' && f.mode === 'hold',
      rng: Rng.forStream(this.sim.settings.seed, 'fault:' + f.id),
      target,
      sample: f.type === 'latency' ? compileDistribution(f.delay) : null,
      active: false,
      since: -1,
      activations: 0,
      affected: 0,
    };
    this.faults.push(rt);
    this.byId.set(f.id, rt);
    if (!('edge' in f.target)) this.nodes.prepare(target, f.type === 'crash');
    const now = this.sim.now;
    const start = fromFile ? f.at : Math.max(f.at, now);
    this.sim.schedule(start, EventType.Fault, 0, 0, null, new FaultChange(rt.index, true));
    if (f.for !== undefined) this.sim.schedule(start + f.for, EventType.Fault, 0, 0, null, new FaultChange(rt.index, false));
  }

  /** Switches a fault on or off now (studio toggles). Returns false when there is no such fault. */
  setActive(id: string, on: boolean): boolean {
    const f = this.byId.get(id);
    if (!f) return false;
    this.switch(f, on);
    return true;
  }

  /** The faults that are on at the current virtual time. */
  active(): ActiveFault[] {
    return this.faults.filter((f) => f.active).map((f) => ({ id: f.spec.id, type: f.spec.type, target: f.spec.target, since: f.since }));
  }

  /** Switch events, oldest first (the newest 10,000). */
  events(): FaultEvent[] {
    const out: FaultEvent[] = [];
    for (let i = 0; i < this.log.length; i++) out.push(this.log.at(i)!);
    return out;
  }

  /** Each fault's figures. */
  report(): FaultReport[] {
    return this.faults.map((f) => ({
      id: f.spec.id,
      type: f.spec.type,
      target: f.spec.target,
      active: f.active,
      activations: f.activations,
      affected: f.affected,
    }));
  }

  /** State word of a node under a fault (`crashed`, `paused`), or null. */
  nodeState(node: number): string | null {
    return this.nodes.stateWord(node);
  }

  /** Messages held back by faults (paused nodes' deliveries, partitions that hold), counted as in transit. */
  inTransit(): number {
    let n = this.nodes.deferredMessages();
    for (const q of this.held.values()) n += q.length;
    return n;
  }

  /**
   * Looks at an event before the simulation dispatches it; returns true when the fault layer took it (the
   * simulation then forgets it). Called for every event, so the common case is a few typed-array reads.
   */
  intercept(ev: EventRecord): boolean {
    const type = ev.type;
    const watch = this.nodes.watch[ev.node];
    if ((watch & WATCH_BLOCKED) !== 0 && this.nodes.intercept(ev, this.nodes.state[ev.node]!)) return true;
    if (type === EventType.Deliver) {
      const e = ev.arg; // `-2 - edge` when it already went through the edge's faults (delayed or a copy)
      if (e >= 0) {
        const list = this.edgeActive[e];
        if (list !== null && this.applyEdge(ev, list)) return true;
      }
    }
    if ((watch & WATCH_TRACKED) !== 0 && (type === EventType.Deliver || type === EventType.Nack)) this.nodes.state[ev.node]!.tracked!.add(ev.msg!);
    return false;
  }

  /** Runs a fault switch event (`EventType.Fault`). */
  switchEvent(ev: EventRecord): void {
    const change = ev.data as FaultChange;
    this.switch(this.faults[change.fault], change.on);
  }

  /** Whether a crash fault tracks the messages of some node (then births and departures matter to it). */
  get tracking(): boolean {
    return this.nodes.tracking;
  }

  /** A node is about to process a message: true when an injected error failed it. */
  receive(node: number, m: Message): boolean {
    return this.nodes.receive(node, m);
  }

  /** A message was created at a node (tracked when the node may crash). */
  created(node: number, m: Message): void {
    if ((this.nodes.watch[node] & WATCH_TRACKED) === 0) return;
    const ns = this.nodes.state[node];
    if (ns !== null && ns.tracked !== null) ns.tracked.add(m);
  }

  /** A message left a node. */
  left(node: number, m: Message, outcome: number): void {
    if ((this.nodes.watch[node] & WATCH_TRACKED) === 0) return;
    const ns = this.nodes.state[node];
    // a dead-letter channel still holds what it stored
    if (ns !== null && ns.tracked !== null && outcome !== Outcome.Stored) ns.tracked.delete(m);
  }

  private switch(f: FaultRuntime, on: boolean): void {
    if (f.active === on) return;
    const now = this.sim.now;
    f.active = on;
    if (on) {
      f.since = now;
      f.activations++;
    }
    if (this.log.length >= LOG_CAPACITY) this.log.shift();
    this.log.push({ at: now, id: f.spec.id, on });
    if ('edge' in f.spec.target) this.switchEdge(f, on);
    else this.nodes.switch(f as NodeFaultRuntime, on);
  }

  private switchEdge(f: FaultRuntime, on: boolean): void {
    const e = f.target;
    const list = (this.edgeActive[e] ?? []).filter((x) => x !== f);
    if (on) {
      list.push(f);
      // edge faults apply in the order of their codes, whatever their order in the file
      list.sort((a, b) => a.code - b.code || a.index - b.index);
    }
    this.edgeActive[e] = list.length ? list : null;
    this.updateArrivals(this.sim.edges[e].target);
    if (!on) {
      const q = this.held.get(f);
      if (q) {
        this.held.delete(f);
        for (let h = q.shift(); h !== undefined; h = q.shift()) this.sim.deliverAt(this.sim.now, h.target, -2 - h.edge, h.msg, h.port);
      }
    }
  }

  /**
   * Arrivals at a node go through `intercept` while an edge fault into it is on (or the node's messages
   * are tracked), and only then.
   */
  private updateArrivals(node: number): void {
    let on = (this.nodes.watch[node] & WATCH_TRACKED) !== 0;
    for (const edge of this.sim.edges) if (edge.target === node && this.edgeActive[edge.index] !== null) on = true;
    if (on) this.sim.hookAt[node] |= HOOK_ARRIVALS;
    else this.sim.hookAt[node] &= ~HOOK_ARRIVALS;
  }

  /** Applies the active faults of an edge to an arriving message; true when it does not arrive now. */
  private applyEdge(ev: EventRecord, list: readonly FaultRuntime[]): boolean {
    const m = ev.msg!;
    const e = ev.arg;
    const now = this.sim.now;
    for (const f of list) {
      switch (f.code) {
        case FaultCode.partition:
          f.affected++;
          if (f.holds) {
            let q = this.held.get(f);
            if (!q) this.held.set(f, (q = new Deque<HeldArrival>()));
            q.push({ target: ev.node, edge: e, msg: m, port: ev.data });
          } else this.dropOnEdge(f, m, ev.node, e, 'partitioned');
          return true;
        case FaultCode.drop:
          if (!f.rng.chance(f.probability)) break;
          f.affected++;
          this.dropOnEdge(f, m, ev.node, e, 'dropped');
          return true;
        case FaultCode.duplicate: {
          if (!f.rng.chance(f.probability)) break;
          f.affected++;
          // the edge carries the message twice: counted as sent twice, so per-edge and per-node counts agree
          const copy = copyMessage(m);
          const metrics = this.sim.metrics;
          metrics.derived++;
          metrics.edgeMessages[e]++;
          metrics.add(this.sim.edges[e].source, Counter.Emitted);
          this.onCopy?.(copy);
          this.sim.deliverAt(now, ev.node, -2 - e, copy, ev.data);
          break;
        }
        case FaultCode.reorder:
          if (!f.rng.chance(f.probability)) break;
          f.affected++;
          this.sim.deliverAt(now + f.rng.next() * f.maxDelay, ev.node, -2 - e, m, ev.data);
          return true;
        case FaultCode.latency: {
          const d = f.sample!(f.rng);
          if (!(d > 0)) break;
          f.affected++;
          this.sim.deliverAt(now + d, ev.node, -2 - e, m, ev.data);
          return true;
        }
        default:
          break;
      }
    }
    return false;
  }

  /** Drops a message at the end of an edge; a source that wants publisher confirms is told. */
  private dropOnEdge(f: FaultRuntime, m: Message, target: number, edge: number, what: string): void {
    m.arrivedAt = this.sim.now;
    this.sim.metrics.add(target, Counter.Received); // it came over the edge, to be dropped at its end
    m.deadLetterDetail = `${what} on edge "${this.sim.edges[edge].id}" by fault "${f.spec.id}"`;
    this.sim.nodes[target].ctx.drop(m, 'fault');
    this.nodes.undelivered(this.sim.edges[edge].source, m);
  }
}
