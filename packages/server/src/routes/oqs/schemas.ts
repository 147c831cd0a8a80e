import { Type, type Static } from 'typebox';
import {
  ErrorResponse,
  QualificationConfirmationRequest,
  QualificationConfirmationResponse,
  ResponseHeader,
} from '../../formats/schemas.js';

/*
 * Route-level JSON schemas of the OQS confirmation service. The OQS messages themselves come from
 * formats/schemas.ts (one schema per message, shared with the XML codec); these add Onshi's envelope fields and
 * the reader and administration bodies. Every schema here appears in /openapi.json.
 */

const isoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: "ISO date 'YYYY-MM-DD'" });
const base64url = (description: string) =>
  Type.String({ pattern: '^[A-Za-z0-9_-]+={0,2}$', minLength: 4, maxLength: 16_384, description });

/** What the patient showed when the clinic confirms by number (core acceptDocument; docs/api-oqs.md). */
export const PresentedDocumentSchema = Type.Object(
  {
    kind: Type.Union(
      [
        Type.Literal('eligibilityCertificate'),
        Type.Literal('cardWithQualificationNotice'),
        Type.Literal('cardWithPortalScreen'),
        Type.Literal('legacyInsuranceCard'),
        Type.Literal('qualificationNoticeAlone'),
      ],
      { description: '資格確認書 / card + お知らせ / card + portal screen / paper card / お知らせ alone' },
    ),
    printedExpiry: Type.Optional({ ...isoDate, description: '健康保険証: printed 有効期限' }),
    validUntil: Type.Optional({ ...isoDate, description: '資格確認書: 有効期限 (required for that kind)' }),
  },
  { additionalProperties: false },
);
export type PresentedDocumentBody = Static<typeof PresentedDocumentSchema>;

/** OQSsiquc01req in JSON, plus Onshi's optional `presented` (docs/api-oqs.md). */
export const ConfirmByNumberBody = Type.Object({
  messageHeader: QualificationConfirmationRequest.properties.messageHeader,
  messageBody: QualificationConfirmationRequest.properties.messageBody,
  presented: Type.Optional(PresentedDocumentSchema),
});

/** OQSsiquc01res in JSON, plus the recorded confirmation's id and its signed proof of check. */
export const ConfirmationJsonResponse = Type.Object({
  messageHeader: ResponseHeader,
  messageBody: QualificationConfirmationResponse.properties.messageBody,
  confirmationId: Type.String({ description: 'The recorded check (store.confirmations)' }),
  proofOfCheck: Type.Optional(
    Type.String({
      description: '資格確認の証跡: HMAC-signed, quote it in a claim; verify with POST /oqs/v1/proofs/verify',
    }),
  ),
});
export type ConfirmationJsonResponse = Static<typeof ConfirmationJsonResponse>;

/** A reader asks for a challenge. */
export const ChallengeBody = Type.Object({
  readerId: Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$', description: 'The reader (顔認証付きカードリーダー) id' }),
});

/** The challenge the card signs or the reader attests. */
export const ChallengeResponse = Type.Object({
  challengeId: Type.String(),
  challenge: Type.String({ description: '32 random bytes, base64url' }),
  expiresAt: Type.String({ description: 'ISO instant; single use' }),
});

const consentItem = Type.Union([Type.Literal('medication'), Type.Literal('surgery'), Type.Literal('checkup')]);

/** The face-match attestation the reader signed (@onshi/card attestation.ts). */
const FaceAttestationBody = Type.Object({
  payload: Type.Object({
    type: Type.Literal('onshi.faceAttestation'),
    version: Type.Literal(1),
    readerId: Type.String({ maxLength: 64 }),
    institutionCode: Type.String({ maxLength: 10 }),
    challenge: Type.String({ maxLength: 100 }),
    cardCertificateSha256: Type.String({ maxLength: 64 }),
    cardCertificateSerial: Type.String({ maxLength: 64 }),
    result: Type.Union([Type.Literal('match'), Type.Literal('noMatch'), Type.Literal('locked')]),
    similarityPermille: Type.Integer({ minimum: 0, maximum: 1000 }),
    at: Type.String({ maxLength: 40 }),
  }),
  signature: base64url('RSASSA-PKCS1-v1_5 SHA-256 over the canonical payload'),
  readerCertificate: base64url('The reader certificate (DER)'),
});

/** The reader's answer to a challenge (PIN path or face path) with the consent screen and 電子処方箋 choice. */
export const CardConfirmationBody = Type.Object({
  readerId: ChallengeBody.properties.readerId,
  challengeId: Type.String({ maxLength: 64 }),
  pin: Type.Optional(
    Type.Object({
      signature: base64url('The card signature over the challenge (利用者証明用 key)'),
      certificate: base64url('The card 利用者証明用 certificate (DER)'),
    }),
  ),
  face: Type.Optional(
    Type.Object({ attestation: FaceAttestationBody, cardCertificate: base64url('The card certificate (DER)') }),
  ),
  consent: Type.Optional(
    Type.Union([
      Type.Object({ blanket: Type.Literal(true) }, { description: '包括同意 (one tap)' }),
      Type.Object({ items: Type.Array(consentItem, { maxItems: 3 }) }, { description: 'Per item' }),
    ]),
  ),
  prescriptionIssueSelect: Type.Optional(Type.Union([Type.Literal('1'), Type.Literal('2')])),
});
export type CardConfirmationBody = Static<typeof CardConfirmationBody>;

const institutionKind = Type.Union([
  Type.Literal('hospital'),
  Type.Literal('clinic'),
  Type.Literal('dental'),
  Type.Literal('pharmacy'),
]);
const readerStatus = Type.Union([Type.Literal('working'), Type.Literal('outOfOrder')]);

/** Registering a 医療機関・薬局 (authority). */
export const InstitutionBody = Type.Object({
  institutionCode: Type.String({ pattern: '^\\d{10}$' }),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  kind: institutionKind,
  address: Type.String({ maxLength: 200 }),
  consentItemsEnabled: Type.Optional(Type.Array(consentItem, { maxItems: 3 })),
  oqsEnabled: Type.Optional(Type.Boolean()),
  smartphoneReader: Type.Optional(Type.Boolean()),
});

/** A registered institution. */
export const InstitutionResponse = Type.Object({
  institutionCode: Type.String(),
  name: Type.String(),
  kind: institutionKind,
  prefecture: Type.String(),
  address: Type.String(),
  oqsEnabled: Type.Boolean(),
  readerStatus,
  consentItemsEnabled: Type.Array(consentItem),
  smartphoneReader: Type.Boolean(),
});

export const InstitutionParams = Type.Object({ institutionCode: Type.String({ pattern: '^\\d{10}$' }) });
export const ReaderStatusBody = Type.Object({ status: readerStatus });
export const ConsentItemsBody = Type.Object({ items: Type.Array(consentItem, { maxItems: 3 }) });
export const CredentialResponse = Type.Object({
  id: Type.String(),
  token: Type.String({ description: 'Shown once: `Authorization: Bearer <token>`' }),
});

/** Checking a proof of check quoted in a claim. */
export const ProofBody = Type.Object({ proofOfCheck: Type.String({ maxLength: 2000 }) });
export const ProofResponse = Type.Object({
  valid: Type.Boolean(),
  confirmationId: Type.Optional(Type.String()),
  institutionCode: Type.Optional(Type.String()),
  personId: Type.Optional(Type.String()),
  qualificationId: Type.Optional(Type.String()),
  at: Type.Optional(Type.String()),
  method: Type.Optional(Type.String()),
});

/** Coded error responses documented on every route. */
export const errorResponses = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
  422: ErrorResponse,
  503: ErrorResponse,
} as const;
