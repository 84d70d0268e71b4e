/**
 * The event queue of the simulation: a binary min-heap of event records ordered by (time, sequence).
 * Records are plain tagged objects reused through a free list, so the hot loop allocates no closures and,
 * once warm, no records. Two events at the same virtual time run in the order they were scheduled.
 *
 * @example
 * const s = new Scheduler();
 * s.schedule(5, EventType.Timer, 0, 0, null, 1);
 * const e = s.pop(); // e.time === 5
 * s.release(e);
 */
import type { Message } from '../model/message';

/** What an event does when it fires. */
export const EventType = {
  /** A message arrives at a node (over an edge, or sent back to it). */
  Deliver: 0,
  /** A node's own timer fires. */
  Timer: 1,
  /** Downstream has room again: the node may dispatch what it holds. */
  Ready: 2,
  /** A consumer returns a message to the channel that delivered it. */
  Nack: 3,
  /** The node starts (producers schedule their first arrival). */
  Start: 4,
} as const;

/** An event type. */
export type EventType = (typeof EventType)[keyof typeof EventType];

/** A scheduled event. Fields are reused; do not keep a reference after `release`. */
export interface EventRecord {
  time: number;
  seq: number;
  type: EventType;
  /** Index of the node it fires at. */
  node: number;
  /** Deliver: index of the edge it came over, or -1; Timer: the pattern's own tag. */
  arg: number;
  /** The message it carries, if any. */
  msg: Message | null;
  /** Deliver: the input port id. Timer: free data for the pattern. */
  data: unknown;
}

export class Scheduler {
  private heap: EventRecord[] = [];
  private free: EventRecord[] = [];
  private nextSeq = 0;

  /** Number of pending events. */
  get size(): number {
    return this.heap.length;
  }

  /** Time of the next event, or Infinity when none is pending. */
  peekTime(): number {
    return this.heap.length ? this.heap[0].time : Infinity;
  }

  /** Schedules an event; returns its sequence number. */
  schedule(time: number, type: EventType, node: number, arg: number, msg: Message | null, data: unknown): number {
    const r = this.free.pop() ?? { time: 0, seq: 0, type: 0, node: 0, arg: 0, msg: null, data: null };
    r.time = time;
    r.seq = this.nextSeq++;
    r.type = type;
    r.node = node;
    r.arg = arg;
    r.msg = msg;
    r.data = data;
    const heap = this.heap;
    // sift up
    let i = heap.length;
    heap.push(r);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = heap[p];
      if (parent.time < time || (parent.time === time && parent.seq < r.seq)) break;
      heap[i] = parent;
      i = p;
    }
    heap[i] = r;
    return r.seq;
  }

  /** Removes and returns the earliest event, or undefined. Call `release` when done with it. */
  pop(): EventRecord | undefined {
    const heap = this.heap;
    const n = heap.length;
    if (n === 0) return undefined;
    const top = heap[0];
    const last = heap.pop()!;
    if (n > 1) {
      // sift down
      const size = n - 1;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= size) break;
        const r = l + 1;
        let c = l;
        let child = heap[l];
        if (r < size) {
          const rc = heap[r];
          if (rc.time < child.time || (rc.time === child.time && rc.seq < child.seq)) {
            c = r;
            child = rc;
          }
        }
        if (last.time < child.time || (last.time === child.time && last.seq < child.seq)) break;
        heap[i] = child;
        i = c;
      }
      heap[i] = last;
    }
    return top;
  }

  /** Returns a record to the free list. */
  release(r: EventRecord): void {
    r.msg = null;
    r.data = null;
    if (this.free.length < 4096) this.free.push(r);
  }

  /** Visits every pending event (for accounting checks and inspection; not on the hot path). */
  forEach(fn: (r: Readonly<EventRecord>) => void): void {
    for (const r of this.heap) fn(r);
  }

  /** Drops every pending event. */
  clear(): void {
    this.heap = [];
    this.nextSeq = 0;
  }
}
