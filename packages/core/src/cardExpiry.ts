/**
 * My Number card and 電子証明書 expiry, renewal and the マイナ保険証 grace after expiry. Sources: rules.md §4 [S20]
 * [S21] [S21b] [S29], test cases 28–29; documents-and-screens.md §4.1 (reader alert, R8). Pure: every rule takes the
 * date it is asked about.
 */
import {
  addDays,
  addMonths,
  ageOn,
  birthday,
  compareDates,
  endOfMonth,
  minDate,
  parseIsoDate,
  startOfMonth,
} from './dates.js';
import { verdict, type Verdict } from './verdict.js';

/** マイナンバーカード kinds (glossary): `standard`, 顔認証 `faceOnly`, スマホ用電子証明書 `smartphone`. */
export type CardKind = 'standard' | 'faceOnly' | 'smartphone';

/** Birth and issue dates of a card or certificate. */
export interface IssueFacts {
  birthDate: string;
  issueDate: string;
}

/** A closed period of ISO dates. */
export interface ExpiryWindow {
  from: string;
  to: string;
}

/** Until 2022-03-31 the age of majority was 20, and cards issued to under-20s ran 5 birthdays (rules.md §4 [S20]). */
export const ADULT_CARD_AGE_FROM = '2022-04-01';
/** Cards issued to adults run to the 10th birthday after issuance (rules.md §4 [S20]). */
export const ADULT_CARD_BIRTHDAYS = 10;
/** Cards issued to minors, and every 電子証明書, run to the 5th birthday after issuance (rules.md §4 [S20]). */
export const MINOR_CARD_BIRTHDAYS = 5;
/** 電子証明書 run to the 5th birthday after issuance at any age (rules.md §4 [S20]). */
export const CERTIFICATE_BIRTHDAYS = 5;
/** マイナ保険証 stays usable to the end of the 3rd month after the expiry month (rules.md §4 [S21]). */
export const INSURANCE_USE_GRACE_MONTHS = 3;

function checkIssue({ birthDate, issueDate }: IssueFacts): void {
  parseIsoDate(birthDate);
  parseIsoDate(issueDate);
  if (compareDates(issueDate, birthDate) < 0) {
    throw new RangeError(`issue date ${issueDate} is before the birth date`);
  }
}

/** The n-th birthday strictly after `issueDate` (a card issued on a birthday does not count that day). */
function nthBirthdayAfter({ birthDate, issueDate }: IssueFacts, n: number): string {
  return birthday(birthDate, ageOn(birthDate, issueDate) + n);
}

/**
 * Card validity: issued at 18 or older → the 10th birthday after issuance; younger → the 5th. Before 2022-04-01 the
 * line was 20 (rules.md §4 [S20], test case 29).
 */
export function cardExpiry(facts: IssueFacts): string {
  checkIssue(facts);
  const adultAge = compareDates(facts.issueDate, ADULT_CARD_AGE_FROM) < 0 ? 20 : 18;
  const adult = ageOn(facts.birthDate, facts.issueDate) >= adultAge;
  return nthBirthdayAfter(facts, adult ? ADULT_CARD_BIRTHDAYS : MINOR_CARD_BIRTHDAYS);
}

/**
 * 電子証明書 (利用者証明用・署名用) validity: the 5th birthday after issuance at any age, never after the card that
 * holds it — pass `cardExpiry` when the certificate was issued on an older card (rules.md §4 [S20], test case 29).
 */
export function certificateExpiry(facts: IssueFacts & { cardExpiry?: string }): string {
  checkIssue(facts);
  const own = nthBirthdayAfter(facts, CERTIFICATE_BIRTHDAYS);
  if (facts.cardExpiry === undefined) {
    return minDate(own, cardExpiry(facts));
  }
  parseIsoDate(facts.cardExpiry);
  return minDate(own, facts.cardExpiry);
}

/**
 * Last day a card whose card or 電子証明書 expired on `expiry` still works as マイナ保険証: the end of the 3rd month
 * after the expiry month (2025-02-10 → 2025-05-31; rules.md §4 [S21], test case 28).
 */
export function insuranceUseGraceEnd(expiry: string): string {
  parseIsoDate(expiry);
  return endOfMonth(addMonths(startOfMonth(expiry), INSURANCE_USE_GRACE_MONTHS));
}

/** Renewal at the 市区町村 is possible from the day after "3 months before" expiry up to the expiry (rules.md §4 [S20]). */
export function renewalWindow(expiry: string): ExpiryWindow {
  parseIsoDate(expiry);
  return { from: addDays(addMonths(expiry, -3), 1), to: expiry };
}

/** J-LIS sends the 有効期限通知書 about 2–3 months before expiry (rules.md §4 [S20]; seed 000). */
export function expiryNoticeWindow(expiry: string): ExpiryWindow {
  parseIsoDate(expiry);
  return { from: addMonths(expiry, -3), to: addMonths(expiry, -2) };
}

/** True when `date` falls in the J-LIS notice window, so the notice should be (or have been) sent. */
export function isExpiryNoticeDue(expiry: string, date: string): boolean {
  parseIsoDate(date);
  const w = expiryNoticeWindow(expiry);
  return compareDates(date, w.from) >= 0 && compareDates(date, w.to) <= 0;
}

/**
 * The reader shows an expiry alert from 3 months before to 3 months after the 電子証明書 expiry
 * (documents-and-screens.md §4.1, screen 1e [R8][R6b]).
 */
export function readerExpiryAlertWindow(expiry: string): ExpiryWindow {
  parseIsoDate(expiry);
  return { from: addMonths(expiry, -3), to: addMonths(expiry, 3) };
}

/** マイナ保険証 state: usable, in the post-expiry grace, or expired (registration cancelled). */
export type InsuranceUseStatus = 'valid' | 'grace' | 'expired';

/** The status with the date it ends and the rule. */
export interface InsuranceUseStatusResult {
  status: InsuranceUseStatus;
  /** The earlier of card and 電子証明書 expiry. */
  expiry: string;
  graceEnd: string;
  verdict: Verdict;
}

/**
 * Whether the card works as マイナ保険証 on `date`: until the earlier of card and 電子証明書 expiry it is valid; then
 * usable (資格 only, no information sharing) to the end of the 3rd month after; afterwards the 利用登録 is cancelled
 * and a 資格確認書 is needed (rules.md §4 [S21][S21b][S29], test case 28).
 */
export function insuranceUseStatus(input: {
  cardExpiry: string;
  certificateExpiry: string;
  date: string;
}): InsuranceUseStatusResult {
  parseIsoDate(input.cardExpiry);
  parseIsoDate(input.certificateExpiry);
  parseIsoDate(input.date);
  const expiry = minDate(input.cardExpiry, input.certificateExpiry);
  const graceEnd = insuranceUseGraceEnd(expiry);
  const basis = 'rules.md §4 [S21][S21b][S29]';
  if (compareDates(input.date, expiry) <= 0) {
    return {
      status: 'valid',
      expiry,
      graceEnd,
      verdict: verdict(true, 'valid', `有効（${expiry}まで）`, `Valid until ${expiry}`, 'rules.md §4 [S20]'),
    };
  }
  if (compareDates(input.date, graceEnd) <= 0) {
    return {
      status: 'grace',
      expiry,
      graceEnd,
      verdict: verdict(
        true,
        'grace',
        `有効期限（${expiry}）切れ。${graceEnd}まで資格情報のみ提供されます。お早めに市区町村の窓口で更新してください`,
        `Expired on ${expiry}; usable for qualification only (no information sharing) until ${graceEnd}. Renew at the municipal office`,
        basis,
      ),
    };
  }
  return {
    status: 'expired',
    expiry,
    graceEnd,
    verdict: verdict(
      false,
      'expired',
      `有効期限（${expiry}）から猶予期間（${graceEnd}まで）を過ぎたため保険証利用登録は解除されます。資格確認書で受診してください`,
      `Past the grace period (${graceEnd}) after expiry on ${expiry}: the insurance-use registration is cancelled; use an eligibility certificate`,
      basis,
    ),
  };
}
