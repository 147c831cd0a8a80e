import { describe, expect, expectTypeOf, it } from 'vitest';
import type { LimitCategoryCode, QualificationValidityCode } from './codes.js';
import {
  OQS_CODE_TABLES,
  copayRateFromOqs,
  copayRateToOqs,
  isOqsCode,
  limitCategoryAgeGroup,
  limitCategoryLabel,
  oqsCodeLabel,
  qualificationValidityLabel,
  relationshipFromOqs,
  relationshipToOqs,
} from './codes.js';

describe('OQS code tables (oqs-interface.md §8, rules.md Appendix)', () => {
  it('test case 38: 限度額 flag A03 → ウ, B09 → 一般Ⅱ; QualificationValidity 3 → 無効(新しい資格あり)', () => {
    expect(limitCategoryLabel('A03')).toBe('ウ');
    expect(limitCategoryLabel('B09')).toBe('一般Ⅱ');
    expect(qualificationValidityLabel('3')).toBe('無効（新しい資格あり）');
  });
  it('has every table OQSCD001–OQSCD013 (OQSCD008 is 資格喪失事由), plus 015–017', () => {
    const ids = Object.values(OQS_CODE_TABLES).map((t) => t.id);
    for (let n = 1; n <= 13; n += 1) {
      expect(ids).toContain(`OQSCD${String(n).padStart(3, '0')}`);
    }
    expect(ids).toEqual(expect.arrayContaining(['OQSCD015', 'OQSCD016', 'OQSCD017']));
  });
  it('限度額 適用区分 has A01–A06 and B01–B10, each with both labels', () => {
    const codes = Object.keys(OQS_CODE_TABLES.limitCategory.codes).sort();
    expect(codes).toEqual([
      ...['A01', 'A02', 'A03', 'A04', 'A05', 'A06'],
      ...['B01', 'B02', 'B03', 'B04', 'B05', 'B06', 'B07', 'B08', 'B09', 'B10'],
    ]);
    for (const label of Object.values(OQS_CODE_TABLES.limitCategory.codes)) {
      expect(label.ja).not.toBe('');
      expect(label.en).not.toBe('');
    }
  });
  it('資格有効性 6 有効(未登録) and 被保険者証区分 A1 医療扶助 are known', () => {
    expect(oqsCodeLabel('qualificationValidity', '6')?.ja).toBe('有効（未登録）');
    expect(oqsCodeLabel('insuredCardClassification', 'A1')?.ja).toBe('医療扶助');
  });
  it('a table is found by key, OQSCD id or XML tag', () => {
    expect(oqsCodeLabel('OQSCD012', 'A01')?.ja).toBe('ア');
    expect(oqsCodeLabel('ReasonOfLoss', '02')?.ja).toBe('生活保護受給開始');
    expect(oqsCodeLabel('PharmacistsInfoConsFlg', '2')?.ja).toBe('同意有効期限切れ');
    expect(oqsCodeLabel('PrescriptionIssueSelect', '1')?.en).toBe('Electronic prescription');
  });
  it('unknown tables and codes give undefined, never a wrong label', () => {
    expect(oqsCodeLabel('limitCategory', 'A07')).toBeUndefined();
    expect(oqsCodeLabel('OQSCD099', '1')).toBeUndefined();
    expect(oqsCodeLabel('limitCategory', 'toString')).toBeUndefined();
    expect(limitCategoryLabel('')).toBeUndefined();
  });
  it('isOqsCode narrows wire strings to the union type', () => {
    const wire: string = 'B10';
    expect(isOqsCode('limitCategory', wire)).toBe(true);
    if (isOqsCode('limitCategory', wire)) {
      expectTypeOf(wire).toEqualTypeOf<LimitCategoryCode>();
      expect(limitCategoryAgeGroup(wire)).toBe('over70');
    }
    expect(isOqsCode('qualificationValidity', '7')).toBe(false);
    expectTypeOf<QualificationValidityCode>().toEqualTypeOf<'1' | '2' | '3' | '4' | '5' | '6'>();
    expect(limitCategoryAgeGroup('A05')).toBe('under70');
  });
  it('本人・家族 maps to the glossary relationship and back', () => {
    expect(relationshipFromOqs('1')).toBe('insured');
    expect(relationshipFromOqs('2')).toBe('dependant');
    expect(relationshipToOqs('dependant')).toBe('2');
  });
  it('InsuredPartialContributionRatio "010" is 1割 and "030" is 3割 (oqs-interface.md §3)', () => {
    expect(copayRateFromOqs('010')).toBe(0.1);
    expect(copayRateFromOqs('030')).toBe(0.3);
    expect(copayRateFromOqs('30')).toBeUndefined();
    expect(copayRateFromOqs('101')).toBeUndefined();
    expect(copayRateToOqs(0.2)).toBe('020');
    expect(() => copayRateToOqs(1.5)).toThrow(RangeError);
  });
});
