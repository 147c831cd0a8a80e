import { compareDates, copayRateToOqs, limitInfoNeedsConsent, preschoolUntil } from '@onshi/core';
import type { ResultOfQualificationConfirmation } from '../../formats/schemas.js';
import { toWireDate, toWireDateTime } from '../../formats/wire.js';
import type {
  AttributesAsOf,
  Consent,
  ConsentItem,
  Insurer,
  DocumentValidity,
  Person,
  Qualification,
  Sex,
} from '../../store/types.js';

/** Everything one result is built from; the caller has already applied the rules (who may see what). */
export interface QualificationResultInput {
  /** The day the qualification is confirmed for (資格確認日). */
  date: string;
  /** The instant of the check (consent times default to it). */
  at: Date;
  person: Person;
  qualification: Qualification;
  attributes: AttributesAsOf;
  insurer: Insurer | null;
  /** 被保険者氏名: the insured person's name (the person's own when they are the insured). */
  insuredName?: string | null;
  /** 不開示該当 / 自己情報提供不可: address and postal code are never returned (rules.md §8). */
  addressHidden: boolean;
  /** The latest document for this qualification (資格確認書 …), for 証交付・有効開始・有効終了. */
  document?: DocumentValidity | null;
  /** Items the institution's reader offers (rules.md §6.2); their flags are 0 or 1, others absent. */
  offeredItems?: readonly ConsentItem[];
  /** The consent open for this institution, if any (24 h viewing window, rules.md §6.5). */
  consent?: Consent | null;
  referenceNumber?: string | null;
  arbitraryIdentifier?: string;
  prescriptionIssueSelect?: '1' | '2';
  /** Before 2024-10-07 the 限度額 consent answer (OQSCD001); from then it is always sent (rules.md §6.3). */
  limitConsent?: '0' | '1';
}

const SEX_CODES: Record<Sex, '1' | '2' | '3'> = { male: '1', female: '2', unset: '3' };

// Full-width katakana → half-width (JIS X 0201), as NameKana carries it (oqs-interface.md §3: カナ (半角)).
const HALF_KANA = new Map<string, string>();
const BASE =
  'アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲンァィゥェォャュョッー';
const HALF = 'ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜｦﾝｧｨｩｪｫｬｭｮｯｰ';
for (let i = 0; i < BASE.length; i += 1) {
  HALF_KANA.set(BASE.charAt(i), HALF.charAt(i));
}
const VOICED = 'ガギグゲゴザジズゼゾダヂヅデドバビブベボ';
const VOICED_BASE = 'カキクケコサシスセソタチツテトハヒフヘホ';
const SEMI = 'パピプペポ';
const SEMI_BASE = 'ハヒフヘホ';
for (let i = 0; i < VOICED.length; i += 1) {
  HALF_KANA.set(VOICED.charAt(i), `${HALF_KANA.get(VOICED_BASE.charAt(i)) ?? ''}ﾞ`);
}
for (let i = 0; i < SEMI.length; i += 1) {
  HALF_KANA.set(SEMI.charAt(i), `${HALF_KANA.get(SEMI_BASE.charAt(i)) ?? ''}ﾟ`);
}
HALF_KANA.set('ヴ', 'ｳﾞ');
HALF_KANA.set('　', ' ');

/** Full-width katakana as half-width (半角カナ); other characters pass through. */
export function toHalfWidthKana(s: string): string {
  let out = '';
  for (const c of s) {
    out += HALF_KANA.get(c) ?? c;
  }
  return out;
}

/** Consent item → the OQS flag/time/available-time tags it sets. 診療・お薬 covers 薬剤 and 診療 information. */
const CONSENT_TAGS = {
  medication: ['pharmacistsInfo', 'diagnosisInfo'],
  surgery: ['operationInfo'],
  checkup: ['specificHealthCheckupsInfo'],
} as const satisfies Record<ConsentItem, readonly string[]>;

type ConsentPrefix = (typeof CONSENT_TAGS)[ConsentItem][number];

function setConsent(
  out: ResultOfQualificationConfirmation,
  prefix: ConsentPrefix,
  flag: '0' | '1',
  consent: Consent | null,
): void {
  out[`${prefix}ConsFlg` as const] = flag;
  if (flag === '1' && consent !== null) {
    out[`${prefix}ConsTime` as const] = toWireDateTime(new Date(consent.consentedAt));
    out[`${prefix}AvailableTime` as const] = toWireDateTime(new Date(consent.expiresAt));
  }
}

/**
 * ResultOfQualificationConfirmation for one person and qualification, with every field the store holds
 * (oqs-interface.md §3 table): 保険者番号・記号・番号・枝番, 本人家族, names (カナ 半角), sex, birth date, address
 * unless hidden (rules.md §8), 資格取得・喪失, 負担割合 "030" style, 未就学, 高齢受給者, 限度額 (always since
 * 2024-10-07, rules.md §6.3), 特定疾病, consent flags with their times and viewing windows, 照会番号.
 * Exported for the bulk confirmation, which builds one per unit.
 */
export function buildQualificationResult(input: QualificationResultInput): ResultOfQualificationConfirmation {
  const { person, qualification: q, attributes } = input;
  // Every field of the schema, in its order, from the start (absent ones undefined, which no writer emits): one shape
  // for every result, so the response serialiser's reads stay monomorphic instead of going megamorphic over the
  // dozens of shapes that fields added one by one would give (decision 0176).
  const out: ResultOfQualificationConfirmation = {
    insuredCardClassification: q.cardClassification,
    insurerNumber: q.insurerNumber,
    insuredCardSymbol: undefined,
    insuredIdentificationNumber: q.number,
    insuredBranchNumber: undefined,
    personalFamilyClassification: q.relationship === 'insured' ? '1' : '2',
    insuredName: undefined,
    name: person.nameKanji,
    nameOfOther: undefined,
    nameKana: toHalfWidthKana(person.nameKana),
    nameOfOtherKana: undefined,
    sex1: SEX_CODES[person.sex],
    sex2: undefined,
    birthdate: toWireDate(person.birthDate),
    address: undefined,
    postNumber: undefined,
    qualificationDate: toWireDate(q.acquiredOn),
    disqualificationDate: undefined,
    insuredCertificateIssuanceDate: undefined,
    insuredCardValidDate: undefined,
    insuredCardExpirationDate: undefined,
    insuredPartialContributionRatio: undefined,
    preschoolClassification: undefined,
    reasonOfLoss: undefined,
    insurerName: undefined,
    elderlyRecipientCertificateInfo: undefined,
    limitApplicationCertificateRelatedConsFlg: undefined,
    limitApplicationCertificateRelatedConsTime: undefined,
    limitApplicationCertificateRelatedInfo: undefined,
    specificDiseasesCertificateRelatedConsFlg: undefined,
    specificDiseasesCertificateRelatedConsTime: undefined,
    specificDiseasesCertificateList: undefined,
    publicExpenseResultList: undefined,
    specificHealthCheckupsInfoConsFlg: undefined,
    specificHealthCheckupsInfoConsTime: undefined,
    specificHealthCheckupsInfoAvailableTime: undefined,
    pharmacistsInfoConsFlg: undefined,
    pharmacistsInfoConsTime: undefined,
    pharmacistsInfoAvailableTime: undefined,
    diagnosisInfoConsFlg: undefined,
    diagnosisInfoConsTime: undefined,
    diagnosisInfoAvailableTime: undefined,
    operationInfoConsFlg: undefined,
    operationInfoConsTime: undefined,
    operationInfoAvailableTime: undefined,
    referenceNumber: undefined,
    arbitraryIdentifier: undefined,
    prescriptionIssueSelect: undefined,
  };
  if (q.symbol !== null && q.symbol !== '') {
    out.insuredCardSymbol = q.symbol;
  }
  if (q.branch !== null && q.branch !== '') {
    out.insuredBranchNumber = q.branch;
  }
  const insuredName = input.insuredName ?? (q.relationship === 'insured' ? person.nameKanji : null);
  if (insuredName !== null && insuredName !== '') {
    out.insuredName = insuredName;
  }
  if (!input.addressHidden) {
    if (person.address !== '') {
      out.address = person.address;
    }
    if (/^\d{3}-\d{4}$/.test(person.postalCode)) {
      out.postNumber = person.postalCode;
    }
  }
  if (q.lostOn !== null) {
    out.disqualificationDate = toWireDate(q.lostOn);
    if (q.lossReason !== null) {
      out.reasonOfLoss = q.lossReason;
    }
  }
  if (input.document) {
    out.insuredCertificateIssuanceDate = toWireDate(input.document.issuedOn);
    out.insuredCardValidDate = toWireDate(input.document.validFrom);
    if (input.document.validTo !== null) {
      out.insuredCardExpirationDate = toWireDate(input.document.validTo);
    }
  }
  if (attributes.copayRate !== null) {
    out.insuredPartialContributionRatio = copayRateToOqs(attributes.copayRate.rate);
  }
  if (compareDates(input.date, preschoolUntil(person.birthDate)) <= 0) {
    out.preschoolClassification = '1';
  }
  if (input.insurer !== null) {
    out.insurerName = input.insurer.name;
  }
  const elderly = attributes.elderlyRecipient;
  if (elderly !== null) {
    out.elderlyRecipientCertificateInfo = {
      elderlyRecipientValidStartDate: toWireDate(elderly.validFrom),
      elderlyRecipientContributionRatio: copayRateToOqs(elderly.rate),
      ...(elderly.issuedOn !== null ? { elderlyRecipientCertificateDate: toWireDate(elderly.issuedOn) } : {}),
      ...(elderly.validTo !== null ? { elderlyRecipientValidEndDate: toWireDate(elderly.validTo) } : {}),
    };
  }
  const checkTime = toWireDateTime(input.at);
  const limitSent = !limitInfoNeedsConsent(input.date) || input.limitConsent === '1';
  out.limitApplicationCertificateRelatedConsFlg = limitSent ? '1' : '0';
  if (limitSent) {
    out.limitApplicationCertificateRelatedConsTime = checkTime;
    const limit = attributes.limitCategory;
    if (limit !== null) {
      out.limitApplicationCertificateRelatedInfo = {
        limitApplicationCertificateClassificationFlag: limit.category,
        limitApplicationCertificateValidStartDate: toWireDate(limit.validFrom),
        ...(limit.certificateClassification !== null
          ? { limitApplicationCertificateClassification: limit.certificateClassification }
          : {}),
        ...(limit.issuedOn !== null ? { limitApplicationCertificateDate: toWireDate(limit.issuedOn) } : {}),
        ...(limit.validTo !== null ? { limitApplicationCertificateValidEndDate: toWireDate(limit.validTo) } : {}),
        ...(limit.longTermOn !== null ? { limitApplicationCertificateLongTermDate: toWireDate(limit.longTermOn) } : {}),
      };
    }
  }
  if (attributes.specificDiseases.length > 0) {
    out.specificDiseasesCertificateRelatedConsFlg = limitSent ? '1' : '0';
    if (limitSent) {
      out.specificDiseasesCertificateRelatedConsTime = checkTime;
      out.specificDiseasesCertificateList = attributes.specificDiseases.map((d) => ({
        specificDiseasesDiseaseCategory: d.diseaseCategory,
        specificDiseasesValidStartDate: toWireDate(d.validFrom),
        specificDiseasesSelfPay: String(d.selfPayLimit),
        ...(d.issuedOn !== null ? { specificDiseasesCertificateDate: toWireDate(d.issuedOn) } : {}),
        ...(d.validTo !== null ? { specificDiseasesValidEndDate: toWireDate(d.validTo) } : {}),
      }));
    }
  }
  const consent = input.consent ?? null;
  for (const item of input.offeredItems ?? []) {
    const consented = consent !== null && consent.items.includes(item);
    for (const prefix of CONSENT_TAGS[item]) {
      setConsent(out, prefix, consented ? '1' : '0', consent);
    }
  }
  if (input.referenceNumber !== undefined && input.referenceNumber !== null) {
    out.referenceNumber = input.referenceNumber;
  }
  if (input.arbitraryIdentifier !== undefined) {
    out.arbitraryIdentifier = input.arbitraryIdentifier;
  }
  if (input.prescriptionIssueSelect !== undefined) {
    out.prescriptionIssueSelect = input.prescriptionIssueSelect;
  }
  return out;
}
