/**
 * The population generator's own pseudo-random numbers: sfc32 (Chris Doty-Humphrey's Small Fast Counting
 * generator, 128-bit state, passes PractRand), seeded through splitmix32. Only 32-bit integer arithmetic, so the
 * same seed gives the same numbers on every platform and Node version — `Math.random()` cannot promise that.
 * See docs/decisions/0060-population-prng.md.
 */

/** A seed as the CLI accepts it: a number (used as an unsigned 32-bit integer) or any string (hashed). */
export type Seed = number | string;

/** Folds a seed into 32 bits: numbers are taken modulo 2^32, strings hashed with FNV-1a over UTF-16 units. */
export function seedToUint32(seed: Seed): number {
  if (typeof seed === 'number') {
    if (!Number.isFinite(seed)) {
      throw new RangeError(`seed must be a finite number: ${String(seed)}`);
    }
    return Math.trunc(seed) >>> 0;
  }
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** splitmix32 finaliser: a bijective 32-bit mix, used to spread seeds and stream numbers over the state. */
export function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

/**
 * A reseedable sfc32 generator. One instance is reused for every household (`reseed(seed, householdIndex)`), so a
 * household's content depends only on the seed and its index, not on how many households came before it.
 */
export class Random {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 1;

  constructor(seed: number, stream = 0) {
    this.reseed(seed, stream);
  }

  /** Restarts the sequence for (seed, stream); independent streams for different stream numbers. */
  reseed(seed: number, stream: number): void {
    const s = mix32(seed ^ 0x5bd1e995);
    const t = mix32((stream >>> 0) ^ s);
    const hi = mix32(Math.floor(stream / 0x1_0000_0000) ^ t);
    this.a = s;
    this.b = t;
    this.c = hi;
    this.d = 1;
    for (let i = 0; i < 12; i++) {
      this.uint32();
    }
  }

  /** The next unsigned 32-bit integer. */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1) with 32 bits of randomness (enough for weights and shares). */
  next(): number {
    return this.uint32() / 0x1_0000_0000;
  }

  /** An integer in [0, n) for 1 ≤ n ≤ 2^32 (multiply-shift; the bias is below 2^-32 · n, negligible here). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [min, max], both included. */
  range(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** An index drawn from a cumulative weight table (see `cumulative`). */
  pick(table: Float64Array): number {
    return pickCumulative(table, this.next());
  }

  /** An exponentially distributed number with the given mean. */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }
}

/** Turns weights into a cumulative table ending at 1, for `Random.pick`. Zero-weight entries are never drawn. */
export function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let total = 0;
  for (const w of weights) {
    if (!(w >= 0) || !Number.isFinite(w)) {
      throw new RangeError(`weights must be finite and non-negative: ${String(w)}`);
    }
    total += w;
  }
  if (total <= 0) {
    throw new RangeError('weights must not all be zero');
  }
  let run = 0;
  let lastPositive = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i] ?? 0;
    run += w;
    out[i] = run / total;
    if (w > 0) {
      lastPositive = i;
    }
  }
  // Rounding must not leave a gap below 1, nor let a trailing zero weight be drawn.
  out.fill(1, lastPositive);
  return out;
}

/** The first index whose cumulative weight exceeds u (binary search). */
export function pickCumulative(table: Float64Array, u: number): number {
  let lo = 0;
  let hi = table.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((table[mid] ?? 1) > u) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}
