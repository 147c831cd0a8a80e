import type { ErrorEntry } from '../../formats/errors.js';
import { AppError, appErrorEntry } from '../../http/errors.js';
import { AuthorityError } from '../../authority/errors.js';
import { CardError } from '@onshi/card';

/**
 * Coded errors of the card authority API (the J-LIS role, issue 5). Codes are stable: municipal-office systems key
 * their handling on them, so a code is never renamed or reused.
 */
export const AUTHORITY_ERRORS = {
  unknownPerson: appErrorEntry(
    'ONSHI-E-AUTHORITY-UNKNOWN-PERSON',
    404,
    '該当する方が見つかりません。',
    'No such person.',
    'The person id does not exist in the store.',
  ),
  unknownCard: appErrorEntry(
    'ONSHI-E-AUTHORITY-UNKNOWN-CARD',
    404,
    '該当するカードが見つかりません。',
    'No such card.',
    'The card id (chip serial, 16 hex digits) does not exist.',
  ),
  unknownReaderCertificate: appErrorEntry(
    'ONSHI-E-AUTHORITY-UNKNOWN-READER-CERTIFICATE',
    404,
    '該当するカードリーダーの証明書が見つかりません。',
    'No such reader certificate.',
    'The serial does not name a reader certificate this authority issued.',
  ),
  cardAlreadyIssued: appErrorEntry(
    'ONSHI-E-AUTHORITY-CARD-ALREADY-ISSUED',
    409,
    'この方には有効なマイナンバーカードが既にあります。紛失の場合は再交付してください。',
    'This person already holds a valid My Number card; for a lost card use reissue.',
    'A person holds one physical card at a time. Use POST /authority/v1/cards/{cardId}/reissue for a lost card.',
  ),
  linkedCardRequired: appErrorEntry(
    'ONSHI-E-AUTHORITY-LINKED-CARD-REQUIRED',
    422,
    'スマホ用電子証明書には、この方の有効なマイナンバーカード(暗証番号付き)が必要です。',
    "A smartphone certificate needs the person's valid PIN card to be issued from.",
    'Send linkedCardId: an active standard card of the same person whose 利用者証明用 certificate is valid (rules.md §4 Smartphone).',
  ),
  platformRequired: appErrorEntry(
    'ONSHI-E-AUTHORITY-PLATFORM-REQUIRED',
    422,
    'スマホ用電子証明書には端末の種類(android / iphone)が必要です。',
    'A smartphone certificate needs its platform (android or iphone).',
    'Send platform "android" or "iphone" with kind "smartphone", and only then.',
  ),
  badPin: appErrorEntry(
    'ONSHI-E-AUTHORITY-BAD-PIN',
    422,
    '暗証番号の形式が正しくありません。',
    'A PIN does not have the required form.',
    '利用者証明用 and 券面事項入力補助用: 4 digits; 署名用: 6–16 of A–Z and 0–9 (rules.md §4 PIN). PINs are never echoed.',
  ),
  noPin: appErrorEntry(
    'ONSHI-E-AUTHORITY-NO-PIN',
    422,
    'このカードには暗証番号がありません(顔認証マイナンバーカード・iPhone)。',
    'This card has no PIN (face-only card or iPhone).',
    'A face-only card and an iPhone carry no PIN, so there is nothing to set or reset (rules.md §4 顔認証マイナンバーカード).',
  ),
  badCardImage: appErrorEntry(
    'ONSHI-E-AUTHORITY-BAD-CARD-IMAGE',
    422,
    'カードを読み取れません。',
    'The card could not be read.',
    'cardImage must be the onshi-card-image/1 JSON of this card (for a phone, the chip of its onshi-smartphone-image/1).',
  ),
  cardMismatch: appErrorEntry(
    'ONSHI-E-AUTHORITY-CARD-MISMATCH',
    422,
    '提示されたカードは、指定されたカードではありません。',
    'The card presented is not the card named.',
    'The chip serial of the presented image must equal the card id in the path.',
  ),
  cardRefused: appErrorEntry(
    'ONSHI-E-AUTHORITY-CARD-REFUSED',
    422,
    'カードが処理を受け付けませんでした。',
    'The card refused the operation.',
    'The chip rejected an administrative command; the card was not issued by this authority or is damaged.',
  ),
  cardNotActive: appErrorEntry(
    'ONSHI-E-AUTHORITY-CARD-NOT-ACTIVE',
    409,
    'このカードは利用できない状態です(一時利用停止・紛失・失効)。',
    'This card is not active (suspended, lost or revoked).',
    'The operation needs an active card; the detail gives its status. Lift a suspension first (in person).',
  ),
  cardNotSuspended: appErrorEntry(
    'ONSHI-E-AUTHORITY-CARD-NOT-SUSPENDED',
    409,
    'このカードは一時利用停止されていません。',
    'This card is not suspended.',
    'Only a suspended card can have its suspension lifted.',
  ),
  cardEnded: appErrorEntry(
    'ONSHI-E-AUTHORITY-CARD-ENDED',
    409,
    'このカードは失効しています。',
    'This card has ended (lost or revoked).',
    'A lost or revoked card cannot be suspended, resumed or changed; issue a new card.',
  ),
  cardExpired: appErrorEntry(
    'ONSHI-E-AUTHORITY-CARD-EXPIRED',
    409,
    'カードの有効期限が過ぎています。カードの再発行が必要です。',
    'The card itself has expired; a new card is needed.',
    'A certificate cannot outlive its card (rules.md §4 [S20]); issue a new card instead of renewing.',
  ),
  renewalTooEarly: appErrorEntry(
    'ONSHI-E-AUTHORITY-RENEWAL-TOO-EARLY',
    409,
    '電子証明書の更新は有効期限の3か月前の翌日からです。',
    'Certificates can be renewed from the day after 3 months before expiry.',
    'rules.md §4 [S20]: renewal opens on renewalWindow(expiry).from; the detail gives that date.',
  ),
  registrationNotAllowed: appErrorEntry(
    'ONSHI-E-AUTHORITY-REGISTRATION-NOT-ALLOWED',
    422,
    'この種類のカードは、この窓口で保険証利用登録ができません。',
    'This kind of card cannot register for insurance use through this channel.',
    'A face-only card registers at a clinic reader only; a smartphone through the portal (rules.md §4 [S24], test case 31).',
  ),
  badDate: appErrorEntry(
    'ONSHI-E-AUTHORITY-BAD-DATE',
    422,
    '日付に誤りがあります。',
    'The date is not valid.',
    'Dates are ISO YYYY-MM-DD; an issue date cannot be in the future or before the birth date.',
  ),
  badReader: appErrorEntry(
    'ONSHI-E-AUTHORITY-BAD-READER',
    422,
    'カードリーダーの情報に誤りがあります。',
    'The reader details are not valid.',
    'readerId: 1–64 of [A-Za-z0-9._-]; institutionCode: a registered 10-digit 医療機関コード; publicKeySpki: base64 DER RSA-2048 SubjectPublicKeyInfo.',
  ),
  stateUnreadable: appErrorEntry(
    'ONSHI-E-AUTHORITY-STATE-UNREADABLE',
    500,
    '認証局の鍵を読み込めません。',
    'The authority keys cannot be loaded.',
    'The stored CA state does not open with this server secret (decision 0090); restore the secrets file that created it.',
  ),
} as const satisfies Record<string, ErrorEntry>;

/** Turns a refusal of the CA or the chip into the API's coded error; anything else is rethrown unchanged. */
export function asAppError(error: unknown): unknown {
  if (error instanceof CardError) {
    const detail = `${error.code}: ${error.messages.en}`;
    if (error.code === 'card.imageInvalid' || error.code.startsWith('phone.')) {
      return new AppError(AUTHORITY_ERRORS.badCardImage, detail);
    }
    if (error.code === 'card.pinMalformed') {
      return new AppError(AUTHORITY_ERRORS.badPin);
    }
    if (error.code === 'card.platformRequired') {
      return new AppError(AUTHORITY_ERRORS.platformRequired);
    }
    return new AppError(AUTHORITY_ERRORS.cardRefused, detail);
  }
  if (error instanceof AuthorityError) {
    const detail = `${error.code}: ${error.messages.en}`;
    if (error.code.startsWith('certificate.readerId') || error.code.startsWith('certificate.institutionCode')) {
      return new AppError(AUTHORITY_ERRORS.badReader, detail);
    }
    return new AppError(AUTHORITY_ERRORS.badDate, detail);
  }
  return error;
}

/** Runs `fn`, translating CA and chip refusals (see `asAppError`). */
export async function translated<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw asAppError(error);
  }
}
