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

  /**
   * A standard exponential draw (mean 1), by the ziggurat method of Marsaglia and Tsang (2000): one 32-bit
   * draw picks a layer (8 bits) and a position in it (24 bits), and about 99 % of draws end there with a
   * table lookup and a multiply. The rest take the wedge test (one `Math.exp`) or the tail (one `Math.log`).
   * Exact in distribution, and three to four times cheaper than `-Math.log(u)`, which the engine pays for
   * every Poisson arrival and exponential service time.
   */
  exponential(): number {
    for (;;) {
      const u = this.nextUint32();
      const i = u & 255;
      const j = u >>> 8;
      if (j < ZIG_K[i]) return j * ZIG_W[i];
      if (i === 0) return ZIG_R - Math.log(this.nextOpen()); // the tail beyond R: R plus a fresh exponential
      const x = j * ZIG_W[i];
      if (ZIG_F[i] + this.next() * (ZIG_F[i - 1] - ZIG_F[i]) < Math.exp(-x)) return x;
    }
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

// Ziggurat tables for the standard exponential (Marsaglia & Tsang 2000, "The ziggurat method for generating
// random variables", J. Stat. Softw. 5(8)): 256 layers of equal area V under exp(-x), the base layer
// holding the tail beyond R. Positions are 24-bit (j < 2^24); layer i accepts j < ZIG_K[i] at once.
const ZIG_R = 7.697117470131487;
const ZIG_V = 3.949659822581572e-3;
const ZIG_M = 16777216; // 2^24
const ZIG_K = new Uint32Array(256);
const ZIG_W = new Float64Array(256);
const ZIG_F = new Float64Array(256);
{
  let de = ZIG_R;
  let te = de;
  const q = ZIG_V / Math.exp(-de);
  ZIG_K[0] = Math.floor((de / q) * ZIG_M);
  ZIG_K[1] = 0;
  ZIG_W[0] = q / ZIG_M;
  ZIG_W[255] = de / ZIG_M;
  ZIG_F[0] = 1;
  ZIG_F[255] = Math.exp(-de);
  for (let i = 254; i >= 1; i--) {
    de = -Math.log(ZIG_V / de + Math.exp(-de));
    ZIG_K[i + 1] = Math.floor((de / te) * ZIG_M);
    te = de;
    ZIG_F[i] = Math.exp(-de);
    ZIG_W[i] = de / ZIG_M;
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
