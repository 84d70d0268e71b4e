/**
 * The pattern API: what a pattern kind implements (`PatternDefinition`) and what the simulation offers it
 * (`NodeContext`). A pattern is one file in `patterns/`; its catalog entry (ports, config schema) lives in
 * `src/model/kinds/`. Behaviours are plain objects with methods; the engine calls them with tagged events,
 * never with closures per event.
 *
 * @example
 * export const sink: PatternDefinition = {
 *   kind: 'sink',
 *   create: (ctx) => ({ onMessage: (msg) => ctx.complete(msg) }),
 * };
 */
import type { DeadLetterReason, JsonValue, Message, MessageKind } from '../model/message';
import type { Rng } from './rng';

/** An edge as a pattern sees it. */
export interface EdgeHandle {
  /** Index of the edge in the run. */
  readonly index: number;
  /** Edge id from the file. */
  readonly id: string;
  /** Index of the target node. */
  readonly target: number;
  /** Input port at the target. */
  readonly targetPort: string;
  /** The edge's config with the source kind's defaults applied (subscriptions), or `{}`. */
  readonly config: Readonly<Record<string, unknown>>;
}

/** What a pattern shows of itself on the canvas (beyond the standard metrics). */
export interface NodeView {
  /** A state word such as `open` or `half-open`, if the pattern has states. */
  state?: string;
  /** Small named figures for badges, such as `{ held: 3 }`. */
  figures?: Record<string, number>;
}

/** Fields of a new message. */
export interface MessageInit {
  kind: MessageKind;
  type: string;
  headers?: Record<string, string>;
  payload?: JsonValue;
  /** Time to live (ms) from now. */
  ttl?: number;
  priority?: number;
  correlationId?: string;
  causationId?: string | null;
}

/** What the simulation offers a node. */
export interface NodeContext<C = Record<string, unknown>> {
  readonly id: string;
  readonly index: number;
  readonly kind: string;
  /** The node's config with defaults applied. */
  readonly config: C;
  /** The node's own random stream. */
  readonly rng: Rng;
  /** Virtual time now (ms). */
  now(): number;
  /** The run's seed, for material derived per run (encryption keys); draw randomness from `rng` instead. */
  runSeed(): number;

  /** A new message created here (counted as produced when `fromProducer`, else as derived). */
  createMessage(init: MessageInit, fromProducer: boolean): Message;
  /** A new instance derived from `msg` (same correlation, causation = msg.id), counted as derived. */
  derive(msg: Message, changes?: Partial<MessageInit>): Message;

  /** Edges leaving an output port. */
  outEdges(port: string): readonly EdgeHandle[];
  /**
   * Sends `msg` out of `port`: over its edge when connected (fan-out ports need `send`); when nothing is
   * connected, a success port completes the message here and a failure port drops it with `reason`.
   */
  emit(port: string, msg: Message, reason?: DeadLetterReason): void;
  /** Sends `msg` over one edge. */
  send(edge: EdgeHandle, msg: Message): void;
  /** The message's journey ends here. */
  complete(msg: Message): void;
  /** The message is dropped here with a reason. */
  drop(msg: Message, reason: DeadLetterReason): void;
  /** The message goes out of the `dead-letter` port with a reason (dropped when not connected). */
  deadLetter(msg: Message, reason: DeadLetterReason, detail?: string): void;
  /** The message was absorbed into another (batch, aggregate). */
  merge(msg: Message): void;
  /** Returns the message to the channel that delivered it; false when no channel did. */
  nack(msg: Message): boolean;
  /** Keeps `msg` in a dead-letter store (only dead-letter channels call this). */
  store(msg: Message): void;
  /** A stored message leaves the store to make room: it is dropped as `overflow`. */
  evict(msg: Message): void;
  /** Releases a stored message back to the node where it failed, port `in`. */
  reprocess(msg: Message): void;

  /** Whether the target of `edge` can start work now (for dispatching to competing consumers). */
  isIdle(edge: EdgeHandle): boolean;
  /** Whether the target of `edge` has room (false only for a full channel that blocks its senders). */
  hasRoom(edge: EdgeHandle): boolean;
  /** Messages scheduled to arrive at this node that have not yet arrived. */
  pendingInbound(): number;
  /** Tells the nodes upstream of this one that it can take more (they get `onReady`). */
  notifyReady(): void;
  /**
   * The same, but upstream nodes may dispatch to this one at once (their `onReady` runs before this call
   * returns, saving an event per wake-up). Call it only where this node's state is complete: upstream
   * will ask `isIdle`/`hasRoom` right away.
   */
  notifyReadyNow(): void;
  /**
   * Runs an action of another node of this run at once: a synchronous client call to a dependency, such
   * as a command handler loading an aggregate from an event store. Throws when the node has no actions.
   */
  call(nodeId: string, name: string, args?: Record<string, unknown>): unknown;

  /** Schedules `onTimer(tag, msg, data)` after `delay` ms. */
  schedule(delay: number, tag: number, msg?: Message | null, data?: unknown): void;

  /** Standard metrics. */
  setQueueDepth(depth: number): void;
  setBusy(busy: number): void;
  setCapacity(workers: number): void;
  countFailed(n?: number): void;
  countRetried(n?: number): void;
}

/** A node's behaviour; every method but `onMessage` is optional. */
export interface NodeBehavior {
  /** Called once when the run starts. */
  start?(): void;
  /** A message arrived at an input port. */
  onMessage(msg: Message, port: string): void;
  /** A timer scheduled with `ctx.schedule` fired. */
  onTimer?(tag: number, msg: Message | null, data: unknown): void;
  /** A node downstream can take more. */
  onReady?(): void;
  /**
   * Whether an `onReady` now could do anything (it holds messages waiting for room). Lets the engine skip
   * wake-ups nobody needs; when absent the node is always woken.
   */
  wantsReady?(): boolean;
  /** A message this node delivered was returned by its consumer. */
  onNack?(msg: Message): void;
  /** Whether it can start work now (`pending` messages are already on their way). Default: true. */
  isIdle?(pending: number): boolean;
  /** Whether it has room for more (false blocks senders). Default: true. */
  hasRoom?(pending: number): boolean;
  /** Messages it holds now (queued, in service, stored), for accounting checks. */
  held?(): number;
  /** What the canvas shows of it. */
  view?(): NodeView;
  /** An operator action from the studio or API (`reprocess`, `list`, …); returns a JSON-safe result. */
  action?(name: string, args: Record<string, unknown>): unknown;
}

/** A pattern kind's behaviour. Its catalog entry holds everything else. */
export interface PatternDefinition {
  /** The kind, as in the catalog and the file format. */
  kind: string;
  /** Makes the behaviour of one node. */
  create(ctx: NodeContext<never>): NodeBehavior;
}
