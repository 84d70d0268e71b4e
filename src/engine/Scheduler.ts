/**
 * The event queue of the simulation: a 4-ary min-heap ordered by (time, sequence), its keys in typed
 * arrays, plus a FIFO lane for events scheduled at the current time. Records are plain tagged objects
 * reused through a free list of slots, so the hot loop allocates no closures and, once warm, no records.
 * Two events at the same virtual time run in the order they were scheduled.
 *
 * Two kinds of FIFO keep most events out of the heap, and the order stays exactly (time, sequence):
 * - The lane for *now*: most events a simulation schedules are for the current time (a message crossing
 *   an edge without latency, a wake-up). An event for the time of the last event popped goes to a FIFO.
 *   Events in the heap at that same time were scheduled before the clock got there, so they come first,
 *   then the lane in order.
 * - A run per node for timers: a node whose timers come due in the order it sets them (a constant service
 *   time, a fixed poll interval, a fixed backoff) appends them to its run, which is sorted by
 *   construction; only the run's head sits in the heap. A timer that would break the order (a random
 *   service time shorter than one already pending) goes to the heap itself, and so does a node's only
 *   pending timer (a run starts with the second). With 100k timers pending in a few runs, the heap holds
 *   a few dozen entries instead of 100k, and stays in cache. A run keeps its
 *   timers' fields in ring buffers of its own (no record per timer), so popping one reads the next entries
 *   of a few arrays in order, which the processor prefetches, instead of a record last touched 100k events
 *   ago; `pop` hands it out in a record kept for the purpose.
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
  /** A fault switches on or off (fault injection; `data` says which). */
  Fault: 5,
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
  // The heap keeps each entry's ordering key in typed arrays (struct of arrays) and points at its record
  // by slot (>= 0), or at a run by `-1 - run` (the entry is the run's head). A 4-ary layout halves the depth.
  private times = new Float64Array(1024);
  private seqs = new Float64Array(1024);
  private slots = new Int32Array(1024);
  private n = 0;
  /** Record of each slot; slots are reused through `freeSlots`. */
  private records: (EventRecord & { slot: number })[] = [];
  private freeSlots: number[] = [];
  private nextSeq = 0;
  /** The lane: slots of events at `laneTime`, oldest first. */
  private lane = new SlotQueue();
  /** The time of the last event popped from the heap while the lane was empty; events for it go to the lane. */
  private laneTime = 0;
  /** Timer runs by node index (created on a node's first timer). */
  private runs: (TimerRun | undefined)[] = [];
  /** The record `pop` hands out for a timer taken from a run (slot -1: not pooled). */
  private readonly runRecord: EventRecord & { slot: number } = { time: 0, seq: 0, type: EventType.Timer, node: 0, arg: 0, msg: null, data: null, slot: -1 };
  /** Events held in runs, and heap entries that stand for a run. */
  private inRuns = 0;
  private runEntries = 0;

  /** Number of pending events. */
  get size(): number {
    return this.n - this.runEntries + this.inRuns + this.lane.size;
  }

  /** Time of the next event, or Infinity when none is pending. */
  peekTime(): number {
    const heap = this.n ? this.times[0] : Infinity;
    return this.lane.size !== 0 && this.laneTime < heap ? this.laneTime : heap;
  }

  /** Schedules an event; returns its sequence number. */
  schedule(time: number, type: EventType, node: number, arg: number, msg: Message | null, data: unknown): number {
    const seq = this.nextSeq++;
    if (type === EventType.Timer && time !== this.laneTime) {
      const run = this.runs[node] ?? this.newRun(node);
      // a node's only pending timer goes to the heap: a run pays off from the second one on
      if (run.size === 0 && run.inHeap > 0) {
        run.push(time, seq, arg, msg, data);
        this.inRuns++;
        this.runEntries++;
        this.pushHeap(time, seq, -1 - node);
        return seq;
      }
      if (run.size > 0 && time >= run.tailTime) {
        // due no earlier than the run's last timer, and scheduled after it: the run stays sorted
        run.push(time, seq, arg, msg, data);
        this.inRuns++;
        return seq;
      }
    }
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.records.length;
      this.records.push({ time: 0, seq: 0, type: 0, node: 0, arg: 0, msg: null, data: null, slot });
    }
    const r = this.records[slot];
    r.time = time;
    r.seq = seq;
    r.type = type;
    r.node = node;
    r.arg = arg;
    r.msg = msg;
    r.data = data;
    if (time === this.laneTime) this.lane.push(slot);
    else {
      if (type === EventType.Timer) this.runs[node]!.inHeap++;
      this.pushHeap(time, seq, slot);
    }
    return seq;
  }

  /** Removes and returns the earliest event, or undefined. Call `release` when done with it. */
  pop(): EventRecord | undefined {
    return this.popDue(Infinity);
  }

  /**
   * Removes and returns the earliest event if it is due at or before `until`, else undefined (the run
   * loop's test and pop in one call: a time returned from a call that is not inlined costs an allocation).
   */
  popDue(until: number): EventRecord | undefined {
    if (this.lane.size !== 0 && (this.n === 0 || this.times[0] > this.laneTime)) {
      // the heap holds nothing at or before the lane's time: the lane's oldest is next
      return this.laneTime <= until ? this.records[this.lane.shift()] : undefined;
    }
    if (this.n === 0 || this.times[0] > until) return undefined;
    const top = this.slots[0];
    let r: EventRecord & { slot: number };
    if (top >= 0) {
      r = this.records[top];
      this.popHeap();
      if (r.type === EventType.Timer) this.runs[r.node]!.inHeap--;
    } else {
      // a run's head: take it, and put the run's next timer in its place in the heap
      const node = -1 - top;
      const run = this.runs[node]!;
      r = this.runRecord;
      r.node = node;
      run.shift(r);
      this.inRuns--;
      if (run.size === 0) {
        this.popHeap();
        this.runEntries--;
      } else this.replaceTop(run.headTime(), run.headSeq(), top);
    }
    if (this.lane.size === 0) this.laneTime = r.time;
    return r;
  }

  /** Returns a popped record to the pool. */
  release(r: EventRecord): void {
    r.msg = null;
    r.data = null;
    const slot = (r as EventRecord & { slot: number }).slot;
    if (slot >= 0) this.freeSlots.push(slot);
  }

  /**
   * Visits every pending event (for accounting checks and inspection; not on the hot path). The visitor
   * may change an event's `msg` and `data` (a crash makes its node's timers stale); other changes are lost.
   */
  forEach(fn: (r: EventRecord) => void): void {
    for (let i = 0; i < this.n; i++) if (this.slots[i] >= 0) fn(this.records[this.slots[i]]);
    const r: EventRecord = { time: 0, seq: 0, type: EventType.Timer, node: 0, arg: 0, msg: null, data: null };
    this.runs.forEach((run, node) => {
      if (run === undefined) return;
      for (let i = 0; i < run.size; i++) {
        r.node = node;
        run.read(i, r);
        fn(r);
        run.write(i, r.msg, r.data);
      }
    });
    for (let i = 0; i < this.lane.size; i++) fn(this.records[this.lane.at(i)]);
  }

  /** Drops every pending event. */
  clear(): void {
    this.n = 0;
    this.nextSeq = 0;
    this.records = [];
    this.freeSlots = [];
    this.lane = new SlotQueue();
    this.laneTime = 0;
    this.runs = [];
    this.inRuns = 0;
    this.runEntries = 0;
  }

  private newRun(node: number): TimerRun {
    const run = new TimerRun();
    this.runs[node] = run;
    return run;
  }

  private pushHeap(time: number, seq: number, slot: number): void {
    if (this.n === this.times.length) this.grow();
    const times = this.times;
    const seqs = this.seqs;
    const slots = this.slots;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 2;
      const pt = times[p];
      if (pt < time || (pt === time && seqs[p] < seq)) break;
      times[i] = pt;
      seqs[i] = seqs[p];
      slots[i] = slots[p];
      i = p;
    }
    times[i] = time;
    seqs[i] = seq;
    slots[i] = slot;
  }

  /** Removes the heap's root. */
  private popHeap(): void {
    const size = --this.n;
    if (size > 0) this.replaceTop(this.times[size], this.seqs[size], this.slots[size]);
  }

  /** Puts an entry in the root's place and sifts it down. */
  private replaceTop(t: number, q: number, sl: number): void {
    const times = this.times;
    const seqs = this.seqs;
    const slots = this.slots;
    const size = this.n;
    let i = 0;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= size) break;
      // the smallest of up to four children
      let c = first;
      let ct = times[first];
      let cq = seqs[first];
      const last = first + 4 < size ? first + 4 : size;
      for (let k = first + 1; k < last; k++) {
        const kt = times[k];
        if (kt < ct || (kt === ct && seqs[k] < cq)) {
          c = k;
          ct = kt;
          cq = seqs[k];
        }
      }
      if (t < ct || (t === ct && q < cq)) break;
      times[i] = ct;
      seqs[i] = cq;
      slots[i] = slots[c];
      i = c;
    }
    times[i] = t;
    seqs[i] = q;
    slots[i] = sl;
  }

  private grow(): void {
    const cap = this.times.length * 2;
    const times = new Float64Array(cap);
    times.set(this.times);
    const seqs = new Float64Array(cap);
    seqs.set(this.seqs);
    const slots = new Int32Array(cap);
    slots.set(this.slots);
    this.times = times;
    this.seqs = seqs;
    this.slots = slots;
  }
}

/** A FIFO of event slots in a ring buffer (a power of two, so positions wrap with a mask): the lane. */
class SlotQueue {
  private buf = new Int32Array(16);
  private start = 0;
  size = 0;

  push(slot: number): void {
    if (this.size === this.buf.length) {
      const buf = new Int32Array(this.buf.length * 2);
      for (let i = 0; i < this.size; i++) buf[i] = this.buf[(this.start + i) & (this.buf.length - 1)];
      this.buf = buf;
      this.start = 0;
    }
    this.buf[(this.start + this.size++) & (this.buf.length - 1)] = slot;
  }

  shift(): number {
    const slot = this.buf[this.start];
    this.start = (this.start + 1) & (this.buf.length - 1);
    this.size--;
    return slot;
  }

  at(i: number): number {
    return this.buf[(this.start + i) & (this.buf.length - 1)];
  }
}

/**
 * One node's timers in due order: their fields in parallel ring buffers (a power of two long), oldest
 * first. Appends only timers due no earlier than the last one (`tailTime`), so it stays sorted.
 */
class TimerRun {
  private times = new Float64Array(16);
  private seqs = new Float64Array(16);
  private args = new Int32Array(16);
  private msgs: (Message | null)[] = new Array<Message | null>(16).fill(null);
  private datas: unknown[] = new Array<unknown>(16).fill(null);
  private start = 0;
  size = 0;
  /** Due time of the last timer appended. */
  tailTime = -Infinity;
  /** The node's timers that wait in the heap itself (out of order, or the only one pending). */
  inHeap = 0;

  push(time: number, seq: number, arg: number, msg: Message | null, data: unknown): void {
    if (this.size === this.times.length) this.grow();
    const i = (this.start + this.size++) & (this.times.length - 1);
    this.times[i] = time;
    this.seqs[i] = seq;
    this.args[i] = arg;
    this.msgs[i] = msg;
    this.datas[i] = data;
    this.tailTime = time;
  }

  headTime(): number {
    return this.times[this.start];
  }

  headSeq(): number {
    return this.seqs[this.start];
  }

  /** Moves the oldest timer into `r` (all fields but `node`) and removes it. */
  shift(r: EventRecord): void {
    const i = this.start;
    this.read(0, r);
    this.msgs[i] = null;
    this.datas[i] = null;
    this.start = (i + 1) & (this.times.length - 1);
    this.size--;
  }

  /** Copies the k-th oldest timer into `r` (all fields but `node`). */
  read(k: number, r: EventRecord): void {
    const i = (this.start + k) & (this.times.length - 1);
    r.time = this.times[i];
    r.seq = this.seqs[i];
    r.type = EventType.Timer;
    r.arg = this.args[i];
    r.msg = this.msgs[i];
    r.data = this.datas[i];
  }

  /** Replaces the message and data of the k-th oldest timer. */
  write(k: number, msg: Message | null, data: unknown): void {
    const i = (this.start + k) & (this.times.length - 1);
    this.msgs[i] = msg;
    this.datas[i] = data;
  }

  private grow(): void {
    const old = this.times.length;
    const cap = old * 2;
    const times = new Float64Array(cap);
    const seqs = new Float64Array(cap);
    const args = new Int32Array(cap);
    const msgs = new Array<Message | null>(cap).fill(null);
    const datas = new Array<unknown>(cap).fill(null);
    for (let k = 0; k < this.size; k++) {
      const i = (this.start + k) & (old - 1);
      times[k] = this.times[i];
      seqs[k] = this.seqs[i];
      args[k] = this.args[i];
      msgs[k] = this.msgs[i];
      datas[k] = this.datas[i];
    }
    this.times = times;
    this.seqs = seqs;
    this.args = args;
    this.msgs = msgs;
    this.datas = datas;
    this.start = 0;
  }
}
