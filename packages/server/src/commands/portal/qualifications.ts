import { compareDates, limitCategoryLabel, SCHEME_LABELS, type Bilingual } from '@onshi/core';
import { AppError } from '../../http/errors.js';
import type {
  Person,
  Qualification,
  QualificationAttribute,
  Relationship,
  StoreRepositories,
} from '../../store/types.js';
import { PORTAL_ERRORS } from './errors.js';

/** One effective-dated value in the history of a qualification (co-pay, 限度額区分, 高齢受給者, 特定疾病). */
export interface AttributeChange {
  kind: QualificationAttribute['kind'];
  validFrom: string;
  validTo: string | null;
  /** The value as shown: '3割', 'ウ (A03)', '人工透析 10,000円' … */
  value: string;
}

/** A qualification as the portal's 資格情報 screen shows it (documents-and-screens.md §3.2). */
export interface QualificationView {
  qualificationId: string;
  insurerNumber: string;
  insurerName: string;
  scheme: string | null;
  symbol: string | null;
  number: string;
  branch: string | null;
  relationship: Relationship;
  acquiredOn: string;
  lostOn: string | null;
  /** In force on the date asked. */
  current: boolean;
  copayRate: number | null;
  limitCategory: { code: string; label: string } | null;
  /** Values in force and those that ended, oldest first (superseded corrections left out). */
  history: AttributeChange[];
}

function rateText(rate: number): string {
  return `${String(Math.round(rate * 10))}割`;
}

function changeOf(a: QualificationAttribute): AttributeChange {
  const base = { kind: a.kind, validFrom: a.validFrom, validTo: a.validTo };
  switch (a.kind) {
    case 'copayRate':
      return { ...base, value: rateText(a.rate) };
    case 'elderlyRecipient':
      return { ...base, value: `高齢受給者 ${rateText(a.rate)}` };
    case 'limitCategory':
      return { ...base, value: `${limitCategoryLabel(a.category)} (${a.category})` };
    case 'specificDisease':
      return { ...base, value: `特定疾病 ${a.diseaseCategory} ${a.selfPayLimit.toLocaleString('ja-JP')}円` };
  }
}

/** One qualification with its values on `date` and its history. */
export async function qualificationView(
  repos: StoreRepositories,
  q: Qualification,
  date: string,
): Promise<QualificationView> {
  const [insurer, asOf, history] = await Promise.all([
    repos.insurers.get(q.insurerNumber),
    repos.qualifications.attributesAsOf(q.id, date),
    repos.qualifications.attributeHistory(q.id),
  ]);
  const current = compareDates(q.acquiredOn, date) <= 0 && (q.lostOn === null || date < q.lostOn);
  const rate = asOf.elderlyRecipient?.rate ?? asOf.copayRate?.rate ?? null;
  return {
    qualificationId: q.id,
    insurerNumber: q.insurerNumber,
    insurerName: insurer?.name ?? q.insurerNumber,
    scheme: insurer === null ? null : SCHEME_LABELS[insurer.scheme].ja,
    symbol: q.symbol,
    number: q.number,
    branch: q.branch,
    relationship: q.relationship,
    acquiredOn: q.acquiredOn,
    lostOn: q.lostOn,
    current,
    copayRate: rate,
    limitCategory:
      asOf.limitCategory === null
        ? null
        : { code: asOf.limitCategory.category, label: limitCategoryLabel(asOf.limitCategory.category) },
    history: history
      .filter((a) => a.supersededAt === null)
      .sort((a, b) => (a.validFrom < b.validFrom ? -1 : a.validFrom > b.validFrom ? 1 : 0))
      .map(changeOf),
  };
}

/** My qualifications: those in force on `date` and every one ever held, newest first. */
export interface MyQualifications {
  asOf: string;
  current: QualificationView[];
  all: QualificationView[];
  message: Bilingual;
}

/** The person's qualifications now and in the past (insurer, 記号・番号・枝番, co-pay, 限度額区分). */
export async function myQualifications(
  repos: StoreRepositories,
  personId: string,
  date: string,
): Promise<MyQualifications> {
  const all = await Promise.all(
    (await repos.qualifications.findByPerson(personId)).map((q) => qualificationView(repos, q, date)),
  );
  const current = all.filter((q) => q.current);
  return {
    asOf: date,
    current,
    all,
    message:
      current.length > 0
        ? { ja: '現在有効な資格があります', en: 'You have a qualification in force' }
        : {
            ja: '現在有効な資格がありません。加入している保険者にお問い合わせください',
            en: 'No qualification is in force; please contact your insurer',
          },
  };
}

/** The person, or the coded 404. */
export async function requirePersonRecord(repos: StoreRepositories, personId: string): Promise<Person> {
  const person = await repos.persons.get(personId);
  if (person === null) {
    throw new AppError(PORTAL_ERRORS.noQualification, 'no such person');
  }
  return person;
}
