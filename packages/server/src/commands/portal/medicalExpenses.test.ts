import { describe, expect, it } from 'vitest';
import { careCategory, medicalExpenseAvailableOn, medicalExpenseCsvName } from './medicalExpenses.js';

describe('医療費通知情報 rules (documents-and-screens.md §3.1)', () => {
  it('a 診療月 appears from the 10th of the second month after it [P19]', () => {
    expect(medicalExpenseAvailableOn('2025-02')).toBe('2025-04-10');
    expect(medicalExpenseAvailableOn('2025-11')).toBe('2026-01-10');
    expect(medicalExpenseAvailableOn('2025-12')).toBe('2026-02-10');
  });

  it('診療区分 as the CSV names it: 医科外来/入院, 歯科外来/入院, 調剤 [C1][C2]', () => {
    expect(careCategory({ institutionKind: 'clinic', kind: 'outpatient' })).toBe('医科外来');
    expect(careCategory({ institutionKind: 'hospital', kind: 'inpatient' })).toBe('医科入院');
    expect(careCategory({ institutionKind: 'dental', kind: 'outpatient' })).toBe('歯科外来');
    expect(careCategory({ institutionKind: 'pharmacy', kind: 'outpatient' })).toBe('調剤');
  });

  it('the CSV file name is 医療費情報_YYYYMMDDHHMMSSmmm.csv in Japan time [C1]', () => {
    expect(medicalExpenseCsvName(new Date('2026-02-14T15:04:05.678Z'))).toBe('医療費情報_20260215000405678.csv');
  });
});
