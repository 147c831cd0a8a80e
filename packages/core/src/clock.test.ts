import { describe, expect, it } from 'vitest';
import { FixedClock, tokyoDate } from './clock.js';

/** The definition: the UTC date of the instant moved nine hours ahead (Japan keeps no daylight saving). */
function byDefinition(at: Date): string {
  return new Date(at.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
}

describe('tokyoDate (civil date in Japan, UTC+9)', () => {
  it('changes day at 15:00 UTC, midnight in Tokyo', () => {
    expect(tokyoDate(new Date('2026-03-31T14:59:59.999Z'))).toBe('2026-03-31');
    expect(tokyoDate(new Date('2026-03-31T15:00:00.000Z'))).toBe('2026-04-01');
    expect(tokyoDate(new Date('2026-04-01T14:59:59.999Z'))).toBe('2026-04-01');
  });

  it('answers as the definition whatever order instants come in (the last day it answered is kept)', () => {
    // Forward and backward in steps that cross day boundaries, years and leap days, and back to days seen before.
    const instants: number[] = [];
    let t = Date.parse('2023-12-30T00:00:00Z');
    for (let i = 0; i < 4000; i += 1) {
      t += ((i * 7919) % 97) * 3_600_000 - 40 * 3_600_000 + (i % 13) * 999;
      instants.push(t);
    }
    instants.push(Date.parse('2024-02-28T15:00:00Z'), Date.parse('2024-02-29T14:59:59.999Z'), 0, -1, 1);
    for (const ms of instants) {
      expect(tokyoDate(new Date(ms))).toBe(byDefinition(new Date(ms)));
    }
  });

  it('refuses an invalid instant as the definition does', () => {
    expect(() => tokyoDate(new Date(Number.NaN))).toThrow(RangeError);
  });

  it('follows a clock moved across midnight', () => {
    const clock = new FixedClock('2026-11-23T14:59:59Z');
    expect(tokyoDate(clock.now())).toBe('2026-11-23');
    clock.advance(1_000);
    expect(tokyoDate(clock.now())).toBe('2026-11-24');
    clock.set('2026-11-23T00:00:00Z');
    expect(tokyoDate(clock.now())).toBe('2026-11-23');
  });
});

describe('tokyoDate between two days asked in turn', () => {
  it('answers today and another day alternately as the definition does (a card check asks today and its expiry)', () => {
    const today = Date.parse('2026-11-24T03:00:00Z');
    for (let i = 0; i < 500; i += 1) {
      const other = Date.parse('2030-01-01T00:00:00Z') + i * 86_400_000 * 3 + i * 61_000;
      for (const ms of [today + i, other, today - i, other + 1]) {
        expect(tokyoDate(new Date(ms))).toBe(byDefinition(new Date(ms)));
      }
    }
  });
});
