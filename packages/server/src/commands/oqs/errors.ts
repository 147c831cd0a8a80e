import type { ErrorEntry } from '../../formats/errors.js';
import { appErrorEntry } from '../../http/errors.js';

/**
 * Coded errors of the OQS administration endpoints (institution registry, reader status, disaster declarations)
 * that the OQS catalogue in formats/errors.ts does not cover. Codes are stable; never rename or reuse one.
 */
export const OQS_ADMIN_ERRORS = {
  badInstitutionCode: appErrorEntry(
    'ONSHI-E-OQS-BAD-INSTITUTION-CODE',
    422,
    '医療機関コードに誤りがあります。',
    'The medical institution code is not valid.',
    'A 医療機関コード is 10 digits: prefecture 01–47, 点数表 1/3/4, 5 digits and the modulus-10 check digit; the detail names the rule.',
  ),
  kindMismatch: appErrorEntry(
    'ONSHI-E-OQS-INSTITUTION-KIND',
    422,
    '医療機関の種別と医療機関コードの点数表番号が一致しません。',
    'The institution kind does not match the 点数表 digit of its code.',
    'Digit 3 of the code is 1 (hospital or clinic), 3 (dental) or 4 (pharmacy); send the matching kind.',
  ),
  unknownInstitution: appErrorEntry(
    'ONSHI-E-OQS-UNKNOWN-INSTITUTION',
    404,
    '医療機関が登録されていません。',
    'The institution is not registered.',
    'Register the institution first with POST /oqs/v1/institutions (authority credential).',
  ),
  otherInstitution: appErrorEntry(
    'ONSHI-E-OQS-OTHER-INSTITUTION',
    403,
    '他の医療機関の情報は操作できません。',
    "Another institution's settings cannot be changed.",
    'An institution credential may only read and change its own institution.',
  ),
  badPrefecture: appErrorEntry(
    'ONSHI-E-OQS-BAD-PREFECTURE',
    422,
    '都道府県番号に誤りがあります。',
    'The prefecture code is not valid.',
    'Prefectures are the JIS codes 01–47.',
  ),
  badPeriod: appErrorEntry(
    'ONSHI-E-OQS-BAD-PERIOD',
    422,
    '期間の指定に誤りがあります。',
    'The period is not valid.',
    'startsOn and endsOn are ISO dates with startsOn ≤ endsOn.',
  ),
  badProof: appErrorEntry(
    'ONSHI-E-OQS-BAD-PROOF',
    422,
    '資格確認の証跡を確認できませんでした。',
    'The proof of check could not be verified.',
    'The proof is not one Onshi issued, or it was altered; quote the proofOfCheck string exactly as returned.',
  ),
} as const satisfies Record<string, ErrorEntry>;

/**
 * ProcessingResultCodes Onshi adds to the catalogue: informational codes on a successful confirmation, and the
 * per-person refusal of a presented document. Informational ProcessingResultCodes on a successful confirmation (oqs-interface.md §2: the code "is also set on
 * success for 付帯情報"). The official 別紙6-1 codes are not public, so these are Onshi's own `OQS-I-…` codes.
 */
export const OQS_NOTICES = {
  /** Card or 電子証明書 expired, inside the grace: 資格 only, renew soon (rules.md §4 [S21][S21b], test case 28). */
  renewalReminder: {
    code: 'OQS-I-RENEWAL-REMINDER',
    ja: '電子証明書またはカードの有効期限が切れています（猶予期間中）。資格情報のみ提供されます。お早めに市区町村窓口で更新してください。',
    en: 'The certificate or card has expired (within the grace period). Qualification only, no information sharing; please renew soon at the municipal office.',
  },
  /** Accepted under the 暫定 measure (rules.md §5 [S27], test case 32). */
  provisionalMeasure: {
    code: 'OQS-I-PROVISIONAL',
    ja: '暫定的な取扱い（令和8年3月31日まで）として資格を確認しました。次回はマイナ保険証か資格確認書をお持ちください。',
    en: 'Confirmed under the provisional measure (until 2026-03-31). Next time please bring the card or an eligibility certificate.',
  },
  /** The presented document is not accepted on this day (core acceptDocument); the message is the rule's own. */
  documentNotAccepted: {
    code: 'OQS-E-DOCUMENT-NOT-ACCEPTED',
    ja: '提示された書類ではこの資格確認はできません。',
    en: 'The presented document cannot be used for this confirmation.',
  },
  /** Disaster mode: identity stated orally (rules.md §5 [S32]). */
  disasterMode: {
    code: 'OQS-I-DISASTER',
    ja: '災害時の特例により、氏名・生年月日・住所の申出で資格を確認しました。',
    en: 'Disaster measure: qualification confirmed from the name, birth date and address stated orally.',
  },
} as const;
