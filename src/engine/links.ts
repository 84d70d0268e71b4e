/**
 * Links with capacity: an edge that carries `link: { bandwidth, latency }` in the topology file behaves as
 * a network connection. A message sent over it is serialized onto the wire one after another (FIFO, at
 * `bandwidth` bytes per virtual second), then travels for the propagation `latency` (ms, constant or a
 * distribution), and arrives in order (a message never overtakes the one sent before it, as on a TCP
 * connection). A link offered more bytes than it can carry queues, and its backlog grows.
 *
 * Message size on the wire ({@link messageBytes}) = payload bytes (UTF-8 JSON, with binary values counted
 * by their raw bytes — see `binary.ts`) + header bytes (UTF-8 of every key and value) +
 * {@link ENVELOPE_OVERHEAD_BYTES} for the envelope (ids, type, timestamps, framing).
 *
 * Utilization = busy (serializing) time / elapsed time; `queued` = messages sent but not yet fully on the
 * wire (the one being serialized included).
 *
 * @example
 * const link = new Link({ bandwidth: 125_000, latency: 20 }, Rng.forStream(1, 'link:e1'));
 * link.transmit(0, 2500);  // 40: 20 ms serializing 2,500 bytes at 125 kB/s, then 20 ms of latency
 */
import type { JsonValue, Message } from '../model/message';
import type { LinkSpec } from '../model/topology';
import { jsonBytes, utf8Length } from './binary';
import { Deque } from './Deque';
import { compileDistribution, type Sampler } from './distributions';
import type { Rng } from './rng';

/**
 * Fixed bytes per message for its envelope: id, correlation and causation ids, kind, type, timestamps,
 * priority and framing — about what a broker's binary message header takes (an AMQP 0-9-1 frame header plus
 * basic properties, or a Kafka record header, are 50–80 bytes).
 */
export const ENVELOPE_OVERHEAD_BYTES = 64;

/** Bytes of a header map: UTF-8 of every key and value. */
export function headerBytes(headers: Record<string, string>): number {
  let n = 0;
  for (const k in headers) n += utf8Length(k) + utf8Length(headers[k]);
  return n;
}

/** Bytes of a payload on the wire (see {@link jsonBytes}). */
export function payloadBytes(payload: JsonValue): number {
  return jsonBytes(payload);
}

/** Bytes of a whole message on the wire: payload + headers + envelope overhead. */
export function messageBytes(m: Message): number {
  return jsonBytes(m.payload) + headerBytes(m.headers) + ENVELOPE_OVERHEAD_BYTES;
}

/** What the report shows of a link (`edges.<id>.link`). */
export interface LinkReport {
  /** Bytes per virtual second. */
  bandwidth: number;
  /** Fraction of elapsed time spent serializing, 0–1. */
  utilization: number;
  /** Messages sent but not yet fully serialized now. */
  queued: number;
  /** Most messages ever queued at once. */
  maxQueued: number;
  /** Messages sent and not yet arrived at the far end (queued, on the wire or propagating). */
  inTransit: number;
  /** Messages sent over the link. */
  messages: number;
  /** Bytes sent over the link. */
  bytes: number;
  /** Mean wait before serialization started (ms). */
  meanQueueDelay: number;
}

/** The run-time state of one link. */
export class Link {
  readonly bandwidth: number;
  private readonly latency: Sampler;
  private readonly rng: Rng;
  /** Virtual time when the wire is free again. */
  private busyUntil = 0;
  /** Arrival time of the last message sent (arrivals stay in order). */
  private lastArrival = 0;
  /** Total serialization time of every message sent (ms). */
  private busyTotal = 0;
  private waitTotal = 0;
  /** End-of-serialization times of messages not yet fully on the wire, oldest first. */
  private readonly finishes = new Deque<number>();
  /** Arrival times of messages not yet arrived, oldest first (arrivals are in order). */
  private readonly arrivals = new Deque<number>();
  private maxQueued = 0;
  /** Messages sent. */
  messages = 0;
  /** Bytes sent. */
  bytes = 0;

  constructor(spec: LinkSpec, rng: Rng) {
    this.bandwidth = spec.bandwidth;
    const lat = spec.latency ?? 0;
    this.latency = typeof lat === 'number' ? () => lat : compileDistribution(lat);
    this.rng = rng;
  }

  /** Sends `size` bytes at virtual time `now`; returns the time they arrive at the far end. */
  transmit(now: number, size: number): number {
    this.drain(now);
    const start = this.busyUntil > now ? this.busyUntil : now;
    const serialize = (size * 1000) / this.bandwidth;
    const finish = start + serialize;
    this.busyUntil = finish;
    this.busyTotal += serialize;
    this.waitTotal += start - now;
    this.messages++;
    this.bytes += size;
    this.finishes.push(finish);
    if (this.finishes.length > this.maxQueued) this.maxQueued = this.finishes.length;
    let arrival = finish + this.latency(this.rng);
    if (arrival < this.lastArrival) arrival = this.lastArrival;
    this.lastArrival = arrival;
    this.arrivals.push(arrival);
    return arrival;
  }

  /** Messages sent and not yet fully serialized at `now`. */
  queued(now: number): number {
    this.drain(now);
    return this.finishes.length;
  }

  /** Messages sent and not yet arrived at `now`. */
  inTransit(now: number): number {
    this.drain(now);
    return this.arrivals.length;
  }

  /** Busy time / elapsed time at `now` (serialization scheduled after `now` is not counted). */
  utilization(now: number): number {
    if (now <= 0) return 0;
    const ahead = this.busyUntil > now ? this.busyUntil - now : 0;
    return Math.min(1, (this.busyTotal - ahead) / now);
  }

  /** The link's report at `now`. */
  report(now: number): LinkReport {
    return {
      bandwidth: this.bandwidth,
      utilization: this.utilization(now),
      queued: this.queued(now),
      maxQueued: this.maxQueued,
      inTransit: this.inTransit(now),
      messages: this.messages,
      bytes: this.bytes,
      meanQueueDelay: this.messages ? this.waitTotal / this.messages : 0,
    };
  }

  private drain(now: number): void {
    const f = this.finishes;
    while (f.length && f.peek()! <= now) f.shift();
    const a = this.arrivals;
    while (a.length && a.peek()! <= now) a.shift();
  }
}
