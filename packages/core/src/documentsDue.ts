/**
 * Which document an insurer must send a member on a date: 資格確認書 (without application to those without a usable
 * マイナ保険証, DV-flag holders, every 後期 member until 2026-07-31, 後期 85+ after) or 資格情報のお知らせ (to マイナ保険証
 * holders). Sources: rules.md §5 [S28][S28b][S29][S30], §8 [S35], test case 34; documents-and-screens.md §1–2; seeds
 * 000, 003.
 */
import { insuranceCardState, LEGACY_CARD_LAST_DAY, NO_NEW_LEGACY_CARDS_FROM } from './acceptance.js';
import type { CardKind } from './cardExpiry.js';
import type { RateScheme } from './copay.js';
import { addDays, addYears, ageOn, compareDates, isIsoDate, minDate, parseIsoDate } from './dates.js';
import { verdict, type Bilingual, type Verdict } from './verdict.js';

/** Until this day every 後期 member gets a 資格確認書, マイナ保険証 or not (rules.md §5 [S28]). */
export const LATE_ELDERLY_ALL_CERTIFICATES_UNTIL = '2026-07-31';
/** From 2026-08-01, 後期 members aged 85+ still get a 資格確認書 without application (rules.md §5 [S28b]). */
export const LATE_ELDERLY_CERTIFICATE_AGE = 85;
/** 資格確認書 validity is set by the insurer, at most 5 years (rules.md §5 [S29]; documents-and-screens.md §1.1). */
export const ELIGIBILITY_CERTIFICATE_MAX_YEARS = 5;

/** A document an insurer sends. `legacyInsuranceCard` only before 2024-12-02. */
export type DueDocumentKind = 'eligibilityCertificate' | 'qualificationNotice' | 'legacyInsuranceCard';

/** Why the document is due. */
export type DueReason =
  | 'legacyCardsIssued'
  | 'lateElderlyAll'
  | 'lateElderlyAged85'
  | 'selfInfoBlocked'
  | 'noCard'
  | 'notRegistered'
  | 'registrationCancelled'
  | 'expiredPastGrace'
  | 'onRequest'
  | 'insuranceCardHolder';

/** One document the insurer must send, with the rule. */
export interface DocumentDue {
  document: DueDocumentKind;
  reason: DueReason;
  message: Bilingual;
  basis: string;
}

/** The member as the insurer knows them. */
export interface DocumentsDuePerson {
  /** Defaults to 'active'; nothing is due after loss. */
  qualification?: 'active' | 'lost';
  birthDate: string;
  scheme: RateScheme;
  /** Absent: no My Number card. */
  cardKind?: CardKind;
  cardExpiry?: string;
  certificateExpiry?: string;
  insuranceUseRegistered: boolean;
  /** 利用登録解除 was requested (from 2024-10-28) or the registration was cancelled after the grace. */
  registrationCancelled?: boolean;
  /** 自己情報提供不可フラグ (rules.md §8). */
  selfInfoBlocked?: boolean;
  /** 要配慮者 asked for a 資格確認書 (rules.md §5 [S29]). */
  requestedCertificate?: boolean;
  /** Holds a paper 保険証 with this printed expiry (use LEGACY_CARD_LAST_DAY when none is printed). */
  legacyCardExpiry?: string;
}

const BASIS_CERT = 'rules.md §5 [S29]';

function due(document: DueDocumentKind, reason: DueReason, ja: string, en: string, basis: string): DocumentDue {
  return { document, reason, message: { ja, en }, basis };
}

/** The 1 August that starts the 後期 certificate year holding `date` (validity 8/1–7/31; documents-and-screens §1.2). */
function lateElderlyYearStart(date: string): string {
  const { year, month } = parseIsoDate(date);
  return `${String(month >= 8 ? year : year - 1).padStart(4, '0')}-08-01`;
}

const CARD_REASON: Record<'noCard' | 'notRegistered' | 'expiredPastGrace' | 'registrationCancelled', Bilingual> = {
  noCard: { ja: 'マイナンバーカードがないため', en: 'No My Number card' },
  notRegistered: { ja: '健康保険証利用登録がないため', en: 'The card is not registered for insurance use' },
  expiredPastGrace: {
    ja: 'カード又は電子証明書の有効期限後の猶予期間を過ぎたため',
    en: 'Past the grace after card or certificate expiry',
  },
  registrationCancelled: { ja: '利用登録が解除されたため', en: 'The insurance-use registration was cancelled' },
};

/**
 * The documents the insurer must send the member as of `date` (rules.md §5 [S28][S28b][S29][S30], §8 [S35], test case
 * 34). A 資格確認書 replaces the お知らせ: the list holds one document, or none after loss or while a paper card serves.
 */
export function documentsDue(input: { date: string; person: DocumentsDuePerson }): DocumentDue[] {
  const { date, person } = input;
  parseIsoDate(date);
  parseIsoDate(person.birthDate);
  if (person.qualification === 'lost') {
    return [];
  }
  if (compareDates(date, NO_NEW_LEGACY_CARDS_FROM) < 0) {
    return [
      due(
        'legacyInsuranceCard',
        'legacyCardsIssued',
        '2024年12月1日までは健康保険証を交付します',
        'Paper insurance cards are issued until 2024-12-01',
        'rules.md §5 [S27]',
      ),
    ];
  }
  const state = insuranceCardState(person, date);
  const hasInsuranceCard = state === 'usable' || state === 'grace';
  const notice = due(
    'qualificationNotice',
    'insuranceCardHolder',
    'マイナ保険証をお持ちの方に資格情報のお知らせを送付します（お知らせのみでは受診できません）',
    'Qualification notice for card holders (not valid alone)',
    'rules.md §5 [S30]; seed 003',
  );

  if (person.legacyCardExpiry !== undefined) {
    parseIsoDate(person.legacyCardExpiry);
    const paperUntil = minDate(person.legacyCardExpiry, LEGACY_CARD_LAST_DAY);
    if (compareDates(date, paperUntil) <= 0) {
      // 有効な保険証を持っている方には資格確認書を交付しなくてもよい (seed 000).
      return hasInsuranceCard && person.scheme !== 'lateElderly' ? [notice] : [];
    }
  }

  if (person.scheme === 'lateElderly') {
    if (compareDates(date, LATE_ELDERLY_ALL_CERTIFICATES_UNTIL) <= 0) {
      return [
        due(
          'eligibilityCertificate',
          'lateElderlyAll',
          '2026年7月31日までは後期高齢者全員に資格確認書を交付します',
          'Until 2026-07-31 every late-elderly member gets an eligibility certificate',
          'rules.md §5 [S28]',
        ),
      ];
    }
  }
  if (person.selfInfoBlocked === true) {
    return [
      due(
        'eligibilityCertificate',
        'selfInfoBlocked',
        '自己情報提供不可フラグが設定されているため、申請によらず資格確認書を交付します',
        'The self-information block is set: an eligibility certificate without application',
        'rules.md §8 [S35]',
      ),
    ];
  }
  if (person.scheme === 'lateElderly') {
    const yearStart = lateElderlyYearStart(date);
    if (ageOn(person.birthDate, yearStart) >= LATE_ELDERLY_CERTIFICATE_AGE) {
      return [
        due(
          'eligibilityCertificate',
          'lateElderlyAged85',
          `${yearStart}時点で85歳以上のため、マイナ保険証の有無によらず資格確認書を交付します`,
          `Aged 85 or over on ${yearStart}: an eligibility certificate regardless of the card`,
          'rules.md §5 [S28b] (decision 0025)',
        ),
      ];
    }
  }
  if (!hasInsuranceCard) {
    const reason =
      state === 'noCard' || state === 'expiredPastGrace'
        ? state
        : person.registrationCancelled === true
          ? 'registrationCancelled'
          : 'notRegistered';
    const why = CARD_REASON[reason];
    return [
      due(
        'eligibilityCertificate',
        reason,
        `${why.ja}、申請によらず資格確認書を交付します`,
        `${why.en}: an eligibility certificate without application`,
        BASIS_CERT,
      ),
    ];
  }
  if (person.requestedCertificate === true) {
    return [
      due(
        'eligibilityCertificate',
        'onRequest',
        'マイナ保険証での受診が困難な方（要配慮者）の申請により資格確認書を交付します',
        'Issued on request to a member who cannot easily use the card',
        `${BASIS_CERT}${person.scheme === 'lateElderly' ? ' [S28b]' : ''}`,
      ),
    ];
  }
  return [notice];
}

/**
 * A 資格確認書's validity must start no earlier than issuance and last at most 5 years: it ends no later than the day
 * before the 5th anniversary of the issue date (rules.md §5 [S29]; decision 0025).
 */
export function validateEligibilityCertificateValidity(input: { issueDate: string; validUntil: string }): Verdict {
  const { issueDate, validUntil } = input;
  if (!isIsoDate(issueDate) || !isIsoDate(validUntil)) {
    return verdict(false, 'invalidDate', '日付が正しくありません', 'Not a valid date', BASIS_CERT);
  }
  if (compareDates(validUntil, issueDate) < 0) {
    return verdict(
      false,
      'endsBeforeIssue',
      '有効期限が交付年月日より前です',
      'The validity ends before the issue date',
      BASIS_CERT,
    );
  }
  const latest = addDays(addYears(issueDate, ELIGIBILITY_CERTIFICATE_MAX_YEARS), -1);
  if (compareDates(validUntil, latest) > 0) {
    return verdict(
      false,
      'longerThanFiveYears',
      `有効期限は5年以内（${latest}まで）にしてください`,
      `The validity may not exceed 5 years (until ${latest})`,
      BASIS_CERT,
    );
  }
  return verdict(true, 'validityOk', '有効期限は5年以内です', 'Validity within 5 years', BASIS_CERT);
}
