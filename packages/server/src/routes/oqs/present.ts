import type { FastifyReply, FastifyRequest } from 'fastify';
import { confirmationBundle } from '../../formats/fhir.js';
import type { QualificationConfirmationResponse } from '../../formats/schemas.js';
import { toWireDate, toWireDateTime } from '../../formats/wire.js';
import type { ConfirmationOutcome } from '../../commands/oqs/confirmByNumber.js';
import type { ConfirmationJsonResponse } from './schemas.js';

/** What the response header echoes from the request. */
export interface HeaderEcho {
  institutionCode: string;
  arbitraryFileIdentifier?: string;
  referenceClassification: '1' | '2';
}

/** The OQSsiquc01res message of a confirmation (oqs-interface.md §2–§3). */
export function confirmationMessage(outcome: ConfirmationOutcome, echo: HeaderEcho): QualificationConfirmationResponse {
  return {
    messageHeader: {
      processExecutionTime: toWireDateTime(new Date(outcome.at)),
      qualificationConfirmationDate: toWireDate(outcome.confirmationDate),
      medicalInstitutionCode: echo.institutionCode,
      ...(echo.arbitraryFileIdentifier !== undefined ? { arbitraryFileIdentifier: echo.arbitraryFileIdentifier } : {}),
      referenceClassification: echo.referenceClassification,
      segmentOfResult: '1',
      characterCodeIdentifier: '0',
    },
    messageBody: outcome.body,
  };
}

/** True when the caller asked for FHIR (`?format=fhir` or `Accept: application/fhir+json`). */
export function wantsFhir(request: FastifyRequest): boolean {
  const query: unknown = request.query;
  const format: unknown = typeof query === 'object' && query !== null ? Reflect.get(query, 'format') : undefined;
  return format === 'fhir' || (request.headers.accept ?? '').includes('application/fhir+json');
}

/**
 * Sends a confirmation as OQS JSON (with confirmationId and proofOfCheck) or, when asked, as a FHIR R4 Bundle
 * (JP Core Patient + Coverage, formats/fhir.ts). The proof of check also travels in the `Onshi-Proof-Of-Check`
 * header, so the FHIR and XML forms carry it too.
 */
export function sendConfirmation(
  request: FastifyRequest,
  reply: FastifyReply,
  outcome: ConfirmationOutcome,
  echo: HeaderEcho,
): ConfirmationJsonResponse | FastifyReply {
  if (outcome.proofOfCheck !== null) {
    void reply.header('onshi-proof-of-check', outcome.proofOfCheck);
  }
  void reply.header('onshi-confirmation-id', outcome.confirmationId);
  if (wantsFhir(request)) {
    const bundle = confirmationBundle(outcome.body.resultList ?? [], {
      institutionCode: echo.institutionCode,
      ...(outcome.body.qualificationValidity !== undefined
        ? { qualificationValidity: outcome.body.qualificationValidity }
        : {}),
    });
    return reply
      .type('application/fhir+json; charset=utf-8')
      .serializer((payload) => JSON.stringify(payload))
      .send(bundle);
  }
  const message = confirmationMessage(outcome, echo);
  // Field by field: a literal that starts with a spread and adds properties is slow on Node 20 (decision 0176).
  return {
    messageHeader: message.messageHeader,
    messageBody: message.messageBody,
    confirmationId: outcome.confirmationId,
    ...(outcome.proofOfCheck !== null ? { proofOfCheck: outcome.proofOfCheck } : {}),
  };
}
