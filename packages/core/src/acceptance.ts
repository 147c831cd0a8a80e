/**
 * Which document a clinic may accept on a date, how it confirms the 資格, and what it charges — through the whole
 * transition timeline (rules.md §5, §8; test cases 31–33, 37), plus 保険証利用登録 channels and reader
 * authentication methods (rules.md §4 [S24]; seed 002). Sources: seeds 000, 003, 004 (事務連絡 2025-11-12).
 */
import { insuranceUseStatus, type CardKind } from './cardExpiry.js';
import { copayRate, type CopayRateValue, type LateElderlyBand, type RateScheme } from './copay.js';
import { compareDates, minDate, parseIsoDate } from './dates.js';
import { verdict, type Verdict } from './verdict.js';

/** オンライン資格確認 mandatory for 保険医療機関 (rules.md §5 [S36]). */
export const ONLINE_CONFIRMATION_MANDATORY_FROM = '2023-04-01';
/** 被保険者資格申立書 introduced by 保発0710第1号 (rules.md §5 [S31]). */
export const QUALIFICATION_DECLARATION_FROM = '2023-07-10';
/** No new paper 保険証 from this day; 資格確認書 and 資格情報のお知らせ in use (rules.md §5 [S27]; seed 003). */
export const NO_NEW_LEGACY_CARDS_FROM = '2024-12-02';
/** Last day any paper 保険証 is valid, whatever its printed expiry (rules.md §5 [S27]; seeds 000, 003). */
export const LEGACY_CARD_LAST_DAY = '2025-12-01';
/** 事務連絡 2025-06-27: expired paper card → online check by number, normal rate (rules.md §5 [S27]; 0023). */
export const PROVISIONAL_EXPIRED_CARD_FROM = '2025-06-27';
/** 事務連絡 2025-11-12: お知らせ alone is handled the same way "12月2日以降" (seed 004; 0023). */
export const PROVISIONAL_NOTICE_ALONE_FROM = '2025-12-02';
/** Last day of the 暫定 measure (rules.md §5 [S27], seed 004: 令和8年3月末まで). */
export const PROVISIONAL_MEASURE_LAST_DAY = '2026-03-31';
/** Smartphone マイナ保険証 at clinics (with a generic NFC reader) from this day (rules.md §4 [S26]). */
export const SMARTPHONE_INSURANCE_CARD_FROM = '2025-09-19';

/** What the patient shows at reception. */
export type PresentedKind =
  | 'myNumberCardAtReader'
  | 'cardWithQualificationNotice'
  | 'cardWithPortalScreen'
  | 'legacyInsuranceCard'
  | 'eligibilityCertificate'
  | 'qualificationNoticeAlone'
  | 'nothing';

/** A presented document with its own dates: a paper card's printed expiry, a 資格確認書's validity. */
export interface PresentedDocument {
  kind: PresentedKind;
  /** 健康保険証: printed 有効期限 (absent when none is printed). */
  printedExpiry?: string;
  /** 資格確認書: 有効期限. */
  validUntil?: string;
}

/** How the 資格 was confirmed. */
export type ConfirmBy = 'reader' | 'onlineByNumber' | 'visual' | 'declaration' | 'none';

/** What the window charges: the statutory rate, 10割 to be refunded by the right insurer, or not decided yet. */
export type Charge = 'normal' | 'fullThenRefund' | 'pending';

/** The next step when a document is refused (or 'none'). */
export type Fallback =
  | 'none'
  | 'useReader'
  | 'usePhysicalCard'
  | 'cardWithNoticeOrPortalScreen'
  | 'registerInsuranceUse'
  | 'eligibilityCertificate'
  | 'qualificationDeclaration'
  | 'pastRecordAndOralConfirmation'
  | 'askCurrentInsurer';

/** The person's state as the insurer and J-LIS know it. */
export interface AcceptancePerson {
  qualification: 'active' | 'lost';
  /** With `scheme`, lets the result carry the statutory rate. */
  birthDate?: string;
  scheme?: RateScheme;
  activeIncome?: boolean;
  lateElderlyBand?: LateElderlyBand;
  /** Absent: no My Number card. */
  cardKind?: CardKind;
  cardExpiry?: string;
  certificateExpiry?: string;
  /** 健康保険証利用登録 done (and not cancelled). */
  insuranceUseRegistered: boolean;
  /** 自己情報提供不可フラグ (rules.md §8). */
  selfInfoBlocked?: boolean;
}

/** One reception. `readerWorking` defaults to true; `visit` (初診/再診) to 'first'. */
export interface AcceptDocumentInput {
  date: string;
  presented: PresentedKind | PresentedDocument;
  person: AcceptancePerson;
  readerWorking?: boolean;
  /** 災害救助法 area in the period MHLW set: name, birth date and address stated orally (rules.md §5 [S32]). */
  disasterMode?: boolean;
  visit?: 'first' | 'return';
  /** Same as `presented.printedExpiry`. */
  printedExpiry?: string;
  /** Same as `presented.validUntil`. */
  validUntil?: string;
}

/** The answer at reception. `rate` is the statutory rate when the person's birth date and scheme are known. */
export interface AcceptDocumentResult {
  accepted: boolean;
  confirmBy: ConfirmBy;
  charge: Charge;
  rate: CopayRateValue | null;
  fallback: Fallback;
  verdict: Verdict;
}

/** Why a card is or is not a usable マイナ保険証. */
export type InsuranceCardState =
  'usable' | 'grace' | 'noCard' | 'notRegistered' | 'selfInfoBlocked' | 'expiredPastGrace';

/**
 * Whether the person holds a マイナ保険証 usable on `date`: a card, registered, not blocked by the 自己情報提供不可フラグ,
 * and not past the grace after card or 電子証明書 expiry (rules.md §4 [S21], §8 [S35]).
 */
export function insuranceCardState(
  person: Pick<
    AcceptancePerson,
    'cardKind' | 'cardExpiry' | 'certificateExpiry' | 'insuranceUseRegistered' | 'selfInfoBlocked'
  >,
  date: string,
): InsuranceCardState {
  if (person.cardKind === undefined) {
    return 'noCard';
  }
  if (person.selfInfoBlocked === true) {
    return 'selfInfoBlocked';
  }
  if (person.cardExpiry !== undefined || person.certificateExpiry !== undefined) {
    const cardEnd = person.cardExpiry ?? person.certificateExpiry ?? date;
    const certEnd = person.certificateExpiry ?? cardEnd;
    const status = insuranceUseStatus({ cardExpiry: cardEnd, certificateExpiry: certEnd, date }).status;
    if (status === 'expired') {
      return 'expiredPastGrace';
    }
    if (!person.insuranceUseRegistered) {
      return 'notRegistered';
    }
    return status === 'grace' ? 'grace' : 'usable';
  }
  return person.insuranceUseRegistered ? 'usable' : 'notRegistered';
}

const BASIS_TIMELINE = 'rules.md §5 [S27]';
const BASIS_LADDER = 'rules.md §5 [S31] (保発0710第1号)';

function statutoryRate(person: AcceptancePerson, date: string): CopayRateValue | null {
  if (person.birthDate === undefined || person.scheme === undefined) {
    return null;
  }
  if (person.scheme === 'lateElderly' && person.lateElderlyBand === undefined && person.activeIncome !== true) {
    return null;
  }
  if (compareDates(date, person.birthDate) < 0) {
    return null;
  }
  return copayRate({
    birthDate: person.birthDate,
    serviceDate: date,
    scheme: person.scheme,
    activeIncome: person.activeIncome,
    lateElderlyBand: person.lateElderlyBand,
  }).rate;
}

interface Context {
  date: string;
  person: AcceptancePerson;
  readerWorking: boolean;
  visit: 'first' | 'return';
  rate: CopayRateValue | null;
}

function accept(ctx: Context, confirmBy: ConfirmBy, v: Verdict): AcceptDocumentResult {
  if (ctx.person.qualification === 'lost') {
    return {
      accepted: false,
      confirmBy: confirmBy === 'reader' || confirmBy === 'onlineByNumber' ? confirmBy : 'none',
      charge: 'fullThenRefund',
      rate: null,
      fallback: 'askCurrentInsurer',
      verdict: verdict(
        false,
        'qualificationLost',
        '資格を喪失しています。現在加入している保険者の資格で受診するか、10割負担の上で療養費を請求してください',
        'The qualification has been lost: use the current insurer, or pay in full and claim a refund',
        'rules.md Appendix (QualificationValidity 2–4)',
      ),
    };
  }
  return { accepted: true, confirmBy, charge: 'normal', rate: ctx.rate, fallback: 'none', verdict: v };
}

function refuse(ctx: Context, fallback: Fallback, v: Verdict): AcceptDocumentResult {
  return { accepted: false, confirmBy: 'none', charge: 'pending', rate: null, fallback, verdict: v };
}

/** The next rung of the failure ladder for someone whose document was refused (rules.md §5 [S31]). */
function nextRung(ctx: Context): Fallback {
  const state = insuranceCardState(ctx.person, ctx.date);
  if (state === 'usable' || state === 'grace') {
    return ctx.readerWorking ? 'useReader' : 'cardWithNoticeOrPortalScreen';
  }
  if (compareDates(ctx.date, QUALIFICATION_DECLARATION_FROM) < 0) {
    return 'eligibilityCertificate';
  }
  return ctx.visit === 'return' ? 'pastRecordAndOralConfirmation' : 'qualificationDeclaration';
}

function atReader(ctx: Context): AcceptDocumentResult {
  if (!ctx.readerWorking) {
    return refuse(
      ctx,
      'cardWithNoticeOrPortalScreen',
      verdict(
        false,
        'readerUnavailable',
        'カードリーダーが使えません。マイナ保険証と資格情報のお知らせ又はマイナポータルの資格情報画面を提示してください',
        'The reader cannot be used: show the card with the qualification notice or the portal qualification screen',
        `${BASIS_LADDER}; seed 003`,
      ),
    );
  }
  if (ctx.person.cardKind === 'smartphone' && compareDates(ctx.date, SMARTPHONE_INSURANCE_CARD_FROM) < 0) {
    return refuse(
      ctx,
      'usePhysicalCard',
      verdict(
        false,
        'smartphoneNotYetAccepted',
        `スマホ保険証は${SMARTPHONE_INSURANCE_CARD_FROM}から利用できます。マイナンバーカードを使ってください`,
        `Smartphone insurance use starts on ${SMARTPHONE_INSURANCE_CARD_FROM}: use the physical card`,
        'rules.md §4 [S26]',
      ),
    );
  }
  const state = insuranceCardState(ctx.person, ctx.date);
  switch (state) {
    case 'noCard':
      return refuse(
        ctx,
        nextRung(ctx),
        verdict(false, 'noCard', 'マイナンバーカードがありません', 'No My Number card', BASIS_TIMELINE),
      );
    case 'selfInfoBlocked':
      return refuse(
        ctx,
        'eligibilityCertificate',
        verdict(
          false,
          'selfInfoBlocked',
          '自己情報提供不可フラグが設定されているため、マイナンバーカードは保険証として使えません。資格確認書で受診してください',
          'The self-information block is set: the card cannot be used as an insurance card; use an eligibility certificate',
          'rules.md §8 [S35]; seed 002',
        ),
      );
    case 'expiredPastGrace':
      return refuse(
        ctx,
        'eligibilityCertificate',
        verdict(
          false,
          'expiredPastGrace',
          '有効期限後の猶予期間を過ぎたため保険証利用登録は解除されています。資格確認書で受診し、カードを更新後に再登録してください',
          'Past the grace after expiry: the registration is cancelled; use an eligibility certificate and re-register after renewal',
          'rules.md §4 [S21][S29]',
        ),
      );
    case 'notRegistered':
      return refuse(
        ctx,
        'registerInsuranceUse',
        verdict(
          false,
          'notRegistered',
          '健康保険証利用登録がありません。カードリーダーで登録できます',
          'The card is not registered for insurance use; it can be registered at the reader',
          'documents-and-screens.md §4.1 (screen 0b) [R9]; seed 002',
        ),
      );
    case 'grace':
      return accept(
        ctx,
        'reader',
        verdict(
          true,
          'graceAfterExpiry',
          '有効期限切れ（猶予期間中）: 資格情報のみ提供されます。お早めに更新してください',
          'Expired but within the grace: qualification only, no information sharing; renew soon',
          'rules.md §4 [S21][S21b]',
        ),
      );
    case 'usable':
      return accept(
        ctx,
        'reader',
        verdict(
          true,
          'insuranceCard',
          'マイナ保険証で資格確認しました',
          'Qualification confirmed with the card at the reader',
          'rules.md §6',
        ),
      );
  }
}

function cardWithProof(
  ctx: Context,
  kind: 'cardWithQualificationNotice' | 'cardWithPortalScreen',
): AcceptDocumentResult {
  if (ctx.readerWorking) {
    return refuse(
      ctx,
      'useReader',
      verdict(
        false,
        'useReader',
        'カードリーダーが使えるときはマイナ保険証をカードリーダーで読み取ってください',
        'The reader works: read the card at the reader',
        `${BASIS_LADDER}; rules.md §5 [S30]`,
      ),
    );
  }
  if (kind === 'cardWithQualificationNotice' && compareDates(ctx.date, NO_NEW_LEGACY_CARDS_FROM) < 0) {
    return refuse(
      ctx,
      'none',
      verdict(
        false,
        'noticeNotYetInUse',
        `資格情報のお知らせは${NO_NEW_LEGACY_CARDS_FROM}から使えます。健康保険証を提示してください`,
        `The qualification notice is usable from ${NO_NEW_LEGACY_CARDS_FROM}: show the insurance card`,
        'seed 003',
      ),
    );
  }
  const state = insuranceCardState(ctx.person, ctx.date);
  if (state !== 'usable' && state !== 'grace') {
    return refuse(
      ctx,
      state === 'notRegistered' || state === 'noCard' ? nextRung(ctx) : 'eligibilityCertificate',
      verdict(
        false,
        'cardNotUsable',
        'マイナ保険証として使えないカードです（お知らせ・資格情報画面はマイナ保険証と一緒に提示するものです）',
        'The card is not a usable insurance card (the notice or screen only works together with one)',
        'rules.md §5 [S30]; rules.md §4, §8',
      ),
    );
  }
  const what = kind === 'cardWithQualificationNotice' ? '資格情報のお知らせ' : 'マイナポータルの資格情報画面';
  return accept(
    ctx,
    'visual',
    verdict(
      true,
      kind,
      `カードリーダーが使えないため、マイナ保険証と${what}で資格を確認しました`,
      'Reader unavailable: qualification confirmed visually with the card and the notice/portal screen',
      `${BASIS_LADDER}; seeds 000, 003`,
    ),
  );
}

function provisional(ctx: Context, what: string): AcceptDocumentResult {
  return accept(
    ctx,
    'onlineByNumber',
    verdict(
      true,
      'provisionalMeasure',
      `${what}: 暫定的な取扱い（${PROVISIONAL_MEASURE_LAST_DAY}まで）として被保険者番号等でオンライン資格確認し、通常の負担割合で受診できます。次回はマイナ保険証か資格確認書を持参してください`,
      `${what}: under the provisional measure (until ${PROVISIONAL_MEASURE_LAST_DAY}) the clinic confirms online by number and charges the normal rate; next time bring the card or an eligibility certificate`,
      `${BASIS_TIMELINE}; seed 004 (事務連絡 2025-11-12)`,
    ),
  );
}

function legacyCard(ctx: Context, printedExpiry: string | undefined): AcceptDocumentResult {
  const lastDay = printedExpiry === undefined ? LEGACY_CARD_LAST_DAY : minDate(printedExpiry, LEGACY_CARD_LAST_DAY);
  if (compareDates(ctx.date, lastDay) <= 0) {
    return accept(
      ctx,
      'visual',
      verdict(
        true,
        'legacyInsuranceCard',
        `有効な健康保険証（${lastDay}まで）`,
        `Valid paper insurance card (until ${lastDay})`,
        `${BASIS_TIMELINE}; seeds 000, 003`,
      ),
    );
  }
  if (
    compareDates(ctx.date, PROVISIONAL_EXPIRED_CARD_FROM) >= 0 &&
    compareDates(ctx.date, PROVISIONAL_MEASURE_LAST_DAY) <= 0
  ) {
    return provisional(ctx, '期限切れの健康保険証');
  }
  return refuse(
    ctx,
    nextRung(ctx),
    verdict(
      false,
      'legacyCardExpired',
      `健康保険証は有効期限（${lastDay}）を過ぎており使えません${compareDates(ctx.date, PROVISIONAL_MEASURE_LAST_DAY) > 0 ? '（暫定的な取扱いは2026年3月末で終了）' : ''}`,
      `The paper card expired on ${lastDay} and cannot be used${compareDates(ctx.date, PROVISIONAL_MEASURE_LAST_DAY) > 0 ? ' (the provisional measure ended on 2026-03-31)' : ''}`,
      BASIS_TIMELINE,
    ),
  );
}

function eligibilityCertificate(ctx: Context, validUntil: string | undefined): AcceptDocumentResult {
  if (validUntil === undefined) {
    throw new RangeError('an eligibility certificate needs its validUntil date');
  }
  parseIsoDate(validUntil);
  if (compareDates(ctx.date, NO_NEW_LEGACY_CARDS_FROM) < 0) {
    return refuse(
      ctx,
      'none',
      verdict(
        false,
        'certificateNotYetInUse',
        `資格確認書は${NO_NEW_LEGACY_CARDS_FROM}から発行されます`,
        `Eligibility certificates exist from ${NO_NEW_LEGACY_CARDS_FROM}`,
        'seed 003',
      ),
    );
  }
  if (compareDates(ctx.date, validUntil) > 0) {
    return refuse(
      ctx,
      nextRung(ctx),
      verdict(
        false,
        'certificateExpired',
        `資格確認書の有効期限（${validUntil}）が切れています。保険者に更新を依頼してください`,
        `The eligibility certificate expired on ${validUntil}; ask the insurer for a new one`,
        'rules.md §5 [S29]',
      ),
    );
  }
  return accept(
    ctx,
    'visual',
    verdict(
      true,
      'eligibilityCertificate',
      `有効な資格確認書（${validUntil}まで）`,
      `Valid eligibility certificate (until ${validUntil})`,
      'rules.md §5 [S29]; seed 003',
    ),
  );
}

function noticeAlone(ctx: Context): AcceptDocumentResult {
  if (
    compareDates(ctx.date, PROVISIONAL_NOTICE_ALONE_FROM) >= 0 &&
    compareDates(ctx.date, PROVISIONAL_MEASURE_LAST_DAY) <= 0
  ) {
    return provisional(ctx, '資格情報のお知らせのみ');
  }
  return refuse(
    ctx,
    nextRung(ctx),
    verdict(
      false,
      'noticeNotValidAlone',
      '資格情報のお知らせのみでは受診できません（マイナ保険証と一緒に、カードリーダーが使えないときに提示するものです）',
      'The qualification notice is not valid alone (it goes with the card when the reader cannot be used)',
      'rules.md §5 [S30]; seed 003',
    ),
  );
}

function nothing(ctx: Context): AcceptDocumentResult {
  if (ctx.visit === 'return') {
    return accept(
      ctx,
      'declaration',
      verdict(
        true,
        'pastRecordAndOralConfirmation',
        '再診: 過去の受診記録と口頭確認で資格を確認し、通常の負担割合で受診できます',
        'Return visit: qualification from past records and oral confirmation; normal rate',
        BASIS_LADDER,
      ),
    );
  }
  if (compareDates(ctx.date, QUALIFICATION_DECLARATION_FROM) < 0) {
    return {
      accepted: false,
      confirmBy: 'none',
      charge: 'fullThenRefund',
      rate: null,
      fallback: 'none',
      verdict: verdict(
        false,
        'noDocument',
        '保険証の提示がないため10割負担となり、後日保険者に療養費を請求します',
        'No document: pay in full and claim a refund from the insurer',
        'rules.md §5',
      ),
    };
  }
  return accept(
    ctx,
    'declaration',
    verdict(
      true,
      'qualificationDeclaration',
      '初診: 被保険者資格申立書に記入し、通常の負担割合（3割、未就学2割、70歳以上1〜3割）で受診できます',
      'First visit: fill in the qualification declaration; normal statutory rate (30%, preschool 20%, 70+ 10–30%)',
      BASIS_LADDER,
    ),
  );
}

/**
 * Whether the document shown at reception is accepted on `date`, how the 資格 is confirmed and what is charged
 * (rules.md §5 timeline and failure ladder, §8; test cases 32, 33, 37). The 被保険者資格申立書 path charges the normal
 * statutory rate (`rate`, from `copayRate`). In disaster mode, a refused or missing document gives way to the oral
 * statement of name, birth date and address (rules.md §5 [S32]).
 */
export function acceptDocument(input: AcceptDocumentInput): AcceptDocumentResult {
  parseIsoDate(input.date);
  const presented: PresentedDocument =
    typeof input.presented === 'string' ? { kind: input.presented } : input.presented;
  const ctx: Context = {
    date: input.date,
    person: input.person,
    readerWorking: input.readerWorking ?? true,
    visit: input.visit ?? 'first',
    rate: statutoryRate(input.person, input.date),
  };
  const result = evaluate(ctx, presented, input);
  const failed = !result.accepted && result.charge !== 'fullThenRefund';
  if (input.disasterMode === true && (failed || presented.kind === 'nothing')) {
    return accept(
      ctx,
      'declaration',
      verdict(
        true,
        'disasterOralIdentity',
        '災害時の特例: 氏名・生年月日・住所等の申出により、通常の負担割合で受診できます',
        'Disaster measure: name, birth date and address stated orally; normal rate',
        'rules.md §5 [S32]; seed 000',
      ),
    );
  }
  return result;
}

function evaluate(ctx: Context, presented: PresentedDocument, input: AcceptDocumentInput): AcceptDocumentResult {
  switch (presented.kind) {
    case 'myNumberCardAtReader':
      return atReader(ctx);
    case 'cardWithQualificationNotice':
    case 'cardWithPortalScreen':
      return cardWithProof(ctx, presented.kind);
    case 'legacyInsuranceCard':
      return legacyCard(ctx, presented.printedExpiry ?? input.printedExpiry);
    case 'eligibilityCertificate':
      return eligibilityCertificate(ctx, presented.validUntil ?? input.validUntil);
    case 'qualificationNoticeAlone':
      return noticeAlone(ctx);
    case 'nothing':
      return nothing(ctx);
  }
}

/** Where 保険証利用登録 can be done (glossary `insuranceUseRegistration`). */
export type RegistrationChannel = 'reader' | 'portal' | 'atm' | 'wardOffice';

/**
 * Whether a card kind can register for insurance use through a channel: a 顔認証 card has no PIN, so only the clinic
 * reader (face) works — not マイナポータル, ATM or the PIN terminals at ward offices (rules.md §4 [S24]; seed 002;
 * test case 31). A smartphone certificate is registered through マイナポータル only (decision 0024).
 */
export function insuranceUseRegistrationAllowed(input: { cardKind: CardKind; channel: RegistrationChannel }): Verdict {
  const { cardKind, channel } = input;
  const basis = 'rules.md §4 [S24]; seed 002';
  if (cardKind === 'standard') {
    return verdict(true, 'registrationAllowed', '利用登録できます', 'Registration allowed', basis);
  }
  if (cardKind === 'faceOnly') {
    if (channel === 'reader') {
      return verdict(
        true,
        'registrationAllowed',
        '顔認証マイナンバーカードは医療機関・薬局のカードリーダーで登録できます',
        'A face-only card registers at a clinic or pharmacy reader',
        basis,
      );
    }
    return verdict(
      false,
      'faceOnlyNeedsReader',
      '顔認証マイナンバーカードはマイナポータル・ATM・暗証番号を使う端末では登録できません。医療機関・薬局のカードリーダーで登録してください',
      'A face-only card has no PIN: register at a clinic or pharmacy reader, not the portal, an ATM or a PIN terminal',
      basis,
    );
  }
  if (channel === 'portal') {
    return verdict(
      true,
      'registrationAllowed',
      'スマホ用電子証明書でマイナポータルから登録できます',
      'The smartphone certificate registers through the portal',
      'rules.md §4 [S26] (decision 0024)',
    );
  }
  return verdict(
    false,
    'registerWithCard',
    'この方法ではマイナンバーカード本体で登録してください',
    'Use the physical card for this channel',
    'rules.md §4 [S26] (decision 0024)',
  );
}

/** Ways to authenticate at the reader. */
export type AuthMethod = 'faceAuth' | 'pin' | 'visualCheck' | 'deviceBiometrics';

/**
 * Authentication choices the reader offers: standard card — 顔認証, 暗証番号, staff 目視; 顔認証 card — no PIN; smartphone —
 * Android 4-digit スマホ用 PIN on the reader, iPhone Face/Touch ID on the phone (rules.md §4, §6 [S23][S24][S26];
 * test case 31).
 */
export function authMethodsFor(cardKind: CardKind, platform?: 'android' | 'iphone'): AuthMethod[] {
  switch (cardKind) {
    case 'standard':
      return ['faceAuth', 'pin', 'visualCheck'];
    case 'faceOnly':
      return ['faceAuth', 'visualCheck'];
    case 'smartphone':
      if (platform === 'android') {
        return ['pin'];
      }
      if (platform === 'iphone') {
        return ['deviceBiometrics'];
      }
      return ['pin', 'deviceBiometrics'];
  }
}
