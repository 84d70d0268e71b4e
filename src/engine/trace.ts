/**
 * Message tracing: every hop of every message is a span (message, correlation, node, hop number, time in,
 * time out, outcome). All spans feed a streaming digest, so two runs can be compared by one string; a
 * sampled subset is kept in a ring buffer of typed-array columns, so memory is constant however long the
 * run. Sampling is decided per conversation (by the root message), never by the run's random streams, so
 * changing the sample rate does not change the run.
 *
 * @example
 * const t = new Trace({ capacity: 10_000, sample: 1 });
 * const page = t.since(0, 500); // spans 0‥499 still in the buffer, as columns
 */
import { DEAD_LETTER_REASONS, type DeadLetterReason, type Message, type MessageKind } from '../model/message';

/** How a hop ended. */
export const Outcome = {
  /** Left by a success port over an edge. */
  Forwarded: 0,
  /** Finished its journey here. */
  Completed: 1,
  /** Left by a failure port (error / dead letter) over an edge. */
  FailedOver: 2,
  /** Dropped here, with a reason. */
  Dropped: 3,
  /** Kept by a dead-letter channel. */
  Stored: 4,
  /** Returned by a failed consumer to its channel for redelivery. */
  Nacked: 5,
  /** Absorbed into another message (a batch, an aggregate). */
  Merged: 6,
  /** Sent back from a dead-letter channel to the node where it failed. */
  Reprocessed: 7,
} as const;

/** An outcome code. */
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/** Names of outcome codes, by code. */
export const OUTCOME_NAMES = ['forwarded', 'completed', 'failed-over', 'dropped', 'stored', 'nacked', 'merged', 'reprocessed'] as const;

const KIND_CODES: Record<MessageKind, number> = { command: 0, event: 1, document: 2 };
/** Message kinds by code. */
export const KIND_NAMES: readonly MessageKind[] = ['command', 'event', 'document'];

/** A page of spans as columns (transferable typed arrays plus two string arrays). */
export interface SpanColumns {
  /** Global index of the first span in this page. */
  from: number;
  count: number;
  msg: Int32Array;
  root: Int32Array;
  node: Int32Array;
  hop: Int32Array;
  tIn: Float64Array;
  tOut: Float64Array;
  outcome: Int8Array;
  /** Index into `strings` of the port the message left by, or -1. */
  port: Int32Array;
  /** Index into DEAD_LETTER_REASONS, or -1. */
  reason: Int8Array;
  /** Index into `strings` of the message type. */
  type: Int32Array;
  kind: Int8Array;
  /** Edge the message left over, or -1. */
  edge: Int32Array;
  correlation: string[];
}

/** Trace options. */
export interface TraceOptions {
  /** Spans kept (0 keeps none, but the digest still covers every span). */
  capacity: number;
  /** Fraction of conversations whose spans are kept. */
  sample: number;
}

/** Interned strings (ports and message types) referenced by span columns. */
export class StringTable {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();
  /** The index of s, adding it when new. */
  intern(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(s);
      this.index.set(s, i);
    }
    return i;
  }
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

export class Trace {
  readonly strings = new StringTable();
  /** Spans recorded in the run (kept or not). */
  total = 0;
  /** Spans written to the ring (sampled), ever. */
  written = 0;
  private lastPort: string | null = null;
  private lastPortIdx = -1;
  private lastType: string | null = null;
  private lastTypeIdx = -1;
  private h1 = 0x811c9dc5;
  private h2 = 0x9747b28c;
  private readonly cap: number;
  private readonly threshold: number;
  private readonly msg: Int32Array;
  private readonly root: Int32Array;
  private readonly node: Int32Array;
  private readonly hop: Int32Array;
  private readonly tIn: Float64Array;
  private readonly tOut: Float64Array;
  private readonly outcome: Int8Array;
  private readonly port: Int32Array;
  private readonly reason: Int8Array;
  private readonly type: Int32Array;
  private readonly kind: Int8Array;
  private readonly edge: Int32Array;
  private readonly correlation: string[];
  private readonly messages: (Message | null)[];

  constructor(options: TraceOptions) {
    const cap = Math.max(0, Math.floor(options.capacity));
    this.cap = cap;
    this.threshold = options.sample >= 1 ? Infinity : options.sample * 4294967296;
    this.msg = new Int32Array(cap);
    this.root = new Int32Array(cap);
    this.node = new Int32Array(cap);
    this.hop = new Int32Array(cap);
    this.tIn = new Float64Array(cap);
    this.tOut = new Float64Array(cap);
    this.outcome = new Int8Array(cap);
    this.port = new Int32Array(cap);
    this.reason = new Int8Array(cap);
    this.type = new Int32Array(cap);
    this.kind = new Int8Array(cap);
    this.edge = new Int32Array(cap);
    this.correlation = new Array<string>(cap).fill('');
    this.messages = new Array<Message | null>(cap).fill(null);
  }

  /** Records a hop of `m` at node `node` that ends now. */
  record(m: Message, node: number, tOut: number, outcome: Outcome, port: string | null, reason: DeadLetterReason | null, edge: number): void {
    this.total++;
    const reasonIdx = reason === null ? -1 : DEAD_LETTER_REASONS.indexOf(reason);
    // digest: every span, kept or not
    // Two lanes of multiply-xor over the span's fields (identifiers in one, times in the other), each
    // lane folded once per span. Tracing is on for every hop, so this is a third of the work of a full
    // mix per field; it is a change detector, not a cryptographic hash. The port is not hashed: a message
    // leaves by a port only over an edge, and the edge's source port is that port, so the edge covers it.
    f64[0] = m.arrivedAt;
    const tIn = u32[0] ^ Math.imul(u32[1], 0x9e3779b1);
    f64[0] = tOut;
    const tOutBits = u32[0] ^ Math.imul(u32[1], 0x85ebca6b);
    let a = this.h1;
    a = Math.imul(a ^ m.seq, 0x01000193);
    a = Math.imul(a ^ (node + (outcome << 20) + ((reasonIdx + 1) << 24)), 0x01000193);
    a = Math.imul(a ^ (edge + 1), 0x01000193);
    a ^= a >>> 15;
    let b = this.h2;
    b = Math.imul(b ^ tIn, 0x5bd1e995);
    b = Math.imul(b ^ tOutBits, 0x5bd1e995);
    b ^= (b >>> 13) ^ a;
    this.h1 = a;
    this.h2 = b;
    if (this.cap === 0) return;
    if (this.threshold !== Infinity && sampleHash(m.root) >= this.threshold) return;
    // only kept spans name their port and type, so only they intern them. One-entry caches: a run's spans
    // repeat the same few port and type strings (usually the very same string objects).
    let portIdx = -1;
    if (port !== null) {
      if (port === this.lastPort) portIdx = this.lastPortIdx;
      else {
        portIdx = this.strings.intern(port);
        this.lastPort = port;
        this.lastPortIdx = portIdx;
      }
    }
    let typeIdx: number;
    if (m.type === this.lastType) typeIdx = this.lastTypeIdx;
    else {
      typeIdx = this.strings.intern(m.type);
      this.lastType = m.type;
      this.lastTypeIdx = typeIdx;
    }
    const i = this.written % this.cap;
    this.written++;
    this.msg[i] = m.seq;
    this.root[i] = m.root;
    this.node[i] = node;
    this.hop[i] = m.hops;
    this.tIn[i] = m.arrivedAt;
    this.tOut[i] = tOut;
    this.outcome[i] = outcome;
    this.port[i] = portIdx;
    this.reason[i] = reasonIdx;
    this.type[i] = typeIdx;
    this.kind[i] = KIND_CODES[m.kind];
    this.edge[i] = edge;
    this.correlation[i] = m.correlationId;
    this.messages[i] = m;
  }

  /** A 64-bit hex digest of every span recorded so far. */
  digest(): string {
    const fin = (h: number) => {
      h ^= h >>> 16;
      h = Math.imul(h, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
      return (h >>> 0).toString(16).padStart(8, '0');
    };
    return fin(this.h1 ^ this.total) + fin(this.h2 + this.total);
  }

  /** Index of the oldest span still kept. */
  get oldest(): number {
    return Math.max(0, this.written - this.cap);
  }

  /** Up to `max` kept spans from global index `cursor` on (older ones that were overwritten are skipped). */
  since(cursor: number, max = Infinity): SpanColumns {
    const from = Math.max(cursor, this.oldest);
    const count = Math.max(0, Math.min(this.written - from, max));
    const out: SpanColumns = {
      from,
      count,
      msg: new Int32Array(count),
      root: new Int32Array(count),
      node: new Int32Array(count),
      hop: new Int32Array(count),
      tIn: new Float64Array(count),
      tOut: new Float64Array(count),
      outcome: new Int8Array(count),
      port: new Int32Array(count),
      reason: new Int8Array(count),
      type: new Int32Array(count),
      kind: new Int8Array(count),
      edge: new Int32Array(count),
      correlation: new Array<string>(count),
    };
    for (let k = 0; k < count; k++) {
      const i = (from + k) % this.cap;
      out.msg[k] = this.msg[i];
      out.root[k] = this.root[i];
      out.node[k] = this.node[i];
      out.hop[k] = this.hop[i];
      out.tIn[k] = this.tIn[i];
      out.tOut[k] = this.tOut[i];
      out.outcome[k] = this.outcome[i];
      out.port[k] = this.port[i];
      out.reason[k] = this.reason[i];
      out.type[k] = this.type[i];
      out.kind[k] = this.kind[i];
      out.edge[k] = this.edge[i];
      out.correlation[k] = this.correlation[i];
    }
    return out;
  }

  /** The newest kept state of a message by seq (envelope, headers, payload), if still in the buffer. */
  findMessage(seq: number): Message | null {
    for (let g = this.written - 1; g >= this.oldest; g--) {
      const i = g % this.cap;
      if (this.msg[i] === seq) return this.messages[i];
    }
    return null;
  }
}

function sampleHash(root: number): number {
  let h = Math.imul(root ^ 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
