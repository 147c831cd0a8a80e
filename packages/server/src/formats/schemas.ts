import { OQS_CODE_TABLES, isOqsCode, type OqsCode, type OqsCodeTableName } from '@onshi/core';
import { Type, type Static, type TEnum, type TString } from 'typebox';
import type { WireKind } from './wire.js';

/*
 * One TypeBox schema per OQS message, in the JSON form: the XmlMsg tree with camelCase names
 * (`QualificationConfirmSearchInfo` → `qualificationConfirmSearchInfo`, `MessageHeader` → `messageHeader`).
 * The XML codec (oqs-xml/codec.ts) walks these same schemas, so the tag of a property is always its name with
 * the first letter upper-cased, and the two forms cannot drift. Annotations read by the codec:
 * - `x-wire` on strings: how the value is normalised (wire.ts `WireKind`);
 * - `x-item` on arrays: the arrays is a wrapper element (the property's tag) around repeated `x-item`
 *   elements (`ResultList` → `ResultOfQualificationConfirmation`*). Without it, the array is the property's
 *   element repeated (a bulk body's `QualificationConfirmSearchInfo`*).
 * Tags and code values follow ../shared/domain/oqs-interface.md §2–§8; lengths the public sources do not give
 * (the official XSDs are vendor-only, §12) are Onshi's generous caps, noted as such.
 */

/** Free text: names, addresses, 記号/番号. Widths are kept; only the ends are trimmed. */
function text(maxLength: number, description?: string): TString {
  return Type.String({ minLength: 1, maxLength, 'x-wire': 'text' satisfies WireKind, description });
}

/** A fixed or bounded run of ASCII digits (full-width digits are folded when read). */
function digits(min: number, max: number = min, description?: string): TString {
  const quantifier = min === max ? `{${min}}` : `{${min},${max}}`;
  return Type.String({
    pattern: `^\\d${quantifier}$`,
    minLength: min,
    maxLength: max,
    'x-wire': 'digits' satisfies WireKind,
    description,
  });
}

/** A value from an OQS code table (OQSCDnnn). */
function code<const V extends string[]>(values: readonly [...V], description: string): TEnum<V> {
  const maxLength = Math.max(...values.map((v) => v.length));
  return Type.Enum(values, { maxLength, 'x-wire': 'code' satisfies WireKind, description });
}

/**
 * A value from an OQS code table (OQSCDnnn), taken from @onshi/core `OQS_CODE_TABLES` so the wire schema and the
 * rules engine share one list (docs/decisions/0016-oqs-code-tables.md).
 */
function codeTable<T extends OqsCodeTableName>(table: T): TEnum<OqsCode<T>[]> {
  const t = OQS_CODE_TABLES[table];
  const values = Object.keys(t.codes).filter((k): k is OqsCode<T> => isOqsCode(table, k));
  const maxLength = Math.max(...values.map((v) => v.length));
  const labels = Object.entries(t.codes)
    .map(([k, v]: [string, { ja: string }]) => `${k} ${v.ja}`)
    .join(' / ');
  return Type.Enum(values, {
    maxLength,
    'x-wire': 'code' satisfies WireKind,
    description: `${t.name.ja} (${t.id}): ${labels}`,
  });
}

/** yyyyMMdd, a real calendar date. */
function date(description: string): TString {
  return Type.String({ pattern: '^\\d{8}$', maxLength: 8, 'x-wire': 'date' satisfies WireKind, description });
}

/** yyyyMMddHHmmss in Japan time. */
function dateTime(description: string): TString {
  return Type.String({ pattern: '^\\d{14}$', maxLength: 14, 'x-wire': 'dateTime' satisfies WireKind, description });
}

/** yyyyMM. */
function month(description: string): TString {
  return Type.String({ pattern: '^\\d{6}$', maxLength: 6, 'x-wire': 'month' satisfies WireKind, description });
}

/** 保険者番号: 8 digits, or 6 for 国保 (sent left-padded to 8 with spaces). */
const insurerNumber = Type.String({
  pattern: '^(\\d{6}|\\d{8})$',
  maxLength: 8,
  'x-wire': 'insurerNumber' satisfies WireKind,
  description: '保険者番号: 8 digits, or 6 for 国保 (on the XML wire left-padded to 8 with spaces)',
});
const institutionCode = digits(10, 10, '医療機関コード (10 digits)');
const arbitraryFileIdentifier = text(50, '任意のファイル識別子, echoed in the response (cap is Onshi’s)');
const symbol = text(40, '被保険者証記号 (cap is Onshi’s)');
const number = text(40, '被保険者証番号 (cap is Onshi’s)');
const branch = digits(2, 2, '枝番 (2 digits)');
const referenceNumber = text(20, '照会番号: the clinic’s patient id (cap is Onshi’s)');
const limitConsentFlag = codeTable('limitConsent');
const consentFlag = codeTable('consentFlag');
const characterCodeIdentifier = codeTable('characterCode');
const segmentOfResult = codeTable('segmentOfResult');
const processingResultStatus = codeTable('processingResultStatus');
const processingResultCode = text(40, '処理結果コード (Onshi catalogue code, formats/errors.ts)');
const processingResultMessage = text(400, '処理結果メッセージ');
const qualificationValidity = codeTable('qualificationValidity');
const prescriptionIssueSelect = codeTable('prescriptionIssueSelect');
const sex = codeTable('sex');
const ratio = digits(3, 3, '負担割合, e.g. "010" = 1割, "030" = 3割');

// ---------------------------------------------------------------------------------------------------------
// Search keys and the result of one confirmation (oqs-interface.md §3)

/** 資格確認の照会条件: what a clinic sends to confirm by number. */
export const QualificationConfirmSearchInfo = Type.Object({
  insurerNumber,
  insuredCardSymbol: Type.Optional(symbol),
  insuredIdentificationNumber: number,
  insuredBranchNumber: Type.Optional(branch),
  birthdate: date('生年月日'),
  limitApplicationCertificateRelatedConsFlg: Type.Optional(limitConsentFlag),
  arbitraryIdentifier: Type.Optional(text(50, '任意の識別子, echoed (cap is Onshi’s)')),
});
export type QualificationConfirmSearchInfo = Static<typeof QualificationConfirmSearchInfo>;

/** 高齢受給者証 (70–74): the elderly recipient's certificate. */
export const ElderlyRecipientCertificateInfo = Type.Object({
  elderlyRecipientCertificateDate: Type.Optional(date('交付年月日')),
  elderlyRecipientValidStartDate: Type.Optional(date('有効開始年月日')),
  elderlyRecipientValidEndDate: Type.Optional(date('有効終了年月日')),
  elderlyRecipientContributionRatio: Type.Optional(ratio),
});

/** 限度額適用認定証 related information (always returned since 2024-10-07, no consent screen). */
export const LimitApplicationCertificateRelatedInfo = Type.Object({
  limitApplicationCertificateClassification: Type.Optional(codeTable('limitCertificateClassification')),
  limitApplicationCertificateClassificationFlag: Type.Optional(codeTable('limitCategory')),
  limitApplicationCertificateDate: Type.Optional(date('交付年月日')),
  limitApplicationCertificateValidStartDate: Type.Optional(date('有効開始年月日')),
  limitApplicationCertificateValidEndDate: Type.Optional(date('有効終了年月日')),
  limitApplicationCertificateLongTermDate: Type.Optional(date('長期入院該当年月日')),
});

/** 特定疾病療養受療証 (one certificate). */
export const SpecificDiseasesCertificateInfo = Type.Object({
  specificDiseasesDiseaseCategory: Type.Optional(codeTable('specificDisease')),
  specificDiseasesCertificateDate: Type.Optional(date('交付年月日')),
  specificDiseasesValidStartDate: Type.Optional(date('有効開始年月日')),
  specificDiseasesValidEndDate: Type.Optional(date('有効終了年月日')),
  specificDiseasesSelfPay: Type.Optional(digits(1, 7, '自己負担限度額 (円)')),
});

/** 医療券 (医療扶助) information, as far as the public sources name its fields (oqs-interface.md §3). */
export const MedicalTicketInfo = Type.Object({
  ticketType: Type.Optional(text(2, '券種')),
  medicalTicketValidDate: Type.Optional(date('有効開始日')),
  medicalTicketExpirationDate: Type.Optional(date('有効終了日')),
  issueNumber: Type.Optional(text(20, '交付番号')),
  medicalTreatmentMonth: Type.Optional(month('診療年月')),
  designatedMedicalInstitutionCode: Type.Optional(text(10, '指定医療機関コード')),
  selfPayAmount: Type.Optional(digits(1, 9, '本人支払額 (円)')),
  publicExpenseNumber: Type.Optional(digits(8, 8, '公費負担者番号')),
  beneficiaryNumber: Type.Optional(digits(7, 7, '公費受給者番号')),
  welfareOfficeName: Type.Optional(text(100, '福祉事務所名')),
});

/** 資格確認結果: everything OQS returns about one person's qualification (oqs-interface.md §3 table). */
export const ResultOfQualificationConfirmation = Type.Object({
  insuredCardClassification: Type.Optional(codeTable('insuredCardClassification')),
  insurerNumber: Type.Optional(insurerNumber),
  insuredCardSymbol: Type.Optional(symbol),
  insuredIdentificationNumber: Type.Optional(number),
  insuredBranchNumber: Type.Optional(branch),
  personalFamilyClassification: Type.Optional(codeTable('personalFamily')),
  insuredName: Type.Optional(text(100, '被保険者氏名 (世帯主)')),
  name: Type.Optional(text(100, '氏名')),
  nameOfOther: Type.Optional(text(100, '氏名 (その他)')),
  nameKana: Type.Optional(text(100, 'カナ氏名 (半角)')),
  nameOfOtherKana: Type.Optional(text(100, 'カナ氏名 (その他)')),
  sex1: Type.Optional(sex),
  sex2: Type.Optional(sex),
  birthdate: Type.Optional(date('生年月日')),
  address: Type.Optional(text(200, '住所 (never returned under 不開示該当フラグ)')),
  postNumber: Type.Optional(
    Type.String({
      pattern: '^\\d{3}-\\d{4}$',
      maxLength: 8,
      'x-wire': 'digits' satisfies WireKind,
      description: '郵便番号 123-4567',
    }),
  ),
  qualificationDate: Type.Optional(date('資格取得年月日')),
  disqualificationDate: Type.Optional(date('資格喪失年月日')),
  insuredCertificateIssuanceDate: Type.Optional(date('証交付年月日')),
  insuredCardValidDate: Type.Optional(date('有効開始年月日')),
  insuredCardExpirationDate: Type.Optional(date('有効終了年月日')),
  insuredPartialContributionRatio: Type.Optional(ratio),
  preschoolClassification: Type.Optional(codeTable('preschool')),
  reasonOfLoss: Type.Optional(codeTable('lossReason')),
  insurerName: Type.Optional(text(100, '保険者名称')),
  elderlyRecipientCertificateInfo: Type.Optional(ElderlyRecipientCertificateInfo),
  limitApplicationCertificateRelatedConsFlg: Type.Optional(limitConsentFlag),
  limitApplicationCertificateRelatedConsTime: Type.Optional(dateTime('限度額情報 同意日時')),
  limitApplicationCertificateRelatedInfo: Type.Optional(LimitApplicationCertificateRelatedInfo),
  specificDiseasesCertificateRelatedConsFlg: Type.Optional(consentFlag),
  specificDiseasesCertificateRelatedConsTime: Type.Optional(dateTime('特定疾病情報 同意日時')),
  specificDiseasesCertificateList: Type.Optional(
    Type.Array(SpecificDiseasesCertificateInfo, { maxItems: 10, 'x-item': 'SpecificDiseasesCertificateInfo' }),
  ),
  publicExpenseResultList: Type.Optional(
    Type.Array(MedicalTicketInfo, { maxItems: 50, 'x-item': 'MedicalTicketInfo' }),
  ),
  specificHealthCheckupsInfoConsFlg: Type.Optional(consentFlag),
  specificHealthCheckupsInfoConsTime: Type.Optional(dateTime('特定健診情報 同意日時')),
  specificHealthCheckupsInfoAvailableTime: Type.Optional(dateTime('特定健診情報 閲覧有効期限')),
  pharmacistsInfoConsFlg: Type.Optional(consentFlag),
  pharmacistsInfoConsTime: Type.Optional(dateTime('薬剤情報 同意日時')),
  pharmacistsInfoAvailableTime: Type.Optional(dateTime('薬剤情報 閲覧有効期限')),
  diagnosisInfoConsFlg: Type.Optional(consentFlag),
  diagnosisInfoConsTime: Type.Optional(dateTime('診療情報 同意日時')),
  diagnosisInfoAvailableTime: Type.Optional(dateTime('診療情報 閲覧有効期限')),
  operationInfoConsFlg: Type.Optional(consentFlag),
  operationInfoConsTime: Type.Optional(dateTime('手術情報 同意日時')),
  operationInfoAvailableTime: Type.Optional(dateTime('手術情報 閲覧有効期限')),
  referenceNumber: Type.Optional(referenceNumber),
  arbitraryIdentifier: Type.Optional(text(50, '任意の識別子 (echoed from the search)')),
  prescriptionIssueSelect: Type.Optional(prescriptionIssueSelect),
});
export type ResultOfQualificationConfirmation = Static<typeof ResultOfQualificationConfirmation>;

// ---------------------------------------------------------------------------------------------------------
// Headers (oqs-interface.md §2)

/** Request header of 資格確認 / 一括照会 upload / 照会番号登録. `characterCodeIdentifier` asks for a response encoding. */
export const RequestHeader = Type.Object({
  qualificationConfirmationDate: Type.Optional(date('資格確認日')),
  medicalInstitutionCode: institutionCode,
  arbitraryFileIdentifier: Type.Optional(arbitraryFileIdentifier),
  referenceClassification: Type.Optional(codeTable('referenceClassification')),
  characterCodeIdentifier: Type.Optional(characterCodeIdentifier),
});
export type RequestHeader = Static<typeof RequestHeader>;

/**
 * Response header of a single message. ErrorCode/ErrorMessage appear only when SegmentOfResult ≠ 1.
 * MedicalInstitutionCode is echoed; it is absent only when the request was too broken to read it.
 */
export const ResponseHeader = Type.Object({
  processExecutionTime: dateTime('処理実行日時'),
  qualificationConfirmationDate: Type.Optional(date('資格確認日')),
  medicalInstitutionCode: Type.Optional(institutionCode),
  arbitraryFileIdentifier: Type.Optional(arbitraryFileIdentifier),
  referenceClassification: Type.Optional(codeTable('referenceClassification')),
  segmentOfResult,
  errorCode: Type.Optional(text(40, 'エラーコード (formats/errors.ts)')),
  errorMessage: Type.Optional(text(400, 'エラーメッセージ')),
  characterCodeIdentifier,
});
export type ResponseHeader = Static<typeof ResponseHeader>;

/** Response header of a bulk result: adds the reception number and the counts. */
export const BulkResponseHeader = Type.Object({
  processExecutionTime: dateTime('処理実行日時'),
  qualificationConfirmationDate: Type.Optional(date('資格確認日')),
  medicalInstitutionCode: Type.Optional(institutionCode),
  arbitraryFileIdentifier: Type.Optional(arbitraryFileIdentifier),
  receptionNumber: Type.Optional(text(30, '受付番号')),
  segmentOfResult,
  errorCode: Type.Optional(text(40, 'エラーコード')),
  errorMessage: Type.Optional(text(400, 'エラーメッセージ')),
  numberOfProcessingResult: Type.Optional(digits(1, 6, '処理結果件数')),
  numberOfNormalProcessing: Type.Optional(digits(1, 6, '正常件数')),
  numberOfError: Type.Optional(digits(1, 6, 'エラー件数')),
  characterCodeIdentifier,
});
export type BulkResponseHeader = Static<typeof BulkResponseHeader>;

const receptionNumber = text(30, '受付番号');

// ---------------------------------------------------------------------------------------------------------
// Messages

/** OQSsiquc01req — 資格確認 (single, by number). */
export const QualificationConfirmationRequest = Type.Object({
  messageHeader: RequestHeader,
  messageBody: Type.Object({ qualificationConfirmSearchInfo: QualificationConfirmSearchInfo }),
});
export type QualificationConfirmationRequest = Static<typeof QualificationConfirmationRequest>;

/** OQSsiquc01res — 資格確認 result; also the face file OQSsiquc01res_face_… (reader confirmations). */
export const QualificationConfirmationResponse = Type.Object({
  messageHeader: ResponseHeader,
  messageBody: Type.Object({
    resultList: Type.Optional(
      Type.Array(ResultOfQualificationConfirmation, { maxItems: 20, 'x-item': 'ResultOfQualificationConfirmation' }),
    ),
    processingResultStatus: Type.Optional(processingResultStatus),
    processingResultCode: Type.Optional(processingResultCode),
    processingResultMessage: Type.Optional(processingResultMessage),
    qualificationValidity: Type.Optional(qualificationValidity),
    prescriptionIssueSelect: Type.Optional(prescriptionIssueSelect),
  }),
});
export type QualificationConfirmationResponse = Static<typeof QualificationConfirmationResponse>;

/** Bulk list cap: one upload file of booked patients (Onshi's limit; split larger lists). */
export const MAX_BULK_ITEMS = 10_000;

/** OQSmuquc01req — 一括照会 upload: many search keys. */
export const BulkConfirmationUploadRequest = Type.Object({
  messageHeader: RequestHeader,
  messageBody: Type.Object({
    qualificationConfirmSearchInfo: Type.Array(QualificationConfirmSearchInfo, {
      minItems: 1,
      maxItems: MAX_BULK_ITEMS,
    }),
  }),
});
export type BulkConfirmationUploadRequest = Static<typeof BulkConfirmationUploadRequest>;

/** OQSmuquc01res / OQSmuimm01res — a bulk upload accepted: the reception number to poll with. */
export const ReceptionResponse = Type.Object({
  messageHeader: ResponseHeader,
  messageBody: Type.Object({
    receptionNumber: Type.Optional(receptionNumber),
    receptionDateTime: Type.Optional(dateTime('受付日時')),
  }),
});
export type ReceptionResponse = Static<typeof ReceptionResponse>;

/** OQSmuquc02req / OQSmuimm02req — fetch a bulk result by reception number. */
export const ReceptionNumberRequest = Type.Object({
  messageHeader: Type.Object({
    medicalInstitutionCode: institutionCode,
    arbitraryFileIdentifier: Type.Optional(arbitraryFileIdentifier),
    characterCodeIdentifier: Type.Optional(characterCodeIdentifier),
  }),
  messageBody: Type.Object({ receptionNumber }),
});
export type ReceptionNumberRequest = Static<typeof ReceptionNumberRequest>;

/** One person's result in a bulk confirmation. */
export const BulkConfirmUnit = Type.Object({
  qualificationConfirmSearchInfo: QualificationConfirmSearchInfo,
  processingResultStatus,
  processingResultCode: Type.Optional(processingResultCode),
  processingResultMessage: Type.Optional(processingResultMessage),
  qualificationValidity: Type.Optional(qualificationValidity),
  resultOfQualificationConfirmation: Type.Optional(ResultOfQualificationConfirmation),
  referenceNumber: Type.Optional(referenceNumber),
});
export type BulkConfirmUnit = Static<typeof BulkConfirmUnit>;

/** OQSmuquc02res — 一括照会 result (SegmentOfResult 2 while processing: poll again). */
export const BulkConfirmationResultResponse = Type.Object({
  messageHeader: BulkResponseHeader,
  messageBody: Type.Object({
    bulkConfirmUnit: Type.Optional(Type.Array(BulkConfirmUnit, { maxItems: MAX_BULK_ITEMS })),
  }),
});
export type BulkConfirmationResultResponse = Static<typeof BulkConfirmationResultResponse>;

/** 照会番号登録: a clinic's patient id for a person, returned in later card results (oqs-interface.md §5). */
export const ReferenceNumberRegistrationInfo = Type.Object({
  referenceNumber,
  insurerNumber,
  insuredCardSymbol: Type.Optional(symbol),
  insuredIdentificationNumber: number,
  insuredBranchNumber: Type.Optional(branch),
});
export type ReferenceNumberRegistrationInfo = Static<typeof ReferenceNumberRegistrationInfo>;

/** OQSsiimm01req — 照会番号登録 (single). */
export const ReferenceNumberRegistrationRequest = Type.Object({
  messageHeader: RequestHeader,
  messageBody: Type.Object({ referenceNumberRegistrationInfo: ReferenceNumberRegistrationInfo }),
});
export type ReferenceNumberRegistrationRequest = Static<typeof ReferenceNumberRegistrationRequest>;

/** OQSsiimm01res — 照会番号登録 result (single). */
export const ReferenceNumberRegistrationResponse = Type.Object({
  messageHeader: ResponseHeader,
  messageBody: Type.Object({
    referenceNumberRegistrationInfo: Type.Optional(ReferenceNumberRegistrationInfo),
    processingResultStatus: Type.Optional(processingResultStatus),
    processingResultCode: Type.Optional(processingResultCode),
    processingResultMessage: Type.Optional(processingResultMessage),
  }),
});
export type ReferenceNumberRegistrationResponse = Static<typeof ReferenceNumberRegistrationResponse>;

/** OQSmuimm01req — 照会番号登録 (bulk). */
export const BulkReferenceNumberRegistrationRequest = Type.Object({
  messageHeader: RequestHeader,
  messageBody: Type.Object({
    referenceNumberRegistrationInfo: Type.Array(ReferenceNumberRegistrationInfo, {
      minItems: 1,
      maxItems: MAX_BULK_ITEMS,
    }),
  }),
});
export type BulkReferenceNumberRegistrationRequest = Static<typeof BulkReferenceNumberRegistrationRequest>;

/** One registration's result in a bulk registration. */
export const BulkRegistrationUnit = Type.Object({
  referenceNumberRegistrationInfo: ReferenceNumberRegistrationInfo,
  processingResultStatus,
  processingResultCode: Type.Optional(processingResultCode),
  processingResultMessage: Type.Optional(processingResultMessage),
});
export type BulkRegistrationUnit = Static<typeof BulkRegistrationUnit>;

/** OQSmuimm02res — 照会番号登録 (bulk) result. */
export const BulkReferenceNumberRegistrationResultResponse = Type.Object({
  messageHeader: BulkResponseHeader,
  messageBody: Type.Object({
    bulkRegistrationUnit: Type.Optional(Type.Array(BulkRegistrationUnit, { maxItems: MAX_BULK_ITEMS })),
  }),
});
export type BulkReferenceNumberRegistrationResultResponse = Static<
  typeof BulkReferenceNumberRegistrationResultResponse
>;

// ---------------------------------------------------------------------------------------------------------
// 薬剤情報 / 特定健診 (YZK… / TKK…, oqs-interface.md §6). Their headers use different names on purpose.

/** Request header of YZK/TKK: the person is named in the header, with its own tag spellings. */
export const MedicalInfoRequestHeader = Type.Object({
  medicalInstitutionCode: institutionCode,
  insurerNumber,
  insuranceCardSymbol: Type.Optional(symbol),
  insuredPersonIdentificationNumber: number,
  branchNumber: Type.Optional(branch),
  arbitraryFileIdentifier: Type.Optional(arbitraryFileIdentifier),
  characterCodeIdentifier: Type.Optional(characterCodeIdentifier),
});

const fileCategory = code(['1', '2'], 'ファイル区分 1 PDF / 2 XML');
const prDiInfClassification = Type.Optional(code(['1', '2'], '処方・調剤情報区分 (observed value 1)'));
const medicalTreatmentFlag = Type.Optional(code(['1', '2', '3'], '診療区分 1 通常 / 2 訪問 / 3 オンライン'));

/** YZKsiquc01req — 薬剤情報 (3 years; StartDate/EndDate yyyyMM). */
export const MedicationInfoRequest = Type.Object({
  messageHeader: MedicalInfoRequestHeader,
  messageBody: Type.Object({
    startDate: Type.Optional(month('取得開始年月')),
    endDate: Type.Optional(month('取得終了年月')),
    fileCategory,
    prDiInfClassification,
    medicalTreatmentFlag,
  }),
});
export type MedicationInfoRequest = Static<typeof MedicationInfoRequest>;

/** TKKsiquc01req — 特定健診情報 (5 years). */
export const CheckupInfoRequest = Type.Object({
  messageHeader: MedicalInfoRequestHeader,
  messageBody: Type.Object({ fileCategory, prDiInfClassification, medicalTreatmentFlag }),
});
export type CheckupInfoRequest = Static<typeof CheckupInfoRequest>;

const medicalInfoResultCode = code(['1', '2'], '処理結果 1 正常 / 2 エラー');

/** One drug line (レセプト由来). */
export const DrugInf = Type.Object({
  drugC: Type.Optional(text(20, '医薬品コード')),
  drugN: Type.Optional(text(200, '医薬品名')),
  ingreN: Type.Optional(text(200, '成分名')),
  qua1: Type.Optional(text(20, '数量')),
  unit: Type.Optional(text(20, '単位')),
  usageN: Type.Optional(text(200, '用法')),
  times: Type.Optional(text(10, '回数')),
  meTrIdCl: Type.Optional(text(2, '内服・外用等の区分')),
  spInst: Type.Optional(text(200, '特別指示')),
});
/** One 診療 line (レセプト由来の診療・手術情報). */
export const MeTrInf = Type.Object({
  sinInfCd: Type.Optional(text(20, '診療行為コード')),
  sinInfN: Type.Optional(text(200, '診療行為名')),
});
/** One day's drugs and treatments. */
export const DiDateInf = Type.Object({
  diDate: Type.Optional(date('診療・調剤日')),
  prDate: Type.Optional(date('処方日')),
  drugInfs: Type.Optional(Type.Array(DrugInf, { maxItems: 500, 'x-item': 'DrugInf' })),
  meTrInfs: Type.Optional(Type.Array(MeTrInf, { maxItems: 500, 'x-item': 'MeTrInf' })),
});
/** One month at one institution (レセプト由来). */
export const MeTrMonthInf = Type.Object({
  diOrg: Type.Optional(code(['1', '2', '3', '4', '5'], '診療・調剤区分')),
  meTrDiHCd: Type.Optional(text(10, '医療機関コード (診療)')),
  prlsHCd: Type.Optional(text(10, '医療機関コード (処方)')),
  meTrDiHNm: Type.Optional(text(200, '医療機関名 (診療)')),
  meTrMonth: Type.Optional(month('診療年月')),
  prlsHNm: Type.Optional(text(200, '医療機関名 (処方)')),
  prIsOrg: Type.Optional(code(['1', '2'], '処方元 1 自院 / 2 他院')),
  inOut: Type.Optional(code(['1', '2'], '入院・外来')),
  diDateInfs: Type.Optional(Type.Array(DiDateInf, { maxItems: 31, 'x-item': 'DiDateInf' })),
});
/** One drug line from a dispensing result (調剤結果). */
export const CzDrugInf = Type.Object({
  czDrugC: Type.Optional(text(20, '医薬品コード')),
  czDrugN: Type.Optional(text(200, '医薬品名')),
  czIngreN: Type.Optional(text(200, '成分名')),
  czQua1: Type.Optional(text(20, '数量')),
  czUnit: Type.Optional(text(20, '単位')),
  czUsageN: Type.Optional(text(200, '用法')),
  czTimes: Type.Optional(text(10, '回数')),
  czUsageCl: Type.Optional(text(2, '用法区分')),
});
/** One drug line from an electronic prescription (電子処方箋). */
export const ShDrugInf = Type.Object({
  shDrugC: Type.Optional(text(20, '医薬品コード')),
  shDrugN: Type.Optional(text(200, '医薬品名')),
  shIngreN: Type.Optional(text(200, '成分名')),
  shQua1: Type.Optional(text(20, '数量')),
  shUnit: Type.Optional(text(20, '単位')),
  shUsageN: Type.Optional(text(200, '用法')),
  shTimes: Type.Optional(text(10, '回数')),
  shUsageCl: Type.Optional(text(2, '用法区分')),
});
/** 調剤結果 (electronic prescription service) month. */
export const CzDiMonthInf = Type.Object({
  czDiOrg: Type.Optional(code(['1', '2', '3', '4', '5'], '診療・調剤区分')),
  czMeTrDiHCd: Type.Optional(text(10, '医療機関コード')),
  czPrlsHCd: Type.Optional(text(10, '医療機関コード (処方)')),
  czMeTrDiHNm: Type.Optional(text(200, '医療機関名')),
  czDiMonth: Type.Optional(month('調剤年月')),
  czPrlsHNm: Type.Optional(text(200, '医療機関名 (処方)')),
  czPrIsOrg: Type.Optional(code(['1', '2'], '処方元')),
  czPrCl: Type.Optional(code(['1', '2'], '入院・外来')),
  czDiDateInfs: Type.Optional(
    Type.Array(
      Type.Object({
        czDiDate: Type.Optional(date('調剤日')),
        czPrDate: Type.Optional(date('処方日')),
        czDrugInfs: Type.Optional(Type.Array(CzDrugInf, { maxItems: 500, 'x-item': 'CzDrugInf' })),
      }),
      { maxItems: 31, 'x-item': 'CzDiDateInf' },
    ),
  ),
});
/** 電子処方箋 (prescription) month. */
export const ShPrMonthInf = Type.Object({
  shPrOrg: Type.Optional(code(['1', '2', '3', '4', '5'], '処方区分')),
  shMeTrDiHCd: Type.Optional(text(10, '医療機関コード')),
  shPrHCd: Type.Optional(text(10, '医療機関コード (処方)')),
  shMeTrDiHNm: Type.Optional(text(200, '医療機関名')),
  shPrMonth: Type.Optional(month('処方年月')),
  shPrHNm: Type.Optional(text(200, '医療機関名 (処方)')),
  shPrIsOrg: Type.Optional(code(['1', '2'], '処方元')),
  shPrCl: Type.Optional(code(['1', '2'], '入院・外来')),
  shPrDateInfs: Type.Optional(
    Type.Array(
      Type.Object({
        shPrDate: Type.Optional(date('処方日')),
        shDrugInfs: Type.Optional(Type.Array(ShDrugInf, { maxItems: 500, 'x-item': 'ShDrugInf' })),
      }),
      { maxItems: 31, 'x-item': 'ShPrDateInf' },
    ),
  ),
});

/** YZKsiquc01res — 薬剤情報 (XML file category). */
export const MedicationInfoResponse = Type.Object({
  messageHeader: Type.Object({
    processExecutionTime: Type.Optional(dateTime('処理実行日時')),
    medicalInstitutionCode: Type.Optional(institutionCode),
    arbitraryFileIdentifier: Type.Optional(arbitraryFileIdentifier),
    resultCode: medicalInfoResultCode,
    messageContents: Type.Optional(text(400, 'エラー内容')),
    characterCodeIdentifier: Type.Optional(characterCodeIdentifier),
    quaInf: Type.Optional(
      Type.Object({
        name: Type.Optional(text(100, '氏名')),
        kanaName: Type.Optional(text(100, 'カナ氏名')),
        birth: Type.Optional(date('生年月日')),
        admGendCode: Type.Optional(sex),
      }),
    ),
  }),
  messageBody: Type.Object({
    meTrMonthInf: Type.Optional(Type.Array(MeTrMonthInf, { maxItems: 1000 })),
    shPrInf: Type.Optional(Type.Array(ShPrMonthInf, { maxItems: 1000, 'x-item': 'ShPrMonthInf' })),
    czDiInf: Type.Optional(Type.Array(CzDiMonthInf, { maxItems: 1000, 'x-item': 'CzDiMonthInf' })),
  }),
});
export type MedicationInfoResponse = Static<typeof MedicationInfoResponse>;

/** One check-up item (result or questionnaire answer). */
export const HealthCheckupResultAndQuestionInfo = Type.Object({
  itemCode: Type.Optional(text(20, '項目コード (JLAC10 等)')),
  itemName: Type.Optional(text(200, '項目名')),
  dataType: Type.Optional(text(10, 'データタイプ')),
  dataValue: Type.Optional(text(400, '値')),
  unit: Type.Optional(text(40, '単位')),
  oid: Type.Optional(text(100, 'コード体系 OID')),
  dataValueName: Type.Optional(text(400, '値の名称')),
});
/** One 特定健診 (by date). */
export const SpecificHealthCheckupInfo = Type.Object({
  effectiveTime: Type.Optional(date('実施日')),
  healthCheckupResultAndQuestionInfos: Type.Optional(
    Type.Array(HealthCheckupResultAndQuestionInfo, {
      maxItems: 1000,
      'x-item': 'HealthCheckupResultAndQuestionInfo',
    }),
  ),
});

/** TKKsiquc01res — 特定健診情報 (XML file category). */
export const CheckupInfoResponse = Type.Object({
  messageHeader: Type.Object({
    processExecutionTime: Type.Optional(dateTime('処理実行日時')),
    medicalInstitutionCode: Type.Optional(institutionCode),
    arbitraryFileIdentifier: Type.Optional(arbitraryFileIdentifier),
    resultCode: medicalInfoResultCode,
    messageContents: Type.Optional(text(400, 'エラー内容')),
    characterCodeIdentifier: Type.Optional(characterCodeIdentifier),
    qualificationsInfo: Type.Optional(
      Type.Object({
        name: Type.Optional(text(100, '氏名')),
        kanasName: Type.Optional(text(100, 'カナ氏名')),
        birthday: Type.Optional(date('生年月日')),
        administrativeGenderCode: Type.Optional(sex),
      }),
    ),
  }),
  messageBody: Type.Object({
    specificHealthCheckupInfo: Type.Optional(Type.Array(SpecificHealthCheckupInfo, { maxItems: 100 })),
  }),
});
export type CheckupInfoResponse = Static<typeof CheckupInfoResponse>;

/** The JSON error body (formats/errors.ts `errorJson`). */
export const ErrorResponse = Type.Object({
  error: Type.Object({
    code: Type.String({ description: 'Stable catalogue code, e.g. OQS-E-NO-QUALIFICATION' }),
    status: Type.Integer(),
    message: Type.Object({ ja: Type.String(), en: Type.String() }, { description: 'For reception staff' }),
    vendorMessage: Type.String({ description: 'For the clinic-system vendor: what to fix' }),
    detail: Type.Optional(Type.String({ description: 'The element or limit concerned; never personal data' })),
  }),
});
export type ErrorResponse = Static<typeof ErrorResponse>;

// ---------------------------------------------------------------------------------------------------------

/**
 * Every message, by its OQS file prefix. The prefix names the message kind everywhere: file names, endpoints,
 * the codec. `root` is the XML root tag (always XmlMsg).
 */
export const MESSAGES = {
  OQSsiquc01req: QualificationConfirmationRequest,
  OQSsiquc01res: QualificationConfirmationResponse,
  OQSmuquc01req: BulkConfirmationUploadRequest,
  OQSmuquc01res: ReceptionResponse,
  OQSmuquc02req: ReceptionNumberRequest,
  OQSmuquc02res: BulkConfirmationResultResponse,
  OQSsiimm01req: ReferenceNumberRegistrationRequest,
  OQSsiimm01res: ReferenceNumberRegistrationResponse,
  OQSmuimm01req: BulkReferenceNumberRegistrationRequest,
  OQSmuimm01res: ReceptionResponse,
  OQSmuimm02req: ReceptionNumberRequest,
  OQSmuimm02res: BulkReferenceNumberRegistrationResultResponse,
  YZKsiquc01req: MedicationInfoRequest,
  YZKsiquc01res: MedicationInfoResponse,
  TKKsiquc01req: CheckupInfoRequest,
  TKKsiquc01res: CheckupInfoResponse,
} as const;

/** A message kind: its OQS file prefix, e.g. 'OQSsiquc01req'. */
export type MessageKind = keyof typeof MESSAGES;
/** The request kinds (what clinics send). */
export type RequestKind = Extract<MessageKind, `${string}req`>;
/** The response kinds (what Onshi returns). */
export type ResponseKind = Extract<MessageKind, `${string}res`>;
/** The typed content of a message kind. */
export type MessageOf<K extends MessageKind> = Static<(typeof MESSAGES)[K]>;

/** The response kind answering a request kind (`…req` → `…res`). */
export function responseKindOf(kind: RequestKind): ResponseKind {
  const map: Record<RequestKind, ResponseKind> = {
    OQSsiquc01req: 'OQSsiquc01res',
    OQSmuquc01req: 'OQSmuquc01res',
    OQSmuquc02req: 'OQSmuquc02res',
    OQSsiimm01req: 'OQSsiimm01res',
    OQSmuimm01req: 'OQSmuimm01res',
    OQSmuimm02req: 'OQSmuimm02res',
    YZKsiquc01req: 'YZKsiquc01res',
    TKKsiquc01req: 'TKKsiquc01res',
  };
  return map[kind];
}

/** True for a string naming a message kind. */
export function isMessageKind(value: string): value is MessageKind {
  return Object.hasOwn(MESSAGES, value);
}

/** True for a string naming a request kind. */
export function isRequestKind(value: string): value is RequestKind {
  return isMessageKind(value) && value.endsWith('req');
}
