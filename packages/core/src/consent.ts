/**
 * Consent at the reader to sharing past records, how long a clinic may view them, which consent items a reader
 * offers, and what the DV protection flags hide or refuse (rules.md §6, §8).
 */
import { addYears, dayReachingAge, parseIsoDate } from './dates.js';
import type { Bilingual, Verdict } from './verdict.js';
import { verdict } from './verdict.js';

/** The items a patient consents to at the reader: 診療・お薬, 手術, 健診 (rules.md §6.2). */
export type ConsentItem = 'medication' | 'surgery' | 'checkup';

/** All consent items in screen order. */
export const CONSENT_ITEMS: readonly ConsentItem[] = ['medication', 'surgery', 'checkup'];

/** Reader labels of the consent items. */
export const CONSENT_ITEM_LABELS: Record<ConsentItem, Bilingual> = {
  medication: { ja: '診療・お薬', en: 'Treatment and medication' },
  surgery: { ja: '手術', en: 'Surgery' },
  checkup: { ja: '健診', en: 'Health checkups' },
};

/** Items a facility shows unless it changes its settings: 薬剤 and 健診 (rules.md §6.2 [S33d]). */
export const DEFAULT_ENABLED_CONSENT_ITEMS: readonly ConsentItem[] = ['medication', 'checkup'];

/** Hours after consent during which the clinic may view the records; to change, re-read the card (rules.md §6.5). */
export const CONSENT_WINDOW_HOURS = 24;

/** First day of the reader's one-tap 包括同意 and of 限度額 information sent without a consent screen (§6.2–3). */
export const CONSENT_SCREEN_REFORM_DATE = '2024-10-07';

/** Years of history a clinic sees: 薬剤 3 years, 特定健診 5 years (rules.md §6.5; 薬剤 5y in press: conflict). */
export const RECORD_DEPTH_YEARS = { medication: 3, checkup: 5 } as const;

const BASIS_WINDOW = 'rules.md §6.5 [S33] (閲覧は同意から24時間)';
const BASIS_DV = 'rules.md §8 [S35]';
const HOUR_MS = 3_600_000;
const JST_OFFSET_MS = 9 * HOUR_MS;

const INSTANT = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * Milliseconds since the epoch of an ISO date-time. A date-time without an offset is Japan time (JST): consent
 * is recorded at a Japanese reader. Throws a RangeError on anything else.
 */
function instantMs(at: string | Date): number {
  if (at instanceof Date) {
    const ms = at.getTime();
    if (Number.isNaN(ms)) {
      throw new RangeError('invalid Date');
    }
    return ms;
  }
  const m = INSTANT.exec(at);
  if (m === null) {
    throw new RangeError(`not an ISO date-time: ${JSON.stringify(at)}`);
  }
  const [, date = '', hh = '', mm = '', ss = '0', frac = '0', zone] = m;
  const d = parseIsoDate(date);
  const [h, min, sec] = [Number(hh), Number(mm), Number(ss)];
  if (h > 23 || min > 59 || sec > 59) {
    throw new RangeError(`not an ISO date-time: ${JSON.stringify(at)}`);
  }
  const local = Date.UTC(d.year, d.month - 1, d.day, h, min, sec, Number(frac.padEnd(3, '0')));
  if (zone === undefined) {
    return local - JST_OFFSET_MS;
  }
  if (zone === 'Z') {
    return local;
  }
  const sign = zone.startsWith('-') ? -1 : 1;
  const offset = sign * (Number(zone.slice(1, 3)) * HOUR_MS + Number(zone.slice(4, 6)) * 60_000);
  return local - offset;
}

/** An instant as Japan time with its offset: '2025-05-02T10:00:00+09:00'. */
function formatJst(ms: number): string {
  return `${new Date(ms + JST_OFFSET_MS).toISOString().slice(0, 19)}+09:00`;
}

/**
 * The end of the viewing window opened by a consent: consent time + 24 hours, in Japan time
 * ('2025-05-01T10:00' → '2025-05-02T10:00:00+09:00'; rules.md test case 36). The window is half-open: viewing is
 * allowed before this instant, not at it (docs/decisions/0014-consent-window.md).
 */
export function consentViewableUntil(consentedAt: string): string {
  return formatJst(instantMs(consentedAt) + CONSENT_WINDOW_HOURS * HOUR_MS);
}

/** True when `at` falls in [consentedAt, consentedAt + 24 h) (rules.md §6.5, test case 36). */
export function isConsentViewable(input: { consentedAt: string; at: string | Date }): boolean {
  const start = instantMs(input.consentedAt);
  const at = instantMs(input.at);
  return at >= start && at < start + CONSENT_WINDOW_HOURS * HOUR_MS;
}

/** Where a consent stands at an instant. */
export type ConsentState = 'viewable' | 'expired' | 'notConsented' | 'notYet';

/**
 * Whether a clinic may view the consented records now, as a Verdict a screen can show: no consent, viewable (with
 * the end of the window), or expired — then the patient must read the card again (rules.md §6.5, test case 36).
 */
export function consentStatus(input: {
  consentedAt?: string | null;
  at: string | Date;
}): Verdict & { state: ConsentState; viewableUntil?: string } {
  if (input.consentedAt === undefined || input.consentedAt === null || input.consentedAt === '') {
    return {
      ...verdict(
        false,
        'CONSENT_NONE',
        '情報提供への同意がありません。',
        'The patient has not consented to sharing records.',
        BASIS_WINDOW,
      ),
      state: 'notConsented',
    };
  }
  const until = consentViewableUntil(input.consentedAt);
  const start = instantMs(input.consentedAt);
  const at = instantMs(input.at);
  if (at < start) {
    return {
      ...verdict(
        false,
        'CONSENT_NOT_YET',
        '同意の時刻より前です。',
        'This instant is before the consent was given.',
        BASIS_WINDOW,
      ),
      state: 'notYet',
      viewableUntil: until,
    };
  }
  if (isConsentViewable({ consentedAt: input.consentedAt, at: input.at })) {
    return {
      ...verdict(
        true,
        'CONSENT_VIEWABLE',
        `${until.slice(0, 16).replace('T', ' ')}まで閲覧できます。`,
        `Viewable until ${until}.`,
        BASIS_WINDOW,
      ),
      state: 'viewable',
      viewableUntil: until,
    };
  }
  return {
    ...verdict(
      false,
      'CONSENT_EXPIRED',
      '閲覧期限（同意から24時間）が過ぎました。もう一度マイナ保険証を読み取ってください。',
      'The 24-hour viewing window has ended; the patient must read the card again.',
      BASIS_WINDOW,
    ),
    state: 'expired',
    viewableUntil: until,
  };
}

/**
 * True before 2024-10-07, when the reader still asked for consent to send 限度額 information; from that day it is
 * always sent (rules.md §6.3 [S33b]).
 */
export function limitInfoNeedsConsent(date: string): boolean {
  parseIsoDate(date);
  return date < CONSENT_SCREEN_REFORM_DATE;
}

/** What the reader's consent screen offers on a day. */
export interface ConsentScreen {
  /** Items offered, in screen order: those the facility enabled. */
  items: ConsentItem[];
  /** One-tap 包括同意 to all offered items (from 2024-10-07); per-item choice is always possible. */
  blanketConsent: boolean;
  /** A separate 限度額情報 consent screen (before 2024-10-07 only). */
  limitInfoConsent: boolean;
}

/**
 * The consent screen a reader shows on `date` for a facility that enabled `enabledItems` (default: 薬剤 and 健診)
 * (rules.md §6.2–3).
 */
export function consentScreen(input: { date: string; enabledItems?: readonly ConsentItem[] }): ConsentScreen {
  parseIsoDate(input.date);
  const enabled = input.enabledItems ?? DEFAULT_ENABLED_CONSENT_ITEMS;
  return {
    items: CONSENT_ITEMS.filter((item) => enabled.includes(item)),
    blanketConsent: input.date >= CONSENT_SCREEN_REFORM_DATE,
    limitInfoConsent: limitInfoNeedsConsent(input.date),
  };
}

/**
 * The days on which a person is a 特定健診 target: from 1 April of the fiscal year in which they reach 40 (年齢計算
 * ニ関スル法律) to the day before their 75th birthday, when they join 後期 (rules.md §6.2 "(inf)": data exist
 * only for 40–74; docs/decisions/0014-consent-window.md).
 */
export function checkupTargetPeriod(birthDate: string): { from: string; to: string } {
  const reaches40 = parseIsoDate(dayReachingAge(birthDate, 40));
  const fiscalYear = reaches40.month >= 4 ? reaches40.year : reaches40.year - 1;
  return { from: `${String(fiscalYear).padStart(4, '0')}-04-01`, to: dayReachingAge(birthDate, 75) };
}

/**
 * Whether 特定健診 records can exist for a person on `on`: some day of the 5-year window before `on` falls in
 * their target period. A clinic need not offer or fetch 健診 for a 30-year-old (rules.md §6.2, §6.5).
 */
export function checkupRecordsMayExist(input: { birthDate: string; on: string }): boolean {
  const { from, to } = checkupTargetPeriod(input.birthDate);
  const windowStart = addYears(input.on, -RECORD_DEPTH_YEARS.checkup);
  return input.on >= from && windowStart <= to;
}

// ---------------------------------------------------------------------------------------------------------------
// DV protections (rules.md §8)

/** The two flags an insurer sets on request for a person escaping DV or abuse (rules.md §8). */
export interface DvFlags {
  /** 自己情報提供不可フラグ: the abuser may hold the card or be the proxy. */
  selfInfoBlocked: boolean;
  /** 不開示該当フラグ: while escaping. */
  nonDisclosure: boolean;
}

/** The effects of the DV flags; a flagged person also gets a 資格確認書 without applying (rules.md §8). */
export interface DvFlagEffects {
  cardUsableAsInsurance: boolean;
  addressHidden: boolean;
  accessHistoryHidden: boolean;
  ownRecordsHiddenInPortal: boolean;
  eligibilityCertificateWithoutApplication: boolean;
  /** One Verdict per hiding or refusing effect: ok = false when the flags hide or refuse it. */
  verdicts: Record<
    'cardUsableAsInsurance' | 'addressHidden' | 'accessHistoryHidden' | 'ownRecordsHiddenInPortal',
    Verdict
  >;
}

/**
 * What the DV flags hide or refuse (rules.md §8; test case 37). 自己情報提供不可: the card is refused as 保険証 and
 * the person's own records are hidden in マイナポータル. 不開示該当: マイナポータル やり取り履歴 hidden. Either flag hides
 * address and postal code in online checks and entitles the person to a 資格確認書 without applying
 * (docs/decisions/0015-dv-flags.md). The refusal message a reader shows never names the flag: the person at the
 * reader may be the abuser.
 */
export function dvFlagEffects(flags: DvFlags): DvFlagEffects {
  const anyFlag = flags.selfInfoBlocked || flags.nonDisclosure;
  const cardVerdict = flags.selfInfoBlocked
    ? verdict(
        false,
        'CARD_NOT_USABLE_AS_INSURANCE',
        'このカードでは資格確認ができません。保険者にお問い合わせいただくか、資格確認書をご提示ください。',
        'This card cannot be used to confirm insurance; please contact the insurer or show an eligibility certificate.',
        `${BASIS_DV} 自己情報提供不可フラグ`,
      )
    : verdict(
        true,
        'CARD_USABLE_AS_INSURANCE',
        'カードを保険証として利用できます。',
        'The card can be used as insurance.',
        BASIS_DV,
      );
  const addressVerdict = anyFlag
    ? verdict(
        false,
        'ADDRESS_HIDDEN',
        '住所・郵便番号は開示されません。',
        'Address and postal code are not disclosed.',
        `${BASIS_DV} 不開示該当フラグ / 自己情報提供不可フラグ`,
      )
    : verdict(
        true,
        'ADDRESS_DISCLOSED',
        '住所・郵便番号を返します。',
        'Address and postal code are returned.',
        BASIS_DV,
      );
  const historyVerdict = flags.nonDisclosure
    ? verdict(
        false,
        'ACCESS_HISTORY_HIDDEN',
        'マイナポータルのやり取り履歴は表示されません。',
        'The access history is not shown in the portal.',
        `${BASIS_DV} 不開示該当フラグ`,
      )
    : verdict(true, 'ACCESS_HISTORY_SHOWN', 'やり取り履歴を表示します。', 'The access history is shown.', BASIS_DV);
  const portalVerdict = flags.selfInfoBlocked
    ? verdict(
        false,
        'OWN_RECORDS_HIDDEN',
        'マイナポータルで保険証情報・診療・薬剤・医療費・健診情報は表示されません。',
        'Insurance, treatment, medication, medical-expense and checkup records are not shown in the portal.',
        `${BASIS_DV} 自己情報提供不可フラグ`,
      )
    : verdict(true, 'OWN_RECORDS_SHOWN', '本人の情報を表示します。', 'Own records are shown.', BASIS_DV);
  return {
    cardUsableAsInsurance: !flags.selfInfoBlocked,
    addressHidden: anyFlag,
    accessHistoryHidden: flags.nonDisclosure,
    ownRecordsHiddenInPortal: flags.selfInfoBlocked,
    eligibilityCertificateWithoutApplication: anyFlag,
    verdicts: {
      cardUsableAsInsurance: cardVerdict,
      addressHidden: addressVerdict,
      accessHistoryHidden: historyVerdict,
      ownRecordsHiddenInPortal: portalVerdict,
    },
  };
}
