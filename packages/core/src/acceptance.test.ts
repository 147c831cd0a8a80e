import { describe, expect, it } from 'vitest';
import {
  acceptDocument,
  authMethodsFor,
  insuranceCardState,
  insuranceUseRegistrationAllowed,
  LEGACY_CARD_LAST_DAY,
  PROVISIONAL_MEASURE_LAST_DAY,
  type AcceptancePerson,
} from './acceptance.js';

/** An insured adult with a registered, valid card. */
const holder: AcceptancePerson = {
  qualification: 'active',
  birthDate: '1980-04-10',
  scheme: 'employee',
  cardKind: 'standard',
  cardExpiry: '2030-04-10',
  certificateExpiry: '2028-04-10',
  insuranceUseRegistered: true,
};
/** The same person without a card. */
const noCard: AcceptancePerson = {
  qualification: 'active',
  birthDate: '1980-04-10',
  scheme: 'employee',
  insuranceUseRegistered: false,
};

describe('マイナ保険証 at the reader (rules.md §4, §6, §8)', () => {
  it('a registered, valid card is accepted at the reader at the normal rate', () => {
    const r = acceptDocument({ date: '2026-05-10', presented: 'myNumberCardAtReader', person: holder });
    expect(r).toMatchObject({ accepted: true, confirmBy: 'reader', charge: 'normal', rate: 0.3, fallback: 'none' });
  });
  it('自己情報提供不可フラグ set → the reader refuses the card as 保険証; 資格確認書 required (test case 37)', () => {
    const r = acceptDocument({
      date: '2026-05-10',
      presented: 'myNumberCardAtReader',
      person: { ...holder, selfInfoBlocked: true },
    });
    expect(r).toMatchObject({
      accepted: false,
      fallback: 'eligibilityCertificate',
      verdict: { code: 'selfInfoBlocked' },
    });
    expect(r.verdict.basis).toContain('§8');
  });
  it('after the 電子証明書 expires the card works through the grace, then needs a 資格確認書 (rules.md §4 [S21], test case 28)', () => {
    const person = { ...holder, certificateExpiry: '2025-02-10' };
    expect(acceptDocument({ date: '2025-05-31', presented: 'myNumberCardAtReader', person })).toMatchObject({
      accepted: true,
      verdict: { code: 'graceAfterExpiry' },
    });
    expect(acceptDocument({ date: '2025-06-01', presented: 'myNumberCardAtReader', person })).toMatchObject({
      accepted: false,
      fallback: 'eligibilityCertificate',
      verdict: { code: 'expiredPastGrace' },
    });
  });
  it('an unregistered card is sent to the registration screen (documents-and-screens.md §4.1 [R9])', () => {
    const r = acceptDocument({
      date: '2026-05-10',
      presented: 'myNumberCardAtReader',
      person: { ...holder, insuranceUseRegistered: false },
    });
    expect(r).toMatchObject({ accepted: false, fallback: 'registerInsuranceUse' });
  });
  it('a broken reader sends the patient to card + お知らせ or portal screen (rules.md §5 [S31])', () => {
    const r = acceptDocument({
      date: '2026-05-10',
      presented: 'myNumberCardAtReader',
      person: holder,
      readerWorking: false,
    });
    expect(r).toMatchObject({ accepted: false, fallback: 'cardWithNoticeOrPortalScreen' });
  });
  it('a smartphone is accepted only from 2025-09-19 (rules.md §4 [S26])', () => {
    const phone = { ...holder, cardKind: 'smartphone' as const };
    expect(acceptDocument({ date: '2025-09-18', presented: 'myNumberCardAtReader', person: phone }).accepted).toBe(
      false,
    );
    expect(acceptDocument({ date: '2025-09-19', presented: 'myNumberCardAtReader', person: phone }).accepted).toBe(
      true,
    );
  });
  it('a lost qualification is not confirmed: 10割, refund from the right insurer', () => {
    const r = acceptDocument({
      date: '2026-05-10',
      presented: 'myNumberCardAtReader',
      person: { ...holder, qualification: 'lost' },
    });
    expect(r).toMatchObject({ accepted: false, charge: 'fullThenRefund', fallback: 'askCurrentInsurer' });
  });
});

describe('資格情報のお知らせ and the portal screen (rules.md §5 [S30][S31]; seed 003)', () => {
  it('お知らせ alone in 2026-05 → not accepted; with the card when the reader fails → accepted (test case 33)', () => {
    const alone = acceptDocument({ date: '2026-05-15', presented: 'qualificationNoticeAlone', person: holder });
    expect(alone).toMatchObject({ accepted: false, verdict: { code: 'noticeNotValidAlone' } });
    const withCard = acceptDocument({
      date: '2026-05-15',
      presented: 'cardWithQualificationNotice',
      person: holder,
      readerWorking: false,
    });
    expect(withCard).toMatchObject({ accepted: true, confirmBy: 'visual', charge: 'normal' });
  });
  it('card + notice or screen is only for when the reader cannot be used', () => {
    const r = acceptDocument({
      date: '2026-05-15',
      presented: 'cardWithPortalScreen',
      person: holder,
      readerWorking: true,
    });
    expect(r).toMatchObject({ accepted: false, fallback: 'useReader' });
    const broken = acceptDocument({
      date: '2026-05-15',
      presented: 'cardWithPortalScreen',
      person: holder,
      readerWorking: false,
    });
    expect(broken.accepted).toBe(true);
  });
  it('card + notice does not help a card blocked by the DV flag (rules.md §8)', () => {
    const r = acceptDocument({
      date: '2026-05-15',
      presented: 'cardWithQualificationNotice',
      person: { ...holder, selfInfoBlocked: true },
      readerWorking: false,
    });
    expect(r).toMatchObject({ accepted: false, fallback: 'eligibilityCertificate' });
  });
  it('お知らせ alone between 2025-12-02 and 2026-03-31 → online check by number under the 暫定 measure (seed 004)', () => {
    const r = acceptDocument({ date: '2026-01-20', presented: 'qualificationNoticeAlone', person: holder });
    expect(r).toMatchObject({
      accepted: true,
      confirmBy: 'onlineByNumber',
      charge: 'normal',
      verdict: { code: 'provisionalMeasure' },
    });
  });
});

describe('paper 健康保険証 through the transition (rules.md §5 [S27]; seeds 000, 003, 004)', () => {
  it('a paper card is valid to its printed expiry, at most 2025-12-01', () => {
    expect(LEGACY_CARD_LAST_DAY).toBe('2025-12-01');
    const noExpiry = { date: '2025-12-01', presented: 'legacyInsuranceCard' as const, person: noCard };
    expect(acceptDocument(noExpiry)).toMatchObject({ accepted: true, confirmBy: 'visual', charge: 'normal' });
    const printed = { kind: 'legacyInsuranceCard' as const, printedExpiry: '2025-07-31' };
    expect(acceptDocument({ date: '2025-07-31', presented: printed, person: noCard }).accepted).toBe(true);
  });
  it('expired paper card + online 資格 OK: 2026-03-15 → normal rate; 2026-04-10 → 暫定 not applicable (test case 32)', () => {
    const presented = { kind: 'legacyInsuranceCard' as const, printedExpiry: '2025-07-31' };
    const march = acceptDocument({ date: '2026-03-15', presented, person: noCard });
    expect(march).toMatchObject({ accepted: true, confirmBy: 'onlineByNumber', charge: 'normal', rate: 0.3 });
    expect(PROVISIONAL_MEASURE_LAST_DAY).toBe('2026-03-31');
    const april = acceptDocument({ date: '2026-04-10', presented, person: noCard });
    expect(april).toMatchObject({
      accepted: false,
      verdict: { code: 'legacyCardExpired' },
      fallback: 'qualificationDeclaration',
    });
    expect(april.verdict.message.en).toContain('provisional measure ended');
  });
  it('an expired paper card of someone with a マイナ保険証 points back to the reader', () => {
    const r = acceptDocument({ date: '2026-04-10', presented: 'legacyInsuranceCard', person: holder });
    expect(r.fallback).toBe('useReader');
  });
});

describe('資格確認書 (rules.md §5 [S29])', () => {
  it('is accepted within its validity and refused after', () => {
    const presented = { kind: 'eligibilityCertificate' as const, validUntil: '2026-07-31' };
    expect(acceptDocument({ date: '2026-07-31', presented, person: noCard })).toMatchObject({
      accepted: true,
      confirmBy: 'visual',
    });
    expect(acceptDocument({ date: '2026-08-01', presented, person: noCard })).toMatchObject({
      accepted: false,
      verdict: { code: 'certificateExpired' },
    });
  });
  it('is the way in for a DV-flag holder (rules.md §8, test case 37)', () => {
    const r = acceptDocument({
      date: '2026-05-10',
      presented: 'eligibilityCertificate',
      validUntil: '2027-07-31',
      person: { ...holder, selfInfoBlocked: true },
    });
    expect(r.accepted).toBe(true);
  });
  it('needs its validity date', () => {
    expect(() => acceptDocument({ date: '2026-05-10', presented: 'eligibilityCertificate', person: noCard })).toThrow(
      RangeError,
    );
  });
});

describe('no document: the failure ladder (rules.md §5 [S31], 保発0710第1号)', () => {
  it('初診 → 被保険者資格申立書 at the statutory rate: 3割, 未就学 2割, 70+ by income', () => {
    const adult = acceptDocument({ date: '2026-05-10', presented: 'nothing', person: noCard });
    expect(adult).toMatchObject({
      accepted: true,
      confirmBy: 'declaration',
      charge: 'normal',
      rate: 0.3,
      verdict: { code: 'qualificationDeclaration' },
    });
    const child = acceptDocument({
      date: '2026-05-10',
      presented: 'nothing',
      person: { ...noCard, birthDate: '2021-06-01' },
    });
    expect(child.rate).toBe(0.2);
    const elder = acceptDocument({
      date: '2026-05-10',
      presented: 'nothing',
      person: { ...noCard, birthDate: '1953-01-15' },
    });
    expect(elder.rate).toBe(0.2);
    const late = acceptDocument({
      date: '2026-05-10',
      presented: 'nothing',
      person: { ...noCard, birthDate: '1945-01-15', scheme: 'lateElderly', lateElderlyBand: 1 },
    });
    expect(late.rate).toBe(0.1);
  });
  it('再診 → past record and oral confirmation', () => {
    const r = acceptDocument({ date: '2026-05-10', presented: 'nothing', person: noCard, visit: 'return' });
    expect(r).toMatchObject({
      accepted: true,
      confirmBy: 'declaration',
      verdict: { code: 'pastRecordAndOralConfirmation' },
    });
  });
  it('before the 申立書 existed (2023-07-10), no document meant 10割 then refund', () => {
    const r = acceptDocument({ date: '2023-05-10', presented: 'nothing', person: noCard });
    expect(r).toMatchObject({ accepted: false, charge: 'fullThenRefund' });
  });
  it('in disaster mode, name, birth date and address stated orally are enough (rules.md §5 [S32])', () => {
    const r = acceptDocument({
      date: '2026-01-20',
      presented: 'qualificationNoticeAlone',
      person: noCard,
      disasterMode: true,
    });
    expect(r).toMatchObject({
      accepted: true,
      confirmBy: 'onlineByNumber',
      charge: 'normal',
      verdict: { code: 'provisionalMeasure' },
    });
    const later = acceptDocument({
      date: '2026-05-20',
      presented: 'qualificationNoticeAlone',
      person: noCard,
      disasterMode: true,
    });
    expect(later).toMatchObject({
      accepted: true,
      confirmBy: 'declaration',
      verdict: { code: 'disasterOralIdentity' },
    });
  });
});

describe('registration channels and authentication (rules.md §4 [S24]; seed 002)', () => {
  it('顔認証カード → no PIN option; マイナポータル registration rejected; reader registration allowed (test case 31)', () => {
    expect(authMethodsFor('faceOnly')).not.toContain('pin');
    expect(authMethodsFor('faceOnly')).toContain('faceAuth');
    expect(insuranceUseRegistrationAllowed({ cardKind: 'faceOnly', channel: 'portal' }).ok).toBe(false);
    expect(insuranceUseRegistrationAllowed({ cardKind: 'faceOnly', channel: 'atm' }).ok).toBe(false);
    expect(insuranceUseRegistrationAllowed({ cardKind: 'faceOnly', channel: 'reader' }).ok).toBe(true);
  });
  it('a standard card registers anywhere and offers face, PIN and staff 目視', () => {
    for (const channel of ['reader', 'portal', 'atm', 'wardOffice'] as const) {
      expect(insuranceUseRegistrationAllowed({ cardKind: 'standard', channel }).ok).toBe(true);
    }
    expect(authMethodsFor('standard')).toEqual(['faceAuth', 'pin', 'visualCheck']);
  });
  it('smartphone: Android PIN on the reader, iPhone biometrics on the phone (rules.md §4 [S26])', () => {
    expect(authMethodsFor('smartphone', 'android')).toEqual(['pin']);
    expect(authMethodsFor('smartphone', 'iphone')).toEqual(['deviceBiometrics']);
  });
  it('usable マイナ保険証 state covers card, registration, flag and grace', () => {
    expect(insuranceCardState(holder, '2026-05-10')).toBe('usable');
    expect(insuranceCardState(noCard, '2026-05-10')).toBe('noCard');
    expect(insuranceCardState({ ...holder, certificateExpiry: '2026-03-01' }, '2026-05-10')).toBe('grace');
    expect(insuranceCardState({ ...holder, certificateExpiry: '2025-03-01' }, '2026-05-10')).toBe('expiredPastGrace');
  });
});
