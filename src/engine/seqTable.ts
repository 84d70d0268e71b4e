/**
 * Per-message tables indexed by message `seq` (or a conversation's `root`, which is a seq): typed-array
 * pages of 65,536 entries, so the invariant checks that run on every hop cost an array access, not a hash
 * lookup. Seqs grow through a run and old messages end, so a page whose entries are all back to zero is
 * freed; memory follows the messages alive, not the run's length. Pages are freed when a new page is
 * opened, not the moment they empty: an old conversation that comes back (a reprocessed dead letter)
 * must not allocate and free a page for each of its messages.
 *
 * @example
 * const alive = new SeqTable();
 * alive.add(m.root, 1);
 * if (alive.get(m.root) === 0) ended(m.root);
 */
const SHIFT = 16;
const MASK = (1 << SHIFT) - 1;
const PAGE = 1 << SHIFT;
const MAX_SPARE = 4;

/** Small integers by seq, zero by default. */
export class SeqTable {
  private readonly pages: (Int32Array | null)[] = [];
  private readonly nonZero: number[] = [];
  /** Freed pages (all zeros), for reuse. */
  private readonly spare: Int32Array[] = [];

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
      p = this.open(pi);
    }
    const i = seq & MASK;
    const old = p[i];
    p[i] = v;
    if (old === 0) {
      if (v !== 0) this.nonZero[pi]++;
    } else if (v === 0) this.nonZero[pi]--;
  }

  /**
   * Allocates page `pi`; opening a new newest page frees the empty pages behind it. A freed page is all
   * zeros, so it is kept for the next page to open: a long run cycles through a few pages instead of
   * allocating (and the collector freeing) 256 KB for every 65,536 messages.
   */
  private open(pi: number): Int32Array {
    if (pi >= this.pages.length) {
      for (let j = 0; j < this.pages.length; j++) {
        const page = this.pages[j];
        if (page === null || this.nonZero[j] !== 0) continue;
        this.pages[j] = null;
        if (this.spare.length < MAX_SPARE) this.spare.push(page);
      }
      while (this.pages.length <= pi) {
        this.pages.push(null);
        this.nonZero.push(0);
      }
    }
    return (this.pages[pi] = this.spare.pop() ?? new Int32Array(PAGE));
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
    } else if (v === 0) this.nonZero[pi]--;
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
    this.testAndAdd(seq);
  }

  /** Sets the bit of `seq`; returns whether it was set already. */
  testAndAdd(seq: number): boolean {
    const pi = seq >>> SHIFT;
    let p = this.pages[pi];
    if (p === undefined || p === null) {
      while (this.pages.length <= pi) this.pages.push(null);
      p = this.pages[pi] = new Uint8Array(PAGE >>> 3);
    }
    const i = (seq & MASK) >>> 3;
    const bit = 1 << (seq & 7);
    const old = p[i];
    p[i] = old | bit;
    return (old & bit) !== 0;
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
    if (pi >= this.pages.length) {
      // a new newest page: free the empty pages behind it (not as they empty: see SeqTable)
      for (let j = 0; j < this.pages.length; j++) if (this.counts[j] === 0) this.pages[j] = null;
      while (this.pages.length <= pi) {
        this.pages.push(null);
        this.counts.push(0);
      }
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
      this.counts[pi]--;
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
