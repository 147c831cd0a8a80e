import {
  acceptDocument,
  compareDates,
  PROVISIONAL_MEASURE_LAST_DAY,
  type AcceptDocumentResult,
  type PresentedDocument,
} from '@onshi/core';
import { OqsError } from '../../formats/errors.js';
import { resultError } from '../../formats/oqs-xml/index.js';
import type { QualificationConfirmSearchInfo } from '../../formats/schemas.js';
import { fromWireDate } from '../../formats/wire.js';
import { dvFlagsInForce, qualifiedOn } from '../../store/asOf.js';
import type { Institution, MemberRecord, Person, Qualification, StoreRepositories } from '../../store/types.js';
import { today, type OqsDeps, type ReaderResultBody } from './deps.js';
import { OQS_NOTICES } from './errors.js';
import { dvEffectsOf, loadQualificationResult } from './lookup.js';
import { checkOf, recordCheck, type CheckBase, type RecordedCheck } from './record.js';
import { acceptancePersonOf } from './cardState.js';
import { requireOqsInstitution } from './institutions.js';

/** One confirmation by 保険者番号・記号・番号・枝番 and birth date (OQSsiquc01req; a unit of 一括照会). */
export interface ConfirmByNumberInput {
  /** The authenticated institution (the message's MedicalInstitutionCode must already match it). */
  institutionCode: string;
  /** As QualificationConfirmSearchInfo carries it, normalised by formats (6-digit 国保, widths, padding). */
  searchInfo: QualificationConfirmSearchInfo;
  /** 資格確認日 'YYYY-MM-DD'; default today (Japan) by the injected clock. */
  confirmationDate?: string;
  /**
   * What the patient showed, when the clinic checks by number because of it: 資格確認書, the reader-failure ladder
   * (card + お知らせ / portal screen), or the 暫定 expired paper card or お知らせ alone (core acceptDocument decides).
   */
  presented?: PresentedDocument;
  /** 'bulk' for a 一括照会 unit; default 'number'. */
  method?: 'number' | 'bulk';
}

/** A confirmation's answer: the OQS body and what was recorded. */
export interface ConfirmationOutcome {
  body: ReaderResultBody;
  confirmationId: string;
  at: string;
  /** Signed proof of check, when a valid qualification was confirmed. */
  proofOfCheck: string | null;
  personId: string | null;
  /** The 資格確認日 used, 'YYYY-MM-DD'. */
  confirmationDate: string;
}

/** A confirmation's outcome from its recorded check (no spread: decision 0176). */
export function outcomeOf(
  recorded: RecordedCheck,
  body: ReaderResultBody,
  personId: string | null,
  confirmationDate: string,
): ConfirmationOutcome {
  return {
    body,
    confirmationId: recorded.confirmationId,
    at: recorded.at,
    proofOfCheck: recorded.proofOfCheck,
    personId,
    confirmationDate,
  };
}

/** The outcome of matching the search keys (OQSCD006). */
export type NumberMatch =
  | {
      validity: '1' | '2' | '3';
      person: Person;
      qualification: Qualification;
      /** What the store read with the match (an exact member key), so the answer needs no further lookups. */
      record?: MemberRecord;
    }
  | { validity: '4' | '5' };

/** The members born on `birthDate`, and their qualifications acquired by `date`. */
function candidatesOf(
  members: readonly { qualification: Qualification; person: Person }[],
  birthDate: string,
  date: string,
): { persons: Map<string, Person>; matching: Qualification[] } {
  const persons = new Map<string, Person>();
  const matching: Qualification[] = [];
  for (const { qualification, person } of members) {
    if (person.birthDate === birthDate) {
      persons.set(person.id, person);
      if (compareDates(qualification.acquiredOn, date) <= 0) {
        matching.push(qualification);
      }
    }
  }
  return { persons, matching };
}

/** The record read with the match for `q`, if any (a module function, not a closure per call: decision 0176). */
function recordOf(records: readonly MemberRecord[], q: Qualification): { record?: MemberRecord } {
  const record = records.find((r) => r.qualification.id === q.id);
  return record === undefined ? {} : { record };
}

/**
 * Matches the search keys (width-folded member key, then birth date; a search without 枝番 that finds nobody
 * without one looks under every 枝番) and classifies the result as QualificationValidity (oqs-interface.md §8
 * OQSCD006, rules.md Appendix): 1 valid; 2 invalid (lost); 3 invalid but the person has a newer qualification;
 * 4 no match; 5 several persons match.
 */
export async function matchByNumber(
  repos: StoreRepositories,
  searchInfo: QualificationConfirmSearchInfo,
  date: string,
): Promise<NumberMatch> {
  const key = {
    insurerNumber: searchInfo.insurerNumber,
    symbol: searchInfo.insuredCardSymbol ?? null,
    number: searchInfo.insuredIdentificationNumber,
    branch: searchInfo.insuredBranchNumber ?? null,
  };
  const birthDate = fromWireDate(searchInfo.birthdate);
  // One read: the member key's qualifications with their persons and what the answer shows (decision 0166).
  const records = await repos.qualifications.memberRecordsByKey(key);
  let found = candidatesOf(records, birthDate, date);
  if (found.persons.size === 0 && searchInfo.insuredBranchNumber === undefined) {
    // No 枝番 on the card (printed before 枝番 existed, rules.md §1.2 [S8]) and nobody without one matches: every
    // 枝番 under the 記号・番号 is a candidate, and the birth date decides.
    found = candidatesOf(await repos.qualifications.findMembersByKey({ anyBranch: true, ...key }), birthDate, date);
  }
  const { persons, matching } = found;
  const personIds = new Set(matching.map((q) => q.personId));
  if (personIds.size === 0) {
    return { validity: '4' };
  }
  if (personIds.size > 1) {
    return { validity: '5' };
  }
  const [first] = matching;
  const person = first === undefined ? undefined : persons.get(first.personId);
  if (first === undefined || person === undefined) {
    return { validity: '4' };
  }
  const current = matching.find((q) => qualifiedOn(q, date));
  if (current !== undefined) {
    return { validity: '1', person, qualification: current, ...recordOf(records, current) };
  }
  // candidates come newest acquisition first: the latest lost one describes the person here.
  const newer = (await repos.qualifications.currentForPerson(person.id, date)).filter(
    (q) => compareDates(q.acquiredOn, first.acquiredOn) > 0,
  );
  return { validity: newer.length > 0 ? '3' : '2', person, qualification: first, ...recordOf(records, first) };
}

/** The body of a refused check: the coded refusal, with QualificationValidity when the match decided it. */
export function errorBody(error: OqsError, validity?: '4' | '5'): ReaderResultBody {
  const body: ReaderResultBody = resultError(error);
  if (validity !== undefined) {
    body.qualificationValidity = validity;
  }
  return body;
}

/**
 * The per-person refusal for a document acceptDocument refused: after 2026-03-31 an expired paper card or a notice
 * alone gets the catalogue's 暫定-ended code; any other refusal Onshi's own code with the rule's message for staff.
 */
function refusedDocument(
  date: string,
  presented: PresentedDocument,
  decision: AcceptDocumentResult,
): { code: string; message: string } {
  const provisionalKinds = presented.kind === 'legacyInsuranceCard' || presented.kind === 'qualificationNoticeAlone';
  if (provisionalKinds && compareDates(date, PROVISIONAL_MEASURE_LAST_DAY) > 0) {
    const ended = new OqsError('provisionalEnded');
    return { code: ended.code, message: `${ended.entry.staff.ja}（${decision.verdict.message.ja}）` };
  }
  return { code: OQS_NOTICES.documentNotAccepted.code, message: decision.verdict.message.ja };
}

/**
 * 資格確認 by number (OQSsiquc01req): match, apply the rules of the presented document if any (acceptDocument as of
 * today by the injected clock: the 暫定 measure ends after 2026-03-31), hide the address under the DV flags, record
 * the check (confirmation row + audit, group commit) and sign a proof of check. Used by the single endpoint, the
 * file agent and each 一括照会 unit.
 */
export async function confirmByNumber(deps: OqsDeps, input: ConfirmByNumberInput): Promise<ConfirmationOutcome> {
  const { ctx } = deps;
  const repos = ctx.store;
  const now = ctx.clock.now();
  const visitDate = today(ctx);
  const date = input.confirmationDate ?? visitDate;
  const method = input.method ?? 'number';
  await requireOqsInstitution(ctx, input.institutionCode);
  const match = await matchByNumber(repos, input.searchInfo, date);
  const presentedDetail: Record<string, string> = input.presented ? { presented: input.presented.kind } : {};
  const base: CheckBase = {
    institutionCode: input.institutionCode,
    method,
    authentication: null,
    referenceNumber: null,
    detail: presentedDetail,
  };
  if (!('person' in match)) {
    const error = new OqsError(match.validity === '4' ? 'noQualification' : 'multipleMatches');
    const recorded = await recordCheck(
      deps,
      checkOf(base, {
        personId: null,
        qualificationId: null,
        insurerNumber: input.searchInfo.insurerNumber,
        qualificationValidity: Number(match.validity),
        resultCode: error.code,
      }),
      false,
    );
    return outcomeOf(recorded, errorBody(error, match.validity), null, date);
  }
  const { person, qualification } = match;
  const flags =
    match.record !== undefined
      ? dvFlagsInForce(match.record.dvFlags, visitDate)
      : await repos.dvFlags.activeOn(person.id, visitDate);
  const effects = dvEffectsOf(flags);
  let notice: { code: string; ja: string } | null = null;
  if (input.presented !== undefined) {
    const institution = await repos.institutions.get(input.institutionCode);
    const decision = await decidePresented(repos, person, match.validity, input.presented, visitDate, institution);
    if (!decision.accepted && decision.charge !== 'fullThenRefund') {
      const error = refusedDocument(visitDate, input.presented, decision);
      const recorded = await recordCheck(
        deps,
        checkOf(base, {
          personId: person.id,
          qualificationId: qualification.id,
          insurerNumber: qualification.insurerNumber,
          qualificationValidity: Number(match.validity),
          resultCode: error.code,
          detail: { rule: decision.verdict.code, fallback: decision.fallback, ...presentedDetail },
        }),
        false,
      );
      const body: ReaderResultBody = {
        processingResultStatus: '2',
        processingResultCode: error.code,
        processingResultMessage: error.message,
        qualificationValidity: match.validity,
      };
      return outcomeOf(recorded, body, person.id, date);
    }
    if (decision.verdict.code === 'provisionalMeasure') {
      notice = OQS_NOTICES.provisionalMeasure;
    }
  }
  const { result, referenceNumber } = await loadQualificationResult(repos, person, qualification, {
    institutionCode: input.institutionCode,
    date,
    at: now,
    addressHidden: effects.addressHidden,
    ...(match.record !== undefined ? { record: match.record } : {}),
    ...(input.searchInfo.arbitraryIdentifier !== undefined
      ? { arbitraryIdentifier: input.searchInfo.arbitraryIdentifier }
      : {}),
    ...(input.searchInfo.limitApplicationCertificateRelatedConsFlg !== undefined
      ? { limitConsent: input.searchInfo.limitApplicationCertificateRelatedConsFlg }
      : {}),
  });
  const valid = match.validity === '1';
  const recorded = await recordCheck(
    deps,
    checkOf(base, {
      personId: person.id,
      qualificationId: qualification.id,
      insurerNumber: qualification.insurerNumber,
      qualificationValidity: Number(match.validity),
      resultCode: notice?.code ?? 'ok',
      referenceNumber,
    }),
    valid,
  );
  const body: ReaderResultBody = {
    resultList: [result],
    processingResultStatus: '1',
    qualificationValidity: match.validity,
    ...(notice !== null ? { processingResultCode: notice.code, processingResultMessage: notice.ja } : {}),
  };
  return outcomeOf(recorded, body, person.id, date);
}

async function decidePresented(
  repos: StoreRepositories,
  person: Person,
  validity: '1' | '2' | '3',
  presented: PresentedDocument,
  date: string,
  institution: Institution | null,
): Promise<AcceptDocumentResult> {
  const acceptancePerson = await acceptancePersonOf(repos, person, validity === '1' ? 'active' : 'lost', date);
  return acceptDocument({
    date,
    presented,
    person: acceptancePerson,
    readerWorking: institution?.readerStatus !== 'outOfOrder',
  });
}
