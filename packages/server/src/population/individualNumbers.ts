/**
 * Synthetic マイナンバー: a keyed permutation of the person index over the 10^11 possible first-11-digit values,
 * plus the 施行令第8条 check digit from @onshi/core. A permutation cannot repeat, so numbers are unique without a
 * set of the numbers already given (which would grow with the population), and they look random rather than
 * sequential. The permutation is FE1 format-preserving encryption (a Feistel network over Z_m × Z_n,
 * Bellare–Ristenpart–Rogaway–Stegers 2009) with m = 10^5, n = 10^6 and splitmix32 as the round function.
 */
import { individualNumberCheckDigit } from '@onshi/core';
import { mix32 } from './prng.js';

const M = 100_000;
const N = 1_000_000;
/** How many distinct numbers exist: every person index below this maps to a different number. */
export const INDIVIDUAL_NUMBER_SPACE = M * N;
const ROUNDS = 4;

/** Round keys for a seed. */
export function individualNumberKeys(seed: number): Uint32Array {
  const keys = new Uint32Array(ROUNDS);
  let k = seed >>> 0;
  for (let i = 0; i < ROUNDS; i++) {
    k = mix32(k ^ (0x2545f491 + i));
    keys[i] = k;
  }
  return keys;
}

/** The first 11 digits for a person index, as a number below 10^11 (a bijection for each key set). */
export function permuteIndex(index: number, keys: Uint32Array): number {
  if (!Number.isInteger(index) || index < 0 || index >= INDIVIDUAL_NUMBER_SPACE) {
    throw new RangeError(`person index out of range: ${String(index)}`);
  }
  let x = index;
  for (let i = 0; i < ROUNDS; i++) {
    const left = Math.floor(x / N);
    const right = x % N;
    const w = (left + (mix32(right ^ (keys[i] ?? 0)) % M)) % M;
    x = M * right + w;
  }
  return x;
}

/** The 12-digit マイナンバー of a person index under the given keys. */
export function individualNumberFor(index: number, keys: Uint32Array): string {
  const first11 = String(permuteIndex(index, keys)).padStart(11, '0');
  return `${first11}${String(individualNumberCheckDigit(first11))}`;
}
