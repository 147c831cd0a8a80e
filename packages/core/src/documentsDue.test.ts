import { describe, expect, it } from 'vitest';
import {
  documentsDue,
  ELIGIBILITY_CERTIFICATE_MAX_YEARS,
  LATE_ELDERLY_ALL_CERTIFICATES_UNTIL,
  validateEligibilityCertificateValidity,
  type DocumentsDuePerson,
} from './documentsDue.js';

const cardHolder: DocumentsDuePerson = {
  birthDate: '1985-09-01',
  scheme: 'employee',
  cardKind: 'standard',
  cardExpiry: '2032-09-01',
  certificateExpiry: '2029-09-01',
  insuranceUseRegistered: true,
};
const kinds = (date: string, person: DocumentsDuePerson) =>
  documentsDue({ date, person }).map((d) => `${d.document}:${d.reason}`);

describe('後期 documents through 2026 (rules.md §5 [S28][S28b])', () => {
  const lateHolder = { ...cardHolder, scheme: 'lateElderly' as const };
  it('until 2026-07-31 every 後期 member gets a 資格確認書, card or not', () => {
    expect(LATE_ELDERLY_ALL_CERTIFICATES_UNTIL).toBe('2026-07-31');
    expect(kinds('2026-07-31', { ...lateHolder, birthDate: '1946-03-01' })).toEqual([
      'eligibilityCertificate:lateElderlyAll',
    ]);
  });
  it('age 86 on 2026-08-01 with マイナ保険証 → 資格確認書; age 80 with マイナ保険証 → 資格情報のお知らせ (test case 34)', () => {
    expect(kinds('2026-08-01', { ...lateHolder, birthDate: '1940-05-10' })).toEqual([
      'eligibilityCertificate:lateElderlyAged85',
    ]);
    expect(kinds('2026-08-01', { ...lateHolder, birthDate: '1946-05-10' })).toEqual([
      'qualificationNotice:insuranceCardHolder',
    ]);
  });
  it('85 reached on 1 August counts; reached on 2 August waits for the next certificate year (decision 0025)', () => {
    expect(kinds('2026-09-01', { ...lateHolder, birthDate: '1941-08-01' })).toEqual([
      'eligibilityCertificate:lateElderlyAged85',
    ]);
    expect(kinds('2026-09-01', { ...lateHolder, birthDate: '1941-08-02' })).toEqual([
      'qualificationNotice:insuranceCardHolder',
    ]);
    expect(kinds('2027-08-01', { ...lateHolder, birthDate: '1941-08-02' })).toEqual([
      'eligibilityCertificate:lateElderlyAged85',
    ]);
  });
  it('≤84 from 2026-08: 資格確認書 only without a usable マイナ保険証 or on request', () => {
    const young = { ...lateHolder, birthDate: '1946-05-10' };
    expect(kinds('2026-08-01', { ...young, cardKind: undefined })).toEqual(['eligibilityCertificate:noCard']);
    expect(kinds('2026-08-01', { ...young, requestedCertificate: true })).toEqual(['eligibilityCertificate:onRequest']);
  });
});

describe('資格確認書 without application (rules.md §5 [S29], §8 [S35])', () => {
  it('a マイナ保険証 holder gets the 資格情報のお知らせ (rules.md §5 [S30])', () => {
    expect(kinds('2026-05-01', cardHolder)).toEqual(['qualificationNotice:insuranceCardHolder']);
  });
  it('no card, not registered, registration cancelled → 資格確認書', () => {
    expect(kinds('2026-05-01', { ...cardHolder, cardKind: undefined })).toEqual(['eligibilityCertificate:noCard']);
    expect(kinds('2026-05-01', { ...cardHolder, insuranceUseRegistered: false })).toEqual([
      'eligibilityCertificate:notRegistered',
    ]);
    expect(kinds('2026-05-01', { ...cardHolder, insuranceUseRegistered: false, registrationCancelled: true })).toEqual([
      'eligibilityCertificate:registrationCancelled',
    ]);
  });
  it('電子証明書 expired: お知らせ through the grace, 資格確認書 after it (rules.md §4 [S21], test case 28)', () => {
    const expired = { ...cardHolder, certificateExpiry: '2025-02-10' };
    expect(kinds('2025-05-31', expired)).toEqual(['qualificationNotice:insuranceCardHolder']);
    expect(kinds('2025-06-01', expired)).toEqual(['eligibilityCertificate:expiredPastGrace']);
  });
  it('a DV-flag holder gets a 資格確認書 without application (rules.md §8, test case 37)', () => {
    expect(kinds('2026-05-01', { ...cardHolder, selfInfoBlocked: true })).toEqual([
      'eligibilityCertificate:selfInfoBlocked',
    ]);
  });
  it('要配慮者 get one on request', () => {
    expect(kinds('2026-05-01', { ...cardHolder, requestedCertificate: true })).toEqual([
      'eligibilityCertificate:onRequest',
    ]);
  });
  it('nothing is due after the qualification is lost', () => {
    expect(documentsDue({ date: '2026-05-01', person: { ...cardHolder, qualification: 'lost' } })).toEqual([]);
  });
});

describe('the paper-card period (rules.md §5 [S27]; seed 000)', () => {
  it('before 2024-12-02 the insurer issues paper cards', () => {
    expect(kinds('2024-12-01', cardHolder)).toEqual(['legacyInsuranceCard:legacyCardsIssued']);
  });
  it('while a valid paper card serves, no 資格確認書 is needed yet; after 2025-12-01 it is', () => {
    const paper = { ...cardHolder, cardKind: undefined, legacyCardExpiry: '2026-03-31' };
    expect(kinds('2025-12-01', paper)).toEqual([]);
    expect(kinds('2025-12-02', paper)).toEqual(['eligibilityCertificate:noCard']);
  });
  it('every entry names its source', () => {
    for (const d of documentsDue({
      date: '2026-08-01',
      person: { ...cardHolder, scheme: 'lateElderly', birthDate: '1940-01-01' },
    })) {
      expect(d.basis).toMatch(/rules\.md/);
      expect(d.message.ja.length).toBeGreaterThan(0);
    }
  });
});

describe('資格確認書 validity ≤ 5 years (rules.md §5 [S29])', () => {
  it('accepts up to the day before the 5th anniversary and refuses beyond', () => {
    expect(ELIGIBILITY_CERTIFICATE_MAX_YEARS).toBe(5);
    expect(validateEligibilityCertificateValidity({ issueDate: '2024-12-02', validUntil: '2029-11-30' }).ok).toBe(true);
    expect(validateEligibilityCertificateValidity({ issueDate: '2024-12-02', validUntil: '2029-12-01' }).ok).toBe(true);
    expect(validateEligibilityCertificateValidity({ issueDate: '2024-12-02', validUntil: '2029-12-02' })).toMatchObject(
      {
        ok: false,
        code: 'longerThanFiveYears',
      },
    );
  });
  it('refuses a validity ending before issuance or a malformed date', () => {
    expect(validateEligibilityCertificateValidity({ issueDate: '2025-08-01', validUntil: '2025-07-31' }).code).toBe(
      'endsBeforeIssue',
    );
    expect(validateEligibilityCertificateValidity({ issueDate: '2025-02-30', validUntil: '2026-07-31' }).code).toBe(
      'invalidDate',
    );
  });
});
