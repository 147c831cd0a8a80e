import type { Bilingual } from '@onshi/core';
import type { ErrorEntry } from '../../formats/errors.js';
import { appErrorEntry } from '../../http/errors.js';

/**
 * Coded errors of the reader-device bridge (/reader/v1). Codes are stable; never rename or reuse one. Refusals of
 * the card itself are not errors: they are patient screens (`PATIENT_SCREENS`).
 */
export const READER_ERRORS = {
  walletInvalid: appErrorEntry(
    'ONSHI-E-READER-WALLET',
    500,
    'デモ用カードの読み込みに失敗しました。',
    'The demo card wallet could not be loaded.',
    'The wallet file is not an onshi-demo-wallet/1 document; the detail names the part.',
  ),
  unknownCard: appErrorEntry(
    'ONSHI-E-READER-UNKNOWN-CARD',
    404,
    'そのカードはありません。',
    'There is no such card in the wallet.',
    'Use an id from GET /reader/v1/wallet.',
  ),
  sessionNotFound: appErrorEntry(
    'ONSHI-E-READER-SESSION',
    404,
    '読み取りをやり直してください。',
    'Please start again.',
    'The session is unknown, finished, expired or belongs to another institution; start a new one.',
  ),
  wrongStep: appErrorEntry(
    'ONSHI-E-READER-STEP',
    409,
    '操作の順番が正しくありません。',
    'This step is not possible now.',
    'Authenticate (pin / face) before finishing; a method the card does not have is refused.',
  ),
} as const satisfies Record<string, ErrorEntry>;

/** A screen the kiosk shows the patient: a heading, what happened and the next step (documents-and-screens §4.2). */
export interface PatientScreen {
  /** `accepted`: reception done; `refused`: the card could not be used, go to the counter. */
  outcome: 'accepted' | 'refused';
  /** Stable screen code (the OQS or bridge code it comes from). */
  code: string;
  title: Bilingual;
  message: Bilingual;
  nextStep: Bilingual;
}

const COUNTER: Bilingual = {
  ja: '受付窓口にお声がけください。',
  en: 'Please speak to the reception counter.',
};

function screen(
  outcome: PatientScreen['outcome'],
  code: string,
  title: Bilingual,
  message: Bilingual,
  nextStep: Bilingual = COUNTER,
): PatientScreen {
  return { outcome, code, title, message, nextStep };
}

/**
 * The patient's screens, by cause. Wording follows documents-and-screens.md §4 (R2, R6, R6b, R8, R9); where the
 * literal reader text is unverified the wording is Onshi's, kept short and with one next step.
 */
export const PATIENT_SCREENS = {
  done: screen(
    'accepted',
    'ok',
    { ja: '受付が完了しました', en: 'You are checked in' },
    { ja: 'マイナ保険証をカードリーダーからお取りください。', en: 'Please take your card from the reader.' },
    { ja: 'お呼びするまでお待ちください。', en: 'Please wait until you are called.' },
  ),
  doneRenew: screen(
    'accepted',
    'OQS-I-RENEWAL-REMINDER',
    { ja: '受付が完了しました', en: 'You are checked in' },
    {
      ja: '電子証明書の有効期限が切れているため、資格情報のみ当機関に提供しました。',
      en: 'Your certificate has expired, so only your insurance details were shared with this clinic.',
    },
    {
      ja: 'お早めに市区町村の窓口で電子証明書を更新してください。カードをお取りください。',
      en: 'Please renew the certificate soon at your municipal office. Please take your card.',
    },
  ),
  cardNotRecognised: screen(
    'refused',
    'READER-001',
    { ja: 'カードを認識できません', en: 'The card cannot be read' },
    {
      ja: 'マイナンバーカードが正しく置かれているか確認してください。',
      en: 'Please check that your My Number Card is placed correctly.',
    },
    {
      ja: '再度同様の画面が表示される場合は、受付窓口にお声がけください。',
      en: 'If this screen appears again, please speak to the reception counter.',
    },
  ),
  graceOver: screen(
    'refused',
    'OQS-E-CERT-EXPIRED',
    { ja: '電子証明書の有効期限が切れています', en: 'Your certificate has expired' },
    {
      ja: 'このカードは保険証として使えません。資格確認書が必要です。',
      en: 'This card cannot be used as your insurance card. You need an eligibility certificate (資格確認書).',
    },
    {
      ja: '受付窓口にお声がけください。市区町村の窓口で電子証明書を更新してください。',
      en: 'Please speak to the reception counter, and renew the certificate at your municipal office.',
    },
  ),
  counterOnly: screen(
    'refused',
    'OQS-E-CARD-REFUSED',
    { ja: '受付窓口へお越しください', en: 'Please go to the reception counter' },
    { ja: 'このカードでは受付できませんでした。', en: 'Reception with this card was not possible.' },
  ),
  noQualification: screen(
    'refused',
    'OQS-E-NO-QUALIFICATION',
    { ja: '保険の資格が確認できませんでした', en: 'Your insurance could not be confirmed' },
    {
      ja: '加入している健康保険の情報が見つかりませんでした。',
      en: 'No current health insurance was found for this card.',
    },
    {
      ja: '受付窓口にお声がけください。資格確認書などをお持ちでしたらご提示ください。',
      en: 'Please speak to the reception counter and show an eligibility certificate if you have one.',
    },
  ),
  notRegistered: screen(
    'refused',
    'OQS-E-NOT-REGISTERED',
    { ja: '保険証の利用登録がされていません', en: 'This card is not registered as an insurance card' },
    {
      ja: 'マイナンバーカードを健康保険証として使うには利用登録が必要です。',
      en: 'The card must be registered before it can be used as a health insurance card.',
    },
  ),
  certificateRevoked: screen(
    'refused',
    'OQS-E-CERT-REVOKED',
    { ja: 'このカードは使えません', en: 'This card cannot be used' },
    {
      ja: '電子証明書が失効しているか、カードが一時停止されています。',
      en: 'The certificate is revoked or the card is suspended.',
    },
  ),
  pinLocked: screen(
    'refused',
    'OQS-E-PIN-LOCKED',
    { ja: '暗証番号がロックされました', en: 'Your PIN is now locked' },
    {
      ja: '暗証番号を3回続けて間違えたため、ロックされました。ロックの解除は市区町村の窓口で行えます。',
      en: 'The PIN was entered wrongly 3 times in a row and is locked. It can be unlocked at your municipal office.',
    },
    {
      ja: '受付窓口にお声がけください。顔認証または職員による目視確認で受付できます。',
      en: 'Please speak to the reception counter: face recognition or a visual check by staff can be used.',
    },
  ),
  faceLocked: screen(
    'refused',
    'OQS-E-FACE-LOCKED',
    { ja: '顔認証ができませんでした', en: 'Face recognition did not succeed' },
    {
      ja: '顔認証を続けて失敗したため、顔認証は使えません。',
      en: 'Face recognition failed too many times and cannot be used now.',
    },
    {
      ja: '暗証番号をお使いいただくか、受付窓口にお声がけください。',
      en: 'Please use your PIN, or speak to the reception counter.',
    },
  ),
  readerOutOfOrder: screen(
    'refused',
    'OQS-E-READER-OUT-OF-ORDER',
    { ja: 'ただいまカードリーダーは使えません', en: 'The card reader is not available' },
    {
      ja: 'カードリーダーが故障しています。ご迷惑をおかけします。',
      en: 'The card reader is out of order. We apologise for the inconvenience.',
    },
    {
      ja: '受付窓口でマイナンバーカードと「資格情報のお知らせ」またはマイナポータルの資格情報画面をご提示ください。',
      en: 'At the reception counter, please show your card with the qualification notice (資格情報のお知らせ) or the Mynaportal screen.',
    },
  ),
  noSmartphoneReader: screen(
    'refused',
    'READER-NO-SMARTPHONE',
    { ja: 'スマートフォンは使えません', en: 'Smartphones cannot be used here' },
    {
      ja: 'この医療機関ではスマートフォンでの受付に対応していません。',
      en: 'This clinic has no reader for smartphones.',
    },
    { ja: 'マイナンバーカードをお使いください。', en: 'Please use your My Number Card.' },
  ),
  failed: screen(
    'refused',
    'READER-FAILED',
    { ja: '受付できませんでした', en: 'Check-in did not succeed' },
    { ja: '確認中に問題が発生しました。', en: 'A problem occurred during the check.' },
  ),
} as const satisfies Record<string, PatientScreen>;

/** The patient screen for an OQS code (result or error); anything unknown sends the patient to the counter. */
export function patientScreenFor(code: string): PatientScreen {
  switch (code) {
    case 'OQS-E-CERT-EXPIRED':
      return PATIENT_SCREENS.graceOver;
    case 'OQS-E-CARD-REFUSED':
      return PATIENT_SCREENS.counterOnly;
    case 'OQS-E-NO-QUALIFICATION':
      return PATIENT_SCREENS.noQualification;
    case 'OQS-E-NOT-REGISTERED':
      return PATIENT_SCREENS.notRegistered;
    case 'OQS-E-CERT-REVOKED':
    case 'OQS-E-CERT-SUSPENDED':
    case 'OQS-E-CERT-INVALID':
      return PATIENT_SCREENS.certificateRevoked;
    case 'OQS-E-READER-OUT-OF-ORDER':
      return PATIENT_SCREENS.readerOutOfOrder;
    case 'OQS-E-PIN-LOCKED':
      return PATIENT_SCREENS.pinLocked;
    default:
      return PATIENT_SCREENS.failed;
  }
}
