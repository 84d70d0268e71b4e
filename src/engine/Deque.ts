/**
 * A growable ring-buffer queue: O(1) push and shift at both ends, no `Array.shift()`.
 *
 * @example
 * const q = new Deque<number>();
 * q.push(1); q.unshift(0); q.shift(); // 0
 */
export class Deque<T> {
  private buf: (T | undefined)[];
  private head = 0;
  private size = 0;

  constructor(initialCapacity = 16) {
    let cap = 1;
    while (cap < initialCapacity) cap <<= 1;
    this.buf = new Array<T | undefined>(cap);
  }

  /** Number of items. */
  get length(): number {
    return this.size;
  }

  /** Adds at the tail. */
  push(item: T): void {
    if (this.size === this.buf.length) this.grow();
    this.buf[(this.head + this.size) & (this.buf.length - 1)] = item;
    this.size++;
  }

  /** Adds at the head. */
  unshift(item: T): void {
    if (this.size === this.buf.length) this.grow();
    this.head = (this.head - 1) & (this.buf.length - 1);
    this.buf[this.head] = item;
    this.size++;
  }

  /** Removes and returns the head, or undefined when empty. */
  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const item = this.buf[this.head];
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) & (this.buf.length - 1);
    this.size--;
    return item;
  }

  /** The head without removing it. */
  peek(): T | undefined {
    return this.size ? this.buf[this.head] : undefined;
  }

  /** The i-th item from the head. */
  at(i: number): T | undefined {
    return i >= 0 && i < this.size ? this.buf[(this.head + i) & (this.buf.length - 1)] : undefined;
  }

  /** Removes the i-th item from the head (O(n)); returns it. */
  removeAt(i: number): T | undefined {
    if (i < 0 || i >= this.size) return undefined;
    const item = this.at(i);
    for (let j = i; j < this.size - 1; j++) {
      this.buf[(this.head + j) & (this.buf.length - 1)] = this.buf[(this.head + j + 1) & (this.buf.length - 1)];
    }
    this.buf[(this.head + this.size - 1) & (this.buf.length - 1)] = undefined;
    this.size--;
    return item;
  }

  /** Removes everything. */
  clear(): void {
    this.buf.fill(undefined);
    this.head = 0;
    this.size = 0;
  }

  private grow(): void {
    const old = this.buf;
    const next = new Array<T | undefined>(old.length * 2);
    for (let i = 0; i < this.size; i++) next[i] = old[(this.head + i) & (old.length - 1)];
    this.buf = next;
    this.head = 0;
  }
}
