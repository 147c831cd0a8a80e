import { ErrorResponse } from '../../formats/schemas.js';
import { Type, type TSchema } from 'typebox';

/**
 * TypeBox schemas of the card authority API (/openapi.json shows them). Field names are the glossary's; dates are
 * ISO 'YYYY-MM-DD', instants ISO '…Z'. Card images are the `onshi-card-image/1` JSON of @onshi/card: the physical
 * card, private keys inside — returned once, never stored by the authority.
 */

const nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' });
export const CardIdParams = Type.Object({
  cardId: Type.String({ pattern: '^[0-9A-F]{16}$', description: 'chip serial, 16 uppercase hex digits' }),
});
export const PersonIdParams = Type.Object({ personId: Id });
export const SerialParams = Type.Object({ serial: Type.String({ pattern: '^[0-9A-Fa-f]{1,40}$' }) });
export const InstitutionParams = Type.Object({ institutionCode: Type.String({ pattern: '^\\d{10}$' }) });

const CardKind = Type.Union([Type.Literal('standard'), Type.Literal('faceOnly'), Type.Literal('smartphone')], {
  description: 'standard (PIN card), faceOnly 顔認証マイナンバーカード, smartphone スマホ用電子証明書',
});
const PhysicalKind = Type.Union([Type.Literal('standard'), Type.Literal('faceOnly')]);
const Platform = Type.Union([Type.Literal('android'), Type.Literal('iphone')]);
const Channel = Type.Union(
  [Type.Literal('reader'), Type.Literal('portal'), Type.Literal('atm'), Type.Literal('wardOffice')],
  { description: '保険証利用登録 channel, checked against the card kind (rules.md §4 [S24])' },
);
const Pins = Type.Object(
  {
    authentication: Type.Optional(Type.String({ maxLength: 16, description: '利用者証明用 / スマホ用: 4 digits' })),
    signing: Type.Optional(Type.String({ maxLength: 16, description: '署名用: 6–16 of A–Z, 0–9' })),
    cardInfo: Type.Optional(Type.String({ maxLength: 16, description: '券面事項入力補助用: 4 digits' })),
  },
  { additionalProperties: false, description: 'Chosen by the holder; never stored or echoed' },
);

const PinRecord = Type.Object({ salt: Type.String(), hash: Type.String(), remaining: Type.Integer() });
export const CardImage = Type.Object(
  {
    format: Type.Literal('onshi-card-image/1'),
    cardId: Type.String(),
    kind: CardKind,
    platform: nullable(Platform),
    adminKey: Type.String(),
    files: Type.Record(Type.String(), Type.String()),
    keys: Type.Record(Type.String(), Type.String()),
    pins: Type.Record(Type.String(), nullable(PinRecord)),
    faceRemaining: nullable(Type.Integer()),
  },
  { description: 'The chip image (onshi-card-image/1): the physical card itself' },
);
const SmartphoneImage = Type.Object({
  format: Type.Literal('onshi-smartphone-image/1'),
  chip: CardImage,
  biometricTemplate: nullable(Type.String({ description: 'iPhone: the owner’s enrolled biometric template' })),
});

const CertificateView = Type.Object({
  serial: Type.String({ description: 'lowercase hex (certificateSerialKey)' }),
  kind: Type.Union([Type.Literal('auth'), Type.Literal('signing')], { description: '利用者証明用 / 署名用' }),
  notBefore: Type.String(),
  notAfter: Type.String(),
  expiresOn: IsoDate,
  revokedAt: nullable(Type.String()),
  revocationReason: nullable(Type.String()),
});
export const CardView = Type.Object({
  id: Type.String(),
  personId: Type.String(),
  kind: CardKind,
  platform: nullable(Platform),
  issuedOn: IsoDate,
  expiresOn: IsoDate,
  status: Type.Union([
    Type.Literal('active'),
    Type.Literal('suspended'),
    Type.Literal('revoked'),
    Type.Literal('lost'),
  ]),
  statusChangedOn: nullable(IsoDate),
  certificates: Type.Array(CertificateView),
});
export const CardList = Type.Array(CardView);

export const IssueCardBody = Type.Object(
  {
    personId: Id,
    kind: CardKind,
    platform: Type.Optional(Platform),
    pins: Type.Optional(Pins),
    linkedCardId: Type.Optional(CardIdParams.properties.cardId),
    registerInsuranceUse: Type.Optional(Channel),
  },
  { additionalProperties: false },
);
export const IssuedCard = Type.Object({
  card: CardView,
  image: CardImage,
  phone: nullable(SmartphoneImage),
});

export const ReissueBody = Type.Object(
  { kind: Type.Optional(PhysicalKind), pins: Type.Optional(Pins), registerInsuranceUse: Type.Optional(Channel) },
  { additionalProperties: false },
);
export const PresentedCardBody = Type.Object({ image: CardImage }, { additionalProperties: false });
export const CardWithImage = Type.Object({ card: CardView, image: CardImage });
export const PinResetBody = Type.Object(
  {
    image: CardImage,
    credential: Type.Union([Type.Literal('authentication'), Type.Literal('signing'), Type.Literal('cardInfo')]),
    newPin: Type.String({ maxLength: 16 }),
  },
  { additionalProperties: false },
);
export const ReturnBody = Type.Object({ reason: Type.Literal('returned') }, { additionalProperties: false });
export const DeathBody = Type.Object({ reason: Type.Literal('death') }, { additionalProperties: false });

export const NoticesQuery = Type.Object({ date: IsoDate });
const Window = Type.Object({ from: IsoDate, to: IsoDate });
export const Notices = Type.Object({
  date: IsoDate,
  notices: Type.Array(
    Type.Object({
      personId: Type.String(),
      cardId: Type.String(),
      cardKind: CardKind,
      subjects: Type.Array(Type.Union([Type.Literal('certificate'), Type.Literal('card')])),
      expiresOn: IsoDate,
      noticeWindow: Window,
      renewableFrom: IsoDate,
    }),
  ),
});

export const ReaderBody = Type.Object(
  {
    institutionCode: InstitutionParams.properties.institutionCode,
    readerId: Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$' }),
    publicKeySpki: Type.Optional(
      Type.String({
        maxLength: 4096,
        description: 'base64 DER SubjectPublicKeyInfo (RSA ≥ 2048); omit to have one made',
      }),
    ),
  },
  { additionalProperties: false },
);
const ReaderCertificate = Type.Object({
  serial: Type.String(),
  institutionCode: Type.String(),
  readerId: Type.String(),
  notBefore: Type.String(),
  notAfter: Type.String(),
  revokedAt: nullable(Type.String()),
  revocationReason: nullable(Type.String()),
});
export const IssuedReader = Type.Object({
  certificate: ReaderCertificate,
  certificateDer: Type.String({ description: 'base64' }),
  certificatePem: Type.String(),
  privateKeyPkcs8: nullable(
    Type.String({ description: 'base64 PKCS#8, only when the authority made the key; shown once' }),
  ),
});
export const ReaderList = Type.Array(ReaderCertificate);
export const ReaderRevokeBody = Type.Object(
  { reason: Type.Union([Type.Literal('keyCompromise'), Type.Literal('cessationOfOperation')]) },
  { additionalProperties: false },
);

export const CrlQuery = Type.Object({ format: Type.Optional(Type.Union([Type.Literal('der'), Type.Literal('pem')])) });
export const CaParams = Type.Object({ which: Type.Union([Type.Literal('root'), Type.Literal('issuing')]) });

/** The coded error body every API answers (one schema for all areas: formats/schemas.ts). */
export const ErrorBody = ErrorResponse;

/** The error responses every authority route may give. */
export const ERROR_RESPONSES = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  422: ErrorBody,
} as const;
