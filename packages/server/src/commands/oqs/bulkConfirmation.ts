import { randomBytes } from 'node:crypto';
import { OqsError, errorByCode, toOqsError } from '../../formats/errors.js';
import type {
  BulkConfirmUnit,
  BulkConfirmationResultResponse,
  BulkConfirmationUploadRequest,
  QualificationConfirmSearchInfo,
  ReceptionNumberRequest,
  ReceptionResponse,
} from '../../formats/schemas.js';
import { fromWireDate, toWireDate, toWireDateTime } from '../../formats/wire.js';
import type {
  BulkConfirmationJob,
  BulkConfirmationRequest,
  BulkConfirmationResult,
  BulkConfirmationUnit,
  Person,
  Qualification,
} from '../../store/types.js';
import { confirmByNumber, matchByNumber } from './confirmByNumber.js';
import { today, type OqsDeps } from './deps.js';
import { OQS_NOTICES } from './errors.js';
import { dvEffectsOf, loadQualificationResult } from './lookup.js';

/*
 * 一括照会 (oqs-interface.md §4): the clinic uploads the search keys of its booked patients (OQSmuquc01req), gets
 * a 受付番号 at once (OQSmuquc01res), and fetches the results later with it (OQSmuquc02req → OQSmuquc02res,
 * SegmentOfResult 2 while processing). Each unit is one confirmation by number (`confirmByNumber`, method
 * 'bulk'), recorded and audited like a single one. Jobs live in store.bulkJobs so they survive a restart
 * (decision 0100).
 */

/** What a clinic uploads: the search keys and the day they are asked about. */
export interface SubmitBulkConfirmationInput {
  /** The authenticated institution (the message's MedicalInstitutionCode must already match it). */
  institutionCode: string;
  /** 資格確認日 'YYYY-MM-DD'; default today (Japan) by the injected clock. */
  confirmationDate?: string;
  searchInfos: readonly QualificationConfirmSearchInfo[];
}

/** A 受付番号: the instant (Japan time) and 48 random bits, so it sorts by time and cannot be guessed. */
function newReceptionNumber(at: Date): string {
  return `${toWireDateTime(at)}${randomBytes(6).toString('hex').toUpperCase()}`;
}

/** The stored form of one search key (dates in the house ISO form). */
export function bulkRequestOf(info: QualificationConfirmSearchInfo): BulkConfirmationRequest {
  return {
    insurerNumber: info.insurerNumber,
    symbol: info.insuredCardSymbol ?? null,
    number: info.insuredIdentificationNumber,
    branch: info.insuredBranchNumber ?? null,
    birthDate: fromWireDate(info.birthdate),
    arbitraryIdentifier: info.arbitraryIdentifier ?? null,
  };
}

/** The search key as the clinic sent it, echoed in its BulkConfirmUnit. */
export function searchInfoOf(request: BulkConfirmationRequest): QualificationConfirmSearchInfo {
  return {
    insurerNumber: request.insurerNumber,
    ...(request.symbol !== null ? { insuredCardSymbol: request.symbol } : {}),
    insuredIdentificationNumber: request.number,
    ...(request.branch !== null ? { insuredBranchNumber: request.branch } : {}),
    birthdate: toWireDate(request.birthDate),
    ...(request.arbitraryIdentifier !== null ? { arbitraryIdentifier: request.arbitraryIdentifier } : {}),
  };
}

/**
 * Accepts a 一括照会 upload: stores the job as `queued` with one unit per search key and audits the upload. The
 * background worker (`BulkWorker`) answers the units; the clinic polls with the returned 受付番号.
 */
export async function submitBulkConfirmation(
  deps: OqsDeps,
  input: SubmitBulkConfirmationInput,
): Promise<BulkConfirmationJob> {
  if (input.searchInfos.length === 0) {
    throw new OqsError('fieldMissing', 'XmlMsg/MessageBody/QualificationConfirmSearchInfo');
  }
  const now = deps.ctx.clock.now();
  const job = await deps.ctx.store.bulkJobs.create({
    receptionNumber: newReceptionNumber(now),
    institutionCode: input.institutionCode,
    requestedAt: now.toISOString(),
    confirmationDate: input.confirmationDate ?? today(deps.ctx),
    status: 'queued',
    units: input.searchInfos.map((info) => ({ request: bulkRequestOf(info), result: null })),
    completedAt: null,
  });
  await deps.audit.append({
    at: now.toISOString(),
    actorKind: 'institution',
    actorId: input.institutionCode,
    action: 'oqs.bulk.submit',
    personId: null,
    target: job.receptionNumber,
    outcome: 'allowed',
    detail: { units: job.units.length, confirmationDate: job.confirmationDate },
  });
  return job;
}

/** OQSmuquc01res: the reception of an upload. */
export function receptionMessage(
  job: BulkConfirmationJob,
  header: { arbitraryFileIdentifier?: string; characterCodeIdentifier: '0' | '1' },
): ReceptionResponse {
  const at = new Date(job.requestedAt);
  return {
    messageHeader: {
      processExecutionTime: toWireDateTime(at),
      qualificationConfirmationDate: toWireDate(job.confirmationDate),
      medicalInstitutionCode: job.institutionCode,
      ...(header.arbitraryFileIdentifier !== undefined
        ? { arbitraryFileIdentifier: header.arbitraryFileIdentifier }
        : {}),
      segmentOfResult: '1',
      characterCodeIdentifier: header.characterCodeIdentifier,
    },
    messageBody: { receptionNumber: job.receptionNumber, receptionDateTime: toWireDateTime(at) },
  };
}

/**
 * Answers one unit: a confirmation by number as of the job's 資格確認日, recorded and audited as method 'bulk'.
 * A failure of one unit (even an unexpected one) becomes that unit's coded error; it never fails the job.
 */
export async function answerBulkUnit(
  deps: OqsDeps,
  job: Pick<BulkConfirmationJob, 'institutionCode' | 'confirmationDate'>,
  request: BulkConfirmationRequest,
): Promise<BulkConfirmationResult> {
  try {
    const outcome = await confirmByNumber(deps, {
      institutionCode: job.institutionCode,
      searchInfo: searchInfoOf(request),
      confirmationDate: job.confirmationDate,
      method: 'bulk',
    });
    const [result] = outcome.body.resultList ?? [];
    return {
      processingResultStatus: Number(outcome.body.processingResultStatus ?? '2'),
      processingResultCode: outcome.body.processingResultCode ?? null,
      qualificationValidity:
        outcome.body.qualificationValidity === undefined ? null : Number(outcome.body.qualificationValidity),
      personId: result === undefined ? null : outcome.personId,
      // The outcome does not name the qualification; presenting finds it again by the same match.
      qualificationId: null,
      referenceNumber: result?.referenceNumber ?? null,
    };
  } catch (thrown) {
    const error = toOqsError(thrown);
    return {
      processingResultStatus: 2,
      processingResultCode: error.code,
      qualificationValidity: null,
      personId: null,
      qualificationId: null,
      referenceNumber: null,
    };
  }
}

/** Statuses a poll can see, as SegmentOfResult: 1 done, 2 still processing, 9 failed. */
function segmentOf(job: BulkConfirmationJob): '1' | '2' | '9' {
  switch (job.status) {
    case 'done':
      return '1';
    case 'failed':
      return '9';
    case 'queued':
    case 'processing':
      return '2';
  }
}

/** The staff message of a result code: the catalogue's, or an informational notice's. */
function messageOfCode(code: string): string | undefined {
  const entry = errorByCode(code);
  if (entry !== undefined) {
    return entry.staff.ja;
  }
  return Object.values(OQS_NOTICES).find((n) => n.code === code)?.ja;
}

/**
 * One BulkConfirmUnit: the search key echoed, the outcome, and — for a person found — the qualification result
 * as of the job's 資格確認日 with the address hidden under the DV flags (rules.md §8).
 */
async function presentUnit(
  deps: OqsDeps,
  job: BulkConfirmationJob,
  unit: BulkConfirmationUnit,
  result: BulkConfirmationResult,
): Promise<BulkConfirmUnit> {
  const out: BulkConfirmUnit = {
    qualificationConfirmSearchInfo: searchInfoOf(unit.request),
    processingResultStatus: result.processingResultStatus === 1 ? '1' : '2',
  };
  if (result.processingResultCode !== null) {
    out.processingResultCode = result.processingResultCode;
    const message = messageOfCode(result.processingResultCode);
    if (message !== undefined) {
      out.processingResultMessage = message;
    }
  }
  const validity = String(result.qualificationValidity);
  if (validity === '1' || validity === '2' || validity === '3' || validity === '4' || validity === '5') {
    out.qualificationValidity = validity;
  }
  if (result.personId !== null && result.processingResultStatus === 1) {
    const store = deps.ctx.store;
    const found = await findMatch(deps, job, unit.request, result);
    if (found !== null) {
      const { person, qualification } = found;
      const flags = await store.dvFlags.activeOn(person.id, today(deps.ctx));
      const { result: body } = await loadQualificationResult(store, person, qualification, {
        institutionCode: job.institutionCode,
        date: job.confirmationDate,
        at: deps.ctx.clock.now(),
        addressHidden: dvEffectsOf(flags).addressHidden,
        ...(unit.request.arbitraryIdentifier !== null ? { arbitraryIdentifier: unit.request.arbitraryIdentifier } : {}),
      });
      out.resultOfQualificationConfirmation = body;
    }
  }
  if (result.referenceNumber !== null) {
    out.referenceNumber = result.referenceNumber;
  }
  return out;
}

/**
 * The person and qualification a unit matched: by the stored qualification id when known, else by the same match
 * the confirmation made (`matchByNumber` as of the job's 資格確認日), kept only if it is still the same person.
 */
async function findMatch(
  deps: OqsDeps,
  job: BulkConfirmationJob,
  request: BulkConfirmationRequest,
  result: BulkConfirmationResult,
): Promise<{ person: Person; qualification: Qualification } | null> {
  const store = deps.ctx.store;
  if (result.personId === null) {
    return null;
  }
  if (result.qualificationId !== null) {
    const [person, qualification] = await Promise.all([
      store.persons.get(result.personId),
      store.qualifications.get(result.qualificationId),
    ]);
    return person !== null && qualification !== null ? { person, qualification } : null;
  }
  const match = await matchByNumber(store, searchInfoOf(request), job.confirmationDate);
  if (!('person' in match) || match.person.id !== result.personId) {
    return null;
  }
  return { person: match.person, qualification: match.qualification };
}

/** Who asks for a bulk result and with which response header options. */
export interface ReadBulkConfirmationInput {
  institutionCode: string;
  receptionNumber: string;
  arbitraryFileIdentifier?: string;
  characterCodeIdentifier: '0' | '1';
}

/**
 * OQSmuquc02res for a 受付番号: SegmentOfResult 2 and no units while the job is queued or processing; when done,
 * one BulkConfirmUnit per uploaded key in upload order, with 処理結果件数 / 正常件数 / エラー件数. Only the
 * institution that uploaded the job can read it; for anyone else it does not exist (OQS-E-BULK-UNKNOWN).
 */
export async function readBulkConfirmation(
  deps: OqsDeps,
  input: ReadBulkConfirmationInput,
): Promise<BulkConfirmationResultResponse> {
  const job = await deps.ctx.store.bulkJobs.get(input.receptionNumber);
  if (job === null || job.institutionCode !== input.institutionCode) {
    throw new OqsError('bulkUnknown');
  }
  const segment = segmentOf(job);
  const header: BulkConfirmationResultResponse['messageHeader'] = {
    processExecutionTime: toWireDateTime(deps.ctx.clock.now()),
    qualificationConfirmationDate: toWireDate(job.confirmationDate),
    medicalInstitutionCode: job.institutionCode,
    ...(input.arbitraryFileIdentifier !== undefined ? { arbitraryFileIdentifier: input.arbitraryFileIdentifier } : {}),
    receptionNumber: job.receptionNumber,
    segmentOfResult: segment,
    characterCodeIdentifier: input.characterCodeIdentifier,
  };
  if (segment === '2') {
    const processing = new OqsError('bulkProcessing');
    return {
      messageHeader: { ...header, errorCode: processing.code, errorMessage: processing.entry.staff.ja },
      messageBody: {},
    };
  }
  if (segment === '9') {
    const failed = new OqsError('internal');
    return {
      messageHeader: { ...header, errorCode: failed.code, errorMessage: failed.entry.staff.ja },
      messageBody: {},
    };
  }
  const units: BulkConfirmUnit[] = [];
  let normal = 0;
  for (const unit of job.units) {
    const result = unit.result ?? {
      processingResultStatus: 2,
      processingResultCode: new OqsError('internal').code,
      qualificationValidity: null,
      personId: null,
      qualificationId: null,
      referenceNumber: null,
    };
    if (result.processingResultStatus === 1) {
      normal += 1;
    }
    units.push(await presentUnit(deps, job, unit, result));
  }
  return {
    messageHeader: {
      ...header,
      numberOfProcessingResult: String(units.length),
      numberOfNormalProcessing: String(normal),
      numberOfError: String(units.length - normal),
    },
    messageBody: { bulkConfirmUnit: units },
  };
}

/** OQSmuquc01req → OQSmuquc01res: accepts the upload and answers with the 受付番号 (for routes and the agent). */
export async function handleBulkUpload(
  deps: OqsDeps,
  institutionCode: string,
  message: BulkConfirmationUploadRequest,
  characterCodeIdentifier: '0' | '1',
): Promise<ReceptionResponse> {
  const header = message.messageHeader;
  const job = await submitBulkConfirmation(deps, {
    institutionCode,
    ...(header.qualificationConfirmationDate !== undefined
      ? { confirmationDate: fromWireDate(header.qualificationConfirmationDate) }
      : {}),
    searchInfos: message.messageBody.qualificationConfirmSearchInfo,
  });
  return receptionMessage(job, {
    ...(header.arbitraryFileIdentifier !== undefined
      ? { arbitraryFileIdentifier: header.arbitraryFileIdentifier }
      : {}),
    characterCodeIdentifier,
  });
}

/** OQSmuquc02req → OQSmuquc02res: the result (or SegmentOfResult 2) for a 受付番号 (for routes and the agent). */
export function handleBulkResult(
  deps: OqsDeps,
  institutionCode: string,
  message: ReceptionNumberRequest,
  characterCodeIdentifier: '0' | '1',
): Promise<BulkConfirmationResultResponse> {
  const header = message.messageHeader;
  return readBulkConfirmation(deps, {
    institutionCode,
    receptionNumber: message.messageBody.receptionNumber,
    ...(header.arbitraryFileIdentifier !== undefined
      ? { arbitraryFileIdentifier: header.arbitraryFileIdentifier }
      : {}),
    characterCodeIdentifier,
  });
}
