import { describe, expect, it } from 'vitest';
import { electronicInfoLinkageFee, medicalInfoAcquisitionFee, yenFromPoints } from './fees.js';

describe('医療情報取得加算 by period (rules.md §7)', () => {
  it('test case 35: 初診 2024-07 with マイナ保険証 and consent → 医療情報取得加算2, 1点', () => {
    expect(
      medicalInfoAcquisitionFee({
        serviceDate: '2024-07-10',
        visit: 'first',
        confirmedBy: 'myNumberCard',
        consented: true,
      }),
    ).toMatchObject({ points: 1, name: '医療情報取得加算2' });
  });
  it('test case 35: 初診 2024-07 with a paper card → 医療情報取得加算1, 3点', () => {
    expect(
      medicalInfoAcquisitionFee({ serviceDate: '2024-07-10', visit: 'first', confirmedBy: 'other' }),
    ).toMatchObject({ points: 3, name: '医療情報取得加算1' });
  });
  it('test case 35: 初診 2025-01 → 1点 whichever way the patient was confirmed', () => {
    for (const confirmedBy of ['myNumberCard', 'other'] as const) {
      expect(medicalInfoAcquisitionFee({ serviceDate: '2025-01-15', visit: 'first', confirmedBy }).points).toBe(1);
    }
  });
  it('test case 35: 2026-06 → 0 (abolished by the 令和8年度改定)', () => {
    const fee = medicalInfoAcquisitionFee({ serviceDate: '2026-06-01', visit: 'first', confirmedBy: 'other' });
    expect(fee.points).toBe(0);
    expect(fee.basis).toMatch(/abolished/);
    expect(medicalInfoAcquisitionFee({ serviceDate: '2026-05-31', visit: 'first', confirmedBy: 'other' }).points).toBe(
      1,
    );
  });
  it('a card read without consent does not earn the card tier (records were not obtained)', () => {
    expect(
      medicalInfoAcquisitionFee({
        serviceDate: '2024-07-10',
        visit: 'first',
        confirmedBy: 'myNumberCard',
        consented: false,
      }),
    ).toMatchObject({ points: 3, name: '医療情報取得加算1' });
  });
  it('2023-04〜12 特例: 初診 6点 (paper) / 2点 (card); 再診 2点 (paper) / none (card)', () => {
    const on = (visit: 'first' | 'repeat', confirmedBy: 'myNumberCard' | 'other') =>
      medicalInfoAcquisitionFee({ serviceDate: '2023-10-02', visit, confirmedBy }).points;
    expect([
      on('first', 'other'),
      on('first', 'myNumberCard'),
      on('repeat', 'other'),
      on('repeat', 'myNumberCard'),
    ]).toEqual([6, 2, 2, 0]);
    expect(medicalInfoAcquisitionFee({ serviceDate: '2023-12-31', visit: 'first', confirmedBy: 'other' }).name).toBe(
      '医療情報・システム基盤整備体制充実加算1',
    );
  });
  it('2024-01〜05: 初診 4点 / 2点, no 再診 fee', () => {
    expect(medicalInfoAcquisitionFee({ serviceDate: '2024-01-01', visit: 'first', confirmedBy: 'other' }).points).toBe(
      4,
    );
    expect(
      medicalInfoAcquisitionFee({ serviceDate: '2024-05-31', visit: 'first', confirmedBy: 'myNumberCard' }).points,
    ).toBe(2);
    expect(medicalInfoAcquisitionFee({ serviceDate: '2024-03-01', visit: 'repeat', confirmedBy: 'other' }).points).toBe(
      0,
    );
  });
  it('2024-06〜11 再診: 加算3 2点 (paper) / 加算4 1点 (card), 3月に1回 by calendar month', () => {
    expect(
      medicalInfoAcquisitionFee({ serviceDate: '2024-06-03', visit: 'repeat', confirmedBy: 'other' }),
    ).toMatchObject({
      points: 2,
      name: '医療情報取得加算3',
    });
    expect(
      medicalInfoAcquisitionFee({ serviceDate: '2024-06-03', visit: 'repeat', confirmedBy: 'myNumberCard' }),
    ).toMatchObject({ points: 1, name: '医療情報取得加算4' });
    const repeat = (serviceDate: string) =>
      medicalInfoAcquisitionFee({
        serviceDate,
        visit: 'repeat',
        confirmedBy: 'other',
        lastRepeatClaimedOn: '2024-06-28',
      }).points;
    expect(repeat('2024-08-31')).toBe(0);
    expect(repeat('2024-09-01')).toBe(2);
  });
  it('a date before the table starts is refused rather than guessed', () => {
    expect(() =>
      medicalInfoAcquisitionFee({ serviceDate: '2023-03-31', visit: 'first', confirmedBy: 'other' }),
    ).toThrow(/FEE_PERIOD_UNKNOWN/);
    expect(() =>
      medicalInfoAcquisitionFee({ serviceDate: '2024-13-01', visit: 'first', confirmedBy: 'other' }),
    ).toThrow(RangeError);
  });
});

describe('電子的診療情報連携体制整備加算 from 2026-06 (rules.md §7 [S34e])', () => {
  it('初診 15/9/4点 by tier, 再診 2点', () => {
    const first = (tier: 1 | 2 | 3) =>
      electronicInfoLinkageFee({ serviceDate: '2026-06-10', visit: 'first', tier }).points;
    expect([first(1), first(2), first(3)]).toEqual([15, 9, 4]);
    expect(electronicInfoLinkageFee({ serviceDate: '2026-06-10', visit: 'repeat', tier: 2 }).points).toBe(2);
  });
  it('once a month, and nothing before 2026-06-01', () => {
    expect(
      electronicInfoLinkageFee({ serviceDate: '2026-07-30', visit: 'repeat', tier: 1, lastClaimedOn: '2026-07-01' })
        .points,
    ).toBe(0);
    expect(
      electronicInfoLinkageFee({ serviceDate: '2026-08-01', visit: 'repeat', tier: 1, lastClaimedOn: '2026-07-31' })
        .points,
    ).toBe(2);
    expect(electronicInfoLinkageFee({ serviceDate: '2026-05-31', visit: 'first', tier: 1 }).points).toBe(0);
  });
});

describe('points to yen (医科 1点 = 10円)', () => {
  it('"20円安い": the 2-point gap of 2024-01〜11 is 20円 in total fee (rules.md §7)', () => {
    const paper = medicalInfoAcquisitionFee({ serviceDate: '2024-07-10', visit: 'first', confirmedBy: 'other' }).points;
    const card = medicalInfoAcquisitionFee({
      serviceDate: '2024-07-10',
      visit: 'first',
      confirmedBy: 'myNumberCard',
    }).points;
    expect(yenFromPoints(paper - card)).toBe(20);
    expect(() => yenFromPoints(Number.NaN)).toThrow(RangeError);
  });
});
