import { describe, expect, it } from 'vitest';
import { addMonths, ageOn, daysInMonth, dayReachingAge, endOfMonth, isIsoDate, parseIsoDate } from './dates.js';

describe('calendar arithmetic (年齢計算ニ関スル法律, rules.md §2)', () => {
  it('the day a person reaches age X is the day before the X-th birthday', () => {
    expect(dayReachingAge('2019-04-01', 6)).toBe('2025-03-31');
    expect(dayReachingAge('1955-04-02', 70)).toBe('2025-04-01');
  });
  it('adding months clamps to the end of the month', () => {
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(endOfMonth('2025-02-10')).toBe('2025-02-28');
  });
  it('a 29 February birth reaches the age on 28 February and is older from 1 March in a common year (民法143条)', () => {
    expect(dayReachingAge('2020-02-29', 1)).toBe('2021-02-28');
    expect(ageOn('2020-02-29', '2021-02-28')).toBe(0);
    expect(ageOn('2020-02-29', '2021-03-01')).toBe(1);
    expect(ageOn('2020-02-29', '2024-02-29')).toBe(4);
  });
  it('rejects impossible dates', () => {
    expect(isIsoDate('2025-02-29')).toBe(false);
    expect(isIsoDate('2024-02-29')).toBe(true);
  });
  it('knows every month length of the Gregorian calendar, centuries included (1900 and 2100 are common years)', () => {
    for (const year of [1600, 1899, 1900, 1999, 2000, 2023, 2024, 2100, 2400]) {
      for (let month = 1; month <= 12; month += 1) {
        expect(daysInMonth(year, month)).toBe(new Date(Date.UTC(year, month, 0)).getUTCDate());
      }
    }
    expect([daysInMonth(1900, 2), daysInMonth(2000, 2), daysInMonth(2100, 2)]).toEqual([28, 29, 28]);
  });
  it('takes only YYYY-MM-DD in ASCII digits, and reads it back as numbers', () => {
    for (const bad of [
      '2025-1-01',
      '2025-01-1',
      ' 2025-01-01',
      '2025-01-01 ',
      '2025/01/01',
      '２０２５-01-01',
      '20250101',
      '2025-00-10',
      '2025-13-01',
      '2025-04-31',
      '2025-04-00',
      '+025-01-01',
      '2025-0a-01',
      '',
    ]) {
      expect(isIsoDate(bad)).toBe(false);
      expect(() => parseIsoDate(bad)).toThrow(RangeError);
    }
    expect(isIsoDate(20250101 as unknown as string)).toBe(false);
    expect(parseIsoDate('0999-12-31')).toEqual({ year: 999, month: 12, day: 31 });
    expect(parseIsoDate('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29 });
  });
});
