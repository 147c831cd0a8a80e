import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  copayRate,
  elderlyActiveIncome,
  elderlyRecipientPeriod,
  lateElderlyBand,
  lateElderlyFrom,
  preschoolUntil,
  roundWindowPayment,
} from './copay.js';
import { addDays, dayReachingAge, formatIsoDate, daysInMonth } from './dates.js';

const rate = (birthDate: string, serviceDate: string, extra: { activeIncome?: boolean } = {}) =>
  copayRate({ birthDate, serviceDate, scheme: 'employee', ...extra }).rate;

describe('未就学 2割 until the first 31 March after 6歳に達する日 (rules.md §2 [S10][S10b])', () => {
  it('born 1 April: reaches 6 on 31 March, so 2割 ends that very day (test case 12)', () => {
    expect(preschoolUntil('2019-04-01')).toBe('2025-03-31');
    expect(rate('2019-04-01', '2025-03-31')).toBe(0.2);
    expect(rate('2019-04-01', '2025-04-01')).toBe(0.3);
  });
  it('born 2 April: reaches 6 on 1 April, so 2割 runs to the next 31 March (test case 13)', () => {
    expect(preschoolUntil('2019-04-02')).toBe('2026-03-31');
    expect(rate('2019-04-02', '2025-04-10')).toBe(0.2);
    expect(rate('2019-04-02', '2026-03-31')).toBe(0.2);
    expect(rate('2019-04-02', '2026-04-01')).toBe(0.3);
  });
  it('is the first 31 March on or after 6歳に達する日, for every birthday of a leap year and the years around it', () => {
    for (let date = '2019-01-01'; date <= '2021-12-31'; date = addDays(date, 1)) {
      const reaching = dayReachingAge(date, 6);
      const sameYear = `${reaching.slice(0, 4)}-03-31`;
      const expected = reaching <= sameYear ? sameYear : `${String(Number(reaching.slice(0, 4)) + 1)}-03-31`;
      expect(preschoolUntil(date)).toBe(expected);
    }
    expect(() => preschoolUntil('2019-02-30')).toThrow(RangeError);
  });
  it('names the rule in the verdict', () => {
    const r = copayRate({ birthDate: '2019-04-02', serviceDate: '2025-04-10', scheme: 'national' });
    expect(r.reason).toMatchObject({ ok: true, code: 'preschool' });
    expect(r.reason.basis).toContain('rules.md §2');
  });
});

describe('70–74 高齢受給者 from the month after 70歳に達する日 (rules.md §2 [S11])', () => {
  it('born 15 March 1955: 3割 on 31 March 2025, 2割 from April when not 現役並み (test case 14)', () => {
    expect(rate('1955-03-15', '2025-03-31')).toBe(0.3);
    expect(rate('1955-03-15', '2025-04-10')).toBe(0.2);
  });
  it('born on the 1st: starts in the birth month (test case 15)', () => {
    expect(elderlyRecipientPeriod('1955-04-01').from).toBe('2025-04-01');
    expect(rate('1955-04-01', '2025-04-01')).toBe(0.2);
    expect(rate('1955-04-01', '2025-03-31')).toBe(0.3);
  });
  it('born 2 April: April is still 3割, May is 2割 (test case 16)', () => {
    expect(rate('1955-04-02', '2025-04-15')).toBe(0.3);
    expect(rate('1955-04-02', '2025-05-01')).toBe(0.2);
  });
  it('標準報酬月額 30万 is 現役並み, so 3割 (test case 17)', () => {
    const test = elderlyActiveIncome({ scheme: 'employee', standardMonthlyRemuneration: 300_000 });
    expect(test.activeIncome).toBe(true);
    expect(rate('1955-03-15', '2025-04-10', { activeIncome: test.activeIncome })).toBe(0.3);
  });
  it('標準報酬月額 26万 is not 現役並み; 国保 課税所得 145万 is', () => {
    expect(elderlyActiveIncome({ scheme: 'employee', standardMonthlyRemuneration: 260_000 }).activeIncome).toBe(false);
    expect(elderlyActiveIncome({ scheme: 'national', taxableIncome: 1_449_999 }).activeIncome).toBe(false);
    expect(elderlyActiveIncome({ scheme: 'national', taxableIncome: 1_450_000 }).activeIncome).toBe(true);
  });
  it('the 383万 / 520万 収入 relief keeps 2割 only on application (rules.md §2 [S14][S16])', () => {
    const base = { scheme: 'national' as const, taxableIncome: 2_000_000 };
    expect(elderlyActiveIncome({ ...base, income: 3_829_999, applyIncomeRelief: true }).activeIncome).toBe(false);
    expect(elderlyActiveIncome({ ...base, income: 3_830_000, applyIncomeRelief: true }).activeIncome).toBe(true);
    expect(elderlyActiveIncome({ ...base, income: 3_000_000 }).activeIncome).toBe(true);
    expect(
      elderlyActiveIncome({ ...base, income: 5_000_000, householdSize: 2, applyIncomeRelief: true }).activeIncome,
    ).toBe(false);
    expect(
      elderlyActiveIncome({ ...base, income: 5_200_000, householdSize: 2, applyIncomeRelief: true }).activeIncome,
    ).toBe(true);
  });
  it('the 高齢受給者 period ends the day before the 75th birthday (rules.md §2 [S11b])', () => {
    expect(elderlyRecipientPeriod('1950-06-20')).toEqual({ from: '2020-07-01', to: '2025-06-19' });
  });
});

describe('後期高齢者 from the 75th birthday itself (rules.md §2 [S12])', () => {
  it('born 20 June 1950: old insurer 2割 on 19 June 2025, 後期 from 20 June (test case 18)', () => {
    expect(lateElderlyFrom('1950-06-20')).toBe('2025-06-20');
    const before = copayRate({ birthDate: '1950-06-20', serviceDate: '2025-06-19', scheme: 'national' });
    expect(before).toMatchObject({ rate: 0.2, reason: { ok: true, code: 'elderlyRecipient' } });
    const after = copayRate({ birthDate: '1950-06-20', serviceDate: '2025-06-20', scheme: 'national' });
    expect(after.reason).toMatchObject({ ok: false, code: 'belongsToLateElderly' });
    const late = copayRate({
      birthDate: '1950-06-20',
      serviceDate: '2025-06-20',
      scheme: 'lateElderly',
      lateElderlyBand: 1,
    });
    expect(late).toMatchObject({ rate: 0.1, reason: { ok: true, code: 'lateElderlyBand1' } });
  });
  it('a 後期 rate needs the band', () => {
    expect(() => copayRate({ birthDate: '1940-01-01', serviceDate: '2025-06-20', scheme: 'lateElderly' })).toThrow(
      RangeError,
    );
  });
  it('65–74 with 一定障害 may be in 後期; under 65 may not', () => {
    const opted = copayRate({
      birthDate: '1958-01-01',
      serviceDate: '2025-06-20',
      scheme: 'lateElderly',
      lateElderlyBand: 1,
    });
    expect(opted).toMatchObject({ rate: 0.1, reason: { ok: true } });
    const young = copayRate({
      birthDate: '1970-01-01',
      serviceDate: '2025-06-20',
      scheme: 'lateElderly',
      lateElderlyBand: 1,
    });
    expect(young.reason).toMatchObject({ ok: false, code: 'lateElderlyUnder65' });
  });
  it('single, 課税所得 50万: 年金+他 210万 → 2割, 190万 → 1割 (test case 19)', () => {
    expect(lateElderlyBand({ taxableIncome: 500_000, pensionPlusOtherIncome: 2_100_000, householdSize: 1 }).band).toBe(
      2,
    );
    expect(lateElderlyBand({ taxableIncome: 500_000, pensionPlusOtherIncome: 1_900_000, householdSize: 1 }).band).toBe(
      1,
    );
  });
  it('two 後期 members need 320万 together for 2割', () => {
    expect(lateElderlyBand({ taxableIncome: 500_000, pensionPlusOtherIncome: 3_100_000, householdSize: 2 }).band).toBe(
      1,
    );
    expect(lateElderlyBand({ taxableIncome: 500_000, pensionPlusOtherIncome: 3_200_000, householdSize: 2 }).band).toBe(
      2,
    );
    expect(lateElderlyBand({ taxableIncome: 270_000, pensionPlusOtherIncome: 9_000_000, householdSize: 1 }).band).toBe(
      1,
    );
  });
  it('課税所得 150万 → 3割; with 収入 350万 and the relief applied → the 2割 test decides (test case 20)', () => {
    expect(
      lateElderlyBand({ taxableIncome: 1_500_000, pensionPlusOtherIncome: 3_000_000, householdSize: 1 }).band,
    ).toBe(3);
    const relieved = { taxableIncome: 1_500_000, householdSize: 1, income: 3_500_000, applyIncomeRelief: true };
    expect(lateElderlyBand({ ...relieved, pensionPlusOtherIncome: 3_000_000 }).band).toBe(2);
    expect(lateElderlyBand({ ...relieved, pensionPlusOtherIncome: 1_900_000 }).band).toBe(1);
  });
});

describe('window amount rounding to 10 yen (健保法75条; rules.md §2 [S19])', () => {
  it('1,234円 → 1,230円; 1,235円 → 1,240円 (test case 21)', () => {
    expect(roundWindowPayment(1234)).toBe(1230);
    expect(roundWindowPayment(1235)).toBe(1240);
    expect(roundWindowPayment(1239)).toBe(1240);
    expect(roundWindowPayment(1240)).toBe(1240);
    expect(roundWindowPayment(0)).toBe(0);
  });
  it('refuses negative and fractional amounts', () => {
    expect(() => roundWindowPayment(-5)).toThrow(RangeError);
    expect(() => roundWindowPayment(12.5)).toThrow(RangeError);
    expect(() => roundWindowPayment(Number.NaN)).toThrow(RangeError);
  });
  it('always lands on a multiple of 10 within 5 yen', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (yen) => {
        const r = roundWindowPayment(yen);
        expect(r % 10).toBe(0);
        expect(Math.abs(r - yen)).toBeLessThanOrEqual(5);
      }),
    );
  });
});

const birthDates = fc
  .record({
    year: fc.integer({ min: 1900, max: 2030 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 31 }),
  })
  .map(({ year, month, day }) => formatIsoDate({ year, month, day: Math.min(day, daysInMonth(year, month)) }));

describe('the rate changes only at the boundaries the rule names (rules.md §2, property)', () => {
  it('walking every day from birth to 80, each change falls on the day after 未就学, the 70-year month or the 75th birthday', () => {
    fc.assert(
      fc.property(birthDates, fc.boolean(), (birthDate, activeIncome) => {
        const boundaries = new Set([
          addDays(preschoolUntil(birthDate), 1),
          elderlyRecipientPeriod(birthDate).from,
          lateElderlyFrom(birthDate),
        ]);
        const changes: string[] = [];
        const end = addDays(birthDate, 80 * 366);
        let date = birthDate;
        let previous = copayRate({
          birthDate,
          serviceDate: date,
          scheme: 'national',
          activeIncome,
          lateElderlyBand: 1,
        });
        while (date < end) {
          date = addDays(date, 1);
          const current = copayRate({
            birthDate,
            serviceDate: date,
            scheme: 'national',
            activeIncome,
            lateElderlyBand: 1,
          });
          if (current.rate !== previous.rate || current.reason.code !== previous.reason.code) {
            changes.push(date);
          }
          previous = current;
        }
        for (const change of changes) {
          expect(boundaries.has(change)).toBe(true);
        }
        // Every named boundary is a change: the rule (verdict code) changes there even where the rate stays 3割.
        expect(new Set(changes)).toEqual(boundaries);
      }),
      { numRuns: 12 },
    );
  });
});
