/**
 * The discrete-event simulation of one topology. Pure TypeScript: virtual time and a seeded random stream
 * per node are its only sources of change, so the same topology and seed give the same run — the same
 * trace digest — in Node, in a worker and in tests.
 *
 * Every hop is an event: a node that sends a message schedules its delivery at the current virtual time,
 * and events at equal times run in the order they were scheduled. Patterns (one file each, registered in
 * `patterns/index.ts`) see the run only through their `NodeContext`.
 *
 * @example
 * const sim = new Simulation(topology, { seed: 7 });
 * sim.run({ until: 60_000 });
 * const report = buildReport(sim);
 */
import { configWithDefaults, getCatalogEntry, type PortSpec } from '../model/catalog';
import type { DeadLetterReason, Message } from '../model/message';
import { simulationSchema, type SimulationSettings, type Topology } from '../model/topology';
import type { FaultInjector } from './faults';
import { createRunHooks, type RunHooks } from './hooks';
import type { InvariantMonitor } from './invariants';
import { ENDS_JOURNEY, HOOK_ARRIVED, HOOK_BLOCKED, HOOK_LEAVES, HOOK_RECEIVES, INTERCEPTS } from './hookSites';
import { NodeContextImpl } from './NodeContext';
import { Link, messageBytes } from './links';
import { Counter, Metrics } from './metrics';
import type { EdgeHandle, NodeBehavior, NodeView, PatternDefinition } from './pattern';
import { PATTERNS } from './patterns/index';
import { Rng } from './rng';
import type { SeqTable } from './seqTable';
import { EventType, Scheduler, type EventRecord } from './Scheduler';
import { Outcome, Trace, type TraceOptions } from './trace';

/** Options of a run; each overrides the topology's `simulation` settings. */
export interface SimulationOptions {
  seed?: number;
  until?: number;
  maxHops?: number;
  trace?: Partial<TraceOptions>;
  /** Pattern registry (tests may pass their own). */
  patterns?: ReadonlyMap<string, PatternDefinition>;
}

/** Limits of one `run` call; the first reached ends it. */
export interface RunLimits {
  /** Virtual time to run to (inclusive). Default: the settings' `until`. */
  until?: number;
  /** Most events to process in this call. */
  maxEvents?: number;
  /** Stop once this many messages have completed in total. */
  untilCompleted?: number;
}

/** Where a run stands. */
export interface RunStatus {
  now: number;
  /** Events processed by this call. */
  events: number;
  /** True when no event is left before the end time. */
  finished: boolean;
}

/** A node at run time. */
export interface NodeRuntime {
  readonly index: number;
  readonly id: string;
  readonly kind: string;
  readonly label: string;
  readonly behavior: NodeBehavior;
  readonly ctx: NodeContextImpl;
  /** Output port id → edges leaving it. */
  readonly out: Map<string, EdgeHandle[]>;
  /** Output port id → role. */
  readonly roles: Map<string, PortSpec['role']>;
  /** Indices of nodes with an edge into this one. */
  readonly upstream: number[];
}

/** An edge at run time. */
export interface EdgeRuntime extends EdgeHandle {
  readonly source: number;
  readonly sourcePort: string;
  /** Whether it leaves by a failure port (error, dead letter). */
  failure: boolean;
  /** The link with capacity of this edge, or null for an instant hop (see links.ts). */
  readonly link: Link | null;
}

export class Simulation {
  readonly settings: SimulationSettings;
  readonly nodes: NodeRuntime[] = [];
  readonly edges: EdgeRuntime[] = [];
  readonly metrics: Metrics;
  readonly trace: Trace;
  /** Virtual time of the event being (or last) processed. */
  now = 0;
  /** Events processed since the start. */
  events = 0;
  private readonly sched = new Scheduler();
  private readonly pending: Int32Array;
  private readonly readyPending: Uint8Array;
  private readonly nodeIndex = new Map<string, number>();
  /** Fault injection and live invariants (hooks.ts); null when the topology has neither. Set with `setHooks`. */
  hooks: RunHooks | null = null;
  /** @internal The hooks' parts, for the sites that need only one of them. */
  faultLayer: FaultInjector | null = null;
  monitor: InvariantMonitor | null = null;
  /** @internal Per node, where the hooks want to be called (`HOOK_*` bits of hookSites.ts; all 0 without hooks). */
  readonly hookAt: Uint8Array;
  /** @internal Whether every hop that ends a journey, at any node, goes to the hooks. */
  hookEnds = false;
  /** @internal Whether every message born goes to the hooks (the fault layer, when it tracks messages). */
  hookCreated = false;
  /**
   * @internal Live messages per conversation root, counted here at every birth when an invariant needs
   * them (no-loss; the monitor counts the ends), else null. A direct count, not a hook call, because it
   * runs for every message born.
   */
  aliveRoots: SeqTable | null = null;
  /** @internal Multiplier of timer delays per node (slow faults), or null when no fault can slow a node. */
  timeScale: Float64Array | null = null;
  private nextSeq = 1;
  private stopRequested = false;

  /** Builds the run of a validated topology (see `validateTopology`) and starts every node at time 0. */
  constructor(
    readonly topology: Topology,
    options: SimulationOptions = {},
  ) {
    const base = simulationSchema.parse(topology.simulation ?? {});
    this.settings = {
      seed: options.seed ?? base.seed,
      until: options.until ?? base.until,
      maxHops: options.maxHops ?? base.maxHops,
      trace: { ...base.trace, ...options.trace },
    };
    const registry = options.patterns ?? PATTERNS;
    const n = topology.nodes.length;
    this.metrics = new Metrics(n, topology.edges.length);
    this.trace = new Trace(this.settings.trace);
    this.pending = new Int32Array(n);
    this.readyPending = new Uint8Array(n);
    this.hookAt = new Uint8Array(n);
    topology.nodes.forEach((node, i) => this.nodeIndex.set(node.id, i));

    const outs = topology.nodes.map(() => new Map<string, EdgeHandle[]>());
    const ups = topology.nodes.map(() => new Set<number>());
    topology.edges.forEach((e, i) => {
      const source = this.nodeIndex.get(e.source)!;
      const target = this.nodeIndex.get(e.target)!;
      const sEntry = getCatalogEntry(topology.nodes[source].kind);
      const config = sEntry?.edgeConfig ? sEntry.edgeConfig.parse(e.config ?? {}) : {};
      const edge: EdgeRuntime = {
        index: i,
        id: e.id,
        source,
        sourcePort: e.sourcePort ?? 'out',
        target,
        targetPort: e.targetPort ?? 'in',
        config,
        failure: false, // set below, once the source node's port roles are known
        link: e.link ? new Link(e.link, Rng.forStream(this.settings.seed, 'link:' + e.id)) : null,
      };
      this.edges.push(edge);
      this.metrics.links[i] = edge.link;
      const list = outs[source].get(edge.sourcePort) ?? [];
      list.push(edge);
      outs[source].set(edge.sourcePort, list);
      ups[target].add(source);
    });

    topology.nodes.forEach((node, i) => {
      const entry = getCatalogEntry(node.kind);
      const def = registry.get(node.kind);
      if (!entry || !def) throw new Error(`node "${node.id}": no pattern implements kind "${node.kind}"`);
      const config = configWithDefaults(entry, node.config);
      const roles = new Map(entry.outputs(config).map((p) => [p.id, p.role] as const));
      const ctx = new NodeContextImpl(this, i, node.id, node.kind, config, Rng.forStream(this.settings.seed, node.id));
      const runtime: NodeRuntime = {
        index: i,
        id: node.id,
        kind: node.kind,
        label: node.label ?? node.id,
        behavior: null as unknown as NodeBehavior,
        ctx,
        out: outs[i],
        roles,
        upstream: [...ups[i]],
      };
      this.nodes.push(runtime);
    });
    for (const e of this.edges) e.failure = this.nodes[e.source].roles.get(e.sourcePort) === 'failure';
    // behaviours are made once every node exists, so that a pattern may look at its neighbours
    for (const node of this.nodes) (node as { behavior: NodeBehavior }).behavior = registry.get(node.kind)!.create(node.ctx as never);
    this.setHooks(createRunHooks(this));
    for (const node of this.nodes) node.behavior.start?.();
  }

  /** The index of a node by id, or -1. */
  indexOf(nodeId: string): number {
    return this.nodeIndex.get(nodeId) ?? -1;
  }

  /** @internal Puts the run's hooks in place (at the start, or when the studio adds faults to a run without). */
  setHooks(hooks: RunHooks | null): void {
    this.hooks = hooks;
    this.faultLayer = hooks?.faults ?? null;
    this.monitor = hooks?.invariants ?? null;
  }

  /** Time of the next pending event, or Infinity. */
  nextEventTime(): number {
    return this.sched.peekTime();
  }

  /** Pending events. */
  get pendingEvents(): number {
    return this.sched.size;
  }

  /** Processes events until a limit is reached; advances the clock to `until` when it runs out of events. */
  run(limits: RunLimits = {}): RunStatus {
    const until = Math.min(limits.until ?? this.settings.until, this.settings.until);
    const maxEvents = limits.maxEvents ?? Infinity;
    const untilCompleted = limits.untilCompleted ?? Infinity;
    const sched = this.sched;
    const metrics = this.metrics;
    this.stopRequested = false;
    let n = 0;
    while (n < maxEvents && !this.stopRequested && metrics.completed < untilCompleted) {
      const ev = sched.popDue(until);
      if (ev === undefined) {
        // nothing left at or before `until`
        if (until > this.now) this.now = until;
        break;
      }
      this.now = ev.time;
      this.dispatch(ev);
      sched.release(ev);
      n++;
    }
    this.events += n;
    return { now: this.now, events: n, finished: this.finished };
  }

  /** Processes one event; returns false when there was none before the end time. */
  step(): boolean {
    if (this.sched.peekTime() > this.settings.until) return false;
    return this.run({ maxEvents: 1 }).events === 1;
  }

  /** True when nothing is left to do before the end time. */
  get finished(): boolean {
    return this.sched.peekTime() > this.settings.until;
  }

  /** Asks a running `run` call to return after the current event (for pausing from a callback). */
  requestStop(): void {
    this.stopRequested = true;
  }

  /** Runs an operator action on a node (`reprocess`, `list`, …). */
  action(nodeId: string, name: string, args: Record<string, unknown> = {}): unknown {
    const i = this.indexOf(nodeId);
    if (i < 0) throw new Error(`no node "${nodeId}"`);
    const b = this.nodes[i].behavior;
    if (!b.action) throw new Error(`node "${nodeId}" (${this.nodes[i].kind}) has no actions`);
    return b.action(name, args);
  }

  /** What each node shows beyond metrics (state words, figures). */
  views(): (NodeView | null)[] {
    const faults = this.hooks?.faults ?? null;
    return this.nodes.map((n, i) => {
      const view = n.behavior.view?.() ?? null;
      // a node under a fault (`crashed`, `paused`) shows that state over its own
      const state = faults !== null ? faults.nodeState(i) : null;
      return state === null ? view : { ...view, state };
    });
  }

  /**
   * Messages held anywhere: by nodes (queued, in service, stored) and in transit between them. Computed
   * independently of the totals, so tests can check that no message is lost or made up.
   */
  heldMessages(): { byNodes: number; inTransit: number; stored: number } {
    let byNodes = 0;
    let stored = 0;
    for (const n of this.nodes) {
      const h = n.behavior.held?.() ?? 0;
      if (n.kind === 'dead-letter') stored += h;
      else byNodes += h;
    }
    let inTransit = 0;
    this.sched.forEach((r) => {
      if ((r.type === EventType.Deliver || r.type === EventType.Nack) && r.msg) inTransit++;
    });
    if (this.hooks !== null) inTransit += this.hooks.inTransit();
    return { byNodes, inTransit, stored };
  }

  // ---------------------------------------------------------------- used by NodeContextImpl

  /** @internal */
  newSeq(): number {
    return this.nextSeq++;
  }

  /** @internal */
  schedule(time: number, type: EventType, node: number, arg: number, msg: Message | null, data: unknown): void {
    this.sched.schedule(time, type, node, arg, msg, data);
  }

  /** @internal Records that `m` leaves node `node` now. */
  leave(node: number, m: Message, outcome: Outcome, port: string | null, reason: DeadLetterReason | null, edge: number): void {
    this.metrics.latency[node].record(this.now - m.arrivedAt);
    this.trace.record(m, node, this.now, outcome, port, reason, edge);
    if ((this.hookAt[node] & HOOK_LEAVES) !== 0 || (this.hookEnds && ENDS_JOURNEY[outcome] === 1)) this.hooks!.left(node, m, outcome, reason);
  }

  /** @internal */
  sendOver(node: number, edge: EdgeRuntime, m: Message, reason: DeadLetterReason | null): void {
    const failure = edge.failure;
    this.leave(node, m, failure ? Outcome.FailedOver : Outcome.Forwarded, edge.sourcePort, failure ? reason : null, edge.index);
    this.metrics.add(node, Counter.Emitted);
    this.metrics.edgeMessages[edge.index]++;
    this.pending[edge.target]++;
    const at = edge.link === null ? this.now : edge.link.transmit(this.now, messageBytes(m));
    this.sched.schedule(at, EventType.Deliver, edge.target, edge.index, m, edge.targetPort);
  }

  /** @internal Schedules the arrival of `m` at `target` at `time` (faults: delayed, copied, held back). */
  deliverAt(time: number, target: number, arg: number, m: Message, port: unknown): void {
    this.pending[target]++;
    this.sched.schedule(time, EventType.Deliver, target, arg, m, port);
  }

  /** @internal Visits the pending events, which the visitor may alter (faults cancel a crashed node's timers). */
  forEachPendingEvent(fn: (r: EventRecord) => void): void {
    this.sched.forEach(fn);
  }

  /** @internal Sends a message to a node's `in` port without an edge (reprocessing). */
  deliverDirect(target: number, m: Message): void {
    this.pending[target]++;
    this.sched.schedule(this.now, EventType.Deliver, target, -1, m, 'in');
  }

  /** @internal */
  pendingInbound(node: number): number {
    return this.pending[node];
  }

  /** @internal */
  notifyUpstream(node: number): void {
    const nodes = this.nodes;
    for (const u of nodes[node].upstream) {
      if (this.readyPending[u]) continue;
      const b = nodes[u].behavior;
      if (b.wantsReady !== undefined && !b.wantsReady()) continue;
      this.readyPending[u] = 1;
      this.sched.schedule(this.now, EventType.Ready, u, 0, null, null);
    }
  }

  /**
   * @internal Wakes the upstream nodes that wait, now rather than by an event. A node whose events a
   * fault holds back (crashed, paused) gets the usual event instead, so the fault layer sees it.
   */
  wakeUpstreamNow(node: number): void {
    const nodes = this.nodes;
    for (const u of nodes[node].upstream) {
      const b = nodes[u].behavior;
      if (b.onReady === undefined || (b.wantsReady !== undefined && !b.wantsReady())) continue;
      if ((this.hookAt[u] & HOOK_BLOCKED) !== 0) {
        if (this.readyPending[u]) continue;
        this.readyPending[u] = 1;
        this.sched.schedule(this.now, EventType.Ready, u, 0, null, null);
      } else b.onReady();
    }
  }

  private dispatch(ev: EventRecord): void {
    // one load for a node without hook sites (every node of a run without faults and invariants)
    const sites = this.hookAt[ev.node];
    if (sites !== 0 && (sites & INTERCEPTS[ev.type]) !== 0 && this.faultLayer!.intercept(ev)) {
      if (ev.type === EventType.Deliver) this.pending[ev.node]--;
      return;
    }
    const node = this.nodes[ev.node];
    switch (ev.type) {
      case EventType.Deliver: {
        const m = ev.msg!;
        this.pending[ev.node]--;
        m.hops++;
        m.arrivedAt = this.now;
        m.attempt = 0;
        // only the channel that delivered it here may take it back (nack); a consumer further on may not.
        // The edge is `arg`, or `-2 - arg` for a message a fault delayed or copied; -1 for none.
        const edge = ev.arg < -1 ? -2 - ev.arg : ev.arg;
        if (edge < 0 || this.edges[edge].source !== m.deliveredBy) m.deliveredBy = -1;
        this.metrics.add(ev.node, Counter.Received);
        if (sites !== 0 && (this.hookAt[ev.node] & HOOK_ARRIVED) !== 0) this.monitor!.arrived(ev.node, m);
        const maxHops = this.settings.maxHops;
        // the common case first: within the hop limit and not expired
        if (m.hops <= maxHops && (m.expiresAt === null || this.now <= m.expiresAt)) {
          if (sites === 0 || (this.hookAt[ev.node] & HOOK_RECEIVES) === 0 || !this.faultLayer!.receive(ev.node, m)) node.behavior.onMessage(m, ev.data as string);
        }
        // a dead-letter channel keeps what reaches it: checking hops and TTL there would drop the very
        // messages (hop-limit, expired) it exists to keep
        else if (node.kind === 'dead-letter') node.behavior.onMessage(m, ev.data as string);
        // dead-letter once at the limit; past it (it came back round over a failure edge) drop it, so that
        // a cycle through dead-letter or error ports still ends
        else if (m.hops > maxHops + 1) node.ctx.drop(m, 'hop-limit');
        else if (m.hops > maxHops) node.ctx.deadLetter(m, 'hop-limit', `more than ${maxHops} hops`);
        else node.ctx.deadLetter(m, 'expired');
        break;
      }
      case EventType.Timer:
        node.behavior.onTimer?.(ev.arg, ev.msg, ev.data);
        break;
      case EventType.Ready:
        this.readyPending[ev.node] = 0;
        node.behavior.onReady?.();
        break;
      case EventType.Nack: {
        const m = ev.msg!;
        m.arrivedAt = this.now;
        if (node.behavior.onNack) node.behavior.onNack(m);
        else node.ctx.deadLetter(m, 'error', 'returned to a node that cannot redeliver');
        break;
      }
      case EventType.Fault:
        this.faultLayer!.switchEvent(ev);
        break;
    }
  }
}
