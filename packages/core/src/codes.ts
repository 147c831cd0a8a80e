/**
 * OQS code tables (別紙5-1 業務コード仕様 OQSCDnnn) as typed constants with Japanese and English labels. The official
 * tables are vendor-only; these are reconstructed from public implementations (oqs-interface.md §8, rules.md
 * Appendix). Where public sources disagree, docs/decisions/0016-oqs-code-tables.md records the choice.
 */
import type { Bilingual } from './verdict.js';

/** One code table: its OQSCD id, the XML tag(s) that carry it, its name and its codes. */
export interface OqsCodeTable {
  id: string;
  tags: readonly string[];
  name: Bilingual;
  codes: Readonly<Record<string, Bilingual>>;
}

/** All code tables by a glossary-style key. Keys of `codes` are the exact wire values. */
export const OQS_CODE_TABLES = {
  limitConsent: {
    id: 'OQSCD001',
    tags: ['LimitApplicationCertificateRelatedConsFlg'],
    name: { ja: '限度額適用認定証関連情報提供同意フラグ', en: 'Consent to provide limit-certificate information' },
    codes: {
      '0': { ja: '未同意', en: 'Not consented' },
      '1': { ja: '同意', en: 'Consented' },
    },
  },
  referenceClassification: {
    id: 'OQSCD002',
    tags: ['ReferenceClassification'],
    name: { ja: '照会区分', en: 'Reference classification' },
    codes: {
      '1': { ja: 'マイナンバーカード', en: 'My Number Card' },
      '2': { ja: '被保険者証情報', en: 'Insurance card details' },
    },
  },
  segmentOfResult: {
    id: 'OQSCD003',
    tags: ['SegmentOfResult'],
    name: { ja: '処理結果区分', en: 'Segment of result' },
    codes: {
      '1': { ja: '正常終了', en: 'Completed' },
      '2': { ja: '処理中', en: 'Processing' },
      '9': { ja: '異常終了', en: 'Failed' },
    },
  },
  processingResultStatus: {
    id: 'OQSCD004',
    tags: ['ProcessingResultStatus'],
    name: { ja: '処理結果状況', en: 'Processing result status' },
    codes: {
      '1': { ja: '正常終了', en: 'Completed' },
      '2': { ja: 'エラー', en: 'Error' },
    },
  },
  characterCode: {
    id: 'OQSCD005',
    tags: ['CharacterCodeIdentifier'],
    name: { ja: '文字コード識別', en: 'Character encoding' },
    codes: {
      '0': { ja: 'UTF-8', en: 'UTF-8' },
      '1': { ja: 'Shift_JIS', en: 'Shift_JIS' },
    },
  },
  qualificationValidity: {
    id: 'OQSCD006',
    tags: ['QualificationValidity'],
    name: { ja: '資格有効性', en: 'Qualification validity' },
    codes: {
      '1': { ja: '有効', en: 'Valid' },
      '2': { ja: '無効', en: 'Invalid' },
      '3': { ja: '無効（新しい資格あり）', en: 'Invalid (a newer qualification exists)' },
      '4': { ja: '該当資格なし', en: 'No matching qualification' },
      '5': { ja: '複数該当', en: 'Several qualifications match' },
      '6': { ja: '有効（未登録）', en: 'Valid (not registered; public medical assistance)' },
    },
  },
  sex: {
    id: 'OQSCD007',
    tags: ['Sex1', 'Sex2'],
    name: { ja: '性別', en: 'Sex' },
    codes: {
      '1': { ja: '男', en: 'Male' },
      '2': { ja: '女', en: 'Female' },
      '3': { ja: '未設定', en: 'Not set' },
    },
  },
  lossReason: {
    id: 'OQSCD008',
    tags: ['ReasonOfLoss'],
    name: { ja: '資格喪失事由', en: 'Reason for loss of qualification' },
    codes: {
      '01': { ja: '死亡', en: 'Death' },
      '02': { ja: '生活保護受給開始', en: 'Start of public assistance (seikatsu hogo)' },
      '03': { ja: '医療保険等の資格取得', en: 'Joined another health insurance' },
      '99': { ja: 'その他', en: 'Other' },
    },
  },
  personalFamily: {
    id: 'OQSCD009',
    tags: ['PersonalFamilyClassification'],
    name: { ja: '本人・家族の別', en: 'Insured or dependant' },
    codes: {
      '1': { ja: '本人', en: 'Insured' },
      '2': { ja: '家族', en: 'Dependant' },
    },
  },
  insuredCardClassification: {
    id: 'OQSCD010',
    tags: ['InsuredCardClassification'],
    name: { ja: '被保険者証区分', en: 'Insurance card classification' },
    codes: {
      '01': { ja: '被保険者証（一般）', en: 'Insurance card (general)' },
      '02': { ja: '被保険者証（退職）', en: 'Insurance card (retiree)' },
      '03': { ja: '短期被保険者証（一般）', en: 'Short-term insurance card (general)' },
      '04': { ja: '短期被保険者証（退職）', en: 'Short-term insurance card (retiree)' },
      '05': { ja: '被保険者資格証明書', en: 'Certificate of qualification (special medical-cost payment)' },
      '06': { ja: '特例退職被保険者証', en: 'Special retiree insurance card' },
      '07': { ja: '自衛官診療証', en: 'Self-Defense Forces medical card' },
      A1: { ja: '医療扶助', en: 'Public medical assistance (iryo fujo)' },
    },
  },
  limitCertificateClassification: {
    id: 'OQSCD011',
    tags: ['LimitApplicationCertificateClassification'],
    name: { ja: '限度額適用認定証区分', en: 'Limit certificate classification' },
    codes: {
      '01': { ja: '限度額適用認定証', en: 'Limit application certificate' },
      '02': {
        ja: '限度額適用・標準負担額減額認定証',
        en: 'Limit application and standard-charge reduction certificate',
      },
      '03': { ja: '標準負担額減額認定証', en: 'Standard-charge reduction certificate' },
    },
  },
  limitCategory: {
    id: 'OQSCD012',
    tags: ['LimitApplicationCertificateClassificationFlag'],
    name: { ja: '限度額適用認定証適用区分', en: 'High-cost limit category' },
    codes: {
      A01: { ja: 'ア', en: 'Under 70, band a (highest income)' },
      A02: { ja: 'イ', en: 'Under 70, band i' },
      A03: { ja: 'ウ', en: 'Under 70, band u' },
      A04: { ja: 'エ', en: 'Under 70, band e' },
      A05: { ja: 'オ', en: 'Under 70, band o (resident-tax exempt)' },
      A06: { ja: 'オ（境）', en: 'Under 70, band o (borderline)' },
      B01: { ja: '現役並みⅢ', en: '70 and over, active income III' },
      B02: { ja: '現役並みⅡ', en: '70 and over, active income II' },
      B03: { ja: '現役並みⅠ', en: '70 and over, active income I' },
      B04: { ja: '一般', en: '70 and over, general' },
      B05: { ja: '低所得Ⅱ', en: '70 and over, low income II' },
      B06: { ja: '低所得Ⅰ', en: '70 and over, low income I' },
      B07: { ja: '低所得Ⅰ（老福）', en: '70 and over, low income I (old-age welfare pension)' },
      B08: { ja: '低所得Ⅰ（境）', en: '70 and over, low income I (borderline)' },
      B09: { ja: '一般Ⅱ', en: 'Late-stage elderly, general II (20% co-pay)' },
      B10: { ja: '一般Ⅰ', en: 'Late-stage elderly, general I (10% co-pay)' },
    },
  },
  specificDisease: {
    id: 'OQSCD013',
    tags: ['SpecificDiseasesDiseaseCategory'],
    name: { ja: '特定疾病療養受療証認定疾病区分', en: 'Specific disease category' },
    codes: {
      '1': { ja: '人工透析を必要とする慢性腎不全', en: 'Chronic renal failure requiring dialysis' },
      '2': {
        ja: '先天性血液凝固因子障害（第VIII因子、第IX因子）',
        en: 'Congenital coagulation factor VIII or IX deficiency',
      },
      '3': { ja: '血液凝固因子製剤の投与に起因するHIV感染症', en: 'HIV infection caused by clotting-factor products' },
    },
  },
  preschool: {
    id: 'OQSCD015',
    tags: ['PreschoolClassification'],
    name: { ja: '未就学区分', en: 'Preschool classification' },
    codes: {
      '1': { ja: '未就学', en: 'Preschool child' },
    },
  },
  consentFlag: {
    id: 'OQSCD016',
    tags: [
      'SpecificDiseasesCertificateRelatedConsFlg',
      'SpecificHealthCheckupsInfoConsFlg',
      'PharmacistsInfoConsFlg',
      'DiagnosisInfoConsFlg',
      'OperationInfoConsFlg',
    ],
    name: { ja: '同意区分', en: 'Consent state' },
    codes: {
      '0': { ja: '同意なし', en: 'No consent' },
      '1': { ja: '同意あり', en: 'Consented' },
      '2': { ja: '同意有効期限切れ', en: 'Consent expired' },
      '3': { ja: '同意取得困難', en: 'Consent could not be obtained' },
    },
  },
  prescriptionIssueSelect: {
    id: 'OQSCD017',
    tags: ['PrescriptionIssueSelect'],
    name: { ja: '処方箋発行形態', en: 'Prescription form' },
    codes: {
      '1': { ja: '電子処方箋', en: 'Electronic prescription' },
      '2': { ja: '紙の処方箋', en: 'Paper prescription' },
    },
  },
} as const satisfies Record<string, OqsCodeTable>;

/** Key of a code table in `OQS_CODE_TABLES`. */
export type OqsCodeTableName = keyof typeof OQS_CODE_TABLES;
/** The codes of one table, as a union of wire values. */
export type OqsCode<T extends OqsCodeTableName> = keyof (typeof OQS_CODE_TABLES)[T]['codes'] & string;

/** OQSCD001 限度額同意: '0' | '1'. */
export type LimitConsentCode = OqsCode<'limitConsent'>;
/** OQSCD002 照会区分: '1' card | '2' insurance details. */
export type ReferenceClassificationCode = OqsCode<'referenceClassification'>;
/** OQSCD003 処理結果区分: '1' | '2' (poll again) | '9'. */
export type SegmentOfResultCode = OqsCode<'segmentOfResult'>;
/** OQSCD004 処理結果状況: '1' | '2'. */
export type ProcessingResultStatusCode = OqsCode<'processingResultStatus'>;
/** OQSCD005 文字コード識別: '0' UTF-8 | '1' Shift_JIS. */
export type CharacterCodeIdentifierCode = OqsCode<'characterCode'>;
/** OQSCD006 資格有効性: '1'–'5', and '6' for 医療扶助. */
export type QualificationValidityCode = OqsCode<'qualificationValidity'>;
/** OQSCD007 性別: '1' | '2' | '3'. */
export type SexCode = OqsCode<'sex'>;
/** OQSCD008 資格喪失事由: '01' | '02' | '03' | '99'. */
export type LossReasonCode = OqsCode<'lossReason'>;
/** OQSCD009 本人・家族: '1' | '2'. */
export type PersonalFamilyClassificationCode = OqsCode<'personalFamily'>;
/** OQSCD010 被保険者証区分: '01'–'07' | 'A1' (医療扶助). */
export type InsuredCardClassificationCode = OqsCode<'insuredCardClassification'>;
/** OQSCD011 限度額適用認定証区分: '01' | '02' | '03'. */
export type LimitCertificateClassificationCode = OqsCode<'limitCertificateClassification'>;
/** OQSCD012 適用区分: 'A01'–'A06' (under 70) | 'B01'–'B10' (70 and over, 後期). */
export type LimitCategoryCode = OqsCode<'limitCategory'>;
/** OQSCD013 特定疾病: '1' | '2' | '3'. */
export type SpecificDiseaseCode = OqsCode<'specificDisease'>;
/** OQSCD015 未就学区分: '1'. */
export type PreschoolClassificationCode = OqsCode<'preschool'>;
/** OQSCD016 同意区分 (特定疾病 and record-viewing consents): '0' | '1' | '2' expired | '3'. */
export type ConsentFlagCode = OqsCode<'consentFlag'>;
/** OQSCD017 処方箋発行形態: '1' electronic | '2' paper. */
export type PrescriptionIssueSelectCode = OqsCode<'prescriptionIssueSelect'>;

function resolveTable(table: string): OqsCodeTable | undefined {
  if (Object.hasOwn(OQS_CODE_TABLES, table)) {
    return (OQS_CODE_TABLES as Record<string, OqsCodeTable>)[table];
  }
  return Object.values(OQS_CODE_TABLES as Record<string, OqsCodeTable>).find(
    (t) => t.id === table || t.tags.includes(table),
  );
}

/**
 * The label of a code in a table named by key ('limitCategory', see `OqsCodeTableName`), OQSCD id ('OQSCD012')
 * or XML tag ('QualificationValidity'); undefined for an unknown table or code, so parsers can report it.
 */
export function oqsCodeLabel(table: string, code: string): Bilingual | undefined {
  const t = resolveTable(table);
  if (t === undefined || !Object.hasOwn(t.codes, code)) {
    return undefined;
  }
  return t.codes[code];
}

/** True when `code` is a value of the table: narrows wire strings to the table's union type. */
export function isOqsCode<T extends OqsCodeTableName>(table: T, code: string): code is OqsCode<T> {
  return Object.hasOwn(OQS_CODE_TABLES[table].codes, code);
}

/**
 * The Japanese short label of a 限度額 適用区分, as screens print it: 'A03' → ウ, 'B09' → 一般Ⅱ (test case 38).
 * A wire string that is not a code gives undefined.
 */
export function limitCategoryLabel(code: LimitCategoryCode): string;
export function limitCategoryLabel(code: string): string | undefined;
export function limitCategoryLabel(code: string): string | undefined {
  return oqsCodeLabel('limitCategory', code)?.ja;
}

/** The Japanese label of a 資格有効性 code: '3' → 無効（新しい資格あり） (test case 38). */
export function qualificationValidityLabel(code: string): string | undefined {
  return oqsCodeLabel('qualificationValidity', code)?.ja;
}

/** The age group a 適用区分 belongs to: A codes are under 70, B codes 70 and over (高齢受給者 and 後期). */
export function limitCategoryAgeGroup(code: LimitCategoryCode): 'under70' | 'over70' {
  return code.startsWith('A') ? 'under70' : 'over70';
}

/** OQS 本人・家族 as the glossary relationship. */
export function relationshipFromOqs(code: PersonalFamilyClassificationCode): 'insured' | 'dependant' {
  return code === '1' ? 'insured' : 'dependant';
}

/** The glossary relationship as OQS 本人・家族. */
export function relationshipToOqs(relationship: 'insured' | 'dependant'): PersonalFamilyClassificationCode {
  return relationship === 'insured' ? '1' : '2';
}

/**
 * 一部負担金割合 from OQS `InsuredPartialContributionRatio` ("010" = 1割, "030" = 3割; oqs-interface.md §3);
 * undefined for anything that is not three digits of a whole percentage 0–100.
 */
export function copayRateFromOqs(ratio: string): number | undefined {
  if (!/^[0-9]{3}$/.test(ratio)) {
    return undefined;
  }
  const percent = Number(ratio);
  return percent <= 100 ? percent / 100 : undefined;
}

/** 一部負担金割合 (0.1, 0.2, 0.3) in the OQS three-digit form ("010", "020", "030"). */
export function copayRateToOqs(rate: number): string {
  const percent = Math.round(rate * 100);
  if (percent < 0 || percent > 100) {
    throw new RangeError(`a co-payment rate is between 0 and 1, got ${String(rate)}`);
  }
  return String(percent).padStart(3, '0');
}
