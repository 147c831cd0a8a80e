import { createHash } from 'node:crypto';
import {
  compareDates,
  elderlyRecipientPeriod,
  limitCategoryLabel,
  minDate,
  oqsCodeLabel,
  parseIsoDate,
} from '@onshi/core';
import { DocumentDataError, STATUTORY_RATE_TEXT } from '../../documents/index.js';
import { validateRequest } from '../../documents/validate.js';
import type { DocumentRequest, MemberNumbers } from '../../documents/types.js';
import { AppError } from '../../http/errors.js';
import { foldInsurerNumber } from '../../store/memberKey.js';
import type {
  DocumentKind,
  Insurer,
  IssuedDocument,
  Person,
  PrintedFields,
  Qualification,
  StoreRepositories,
} from '../../store/types.js';
import { allowedRates, isSeventyOrOver } from './ageRules.js';
import { INSURER_ERRORS } from './errors.js';
import { documentSchemeOf, rateSchemeOf } from './schemes.js';

/**
 * The 特定疾病 as the certificate's small box prints it (the OQSCD013 names are too long for it): the condition the
 * 特定疾病療養受療証 is known by, followed by the self-pay limit.
 */
const SPECIFIC_DISEASE_PRINT_LABELS: Readonly<Record<string, string>> = {
  '1': '人工透析',
  '2': '血友病',
  '3': '血液製剤由来HIV',
};

/** The QR code on the お知らせ leads to マイナポータル (seed 003); no personal data in the payload. */
export const PORTAL_URL = 'https://myna.go.jp/';

/** The kinds an insurer issues now (paper 保険証 ended 2024-12-01, rules.md §5). */
export type IssuableKind = Exclude<DocumentKind, 'legacyInsuranceCard'>;

/**
 * お問い合わせ番号: insurer, issue date and 8 digits derived from the document id, so it is stable across reprints and
 * never a 12-digit run (which the renderer refuses as a possible My Number).
 */
export function inquiryNumberFor(insurerNumber: string, issuedOn: string, documentId: string): string {
  const digest = createHash('sha256').update(documentId).digest();
  const serial = String(digest.readUInt32BE(0) % 100_000_000).padStart(8, '0');
  return `${foldInsurerNumber(insurerNumber)}-${issuedOn.replace(/-/g, '')}-${serial}`;
}

/**
 * 有効期限 of a 資格情報のお知らせ: none under 70; 70–74 to the next 31 July but no later than the day before the 75th
 * birthday; 後期 to the next 31 July (documents-and-screens.md §2 [P3][P12], certificate year 8/1–7/31).
 */
export function noticeValidTo(insurer: Insurer, birthDate: string, issuedOn: string): string | null {
  const scheme = rateSchemeOf(insurer.scheme);
  if (!isSeventyOrOver(scheme, birthDate, issuedOn)) {
    return null;
  }
  const { year, month } = parseIsoDate(issuedOn);
  const july31 = `${String(month >= 8 ? year + 1 : year).padStart(4, '0')}-07-31`;
  return scheme === 'lateElderly' ? july31 : minDate(july31, elderlyRecipientPeriod(birthDate).to);
}

/**
 * What the document prints, fixed at issue from the member's data in force on `issuedOn` (documents-and-screens.md
 * §1.2, §2). The rate is the recorded 高齢受給者 or co-pay rate; under 70 without one, the statutory rate (core
 * `copayRate`). From 70 and in 後期 the rate depends on income, so it must have been recorded.
 */
export async function printedFieldsFor(
  repos: StoreRepositories,
  input: {
    insurer: Insurer;
    q: Qualification;
    person: Person;
    kind: IssuableKind;
    issuedOn: string;
    documentId: string;
  },
): Promise<PrintedFields> {
  const { insurer, q, person, kind, issuedOn } = input;
  const attrs = await repos.qualifications.attributesAsOf(q.id, issuedOn);
  const rateScheme = rateSchemeOf(insurer.scheme);
  const recorded = attrs.elderlyRecipient ?? attrs.copayRate;
  let copayRate = recorded?.rate ?? null;
  let copayRateEffectiveOn = recorded?.validFrom ?? null;
  if (copayRate === null) {
    const statutory = allowedRates(rateScheme, person.birthDate, issuedOn).rates;
    const only = statutory[0];
    if (isSeventyOrOver(rateScheme, person.birthDate, issuedOn) || statutory.length !== 1 || only === undefined) {
      throw new AppError(INSURER_ERRORS.copayRateNotSet);
    }
    copayRate = only;
    copayRateEffectiveOn = null;
  }
  let individualNumberLast4: string | null = null;
  if (kind === 'qualificationNotice') {
    const link = await repos.individualNumbers.findByPerson(q.personId);
    if (link === null) {
      throw new AppError(INSURER_ERRORS.individualNumberNotLinked);
    }
    individualNumberLast4 = link.individualNumberLast4;
  }
  const disease = attrs.specificDiseases[0];
  return {
    nameKanji: person.nameKanji,
    nameKana: person.nameKana,
    birthDate: person.birthDate,
    sex: person.sex,
    insurerNumber: insurer.insurerNumber,
    insurerName: insurer.name,
    symbol: q.symbol,
    number: q.number,
    branch: q.branch,
    acquiredOn: q.acquiredOn,
    copayRate,
    copayRateEffectiveOn,
    copayRateText:
      rateScheme === 'national' && !isSeventyOrOver(rateScheme, person.birthDate, issuedOn)
        ? STATUTORY_RATE_TEXT
        : null,
    limitCategory: attrs.limitCategory?.category ?? null,
    limitCategoryEffectiveOn: attrs.limitCategory?.validFrom ?? null,
    longTermOn: attrs.limitCategory?.longTermOn ?? null,
    specificDiseaseCategory: disease?.diseaseCategory ?? null,
    specificDiseaseSelfPayLimit: disease?.selfPayLimit ?? null,
    individualNumberLast4,
    inquiryNumber:
      kind === 'qualificationNotice' ? inquiryNumberFor(insurer.insurerNumber, issuedOn, input.documentId) : null,
  };
}

function memberNumbers(p: PrintedFields): MemberNumbers {
  const m: MemberNumbers = { number: p.number };
  if (p.symbol !== null) {
    m.symbol = p.symbol;
  }
  if (p.branch !== null) {
    m.branch = p.branch;
  }
  return m;
}

function dataError(field: string, code: string): DocumentDataError {
  return new DocumentDataError([{ field, code, message: { ja: '印字できない値です', en: 'cannot be printed' } }]);
}

/**
 * The renderer's input, built only from what was stored at issue (and the immutable facts of the insurer's scheme
 * and the member's relationship), so a reprint is identical to the first print.
 */
export function documentRequestFor(doc: IssuedDocument, insurer: Insurer, q: Qualification): DocumentRequest {
  const p = doc.printed;
  const scheme = documentSchemeOf(insurer.scheme);
  const base = { scheme, insurer: { number: p.insurerNumber, name: p.insurerName }, member: memberNumbers(p) };
  if (doc.kind === 'qualificationNotice') {
    if (p.copayRate === null || p.copayRate === undefined) {
      throw dataError('copayRate', 'DOC_REQUIRED');
    }
    const data = {
      ...base,
      nameKanji: p.nameKanji,
      nameKana: p.nameKana,
      birthDate: p.birthDate,
      acquiredOn: p.acquiredOn,
      copayRate: p.copayRate,
      asOf: doc.issuedOn,
      issuedOn: doc.issuedOn,
      inquiryNumber: p.inquiryNumber ?? '',
      individualNumberLast4: p.individualNumberLast4 ?? '',
      portalUrl: PORTAL_URL,
      ...(doc.validTo === null ? {} : { validTo: doc.validTo }),
    };
    return { kind: 'qualificationNotice', data, fileStem: `notice-${doc.id}` };
  }
  if (doc.kind === 'legacyInsuranceCard') {
    throw dataError('kind', 'DOC_LEGACY_CARD');
  }
  if (p.sex !== 'male' && p.sex !== 'female') {
    throw dataError('sex', 'DOC_BAD_SEX');
  }
  if (doc.validTo === null) {
    throw dataError('validUntil', 'DOC_REQUIRED');
  }
  const needsRate = isSeventyOrOver(rateSchemeOf(insurer.scheme), p.birthDate, doc.issuedOn);
  const rate = p.copayRate ?? null;
  const diseaseLabel =
    p.specificDiseaseCategory === null || p.specificDiseaseCategory === undefined
      ? undefined
      : (SPECIFIC_DISEASE_PRINT_LABELS[p.specificDiseaseCategory] ??
        oqsCodeLabel('specificDisease', p.specificDiseaseCategory)?.ja);
  const data = {
    ...base,
    relationship: q.relationship,
    nameKanji: p.nameKanji,
    nameKana: p.nameKana,
    sex: p.sex,
    birthDate: p.birthDate,
    issuedOn: doc.issuedOn,
    validTo: doc.validTo,
    acquiredOn: p.acquiredOn,
    ...(needsRate && rate !== null ? { copay: { rate, validFrom: p.copayRateEffectiveOn ?? p.acquiredOn } } : {}),
    ...(p.limitCategory === null || p.limitCategory === undefined
      ? {}
      : {
          limitCategory: {
            label: limitCategoryLabel(p.limitCategory),
            validFrom: p.limitCategoryEffectiveOn ?? p.acquiredOn,
          },
        }),
    ...(p.longTermOn === null || p.longTermOn === undefined ? {} : { longTermOn: p.longTermOn }),
    ...(diseaseLabel === undefined
      ? {}
      : { specificDisease: { label: diseaseLabel, selfPayLimit: p.specificDiseaseSelfPayLimit ?? 10_000 } }),
  };
  return { kind: 'eligibilityCertificate', data, fileStem: `certificate-${doc.id}` };
}

/** Validates the renderer's input, turning its issues into the coded error (field and rule codes only). */
export function requirePrintable(request: DocumentRequest): void {
  try {
    validateRequest(request);
  } catch (error) {
    if (error instanceof DocumentDataError) {
      throw new AppError(INSURER_ERRORS.documentData, error.issues.map((i) => `${i.field}: ${i.code}`).join('; '));
    }
    throw error;
  }
}

/** True when `date` is in [validFrom, validTo] (validTo null: open-ended). */
export function documentValidOn(doc: Pick<IssuedDocument, 'validFrom' | 'validTo'>, date: string): boolean {
  return compareDates(doc.validFrom, date) <= 0 && (doc.validTo === null || compareDates(date, doc.validTo) <= 0);
}
