import { Type } from 'typebox';
import { ErrorResponse } from '../../formats/schemas.js';

/* JSON schemas of the reader-device bridge (/reader/v1); every one appears in /openapi.json. */

const bilingual = Type.Object({ ja: Type.String(), en: Type.String() });
const consentItem = Type.Union([Type.Literal('medication'), Type.Literal('surgery'), Type.Literal('checkup')]);
const authMethod = Type.Union([Type.Literal('face'), Type.Literal('pin'), Type.Literal('device')]);
const platform = Type.Union([Type.Literal('android'), Type.Literal('iphone'), Type.Null()]);

/** A patient screen: what happened and the next step. */
export const PatientScreenSchema = Type.Object({
  outcome: Type.Union([Type.Literal('accepted'), Type.Literal('refused')]),
  code: Type.String(),
  title: bilingual,
  message: bilingual,
  nextStep: bilingual,
});

export const KioskStatusResponse = Type.Object({
  institutionCode: Type.String(),
  institutionName: Type.String(),
  readerStatus: Type.Union([Type.Literal('working'), Type.Literal('outOfOrder')]),
  consentItemsEnabled: Type.Array(consentItem),
  smartphoneReader: Type.Boolean(),
});

export const WalletResponse = Type.Object({
  cards: Type.Array(
    Type.Object({
      id: Type.String(),
      label: bilingual,
      kind: Type.Union([
        Type.Literal('standard'),
        Type.Literal('faceOnly'),
        Type.Literal('smartphone'),
        Type.Literal('other'),
      ]),
      platform,
    }),
  ),
});

export const SessionBody = Type.Object({ cardId: Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$' }) });
export const SessionParams = Type.Object({ sessionId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) });

export const SessionResponse = Type.Object({
  ok: Type.Boolean(),
  sessionId: Type.Optional(Type.String()),
  kind: Type.Optional(Type.String()),
  platform: Type.Optional(platform),
  methods: Type.Optional(Type.Array(authMethod)),
  pinRemainingTries: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
  certificate: Type.Optional(
    Type.Union([Type.Literal('valid'), Type.Literal('expiringSoon'), Type.Literal('expired')]),
  ),
  certificateExpiresOn: Type.Optional(Type.String()),
  screen: Type.Optional(PatientScreenSchema),
});

export const PinBody = Type.Object({ pin: Type.String({ maxLength: 16 }) });
export const FaceBody = Type.Object({
  subject: Type.Union([Type.Literal('holder'), Type.Literal('someoneElse')], {
    description: 'Camera stand-in: the card holder, or someone else',
  }),
});

export const AuthStepResponse = Type.Object({
  ok: Type.Boolean(),
  method: Type.Optional(authMethod),
  retry: Type.Optional(Type.Boolean()),
  remainingTries: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
  message: Type.Optional(bilingual),
  screen: Type.Optional(PatientScreenSchema),
});

export const FinishBody = Type.Object({
  consent: Type.Optional(
    Type.Union([
      Type.Object({ blanket: Type.Literal(true) }, { description: '包括同意 (one tap)' }),
      Type.Object({ items: Type.Array(consentItem, { maxItems: 3 }) }, { description: 'Per item' }),
    ]),
  ),
  prescriptionIssueSelect: Type.Optional(Type.Union([Type.Literal('1'), Type.Literal('2')])),
});

export const FinishResponse = Type.Object({
  screen: PatientScreenSchema,
  confirmationId: Type.Union([Type.String(), Type.Null()]),
});

export const errorResponses = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
  503: ErrorResponse,
} as const;
