import { describe, expect, it } from 'vitest';
import { FixedClock } from './clock.js';
import {
  CONSENT_WINDOW_HOURS,
  checkupRecordsMayExist,
  checkupTargetPeriod,
  consentScreen,
  consentStatus,
  consentViewableUntil,
  dvFlagEffects,
  isConsentViewable,
  limitInfoNeedsConsent,
} from './consent.js';

describe('24-hour viewing window after consent (rules.md §6.5)', () => {
  it('test case 36: consent 2025-05-01 10:00 → viewable until 2025-05-02 10:00', () => {
    expect(CONSENT_WINDOW_HOURS).toBe(24);
    expect(consentViewableUntil('2025-05-01T10:00')).toBe('2025-05-02T10:00:00+09:00');
    expect(isConsentViewable({ consentedAt: '2025-05-01T10:00', at: '2025-05-02T09:59:59' })).toBe(true);
  });
  it('test case 36: later → a new card read is needed', () => {
    const status = consentStatus({ consentedAt: '2025-05-01T10:00', at: '2025-05-02T10:30' });
    expect(status).toMatchObject({ ok: false, code: 'CONSENT_EXPIRED', state: 'expired' });
    expect(status.message.ja).toContain('もう一度');
  });
  it('the window is half-open: viewable at the consent instant, not at exactly 24 hours (decision 0014)', () => {
    expect(isConsentViewable({ consentedAt: '2025-05-01T10:00', at: '2025-05-01T10:00' })).toBe(true);
    expect(isConsentViewable({ consentedAt: '2025-05-01T10:00', at: '2025-05-02T10:00' })).toBe(false);
    expect(isConsentViewable({ consentedAt: '2025-05-01T10:00', at: '2025-05-01T09:59' })).toBe(false);
  });
  it('a date-time without offset is Japan time; offsets and Date values are honoured', () => {
    expect(consentViewableUntil('2025-05-01T01:00:00Z')).toBe('2025-05-02T10:00:00+09:00');
    expect(consentViewableUntil('2025-12-31T20:00:00+09:00')).toBe('2026-01-01T20:00:00+09:00');
    const clock = new FixedClock('2025-05-02T00:59:59Z');
    expect(isConsentViewable({ consentedAt: '2025-05-01T10:00+09:00', at: clock.now() })).toBe(true);
    clock.advance(1000);
    expect(isConsentViewable({ consentedAt: '2025-05-01T10:00+09:00', at: clock.now() })).toBe(false);
  });
  it('status: no consent, viewable with its end, or before consent', () => {
    expect(consentStatus({ at: '2025-05-01T10:00' }).state).toBe('notConsented');
    expect(consentStatus({ consentedAt: '2025-05-01T10:00', at: '2025-05-01T12:00' })).toMatchObject({
      ok: true,
      state: 'viewable',
      viewableUntil: '2025-05-02T10:00:00+09:00',
    });
    expect(consentStatus({ consentedAt: '2025-05-01T10:00', at: '2025-05-01T09:00' }).state).toBe('notYet');
  });
  it('refuses malformed date-times', () => {
    expect(() => consentViewableUntil('2025-05-01')).toThrow(RangeError);
    expect(() => consentViewableUntil('2025-05-01T25:00')).toThrow(RangeError);
  });
});

describe('the reader consent screen (rules.md §6.2–3)', () => {
  it('by default offers 診療・お薬 and 健診, not 手術', () => {
    expect(consentScreen({ date: '2025-01-10' }).items).toEqual(['medication', 'checkup']);
    expect(consentScreen({ date: '2025-01-10', enabledItems: ['checkup', 'surgery', 'medication'] }).items).toEqual([
      'medication',
      'surgery',
      'checkup',
    ]);
  });
  it('one-tap 包括同意 from 2024-10-07; before it a 限度額 consent screen', () => {
    expect(consentScreen({ date: '2024-10-06' })).toMatchObject({ blanketConsent: false, limitInfoConsent: true });
    expect(consentScreen({ date: '2024-10-07' })).toMatchObject({ blanketConsent: true, limitInfoConsent: false });
  });
  it('限度額 information needs consent only before 2024-10-07', () => {
    expect(limitInfoNeedsConsent('2024-10-06')).toBe(true);
    expect(limitInfoNeedsConsent('2024-10-07')).toBe(false);
  });
});

describe('特定健診 records exist only for ages 40–74 (rules.md §6.2 inference, §6.5 depth 5 years)', () => {
  it('a target from 1 April of the fiscal year in which one reaches 40, to the day before the 75th birthday', () => {
    expect(checkupTargetPeriod('1985-06-15')).toEqual({ from: '2025-04-01', to: '2060-06-14' });
    // born 1 April: reaches 40 on 31 March, so belongs to the fiscal year ending that day
    expect(checkupTargetPeriod('1985-04-01').from).toBe('2024-04-01');
    expect(checkupTargetPeriod('1985-04-02').from).toBe('2025-04-01');
  });
  it('none for a 30-year-old; some for a 45-year-old; some for a 77-year-old within 5 years of 74; none at 81', () => {
    expect(checkupRecordsMayExist({ birthDate: '1995-01-01', on: '2025-06-01' })).toBe(false);
    expect(checkupRecordsMayExist({ birthDate: '1980-01-01', on: '2025-06-01' })).toBe(true);
    expect(checkupRecordsMayExist({ birthDate: '1948-01-01', on: '2025-06-01' })).toBe(true);
    expect(checkupRecordsMayExist({ birthDate: '1944-01-01', on: '2025-06-01' })).toBe(false);
  });
});

describe('DV flags (rules.md §8)', () => {
  it('test case 37: 自己情報提供不可フラグ → card refused as 保険証, 資格確認書 without application', () => {
    const e = dvFlagEffects({ selfInfoBlocked: true, nonDisclosure: false });
    expect(e.cardUsableAsInsurance).toBe(false);
    expect(e.verdicts.cardUsableAsInsurance).toMatchObject({ ok: false, code: 'CARD_NOT_USABLE_AS_INSURANCE' });
    expect(e.eligibilityCertificateWithoutApplication).toBe(true);
    expect(e.ownRecordsHiddenInPortal).toBe(true);
    expect(e.addressHidden).toBe(true);
    expect(e.accessHistoryHidden).toBe(false);
  });
  it('the reader message never names the flag or DV (the person at the reader may be the abuser)', () => {
    const { message } = dvFlagEffects({ selfInfoBlocked: true, nonDisclosure: true }).verdicts.cardUsableAsInsurance;
    expect(`${message.ja}${message.en}`).not.toMatch(/DV|フラグ|flag|abuse|自己情報/i);
  });
  it('不開示該当フラグ → address and postal code hidden, access history hidden, card still usable', () => {
    const e = dvFlagEffects({ selfInfoBlocked: false, nonDisclosure: true });
    expect(e).toMatchObject({
      cardUsableAsInsurance: true,
      addressHidden: true,
      accessHistoryHidden: true,
      ownRecordsHiddenInPortal: false,
      eligibilityCertificateWithoutApplication: true,
    });
    expect(e.verdicts.addressHidden.ok).toBe(false);
  });
  it('no flags → nothing hidden or refused', () => {
    const e = dvFlagEffects({ selfInfoBlocked: false, nonDisclosure: false });
    expect(Object.values(e.verdicts).every((v) => v.ok)).toBe(true);
    expect(e.eligibilityCertificateWithoutApplication).toBe(false);
  });
});
