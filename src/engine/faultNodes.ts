/**
 * Node faults (used by the `FaultInjector` in faults.ts):
 *
 * - `crash`: the node goes down for the window; what it held in memory is lost: a message that a channel
 *   delivered to it is returned to that channel (nacked, so redelivered — the broker never got an ack),
 *   any other is dropped with reason `crash`. Its pending timers die with it. While it is down, messages
 *   arriving are lost the same way, channels hold back what they would deliver to it, and its state shows
 *   as `crashed`. At restart a pattern without crash hooks starts afresh (a new behaviour: volatile state
 *   gone); a pattern with hooks (`FaultAwareBehavior.crash` / `restart`) keeps its durable state — the
 *   outbox table, the idempotent consumer's completed keys — and recovers.
 * - `pause`: the node freezes (a long GC pause, a stopped container): every event due at it waits until
 *   the pause ends, then runs in its original order; channels hold back deliveries meanwhile.
 * - `slow`: its timers (service times, backoffs, arrival gaps) take `factor` times longer.
 * - `error`: each message arriving at it fails with the probability, as if its processing threw: returned
 *   to the channel that delivered it (nack) or dead-lettered (`error`). A pattern that simulates a call
 *   itself (`FaultAwareBehavior.faultsChanged`) applies the error rate and the slow-down to that call.
 */
import type { Message } from '../model/message';
import { Deque } from './Deque';
import { HOOK_ARRIVALS, HOOK_BLOCKED, HOOK_LEAVES, HOOK_RECEIVES } from './hookSites';
import type { FaultRuntime } from './faults';
import { Counter } from './metrics';
import type { NodeBehavior } from './pattern';
import { PATTERNS } from './patterns/index';
import { EventType, type EventRecord } from './Scheduler';
import { MessageSlots } from './seqTable';
import type { Simulation } from './Simulation';

/** The data of the queue events that switch a fault on or off. */
export class FaultChange {
  constructor(
    readonly fault: number,
    readonly on: boolean,
  ) {}
}

/** Marks the timers of a crashed node: they belonged to the process that died. */
const STALE = Object.freeze({ stale: true });

/** `NodeFaults.watch` bits: events at the node may be blocked (crash, pause, stale timers) … */
export const WATCH_BLOCKED = 1;
/** … and messages arriving there are tracked (it may crash and has no crash hook). */
export const WATCH_TRACKED = 2;

/** Node faults that a fault-aware pattern applies to its own simulated call. */
export interface NodeFaultState {
  /** Extra failure probability of the call (0 when none), for display. */
  errorRate: number;
  /** Multiplier of the call's duration (1 when not slowed). */
  slowdown: number;
  /**
   * Whether the injected error faults fail this call: each active one draws from its own stream (and counts
   * the calls it fails). Call it once per call, whatever the call's own outcome.
   */
  fail(): boolean;
}

/** The state of a node under no fault. */
export const NO_NODE_FAULTS: NodeFaultState = Object.freeze({ errorRate: 0, slowdown: 1, fail: () => false });

/**
 * Optional hooks of a behaviour that knows about faults. Without them, a crash loses everything the node
 * held and restarts it as new, and error and slow faults apply to the node as a whole.
 */
export interface FaultAwareBehavior extends NodeBehavior {
  /**
   * The node crashes. Returns the messages it held in volatile memory (queued, in service); the engine
   * returns each to the channel that delivered it or drops it (`crash`). Durable state stays. The engine
   * cancels the node's pending timers.
   */
  crash?(): Message[];
  /** The node restarts after a crash: reschedule what it needs (pollers) and recover. */
  restart?(): void;
  /** The node's error-rate and slow-down faults changed; the pattern applies them to its own call. */
  faultsChanged?(state: NodeFaultState): void;
  /** A message this node sent was lost on its edge by a fault (publisher confirms: it may send it again). */
  undelivered?(msg: Message): void;
}

/** A fault that targets a node. */
export type NodeFaultRuntime = FaultRuntime;

interface Deferred {
  type: EventType;
  arg: number;
  msg: Message | null;
  data: unknown;
}

/** Fault state of one node. */
export interface NodeRuntimeState {
  crashes: FaultRuntime[];
  /** Active pause faults. */
  pauses: FaultRuntime[];
  errors: FaultRuntime[];
  slows: FaultRuntime[];
  /** The node's own behaviour (the stub stands in for it while the node is down). */
  real: NodeBehavior;
  /** Start afresh at restart (no crash hooks). */
  recreate: boolean;
  /** Error faults fail the messages it receives (on, and the pattern does not apply them itself). */
  injectErrors: boolean;
  /** Messages at the node, kept for nodes that may crash and have no crash hook. */
  tracked: MessageSlots<Message> | null;
  deferred: Deque<Deferred> | null;
  stub: NodeBehavior | null;
  /** Timers of the dead process still in the queue. */
  stale: number;
}

export class NodeFaults {
  /** Fault state by node index; null for nodes no fault has targeted. */
  readonly state: (NodeRuntimeState | null)[];
  /** Per node, what the fault layer must look at in events due there (`WATCH_*` bits; 0: nothing). */
  readonly watch: Uint8Array;
  private readonly deliverers: (Set<number> | undefined)[] = [];
  /** Whether some node's messages are tracked (a crash fault on a node without crash hooks). */
  tracking = false;
  /** Nodes whose timers a slow fault scales now. */
  private slowed = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly slowFactor: Float64Array,
  ) {
    this.state = new Array<NodeRuntimeState | null>(sim.nodes.length).fill(null);
    this.watch = new Uint8Array(sim.nodes.length);
  }

  private updateWatch(i: number, ns: NodeRuntimeState): void {
    const blocked = ns.crashes.length > 0 || ns.pauses.length > 0 || ns.stale > 0;
    this.watch[i] = (blocked ? WATCH_BLOCKED : 0) | (ns.tracked !== null ? WATCH_TRACKED : 0);
    if (blocked) this.sim.hookAt[i] |= HOOK_BLOCKED;
    else this.sim.hookAt[i] &= ~HOOK_BLOCKED;
  }

  /** Gets a node ready for faults; `crash` starts tracking its messages when it has no crash hook. */
  prepare(node: number, crash: boolean): void {
    let ns = this.state[node];
    if (ns === null) {
      const real = this.sim.nodes[node].behavior;
      ns = { crashes: [], pauses: [], errors: [], slows: [], real, recreate: false, injectErrors: false, tracked: null, deferred: null, stub: null, stale: 0 };
      this.state[node] = ns;
    }
    if (crash && ns.tracked === null && !(ns.real as FaultAwareBehavior).crash) {
      ns.tracked = new MessageSlots<Message>();
      this.tracking = true;
      // what it holds: what arrives (intercept), what it makes (created), until it leaves (left)
      this.sim.hookAt[node] |= HOOK_ARRIVALS | HOOK_LEAVES;
      this.sim.hookCreated = true;
    }
    this.updateWatch(node, ns);
  }

  /** A node fault switches on or off. */
  switch(f: FaultRuntime, on: boolean): void {
    const i = f.target;
    const ns = this.state[i]!;
    switch (f.spec.type) {
      case 'crash': {
        const was = ns.crashes.length;
        ns.crashes = on ? [...ns.crashes, f] : ns.crashes.filter((x) => x !== f);
        if (was === 0 && ns.crashes.length > 0) this.crash(i, ns);
        else if (was > 0 && ns.crashes.length === 0) this.restart(i, ns);
        this.updateWatch(i, ns);
        return;
      }
      case 'pause':
        ns.pauses = on ? [...ns.pauses, f] : ns.pauses.filter((x) => x !== f);
        if (on && ns.pauses.length === 1) ns.deferred ??= new Deque<Deferred>();
        this.apply(i, ns);
        if (!on && ns.pauses.length === 0) this.resume(i, ns);
        this.updateWatch(i, ns);
        return;
      case 'slow':
        ns.slows = on ? [...ns.slows, f] : ns.slows.filter((x) => x !== f);
        break;
      case 'error':
        ns.errors = on ? [...ns.errors, f] : ns.errors.filter((x) => x !== f);
        break;
      default:
        return;
    }
    this.apply(i, ns);
  }

  /** Takes an event due at a faulty node when the node cannot have it now. */
  intercept(ev: EventRecord, ns: NodeRuntimeState): boolean {
    if (ev.type === EventType.Timer && ev.data === STALE) {
      // a timer of the process that died, whether the node is still down or back up: counted off, so
      // that once the last one is gone the node's events no longer come through here
      if (--ns.stale === 0) this.updateWatch(ev.node, ns);
      return true;
    }
    if (ns.crashes.length > 0) {
      const m = ev.msg;
      switch (ev.type) {
        case EventType.Deliver: {
          // as the simulation does on arrival: only the channel that sent it here may take it back
          const edge = ev.arg < -1 ? -2 - ev.arg : ev.arg;
          if (edge < 0 || this.sim.edges[edge].source !== m!.deliveredBy) m!.deliveredBy = -1;
          m!.arrivedAt = this.sim.now;
          this.sim.metrics.add(ev.node, Counter.Received); // it reached the host, which was down
          this.lose(ev.node, m!, ns.crashes[0], true);
          return true;
        }
        case EventType.Nack:
          m!.arrivedAt = this.sim.now;
          this.lose(ev.node, m!, ns.crashes[0], false);
          return true;
        case EventType.Ready:
          return false; // the stub ignores it; the simulation clears its ready flag
        default:
          return true; // the down node sets no timers (its stale ones are taken above)
      }
    }
    if (ns.pauses.length > 0) {
      // a message held back counts for the pause that holds it
      if (ev.msg !== null && (ev.type === EventType.Deliver || ev.type === EventType.Nack)) ns.pauses[0].affected++;
      ns.deferred!.push({ type: ev.type, arg: ev.arg, msg: ev.msg, data: ev.data });
      return true;
    }
    return false;
  }

  /** A node is about to process a message: true when an active error fault failed it (see `apply`). */
  receive(node: number, m: Message): boolean {
    const ns = this.state[node];
    if (ns === null || !ns.injectErrors) return false;
    for (const f of ns.errors) {
      if (f.rng.chance(f.probability)) {
        f.affected++;
        this.fail(node, m, f);
        return true;
      }
    }
    return false;
  }

  /** `crashed`, `paused` or null. */
  stateWord(node: number): string | null {
    const ns = this.state[node];
    if (ns === null) return null;
    return ns.crashes.length ? 'crashed' : ns.pauses.length ? 'paused' : null;
  }

  /** Messages waiting at paused nodes. */
  deferredMessages(): number {
    let n = 0;
    for (const ns of this.state) {
      if (ns === null || ns.deferred === null) continue;
      for (let k = 0; k < ns.deferred.length; k++) {
        const d = ns.deferred.at(k)!;
        if (d.msg !== null && (d.type === EventType.Deliver || d.type === EventType.Nack)) n++;
      }
    }
    return n;
  }

  /** A message `source` sent was lost on an edge: tell it, if it wants to know. */
  undelivered(source: number, m: Message): void {
    const b = this.sim.nodes[source].behavior as FaultAwareBehavior;
    b.undelivered?.(m);
  }

  private setBehavior(i: number, b: NodeBehavior): void {
    (this.sim.nodes[i] as { behavior: NodeBehavior }).behavior = b;
  }

  /**
   * Puts the node's behaviour (its own, or the stub while it is down) and slow-down in place for its
   * current faults. Pauses and error faults leave the behaviour as it is: the simulation asks the fault
   * layer at its hook sites (a paused node's events wait, `receive` fails messages, `down` makes a
   * consumer busy).
   */
  private apply(i: number, ns: NodeRuntimeState): void {
    const real = ns.real as FaultAwareBehavior;
    const aware = typeof real.faultsChanged === 'function';
    let slow = 1;
    for (const f of ns.slows) slow *= f.spec.type === 'slow' ? f.spec.factor : 1;
    const factor = aware ? 1 : slow;
    if (factor !== this.slowFactor[i]) {
      if (this.slowFactor[i] === 1) this.slowed++;
      else if (factor === 1) this.slowed--;
      this.slowFactor[i] = factor;
    }
    // timers read the factors only while some node is slowed
    this.sim.timeScale = this.slowed > 0 ? this.slowFactor : null;
    if (aware) {
      let ok = 1;
      for (const f of ns.errors) ok *= 1 - f.probability;
      const errors = ns.errors.slice();
      const fail = () => {
        let hit = false;
        for (const f of errors) {
          if (f.rng.chance(f.probability)) {
            f.affected++;
            hit = true;
          }
        }
        return hit;
      };
      real.faultsChanged!(errors.length || slow !== 1 ? { errorRate: 1 - ok, slowdown: slow, fail } : NO_NODE_FAULTS);
    }
    ns.injectErrors = !aware && ns.errors.length > 0;
    if (ns.injectErrors) this.sim.hookAt[i] |= HOOK_RECEIVES;
    else this.sim.hookAt[i] &= ~HOOK_RECEIVES;
    this.setBehavior(i, ns.crashes.length ? (ns.stub ??= this.stub(i)) : ns.real);
  }

  /** An injected processing failure. */
  private fail(i: number, m: Message, f: FaultRuntime): void {
    const node = this.sim.nodes[i];
    node.ctx.countFailed();
    if (this.fromUpstreamChannel(i, m) && node.ctx.nack(m)) return;
    node.ctx.deadLetter(m, 'error', `injected error (fault "${f.spec.id}")`);
  }

  /**
   * True when a live channel delivered `m` to node `i` (so it can take it back): over an edge from the
   * channel's success port — a dead letter the channel sent to `i` is not a delivery, and handing it back
   * would only make the channel send it again.
   */
  private fromUpstreamChannel(i: number, m: Message): boolean {
    const ch = m.deliveredBy;
    if (ch < 0 || ch === i) return false;
    const deliverers = (this.deliverers[i] ??= this.channelsDeliveringTo(i));
    if (!deliverers.has(ch)) return false;
    const cs = this.state[ch];
    return cs === null || cs.crashes.length === 0;
  }

  private channelsDeliveringTo(i: number): Set<number> {
    const out = new Set<number>();
    for (const e of this.sim.edges) {
      if (e.target === i && this.sim.nodes[e.source].roles.get(e.sourcePort) === 'success') out.add(e.source);
    }
    return out;
  }

  /** A message lost at a crashed node: back to its channel, else dropped. */
  private lose(i: number, m: Message, f: FaultRuntime, canNack: boolean): void {
    f.affected++;
    const node = this.sim.nodes[i];
    if (canNack && this.fromUpstreamChannel(i, m)) {
      node.ctx.nack(m);
      return;
    }
    m.deadLetterDetail = `lost when "${node.id}" crashed (fault "${f.spec.id}")`;
    node.ctx.drop(m, 'crash');
  }

  /** The behaviour of a crashed node; what a pattern with crash hooks keeps (durable) still counts as held. */
  private stub(i: number): NodeBehavior {
    const id = this.sim.nodes[i].id;
    const ns = this.state[i]!;
    return {
      onMessage: (m) => this.lose(i, m, ns.crashes[0], true),
      isIdle: () => false,
      hasRoom: () => true,
      held: () => (ns.recreate ? 0 : (ns.real.held?.() ?? 0)),
      // the simulation adds the state word (`crashed`)
      view: () => (ns.recreate ? {} : (ns.real.view?.() ?? {})),
      action: () => {
        throw new Error(`node "${id}" is down (crashed)`);
      },
    };
  }

  private crash(i: number, ns: NodeRuntimeState): void {
    const node = this.sim.nodes[i];
    const f = ns.crashes[0];
    const real = ns.real as FaultAwareBehavior;
    let lost: Message[];
    if (real.crash) {
      lost = real.crash();
      ns.recreate = false;
    } else {
      lost = ns.tracked ? ns.tracked.values() : [];
      ns.tracked?.clear();
      ns.recreate = true;
      // messages it held before tracking began (a crash added during the run): counted, without spans
      const untracked = (real.held?.() ?? 0) - lost.length;
      if (untracked > 0) {
        for (let k = 0; k < untracked; k++) this.sim.metrics.countDrop('crash');
        this.sim.metrics.add(i, Counter.Dropped, untracked);
        if (node.kind === 'dead-letter') this.sim.metrics.deadLettered -= untracked;
      }
    }
    this.sim.forEachPendingEvent((r) => {
      if (r.node === i && r.type === EventType.Timer && r.data !== STALE) {
        r.msg = null;
        r.data = STALE;
        ns.stale++;
      }
    });
    this.apply(i, ns);
    node.ctx.setQueueDepth(0);
    node.ctx.setBusy(0);
    const deferred = ns.deferred;
    if (deferred !== null) {
      for (let d = deferred.shift(); d !== undefined; d = deferred.shift()) {
        if (d.type === EventType.Ready) this.sim.schedule(this.sim.now, EventType.Ready, i, d.arg, null, null);
        else if (d.msg !== null && (d.type === EventType.Deliver || d.type === EventType.Nack)) {
          d.msg.arrivedAt = this.sim.now;
          if (d.type === EventType.Deliver) {
            this.sim.metrics.add(i, Counter.Received);
            const edge = d.arg < -1 ? -2 - d.arg : d.arg;
            if (edge < 0 || this.sim.edges[edge].source !== d.msg.deliveredBy) d.msg.deliveredBy = -1;
          }
          this.lose(i, d.msg, f, d.type === EventType.Deliver);
        }
      }
    }
    const stored = node.kind === 'dead-letter';
    for (const m of lost) {
      if (stored) this.sim.metrics.deadLettered--;
      this.lose(i, m, f, !stored);
    }
  }

  private restart(i: number, ns: NodeRuntimeState): void {
    const node = this.sim.nodes[i];
    if (ns.recreate) {
      // a registry passed to the simulation by a test may lack the kind: then the old behaviour goes on
      const def = PATTERNS.get(node.kind);
      if (def) ns.real = def.create(node.ctx as never);
      this.apply(i, ns);
      if (def) ns.real.start?.();
    } else {
      this.apply(i, ns);
      (ns.real as FaultAwareBehavior).restart?.();
    }
    this.sim.notifyUpstream(i);
  }

  private resume(i: number, ns: NodeRuntimeState): void {
    const q = ns.deferred!;
    const now = this.sim.now;
    for (let d = q.shift(); d !== undefined; d = q.shift()) {
      if (d.type === EventType.Deliver) this.sim.deliverAt(now, i, d.arg, d.msg!, d.data);
      else this.sim.schedule(now, d.type, i, d.arg, d.msg, d.data);
    }
    this.sim.notifyUpstream(i);
  }
}
