import type { MessageId } from './ids';

/** The three intents of a message (Enterprise Integration Patterns): do this, this happened, here is data. */
export type MessageKind = 'command' | 'event' | 'document';

/** All message kinds, in display order. */
export const MESSAGE_KINDS: readonly MessageKind[] = ['command', 'event', 'document'];

/** A JSON value: what payloads and headers are made of. Payloads are data, never code. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * The message envelope that travels through a topology.
 *
 * The first group of fields is the envelope a real broker would carry. The second group is transport state
 * that the simulation keeps on the message while it is at one node (a message instance is at exactly one
 * node at a time, so this is safe to mutate in place and avoids copying per hop).
 *
 * @example
 * { id: 'm17', correlationId: 'm17', causationId: null, kind: 'command', type: 'PlaceOrder',
 *   headers: { region: 'eu' }, payload: { sku: 'A-1' }, createdAt: 1250 }
 */
export interface Message {
  /** Unique id of this message instance within a run (`m<seq>`). */
  readonly id: MessageId;
  /** Numeric form of `id`, used by the engine's typed-array trace columns. */
  readonly seq: number;
  /** Groups every message of one conversation; by default the id of the message that started it. */
  correlationId: string;
  /** The id of the message that caused this one, or null for a message a producer created. */
  causationId: string | null;
  /** Command, event or document (the intent). */
  kind: MessageKind;
  /** The message type, such as `PlaceOrder` or `orders.created`. */
  type: string;
  /** String headers (topic, region, principal, …). */
  headers: Record<string, string>;
  /** The body. Treated as immutable: patterns that change it create a new payload object. */
  payload: JsonValue;
  /** Virtual time (ms) at which the message was created; end-to-end latency is measured from here. */
  readonly createdAt: number;
  /** Virtual time (ms) after which the message is expired, or null for no TTL. */
  expiresAt: number | null;
  /** Priority, 0 (lowest) – 9 (highest); channels configured for priority serve higher first. */
  priority: number;
  /** `seq` of the message that started the conversation (used for trace sampling by conversation). */
  readonly root: number;

  // ---- transport state, owned by the engine ----
  /** How many edges the message has crossed; the simulation's hop limit caps it. */
  hops: number;
  /** Virtual time (ms) at which it arrived at the node that holds it now. */
  arrivedAt: number;
  /** How many times a channel has delivered it to a consumer (1 on the first delivery). */
  deliveries: number;
  /** Index of the node (channel) that delivered it last, or -1; a failing consumer nacks to it. */
  deliveredBy: number;
  /** Index of the node at which it last failed, or -1 (dead-letter channels send reprocessed messages there). */
  failedAt: number;
  /** Why it was dead-lettered, while it travels to (and sits in) a dead-letter channel. */
  deadLetterReason: DeadLetterReason | null;
  /** The error text that goes with the reason, if any. */
  deadLetterDetail: string | null;
  /** Attempts made at the current node (retries count up from 1). */
  attempt: number;
}

/** Reasons for which a message is dead-lettered or dropped. */
export type DeadLetterReason =
  | 'error'
  | 'expired'
  | 'overflow'
  | 'max-redeliveries'
  | 'no-route'
  | 'hop-limit'
  | 'no-subscribers'
  | 'filtered'
  | 'invalid'
  | 'denied'
  | 'timeout'
  | 'duplicate'
  | 'crash'
  | 'fault'
  | 'circuit-open';

/** All reasons, in display order. */
export const DEAD_LETTER_REASONS: readonly DeadLetterReason[] = [
  'error',
  'expired',
  'overflow',
  'max-redeliveries',
  'no-route',
  'hop-limit',
  'no-subscribers',
  'filtered',
  'invalid',
  'denied',
  'timeout',
  'duplicate',
  'crash',
  'fault',
  'circuit-open',
];
