import type { Bilingual } from '@onshi/core';

/**
 * How far an error reaches in an OQS response. `message`: the whole message failed (SegmentOfResult 9,
 * ErrorCode/ErrorMessage in the header; oqs-interface.md §2, OQSCD003). `result`: the message was processed
 * but this person's result is an error (ProcessingResultStatus 2 with ProcessingResultCode/Message in the
 * body; OQSCD004) — used per person in a bulk result too.
 */
export type ErrorScope = 'message' | 'result';

/** One entry of the catalogue: a stable code, what HTTP answers, what reception staff and the vendor read. */
export interface ErrorEntry {
  code: string;
  httpStatus: number;
  scope: ErrorScope;
  /** For reception staff, on the clinic screen: what happened and what to do next. */
  staff: Bilingual;
  /** For the clinic-system vendor (English, technical): what to fix. */
  vendor: string;
}

function entry(
  code: string,
  httpStatus: number,
  scope: ErrorScope,
  ja: string,
  en: string,
  vendor: string,
): ErrorEntry {
  return { code, httpStatus, scope, staff: { ja, en }, vendor };
}

/**
 * The catalogue of coded errors. Codes are stable: vendors key their handling on them, so a code is never
 * renamed or reused; add new ones instead. The official result codes (別紙6-1) are not public
 * (oqs-interface.md §12), so Onshi uses its own `OQS-E-…` codes in ErrorCode / ProcessingResultCode.
 */
export const ERRORS = {
  // Wire format and input safety (issue 6 "Formats and interfaces").
  xmlMalformed: entry(
    'OQS-E-XML-MALFORMED',
    400,
    'message',
    '要求電文の形式に誤りがあります。システム業者にお問い合わせください。',
    'The request message is malformed. Please contact your system vendor.',
    'The body is not well-formed XML (unclosed or mismatched tags, stray text, nesting too deep). Send one XmlMsg document.',
  ),
  xmlDoctype: entry(
    'OQS-E-XML-DOCTYPE',
    400,
    'message',
    '要求電文に使用できない記述が含まれています。システム業者にお問い合わせください。',
    'The request message contains a forbidden declaration. Please contact your system vendor.',
    'DOCTYPE and ENTITY declarations are rejected before parsing (entity expansion and external entities). Remove the DTD.',
  ),
  xmlStructure: entry(
    'OQS-E-XML-STRUCTURE',
    400,
    'message',
    '要求電文の項目構成に誤りがあります。システム業者にお問い合わせください。',
    'The request message does not have the expected items. Please contact your system vendor.',
    'Root must be XmlMsg with MessageHeader and MessageBody, and the body must carry the elements of this message kind; see the detail for the element.',
  ),
  jsonMalformed: entry(
    'OQS-E-JSON-MALFORMED',
    400,
    'message',
    '要求電文の形式に誤りがあります。システム業者にお問い合わせください。',
    'The request message is malformed. Please contact your system vendor.',
    'The JSON body must be an object with messageHeader and messageBody in the documented shape (/openapi.json).',
  ),
  encoding: entry(
    'OQS-E-ENCODING',
    400,
    'message',
    '要求電文の文字コードに誤りがあります。システム業者にお問い合わせください。',
    'The request message uses a wrong character encoding. Please contact your system vendor.',
    'The bytes do not match the encoding declared in the XML declaration (UTF-8 when undeclared), or the encoding is not UTF-8/Shift_JIS.',
  ),
  tooLarge: entry(
    'OQS-E-TOO-LARGE',
    413,
    'message',
    '要求電文が大きすぎます。件数を分けて送信してください。',
    'The request message is too large. Please send it in smaller parts.',
    'The body exceeds the size limit; split bulk uploads into several files.',
  ),
  tooManyElements: entry(
    'OQS-E-TOO-MANY-ELEMENTS',
    413,
    'message',
    '要求電文の件数が多すぎます。件数を分けて送信してください。',
    'The request message has too many entries. Please send it in smaller parts.',
    'The document has more elements (or list entries) than allowed; split bulk uploads into several files.',
  ),
  fieldTooLong: entry(
    'OQS-E-FIELD-TOO-LONG',
    400,
    'message',
    '入力された項目の桁数が長すぎます。入力内容をご確認ください。',
    'An entered item is too long. Please check the input.',
    'A field exceeds its maximum length (see detail for the element and the limit, and the schema in /openapi.json).',
  ),
  fieldMissing: entry(
    'OQS-E-FIELD-MISSING',
    400,
    'message',
    '必須項目が入力されていません。入力内容をご確認ください。',
    'A required item is missing. Please check the input.',
    'A required element is absent or empty (see detail).',
  ),
  fieldInvalid: entry(
    'OQS-E-FIELD-INVALID',
    400,
    'message',
    '入力された項目の内容に誤りがあります。入力内容をご確認ください。',
    'An entered item is not valid. Please check the input.',
    'A field does not match its format (dates yyyyMMdd, codes from the OQSCD tables, digits only where documented); see detail.',
  ),
  insurerNumber: entry(
    'OQS-E-INSURER-NUMBER',
    400,
    'message',
    '保険者番号に誤りがあります。保険者番号（8桁、国民健康保険は6桁）をご確認ください。',
    'The insurer number is not valid. Please check it (8 digits; 6 for National Health Insurance).',
    'InsurerNumber must be 8 digits, or 6 digits for 国保 (left-padded to 8 with spaces or zeros).',
  ),
  institutionCode: entry(
    'OQS-E-INSTITUTION-CODE',
    400,
    'message',
    '医療機関コードに誤りがあります。',
    'The medical institution code is not valid.',
    'MedicalInstitutionCode must be the 10-digit code (prefecture 2, 点数表 1, number 7).',
  ),
  fileName: entry(
    'OQS-E-FILE-NAME',
    400,
    'message',
    '要求ファイルの名前に誤りがあります。システム業者にお問い合わせください。',
    'The request file name is not valid. Please contact your system vendor.',
    'File names must be {prefix}req_{id}.xml with a known prefix, no path separators and no "..".',
  ),
  unsupportedMessage: entry(
    'OQS-E-UNSUPPORTED-MESSAGE',
    400,
    'message',
    'この要求には対応していません。システム業者にお問い合わせください。',
    'This request is not supported. Please contact your system vendor.',
    'The message kind (file prefix or endpoint) is not one Onshi implements.',
  ),
  // Callers and the card.
  auth: entry(
    'OQS-E-AUTH',
    401,
    'message',
    '医療機関の認証に失敗しました。資格確認端末の設定をご確認ください。',
    'The institution could not be authenticated. Please check the terminal settings.',
    'Missing or invalid institution credentials; every call must be attributed to one institution.',
  ),
  forbidden: entry(
    'OQS-E-FORBIDDEN',
    403,
    'message',
    'この医療機関ではご利用いただけません。',
    'This institution is not allowed to make this request.',
    'The MedicalInstitutionCode in the message differs from the authenticated institution, or the operation is not enabled for it.',
  ),
  challengeExpired: entry(
    'OQS-E-CHALLENGE-EXPIRED',
    401,
    'message',
    '読み取りの有効時間を過ぎました。もう一度カードを置いてください。',
    'The reading timed out. Please place the card again.',
    'The challenge expired before the signed response arrived; request a new challenge.',
  ),
  challengeUsed: entry(
    'OQS-E-CHALLENGE-USED',
    409,
    'message',
    'この読み取りは既に使用されています。もう一度カードを置いてください。',
    'This reading was already used. Please place the card again.',
    'Challenges are single use and bound to one institution and reader; request a new challenge.',
  ),
  signature: entry(
    'OQS-E-SIGNATURE',
    401,
    'message',
    'マイナンバーカードを確認できませんでした。もう一度カードを置いてください。',
    'The My Number Card could not be verified. Please place the card again.',
    'The signature over the challenge does not verify with the authentication certificate.',
  ),
  certificateInvalid: entry(
    'OQS-E-CERT-INVALID',
    401,
    'message',
    '電子証明書を確認できませんでした。市区町村窓口でご確認ください。',
    'The electronic certificate could not be verified. Please ask at the municipal office.',
    'The authentication certificate does not chain to the card authority or is malformed.',
  ),
  certificateExpired: entry(
    'OQS-E-CERT-EXPIRED',
    401,
    'message',
    '電子証明書の有効期限が切れています。資格確認書または資格情報のお知らせ等で確認してください。',
    'The electronic certificate has expired. Please confirm with the eligibility certificate or other documents.',
    'The authentication certificate expired and the grace period for insurance use has ended (rules.md test case 28).',
  ),
  certificateRevoked: entry(
    'OQS-E-CERT-REVOKED',
    401,
    'message',
    '電子証明書が失効しています。資格確認書等で確認してください。',
    'The electronic certificate has been revoked. Please confirm with the eligibility certificate or other documents.',
    'The authentication certificate is on the revocation list.',
  ),
  certificateSuspended: entry(
    'OQS-E-CERT-SUSPENDED',
    401,
    'message',
    'マイナンバーカードが一時利用停止中です。資格確認書等で確認してください。',
    'The My Number Card is temporarily suspended. Please confirm with the eligibility certificate or other documents.',
    'The card is suspended (一時利用停止); it cannot be used until the holder lifts the suspension.',
  ),
  pinLocked: entry(
    'OQS-E-PIN-LOCKED',
    423,
    'message',
    '暗証番号がロックされています。顔認証または目視確認をご利用ください（ロック解除は市区町村窓口）。',
    'The PIN is locked. Please use face authentication or visual check (unlock at the municipal office).',
    'Three wrong PIN entries locked the authentication certificate (rules.md test case 30); offer the face path.',
  ),
  faceMismatch: entry(
    'OQS-E-FACE-MISMATCH',
    401,
    'message',
    '顔認証ができませんでした。暗証番号または目視確認をご利用ください。',
    'Face authentication failed. Please use the PIN or visual check.',
    'The reader reported no face match; fall back to the PIN or staff visual check.',
  ),
  readerOutOfOrder: entry(
    'OQS-E-READER-OUT-OF-ORDER',
    503,
    'message',
    'カードリーダーが故障中です。資格情報のお知らせ等とあわせて、被保険者番号等で確認してください。',
    'The card reader is out of order. Please confirm by insurance number together with the qualification notice or similar.',
    'The institution reported its reader out of order; use confirmation by number (reader-failure ladder).',
  ),
  notRegistered: entry(
    'OQS-E-NOT-REGISTERED',
    200,
    'result',
    'このマイナンバーカードは健康保険証の利用登録がされていません。',
    'This My Number Card is not registered for use as a health insurance card.',
    'No insuranceUseRegistration for this card holder; ask the patient to register or confirm by number.',
  ),
  // Results for one person.
  cardRefused: entry(
    'OQS-E-CARD-REFUSED',
    200,
    'result',
    'このマイナンバーカードは保険証として利用できません。資格確認書で確認してください。',
    'This My Number Card cannot be used as a health insurance card. Please confirm with the eligibility certificate.',
    'The insurer set 自己情報提供不可 for this person (rules.md §8, test case 37); confirm by number from the eligibility certificate.',
  ),
  noQualification: entry(
    'OQS-E-NO-QUALIFICATION',
    200,
    'result',
    '該当する資格が見つかりませんでした。保険者番号・記号・番号・枝番・生年月日をご確認ください。',
    'No matching qualification was found. Please check the insurer number, symbol, number, branch and birth date.',
    'QualificationValidity 4 (OQSCD006): nothing matched the search keys.',
  ),
  multipleMatches: entry(
    'OQS-E-MULTIPLE-MATCHES',
    200,
    'result',
    '複数の資格が該当しました。枝番を入力して再度照会してください。',
    'Several qualifications matched. Please enter the branch number and search again.',
    'QualificationValidity 5 (OQSCD006): add InsuredBranchNumber to the search.',
  ),
  provisionalEnded: entry(
    'OQS-E-PROVISIONAL-ENDED',
    200,
    'result',
    '暫定的な取扱い（令和8年3月31日まで）は終了しました。マイナ保険証または資格確認書で確認してください。',
    'The provisional measure (until 2026-03-31) has ended. Please confirm with a My Number insurance card or an eligibility certificate.',
    'Expired legacy cards and the qualification notice alone are accepted only up to 2026-03-31 (rules.md test cases 32–33).',
  ),
  consentMissing: entry(
    'OQS-E-CONSENT-MISSING',
    403,
    'result',
    '情報の閲覧について同意が得られていません。',
    'The patient has not consented to viewing this information.',
    'No consent for this item from this person for this institution; confirm by card with consent first.',
  ),
  consentExpired: entry(
    'OQS-E-CONSENT-EXPIRED',
    403,
    'result',
    '閲覧の有効期限（同意から24時間）を過ぎています。もう一度カードで同意を得てください。',
    'The viewing window (24 hours from consent) has passed. Please obtain consent again with the card.',
    'The 24-hour viewing window after consent has ended (rules.md test case 36).',
  ),
  consentItemDisabled: entry(
    'OQS-E-CONSENT-ITEM-DISABLED',
    403,
    'message',
    'この医療機関ではこの情報の閲覧が設定されていません。',
    'Viewing this information is not enabled for this institution.',
    'The institution has not switched on this consent item (medication, surgery or checkup).',
  ),
  disasterInactive: entry(
    'OQS-E-DISASTER-INACTIVE',
    403,
    'message',
    '災害時の資格確認は現在ご利用いただけません。',
    'Disaster-mode confirmation is not available now.',
    'Disaster mode is not active for this prefecture and date.',
  ),
  notFound: entry(
    'OQS-E-NOT-FOUND',
    404,
    'message',
    '該当する情報が見つかりませんでした。',
    'The requested information was not found.',
    'The addressed resource does not exist or is not visible to this institution.',
  ),
  referenceNumberConflict: entry(
    'OQS-E-REFERENCE-NUMBER',
    409,
    'result',
    'この照会番号は別の方に登録されています。',
    'This reference number is registered to another person.',
    'A ReferenceNumber is unique per institution; register a different one or release the old one.',
  ),
  // Bulk jobs.
  bulkUnknown: entry(
    'OQS-E-BULK-UNKNOWN',
    404,
    'message',
    '受付番号に該当する一括照会がありません。',
    'No bulk confirmation matches this reception number.',
    'The ReceptionNumber is unknown, belongs to another institution, or its results have been purged.',
  ),
  bulkProcessing: entry(
    'OQS-E-BULK-PROCESSING',
    202,
    'message',
    '一括照会を処理中です。しばらくしてから結果を取得してください。',
    'The bulk confirmation is still being processed. Please fetch the result later.',
    'SegmentOfResult 2 (処理中): poll the download request again later.',
  ),
  // Service.
  rateLimit: entry(
    'OQS-E-RATE-LIMIT',
    429,
    'message',
    '混み合っています。しばらくしてから再度お試しください。',
    'The service is busy. Please try again shortly.',
    'Too many requests from this institution; honour Retry-After.',
  ),
  unavailable: entry(
    'OQS-E-UNAVAILABLE',
    503,
    'message',
    'ただいまサービスを利用できません。しばらくしてから再度お試しください。',
    'The service is temporarily unavailable. Please try again shortly.',
    'Maintenance or a dependency is down; retry with backoff.',
  ),
  internal: entry(
    'OQS-E-INTERNAL',
    500,
    'message',
    'システムエラーが発生しました。しばらくしてから再度お試しください。',
    'A system error occurred. Please try again shortly.',
    'An unexpected error; quote the ProcessExecutionTime and ArbitraryFileIdentifier to support.',
  ),
} as const satisfies Record<string, ErrorEntry>;

/** The catalogue keys, as call sites name an error (`new OqsError('noQualification')`). */
export type ErrorName = keyof typeof ERRORS;

/** Every catalogue entry, in declaration order: for documentation and for the tests that check the catalogue. */
export const ERROR_ENTRIES: readonly ErrorEntry[] = Object.values(ERRORS);

const BY_CODE = new Map<string, ErrorEntry>(ERROR_ENTRIES.map((e) => [e.code, e]));

/** Looks an entry up by its stable code (e.g. from a stored audit row); undefined for unknown codes. */
export function errorByCode(code: string): ErrorEntry | undefined {
  return BY_CODE.get(code);
}

/**
 * The one exception the formats and the OQS service throw for outside input. It carries a catalogue entry, so
 * every failure reaches the clinic as a coded error. `detail` is for the vendor (an element name, a limit) and
 * never holds personal data.
 */
export class OqsError extends Error {
  readonly entry: ErrorEntry;
  readonly detail: string | undefined;

  constructor(name: ErrorName, detail?: string) {
    const found: ErrorEntry = ERRORS[name];
    super(detail === undefined ? found.code : `${found.code}: ${detail}`);
    this.name = 'OqsError';
    this.entry = found;
    this.detail = detail;
  }

  get code(): string {
    return this.entry.code;
  }

  get httpStatus(): number {
    return this.entry.httpStatus;
  }
}

/** Turns anything thrown into an OqsError: ours pass through, anything else becomes OQS-E-INTERNAL. */
export function toOqsError(thrown: unknown): OqsError {
  if (thrown instanceof OqsError) {
    return thrown;
  }
  return new OqsError('internal');
}

/** The JSON form of an error, as the JSON endpoints return it (Static type of `ErrorResponse` in schemas.ts). */
export interface ErrorJson {
  error: {
    code: string;
    status: number;
    message: Bilingual;
    vendorMessage: string;
    detail?: string;
  };
}

/** Renders an error for the JSON endpoints. */
export function errorJson(error: OqsError): ErrorJson {
  const body: ErrorJson['error'] = {
    code: error.entry.code,
    status: error.entry.httpStatus,
    message: error.entry.staff,
    vendorMessage: error.entry.vendor,
  };
  if (error.detail !== undefined) {
    body.detail = error.detail;
  }
  return { error: body };
}
