import { dvFlagEffects } from '@onshi/core';
import type { ResultOfQualificationConfirmation } from '../../formats/schemas.js';
import type {
  AttributesAsOf,
  Consent,
  ConsentItem,
  DocumentValidity,
  DvFlag,
  Insurer,
  MemberRecord,
  ReferenceNumberRecord,
  Person,
  Qualification,
  StoreRepositories,
} from '../../store/types.js';
import { attributesInForce, latestReferenceNumber } from '../../store/asOf.js';
import { buildQualificationResult } from './result.js';

const INSURER_TTL_MS = 60_000;
const insurerCache = new WeakMap<StoreRepositories, Map<string, { insurer: Insurer | null; until: number }>>();

/**
 * An insurer (a small reference table), cached for a minute: names change rarely and the hot path reads it. A cached
 * one is answered at once, without a promise (the confirmation's result needs nothing else it would wait for).
 */
export function cachedInsurer(
  repos: StoreRepositories,
  insurerNumber: string,
  nowMs: number,
): Insurer | null | Promise<Insurer | null> {
  let cache = insurerCache.get(repos);
  if (cache === undefined) {
    cache = new Map();
    insurerCache.set(repos, cache);
  }
  const hit = cache.get(insurerNumber);
  if (hit !== undefined && hit.until > nowMs) {
    return hit.insurer;
  }
  return loadInsurer(repos, cache, insurerNumber, nowMs);
}

async function loadInsurer(
  repos: StoreRepositories,
  cache: Map<string, { insurer: Insurer | null; until: number }>,
  insurerNumber: string,
  nowMs: number,
): Promise<Insurer | null> {
  const insurer = await repos.insurers.get(insurerNumber);
  cache.set(insurerNumber, { insurer, until: nowMs + INSURER_TTL_MS });
  return insurer;
}

/** What a result shows besides the person and qualification, as read from the store. */
interface ResultParts {
  attributes: AttributesAsOf;
  document: DocumentValidity | null;
  reference: ReferenceNumberRecord | null;
  insuredName: string | null;
}

/** The parts from the member's record read with the match: nothing to wait for. */
function partsOfRecord(record: MemberRecord, qualification: Qualification, context: ResultContext): ResultParts {
  return {
    attributes: attributesInForce(record.attributes, context.date),
    document: record.latestDocument,
    reference: latestReferenceNumber(record.referenceNumbers, context.institutionCode),
    insuredName: qualification.relationship === 'insured' ? null : record.insuredName,
  };
}

/** The parts read from the tables (no record at hand: PostgreSQL, or a qualification the match did not read). */
async function partsOfStore(
  repos: StoreRepositories,
  person: Person,
  qualification: Qualification,
  context: ResultContext,
): Promise<ResultParts> {
  const [attributes, document, reference, insuredName] = await Promise.all([
    repos.qualifications.attributesAsOf(qualification.id, context.date),
    repos.documents.latestForQualification(person.id, qualification.id),
    repos.referenceNumbers.findByPerson(context.institutionCode, person.id),
    insuredNameOf(repos, qualification),
  ]);
  return { attributes, document, reference, insuredName };
}

/** The DV flags in force, as the core effect rule reads them (rules.md §8). */
export function dvEffectsOf(flags: readonly DvFlag[]): ReturnType<typeof dvFlagEffects> {
  return dvFlagEffects({
    selfInfoBlocked: flags.includes('selfInfoBlocked'),
    nonDisclosure: flags.includes('nonDisclosure'),
  });
}

/** What a result needs besides the person and qualification. */
export interface ResultContext {
  institutionCode: string;
  date: string;
  at: Date;
  addressHidden: boolean;
  offeredItems?: readonly ConsentItem[];
  consent?: Consent | null;
  arbitraryIdentifier?: string;
  prescriptionIssueSelect?: '1' | '2';
  limitConsent?: '0' | '1';
  /** The member's records as already read with the match (`memberRecordsByKey`): no further lookups for them. */
  record?: MemberRecord;
}

/**
 * Loads what the store holds for one qualification (attributes in force, insurer, documents, the insured person's
 * name for a dependant, the institution's 照会番号) and builds the OQS result.
 */
export async function loadQualificationResult(
  repos: StoreRepositories,
  person: Person,
  qualification: Qualification,
  context: ResultContext,
): Promise<{ result: ResultOfQualificationConfirmation; referenceNumber: string | null }> {
  // The latest document issued for the qualification (資格確認書, お知らせ …): its issue and validity dates.
  const record = context.record?.qualification.id === qualification.id ? context.record : undefined;
  const pending = cachedInsurer(repos, qualification.insurerNumber, context.at.getTime());
  let parts: ResultParts;
  let insurer: Insurer | null;
  if (record !== undefined) {
    // The common case: everything is at hand, so no promise is made or awaited unless the insurer must be read.
    parts = partsOfRecord(record, qualification, context);
    insurer = pending instanceof Promise ? await pending : pending;
  } else {
    [parts, insurer] = await Promise.all([partsOfStore(repos, person, qualification, context), pending]);
  }
  const { attributes, document, reference, insuredName } = parts;
  const referenceNumber = reference?.referenceNumber ?? null;
  const result = buildQualificationResult({
    date: context.date,
    at: context.at,
    person,
    qualification,
    attributes,
    insurer,
    insuredName,
    addressHidden: context.addressHidden,
    document,
    offeredItems: context.offeredItems ?? [],
    consent: context.consent ?? null,
    referenceNumber,
    ...(context.arbitraryIdentifier !== undefined ? { arbitraryIdentifier: context.arbitraryIdentifier } : {}),
    ...(context.prescriptionIssueSelect !== undefined
      ? { prescriptionIssueSelect: context.prescriptionIssueSelect }
      : {}),
    ...(context.limitConsent !== undefined ? { limitConsent: context.limitConsent } : {}),
  });
  return { result, referenceNumber };
}

async function insuredNameOf(repos: StoreRepositories, qualification: Qualification): Promise<string | null> {
  if (qualification.relationship === 'insured' || qualification.insuredQualificationId === null) {
    return null;
  }
  const insured = await repos.qualifications.get(qualification.insuredQualificationId);
  if (insured === null) {
    return null;
  }
  const person = await repos.persons.get(insured.personId);
  return person?.nameKanji ?? null;
}
