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

/** The civil date in Japan (Asia/Tokyo, UTC+9, no daylight saving) of an instant, as 'YYYY-MM-DD'. */
export function tokyoDate(at: Date): string {
  return new Date(at.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
}
