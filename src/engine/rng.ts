/**
 * A seeded pseudo-random number generator (sfc32: small, fast, 128-bit state, passes PractRand to 2^40+).
 * Every random draw of a run comes from an `Rng` object that was passed in; nothing calls `Math.random()`.
 * Each node gets its own stream derived from the run seed and its id, so adding a node does not change
 * the draws of the others.
 *
 * @example
 * const rng = Rng.forStream(42, 'workers');
 * rng.next();      // a float in [0, 1)
 * rng.int(1, 6);   // a whole number in [1, 6]
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** Seeds the generator from four 32-bit words (use {@link Rng.forStream} instead). */
  constructor(a: number, b: number, c: number, d: number) {
    this.a = a | 0;
    this.b = b | 0;
    this.c = c | 0;
    this.d = d | 0;
    for (let i = 0; i < 12; i++) this.nextUint32(); // warm up: the first outputs of sfc32 correlate with the seed
  }

  /** A generator for a named stream of a run: same seed and name, same sequence. */
  static forStream(seed: number, stream: string): Rng {
    let h = hashString(stream, seed >>> 0);
    const next = () => {
      // splitmix32: spreads one hash into independent seed words
      h = (h + 0x9e3779b9) | 0;
      let z = h;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    return new Rng(next(), next(), next(), next());
  }

  /** The next 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** A float in (0, 1], safe to take the logarithm of. */
  nextOpen(): number {
    return (this.nextUint32() + 1) / 4294967296;
  }

  /** A whole number in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return p > 0 && this.next() < p;
  }
}

/** A 32-bit FNV-1a hash of a string, mixed with a seed. */
export function hashString(s: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
