import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Compile } from 'typebox/compile';
import type { PresentedDocument } from '@onshi/core';
import type { App } from '../../app.js';
import { issueChallenge } from '../../commands/oqs/challenge.js';
import { confirmByCard, type CardProof } from '../../commands/oqs/confirmByCard.js';
import { confirmByNumber } from '../../commands/oqs/confirmByNumber.js';
import { readerFeedOf, type ReaderResultEvent } from '../../commands/oqs/deps.js';
import { verifyProofOfCheck } from '../../commands/oqs/proofOfCheck.js';
import { OqsError, toOqsError } from '../../formats/errors.js';
import {
  decodeXml,
  encodingOfCharacterCode,
  errorXml,
  parseJsonMessage,
  parseXmlMessage,
  serialiseXml,
  type XmlEncoding,
} from '../../formats/oqs-xml/index.js';
import type { QualificationConfirmationRequest } from '../../formats/schemas.js';
import { fromWireDate } from '../../formats/wire.js';
import type { RouteDeps } from '../deps.js';
import { confirmationMessage, sendConfirmation } from './present.js';
import {
  CardConfirmationBody,
  ChallengeBody,
  ChallengeResponse,
  ConfirmByNumberBody,
  ConfirmationJsonResponse,
  PresentedDocumentSchema,
  ProofBody,
  ProofResponse,
  errorResponses,
} from './schemas.js';
import { presentedFromXml } from './xmlBody.js';

const tags = ['oqs confirmation'];
const presentedValidator = Compile(PresentedDocumentSchema);

/** The authenticated institution as an OQS error (the XML endpoints answer in XML, so no AppError here). */
async function institutionOf(deps: RouteDeps, request: FastifyRequest): Promise<string> {
  const principal = await deps.auth.principal(request);
  if (principal === undefined) {
    throw new OqsError('auth');
  }
  if (principal.kind !== 'institution') {
    throw new OqsError('forbidden', 'requires an institution credential');
  }
  return principal.institutionCode;
}

/** The message must name the calling institution: every call is attributed to one institution. */
function sameInstitution(message: QualificationConfirmationRequest, institutionCode: string): void {
  if (message.messageHeader.medicalInstitutionCode !== institutionCode) {
    throw new OqsError('forbidden', 'MedicalInstitutionCode differs from the authenticated institution');
  }
}

function presentedFromJson(body: unknown): PresentedDocument | undefined {
  const value: unknown = typeof body === 'object' && body !== null ? Reflect.get(body, 'presented') : undefined;
  if (value === undefined || value === null) {
    return undefined;
  }
  if (!presentedValidator.Check(value)) {
    throw new OqsError('fieldInvalid', '/presented');
  }
  if (value.kind === 'eligibilityCertificate' && value.validUntil === undefined) {
    throw new OqsError('fieldMissing', '/presented/validUntil');
  }
  return value;
}

/**
 * The decoded bytes as the Buffer itself (a Uint8Array): a copy would be a new ArrayBuffer per field for the
 * collector to track on every card check, while a small Buffer comes from Node's pool. What is kept beyond the
 * request (parsed certificates, the verifier's batch) is copied there.
 */
function base64(value: string): Uint8Array {
  return Buffer.from(value, 'base64url');
}

function cardProofOf(body: CardConfirmationBody): CardProof {
  if (body.pin !== undefined && body.face === undefined) {
    return { kind: 'pin', signature: base64(body.pin.signature), certificate: base64(body.pin.certificate) };
  }
  if (body.face !== undefined && body.pin === undefined) {
    const { attestation } = body.face;
    return {
      kind: 'faceAuth',
      attestation: {
        payload: attestation.payload,
        signature: base64(attestation.signature),
        readerCertificate: base64(attestation.readerCertificate),
      },
      cardCertificate: base64(body.face.cardCertificate),
    };
  }
  throw new OqsError('fieldInvalid', 'send exactly one of pin (PIN path) or face (face path)');
}

/** The by-number route's validator: none (its formats decoder checks the body). */
function acceptAnyBody(): () => boolean {
  return accepted;
}

function accepted(): boolean {
  return true;
}

/** One reader result as a server-sent event: the OQSsiquc01res message with the reader's id. */
function readerEventText(event: ReaderResultEvent, institutionCode: string): string {
  const message = confirmationMessage(
    {
      body: event.body,
      at: event.at,
      confirmationDate: event.at.slice(0, 10),
      confirmationId: event.confirmationId,
      proofOfCheck: null,
      personId: null,
    },
    { institutionCode, referenceClassification: '1' },
  );
  const data = JSON.stringify({ readerId: event.readerId, ...message });
  return `event: readerResult\nid: ${event.confirmationId}\ndata: ${data}\n\n`;
}

/** Confirmation by number (JSON, XML), by card (challenge, confirmation), proof verification and the live feed. */
export function registerConfirmRoutes(app: App, deps: RouteDeps): void {
  app.post(
    '/oqs/v1/qualification-confirmations',
    {
      schema: {
        tags,
        summary: '資格確認 by number (OQSsiquc01req in JSON); ?format=fhir for a FHIR R4 Bundle',
        description:
          'Body: the OQSsiquc01req message in JSON (camelCase tags), normalised like the XML form (6-digit 国保 ' +
          'numbers, widths, padding), plus the optional `presented` document (docs/api-oqs.md).',
        body: ConfirmByNumberBody,
        response: { 200: ConfirmationJsonResponse, ...errorResponses },
      },
      // The formats decoder normalises and checks the body (padding and widths the schema alone would refuse).
      validatorCompiler: acceptAnyBody,
    },
    async (request, reply) => {
      const institutionCode = await institutionOf(deps, request);
      const parsed = parseJsonMessage('OQSsiquc01req', request.body);
      if (!parsed.ok) {
        throw parsed.error;
      }
      const message = parsed.value;
      sameInstitution(message, institutionCode);
      const presented = presentedFromJson(request.body);
      const date = message.messageHeader.qualificationConfirmationDate;
      const outcome = await confirmByNumber(deps, {
        institutionCode,
        searchInfo: message.messageBody.qualificationConfirmSearchInfo,
        ...(date !== undefined ? { confirmationDate: fromWireDate(date) } : {}),
        ...(presented !== undefined ? { presented } : {}),
      });
      return sendConfirmation(request, reply, outcome, {
        institutionCode,
        referenceClassification: '2',
        ...(message.messageHeader.arbitraryFileIdentifier !== undefined
          ? { arbitraryFileIdentifier: message.messageHeader.arbitraryFileIdentifier }
          : {}),
      });
    },
  );

  app.post(
    '/oqs/v1/xml/OQSsiquc01req',
    {
      schema: {
        tags,
        summary: '資格確認 by number in OQS XML (XmlMsg in, XmlMsg out; Shift_JIS or UTF-8 as declared)',
        description:
          'Send `Content-Type: application/xml`. The response uses the request encoding unless ' +
          'CharacterCodeIdentifier asks for another; errors are XmlMsg with SegmentOfResult 9. The proof of check ' +
          'is in the `Onshi-Proof-Of-Check` header.',
      },
    },
    async (request, reply) => xmlConfirmation(deps, request, reply),
  );

  app.post(
    '/oqs/v1/reader/challenges',
    {
      schema: {
        tags,
        summary: 'A single-use challenge for a card read (60 s, bound to this institution and reader)',
        body: ChallengeBody,
        response: { 201: ChallengeResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const institutionCode = await institutionOf(deps, request);
      const institution = await deps.ctx.store.institutions.get(institutionCode);
      if (institution === null || !institution.oqsEnabled) {
        throw new OqsError('forbidden', 'institution not registered for OQS');
      }
      if (institution.readerStatus === 'outOfOrder') {
        throw new OqsError('readerOutOfOrder');
      }
      return reply.status(201).send(issueChallenge(deps.ctx, institutionCode, request.body.readerId));
    },
  );

  app.post(
    '/oqs/v1/reader/confirmations',
    {
      schema: {
        tags,
        summary: '資格確認 by card: the signed challenge (PIN path) or face attestation, consent and 電子処方箋 choice',
        description: 'Answers OQSsiquc01res in JSON (or ?format=fhir); the result also goes to GET /oqs/v1/events.',
        body: CardConfirmationBody,
        response: { 200: ConfirmationJsonResponse, ...errorResponses },
      },
      // TypeBox's compiled check, not Ajv's: the body carries ≈ 2 KB of base64url, which Ajv walks code point by
      // code point for maxLength (decision 0176); the fields are ASCII by their pattern, so the two agree.
      validatorCompiler: TypeBoxValidatorCompiler,
    },
    async (request, reply) => {
      const institutionCode = await institutionOf(deps, request);
      const body = request.body;
      const outcome = await confirmByCard(deps, {
        institutionCode,
        readerId: body.readerId,
        challengeId: body.challengeId,
        proof: cardProofOf(body),
        ...(body.consent !== undefined ? { consent: body.consent } : {}),
        ...(body.prescriptionIssueSelect !== undefined
          ? { prescriptionIssueSelect: body.prescriptionIssueSelect }
          : {}),
      });
      return sendConfirmation(request, reply, outcome, { institutionCode, referenceClassification: '1' });
    },
  );

  app.post(
    '/oqs/v1/proofs/verify',
    {
      schema: {
        tags,
        summary: 'Verify a proof of check quoted in a claim (any authenticated caller)',
        body: ProofBody,
        response: { 200: ProofResponse, ...errorResponses },
      },
    },
    async (request) => {
      const principal = await deps.auth.principal(request);
      if (principal === undefined) {
        throw new OqsError('auth');
      }
      const result = verifyProofOfCheck(deps.ctx.secrets.proofKey, request.body.proofOfCheck);
      if (!result.ok) {
        return { valid: false };
      }
      const p = result.proof;
      return {
        valid: true,
        confirmationId: p.c,
        institutionCode: p.i,
        personId: p.p,
        qualificationId: p.q,
        at: p.t,
        method: p.m,
      };
    },
  );

  app.get(
    '/oqs/v1/events',
    {
      schema: {
        tags,
        summary: "Server-Sent Events: this institution's reader results, live (event `readerResult`)",
      },
    },
    async (request, reply) => {
      const institutionCode = await institutionOf(deps, request);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      raw.write(': connected\n\n');
      const unsubscribe = readerFeedOf(deps.ctx).subscribe(institutionCode, (event) => {
        raw.write(readerEventText(event, institutionCode));
      });
      request.raw.on('close', unsubscribe);
    },
  );
}

/** The XML endpoint: every failure is an XmlMsg with SegmentOfResult 9 in the request's encoding. */
async function xmlConfirmation(deps: RouteDeps, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  let encoding: XmlEncoding = 'utf8';
  let message: QualificationConfirmationRequest | undefined;
  try {
    const bytes = request.body;
    if (!(bytes instanceof Buffer)) {
      throw new OqsError('unsupportedMessage', 'send Content-Type: application/xml');
    }
    const decoded = decodeXml(bytes);
    encoding = decoded.encoding;
    const institutionCode = await institutionOf(deps, request);
    const parsed = parseXmlMessage('OQSsiquc01req', decoded.text);
    if (!parsed.ok) {
      throw parsed.error;
    }
    message = parsed.value;
    const asked = message.messageHeader.characterCodeIdentifier;
    if (asked !== undefined) {
      encoding = encodingOfCharacterCode(asked);
    }
    sameInstitution(message, institutionCode);
    const presented = presentedFromXml(decoded.text);
    const date = message.messageHeader.qualificationConfirmationDate;
    const outcome = await confirmByNumber(deps, {
      institutionCode,
      searchInfo: message.messageBody.qualificationConfirmSearchInfo,
      ...(date !== undefined ? { confirmationDate: fromWireDate(date) } : {}),
      ...(presented !== undefined ? { presented } : {}),
    });
    if (outcome.proofOfCheck !== null) {
      void reply.header('onshi-proof-of-check', outcome.proofOfCheck);
    }
    const response = confirmationMessage(outcome, {
      institutionCode,
      referenceClassification: '2',
      ...(message.messageHeader.arbitraryFileIdentifier !== undefined
        ? { arbitraryFileIdentifier: message.messageHeader.arbitraryFileIdentifier }
        : {}),
    });
    return await reply
      .header('onshi-confirmation-id', outcome.confirmationId)
      .type(`application/xml; charset=${encoding === 'utf8' ? 'UTF-8' : 'Shift_JIS'}`)
      .send(serialiseXml('OQSsiquc01res', response, encoding));
  } catch (thrown) {
    const error = toOqsError(thrown);
    const header = message?.messageHeader;
    return reply
      .status(error.entry.httpStatus)
      .type(`application/xml; charset=${encoding === 'utf8' ? 'UTF-8' : 'Shift_JIS'}`)
      .send(
        errorXml(
          'OQSsiquc01res',
          error,
          {
            at: deps.ctx.clock.now(),
            ...(header !== undefined ? { medicalInstitutionCode: header.medicalInstitutionCode } : {}),
            ...(header?.arbitraryFileIdentifier !== undefined
              ? { arbitraryFileIdentifier: header.arbitraryFileIdentifier }
              : {}),
          },
          encoding,
        ),
      );
  }
}
