/**
 * Per-message tables indexed by message `seq` (or a conversation's `root`, which is a seq): typed-array
 * pages of 65,536 entries, so the invariant checks that run on every hop cost an array access, not a hash
 * lookup. Seqs grow through a run and old messages end, so a page whose entries are all back to zero is
 * freed; memory follows the messages alive, not the run's length.
 *
 * @example
 * const alive = new SeqTable();
 * alive.add(m.root, 1);
 * if (alive.get(m.root) === 0) ended(m.root);
 */
const SHIFT = 16;
const MASK = (1 << SHIFT) - 1;
const PAGE = 1 << SHIFT;

/** Small integers by seq, zero by default. */
export class SeqTable {
  private readonly pages: (Int32Array | null)[] = [];
  private readonly nonZero: number[] = [];

  /** The value at `seq` (0 when never set). */
  get(seq: number): number {
    const p = this.pages[seq >>> SHIFT];
    return p ? p[seq & MASK] : 0;
  }

  /** Sets the value at `seq`. */
  set(seq: number, v: number): void {
    const pi = seq >>> SHIFT;
    let p = this.pages[pi];
    if (!p) {
      if (v === 0) return;
      while (this.pages.length <= pi) {
        this.pages.push(null);
        this.nonZero.push(0);
      }
      p = this.pages[pi] = new Int32Array(PAGE);
    }
    const i = seq & MASK;
    const old = p[i];
    p[i] = v;
    if (old === 0) {
      if (v !== 0) this.nonZero[pi]++;
    } else if (v === 0 && --this.nonZero[pi] === 0 && pi < this.pages.length - 1) this.pages[pi] = null; // not the newest page: seqs still arrive there
  }

  /** Adds `d` to the value at `seq`; returns the new value. */
  add(seq: number, d: number): number {
    const pi = seq >>> SHIFT;
    const p = this.pages[pi];
    if (p === undefined || p === null) {
      this.set(seq, d);
      return d;
    }
    const i = seq & MASK;
    const old = p[i];
    const v = old + d;
    p[i] = v;
    if (old === 0) {
      if (v !== 0) this.nonZero[pi]++;
    } else if (v === 0 && --this.nonZero[pi] === 0 && pi < this.pages.length - 1) this.pages[pi] = null;
    return v;
  }
}

/** One bit per seq, never forgotten (8 KB per 65,536 seqs). */
export class SeqBits {
  private readonly pages: (Uint8Array | null)[] = [];

  /** Whether the bit of `seq` is set. */
  has(seq: number): boolean {
    const p = this.pages[seq >>> SHIFT];
    return p ? (p[(seq & MASK) >>> 3] & (1 << (seq & 7))) !== 0 : false;
  }

  /** Sets the bit of `seq`. */
  add(seq: number): void {
    const pi = seq >>> SHIFT;
    while (this.pages.length <= pi) this.pages.push(null);
    const p = (this.pages[pi] ??= new Uint8Array(PAGE >>> 3));
    p[(seq & MASK) >>> 3] |= 1 << (seq & 7);
  }
}

/**
 * A set of message instances, slotted by seq: adding and removing are array writes, not hashing. Two
 * instances with one seq (a fault's copy and its original) share a slot; the second goes to a small
 * overflow set. Used to know what a node holds, for crash faults.
 */
export class MessageSlots<M extends { readonly seq: number }> {
  private readonly pages: ((M | null)[] | null)[] = [];
  private readonly counts: number[] = [];
  private readonly overflow = new Set<M>();
  /** Instances held. */
  size = 0;

  /** Adds an instance (no effect when it is there already). */
  add(m: M): void {
    const pi = m.seq >>> SHIFT;
    while (this.pages.length <= pi) {
      this.pages.push(null);
      this.counts.push(0);
    }
    const page = (this.pages[pi] ??= new Array<M | null>(PAGE).fill(null));
    const i = m.seq & MASK;
    const there = page[i];
    if (there === m) return;
    if (there === null) {
      page[i] = m;
      this.counts[pi]++;
      this.size++;
    } else if (!this.overflow.has(m)) {
      this.overflow.add(m);
      this.size++;
    }
  }

  /** Removes an instance (no effect when it is not there). */
  delete(m: M): void {
    const pi = m.seq >>> SHIFT;
    const page = this.pages[pi];
    if (!page) return;
    const i = m.seq & MASK;
    if (page[i] === m) {
      page[i] = null;
      this.size--;
      if (--this.counts[pi] === 0 && pi < this.pages.length - 1) this.pages[pi] = null;
    } else if (this.overflow.delete(m)) this.size--;
  }

  /** Every instance held, in seq order (then the overflow, in insertion order). */
  values(): M[] {
    const out: M[] = [];
    for (const page of this.pages) if (page) for (const m of page) if (m !== null) out.push(m);
    for (const m of this.overflow) out.push(m);
    return out;
  }

  /** Forgets every instance. */
  clear(): void {
    this.pages.length = 0;
    this.counts.length = 0;
    this.overflow.clear();
    this.size = 0;
  }
}
