/**
 * Bounded memoisation of pure core rules keyed by one ISO date (a birth date, an expiry). A million people share
 * about 40,000 birth dates, so asking core once per date instead of once per person saves most of the date
 * parsing; the answers are core's own.
 */
import { birthday, elderlyRecipientPeriod, insuranceUseGraceEnd, lateElderlyFrom, preschoolUntil } from '@onshi/core';

/** Wraps a pure one-string function with a cache that is emptied when it reaches `limit` entries. */
export function memoize<T>(fn: (key: string) => T, limit = 100_000): (key: string) => T {
  const cache = new Map<string, T>();
  return (key: string): T => {
    let value = cache.get(key);
    if (value === undefined) {
      if (cache.size >= limit) {
        cache.clear();
      }
      value = fn(key);
      cache.set(key, value);
    }
    return value;
  };
}

/** Core `preschoolUntil` (rules.md §2), cached by birth date. */
export const preschoolUntilOf = memoize(preschoolUntil);
/** Core `elderlyRecipientPeriod` (rules.md §2), cached by birth date. */
export const elderlyRecipientPeriodOf = memoize(elderlyRecipientPeriod);
/** Core `lateElderlyFrom` (rules.md §2), cached by birth date. */
export const lateElderlyFromOf = memoize(lateElderlyFrom);
/** Core `insuranceUseGraceEnd` (rules.md §4), cached by expiry date. */
export const insuranceUseGraceEndOf = memoize(insuranceUseGraceEnd);
/** The 75th birthday (core `birthday`), cached by birth date. */
export const seventyFifthBirthdayOf = memoize((birthDate: string) => birthday(birthDate, 75));
