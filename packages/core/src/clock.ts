/**
 * The only source of "now". Domain rules never read it (they take the date they are asked about); servers,
 * commands and jobs receive a Clock so tests and demos can run "as of" any instant.
 */
export interface Clock {
  /** The current instant. */
  now(): Date;
}

/** The real clock: the one place allowed to read the system time. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still at `at` until moved; for tests and "as of" demos. */
export class FixedClock implements Clock {
  private current: Date;

  constructor(at: string | Date) {
    this.current = new Date(at);
  }

  now(): Date {
    return new Date(this.current.getTime());
  }

  /** Moves the clock to another instant. */
  set(at: string | Date): void {
    this.current = new Date(at);
  }

  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

const JST_OFFSET_MS = 9 * 3_600_000;
const DAY_MS = 86_400_000;

interface TokyoDay {
  /** The UTC instants [start, end) the Japan day covers. */
  start: number;
  end: number;
  date: string;
}

/** The two Japan days `tokyoDate` answered last, the most recent first. */
let recentDay: TokyoDay = { start: Number.NaN, end: Number.NaN, date: '' };
let previousDay: TokyoDay = recentDay;

/**
 * The civil date in Japan (Asia/Tokyo, UTC+9, no daylight saving) of an instant, as 'YYYY-MM-DD'. Every confirmation
 * asks it several times about today, between questions about other days (a certificate's expiry), so the last two
 * days' bounds are kept: a hit is two comparisons instead of a Date and its ISO text.
 */
export function tokyoDate(at: Date): string {
  const t = at.getTime();
  if (t >= recentDay.start && t < recentDay.end) {
    return recentDay.date;
  }
  if (t >= previousDay.start && t < previousDay.end) {
    const hit = previousDay;
    previousDay = recentDay;
    recentDay = hit;
    return hit.date;
  }
  const shifted = t + JST_OFFSET_MS;
  const date = new Date(shifted).toISOString().slice(0, 10);
  const start = Math.floor(shifted / DAY_MS) * DAY_MS - JST_OFFSET_MS;
  previousDay = recentDay;
  recentDay = { start, end: start + DAY_MS, date };
  return date;
}
