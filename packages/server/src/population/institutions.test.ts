import { validateInstitutionCode } from '@onshi/core';
import { describe, expect, it } from 'vitest';
import { generateInstitutions, INSTITUTION_MIX } from './institutions.js';

const TABLE = { clinic: 'medical', hospital: 'medical', dental: 'dental', pharmacy: 'pharmacy' } as const;

describe('generateInstitutions', () => {
  const list = [...generateInstitutions({ seed: 5, count: 24_300 })];

  it('yields exactly the count asked for', () => {
    expect(list).toHaveLength(24_300);
  });

  it('gives every institution a valid, unique 医療機関コード whose prefecture and 点数表 match it (oqs-interface.md §2)', () => {
    for (const i of list) {
      const v = validateInstitutionCode(i.institutionCode);
      expect(v.ok, i.institutionCode).toBe(true);
      expect(v.prefecture).toBe(i.prefecture);
      expect(v.table).toBe(TABLE[i.kind]);
    }
    expect(new Set(list.map((i) => i.institutionCode)).size).toBe(list.length);
  });

  it('has clinics, hospitals, dental clinics and pharmacies in every prefecture', () => {
    for (let p = 1; p <= 47; p++) {
      const code = String(p).padStart(2, '0');
      for (const kind of ['clinic', 'hospital', 'dental', 'pharmacy'] as const) {
        expect(
          list.some((i) => i.prefecture === code && i.kind === kind),
          `${code} ${kind}`,
        ).toBe(true);
      }
    }
  });

  it('follows the national mix (医科診療所 ~105k, 病院 ~8k, 歯科 ~68k, 薬局 ~62k) within one point', () => {
    const total = Object.values(INSTITUTION_MIX).reduce((a, b) => a + b, 0);
    for (const kind of ['clinic', 'hospital', 'dental', 'pharmacy'] as const) {
      const share = list.filter((i) => i.kind === kind).length / list.length;
      expect(Math.abs(share - INSTITUTION_MIX[kind] / total)).toBeLessThan(0.01);
    }
  });

  it('enables 薬剤 everywhere, 健診 everywhere but pharmacies (rules.md §6: 健診 viewers are doctors and dentists)', () => {
    for (const i of list) {
      expect(i.consentItemsEnabled).toContain('medication');
      expect(i.consentItemsEnabled.includes('checkup')).toBe(i.kind !== 'pharmacy');
    }
    expect(list.some((i) => i.kind === 'hospital' && i.consentItemsEnabled.includes('surgery'))).toBe(true);
  });

  it('has mostly working readers, some out of order', () => {
    const working = list.filter((i) => i.readerStatus === 'working').length / list.length;
    expect(working).toBeGreaterThan(0.9);
    expect(working).toBeLessThan(1);
  });

  it('has no smartphone readers before スマホ保険証 started on 2025-09-19 (rules.md §4 [S26])', () => {
    expect([...generateInstitutions({ seed: 5, count: 500, asOf: '2025-09-18' })].some((i) => i.smartphoneReader)).toBe(
      false,
    );
    expect([...generateInstitutions({ seed: 5, count: 500, asOf: '2025-09-19' })].some((i) => i.smartphoneReader)).toBe(
      true,
    );
  });

  it('still covers every prefecture when there are only 47', () => {
    const few = [...generateInstitutions({ seed: 5, count: 47 })];
    expect(new Set(few.map((i) => i.prefecture)).size).toBe(47);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const a = [...generateInstitutions({ seed: 5, count: 300 })];
    expect([...generateInstitutions({ seed: 5, count: 300 })]).toEqual(a);
    expect([...generateInstitutions({ seed: 6, count: 300 })].map((i) => i.name)).not.toEqual(a.map((i) => i.name));
  });
});
