import { randomBytes } from 'node:crypto';
import type { AuditLog } from '../../audit/auditLog.js';
import type { ServerContext } from '../../context.js';
import { OqsError } from '../../formats/errors.js';
import { resultError } from '../../formats/oqs-xml/index.js';
import type {
  BulkReferenceNumberRegistrationRequest,
  BulkReferenceNumberRegistrationResultResponse,
  BulkRegistrationUnit,
  ReceptionNumberRequest,
  ReceptionResponse,
  ReferenceNumberRegistrationInfo,
  ReferenceNumberRegistrationRequest,
  ReferenceNumberRegistrationResponse,
} from '../../formats/schemas.js';
import { toWireDate, toWireDateTime } from '../../formats/wire.js';
import type { Qualification, StoreTx } from '../../store/types.js';
import { qualifiedOn } from '../../store/asOf.js';
import { today } from './deps.js';

/*
 * 照会番号登録 (oqs-interface.md §5): a clinic binds its own patient id (ReferenceNumber) to a member, named by
 * 保険者番号・記号・番号・枝番; later confirmations at that clinic return it (the patient-id fast path: the result
 * builder reads store.referenceNumbers). Single (OQSsiimm01req) and bulk (OQSmuimm01req → 受付番号 →
 * OQSmuimm02req → BulkRegistrationUnit*). Decision 0101.
 */

/** What registration needs: the context and an audit log that writes inside the registration's transaction. */
export interface ReferenceNumberDeps {
  ctx: ServerContext;
  audit: Pick<AuditLog, 'appendInTx'>;
}

/** One registration's outcome: ProcessingResultStatus 1, or 2 with the catalogue code and staff message. */
export type RegistrationOutcome =
  | { processingResultStatus: '1' }
  | { processingResultStatus: '2'; processingResultCode: string; processingResultMessage: string };

/** The member the keys name: the qualification in force today, else the newest; refused when keys fit several persons. */
async function memberOf(tx: StoreTx, info: ReferenceNumberRegistrationInfo, date: string): Promise<Qualification> {
  const candidates = await tx.qualifications.findByMemberKey({
    insurerNumber: info.insurerNumber,
    symbol: info.insuredCardSymbol ?? null,
    number: info.insuredIdentificationNumber,
    branch: info.insuredBranchNumber ?? null,
  });
  const persons = new Set(candidates.map((q) => q.personId));
  if (persons.size > 1) {
    throw new OqsError('multipleMatches');
  }
  const inForce = candidates.find((q) => qualifiedOn(q, date));
  const chosen = inForce ?? candidates[0];
  if (chosen === undefined) {
    throw new OqsError('noQualification');
  }
  return chosen;
}

/**
 * Registers one 照会番号 inside a transaction: finds the member, refuses a number the institution already uses
 * for another person (OQS-E-REFERENCE-NUMBER), binds it (re-registering the same person is allowed and makes this
 * number the one returned) and audits it. Per-person refusals are returned, not thrown.
 */
export async function registerReferenceNumberInTx(
  deps: ReferenceNumberDeps,
  tx: StoreTx,
  institutionCode: string,
  info: ReferenceNumberRegistrationInfo,
): Promise<RegistrationOutcome> {
  const now = deps.ctx.clock.now();
  try {
    const qualification = await memberOf(tx, info, today(deps.ctx));
    const existing = await tx.referenceNumbers.find(institutionCode, info.referenceNumber);
    if (existing !== null && existing.personId !== qualification.personId) {
      throw new OqsError('referenceNumberConflict');
    }
    await tx.referenceNumbers.register({
      institutionCode,
      referenceNumber: info.referenceNumber,
      personId: qualification.personId,
      qualificationId: qualification.id,
      registeredAt: now.toISOString(),
    });
    await deps.audit.appendInTx(tx, {
      at: now.toISOString(),
      actorKind: 'institution',
      actorId: institutionCode,
      action: 'oqs.referenceNumber.register',
      personId: qualification.personId,
      target: info.referenceNumber,
      outcome: 'allowed',
      detail: { qualificationId: qualification.id },
    });
    return { processingResultStatus: '1' };
  } catch (thrown) {
    if (!(thrown instanceof OqsError) || thrown.entry.scope !== 'result') {
      throw thrown;
    }
    await deps.audit.appendInTx(tx, {
      at: now.toISOString(),
      actorKind: 'institution',
      actorId: institutionCode,
      action: 'oqs.referenceNumber.register',
      personId: null,
      target: info.referenceNumber,
      outcome: 'refused',
      detail: { resultCode: thrown.code },
    });
    return resultError(thrown);
  }
}

/** Registers one 照会番号 in its own transaction. */
export function registerReferenceNumber(
  deps: ReferenceNumberDeps,
  institutionCode: string,
  info: ReferenceNumberRegistrationInfo,
): Promise<RegistrationOutcome> {
  return deps.ctx.store.transaction((tx) => registerReferenceNumberInTx(deps, tx, institutionCode, info));
}

/** OQSsiimm01req → OQSsiimm01res (for routes and the agent). */
export async function handleReferenceNumberRegistration(
  deps: ReferenceNumberDeps,
  institutionCode: string,
  message: ReferenceNumberRegistrationRequest,
  characterCodeIdentifier: '0' | '1',
): Promise<ReferenceNumberRegistrationResponse> {
  const info = message.messageBody.referenceNumberRegistrationInfo;
  const outcome = await registerReferenceNumber(deps, institutionCode, info);
  const header = message.messageHeader;
  return {
    messageHeader: {
      processExecutionTime: toWireDateTime(deps.ctx.clock.now()),
      qualificationConfirmationDate: header.qualificationConfirmationDate ?? toWireDate(today(deps.ctx)),
      medicalInstitutionCode: institutionCode,
      ...(header.arbitraryFileIdentifier !== undefined
        ? { arbitraryFileIdentifier: header.arbitraryFileIdentifier }
        : {}),
      segmentOfResult: '1',
      characterCodeIdentifier,
    },
    messageBody: { referenceNumberRegistrationInfo: info, ...outcome },
  };
}

/** Where a bulk registration's answers wait for the 受付番号 poll (decision 0101). */
export const BULK_REGISTRATION_SCOPE = 'oqs.referenceNumbers.bulk';

/** What is kept for a bulk registration until the clinic fetches it. */
interface StoredBulkRegistration {
  institutionCode: string;
  requestedAt: string;
  confirmationDate: string;
  units: BulkRegistrationUnit[];
}

function isStoredBulkRegistration(value: unknown): value is StoredBulkRegistration {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof Reflect.get(value, 'institutionCode') === 'string' &&
    typeof Reflect.get(value, 'requestedAt') === 'string' &&
    Array.isArray(Reflect.get(value, 'units'))
  );
}

/**
 * OQSmuimm01req → OQSmuimm01res: registers every unit at once (each unit's refusal is its own; one transaction
 * for all, so a store failure leaves none half-written), keeps the BulkRegistrationUnits under a new 受付番号 and
 * answers with it.
 */
export async function handleBulkReferenceNumberRegistration(
  deps: ReferenceNumberDeps,
  institutionCode: string,
  message: BulkReferenceNumberRegistrationRequest,
  characterCodeIdentifier: '0' | '1',
): Promise<ReceptionResponse> {
  const now = deps.ctx.clock.now();
  const receptionNumber = `${toWireDateTime(now)}${randomBytes(6).toString('hex').toUpperCase()}`;
  const confirmationDate = message.messageHeader.qualificationConfirmationDate ?? toWireDate(today(deps.ctx));
  await deps.ctx.store.transaction(async (tx) => {
    const units: BulkRegistrationUnit[] = [];
    for (const info of message.messageBody.referenceNumberRegistrationInfo) {
      const outcome = await registerReferenceNumberInTx(deps, tx, institutionCode, info);
      units.push({ referenceNumberRegistrationInfo: info, ...outcome });
    }
    const stored: StoredBulkRegistration = { institutionCode, requestedAt: now.toISOString(), confirmationDate, units };
    await tx.idempotency.put({
      scope: BULK_REGISTRATION_SCOPE,
      key: receptionNumber,
      requestHash: institutionCode,
      responseStatus: 200,
      responseBody: stored,
      createdAt: now.toISOString(),
    });
  });
  const header = message.messageHeader;
  return {
    messageHeader: {
      processExecutionTime: toWireDateTime(now),
      qualificationConfirmationDate: confirmationDate,
      medicalInstitutionCode: institutionCode,
      ...(header.arbitraryFileIdentifier !== undefined
        ? { arbitraryFileIdentifier: header.arbitraryFileIdentifier }
        : {}),
      segmentOfResult: '1',
      characterCodeIdentifier,
    },
    messageBody: { receptionNumber, receptionDateTime: toWireDateTime(now) },
  };
}

/**
 * OQSmuimm02req → OQSmuimm02res: the BulkRegistrationUnits of a 受付番号 with the header counts. Only the
 * institution that uploaded them can read them (OQS-E-BULK-UNKNOWN for anyone else).
 */
export async function handleBulkReferenceNumberResult(
  deps: Pick<ReferenceNumberDeps, 'ctx'>,
  institutionCode: string,
  message: ReceptionNumberRequest,
  characterCodeIdentifier: '0' | '1',
): Promise<BulkReferenceNumberRegistrationResultResponse> {
  const receptionNumber = message.messageBody.receptionNumber;
  const record = await deps.ctx.store.idempotency.get(BULK_REGISTRATION_SCOPE, receptionNumber);
  const stored: unknown = record?.responseBody;
  if (!isStoredBulkRegistration(stored) || stored.institutionCode !== institutionCode) {
    throw new OqsError('bulkUnknown');
  }
  const normal = stored.units.filter((u) => u.processingResultStatus === '1').length;
  const header = message.messageHeader;
  return {
    messageHeader: {
      processExecutionTime: toWireDateTime(deps.ctx.clock.now()),
      qualificationConfirmationDate: stored.confirmationDate,
      medicalInstitutionCode: institutionCode,
      ...(header.arbitraryFileIdentifier !== undefined
        ? { arbitraryFileIdentifier: header.arbitraryFileIdentifier }
        : {}),
      receptionNumber,
      segmentOfResult: '1',
      numberOfProcessingResult: String(stored.units.length),
      numberOfNormalProcessing: String(normal),
      numberOfError: String(stored.units.length - normal),
      characterCodeIdentifier,
    },
    messageBody: { bulkRegistrationUnit: stored.units },
  };
}
