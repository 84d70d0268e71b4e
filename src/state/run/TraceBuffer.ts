/**
 * The studio's copy of the trace: spans appended from frames into growable typed-array columns, bounded
 * (a ring of `capacity` rows, 1M by default; the oldest rows are overwritten). Rows are addressed by a
 * global index `g` (0 = first span ever appended in this run); rows `oldest … written-1` are readable.
 * Appending a frame of 10k spans is a dozen `TypedArray.set` calls and one short loop.
 *
 * @example
 * const buf = new TraceBuffer();
 * buf.append(frame.spans);
 * for (let g = buf.oldest; g < buf.written; g++) console.log(buf.msg[buf.slot(g)]);
 */
import type { FrameSpans } from '../../worker/frames';

/** Default number of rows kept. */
export const TRACE_CAPACITY = 1 << 20;

const INITIAL_ROWS = 1 << 12;

type NumericColumn =
  'msg' | 'root' | 'node' | 'hop' | 'tIn' | 'tOut' | 'outcome' | 'port' | 'reason' | 'type' | 'kind' | 'edge';
const NUMERIC: readonly NumericColumn[] = [
  'msg',
  'root',
  'node',
  'hop',
  'tIn',
  'tOut',
  'outcome',
  'port',
  'reason',
  'type',
  'kind',
  'edge',
];

export class TraceBuffer {
  /** Rows appended ever (the next row's global index). */
  written = 0;
  /** Rows allocated now (grows by doubling up to capacity). */
  private rows = 0;
  msg = new Int32Array(0);
  root = new Int32Array(0);
  node = new Int32Array(0);
  hop = new Int32Array(0);
  tIn = new Float64Array(0);
  tOut = new Float64Array(0);
  outcome = new Int8Array(0);
  port = new Int32Array(0);
  reason = new Int8Array(0);
  type = new Int32Array(0);
  kind = new Int8Array(0);
  edge = new Int32Array(0);
  /** Correlation ids that are not the default (`m<root>`); undefined for the default. */
  corr: (string | undefined)[] = [];

  constructor(readonly capacity = TRACE_CAPACITY) {
    this.grow(Math.min(INITIAL_ROWS, capacity));
  }

  /** Global index of the oldest row still kept. */
  get oldest(): number {
    return this.written > this.capacity ? this.written - this.capacity : 0;
  }

  /** Rows readable now. */
  get count(): number {
    return this.written - this.oldest;
  }

  /** The column slot of global row `g` (valid for oldest ≤ g < written). */
  slot(g: number): number {
    return g % this.capacity;
  }

  /** Forgets every row (a new run). */
  clear(): void {
    this.written = 0;
    this.rows = 0;
    this.grow(Math.min(INITIAL_ROWS, this.capacity));
  }

  /** Appends a frame's spans; returns the global index of the first appended row. */
  append(s: FrameSpans): number {
    const first = this.written;
    let n = s.count;
    let from = 0;
    if (n > this.capacity) {
      // more than the ring holds: keep the newest
      from = n - this.capacity;
      this.written += from;
      n = this.capacity;
    }
    const end = this.written + n;
    if (end > this.rows && this.rows < this.capacity) {
      let want = this.rows;
      while (want < end && want < this.capacity) want *= 2;
      this.grow(Math.min(want, this.capacity));
    }
    let done = 0;
    while (done < n) {
      const at = (this.written + done) % this.capacity;
      const len = Math.min(n - done, this.capacity - at);
      const a = from + done;
      for (const c of NUMERIC) (this[c] as Int32Array).set((s[c] as Int32Array).subarray(a, a + len), at);
      const corr = this.corr;
      const sc = s.corr;
      const strings = s.corrStrings;
      for (let k = 0; k < len; k++) {
        const v = sc[a + k];
        corr[at + k] = v < 0 ? undefined : strings[v];
      }
      done += len;
    }
    this.written = end;
    return first;
  }

  /** The correlation id of global row g. */
  correlationAt(g: number): string {
    const i = this.slot(g);
    return this.corr[i] ?? 'm' + this.root[i];
  }

  private grow(rows: number): void {
    if (rows <= this.rows) return;
    for (const c of NUMERIC) {
      const old = this[c];
      const next = new (old.constructor as Int32ArrayConstructor)(rows);
      // before the ring wraps, slots are global indices, so a plain copy keeps them in place
      next.set(old.subarray(0, Math.min(this.rows, this.written)) as Int32Array);
      (this as unknown as Record<NumericColumn, Int32Array>)[c] = next;
    }
    this.corr.length = rows;
    this.rows = rows;
  }
}

/** What the trace list can be filtered by; empty fields match everything. */
export interface TraceFilter {
  /** A message id (`m42` or `42`). */
  message?: string;
  /** A correlation id, exactly. */
  correlation?: string;
  /** A node index. */
  node?: number;
  /** A string-table index of a message type. */
  type?: number;
  /** An outcome code. */
  outcome?: number;
}

/** Parses a message id as typed by a user (`m42`, `42`) into its sequence number, or NaN. */
export function parseMessageId(text: string): number {
  const m = /^\s*m?(\d+)\s*$/i.exec(text);
  return m ? Number(m[1]) : NaN;
}

/** Whether a filter filters anything. */
export function isFilterActive(f: TraceFilter): boolean {
  return !!(
    f.message?.trim() ||
    f.correlation?.trim() ||
    f.node !== undefined ||
    f.type !== undefined ||
    f.outcome !== undefined
  );
}

/**
 * The rows of a TraceBuffer that match a filter, as global indices in order, kept up to date
 * incrementally (`update` scans only rows appended since the last call).
 */
export class FilteredRows {
  private idx = new Float64Array(1024);
  private start = 0;
  /** Matching rows dropped from the front so far (overwritten in the buffer): `dropped + i` is stable. */
  dropped = 0;
  private end = 0;
  private scanned: number;
  private readonly seq: number;
  private readonly corr: string | undefined;

  constructor(
    private readonly buf: TraceBuffer,
    readonly filter: TraceFilter,
  ) {
    this.scanned = buf.oldest;
    this.seq = filter.message?.trim() ? parseMessageId(filter.message) : NaN;
    this.corr = filter.correlation?.trim() || undefined;
  }

  /** Matching rows still in the buffer. */
  get length(): number {
    return this.end - this.start;
  }

  /** The global index of the i-th matching row. */
  at(i: number): number {
    return this.idx[this.start + i];
  }

  /** Scans rows appended since the last call and drops rows the buffer has overwritten. */
  update(): void {
    const b = this.buf;
    const f = this.filter;
    const wantMsg = f.message?.trim() ? this.seq : undefined;
    for (let g = Math.max(this.scanned, b.oldest); g < b.written; g++) {
      const i = b.slot(g);
      if (wantMsg !== undefined && b.msg[i] !== wantMsg) continue;
      if (f.node !== undefined && b.node[i] !== f.node) continue;
      if (f.type !== undefined && b.type[i] !== f.type) continue;
      if (f.outcome !== undefined && b.outcome[i] !== f.outcome) continue;
      if (this.corr !== undefined && (b.corr[i] ?? 'm' + b.root[i]) !== this.corr) continue;
      this.push(g);
    }
    this.scanned = b.written;
    const oldest = b.oldest;
    while (this.start < this.end && this.idx[this.start] < oldest) {
      this.start++;
      this.dropped++;
    }
  }

  private push(g: number): void {
    if (this.end === this.idx.length) {
      const live = this.end - this.start;
      const next = live * 2 > this.idx.length ? new Float64Array(this.idx.length * 2) : this.idx;
      next.set(this.idx.subarray(this.start, this.end), 0);
      this.idx = next;
      this.start = 0;
      this.end = live;
    }
    this.idx[this.end++] = g;
  }
}

/** One hop of a message, for the waterfall and the canvas highlight. */
export interface Hop {
  g: number;
  node: number;
  edge: number;
  tIn: number;
  tOut: number;
  outcome: number;
}

/** Every kept hop of message `seq`, in time order. */
export function hopsOf(buf: TraceBuffer, seq: number): Hop[] {
  const hops: Hop[] = [];
  for (let g = buf.oldest; g < buf.written; g++) {
    const i = buf.slot(g);
    if (buf.msg[i] !== seq) continue;
    hops.push({
      g,
      node: buf.node[i],
      edge: buf.edge[i],
      tIn: buf.tIn[i],
      tOut: buf.tOut[i],
      outcome: buf.outcome[i],
    });
  }
  hops.sort((a, b) => a.tIn - b.tIn || a.g - b.g);
  return hops;
}
