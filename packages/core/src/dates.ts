/**
 * Calendar arithmetic on ISO 'YYYY-MM-DD' strings. Dates here are civil dates in Japan (no time zone, no clock):
 * every rule takes the date it is asked about.
 */

/** The number written by the ASCII digits s[from, to), or -1 when one is not a digit. */
function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i += 1) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) {
      return -1;
    }
    n = n * 10 + d;
  }
  return n;
}

/** A civil date split into numbers (month 1–12). */
export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

/** True when `s` is a real calendar date in 'YYYY-MM-DD' form (2025-02-29 is not). */
export function isIsoDate(s: string): boolean {
  // Character by character (no RegExp match array): every rule on every confirmation parses dates.
  if (typeof s !== 'string' || s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) {
    return false;
  }
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 7);
  const day = digits(s, 8, 10);
  return year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** Parses 'YYYY-MM-DD'; throws a RangeError on anything else, so bad input never becomes a wrong date. */
export function parseIsoDate(s: string): CivilDate {
  if (!isIsoDate(s)) {
    throw new RangeError(`not an ISO date (YYYY-MM-DD): ${JSON.stringify(s)}`);
  }
  return { year: digits(s, 0, 4), month: digits(s, 5, 7), day: digits(s, 8, 10) };
}

/** Formats a civil date as 'YYYY-MM-DD'. */
export function formatIsoDate(d: CivilDate): string {
  return `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

/** Days in a month of the (proleptic) Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function toUtc(s: string): number {
  const d = parseIsoDate(s);
  return Date.UTC(d.year, d.month - 1, d.day);
}

function fromUtc(ms: number): string {
  const d = new Date(ms);
  return formatIsoDate({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() });
}

/** `date` plus `days` (negative to go back). */
export function addDays(date: string, days: number): string {
  return fromUtc(toUtc(date) + days * 86_400_000);
}

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: string, b: string): number {
  return Math.round((toUtc(b) - toUtc(a)) / 86_400_000);
}

/**
 * `date` plus `months`, clamped to the end of the target month (2024-01-31 + 1 month = 2024-02-29).
 */
export function addMonths(date: string, months: number): string {
  const d = parseIsoDate(date);
  const index = d.year * 12 + (d.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return formatIsoDate({ year, month, day: Math.min(d.day, daysInMonth(year, month)) });
}

/** `date` plus `years`; 29 February falls back to 28 February in a common year. */
export function addYears(date: string, years: number): string {
  return addMonths(date, years * 12);
}

/** The last day of the month holding `date`. */
export function endOfMonth(date: string): string {
  const d = parseIsoDate(date);
  return formatIsoDate({ year: d.year, month: d.month, day: daysInMonth(d.year, d.month) });
}

/** The first day of the month holding `date`. */
export function startOfMonth(date: string): string {
  return `${date.slice(0, 7)}-01`;
}

/** 'YYYY-MM' of a date. */
export function monthOf(date: string): string {
  parseIsoDate(date);
  return date.slice(0, 7);
}

/** Compares two ISO dates (string order is date order for 'YYYY-MM-DD'). */
export function compareDates(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The later of two ISO dates. */
export function maxDate(a: string, b: string): string {
  return a >= b ? a : b;
}

/** The earlier of two ISO dates. */
export function minDate(a: string, b: string): string {
  return a <= b ? a : b;
}

/**
 * The `n`-th birthday. A 29 February birth has no anniversary in a common year: under 民法143条 the year then
 * ends with the last day of February, so the person is a year older from 1 March (and reaches the age on
 * 28 February, see `dayReachingAge`).
 */
export function birthday(birthDate: string, n: number): string {
  const b = parseIsoDate(birthDate);
  const year = b.year + n;
  if (b.month === 2 && b.day === 29 && daysInMonth(year, 2) === 28) {
    return formatIsoDate({ year, month: 3, day: 1 });
  }
  return formatIsoDate({ year, month: b.month, day: b.day });
}

/**
 * "X歳に達する日": under 年齢計算ニ関スル法律 a person reaches age X at the end of the day before the X-th
 * birthday, so the day counted is the day before the birthday (rules.md §2).
 */
export function dayReachingAge(birthDate: string, age: number): string {
  return addDays(birthday(birthDate, age), -1);
}

/**
 * Age in completed years on `date`: the age changes on the birthday as `birthday()` places it (so a
 * 29 February birth turns a year older on 1 March in a common year).
 */
export function ageOn(birthDate: string, date: string): number {
  const age = parseIsoDate(date).year - parseIsoDate(birthDate).year;
  return birthday(birthDate, age) <= date ? age : age - 1;
}
