import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cardExpiry,
  certificateExpiry,
  expiryNoticeWindow,
  insuranceUseGraceEnd,
  insuranceUseStatus,
  isExpiryNoticeDue,
  readerExpiryAlertWindow,
  renewalWindow,
} from './cardExpiry.js';
import { addDays, daysInMonth, formatIsoDate } from './dates.js';

describe('card and 電子証明書 validity (rules.md §4 [S20])', () => {
  it('issued 2020-08-01 to someone born 1990-05-15: card 2030-05-15, 電子証明書 2025-05-15 (test case 29)', () => {
    expect(cardExpiry({ birthDate: '1990-05-15', issueDate: '2020-08-01' })).toBe('2030-05-15');
    expect(certificateExpiry({ birthDate: '1990-05-15', issueDate: '2020-08-01' })).toBe('2025-05-15');
  });
  it('issued 2020-08-01 to a child born 2008-05-15: card to the 5th birthday, 2025-05-15 (test case 29)', () => {
    expect(cardExpiry({ birthDate: '2008-05-15', issueDate: '2020-08-01' })).toBe('2025-05-15');
  });
  it('issued before 2022-04-01 at 19: still the 5th birthday; issued at 18 from 2022-04-01: the 10th', () => {
    expect(cardExpiry({ birthDate: '2002-06-01', issueDate: '2022-03-31' })).toBe('2026-06-01');
    expect(cardExpiry({ birthDate: '2004-01-10', issueDate: '2022-04-01' })).toBe('2032-01-10');
    expect(cardExpiry({ birthDate: '2004-06-10', issueDate: '2022-04-01' })).toBe('2026-06-10');
  });
  it('a card issued on a birthday counts birthdays from the next one', () => {
    expect(cardExpiry({ birthDate: '1990-05-15', issueDate: '2020-05-15' })).toBe('2030-05-15');
    expect(certificateExpiry({ birthDate: '1990-05-15', issueDate: '2020-05-15' })).toBe('2025-05-15');
  });
  it('a 電子証明書 renewed on an old card never outlives the card', () => {
    expect(certificateExpiry({ birthDate: '1990-05-15', issueDate: '2027-01-10', cardExpiry: '2030-05-15' })).toBe(
      '2030-05-15',
    );
  });
  it('refuses an issue date before birth', () => {
    expect(() => cardExpiry({ birthDate: '2020-01-01', issueDate: '2019-01-01' })).toThrow(RangeError);
  });
});

describe('マイナ保険証 grace after expiry (rules.md §4 [S21][S29])', () => {
  it('電子証明書 expiring 2025-02-10: usable through 2025-05-31; on 2025-06-01 registration is cancelled (test case 28)', () => {
    expect(insuranceUseGraceEnd('2025-02-10')).toBe('2025-05-31');
    const args = { cardExpiry: '2030-05-15', certificateExpiry: '2025-02-10' };
    expect(insuranceUseStatus({ ...args, date: '2025-02-10' }).status).toBe('valid');
    expect(insuranceUseStatus({ ...args, date: '2025-02-11' })).toMatchObject({
      status: 'grace',
      verdict: { ok: true, code: 'grace' },
    });
    expect(insuranceUseStatus({ ...args, date: '2025-05-31' }).status).toBe('grace');
    const after = insuranceUseStatus({ ...args, date: '2025-06-01' });
    expect(after).toMatchObject({ status: 'expired', verdict: { ok: false, code: 'expired' } });
    expect(after.verdict.message.ja).toContain('資格確認書');
  });
  it('the card’s own expiry starts the grace just the same', () => {
    const args = { cardExpiry: '2025-11-30', certificateExpiry: '2025-12-10' };
    expect(insuranceUseStatus({ ...args, date: '2026-02-28' })).toMatchObject({
      status: 'grace',
      expiry: '2025-11-30',
      graceEnd: '2026-02-28',
    });
    expect(insuranceUseStatus({ ...args, date: '2026-03-01' }).status).toBe('expired');
  });
});

describe('renewal and J-LIS notice (rules.md §4 [S20]; seed 000)', () => {
  it('renewal opens the day after "3 months before" expiry', () => {
    expect(renewalWindow('2025-05-15')).toEqual({ from: '2025-02-16', to: '2025-05-15' });
  });
  it('the 有効期限通知書 goes out 2–3 months before expiry', () => {
    expect(expiryNoticeWindow('2025-05-15')).toEqual({ from: '2025-02-15', to: '2025-03-15' });
    expect(isExpiryNoticeDue('2025-05-15', '2025-02-14')).toBe(false);
    expect(isExpiryNoticeDue('2025-05-15', '2025-03-01')).toBe(true);
    expect(isExpiryNoticeDue('2025-05-15', '2025-04-01')).toBe(false);
  });
  it('the reader alerts from 3 months before to 3 months after expiry (documents-and-screens.md §4.1 [R8])', () => {
    expect(readerExpiryAlertWindow('2025-05-15')).toEqual({ from: '2025-02-15', to: '2025-08-15' });
  });
});

const dates = (min: number, max: number) =>
  fc
    .record({
      year: fc.integer({ min, max }),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 31 }),
    })
    .map(({ year, month, day }) => formatIsoDate({ year, month, day: Math.min(day, daysInMonth(year, month)) }));

describe('every expiry is after its issue date (rules.md §4, property)', () => {
  it('card, 電子証明書 and grace all end after issuance, and the certificate never outlives the card', () => {
    fc.assert(
      fc.property(dates(1900, 2030), fc.integer({ min: 0, max: 120 * 366 }), (birthDate, offset) => {
        const issueDate = addDays(birthDate, offset);
        const card = cardExpiry({ birthDate, issueDate });
        const cert = certificateExpiry({ birthDate, issueDate });
        expect(card > issueDate).toBe(true);
        expect(cert > issueDate).toBe(true);
        expect(cert <= card).toBe(true);
        expect(insuranceUseGraceEnd(cert) > cert).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
