import { dvFlagEffects } from '@onshi/core';
import type { ResultOfQualificationConfirmation } from '../../formats/schemas.js';
import type {
  Consent,
  ConsentItem,
  DvFlag,
  Insurer,
  MemberRecord,
  Person,
  Qualification,
  StoreRepositories,
} from '../../store/types.js';
import { attributesInForce, latestReferenceNumber } from '../../store/asOf.js';
import { buildQualificationResult } from './result.js';

const INSURER_TTL_MS = 60_000;
const insurerCache = new WeakMap<StoreRepositories, Map<string, { insurer: Insurer | null; until: number }>>();

/** An insurer (a small reference table), cached for a minute: names change rarely and the hot path reads it. */
export async function cachedInsurer(
  repos: StoreRepositories,
  insurerNumber: string,
  nowMs: number,
): Promise<Insurer | null> {
  let cache = insurerCache.get(repos);
  if (cache === undefined) {
    cache = new Map();
    insurerCache.set(repos, cache);
  }
  const hit = cache.get(insurerNumber);
  if (hit !== undefined && hit.until > nowMs) {
    return hit.insurer;
  }
  const insurer = await repos.insurers.get(insurerNumber);
  cache.set(insurerNumber, { insurer, until: nowMs + INSURER_TTL_MS });
  return insurer;
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
  const [attributes, insurer, document, reference, insuredName] = await Promise.all([
    record !== undefined
      ? attributesInForce(record.attributes, context.date)
      : repos.qualifications.attributesAsOf(qualification.id, context.date),
    cachedInsurer(repos, qualification.insurerNumber, context.at.getTime()),
    record !== undefined ? record.latestDocument : repos.documents.latestForQualification(person.id, qualification.id),
    record !== undefined
      ? latestReferenceNumber(record.referenceNumbers, context.institutionCode)
      : repos.referenceNumbers.findByPerson(context.institutionCode, person.id),
    record !== undefined
      ? qualification.relationship === 'insured'
        ? null
        : record.insuredName
      : insuredNameOf(repos, qualification),
  ]);
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
