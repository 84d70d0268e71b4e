/**
 * One conversation — every kept span of the messages with one correlation id — as OpenTelemetry-like spans
 * and as sequence-diagram data, for the trace panel and for export.
 *
 * A span is one hop: a message at a node, from its arrival (`tIn`) to when it left (`tOut`). Times are
 * virtual: `startTimeUnixNano` is the virtual ms × 10⁶ since the run started (epoch 0), as a decimal string,
 * as in OTLP JSON. Ids are deterministic: the trace id is a 128-bit hash of the correlation id; a span id is
 * the message seq (32 bits) ‖ the ordinal of the hop among that message's spans (32 bits). The parent of a
 * span is the previous hop of the same message; the parent of a message's first span is the span of its
 * causation message at the node where it was made (so a batch's span is the child of its first item's,
 * a debatched item's the child of the batch's), or, for a publish-subscribe or recipient-list copy (which
 * keeps its original's causation), the original's span at that node. Payloads are not exported, only their wire size and, for
 * binary payloads, the codec or cipher; keys never appear anywhere in a trace.
 *
 * The trace keeps a sampled ring of spans, so a conversation is complete only while its spans are kept
 * (sample = 1 and the ring large enough).
 *
 * @example
 * const spans = conversationSpans(sim, 'm42');
 * const otlp = exportConversationOtlp(sim, 'm42'); // JSON.stringify(otlp) imports into Jaeger/Tempo tooling
 * const diagram = sequenceDiagram(sim, 'm42');      // participants and ordered arrows for the trace panel
 */
import type { Message } from '../model/message';
import { isBinary, jsonBytes } from './binary';
import { hashString } from './rng';
import type { Simulation } from './Simulation';
import { OUTCOME_NAMES, Outcome, type SpanColumns } from './trace';
import { DEAD_LETTER_REASONS } from '../model/message';

/** A span attribute value. */
export type AttributeValue = string | number | boolean;

/** One span in OpenTelemetry shape (attributes flattened into a record). */
export interface ConversationSpan {
  traceId: string;
  spanId: string;
  /** Empty when the span has no parent in the kept trace. */
  parentSpanId: string;
  name: string;
  kind: 'SPAN_KIND_PRODUCER' | 'SPAN_KIND_CONSUMER' | 'SPAN_KIND_INTERNAL';
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Record<string, AttributeValue>;
  status: { code: 'STATUS_CODE_OK' | 'STATUS_CODE_ERROR'; message?: string };
}

/** One arrow or note of a sequence diagram. */
export interface SequenceStep {
  /** `send` crosses an edge; `derive` makes a new message from one; the others end a message at a node. */
  kind: 'send' | 'derive' | 'complete' | 'drop' | 'dead-letter' | 'merge' | 'nack' | 'reprocess';
  /** Node id the arrow leaves. */
  from: string;
  /** Node id it points to (the same node for notes and derivations). */
  to: string;
  /** The message (for `derive`: the new one). */
  messageId: string;
  /** The message it came from (`derive` only). */
  parentId?: string;
  type: string;
  /** Virtual ms: when it left (`send`), was made (`derive`) or ended. */
  time: number;
  /** Virtual ms it arrived at `to` (`send`/`nack`/`reprocess`), or null when the arrival is not in the trace. */
  arrivedAt?: number | null;
  edgeId?: string;
  port?: string;
  reason?: string;
}

/** Participants (nodes, in order of first appearance) and ordered steps of one conversation. */
export interface SequenceDiagram {
  correlationId: string;
  participants: { id: string; label: string; kind: string }[];
  steps: SequenceStep[];
}

interface Hop {
  /** Index within the kept-span page. */
  k: number;
  /** Ordinal of this hop among its message's spans. */
  ordinal: number;
}

interface Gathered {
  cols: SpanColumns;
  /** Span indices of the conversation, in trace order. */
  own: number[];
  /** Spans (indices) per message seq, in trace order: the conversation's and its causes'. */
  bySeq: Map<number, number[]>;
  messages: Map<number, Message | null>;
}

const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
const ns = (ms: number) => BigInt(Math.round(ms * 1e6)).toString();
const seqOf = (id: string | null) => (id !== null && /^m\d+$/.test(id) ? Number(id.slice(1)) : -1);

/** The 128-bit trace id of a correlation id (hex). */
export function traceIdOf(correlationId: string): string {
  return hex8(hashString(correlationId, 1)) + hex8(hashString(correlationId, 2)) + hex8(hashString(correlationId, 3)) + hex8(hashString(correlationId, 4));
}

/** The span id of the `ordinal`-th span of message `seq` (hex). */
export function spanIdOf(seq: number, ordinal: number): string {
  return hex8(seq) + hex8(ordinal);
}

function gather(sim: Simulation, correlationId: string): Gathered {
  const cols = sim.trace.since(0);
  const own: number[] = [];
  const bySeq = new Map<number, number[]>();
  for (let k = 0; k < cols.count; k++) {
    if (cols.correlation[k] !== correlationId) continue;
    own.push(k);
    const list = bySeq.get(cols.msg[k]);
    if (list) list.push(k);
    else bySeq.set(cols.msg[k], [k]);
  }
  const messages = new Map<number, Message | null>();
  for (const seq of bySeq.keys()) messages.set(seq, sim.trace.findMessage(seq));
  // the causes of messages that were made from another conversation's (a debatched item's batch)
  const causes = new Set<number>();
  for (const m of messages.values()) {
    const c = seqOf(m?.causationId ?? null);
    if (c >= 0 && !bySeq.has(c)) causes.add(c);
  }
  if (causes.size) {
    for (let k = 0; k < cols.count; k++) {
      const s = cols.msg[k];
      if (!causes.has(s)) continue;
      const list = bySeq.get(s);
      if (list) list.push(k);
      else bySeq.set(s, [k]);
    }
  }
  return { cols, own, bySeq, messages };
}

/** Hop ordinals: the position of each span among its message's spans. */
function hops(g: Gathered): Map<number, Hop> {
  const out = new Map<number, Hop>();
  for (const list of g.bySeq.values()) list.forEach((k, ordinal) => out.set(k, { k, ordinal }));
  return out;
}

/**
 * For the first span of a copy — a publish-subscribe or recipient-list copy keeps its original's causation
 * (house rule: a copy is the same message again) — the original's span at the same node and time, or -1.
 */
function originalOf(g: Gathered, k: number, hopOf: Map<number, Hop>): number {
  const { cols } = g;
  const m = g.messages.get(cols.msg[k]);
  if (!m) return -1;
  for (const c of g.own) {
    if (c === k || cols.msg[c] === cols.msg[k] || cols.node[c] !== cols.node[k] || cols.tIn[c] !== cols.tIn[k]) continue;
    if (hopOf.get(c)!.ordinal === 0) continue; // the original arrived from elsewhere; other copies start here
    const o = g.messages.get(cols.msg[c]);
    if (o && o.causationId === m.causationId && o.type === m.type && o.payload === m.payload) return c;
  }
  return -1;
}

/** The parent span (page index) of span k, or -1. */
function parentOf(g: Gathered, k: number, hopOf: Map<number, Hop>): number {
  const { cols } = g;
  const seq = cols.msg[k];
  const list = g.bySeq.get(seq)!;
  const ordinal = hopOf.get(k)!.ordinal;
  if (ordinal > 0) return list[ordinal - 1];
  const original = originalOf(g, k, hopOf);
  if (original >= 0) return original;
  const cause = seqOf(g.messages.get(seq)?.causationId ?? null);
  const causeSpans = cause >= 0 ? g.bySeq.get(cause) : undefined;
  if (!causeSpans) return -1;
  // the cause's span at the node where this message was made; else its last span before it
  let best = -1;
  for (const c of causeSpans) {
    if (cols.node[c] === cols.node[k] && cols.tIn[c] <= cols.tIn[k]) best = c;
  }
  if (best >= 0) return best;
  for (const c of causeSpans) if (cols.tOut[c] <= cols.tIn[k]) best = c;
  return best;
}

/**
 * The kept spans of one conversation in OpenTelemetry shape, in trace order.
 *
 * @example
 * conversationSpans(sim, 'm7').map((s) => s.name); // ['Orders: PlaceOrder', 'Order queue: PlaceOrder', …]
 */
export function conversationSpans(sim: Simulation, correlationId: string): ConversationSpan[] {
  const g = gather(sim, correlationId);
  const { cols } = g;
  const hopOf = hops(g);
  const traceOf = (k: number) => traceIdOf(cols.correlation[k]);
  return g.own.map((k) => {
    const seq = cols.msg[k];
    const m = g.messages.get(seq) ?? null;
    const node = sim.nodes[cols.node[k]];
    const outcome = cols.outcome[k];
    const reason = cols.reason[k] >= 0 ? DEAD_LETTER_REASONS[cols.reason[k]] : null;
    const port = cols.port[k] >= 0 ? sim.trace.strings.values[cols.port[k]] : null;
    const type = sim.trace.strings.values[cols.type[k]];
    const parent = parentOf(g, k, hopOf);
    const attributes: Record<string, AttributeValue> = {
      'messaging.system': 'messaging-studio',
      'messaging.message.id': 'm' + seq,
      'messaging.message.conversation_id': correlationId,
      'messaging.message.type': type,
      'studio.node.id': node.id,
      'studio.node.kind': node.kind,
      'studio.hop': cols.hop[k],
      'studio.outcome': OUTCOME_NAMES[outcome],
    };
    if (m) {
      if (m.causationId !== null) attributes['messaging.message.causation_id'] = m.causationId;
      attributes['messaging.message.kind'] = m.kind;
      attributes['messaging.message.body.size'] = jsonBytes(m.payload);
      if (isBinary(m.payload)) {
        const enc = m.payload.cipher ?? m.payload.codec;
        if (typeof enc === 'string') attributes['studio.payload.encoding'] = enc;
      }
    }
    if (port !== null) attributes['studio.port'] = port;
    if (reason !== null) attributes['studio.reason'] = reason;
    if (cols.edge[k] >= 0) {
      const e = sim.edges[cols.edge[k]];
      attributes['studio.edge.id'] = e.id;
      attributes['studio.edge.target'] = sim.nodes[e.target].id;
    }
    const failed = outcome === Outcome.Dropped || outcome === Outcome.FailedOver || outcome === Outcome.Stored;
    return {
      traceId: traceOf(k),
      spanId: spanIdOf(seq, hopOf.get(k)!.ordinal),
      parentSpanId: parent >= 0 ? spanIdOf(cols.msg[parent], hopOf.get(parent)!.ordinal) : '',
      name: `${node.label}: ${type}`,
      kind: node.kind === 'producer' ? 'SPAN_KIND_PRODUCER' : node.kind === 'sink' ? 'SPAN_KIND_CONSUMER' : 'SPAN_KIND_INTERNAL',
      startTimeUnixNano: ns(cols.tIn[k]),
      endTimeUnixNano: ns(cols.tOut[k]),
      attributes,
      status: failed ? { code: 'STATUS_CODE_ERROR', message: reason ?? OUTCOME_NAMES[outcome] } : { code: 'STATUS_CODE_OK' },
    };
  });
}

const OTLP_KIND = { SPAN_KIND_INTERNAL: 1, SPAN_KIND_PRODUCER: 4, SPAN_KIND_CONSUMER: 5 } as const;

function otlpValue(v: AttributeValue) {
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  return { stringValue: v };
}

/**
 * One conversation as an OTLP/JSON trace export (`resourceSpans` → `scopeSpans` → `spans`), with the
 * topology name and seed as resource attributes. JSON-safe.
 */
export function exportConversationOtlp(sim: Simulation, correlationId: string) {
  const spans = conversationSpans(sim, correlationId).map((s) => ({
    traceId: s.traceId,
    spanId: s.spanId,
    parentSpanId: s.parentSpanId,
    name: s.name,
    kind: OTLP_KIND[s.kind],
    startTimeUnixNano: s.startTimeUnixNano,
    endTimeUnixNano: s.endTimeUnixNano,
    attributes: Object.entries(s.attributes).map(([key, value]) => ({ key, value: otlpValue(value) })),
    status: s.status.code === 'STATUS_CODE_OK' ? { code: 1 } : { code: 2, message: s.status.message ?? '' },
  }));
  return {
    resourceSpans: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: 'messaging-studio' } },
            { key: 'studio.topology', value: { stringValue: sim.topology.name } },
            { key: 'studio.seed', value: { intValue: String(sim.settings.seed) } },
            { key: 'studio.time', value: { stringValue: 'virtual; epoch 0 = start of the run' } },
          ],
        },
        scopeSpans: [{ scope: { name: 'messaging-studio.engine', version: '1' }, spans }],
      },
    ],
  };
}

const END_STEP: Partial<Record<number, SequenceStep['kind']>> = {
  [Outcome.Completed]: 'complete',
  [Outcome.Dropped]: 'drop',
  [Outcome.Stored]: 'dead-letter',
  [Outcome.Merged]: 'merge',
  [Outcome.Nacked]: 'nack',
  [Outcome.Reprocessed]: 'reprocess',
};

/**
 * The conversation as sequence-diagram data: participants (nodes) and steps ordered by virtual time (ties
 * in the order the engine ran them) — a `derive` note where a message was made from another, a `send` arrow
 * over each edge with its arrival time, and a note where each message ended.
 */
export function sequenceDiagram(sim: Simulation, correlationId: string): SequenceDiagram {
  const g = gather(sim, correlationId);
  const { cols } = g;
  const hopOf = hops(g);
  const steps: { order: number; step: SequenceStep }[] = [];
  const seen = new Map<number, { id: string; label: string; kind: string }>();
  const touch = (node: number) => {
    if (!seen.has(node)) seen.set(node, { id: sim.nodes[node].id, label: sim.nodes[node].label, kind: sim.nodes[node].kind });
    return sim.nodes[node].id;
  };
  for (const k of g.own) {
    const seq = cols.msg[k];
    const list = g.bySeq.get(seq)!;
    const ordinal = hopOf.get(k)!.ordinal;
    const next = ordinal + 1 < list.length ? list[ordinal + 1] : -1;
    const node = touch(cols.node[k]);
    const type = sim.trace.strings.values[cols.type[k]];
    const id = 'm' + seq;
    if (ordinal === 0) {
      const m = g.messages.get(seq);
      const original = originalOf(g, k, hopOf);
      const parentId = original >= 0 ? 'm' + cols.msg[original] : (m?.causationId ?? null);
      if (parentId !== null) steps.push({ order: k - 0.5, step: { kind: 'derive', from: node, to: node, messageId: id, parentId, type, time: cols.tIn[k] } });
    }
    const outcome = cols.outcome[k];
    const reason = cols.reason[k] >= 0 ? DEAD_LETTER_REASONS[cols.reason[k]] : undefined;
    const port = cols.port[k] >= 0 ? sim.trace.strings.values[cols.port[k]] : undefined;
    if (cols.edge[k] >= 0) {
      const e = sim.edges[cols.edge[k]];
      const step: SequenceStep = {
        kind: 'send',
        from: node,
        to: touch(e.target),
        messageId: id,
        type,
        time: cols.tOut[k],
        arrivedAt: next >= 0 ? cols.tIn[next] : null,
        edgeId: e.id,
      };
      if (port !== undefined) step.port = port;
      if (reason !== undefined) step.reason = reason;
      steps.push({ order: k, step });
      continue;
    }
    const kind = END_STEP[outcome];
    if (!kind) continue;
    const to = (kind === 'nack' || kind === 'reprocess') && next >= 0 ? touch(cols.node[next]) : node;
    const step: SequenceStep = { kind, from: node, to, messageId: id, type, time: cols.tOut[k] };
    if (kind === 'nack' || kind === 'reprocess') step.arrivedAt = next >= 0 ? cols.tIn[next] : null;
    if (reason !== undefined) step.reason = reason;
    steps.push({ order: k, step });
  }
  steps.sort((a, b) => a.step.time - b.step.time || a.order - b.order);
  return { correlationId, participants: [...seen.values()], steps: steps.map((s) => s.step) };
}
