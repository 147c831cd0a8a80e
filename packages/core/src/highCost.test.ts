import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  annualOutpatientCap,
  highCostMonthlyLimit,
  highCostMonthlyLimitDetail,
  isTurning75Month,
  outpatientYearOf,
} from './highCost.js';
import type { LimitCategoryCode } from './codes.js';

const month = '2025-06';

describe('under-70 monthly limits ア–オ (rules.md §3 [S16])', () => {
  it('ウ 1,000,000 → 87,430; ア 1,000,000 → 254,180; イ 600,000 → 167,820 (test case 22)', () => {
    expect(highCostMonthlyLimit({ category: 'A03', medicalCost: 1_000_000, month })).toBe(87_430);
    expect(highCostMonthlyLimit({ category: 'A01', medicalCost: 1_000_000, month })).toBe(254_180);
    expect(highCostMonthlyLimit({ category: 'A02', medicalCost: 600_000, month })).toBe(167_820);
  });
  it('ウ 200,000 → 80,100 (the cost is floored at the threshold); ウ 多数回 → 44,400 (test case 23)', () => {
    expect(highCostMonthlyLimit({ category: 'A03', medicalCost: 200_000, month })).toBe(80_100);
    expect(highCostMonthlyLimit({ category: 'A03', medicalCost: 1_000_000, month, manyTimes: true })).toBe(44_400);
  });
  it('エ → 57,600; オ → 35,400; オ 多数回 → 24,600 (test case 24)', () => {
    expect(highCostMonthlyLimit({ category: 'A04', medicalCost: 500_000, month })).toBe(57_600);
    expect(highCostMonthlyLimit({ category: 'A05', medicalCost: 500_000, month })).toBe(35_400);
    expect(highCostMonthlyLimit({ category: 'A05', medicalCost: 500_000, month, manyTimes: true })).toBe(24_600);
    expect(highCostMonthlyLimit({ category: 'A06', medicalCost: 500_000, month })).toBe(35_400);
  });
  it('ア and イ 多数回 are 140,100 and 93,000; 現役並みⅢ 多数回 is 140,100, not [S14b]’s 144,000', () => {
    expect(highCostMonthlyLimit({ category: 'A01', medicalCost: 2_000_000, month, manyTimes: true })).toBe(140_100);
    expect(highCostMonthlyLimit({ category: 'A02', medicalCost: 2_000_000, month, manyTimes: true })).toBe(93_000);
    expect(highCostMonthlyLimit({ category: 'B01', medicalCost: 2_000_000, month, manyTimes: true })).toBe(140_100);
  });
  it('rounds the 1% part to the yen', () => {
    expect(highCostMonthlyLimit({ category: 'A03', medicalCost: 267_149, month })).toBe(80_101);
    expect(highCostMonthlyLimit({ category: 'A03', medicalCost: 267_049, month })).toBe(80_100);
  });
});

describe('70+ limits (rules.md §3 [S16][S15b])', () => {
  it('一般, outpatient only → 18,000 a month, 144,000 a year (Aug–Jul); with 入院 → 57,600 (test case 25)', () => {
    expect(highCostMonthlyLimit({ category: 'B04', medicalCost: 300_000, month, outpatientOnly: true })).toBe(18_000);
    expect(annualOutpatientCap({ category: 'B04', month }).cap).toBe(144_000);
    expect(outpatientYearOf('2025-06')).toEqual({ from: '2024-08', to: '2025-07' });
    expect(outpatientYearOf('2025-08')).toEqual({ from: '2025-08', to: '2026-07' });
    expect(highCostMonthlyLimit({ category: 'B04', medicalCost: 300_000, month })).toBe(57_600);
  });
  it('現役並み has no 外来特例 and no annual outpatient cap; under-70 neither', () => {
    expect(highCostMonthlyLimit({ category: 'B03', medicalCost: 1_000_000, month, outpatientOnly: true })).toBe(87_430);
    expect(annualOutpatientCap({ category: 'B03', month }).cap).toBeNull();
    expect(annualOutpatientCap({ category: 'A03', month }).cap).toBeNull();
    expect(annualOutpatientCap({ category: 'B05', month }).cap).toBe(144_000);
  });
  it('低所得Ⅱ: 8,000 外来, 24,600 世帯, no 多数回; 低所得Ⅰ: 8,000 / 15,000', () => {
    expect(highCostMonthlyLimit({ category: 'B05', medicalCost: 300_000, month, outpatientOnly: true })).toBe(8_000);
    expect(highCostMonthlyLimit({ category: 'B05', medicalCost: 300_000, month, manyTimes: true })).toBe(24_600);
    expect(highCostMonthlyLimit({ category: 'B06', medicalCost: 300_000, month })).toBe(15_000);
    expect(highCostMonthlyLimit({ category: 'B08', medicalCost: 300_000, month, outpatientOnly: true })).toBe(8_000);
  });
  it('一般 多数回 is 44,400 for 世帯 but the 外来特例 is not reduced', () => {
    expect(highCostMonthlyLimit({ category: 'B10', medicalCost: 300_000, month, manyTimes: true })).toBe(44_400);
    expect(
      highCostMonthlyLimit({ category: 'B10', medicalCost: 300_000, month, manyTimes: true, outpatientOnly: true }),
    ).toBe(18_000);
  });
});

describe('後期 2割 配慮措置 until 2025-09-30 (rules.md §2–§3 [S15])', () => {
  it('一般Ⅱ 外来 医療費 50,000: 2025-09 → min(18,000, 8,000) = 8,000; 2025-10 → 18,000, so 10,000 is paid (test case 26)', () => {
    const september = highCostMonthlyLimit({
      category: 'B09',
      medicalCost: 50_000,
      month: '2025-09',
      outpatientOnly: true,
    });
    expect(september).toBe(8_000);
    const october = highCostMonthlyLimit({
      category: 'B09',
      medicalCost: 50_000,
      month: '2025-10',
      outpatientOnly: true,
    });
    expect(october).toBe(18_000);
    expect(Math.min(50_000 * 0.2, october)).toBe(10_000);
  });
  it('the eased cap never exceeds 18,000 and never goes below 6,000', () => {
    expect(
      highCostMonthlyLimit({ category: 'B09', medicalCost: 500_000, month: '2023-05', outpatientOnly: true }),
    ).toBe(18_000);
    expect(highCostMonthlyLimit({ category: 'B09', medicalCost: 10_000, month: '2023-05', outpatientOnly: true })).toBe(
      6_000,
    );
  });
  it('一般Ⅱ and 一般Ⅰ do not exist before 2022-10', () => {
    expect(() => highCostMonthlyLimit({ category: 'B09', medicalCost: 10_000, month: '2022-09' })).toThrow(RangeError);
  });
});

describe('75歳到達月特例 halves the individual limits (rules.md §3 [S17])', () => {
  it('born 1950-06-20, June 2025, 後期 一般 → 外来 9,000 / 外来+入院 28,800; born 1950-06-01 → no halving (test case 27)', () => {
    expect(isTurning75Month('1950-06-20', '2025-06')).toBe(true);
    const turning75Month = isTurning75Month('1950-06-20', '2025-06');
    expect(
      highCostMonthlyLimit({ category: 'B10', medicalCost: 100_000, month, outpatientOnly: true, turning75Month }),
    ).toBe(9_000);
    expect(highCostMonthlyLimit({ category: 'B10', medicalCost: 100_000, month, turning75Month })).toBe(28_800);
    expect(isTurning75Month('1950-06-01', '2025-06')).toBe(false);
    expect(isTurning75Month('1950-06-20', '2025-07')).toBe(false);
  });
  it('halves the formula too: 現役並みⅠ 40,050 + (医療費 − 133,500) × 1%', () => {
    expect(highCostMonthlyLimit({ category: 'B03', medicalCost: 500_000, month, turning75Month: true })).toBe(43_715);
  });
});

describe('2026-08 onward: known ウ raise, other amounts flagged provisional (rules.md §3 Scheduled changes [S18]; decision 0020)', () => {
  it('ウ becomes 85,800 + 1% with an annual cap of 530,000', () => {
    const d = highCostMonthlyLimitDetail({ category: 'A03', medicalCost: 286_000, month: '2026-08' });
    expect(d).toMatchObject({ limit: 85_800, provisional: true, annualLimit: 530_000 });
    expect(highCostMonthlyLimit({ category: 'A03', medicalCost: 1_000_000, month: '2026-11' })).toBe(92_940);
  });
  it('other categories keep the current amount and say it is provisional', () => {
    const d = highCostMonthlyLimitDetail({ category: 'A04', medicalCost: 300_000, month: '2026-11' });
    expect(d).toMatchObject({ limit: 57_600, provisional: true, annualLimit: null });
    expect(d.verdict.code).toBe('provisionalLimit');
    expect(d.basis).toContain('decision 0020');
    expect(annualOutpatientCap({ category: 'B04', month: '2026-11' }).provisional).toBe(true);
  });
  it('July 2026 is still the current table', () => {
    const d = highCostMonthlyLimitDetail({ category: 'A03', medicalCost: 1_000_000, month: '2026-07' });
    expect(d).toMatchObject({ limit: 87_430, provisional: false, annualLimit: null });
    expect(d.verdict).toMatchObject({ ok: true, code: 'limit' });
  });
});

describe('input checks', () => {
  it('refuses bad months, amounts, codes and months before the 2018-08 tables', () => {
    expect(() => highCostMonthlyLimit({ category: 'A03', medicalCost: 1, month: '2025-13' })).toThrow(RangeError);
    expect(() => highCostMonthlyLimit({ category: 'A03', medicalCost: -1, month })).toThrow(RangeError);
    expect(() => highCostMonthlyLimit({ category: 'Z99' as LimitCategoryCode, medicalCost: 1, month })).toThrow(
      RangeError,
    );
    expect(() => highCostMonthlyLimit({ category: 'A03', medicalCost: 1, month: '2018-07' })).toThrow(RangeError);
  });
  it('a limit never falls as the medical cost rises (property)', () => {
    const codes: LimitCategoryCode[] = ['A01', 'A02', 'A03', 'A04', 'A05', 'B01', 'B03', 'B04', 'B05', 'B09'];
    fc.assert(
      fc.property(
        fc.constantFrom(...codes),
        fc.integer({ min: 0, max: 5_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.boolean(),
        (category, cost, more, outpatientOnly) => {
          const a = highCostMonthlyLimit({ category, medicalCost: cost, month: '2024-05', outpatientOnly });
          const b = highCostMonthlyLimit({ category, medicalCost: cost + more, month: '2024-05', outpatientOnly });
          expect(b).toBeGreaterThanOrEqual(a);
        },
      ),
    );
  });
});
