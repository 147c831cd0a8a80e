import { validateInsurerNumber } from '@onshi/core';
import { describe, expect, it } from 'vitest';
import { generateInsurers } from './insurers.js';

const insurers = generateInsurers({ seed: 1 });

describe('generateInsurers', () => {
  it('gives every insurer a valid number whose 法別番号 names its scheme (rules.md §1.1, check digit test cases 1–7)', () => {
    for (const ins of insurers) {
      const v = validateInsurerNumber(ins.insurerNumber);
      expect(v.ok, `${ins.name} ${ins.insurerNumber}`).toBe(true);
      expect(v.scheme).toBe(ins.scheme);
    }
  });

  it('has no two insurers with the same number or name', () => {
    expect(new Set(insurers.map((i) => i.insurerNumber)).size).toBe(insurers.length);
    expect(new Set(insurers.map((i) => i.name)).size).toBe(insurers.length);
  });

  it('has the 47 協会けんぽ 支部 with their real numbers (prefectures.csv; 東京 01130012, 宮城 01040013)', () => {
    const kyokai = insurers.filter((i) => i.scheme === 'kyokai');
    expect(kyokai).toHaveLength(47);
    expect(kyokai.find((i) => i.prefecture === '13')).toMatchObject({
      insurerNumber: '01130012',
      name: '全国健康保険協会東京支部',
    });
    expect(kyokai.find((i) => i.prefecture === '04')?.insurerNumber).toBe('01040013');
  });

  it('has one 後期高齢者医療広域連合 per prefecture, numbered 39 + prefecture (rules.md §1.1)', () => {
    const late = insurers.filter((i) => i.scheme === 'lateElderly');
    expect(late.map((i) => i.prefecture)).toEqual(Array.from({ length: 47 }, (_, k) => String(k + 1).padStart(2, '0')));
    for (const i of late) {
      expect(i.insurerNumber.slice(0, 4)).toBe(`39${i.prefecture}`);
      expect(i.name).toMatch(/後期高齢者医療広域連合$/);
    }
  });

  it('numbers 健保組合 06 + prefecture + 3 digits, about 1,380 by default (insurance_shares.md §1)', () => {
    const kumiai = insurers.filter((i) => i.scheme === 'kumiai');
    expect(kumiai).toHaveLength(1380);
    for (const k of kumiai) {
      expect(k.insurerNumber).toMatch(new RegExp(`^06${k.prefecture}\\d{4}$`));
      expect(k.name).toMatch(/健康保険組合$/);
    }
    expect(generateInsurers({ seed: 1, kumiaiCount: 10 }).filter((i) => i.scheme === 'kumiai')).toHaveLength(10);
  });

  it('gives 国保 of the sampled municipalities 6-digit numbers and 国保組合 a "3" as third digit (rules.md §1.1 [S6b])', () => {
    const kokuho = insurers.filter((i) => i.scheme === 'kokuho');
    expect(kokuho.length).toBeGreaterThanOrEqual(47 * 3);
    for (const k of kokuho) {
      expect(k.insurerNumber).toMatch(/^\d{6}$/);
      expect(k.insurerNumber[2]).not.toBe('3');
      expect(k.name).toBe(`${k.municipality ?? ''}国民健康保険`);
    }
    for (const k of insurers.filter((i) => i.scheme === 'kokuhoKumiai')) {
      expect(k.insurerNumber).toMatch(/^\d{2}3\d{3}$/);
    }
  });

  it('covers 共済 with 法別 31–34, including 私学共済 34130021', () => {
    const codes = new Set(insurers.filter((i) => i.scheme === 'kyosai').map((i) => i.insurerNumber.slice(0, 2)));
    expect([...codes].sort()).toEqual(['31', '32', '33', '34']);
    expect(insurers.some((i) => i.insurerNumber === '34130021')).toBe(true);
  });

  it('is deterministic for a seed, and the 健保組合 differ between seeds', () => {
    expect(generateInsurers({ seed: 1 })).toEqual(insurers);
    const other = generateInsurers({ seed: 2 });
    expect(other.filter((i) => i.scheme === 'kumiai')).not.toEqual(insurers.filter((i) => i.scheme === 'kumiai'));
  });

  it('refuses an impossible 健保組合 count', () => {
    expect(() => generateInsurers({ seed: 1, kumiaiCount: 0 })).toThrow(RangeError);
    expect(() => generateInsurers({ seed: 1, kumiaiCount: 1.5 })).toThrow(RangeError);
  });
});
