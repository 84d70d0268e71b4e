/**
 * The `NodeContext` each node gets: a thin object per node (not per event) that forwards to its simulation.
 */
import type { DeadLetterReason, Message } from '../model/message';
import type { MessageId } from '../model/ids';
import { HOOK_BLOCKED } from './hookSites';
import { Counter } from './metrics';
import type { EdgeHandle, MessageInit, NodeContext } from './pattern';
import type { Rng } from './rng';
import { EventType } from './Scheduler';
import type { EdgeRuntime, Simulation } from './Simulation';
import { Outcome } from './trace';

const NO_EDGES: readonly EdgeHandle[] = [];

// Message ids (`m<seq>`) are made for every message, and turning a fresh number into a string is one of
// the dearer steps of a hop. So an id is built from the digits above the last three, kept from the
// previous id (they change once per thousand messages), and the last three digits from a table.
const LAST_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
let idHigh = -1;
let idPrefix = '';

/** The id of message `seq`: `'m' + seq`, built cheaply. */
export function messageId(seq: number): MessageId {
  if (seq < 1000) return ('m' + seq) as MessageId;
  const high = Math.floor(seq / 1000);
  if (high !== idHigh) {
    idHigh = high;
    idPrefix = 'm' + high;
  }
  return (idPrefix + LAST_DIGITS[seq - high * 1000]) as MessageId;
}

/**
 * A copy of a message, field for field (same id, same conversation): what a `duplicate` fault delivers.
 * Built as a literal in the same field order as `createMessage` and `derive`, so copies share the hidden
 * class of every other message: a spread copy has a class of its own, which makes every message access
 * in the engine polymorphic once one copy goes by.
 */
export function copyMessage(m: Message): Message {
  return {
    id: m.id,
    seq: m.seq,
    root: m.root,
    correlationId: m.correlationId,
    causationId: m.causationId,
    kind: m.kind,
    type: m.type,
    headers: m.headers,
    payload: m.payload,
    createdAt: m.createdAt,
    expiresAt: m.expiresAt,
    priority: m.priority,
    hops: m.hops,
    arrivedAt: m.arrivedAt,
    deliveries: m.deliveries,
    deliveredBy: m.deliveredBy,
    failedAt: m.failedAt,
    deadLetterReason: m.deadLetterReason,
    deadLetterDetail: m.deadLetterDetail,
    attempt: m.attempt,
  };
}

export class NodeContextImpl implements NodeContext<Record<string, unknown>> {
  constructor(
    private readonly sim: Simulation,
    readonly index: number,
    readonly id: string,
    readonly kind: string,
    readonly config: Record<string, unknown>,
    readonly rng: Rng,
  ) {}

  now(): number {
    return this.sim.now;
  }

  runSeed(): number {
    return this.sim.settings.seed;
  }

  createMessage(init: MessageInit, fromProducer: boolean): Message {
    const sim = this.sim;
    const seq = sim.newSeq();
    const id = messageId(seq);
    const now = sim.now;
    if (fromProducer) sim.metrics.produced++;
    else sim.metrics.derived++;
    const m: Message = {
      id,
      seq,
      root: seq,
      correlationId: init.correlationId ?? id,
      causationId: init.causationId ?? null,
      kind: init.kind,
      type: init.type,
      headers: init.headers ?? {},
      payload: init.payload ?? null,
      createdAt: now,
      expiresAt: init.ttl !== undefined ? now + init.ttl : null,
      priority: init.priority ?? 4,
      hops: 0,
      arrivedAt: now,
      deliveries: 0,
      deliveredBy: -1,
      failedAt: -1,
      deadLetterReason: null,
      deadLetterDetail: null,
      attempt: 0,
    };
    const alive = sim.aliveRoots;
    if (alive !== null) alive.add(seq, 1);
    if (sim.hookCreated) sim.hooks!.created(this.index, m);
    return m;
  }

  derive(msg: Message, changes: Partial<MessageInit> = {}): Message {
    const sim = this.sim;
    const seq = sim.newSeq();
    sim.metrics.derived++;
    const now = sim.now;
    const m: Message = {
      id: messageId(seq),
      seq,
      root: msg.root,
      correlationId: changes.correlationId ?? msg.correlationId,
      causationId: changes.causationId !== undefined ? changes.causationId : msg.id,
      kind: changes.kind ?? msg.kind,
      type: changes.type ?? msg.type,
      headers: changes.headers ?? msg.headers,
      payload: changes.payload !== undefined ? changes.payload : msg.payload,
      // a derived message keeps the journey's start, so end-to-end latency covers the whole conversation
      createdAt: msg.createdAt,
      expiresAt: changes.ttl !== undefined ? now + changes.ttl : msg.expiresAt,
      priority: changes.priority ?? msg.priority,
      hops: msg.hops,
      arrivedAt: now,
      deliveries: 0,
      deliveredBy: -1,
      failedAt: -1,
      deadLetterReason: null,
      deadLetterDetail: null,
      attempt: 0,
    };
    const alive = sim.aliveRoots;
    if (alive !== null) alive.add(msg.root, 1);
    if (sim.hookCreated) sim.hooks!.created(this.index, m);
    return m;
  }

  outEdges(port: string): readonly EdgeHandle[] {
    return this.sim.nodes[this.index].out.get(port) ?? NO_EDGES;
  }

  // one-entry cache of the last port emitted on: most nodes emit on one port (the same string object)
  // almost every time, so this skips two Map lookups per hop
  private lastPort: string | null = null;
  private lastEdges: readonly EdgeHandle[] | undefined = undefined;
  private lastRole: string | undefined = undefined;

  emit(port: string, msg: Message, reason?: DeadLetterReason): void {
    if (port !== this.lastPort) {
      const node = this.sim.nodes[this.index];
      this.lastPort = port;
      this.lastEdges = node.out.get(port);
      this.lastRole = node.roles.get(port);
    }
    const edges = this.lastEdges;
    const role = this.lastRole;
    if (role === 'failure') {
      msg.failedAt = this.index;
      msg.deadLetterReason = reason ?? msg.deadLetterReason ?? 'error';
    }
    if (edges && edges.length) this.sim.sendOver(this.index, edges[0] as EdgeRuntime, msg, msg.deadLetterReason);
    else if (role === 'success') this.complete(msg);
    else this.drop(msg, reason ?? msg.deadLetterReason ?? 'error');
  }

  send(edge: EdgeHandle, msg: Message): void {
    this.sim.sendOver(this.index, edge as EdgeRuntime, msg, msg.deadLetterReason);
  }

  complete(msg: Message): void {
    const sim = this.sim;
    sim.leave(this.index, msg, Outcome.Completed, null, null, -1);
    sim.metrics.completed++;
    sim.metrics.add(this.index, Counter.Completed);
    sim.metrics.endToEnd.record(sim.now - msg.createdAt);
  }

  drop(msg: Message, reason: DeadLetterReason): void {
    const sim = this.sim;
    sim.leave(this.index, msg, Outcome.Dropped, null, reason, -1);
    sim.metrics.countDrop(reason);
    sim.metrics.add(this.index, Counter.Dropped);
  }

  deadLetter(msg: Message, reason: DeadLetterReason, detail?: string): void {
    msg.deadLetterDetail = detail ?? null;
    const node = this.sim.nodes[this.index];
    if (node.roles.get('dead-letter') === 'failure') {
      // counted as dead-lettered only when it goes somewhere; unconnected, emit drops (and counts) it
      if (node.out.get('dead-letter')?.length) this.sim.metrics.add(this.index, Counter.DeadLettered);
      this.emit('dead-letter', msg, reason);
    } else {
      msg.failedAt = this.index;
      msg.deadLetterReason = reason;
      this.drop(msg, reason);
    }
  }

  merge(msg: Message): void {
    this.sim.leave(this.index, msg, Outcome.Merged, null, null, -1);
    this.sim.metrics.merged++;
  }

  nack(msg: Message): boolean {
    const channel = msg.deliveredBy;
    if (channel < 0) return false;
    this.sim.leave(this.index, msg, Outcome.Nacked, null, null, -1);
    this.sim.schedule(this.sim.now, EventType.Nack, channel, 0, msg, null);
    return true;
  }

  store(msg: Message): void {
    this.sim.leave(this.index, msg, Outcome.Stored, null, msg.deadLetterReason, -1);
    this.sim.metrics.deadLettered++;
  }

  evict(msg: Message): void {
    this.sim.metrics.deadLettered--;
    msg.arrivedAt = this.sim.now;
    this.drop(msg, 'overflow');
  }

  reprocess(msg: Message): void {
    const sim = this.sim;
    const target = msg.failedAt;
    sim.leave(this.index, msg, Outcome.Reprocessed, null, null, -1);
    sim.metrics.deadLettered--;
    msg.hops = 0;
    msg.deliveries = 0;
    msg.deliveredBy = -1;
    msg.expiresAt = null;
    msg.deadLetterReason = null;
    msg.deadLetterDetail = null;
    if (target >= 0) sim.deliverDirect(target, msg);
    else this.complete(msg);
  }

  isIdle(edge: EdgeHandle): boolean {
    const sim = this.sim;
    const t = edge.target;
    // a consumer that is down (crashed, paused) is not idle, whatever it would say
    if ((sim.hookAt[t] & HOOK_BLOCKED) !== 0 && sim.faultLayer!.nodeState(t) !== null) return false;
    const b = sim.nodes[t].behavior;
    return b.isIdle ? b.isIdle(sim.pendingInbound(t)) : true;
  }

  hasRoom(edge: EdgeHandle): boolean {
    const b = this.sim.nodes[edge.target].behavior;
    return b.hasRoom ? b.hasRoom(this.sim.pendingInbound(edge.target)) : true;
  }

  pendingInbound(): number {
    return this.sim.pendingInbound(this.index);
  }

  notifyReady(): void {
    this.sim.notifyUpstream(this.index);
  }

  notifyReadyNow(): void {
    this.sim.wakeUpstreamNow(this.index);
  }

  call(nodeId: string, name: string, args: Record<string, unknown> = {}): unknown {
    return this.sim.action(nodeId, name, args);
  }

  schedule(delay: number, tag: number, msg: Message | null = null, data: unknown = null): void {
    const d = delay > 0 ? delay : 0;
    const sim = this.sim;
    const scale = sim.timeScale;
    sim.schedule(sim.now + (scale === null ? d : d * scale[this.index]), EventType.Timer, this.index, tag, msg, data);
  }

  setQueueDepth(depth: number): void {
    this.sim.metrics.setDepth(this.index, depth, this.sim.now);
  }

  setBusy(busy: number): void {
    this.sim.metrics.setBusy(this.index, busy, this.sim.now);
  }

  setCapacity(workers: number): void {
    this.sim.metrics.setCapacity(this.index, workers);
  }

  countFailed(n = 1): void {
    this.sim.metrics.add(this.index, Counter.Failed, n);
  }

  countRetried(n = 1): void {
    this.sim.metrics.add(this.index, Counter.Retried, n);
  }
}
