/**
 * A small seeded pseudo-random generator for simulations (faces, camera noise): the same seed gives the same
 * sequence on every machine, so a demo person's face and a test's captures are reproducible. Not for keys.
 */
import { createHash } from 'node:crypto';

/** A source of uniform numbers in [0, 1) and normally distributed numbers. */
export interface SeededRandom {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal N(0, 1) (Box–Muller). */
  gaussian(): number;
}

/** A generator seeded from any string (hashed with SHA-256 into the 128-bit state of xoshiro128**). */
export function seededRandom(seed: string): SeededRandom {
  const digest = createHash('sha256').update(seed).digest();
  const s = Uint32Array.from([
    digest.readUInt32LE(0),
    digest.readUInt32LE(4),
    digest.readUInt32LE(8),
    digest.readUInt32LE(12),
  ]);
  if (s.every((word) => word === 0)) {
    s[0] = 1;
  }
  const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));
  const nextU32 = (): number => {
    const s0 = s[0] ?? 0;
    const s1 = s[1] ?? 0;
    const s2 = s[2] ?? 0;
    const s3 = s[3] ?? 0;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    s[1] = s1 ^ n2;
    s[0] = s0 ^ n3;
    s[2] = n2 ^ t;
    s[3] = rotl(n3, 11);
    return result;
  };
  const next = (): number => nextU32() / 4294967296;
  return {
    next,
    gaussian() {
      let u = next();
      while (u === 0) {
        u = next();
      }
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
  };
}
