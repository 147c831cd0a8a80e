import { memberIdentifier } from '@onshi/core';
import type {
  CardClassification,
  DvFlag,
  IssuedDocument,
  LossReason,
  Person,
  PrintedFields,
  Qualification,
  QualificationAttribute,
  Relationship,
  StoreRepositories,
} from '../../store/types.js';

/**
 * What the insurer API answers about its records. A member is one qualification (資格) of a person at the insurer, so
 * `memberId` is the qualification id. The My Number is never shown, only its last four digits (rules.md §1; seed
 * 003, as the 資格情報のお知らせ prints it).
 */

/** An effective-dated attribute as the API shows it (each kind keeps its own fields). */
export type AttributeView = QualificationAttribute extends infer A
  ? A extends QualificationAttribute
    ? Omit<A, 'personId' | 'qualificationId'>
    : never
  : never;

/** A DV flag period. */
export interface DvFlagView {
  id: string;
  flag: DvFlag;
  setOn: string;
  clearedOn: string | null;
  setBy: string | null;
}

/** The person behind a member. */
export type PersonView = Omit<Person, 'id'>;

/** One member (qualification) with what is in force on `asOf`. */
export interface MemberView {
  memberId: string;
  personId: string;
  insurerNumber: string;
  symbol: string | null;
  number: string;
  branch: string | null;
  /** JP Core 被保険者個人識別子, or null for a legacy record that breaks the character rules. */
  memberIdentifier: string | null;
  relationship: Relationship;
  insuredMemberId: string | null;
  acquiredOn: string;
  lostOn: string | null;
  lossReason: LossReason | null;
  cardClassification: CardClassification;
  person: PersonView;
  individualNumberLast4: string | null;
  asOf: string;
  attributes: AttributeView[];
  dvFlags: DvFlagView[];
}

/** A member as listed (no person details beyond the name key fields). */
export interface MemberSummary {
  memberId: string;
  personId: string;
  symbol: string | null;
  number: string;
  branch: string | null;
  relationship: Relationship;
  insuredMemberId: string | null;
  acquiredOn: string;
  lostOn: string | null;
}

/** An issued document, with where to fetch its PDF. */
export interface DocumentView {
  documentId: string;
  memberId: string;
  personId: string;
  insurerNumber: string;
  kind: IssuedDocument['kind'];
  issuedOn: string;
  validFrom: string;
  validTo: string | null;
  onRequest: boolean;
  printed: PrintedFields;
  pdf: string;
}

function identifierOf(q: Qualification): string | null {
  try {
    return memberIdentifier(q);
  } catch {
    return null;
  }
}

/** Strips the keys the view repeats elsewhere. */
export function attributeView(a: QualificationAttribute): AttributeView {
  switch (a.kind) {
    case 'copayRate': {
      const { personId: _p, qualificationId: _q, ...rest } = a;
      return rest;
    }
    case 'limitCategory': {
      const { personId: _p, qualificationId: _q, ...rest } = a;
      return rest;
    }
    case 'elderlyRecipient': {
      const { personId: _p, qualificationId: _q, ...rest } = a;
      return rest;
    }
    case 'specificDisease': {
      const { personId: _p, qualificationId: _q, ...rest } = a;
      return rest;
    }
  }
}

/** The attributes in force on `asOf`, in a fixed order. */
async function attributesOn(repos: StoreRepositories, qualificationId: string, asOf: string): Promise<AttributeView[]> {
  const now = await repos.qualifications.attributesAsOf(qualificationId, asOf);
  const list: QualificationAttribute[] = [];
  for (const a of [now.copayRate, now.elderlyRecipient, now.limitCategory]) {
    if (a !== null) {
      list.push(a);
    }
  }
  list.push(...now.specificDiseases);
  return list.map(attributeView);
}

/** The full view of a member. */
export async function memberView(repos: StoreRepositories, q: Qualification, asOf: string): Promise<MemberView> {
  const person = await repos.persons.get(q.personId);
  if (person === null) {
    throw new Error('qualification without a person');
  }
  const { id: _id, ...personFields } = person;
  const link = await repos.individualNumbers.findByPerson(q.personId);
  const flags = await repos.dvFlags.listByPerson(q.personId);
  return {
    memberId: q.id,
    personId: q.personId,
    insurerNumber: q.insurerNumber,
    symbol: q.symbol,
    number: q.number,
    branch: q.branch,
    memberIdentifier: identifierOf(q),
    relationship: q.relationship,
    insuredMemberId: q.insuredQualificationId,
    acquiredOn: q.acquiredOn,
    lostOn: q.lostOn,
    lossReason: q.lossReason,
    cardClassification: q.cardClassification,
    person: personFields,
    individualNumberLast4: link?.individualNumberLast4 ?? null,
    asOf,
    attributes: await attributesOn(repos, q.id, asOf),
    dvFlags: flags.map((f) => ({ id: f.id, flag: f.flag, setOn: f.setOn, clearedOn: f.clearedOn, setBy: f.setBy })),
  };
}

/** The short form used in lists and searches. */
export function memberSummary(q: Qualification): MemberSummary {
  return {
    memberId: q.id,
    personId: q.personId,
    symbol: q.symbol,
    number: q.number,
    branch: q.branch,
    relationship: q.relationship,
    insuredMemberId: q.insuredQualificationId,
    acquiredOn: q.acquiredOn,
    lostOn: q.lostOn,
  };
}

/** The API path of a document's PDF. */
export function documentPdfPath(documentId: string): string {
  return `/insurer/v1/documents/${documentId}.pdf`;
}

/** The view of an issued document. */
export function documentView(d: IssuedDocument): DocumentView {
  return {
    documentId: d.id,
    memberId: d.qualificationId,
    personId: d.personId,
    insurerNumber: d.insurerNumber,
    kind: d.kind,
    issuedOn: d.issuedOn,
    validFrom: d.validFrom,
    validTo: d.validTo,
    onRequest: d.onRequest,
    printed: d.printed,
    pdf: documentPdfPath(d.id),
  };
}
