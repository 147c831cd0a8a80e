/**
 * Calendar arithmetic on ISO 'YYYY-MM-DD' strings. Dates here are civil dates in Japan (no time zone, no clock):
 * every rule takes the date it is asked about.
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A civil date split into numbers (month 1–12). */
export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

/** True when `s` is a real calendar date in 'YYYY-MM-DD' form (2025-02-29 is not). */
export function isIsoDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) {
    return false;
  }
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

/** Parses 'YYYY-MM-DD'; throws a RangeError on anything else, so bad input never becomes a wrong date. */
export function parseIsoDate(s: string): CivilDate {
  if (!isIsoDate(s)) {
    throw new RangeError(`not an ISO date (YYYY-MM-DD): ${JSON.stringify(s)}`);
  }
  return { year: Number(s.slice(0, 4)), month: Number(s.slice(5, 7)), day: Number(s.slice(8, 10)) };
}

/** Formats a civil date as 'YYYY-MM-DD'. */
export function formatIsoDate(d: CivilDate): string {
  return `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

/** Days in a month of the Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
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
