import { ErrorResponse } from '../../formats/schemas.js';
import { Type, type TSchema } from 'typebox';

/**
 * TypeBox schemas of the insurer API (/openapi.json shows them). Field names are the glossary's (docs/glossary.md);
 * dates are ISO 'YYYY-MM-DD' (the commands also check that the day exists).
 */

const nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
export const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' });
const Rate = Type.Union([Type.Literal(0.1), Type.Literal(0.2), Type.Literal(0.3)], { description: '一部負担金割合' });
const Sex = Type.Union([Type.Literal('male'), Type.Literal('female'), Type.Literal('unset')]);
const Relationship = Type.Union([Type.Literal('insured'), Type.Literal('dependant')], { description: '本人 / 家族' });
const LossReason = Type.Enum(['01', '02', '03', '99'], {
  description: '資格喪失事由: 01 死亡, 02 生保開始, 03 医療保険等取得, 99 その他',
});
const CardClassification = Type.Enum(['01', '02', '03', '04', '05', '06', '07', 'A1'], {
  description: '被保険者証区分 (OQSCD010)',
});
const LimitCategory = Type.Enum(
  ['A01', 'A02', 'A03', 'A04', 'A05', 'A06', 'B01', 'B02', 'B03', 'B04', 'B05', 'B06', 'B07', 'B08', 'B09', 'B10'],
  { description: '限度額適用区分 (OQSCD012)' },
);
const LimitCertificateClassification = Type.Enum(['01', '02', '03']);
const DiseaseCategory = Type.Enum(['1', '2', '3'], { description: '特定疾病 (OQSCD013)' });
export const DvFlag = Type.Union([Type.Literal('selfInfoBlocked'), Type.Literal('nonDisclosure')], {
  description: 'selfInfoBlocked 自己情報提供不可 / nonDisclosure 不開示該当',
});
const DocumentKind = Type.Union([
  Type.Literal('legacyInsuranceCard'),
  Type.Literal('eligibilityCertificate'),
  Type.Literal('qualificationNotice'),
]);
export const IssuableKind = Type.Union([Type.Literal('eligibilityCertificate'), Type.Literal('qualificationNotice')]);
const MemberText = Type.String({ minLength: 1, maxLength: 20 });
const Branch = Type.String({ pattern: '^\\d{2}$', description: '枝番, 2 half-width digits' });
const IndividualNumber = Type.String({
  minLength: 12,
  maxLength: 20,
  description: 'マイナンバー (12 digits; never echoed)',
});

// ------------------------------------------------------------------------------------------------- requests

const NewPerson = Type.Object(
  {
    kind: Type.Literal('new'),
    nameKanji: Type.String({ minLength: 1, maxLength: 40 }),
    nameKana: Type.String({ minLength: 1, maxLength: 60 }),
    birthDate: IsoDate,
    sex: Sex,
    address: Type.String({ maxLength: 200 }),
    postalCode: Type.String({ pattern: '^\\d{3}-\\d{4}$' }),
    prefecture: Type.String({ pattern: '^(0[1-9]|[1-3]\\d|4[0-7])$' }),
    individualNumber: Type.Optional(IndividualNumber),
  },
  { additionalProperties: false },
);
const ExistingPerson = Type.Object(
  { kind: Type.Literal('existing'), individualNumber: IndividualNumber, birthDate: IsoDate },
  {
    additionalProperties: false,
    description: 'A person already known (e.g. a job change), by My Number and birth date',
  },
);

export const AcquireBody = Type.Object(
  {
    person: Type.Union([NewPerson, ExistingPerson]),
    symbol: Type.Optional(nullable(MemberText)),
    number: Type.Optional(MemberText),
    branch: Type.Optional(nullable(Branch)),
    relationship: Relationship,
    insuredMemberId: Type.Optional(nullable(Id)),
    acquiredOn: IsoDate,
    cardClassification: Type.Optional(CardClassification),
  },
  { additionalProperties: false },
);

export const DependantBody = Type.Object(
  {
    person: Type.Union([NewPerson, ExistingPerson]),
    branch: Type.Optional(nullable(Branch)),
    acquiredOn: IsoDate,
    cardClassification: Type.Optional(CardClassification),
  },
  { additionalProperties: false },
);

export const LossBody = Type.Object({ lostOn: IsoDate, lossReason: LossReason }, { additionalProperties: false });

const PeriodFields = { validFrom: IsoDate, validTo: Type.Optional(nullable(IsoDate)) };
export const AttributeBody = Type.Union([
  Type.Object({ kind: Type.Literal('copayRate'), rate: Rate, ...PeriodFields }, { additionalProperties: false }),
  Type.Object(
    {
      kind: Type.Literal('limitCategory'),
      category: LimitCategory,
      certificateClassification: Type.Optional(nullable(LimitCertificateClassification)),
      issuedOn: Type.Optional(nullable(IsoDate)),
      longTermOn: Type.Optional(nullable(IsoDate)),
      ...PeriodFields,
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('elderlyRecipient'), rate: Rate, issuedOn: Type.Optional(nullable(IsoDate)), ...PeriodFields },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('specificDisease'),
      diseaseCategory: DiseaseCategory,
      selfPayLimit: Type.Union([Type.Literal(10000), Type.Literal(20000)]),
      issuedOn: Type.Optional(nullable(IsoDate)),
      ...PeriodFields,
    },
    { additionalProperties: false },
  ),
]);

export const EndAttributeBody = Type.Object({ validTo: IsoDate }, { additionalProperties: false });
export const IndividualNumberBody = Type.Object(
  { individualNumber: IndividualNumber },
  { additionalProperties: false },
);
export const SetDvFlagBody = Type.Object({ flag: DvFlag, setOn: IsoDate }, { additionalProperties: false });
export const ClearDvFlagBody = Type.Object({ clearedOn: IsoDate }, { additionalProperties: false });

export const IssueDocumentBody = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('eligibilityCertificate'),
      issuedOn: Type.Optional(IsoDate),
      validFrom: Type.Optional(IsoDate),
      validTo: IsoDate,
      onRequest: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('qualificationNotice'),
      issuedOn: Type.Optional(IsoDate),
      onRequest: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  ),
]);

export const DueRunBody = Type.Object({ date: IsoDate, certificateValidTo: IsoDate }, { additionalProperties: false });

export const CreateInsurerBody = Type.Object(
  {
    insurerNumber: Type.String({ pattern: '^\\d{6}(\\d{2})?$', description: '8 digits (国保 6)' }),
    name: Type.String({ minLength: 1, maxLength: 40 }),
    prefecture: Type.Optional(Type.String({ pattern: '^(0[1-9]|[1-3]\\d|4[0-7])$' })),
    branch: Type.Optional(nullable(Type.String({ maxLength: 20 }))),
  },
  { additionalProperties: false },
);

// ------------------------------------------------------------------------------------------------ params/query

export const MemberParams = Type.Object({ memberId: Id });
export const AttributeParams = Type.Object({ memberId: Id, attributeId: Id });
export const DvFlagParams = Type.Object({ memberId: Id, flag: DvFlag });
export const DocumentParams = Type.Object({ documentId: Id });
export const AsOfQuery = Type.Object({ asOf: Type.Optional(IsoDate) });
export const MembersQuery = Type.Object({
  symbol: Type.Optional(MemberText),
  number: Type.Optional(MemberText),
  branch: Type.Optional(Branch),
  afterId: Type.Optional(Id),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
});
export const DocumentsQuery = Type.Object({
  from: IsoDate,
  to: IsoDate,
  afterId: Type.Optional(Id),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
});
export const IssuedPdfQuery = Type.Object({ issuedOn: IsoDate, kind: Type.Optional(IssuableKind) });

// ------------------------------------------------------------------------------------------------- responses

const AttributeCommon = {
  id: Type.String(),
  validFrom: IsoDate,
  validTo: nullable(IsoDate),
  recordedAt: Type.String(),
  supersededAt: nullable(Type.String()),
};
export const Attribute = Type.Union([
  Type.Object({ kind: Type.Literal('copayRate'), rate: Rate, ...AttributeCommon }),
  Type.Object({
    kind: Type.Literal('limitCategory'),
    category: LimitCategory,
    certificateClassification: nullable(LimitCertificateClassification),
    issuedOn: nullable(IsoDate),
    longTermOn: nullable(IsoDate),
    ...AttributeCommon,
  }),
  Type.Object({ kind: Type.Literal('elderlyRecipient'), rate: Rate, issuedOn: nullable(IsoDate), ...AttributeCommon }),
  Type.Object({
    kind: Type.Literal('specificDisease'),
    diseaseCategory: DiseaseCategory,
    selfPayLimit: Type.Number(),
    issuedOn: nullable(IsoDate),
    ...AttributeCommon,
  }),
]);

export const DvFlagPeriod = Type.Object({
  id: Type.String(),
  flag: DvFlag,
  setOn: IsoDate,
  clearedOn: nullable(IsoDate),
  setBy: nullable(Type.String()),
});

export const Member = Type.Object({
  memberId: Type.String(),
  personId: Type.String(),
  insurerNumber: Type.String(),
  symbol: nullable(Type.String()),
  number: Type.String(),
  branch: nullable(Type.String()),
  memberIdentifier: nullable(Type.String({ description: 'JP Core 被保険者個人識別子' })),
  relationship: Relationship,
  insuredMemberId: nullable(Type.String()),
  acquiredOn: IsoDate,
  lostOn: nullable(IsoDate),
  lossReason: nullable(LossReason),
  cardClassification: CardClassification,
  person: Type.Object({
    nameKanji: Type.String(),
    nameKana: Type.String(),
    birthDate: IsoDate,
    sex: Sex,
    address: Type.String(),
    postalCode: Type.String(),
    prefecture: Type.String(),
  }),
  individualNumberLast4: nullable(Type.String({ description: 'マイナンバー下4桁 only' })),
  asOf: IsoDate,
  attributes: Type.Array(Attribute),
  dvFlags: Type.Array(DvFlagPeriod),
});

export const MemberSummary = Type.Object({
  memberId: Type.String(),
  personId: Type.String(),
  symbol: nullable(Type.String()),
  number: Type.String(),
  branch: nullable(Type.String()),
  relationship: Relationship,
  insuredMemberId: nullable(Type.String()),
  acquiredOn: IsoDate,
  lostOn: nullable(IsoDate),
});

export const MemberPage = Type.Object({ members: Type.Array(MemberSummary), nextAfterId: nullable(Type.String()) });

export const LossResult = Type.Object({ member: Member, dependantsLost: Type.Array(Type.String()) });

const opt = <T extends TSchema>(t: T) => Type.Optional(nullable(t));
export const PrintedFields = Type.Object({
  nameKanji: Type.String(),
  nameKana: Type.String(),
  birthDate: IsoDate,
  sex: Type.Optional(Sex),
  insurerNumber: Type.String(),
  insurerName: Type.String(),
  symbol: nullable(Type.String()),
  number: Type.String(),
  branch: nullable(Type.String()),
  acquiredOn: IsoDate,
  copayRate: opt(Rate),
  copayRateEffectiveOn: opt(IsoDate),
  copayRateText: opt(Type.String()),
  limitCategory: opt(LimitCategory),
  limitCategoryEffectiveOn: opt(IsoDate),
  longTermOn: opt(IsoDate),
  specificDiseaseCategory: opt(DiseaseCategory),
  specificDiseaseSelfPayLimit: opt(Type.Integer({ minimum: 1 })),
  individualNumberLast4: opt(Type.String()),
  inquiryNumber: opt(Type.String()),
});

export const IssuedDocument = Type.Object({
  documentId: Type.String(),
  memberId: Type.String(),
  personId: Type.String(),
  insurerNumber: Type.String(),
  kind: DocumentKind,
  issuedOn: IsoDate,
  validFrom: IsoDate,
  validTo: nullable(IsoDate),
  onRequest: Type.Boolean(),
  printed: PrintedFields,
  pdf: Type.String({ description: 'GET this path for the PDF' }),
});

export const DocumentPage = Type.Object({
  documents: Type.Array(IssuedDocument),
  nextAfterId: nullable(Type.String()),
});

export const History = Type.Object({
  memberId: Type.String(),
  qualifications: Type.Array(MemberSummary),
  attributes: Type.Array(Attribute),
  documents: Type.Array(IssuedDocument),
});

export const IndividualNumberLink = Type.Object({
  memberId: Type.String(),
  individualNumberLast4: Type.String(),
  linkedOn: IsoDate,
  created: Type.Boolean(),
});

export const DueRun = Type.Object({
  date: IsoDate,
  considered: Type.Integer(),
  issued: Type.Object({ eligibilityCertificate: Type.Integer(), qualificationNotice: Type.Integer() }),
  alreadyCovered: Type.Integer(),
  nothingDue: Type.Integer(),
  problems: Type.Array(Type.Object({ memberId: Type.String(), code: Type.String() })),
  documents: Type.Array(IssuedDocument),
  combinedPdf: Type.String(),
});

export const Insurer = Type.Object({
  insurerNumber: Type.String(),
  name: Type.String(),
  scheme: Type.String(),
  prefecture: Type.String(),
  branch: nullable(Type.String()),
});

export const CreatedInsurer = Type.Object({
  insurer: Insurer,
  credential: Type.Object({
    id: Type.String(),
    token: Type.String({ description: 'Send as `Authorization: Bearer <token>`; shown once' }),
  }),
});

/** The coded error body every API answers (one schema for all areas: formats/schemas.ts). */
export const ErrorBody = ErrorResponse;

/** The error responses every insurer route may give. */
export const ERROR_RESPONSES = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  422: ErrorBody,
} as const;
