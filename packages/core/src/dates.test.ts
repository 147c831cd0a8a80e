import { describe, expect, it } from 'vitest';
import { addMonths, ageOn, dayReachingAge, endOfMonth, isIsoDate } from './dates.js';

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
});
