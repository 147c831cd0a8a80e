import { Type, type Static } from 'typebox';
import { ErrorResponse } from '../../formats/schemas.js';
import { CardConfirmationBody } from '../oqs/schemas.js';

/*
 * Route-level JSON schemas of the citizen portal (/portal/v1, issue 8). Every schema here appears in /openapi.json.
 */

const isoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: "ISO date 'YYYY-MM-DD'" });
const base64url = (description: string) =>
  Type.String({ pattern: '^[A-Za-z0-9_-]+={0,2}$', minLength: 4, maxLength: 16_384, description });
const nullableString = Type.Union([Type.String(), Type.Null()]);
const Bilingual = Type.Object({ ja: Type.String(), en: Type.String() });
const channel = Type.Union([
  Type.Literal('reader'),
  Type.Literal('portal'),
  Type.Literal('atm'),
  Type.Literal('wardOffice'),
]);

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

export const CertificateBody = Type.Object({
  certificate: base64url('The card 利用者証明用 certificate (DER), read without the PIN'),
});
export const LoginChallengeResponse = Type.Object({
  challengeId: Type.String(),
  challenge: Type.String({ description: '32 random bytes, base64url: what the card signs after the PIN' }),
  expiresAt: Type.String(),
  pin: Type.Literal('authentication'),
});
export const LoginBody = Type.Object({
  challengeId: Type.String({ maxLength: 64 }),
  signature: base64url('The card signature over the challenge'),
  certificate: base64url('The card 利用者証明用 certificate (DER)'),
});
export const LoginResponse = Type.Object({
  token: Type.String({ description: 'Send as `Authorization: Bearer <token>`; 30 minutes' }),
  expiresAt: Type.String(),
  cardKind: Type.String(),
});

export const RegistrationStatusResponse = Type.Object({
  registered: Type.Boolean(),
  registeredOn: nullableString,
  channel: Type.Union([channel, Type.Null()]),
  message: Bilingual,
  history: Type.Array(Type.Object({ registeredOn: Type.String(), channel, unregisteredOn: nullableString })),
});
export const RegisterBody = Type.Object({
  acceptTerms: Type.Boolean({ description: '利用規約に同意する' }),
});
export const UnregisterBody = Type.Object({
  confirm: Type.Literal(true, { description: '利用登録解除を申請する (a 資格確認書 will be sent)' }),
});
export const UnregistrationResponse = Type.Object({
  status: RegistrationStatusResponse,
  documentsDue: Type.Array(
    Type.Object({
      document: Type.String(),
      reason: Type.String(),
      message: Bilingual,
      basis: Type.String(),
      insurerNumber: Type.String(),
      insurerName: Type.String(),
      alreadyHeld: Type.Boolean(),
    }),
  ),
  message: Bilingual,
});

export const ReaderRegistrationBody = Type.Object({
  readerId: Type.String({ minLength: 1, maxLength: 64 }),
  challengeId: Type.String({ maxLength: 64, description: 'From POST /oqs/v1/reader/challenges' }),
  pin: CardConfirmationBody.properties.pin,
  face: CardConfirmationBody.properties.face,
});
export const TerminalParams = Type.Object({ channel: Type.Union([Type.Literal('atm'), Type.Literal('wardOffice')]) });
export const TerminalChallengeBody = Type.Object({
  terminalId: Type.String({ minLength: 1, maxLength: 64 }),
  certificate: base64url('The card 利用者証明用 certificate (DER)'),
});
export const ChallengeOnlyResponse = Type.Object({
  challengeId: Type.String(),
  challenge: Type.String(),
  expiresAt: Type.String(),
});
export const TerminalRegistrationBody = Type.Object({
  terminalId: Type.String({ minLength: 1, maxLength: 64 }),
  acceptTerms: Type.Boolean(),
  challengeId: Type.String({ maxLength: 64 }),
  signature: base64url('The card signature over the challenge (after the PIN)'),
  certificate: base64url('The card 利用者証明用 certificate (DER)'),
});

const AttributeChange = Type.Object({
  kind: Type.String(),
  validFrom: Type.String(),
  validTo: nullableString,
  value: Type.String(),
});
const QualificationView = Type.Object({
  qualificationId: Type.String(),
  insurerNumber: Type.String(),
  insurerName: Type.String(),
  scheme: nullableString,
  symbol: nullableString,
  number: Type.String(),
  branch: nullableString,
  relationship: Type.String(),
  acquiredOn: Type.String(),
  lostOn: nullableString,
  current: Type.Boolean(),
  copayRate: Type.Union([Type.Number(), Type.Null()]),
  limitCategory: Type.Union([Type.Object({ code: Type.String(), label: Type.String() }), Type.Null()]),
  history: Type.Array(AttributeChange),
});
export const QualificationsResponse = Type.Object({
  asOf: Type.String(),
  current: Type.Array(QualificationView),
  all: Type.Array(QualificationView),
  message: Bilingual,
});
export const MyInformationResponse = Type.Object({
  asOf: Type.String(),
  nameKanji: Type.String(),
  nameKana: Type.String(),
  birthDate: Type.String(),
  birthDateWareki: Type.String(),
  registration: RegistrationStatusResponse,
  qualifications: Type.Array(QualificationView),
  verifyUrl: Type.String(),
  verifyUntil: Type.String(),
  notice: Bilingual,
});
export const TokenQuery = Type.Object({
  t: Type.String({ minLength: 8, maxLength: 1000, description: 'The token from the わたしの情報 QR code' }),
});
export const VerificationResponse = Type.Object({
  valid: Type.Literal(true),
  asOf: Type.String(),
  issuedAt: Type.String(),
  nameKana: Type.String(),
  birthDate: Type.String(),
  qualifications: Type.Array(
    Type.Object({
      insurerNumber: Type.String(),
      insurerName: Type.String(),
      symbol: nullableString,
      number: Type.String(),
      branch: nullableString,
      copayRate: Type.Union([Type.Number(), Type.Null()]),
      limitCategory: nullableString,
    }),
  ),
});

export const RecordParams = Type.Object({
  kind: Type.Union([
    Type.Literal('medication'),
    Type.Literal('checkup'),
    Type.Literal('treatment'),
    Type.Literal('surgery'),
  ]),
});
export const RecordsResponse = Type.Object({
  kind: Type.String(),
  from: Type.String(),
  to: Type.String(),
  records: Type.Array(
    Type.Object({
      id: Type.String(),
      date: Type.String(),
      institutionCode: nullableString,
      institutionName: nullableString,
      code: Type.String(),
      name: Type.String(),
      detail: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()])),
    }),
  ),
});

export const YearQuery = Type.Object({ year: Type.Integer({ minimum: 2021, maximum: 2100 }) });
const Totals = Type.Object({
  totalCost: Type.Integer(),
  insurerPaid: Type.Integer(),
  publicPaid: Type.Integer(),
  copayAmount: Type.Integer(),
});
export const MedicalExpensesResponse = Type.Object({
  year: Type.Integer(),
  asOf: Type.String(),
  pendingMonths: Type.Array(Type.String()),
  lines: Type.Array(
    Type.Object({
      month: Type.String(),
      monthLabel: Type.String(),
      category: Type.String(),
      days: Type.Integer(),
      institutionName: Type.String(),
      totalCost: Type.Integer(),
      insurerPaid: Type.Integer(),
      publicPaid: Type.Integer(),
      copayAmount: Type.Integer(),
      insurerName: Type.String(),
    }),
  ),
  totals: Totals,
  message: Bilingual,
});

export const AccessHistoryResponse = Type.Object({
  entries: Type.Array(
    Type.Object({
      at: Type.String(),
      institutionCode: Type.String(),
      institutionName: nullableString,
      action: Type.String(),
      what: Bilingual,
      outcome: Type.String(),
      consentItems: nullableString,
      consentId: nullableString,
    }),
  ),
  message: Bilingual,
});

const ProxyGrantView = Type.Object({
  grantId: Type.String(),
  grantedAt: Type.String(),
  revokedAt: nullableString,
  otherName: Type.String(),
});
export const ProxyGrantResponse = ProxyGrantView;
export const ProxiesResponse = Type.Object({
  myProxies: Type.Array(ProxyGrantView),
  actingFor: Type.Array(ProxyGrantView),
});
export const InvitationResponse = Type.Object({ code: Type.String(), expiresAt: Type.String() });
export const AcceptInvitationBody = Type.Object({ code: Type.String({ minLength: 8, maxLength: 1000 }) });
export const GrantParams = Type.Object({ grantId: Type.String({ minLength: 1, maxLength: 64 }) });

export const NoticesResponse = Type.Object({
  notices: Type.Array(
    Type.Object({ kind: Type.String(), on: Type.String(), message: Bilingual, basis: Type.String() }),
  ),
});

export const DateQuery = Type.Object({ date: Type.Optional(isoDate) });
const BringOption = Type.Object({
  presented: Type.String(),
  label: Bilingual,
  accepted: Type.Boolean(),
  message: Bilingual,
  basis: Type.String(),
});
export const WhatToBringResponse = Type.Object({
  date: Type.String(),
  answer: Bilingual,
  options: Type.Array(BringOption),
  ifReaderFails: Type.Array(BringOption),
});

export const MeResponse = Type.Object({
  nameKanji: Type.String(),
  actingFor: Type.Union([Type.Object({ grantId: Type.String(), nameKanji: Type.String() }), Type.Null()]),
  sessionExpiresAt: Type.String(),
});

export type ReaderRegistrationBodyType = Static<typeof ReaderRegistrationBody>;

/** An empty answer (204). */
export const NoContent = Type.Null();

export const DemoWalletResponse = Type.Object({
  cards: Type.Array(Type.Object({ id: Type.String(), label: Bilingual })),
});
export const DemoLoginBody = Type.Object({
  cardId: Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$' }),
  pin: Type.String({ maxLength: 16 }),
});
export const DemoLoginResponse = Type.Union([
  LoginResponse,
  Type.Object({
    refused: Type.Literal(true),
    code: Type.String(),
    message: Bilingual,
    remainingTries: Type.Union([Type.Integer(), Type.Null()]),
  }),
]);
