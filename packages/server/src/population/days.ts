/**
 * Dates as day numbers (days since 1970-01-01) inside the generator's hot loop, where millions of dates are drawn:
 * integer arithmetic instead of string parsing, and a cache of the ISO strings already made. Rules are still
 * asked with ISO strings through @onshi/core.
 */
import { formatIsoDate, parseIsoDate } from '@onshi/core';

const MS_PER_DAY = 86_400_000;

/** Day numbers of 1900-01-01 and 2100-12-31: the caches cover every date a generated person needs. */
const CACHE_FROM = -25_567;
const CACHE_TO = 47_846;

/** Day numbers of ISO strings already seen (bounded like the forward cache: one entry per date 1900–2100). */
const reverse = new Map<string, number>();

/** The day number of an ISO date (throws a RangeError on anything that is not one, via core parseIsoDate). */
export function dayNumber(isoDate: string): number {
  const hit = reverse.get(isoDate);
  if (hit !== undefined) {
    return hit;
  }
  const d = parseIsoDate(isoDate);
  const day = Date.UTC(d.year, d.month - 1, d.day) / MS_PER_DAY;
  if (day >= CACHE_FROM && day <= CACHE_TO) {
    reverse.set(isoDate, day);
  }
  return day;
}

/** The ISO date of a day number (uncached). */
export function isoOfDayNumber(day: number): string {
  const d = new Date(day * MS_PER_DAY);
  return formatIsoDate({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() });
}

/** A bounded cache from day numbers to ISO strings (at most ~73,000 entries, shared by all generators). */
const cache: (string | undefined)[] = new Array<string | undefined>(CACHE_TO - CACHE_FROM + 1);

/** The ISO date of a day number, from the cache when in 1900–2100. */
export function iso(day: number): string {
  if (day < CACHE_FROM || day > CACHE_TO) {
    return isoOfDayNumber(day);
  }
  const hit = cache[day - CACHE_FROM];
  if (hit !== undefined) {
    return hit;
  }
  const s = isoOfDayNumber(day);
  cache[day - CACHE_FROM] = s;
  return s;
}
