/**
 * The repositories, written once in the SQL both SQLite and PostgreSQL accept (`?` placeholders, ON CONFLICT,
 * multi-row VALUES). Every hot query is one indexed lookup on one table; none joins across persons (decision 0040).
 * The current transaction travels in AsyncLocalStorage, so store calls made inside `transaction(fn)` — on `tx` or
 * on the store itself — run in that transaction, and so does a nested `transaction` (decision 0041).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHmac, createSecretKey, randomUUID } from 'node:crypto';
import { addDays, isOqsCode, SCHEME_LABELS, type OqsCode, type OqsCodeTableName, type Scheme } from '@onshi/core';
import { attributesInForce, compareText, DV_FLAGS, dvFlagsInForce } from '../asOf.js';
import { memberKey } from '../memberKey.js';
import {
  StoreConflictError,
  StoreNotFoundError,
  type ActorKind,
  type AuditRow,
  type Authentication,
  type AuthorityStateRecord,
  type BulkValue,
  type BulkConfirmationJob,
  type BulkConfirmationUnit,
  type BulkJobStatus,
  type Card,
  type CardPath,
  type CardKind,
  type CardStatus,
  type Certificate,
  type CertificateStatus,
  type CertificateKind,
  type Claim,
  type ClaimKind,
  type ClinicalRecord,
  type ClinicalRecordKind,
  type Confirmation,
  type ConfirmationMethod,
  type Consent,
  type ConsentItem,
  type CopayRate,
  type Credential,
  type CredentialSubjectKind,
  type DisasterDeclaration,
  type ProxyGrant,
  type DocumentKind,
  type DvFlagRecord,
  type IdempotencyRecord,
  type IndividualNumberLink,
  type Institution,
  type InstitutionKind,
  type InsuranceUseRegistration,
  type Insurer,
  type DocumentValidity,
  type IssuedDocument,
  type MemberRecord,
  type NewQualificationAttribute,
  type Person,
  type PhonePlatform,
  type PrintedFields,
  type PublishedCrl,
  type Qualification,
  type QualificationAttribute,
  type ReaderCertificate,
  type ReaderStatus,
  type ReferenceNumberRecord,
  type RegistrationChannel,
  type Relationship,
  type RevokedCertificate,
  type Sex,
  type Store,
  type UnchainedAuditEntry,
  type CheckJournalPort,
  type StoreRepositories,
} from '../types.js';
import type { ReadModelReaderPort } from '../sqlite/readModelReader.js';
import { CARD_SNAPSHOT_SQL, cardFillRange, decodeCardPayload, refreshCardSql } from './cardReadModel.js';
import type { Row, SqlDatabase, SqlExecutor, SqlValue } from './database.js';
import {
  decodeMemberPayload,
  MEMBER_SNAPSHOT_SQL,
  memberFillRange,
  memberPayloadSql,
  REFRESH_PER_TRANSACTION,
  refreshMemberSql,
  type FillRange,
} from './memberReadModel.js';
import * as usageStats from './usageStats.js';
import {
  bool,
  bytes,
  isRecord,
  json,
  member,
  num,
  oneOf,
  optNum,
  optOneOf,
  optStr,
  RowShapeError,
  str,
} from './rows.js';

// ---------------------------------------------------------------------------------------------------------------
// Allowed values (checked on every read)

export const SEX: readonly Sex[] = ['male', 'female', 'unset'];
const SUBJECT_KINDS: readonly CredentialSubjectKind[] = ['insurer', 'institution', 'authority', 'analyst'];
export const RELATIONSHIPS: readonly Relationship[] = ['insured', 'dependant'];
export const COPAY_RATES: readonly CopayRate[] = [0.1, 0.2, 0.3];
export const DOCUMENT_KINDS: readonly DocumentKind[] = [
  'legacyInsuranceCard',
  'eligibilityCertificate',
  'qualificationNotice',
];
export const CARD_KINDS: readonly CardKind[] = ['standard', 'faceOnly', 'smartphone'];
export const PLATFORMS: readonly PhonePlatform[] = ['android', 'iphone'];
export const CARD_STATUSES: readonly CardStatus[] = ['active', 'suspended', 'revoked', 'lost'];
export const CHANNELS: readonly RegistrationChannel[] = ['reader', 'portal', 'atm', 'wardOffice'];
export const CERT_KINDS: readonly CertificateKind[] = ['auth', 'signing'];
const INSTITUTION_KINDS: readonly InstitutionKind[] = ['hospital', 'clinic', 'dental', 'pharmacy'];
const READER_STATUSES: readonly ReaderStatus[] = ['working', 'outOfOrder'];
const CONSENT_ITEMS: readonly ConsentItem[] = ['medication', 'surgery', 'checkup'];
const METHODS: readonly ConfirmationMethod[] = ['card', 'number', 'visual', 'bulk'];
const AUTHENTICATIONS: readonly Authentication[] = ['faceAuth', 'pin', 'visualCheck', 'biometrics'];
const RECORD_KINDS: readonly ClinicalRecordKind[] = ['medication', 'checkup', 'treatment', 'surgery'];
const CLAIM_KINDS: readonly ClaimKind[] = ['outpatient', 'inpatient'];
const ACTOR_KINDS: readonly ActorKind[] = ['insurer', 'institution', 'person', 'authority', 'analyst', 'system'];
const OUTCOMES: readonly AuditRow['outcome'][] = ['allowed', 'refused'];
const JOB_STATUSES: readonly BulkJobStatus[] = ['queued', 'processing', 'done', 'failed'];

function isScheme(v: string): v is Scheme {
  return Object.hasOwn(SCHEME_LABELS, v);
}

function scheme(r: Row, column: string): Scheme {
  const v = str(r, column);
  if (!isScheme(v)) {
    throw new RowShapeError(column, 'scheme', v);
  }
  return v;
}

/** A value of an OQS code table (@onshi/core codes.ts). */
function code<T extends OqsCodeTableName>(value: unknown, table: T, what: string): OqsCode<T> {
  if (typeof value !== 'string' || !isOqsCode(table, value)) {
    throw new RowShapeError(what, `OQS ${table} code`, value);
  }
  return value;
}

function optCode<T extends OqsCodeTableName>(value: unknown, table: T, what: string): OqsCode<T> | null {
  return value === null || value === undefined ? null : code(value, table, what);
}

// ---------------------------------------------------------------------------------------------------------------
// JSON helpers

type Flat = Record<string, string | number | boolean | null>;

function flatRecord(value: unknown, what: string): Flat {
  if (!isRecord(value)) {
    throw new RowShapeError(what, 'object', value);
  }
  const out: Flat = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      out[k] = v;
    } else {
      throw new RowShapeError(`${what}.${k}`, 'scalar', v);
    }
  }
  return out;
}

function stringList<T extends string>(value: unknown, allowed: readonly T[], what: string): T[] {
  if (!Array.isArray(value)) {
    throw new RowShapeError(what, 'array', value);
  }
  return value.map((v) => member(v, allowed, what));
}

function jStr(o: Record<string, unknown>, k: string): string {
  const v = o[k];
  if (typeof v !== 'string') {
    throw new RowShapeError(k, 'text', v);
  }
  return v;
}

function jOptStr(o: Record<string, unknown>, k: string): string | null {
  const v = o[k];
  return v === undefined || v === null ? null : jStr(o, k);
}

function jOptNum(o: Record<string, unknown>, k: string): number | null {
  const v = o[k];
  if (v === undefined || v === null) {
    return null;
  }
  if (typeof v !== 'number') {
    throw new RowShapeError(k, 'number', v);
  }
  return v;
}

function parsePrinted(value: unknown): PrintedFields {
  if (!isRecord(value)) {
    throw new RowShapeError('printed', 'object', value);
  }
  const p: PrintedFields = {
    nameKanji: jStr(value, 'nameKanji'),
    nameKana: jStr(value, 'nameKana'),
    birthDate: jStr(value, 'birthDate'),
    insurerNumber: jStr(value, 'insurerNumber'),
    insurerName: jStr(value, 'insurerName'),
    symbol: jOptStr(value, 'symbol'),
    number: jStr(value, 'number'),
    branch: jOptStr(value, 'branch'),
    acquiredOn: jStr(value, 'acquiredOn'),
  };
  if (value.sex !== undefined) {
    p.sex = member(value.sex, SEX, 'printed.sex');
  }
  if (value.copayRate !== undefined) {
    p.copayRate = value.copayRate === null ? null : member(value.copayRate, COPAY_RATES, 'printed.copayRate');
  }
  if (value.limitCategory !== undefined) {
    p.limitCategory =
      value.limitCategory === null ? null : code(value.limitCategory, 'limitCategory', 'printed.limitCategory');
  }
  if (value.specificDiseaseCategory !== undefined) {
    p.specificDiseaseCategory =
      value.specificDiseaseCategory === null
        ? null
        : code(value.specificDiseaseCategory, 'specificDisease', 'printed.specificDiseaseCategory');
  }
  if (value.specificDiseaseSelfPayLimit !== undefined) {
    p.specificDiseaseSelfPayLimit = jOptNum(value, 'specificDiseaseSelfPayLimit');
  }
  for (const k of [
    'copayRateEffectiveOn',
    'copayRateText',
    'limitCategoryEffectiveOn',
    'longTermOn',
    'individualNumberLast4',
    'inquiryNumber',
  ] as const) {
    if (value[k] !== undefined) {
      p[k] = jOptStr(value, k);
    }
  }
  return p;
}

function parseUnits(value: unknown): BulkConfirmationUnit[] {
  if (!Array.isArray(value)) {
    throw new RowShapeError('units', 'array', value);
  }
  return value.map((u: unknown) => {
    if (!isRecord(u) || !isRecord(u.request)) {
      throw new RowShapeError('units[]', 'object', u);
    }
    const r = u.request;
    const unit: BulkConfirmationUnit = {
      request: {
        insurerNumber: jStr(r, 'insurerNumber'),
        symbol: jOptStr(r, 'symbol'),
        number: jStr(r, 'number'),
        branch: jOptStr(r, 'branch'),
        birthDate: jStr(r, 'birthDate'),
        arbitraryIdentifier: jOptStr(r, 'arbitraryIdentifier'),
      },
      result: null,
    };
    if (isRecord(u.result)) {
      const x = u.result;
      unit.result = {
        processingResultStatus: jOptNum(x, 'processingResultStatus') ?? 0,
        processingResultCode: jOptStr(x, 'processingResultCode'),
        qualificationValidity: jOptNum(x, 'qualificationValidity'),
        personId: jOptStr(x, 'personId'),
        qualificationId: jOptStr(x, 'qualificationId'),
        referenceNumber: jOptStr(x, 'referenceNumber'),
      };
    }
    return unit;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Row mappers

function toPerson(r: Row): Person {
  return {
    id: str(r, 'id'),
    nameKanji: str(r, 'name_kanji'),
    nameKana: str(r, 'name_kana'),
    birthDate: str(r, 'birth_date'),
    sex: oneOf(r, 'sex', SEX),
    address: str(r, 'address'),
    postalCode: str(r, 'postal_code'),
    prefecture: str(r, 'prefecture'),
  };
}

function toLink(r: Row): IndividualNumberLink {
  return {
    personId: str(r, 'person_id'),
    individualNumberHash: str(r, 'individual_number_hash'),
    individualNumberLast4: str(r, 'individual_number_last4'),
    linkedOn: str(r, 'linked_on'),
    linkedBy: optStr(r, 'linked_by'),
  };
}

function toInsurer(r: Row): Insurer {
  return {
    insurerNumber: str(r, 'insurer_number'),
    name: str(r, 'name'),
    scheme: scheme(r, 'scheme'),
    prefecture: str(r, 'prefecture'),
    branch: optStr(r, 'branch'),
  };
}

function toCredential(r: Row): Credential {
  return {
    id: str(r, 'id'),
    subjectKind: oneOf(r, 'subject_kind', SUBJECT_KINDS),
    subjectId: str(r, 'subject_id'),
    secretHash: str(r, 'secret_hash'),
    label: str(r, 'label'),
    createdAt: str(r, 'created_at'),
    revokedAt: optStr(r, 'revoked_at'),
  };
}

function toQualification(r: Row): Qualification {
  return {
    id: str(r, 'id'),
    personId: str(r, 'person_id'),
    insurerNumber: str(r, 'insurer_number'),
    symbol: optStr(r, 'symbol'),
    number: str(r, 'number'),
    branch: optStr(r, 'branch'),
    memberKey: str(r, 'member_key'),
    relationship: oneOf(r, 'relationship', RELATIONSHIPS),
    insuredQualificationId: optStr(r, 'insured_qualification_id'),
    acquiredOn: str(r, 'acquired_on'),
    lostOn: optStr(r, 'lost_on'),
    lossReason: optCode(r.loss_reason, 'lossReason', 'loss_reason'),
    cardClassification: code(r.card_classification, 'insuredCardClassification', 'card_classification'),
  };
}

function toAttribute(r: Row): QualificationAttribute {
  const base = {
    id: str(r, 'id'),
    qualificationId: str(r, 'qualification_id'),
    personId: str(r, 'person_id'),
    validFrom: str(r, 'valid_from'),
    validTo: optStr(r, 'valid_to'),
    recordedAt: str(r, 'recorded_at'),
    supersededAt: optStr(r, 'superseded_at'),
  };
  const v = json(r, 'value');
  if (!isRecord(v)) {
    throw new RowShapeError('value', 'object', v);
  }
  const kind = str(r, 'kind');
  switch (kind) {
    case 'copayRate':
      return { ...base, kind, rate: member(v.rate, COPAY_RATES, 'rate') };
    case 'limitCategory':
      return {
        ...base,
        kind,
        category: code(v.category, 'limitCategory', 'category'),
        certificateClassification:
          v.certificateClassification === null || v.certificateClassification === undefined
            ? null
            : code(v.certificateClassification, 'limitCertificateClassification', 'certificateClassification'),
        issuedOn: jOptStr(v, 'issuedOn'),
        longTermOn: jOptStr(v, 'longTermOn'),
      };
    case 'elderlyRecipient':
      return { ...base, kind, rate: member(v.rate, COPAY_RATES, 'rate'), issuedOn: jOptStr(v, 'issuedOn') };
    case 'specificDisease':
      return {
        ...base,
        kind,
        diseaseCategory: code(v.diseaseCategory, 'specificDisease', 'diseaseCategory'),
        selfPayLimit: jOptNum(v, 'selfPayLimit') ?? 0,
        issuedOn: jOptStr(v, 'issuedOn'),
      };
    default:
      throw new RowShapeError('kind', 'attribute kind', kind);
  }
}

/** The kind-specific part of an attribute, as stored in `value`. */
function attributeValue(a: NewQualificationAttribute | QualificationAttribute): Flat {
  switch (a.kind) {
    case 'copayRate':
      return { rate: a.rate };
    case 'limitCategory':
      return {
        category: a.category,
        certificateClassification: a.certificateClassification,
        issuedOn: a.issuedOn,
        longTermOn: a.longTermOn,
      };
    case 'elderlyRecipient':
      return { rate: a.rate, issuedOn: a.issuedOn };
    case 'specificDisease':
      return { diseaseCategory: a.diseaseCategory, selfPayLimit: a.selfPayLimit, issuedOn: a.issuedOn };
  }
}

/** Rows of one slot replace each other; 特定疾病 has one slot per disease category. */
function attributeSlot(a: NewQualificationAttribute | QualificationAttribute): string {
  return a.kind === 'specificDisease' ? `specificDisease:${a.diseaseCategory}` : a.kind;
}

function toDocument(r: Row): IssuedDocument {
  return { ...toDocumentValidity(r), printed: parsePrinted(json(r, 'printed')) };
}

function toDocumentValidity(r: Row): DocumentValidity {
  return {
    id: str(r, 'id'),
    personId: str(r, 'person_id'),
    qualificationId: str(r, 'qualification_id'),
    insurerNumber: str(r, 'insurer_number'),
    kind: oneOf(r, 'kind', DOCUMENT_KINDS),
    issuedOn: str(r, 'issued_on'),
    validFrom: str(r, 'valid_from'),
    validTo: optStr(r, 'valid_to'),
    onRequest: bool(r, 'on_request'),
  };
}

function toDvFlag(r: Row): DvFlagRecord {
  return {
    id: str(r, 'id'),
    personId: str(r, 'person_id'),
    flag: oneOf(r, 'flag', DV_FLAGS),
    setOn: str(r, 'set_on'),
    clearedOn: optStr(r, 'cleared_on'),
    setBy: optStr(r, 'set_by'),
  };
}

function toCard(r: Row): Card {
  return {
    id: str(r, 'id'),
    personId: str(r, 'person_id'),
    kind: oneOf(r, 'kind', CARD_KINDS),
    platform: optOneOf(r, 'platform', PLATFORMS),
    issuedOn: str(r, 'issued_on'),
    expiresOn: str(r, 'expires_on'),
    status: oneOf(r, 'status', CARD_STATUSES),
    statusChangedOn: optStr(r, 'status_changed_on'),
  };
}

function toRegistration(r: Row): InsuranceUseRegistration {
  return {
    id: str(r, 'id'),
    personId: str(r, 'person_id'),
    cardId: str(r, 'card_id'),
    registeredOn: str(r, 'registered_on'),
    channel: oneOf(r, 'channel', CHANNELS),
    unregisteredOn: optStr(r, 'unregistered_on'),
  };
}

function toCertificateStatus(r: Row): CertificateStatus {
  return {
    serial: str(r, 'serial'),
    cardId: str(r, 'card_id'),
    kind: oneOf(r, 'kind', CERT_KINDS),
    notBefore: str(r, 'not_before'),
    notAfter: str(r, 'not_after'),
    revokedAt: optStr(r, 'revoked_at'),
    revocationReason: optStr(r, 'revocation_reason'),
  };
}

function toCertificate(r: Row): Certificate {
  return { ...toCertificateStatus(r), der: bytes(r, 'der') };
}

function toInstitution(r: Row): Institution {
  return {
    institutionCode: str(r, 'institution_code'),
    name: str(r, 'name'),
    kind: oneOf(r, 'kind', INSTITUTION_KINDS),
    prefecture: str(r, 'prefecture'),
    address: str(r, 'address'),
    oqsEnabled: bool(r, 'oqs_enabled'),
    readerStatus: oneOf(r, 'reader_status', READER_STATUSES),
    consentItemsEnabled: stringList(json(r, 'consent_items_enabled'), CONSENT_ITEMS, 'consent_items_enabled'),
    smartphoneReader: bool(r, 'smartphone_reader'),
  };
}

export function toConfirmation(r: Row): Confirmation {
  return {
    id: str(r, 'id'),
    at: str(r, 'at'),
    confirmedOn: str(r, 'confirmed_on'),
    institutionCode: str(r, 'institution_code'),
    personId: optStr(r, 'person_id'),
    qualificationId: optStr(r, 'qualification_id'),
    insurerNumber: optStr(r, 'insurer_number'),
    method: oneOf(r, 'method', METHODS),
    authentication: optOneOf(r, 'authentication', AUTHENTICATIONS),
    qualificationValidity: optNum(r, 'qualification_validity'),
    resultCode: str(r, 'result_code'),
    referenceNumber: optStr(r, 'reference_number'),
  };
}

function toConsent(r: Row): Consent {
  return {
    id: str(r, 'id'),
    institutionCode: str(r, 'institution_code'),
    personId: str(r, 'person_id'),
    items: stringList(json(r, 'items'), CONSENT_ITEMS, 'items'),
    consentedAt: str(r, 'consented_at'),
    expiresAt: str(r, 'expires_at'),
  };
}

function toClinicalRecord(r: Row): ClinicalRecord {
  return {
    id: str(r, 'id'),
    personId: str(r, 'person_id'),
    kind: oneOf(r, 'kind', RECORD_KINDS),
    date: str(r, 'date'),
    institutionCode: optStr(r, 'institution_code'),
    claimId: optStr(r, 'claim_id'),
    code: str(r, 'code'),
    name: str(r, 'name'),
    detail: flatRecord(json(r, 'detail'), 'detail'),
  };
}

function toClaim(r: Row): Claim {
  return {
    id: str(r, 'id'),
    personId: str(r, 'person_id'),
    insurerNumber: str(r, 'insurer_number'),
    qualificationId: optStr(r, 'qualification_id'),
    institutionCode: str(r, 'institution_code'),
    institutionKind: oneOf(r, 'institution_kind', INSTITUTION_KINDS),
    kind: oneOf(r, 'kind', CLAIM_KINDS),
    month: str(r, 'month'),
    days: num(r, 'days'),
    points: num(r, 'points'),
    totalCost: num(r, 'total_cost'),
    insurerPaid: num(r, 'insurer_paid'),
    publicPaid: num(r, 'public_paid'),
    copayAmount: num(r, 'copay_amount'),
  };
}

export function toAudit(r: Row): AuditRow {
  return {
    seq: num(r, 'seq'),
    ...toUnchainedAudit(r),
    prevHash: str(r, 'prev_hash'),
    hash: str(r, 'hash'),
  };
}

/** The audit columns a caller gives (the check journal keeps entries so until they are chained, decision 0168). */
export function toUnchainedAudit(r: Row): UnchainedAuditEntry {
  return {
    at: str(r, 'at'),
    actorKind: oneOf(r, 'actor_kind', ACTOR_KINDS),
    actorId: str(r, 'actor_id'),
    action: str(r, 'action'),
    personId: optStr(r, 'person_id'),
    target: optStr(r, 'target'),
    outcome: oneOf(r, 'outcome', OUTCOMES),
    detail: flatRecord(json(r, 'detail'), 'detail'),
  };
}

function toIdempotency(r: Row): IdempotencyRecord {
  return {
    scope: str(r, 'scope'),
    key: str(r, 'key'),
    requestHash: str(r, 'request_hash'),
    responseStatus: num(r, 'response_status'),
    responseBody: json(r, 'response_body'),
    createdAt: str(r, 'created_at'),
  };
}

/** reference_numbers' columns in table order (the member read model's rows keep them in this order). */
export const REFERENCE_COLS = [
  'institution_code',
  'reference_number',
  'person_id',
  'qualification_id',
  'registered_at',
];

function toReference(r: Row): ReferenceNumberRecord {
  return {
    institutionCode: str(r, 'institution_code'),
    referenceNumber: str(r, 'reference_number'),
    personId: str(r, 'person_id'),
    qualificationId: optStr(r, 'qualification_id'),
    registeredAt: str(r, 'registered_at'),
  };
}

function toJob(r: Row): BulkConfirmationJob {
  return {
    receptionNumber: str(r, 'reception_number'),
    institutionCode: str(r, 'institution_code'),
    requestedAt: str(r, 'requested_at'),
    confirmationDate: str(r, 'confirmation_date'),
    status: oneOf(r, 'status', JOB_STATUSES),
    units: parseUnits(json(r, 'units')),
    completedAt: optStr(r, 'completed_at'),
  };
}

function toDisaster(r: Row): DisasterDeclaration {
  const prefectures = json(r, 'prefectures');
  if (!Array.isArray(prefectures) || !prefectures.every((p): p is string => typeof p === 'string')) {
    throw new RowShapeError('prefectures', 'text[]', prefectures);
  }
  return {
    id: str(r, 'id'),
    name: str(r, 'name'),
    prefectures,
    startsOn: str(r, 'starts_on'),
    endsOn: str(r, 'ends_on'),
    declaredAt: str(r, 'declared_at'),
  };
}

function toProxy(r: Row): ProxyGrant {
  return {
    id: str(r, 'id'),
    principalPersonId: str(r, 'principal_person_id'),
    proxyPersonId: str(r, 'proxy_person_id'),
    grantedAt: str(r, 'granted_at'),
    revokedAt: optStr(r, 'revoked_at'),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Column lists and value rows for inserts (exported for bulkRows.ts, which encodes the seed's rows off-thread)

export const PERSON_COLS = [
  'id',
  'name_kanji',
  'name_kana',
  'birth_date',
  'sex',
  'address',
  'postal_code',
  'prefecture',
];
export function personValues(p: Person): BulkValue[] {
  return [p.id, p.nameKanji, p.nameKana, p.birthDate, p.sex, p.address, p.postalCode, p.prefecture];
}

export const QUALIFICATION_COLS = [
  'id',
  'person_id',
  'insurer_number',
  'symbol',
  'number',
  'branch',
  'member_key',
  'relationship',
  'insured_qualification_id',
  'acquired_on',
  'lost_on',
  'loss_reason',
  'card_classification',
];
export function qualificationValues(q: Qualification): BulkValue[] {
  return [
    q.id,
    q.personId,
    q.insurerNumber,
    q.symbol,
    q.number,
    q.branch,
    q.memberKey,
    q.relationship,
    q.insuredQualificationId,
    q.acquiredOn,
    q.lostOn,
    q.lossReason,
    q.cardClassification,
  ];
}

export const ATTRIBUTE_COLS = [
  'id',
  'qualification_id',
  'person_id',
  'kind',
  'slot',
  'valid_from',
  'valid_to',
  'recorded_at',
  'superseded_at',
  'value',
];
export function attributeValues(a: QualificationAttribute): BulkValue[] {
  return [
    a.id,
    a.qualificationId,
    a.personId,
    a.kind,
    attributeSlot(a),
    a.validFrom,
    a.validTo,
    a.recordedAt,
    a.supersededAt,
    JSON.stringify(attributeValue(a)),
  ];
}

export const DOCUMENT_COLS = [
  'id',
  'person_id',
  'qualification_id',
  'insurer_number',
  'kind',
  'issued_on',
  'valid_from',
  'valid_to',
  'on_request',
  'printed',
];
export function documentValues(d: IssuedDocument): BulkValue[] {
  return [
    d.id,
    d.personId,
    d.qualificationId,
    d.insurerNumber,
    d.kind,
    d.issuedOn,
    d.validFrom,
    d.validTo,
    d.onRequest,
    JSON.stringify(d.printed),
  ];
}

export const DV_COLS = ['id', 'person_id', 'flag', 'set_on', 'cleared_on', 'set_by'];
export function dvValues(f: DvFlagRecord): BulkValue[] {
  return [f.id, f.personId, f.flag, f.setOn, f.clearedOn, f.setBy];
}

export const CARD_COLS = [
  'id',
  'person_id',
  'kind',
  'platform',
  'issued_on',
  'expires_on',
  'status',
  'status_changed_on',
];
export function cardValues(c: Card): BulkValue[] {
  return [c.id, c.personId, c.kind, c.platform, c.issuedOn, c.expiresOn, c.status, c.statusChangedOn];
}

export const REGISTRATION_COLS = ['id', 'person_id', 'card_id', 'registered_on', 'channel', 'unregistered_on'];
export function registrationValues(r: InsuranceUseRegistration): BulkValue[] {
  return [r.id, r.personId, r.cardId, r.registeredOn, r.channel, r.unregisteredOn];
}

function toReaderCertificate(r: Row): ReaderCertificate {
  return {
    serial: str(r, 'serial'),
    institutionCode: str(r, 'institution_code'),
    readerId: str(r, 'reader_id'),
    notBefore: str(r, 'not_before'),
    notAfter: str(r, 'not_after'),
    revokedAt: optStr(r, 'revoked_at'),
    revocationReason: optStr(r, 'revocation_reason'),
    der: bytes(r, 'der'),
  };
}

function toRevoked(r: Row): RevokedCertificate {
  return {
    serial: str(r, 'serial'),
    notAfter: str(r, 'not_after'),
    revokedAt: str(r, 'revoked_at'),
    revocationReason: optStr(r, 'revocation_reason'),
  };
}

function toPublishedCrl(r: Row): PublishedCrl {
  return {
    crlNumber: num(r, 'crl_published_number'),
    thisUpdate: str(r, 'crl_this_update'),
    nextUpdate: str(r, 'crl_next_update'),
    der: bytes(r, 'crl_der'),
  };
}

/** The one row of the card authority's state (one authority per database). */
const AUTHORITY_ID = 'jlis';

const READER_CERT_COLS = [
  'serial',
  'institution_code',
  'reader_id',
  'not_before',
  'not_after',
  'revoked_at',
  'revocation_reason',
  'der',
];

export const CERT_COLS = [
  'serial',
  'card_id',
  'kind',
  'not_before',
  'not_after',
  'revoked_at',
  'revocation_reason',
  'der',
];
function certValues(c: Certificate): SqlValue[] {
  return [c.serial, c.cardId, c.kind, c.notBefore, c.notAfter, c.revokedAt, c.revocationReason, c.der];
}

const INSTITUTION_COLS = [
  'institution_code',
  'name',
  'kind',
  'prefecture',
  'address',
  'oqs_enabled',
  'reader_status',
  'consent_items_enabled',
  'smartphone_reader',
];
function institutionValues(i: Institution): SqlValue[] {
  return [
    i.institutionCode,
    i.name,
    i.kind,
    i.prefecture,
    i.address,
    i.oqsEnabled,
    i.readerStatus,
    JSON.stringify(i.consentItemsEnabled),
    i.smartphoneReader,
  ];
}

export const CONFIRMATION_COLS = [
  'id',
  'at',
  'confirmed_on',
  'institution_code',
  'person_id',
  'qualification_id',
  'insurer_number',
  'method',
  'authentication',
  'qualification_validity',
  'result_code',
  'reference_number',
];
/**
 * Confirmation rows and their usage statistics, on an executor inside a transaction: the store's own writes and the
 * check journal's move (decision 0168) go through here.
 */
export async function insertConfirmations(ex: SqlExecutor, cs: readonly Confirmation[]): Promise<void> {
  await ex.insertMany('confirmations', CONFIRMATION_COLS, cs.map(confirmationValues));
  await usageStats.addConfirmationUsage(ex, cs);
}

export function confirmationValues(c: Confirmation): SqlValue[] {
  return [
    c.id,
    c.at,
    c.confirmedOn,
    c.institutionCode,
    c.personId,
    c.qualificationId,
    c.insurerNumber,
    c.method,
    c.authentication,
    c.qualificationValidity,
    c.resultCode,
    c.referenceNumber,
  ];
}

const RECORD_COLS = ['id', 'person_id', 'kind', 'date', 'institution_code', 'claim_id', 'code', 'name', 'detail'];
function recordValues(r: ClinicalRecord): SqlValue[] {
  return [r.id, r.personId, r.kind, r.date, r.institutionCode, r.claimId, r.code, r.name, JSON.stringify(r.detail)];
}

const CLAIM_COLS = [
  'id',
  'person_id',
  'insurer_number',
  'qualification_id',
  'institution_code',
  'institution_kind',
  'kind',
  'month',
  'days',
  'points',
  'total_cost',
  'insurer_paid',
  'public_paid',
  'copay_amount',
];
function claimValues(c: Claim): SqlValue[] {
  return [
    c.id,
    c.personId,
    c.insurerNumber,
    c.qualificationId,
    c.institutionCode,
    c.institutionKind,
    c.kind,
    c.month,
    c.days,
    c.points,
    c.totalCost,
    c.insurerPaid,
    c.publicPaid,
    c.copayAmount,
  ];
}

const PERSON_PATCH_COLUMNS: readonly (readonly [keyof Omit<Person, 'id'>, string])[] = [
  ['nameKanji', 'name_kanji'],
  ['nameKana', 'name_kana'],
  ['birthDate', 'birth_date'],
  ['sex', 'sex'],
  ['address', 'address'],
  ['postalCode', 'postal_code'],
  ['prefecture', 'prefecture'],
];

/** `rows` when every row has one value per column; a RangeError otherwise (a shifted row must never land). */
function ofWidth(
  rows: readonly (readonly BulkValue[])[],
  columns: readonly string[],
): readonly (readonly BulkValue[])[] {
  for (const row of rows) {
    if (row.length !== columns.length) {
      throw new RangeError(`a bulk row has ${String(row.length)} values for ${String(columns.length)} columns`);
    }
  }
  return rows;
}

/** The member keys of a 記号・番号 with no 枝番 and with each 枝番 00–99. */
function anyBranchKeys(k: { insurerNumber: string; symbol: string | null; number: string }): string[] {
  const none = memberKey({ ...k, branch: null });
  return [none, ...Array.from({ length: 100 }, (_, i) => `${none}${String(i).padStart(2, '0')}`)];
}

/** Values per `IN (…)` list of a batched lookup (a power of two; both drivers take far more parameters). */
const IN_LIST_MAX = 512;

/** The person-centred tables a bulk load fills (`bulkLoad`, decision 0126). */
const BULK_TABLES = [
  'persons',
  'individual_number_links',
  'qualifications',
  'qualification_attributes',
  'cards',
  'insurance_use_registrations',
  'dv_flags',
  'documents',
];

export const AUDIT_COLS = [
  'seq',
  'at',
  'actor_kind',
  'actor_id',
  'action',
  'person_id',
  'target',
  'outcome',
  'detail',
  'prev_hash',
  'hash',
];
export function auditValues(a: AuditRow): SqlValue[] {
  return auditValuesWithDetail(a, JSON.stringify(a.detail));
}

/** An audit row's column values with its detail's JSON text as the caller has it (the check journal's own). */
export function auditValuesWithDetail(a: AuditRow, detail: string): SqlValue[] {
  return [a.seq, a.at, a.actorKind, a.actorId, a.action, a.personId, a.target, a.outcome, detail, a.prevHash, a.hash];
}

/** A primary-key/unique violation from either driver (PostgreSQL 23505, SQLite SQLITE_CONSTRAINT_*). */
function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) {
    return false;
  }
  const code = String(error.code);
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** The columns of a joined row that carry `prefix`, without it (a second table's columns in one SELECT). */
function withoutPrefix(r: Row, prefix: string): Row {
  const out: Row = {};
  for (const key in r) {
    if (key.startsWith(prefix)) {
      out[key.slice(prefix.length)] = r[key];
    }
  }
  return out;
}

function withId<T extends { id?: string }>(input: T): T & { id: string } {
  return { ...input, id: input.id ?? randomUUID() };
}

// ---------------------------------------------------------------------------------------------------------------
// The store

/** How long a reader waits for the check journal's move before it reads what the tables hold (ms; decision 0168). */
const SETTLE_WAIT_MS = 1_000;
/**
 * How soon rows of the read models built on a miss are stored when no write transaction comes first (ms). On a
 * SQLite file the checks go to the check journal, so the app's connection may not write for a long time.
 */
const READ_MODEL_REFRESH_MS = 200;

/** Options for `sqlStore`. */
export interface SqlStoreOptions {
  individualNumberKey: Buffer | string;
  /** A SQLite file's check journal (decision 0168); closed with the store. */
  checkJournal?: CheckJournalPort & { close(): Promise<void> };
  /** A SQLite file's read-model reader thread (decision 0173); closed with the store. */
  readModelReader?: ReadModelReaderPort;
}

/** Builds the Store over an opened, migrated database. */
export function sqlStore(db: SqlDatabase, options: SqlStoreOptions): Store {
  const current = new AsyncLocalStorage<SqlExecutor>();
  const key = options.individualNumberKey;
  if (key.length < 16) {
    throw new Error('individualNumberKey must be at least 16 bytes (decision 0042)');
  }

  /** The executor of the transaction we are in, or the database. */
  function ex(): SqlExecutor {
    return current.getStore() ?? db;
  }

  /** Transactions of this store running now. */
  let running = 0;

  /**
   * Outside a transaction, waits until the check journal's checks are in the tables, so a reader of confirmations,
   * usage statistics or the audit log sees every check recorded before it asked (decision 0168). Inside one it
   * cannot wait (the move needs the write lock the transaction may hold); appendInTx chains after the moved tail.
   */
  async function settled(): Promise<void> {
    if (options.checkJournal === undefined || current.getStore() !== undefined) {
      return;
    }
    // The move needs the write lock: behind a long write elsewhere (a bulk import) the reader does not wait for it,
    // and reads what the tables hold — the journal keeps the rest, and the next move brings it in.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      options.checkJournal.settle().catch(() => undefined),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, SETTLE_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
  }

  /**
   * Runs `fn` with `tx` as the current transaction. Node 20 tracks every promise of the process while an
   * AsyncLocalStorage is enabled (a promise hook per promise, about a tenth of a confirmation's CPU), so the storage
   * is switched off whenever no transaction runs: statements outside a transaction pay nothing (decision 0148).
   */
  async function within<T>(tx: SqlExecutor, fn: () => Promise<T>): Promise<T> {
    running += 1;
    try {
      return await current.run(tx, fn);
    } finally {
      running -= 1;
      if (running === 0) {
        current.disable();
      }
    }
  }

  /** Runs `fn` in the current transaction, or in a new one (which also brings waiting read-model rows up to date). */
  function atomic<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const open = current.getStore();
    if (open !== undefined) {
      return fn(open);
    }
    return db.transaction((tx) =>
      within(tx, async () => {
        const result = await fn(tx);
        await refreshReadModels(tx);
        return result;
      }),
    );
  }

  // The read models (SQLite, decisions 0166 and 0171): member keys and card serials read from the tables wait here
  // for the next write transaction, which stores their rows as of everything committed before it; if none comes
  // soon, one is started for them.
  const waitingMembers = new Set<string>();
  const waitingCards = new Set<string>();
  const WAITING_MAX = 4096;
  let payloadSql: string | undefined;
  let refreshSql: { sql: string; params: number }[] | undefined;
  let refreshCardStatements: string[] | undefined;
  let refreshTimer: NodeJS.Timeout | undefined;
  let closed = false;

  /** Queues a member key or card serial whose row a read built, and makes sure a transaction stores it soon. */
  function awaitRefresh(waiting: Set<string>, key: string): void {
    if (waiting.size >= WAITING_MAX) {
      return;
    }
    waiting.add(key);
    if (refreshTimer === undefined && !closed) {
      refreshTimer = setTimeout(() => {
        refreshTimer = undefined;
        if (!closed && (waitingMembers.size > 0 || waitingCards.size > 0)) {
          // An optimisation only: a failure leaves the rows to be built on the next use.
          atomic(() => Promise.resolve()).catch(() => undefined);
        }
      }, READ_MODEL_REFRESH_MS);
      refreshTimer.unref();
    }
  }

  async function refreshReadModels(tx: SqlExecutor): Promise<void> {
    let done = 0;
    for (const key of waitingMembers) {
      if (done >= REFRESH_PER_TRANSACTION) {
        break;
      }
      waitingMembers.delete(key);
      done += 1;
      refreshSql ??= refreshMemberSql();
      for (const statement of refreshSql) {
        await tx.run(statement.sql, new Array<string>(statement.params).fill(key));
      }
    }
    for (const serial of waitingCards) {
      if (done >= REFRESH_PER_TRANSACTION) {
        break;
      }
      waitingCards.delete(serial);
      done += 1;
      refreshCardStatements ??= refreshCardSql();
      for (const sql of refreshCardStatements) {
        await tx.run(sql, [serial]);
      }
    }
  }

  /** One step of a read model's walk at start, in one transaction (SQLite; elsewhere nothing to build). */
  async function fillReadModel(
    range: FillRange,
    afterKey: string | null,
    limit: number,
  ): Promise<{ lastKey: string | null; filled: number }> {
    if (db.dialect !== 'sqlite') {
      return { lastKey: null, filled: 0 };
    }
    return atomic(async (tx) => {
      const after = afterKey ?? '';
      const next = await tx.get(range.next, [after, Math.max(1, limit)]);
      const lastKey = next === undefined ? null : optStr(next, 'last_key');
      if (lastKey === null) {
        return { lastKey: null, filled: 0 };
      }
      const filled = await tx.run(range.rows, [after, lastKey]);
      for (const list of range.lists) {
        await tx.run(list.sql, new Array<string[]>(list.ranges).fill([after, lastKey]).flat());
      }
      return { lastKey, filled };
    });
  }

  /** A member key's records, newest acquisition first (as MEMBERS_SELECT orders them). */
  async function one<T>(sql: string, params: readonly SqlValue[], map: (r: Row) => T): Promise<T | null> {
    const row = await ex().get(sql, params);
    return row === undefined ? null : map(row);
  }

  async function many<T>(sql: string, params: readonly SqlValue[], map: (r: Row) => T): Promise<T[]> {
    return (await ex().all(sql, params)).map(map);
  }

  /**
   * `select` rows whose `column` is one of `values` (duplicates ignored): one statement per 512 values, the list padded
   * to a power of two with its last value so only a few statement shapes are ever prepared (decision 0135).
   */
  async function manyIn<T>(
    select: string,
    column: string,
    values: readonly string[],
    map: (r: Row) => T,
  ): Promise<T[]> {
    const unique = [...new Set(values)];
    const out: T[] = [];
    for (let start = 0; start < unique.length; start += IN_LIST_MAX) {
      const part = unique.slice(start, start + IN_LIST_MAX);
      let size = 1;
      while (size < part.length) {
        size *= 2;
      }
      const last = part[part.length - 1] ?? '';
      while (part.length < size) {
        part.push(last);
      }
      const rows = await ex().all(
        `${select} WHERE ${column} IN (${new Array<string>(size).fill('?').join(', ')})`,
        part,
      );
      for (const r of rows) {
        out.push(map(r));
      }
    }
    return out;
  }

  // One KeyObject for every hash: createHmac would otherwise import the raw key again per call (bulk imports hash
  // a million numbers).
  const hmacKey = createSecretKey(typeof key === 'string' ? Buffer.from(key, 'utf8') : key);
  function hash(individualNumber: string): string {
    return createHmac('sha256', hmacKey).update(individualNumber, 'utf8').digest('hex');
  }

  function linkRow(l: { personId: string; individualNumber: string; linkedOn: string; linkedBy: string | null }) {
    if (!/^\d{12}$/.test(l.individualNumber)) {
      throw new RangeError('an individual number has 12 digits');
    }
    const link: IndividualNumberLink = {
      personId: l.personId,
      individualNumberHash: hash(l.individualNumber),
      individualNumberLast4: l.individualNumber.slice(8),
      linkedOn: l.linkedOn,
      linkedBy: l.linkedBy,
    };
    return link;
  }
  const LINK_COLS = ['individual_number_hash', 'person_id', 'individual_number_last4', 'linked_on', 'linked_by'];

  /** A bulk link row `[individualNumber, personId, linkedOn, linkedBy]` (types.ts `BulkRows`) as a table row. */
  function bulkLinkValues(row: readonly BulkValue[]): SqlValue[] {
    const [individualNumber, personId, linkedOn, linkedBy] = row;
    if (
      row.length !== 4 ||
      typeof individualNumber !== 'string' ||
      typeof personId !== 'string' ||
      typeof linkedOn !== 'string' ||
      (typeof linkedBy !== 'string' && linkedBy !== null)
    ) {
      throw new RangeError('a bulk link row is [individualNumber, personId, linkedOn, linkedBy]');
    }
    return linkValues(linkRow({ individualNumber, personId, linkedOn, linkedBy: linkedBy ?? null }));
  }
  function linkValues(l: IndividualNumberLink): SqlValue[] {
    return [l.individualNumberHash, l.personId, l.individualNumberLast4, l.linkedOn, l.linkedBy];
  }

  // A qualification's latest document from documents_person alone (decision 0163); the PostgreSQL member records too.
  const LATEST_DOCUMENT_SELECT =
    'SELECT id, person_id, qualification_id, insurer_number, kind, issued_on, valid_from, valid_to, on_request ' +
    'FROM documents WHERE person_id = ? AND qualification_id = ? ORDER BY issued_on DESC, id LIMIT 1';
  const Q_SELECT = `SELECT ${QUALIFICATION_COLS.join(', ')} FROM qualifications`;
  const MEMBERS_FROM =
    `SELECT ${QUALIFICATION_COLS.map((c) => `q.${c}`).join(', ')}, ` +
    `${PERSON_COLS.map((c) => `p.${c} AS p_${c}`).join(', ')} ` +
    'FROM qualifications q JOIN persons p ON p.id = q.person_id ';
  const MEMBERS_SELECT = `${MEMBERS_FROM}WHERE q.member_key = ? ORDER BY q.acquired_on DESC, q.id`;
  // Every key a member under one 記号・番号 can have: no 枝番, or 枝番 00–99 (2 half-width digits, rules.md §1.2).
  const MEMBERS_ANY_BRANCH_SELECT =
    `${MEMBERS_FROM}WHERE q.member_key IN (${Array.from({ length: 101 }, () => '?').join(', ')}) ` +
    'ORDER BY q.acquired_on DESC, q.id';

  // The card check's one query (decision 0146): link → certificate → card, person, registration in force on a date.
  const CARD_PATH_SELECT =
    `SELECT ${CERT_COLS.filter((c) => c !== 'der')
      .map((c) => `c.${c}`)
      .join(', ')}, l.person_id AS link_person_id, ` +
    `${CARD_COLS.map((c) => `k.${c} AS k_${c}`).join(', ')}, ` +
    `${PERSON_COLS.map((c) => `p.${c} AS p_${c}`).join(', ')}, ` +
    `${REGISTRATION_COLS.map((c) => `r.${c} AS r_${c}`).join(', ')} ` +
    'FROM certificate_links l JOIN certificates c ON c.serial = l.serial ' +
    'LEFT JOIN cards k ON k.id = c.card_id LEFT JOIN persons p ON p.id = l.person_id ' +
    'LEFT JOIN insurance_use_registrations r ON r.id = (SELECT x.id FROM insurance_use_registrations x ' +
    'WHERE x.person_id = l.person_id AND x.registered_on <= ? AND (x.unregistered_on IS NULL OR x.unregistered_on > ?) ' +
    'ORDER BY x.registered_on DESC LIMIT 1)';

  /** A read model's stored row on this store's connection (SQLite); null when there is none. */
  async function readModelRow(name: 'member' | 'card', key: string): Promise<string | null> {
    const stored = await ex().get(name === 'member' ? MEMBER_SNAPSHOT_SQL : CARD_SNAPSHOT_SQL, [key]);
    return stored === undefined ? null : str(stored, 'payload');
  }

  /**
   * A member key's row, `threaded`: outside a transaction from the reader thread when it runs (decision 0173: the
   * confirmation by number, bound by the event loop), otherwise — or when the thread cannot answer — as
   * `readModelRow`.
   */
  async function memberRow(key: string, threaded: boolean): Promise<string | null> {
    const viaThread = threaded && current.getStore() === undefined ? options.readModelReader?.read(key) : undefined;
    const payload = viaThread === undefined ? undefined : await viaThread;
    return payload !== undefined ? payload : readModelRow('member', key);
  }

  /**
   * A stored member key's records (`memberRecordsByKey`): the read model on SQLite (on the reader thread when
   * `threaded`), the tables elsewhere.
   */
  async function memberRecordsOfKey(key: string, threaded: boolean): Promise<MemberRecord[]> {
    if (db.dialect === 'sqlite') {
      const read = await memberRow(key, threaded);
      if (read !== null) {
        return decodeMemberPayload(read);
      }
      payloadSql ??= memberPayloadSql();
      const built = await ex().get(payloadSql, [key]);
      const records = built === undefined ? [] : decodeMemberPayload(str(built, 'payload'));
      if (records.length > 0) {
        awaitRefresh(waitingMembers, key);
      }
      return records;
    }
    const members = (await ex().all(MEMBERS_SELECT, [key])).map((r) => ({
      qualification: toQualification(r),
      person: toPerson(withoutPrefix(r, 'p_')),
    }));
    return Promise.all(
      members.map(async ({ qualification, person }) => ({
        qualification,
        person,
        attributes: await many(
          'SELECT * FROM qualification_attributes WHERE qualification_id = ? AND superseded_at IS NULL',
          [qualification.id],
          toAttribute,
        ),
        latestDocument: await one(LATEST_DOCUMENT_SELECT, [person.id, qualification.id], toDocumentValidity),
        dvFlags: await many('SELECT * FROM dv_flags WHERE person_id = ?', [person.id], toDvFlag),
        insuredName:
          qualification.insuredQualificationId === null
            ? null
            : await one(
                'SELECT p.name_kanji FROM qualifications q JOIN persons p ON p.id = q.person_id WHERE q.id = ?',
                [qualification.insuredQualificationId],
                (r) => str(r, 'name_kanji'),
              ),
        referenceNumbers: await many('SELECT * FROM reference_numbers WHERE person_id = ?', [person.id], toReference),
      })),
    );
  }

  const repositories: StoreRepositories = {
    persons: {
      async insert(input) {
        const p = withId(input);
        await ex().run(
          `INSERT INTO persons (${PERSON_COLS.join(', ')}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          personValues(p),
        );
        return p;
      },
      insertMany: (persons) => ex().insertMany('persons', PERSON_COLS, persons.map(personValues)),
      get: (id) => one('SELECT * FROM persons WHERE id = ?', [id], toPerson),
      getMany: (ids) => manyIn('SELECT * FROM persons', 'id', ids, toPerson),
      async update(id, patch) {
        const sets: string[] = [];
        const values: SqlValue[] = [];
        for (const [field, column] of PERSON_PATCH_COLUMNS) {
          const v = patch[field];
          if (v !== undefined) {
            sets.push(`${column} = ?`);
            values.push(v);
          }
        }
        if (sets.length > 0) {
          await ex().run(`UPDATE persons SET ${sets.join(', ')} WHERE id = ?`, [...values, id]);
        }
        return one('SELECT * FROM persons WHERE id = ?', [id], toPerson);
      },
      async count() {
        const row = await ex().get('SELECT COUNT(*) AS n FROM persons');
        return row === undefined ? 0 : num(row, 'n');
      },
      findByBirthDate: (birthDate, limit) =>
        many('SELECT * FROM persons WHERE birth_date = ? ORDER BY id LIMIT ?', [birthDate, limit], toPerson),
      list: (page) =>
        many('SELECT * FROM persons WHERE id > ? ORDER BY id LIMIT ?', [page.afterId ?? '', page.limit], toPerson),
    },

    individualNumbers: {
      hash,
      async link(input) {
        const link = linkRow(input);
        const changed = await ex().run(
          `INSERT INTO individual_number_links (${LINK_COLS.join(', ')}) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
          linkValues(link),
        );
        if (changed === 0) {
          throw new StoreConflictError('individual number or person already linked', 'individual_number_links');
        }
        return link;
      },
      insertMany: (links) => ex().insertMany('individual_number_links', LINK_COLS, links.map(linkRow).map(linkValues)),
      findByNumber: (n) =>
        /^\d{12}$/.test(n)
          ? one('SELECT * FROM individual_number_links WHERE individual_number_hash = ?', [hash(n)], toLink)
          : Promise.resolve(null),
      findByPerson: (personId) => one('SELECT * FROM individual_number_links WHERE person_id = ?', [personId], toLink),
      findByHashes: (hashes) =>
        manyIn('SELECT * FROM individual_number_links', 'individual_number_hash', hashes, toLink),
      insertLinks: (links) => ex().insertMany('individual_number_links', LINK_COLS, links.map(linkValues)),
      async unlink(personId) {
        return (await ex().run('DELETE FROM individual_number_links WHERE person_id = ?', [personId])) > 0;
      },
    },

    insurers: {
      async upsert(i) {
        await ex().run(
          'INSERT INTO insurers (insurer_number, name, scheme, prefecture, branch) VALUES (?, ?, ?, ?, ?) ' +
            'ON CONFLICT (insurer_number) DO UPDATE SET name = excluded.name, scheme = excluded.scheme, ' +
            'prefecture = excluded.prefecture, branch = excluded.branch',
          [i.insurerNumber, i.name, i.scheme, i.prefecture, i.branch],
        );
        return i;
      },
      insertMany: (insurers) =>
        ex().insertMany(
          'insurers',
          ['insurer_number', 'name', 'scheme', 'prefecture', 'branch'],
          insurers.map((i) => [i.insurerNumber, i.name, i.scheme, i.prefecture, i.branch]),
        ),
      get: (n) => one('SELECT * FROM insurers WHERE insurer_number = ?', [n], toInsurer),
      list: () => many('SELECT * FROM insurers ORDER BY insurer_number', [], toInsurer),
    },

    credentials: {
      async put(c) {
        await ex().run(
          'INSERT INTO credentials (id, subject_kind, subject_id, secret_hash, label, created_at, revoked_at) ' +
            'VALUES (?, ?, ?, ?, ?, ?, NULL) ON CONFLICT (id) DO UPDATE SET subject_kind = excluded.subject_kind, ' +
            'subject_id = excluded.subject_id, secret_hash = excluded.secret_hash, label = excluded.label, ' +
            'created_at = excluded.created_at, revoked_at = NULL',
          [c.id, c.subjectKind, c.subjectId, c.secretHash, c.label, c.createdAt],
        );
        return { ...c, revokedAt: null };
      },
      get: (id) => one('SELECT * FROM credentials WHERE id = ?', [id], toCredential),
      listBySubject: (kind, id) =>
        many(
          'SELECT * FROM credentials WHERE subject_kind = ? AND subject_id = ? ORDER BY id',
          [kind, id],
          toCredential,
        ),
      async revoke(id, at) {
        return (
          (await ex().run('UPDATE credentials SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [at, id])) > 0
        );
      },
    },

    qualifications: {
      async insert(input) {
        const q: Qualification = { ...withId(input), memberKey: memberKey(input) };
        await ex().run(
          `INSERT INTO qualifications (${QUALIFICATION_COLS.join(', ')}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          qualificationValues(q),
        );
        return q;
      },
      insertMany: (qs) =>
        ex().insertMany(
          'qualifications',
          QUALIFICATION_COLS,
          qs.map((q) => qualificationValues({ ...q, memberKey: memberKey(q) })),
        ),
      get: (id) => one(`${Q_SELECT} WHERE id = ?`, [id], toQualification),
      async setLoss(id, lostOn, lossReason) {
        await ex().run('UPDATE qualifications SET lost_on = ?, loss_reason = ? WHERE id = ?', [lostOn, lossReason, id]);
        return one(`${Q_SELECT} WHERE id = ?`, [id], toQualification);
      },
      findByMemberKey: (k) =>
        many(`${Q_SELECT} WHERE member_key = ? ORDER BY acquired_on DESC, id`, [memberKey(k)], toQualification),
      async findMembersByKey(k) {
        const rows =
          k.anyBranch === true
            ? await ex().all(MEMBERS_ANY_BRANCH_SELECT, anyBranchKeys(k))
            : await ex().all(MEMBERS_SELECT, [memberKey(k)]);
        return rows.map((r) => ({ qualification: toQualification(r), person: toPerson(withoutPrefix(r, 'p_')) }));
      },
      memberRecordsByKey: (k) => memberRecordsOfKey(memberKey(k), true),
      async memberRecordsOfPerson(personId, memberKeys) {
        const keys =
          memberKeys ??
          (await ex().all('SELECT DISTINCT member_key FROM qualifications WHERE person_id = ?', [personId])).map((r) =>
            str(r, 'member_key'),
          );
        // Every key at once. A card check reads these on its own connection: the reader thread measured slower for
        // card checks, which wait on the verifier and the journal more than on the event loop (decision 0173).
        const perKey = await Promise.all(keys.map((key) => memberRecordsOfKey(key, false)));
        const records = perKey.flat().filter((record) => record.person.id === personId);
        // Newest acquisition first, then by id: the order of currentForPerson and findByPerson.
        return records.sort((a, b) =>
          a.qualification.acquiredOn === b.qualification.acquiredOn
            ? compareText(a.qualification.id, b.qualification.id)
            : compareText(b.qualification.acquiredOn, a.qualification.acquiredOn),
        );
      },
      fillMemberReadModel: (afterKey, limit) => fillReadModel(memberFillRange(), afterKey, limit),
      findByPerson: (personId) =>
        many(`${Q_SELECT} WHERE person_id = ? ORDER BY acquired_on DESC, id`, [personId], toQualification),
      findByPersonRange: (range) =>
        many(
          `${Q_SELECT} WHERE person_id > ? AND person_id <= ? ORDER BY person_id, acquired_on DESC, id`,
          [range.afterId ?? '', range.throughId],
          toQualification,
        ),
      currentForPerson: (personId, date) =>
        many(
          `${Q_SELECT} WHERE person_id = ? AND acquired_on <= ? AND (lost_on IS NULL OR lost_on > ?) ` +
            'ORDER BY acquired_on DESC, id',
          [personId, date, date],
          toQualification,
        ),
      findByMemberKeys: (keys) => manyIn(Q_SELECT, 'member_key', keys, toQualification),
      findByPersons: (personIds) => manyIn(Q_SELECT, 'person_id', personIds, toQualification),
      linkInsured: (links) =>
        atomic(async (tx) => {
          for (const l of links) {
            await tx.run('UPDATE qualifications SET insured_qualification_id = ? WHERE id = ?', [
              l.insuredQualificationId,
              l.id,
            ]);
          }
        }),
      dependantsOf: (insuredQualificationId) =>
        many(`${Q_SELECT} WHERE insured_qualification_id = ? ORDER BY id`, [insuredQualificationId], toQualification),
      listByInsurer: (insurerNumber, page) =>
        many(
          `${Q_SELECT} WHERE insurer_number = ? AND id > ? ORDER BY id LIMIT ?`,
          [insurerNumber, page.afterId ?? '', page.limit],
          toQualification,
        ),
      search(query) {
        const likePrefix = (text: string): string => `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        const where = ['q.insurer_number = ?'];
        const params: SqlValue[] = [query.insurerNumber];
        if (query.number !== undefined) {
          const key = memberKey({
            insurerNumber: query.insurerNumber,
            symbol: query.symbol ?? null,
            number: query.number,
            branch: null,
          });
          where.push(`q.member_key LIKE ? ESCAPE '\\'`);
          params.push(likePrefix(key));
        }
        if (query.nameKanaPrefix !== undefined) {
          where.push(`REPLACE(REPLACE(p.name_kana, ' ', ''), '\u3000', '') LIKE ? ESCAPE '\\'`);
          params.push(likePrefix(query.nameKanaPrefix.replace(/[ \u3000]/g, '')));
        }
        if (query.birthDate !== undefined) {
          where.push('p.birth_date = ?');
          params.push(query.birthDate);
        }
        const columns = QUALIFICATION_COLS.map((c) => `q.${c}`).join(', ');
        return many(
          `SELECT ${columns} FROM qualifications q JOIN persons p ON p.id = q.person_id ` +
            `WHERE ${where.join(' AND ')} ORDER BY p.name_kana, q.id LIMIT ?`,
          [...params, query.limit],
          toQualification,
        );
      },
      async countByInsurer(insurerNumber, asOf) {
        const row = await ex().get(
          'SELECT COUNT(*) AS n FROM qualifications WHERE insurer_number = ? AND acquired_on <= ? ' +
            'AND (lost_on IS NULL OR lost_on > ?)',
          [insurerNumber, asOf, asOf],
        );
        return row === undefined ? 0 : num(row, 'n');
      },
      setAttribute(input) {
        return atomic(async (tx) => {
          const q = await tx.get('SELECT person_id FROM qualifications WHERE id = ?', [input.qualificationId]);
          if (q === undefined) {
            throw new StoreNotFoundError('unknown qualification', 'qualification');
          }
          const personId = str(q, 'person_id');
          const slot = attributeSlot(input);
          // Rows starting on or after the new one are replaced outright.
          await tx.run(
            'UPDATE qualification_attributes SET superseded_at = ? WHERE qualification_id = ? AND slot = ? ' +
              'AND superseded_at IS NULL AND valid_from >= ?',
            [input.recordedAt, input.qualificationId, slot, input.validFrom],
          );
          // Earlier rows still open on the new start are superseded by a copy that ends the day before.
          const overlapping = (
            await tx.all(
              'SELECT * FROM qualification_attributes WHERE qualification_id = ? AND slot = ? ' +
                'AND superseded_at IS NULL AND valid_from < ? AND (valid_to IS NULL OR valid_to >= ?)',
              [input.qualificationId, slot, input.validFrom, input.validFrom],
            )
          ).map(toAttribute);
          const dayBefore = addDays(input.validFrom, -1);
          for (const old of overlapping) {
            await tx.run('UPDATE qualification_attributes SET superseded_at = ? WHERE id = ?', [
              input.recordedAt,
              old.id,
            ]);
            const truncated: QualificationAttribute = {
              ...old,
              id: randomUUID(),
              validTo: dayBefore,
              recordedAt: input.recordedAt,
            };
            await tx.insertMany('qualification_attributes', ATTRIBUTE_COLS, [attributeValues(truncated)]);
          }
          const created: QualificationAttribute = {
            ...input,
            id: input.id ?? randomUUID(),
            personId,
            validTo: input.validTo ?? null,
            supersededAt: null,
          };
          await tx.insertMany('qualification_attributes', ATTRIBUTE_COLS, [attributeValues(created)]);
          return created;
        });
      },
      insertAttributes: (attributes) =>
        ex().insertMany('qualification_attributes', ATTRIBUTE_COLS, attributes.map(attributeValues)),
      async endAttribute(id, validTo) {
        return (
          (await ex().run('UPDATE qualification_attributes SET valid_to = ? WHERE id = ? AND superseded_at IS NULL', [
            validTo,
            id,
          ])) > 0
        );
      },
      async attributesAsOf(qualificationId, date) {
        const rows = await many(
          'SELECT * FROM qualification_attributes WHERE qualification_id = ? AND superseded_at IS NULL ' +
            'AND valid_from <= ? AND (valid_to IS NULL OR valid_to >= ?)',
          [qualificationId, date, date],
          toAttribute,
        );
        return attributesInForce(rows, date);
      },
      attributeHistory: (qualificationId) =>
        many(
          'SELECT * FROM qualification_attributes WHERE qualification_id = ? ORDER BY recorded_at, valid_from, id',
          [qualificationId],
          toAttribute,
        ),
    },

    documents: {
      async insert(input) {
        const d = withId(input);
        await ex().insertMany('documents', DOCUMENT_COLS, [documentValues(d)]);
        return d;
      },
      insertMany: (docs) => ex().insertMany('documents', DOCUMENT_COLS, docs.map(documentValues)),
      get: (id) => one('SELECT * FROM documents WHERE id = ?', [id], toDocument),
      listByPerson: (personId) =>
        many('SELECT * FROM documents WHERE person_id = ? ORDER BY issued_on, id', [personId], toDocument),
      latestForQualification: (personId, qualificationId) =>
        one(LATEST_DOCUMENT_SELECT, [personId, qualificationId], toDocumentValidity),
      listByInsurer: (insurerNumber, fromOn, toOn, page) =>
        many(
          'SELECT * FROM documents WHERE insurer_number = ? AND issued_on >= ? AND issued_on <= ? AND id > ? ' +
            'ORDER BY id LIMIT ?',
          [insurerNumber, fromOn, toOn, page.afterId ?? '', page.limit],
          toDocument,
        ),
    },

    dvFlags: {
      async set(input) {
        const f: DvFlagRecord = { ...withId(input), clearedOn: null };
        await ex().insertMany('dv_flags', DV_COLS, [dvValues(f)]);
        return f;
      },
      insertMany: (flags) => ex().insertMany('dv_flags', DV_COLS, flags.map(dvValues)),
      async clear(personId, flag, clearedOn) {
        return (
          (await ex().run(
            'UPDATE dv_flags SET cleared_on = ? WHERE person_id = ? AND flag = ? AND cleared_on IS NULL',
            [clearedOn, personId, flag],
          )) > 0
        );
      },
      listByPerson: (personId) =>
        many('SELECT * FROM dv_flags WHERE person_id = ? ORDER BY set_on, id', [personId], toDvFlag),
      listByPersonRange: (range) =>
        many(
          'SELECT * FROM dv_flags WHERE person_id > ? AND person_id <= ? ORDER BY person_id, set_on, id',
          [range.afterId ?? '', range.throughId],
          toDvFlag,
        ),
      async activeOn(personId, date) {
        const flags = await many(
          'SELECT * FROM dv_flags WHERE person_id = ? AND set_on <= ? AND (cleared_on IS NULL OR cleared_on > ?)',
          [personId, date, date],
          toDvFlag,
        );
        return dvFlagsInForce(flags, date);
      },
    },

    cards: {
      async insert(input) {
        const c = withId(input);
        await ex().insertMany('cards', CARD_COLS, [cardValues(c)]);
        return c;
      },
      insertMany: (cards) => ex().insertMany('cards', CARD_COLS, cards.map(cardValues)),
      get: (id) => one('SELECT * FROM cards WHERE id = ?', [id], toCard),
      listByPerson: (personId) =>
        many('SELECT * FROM cards WHERE person_id = ? ORDER BY issued_on, id', [personId], toCard),
      listByPersonRange: (range) =>
        many(
          'SELECT * FROM cards WHERE person_id > ? AND person_id <= ? ORDER BY person_id, issued_on, id',
          [range.afterId ?? '', range.throughId],
          toCard,
        ),
      async setStatus(id, status, on) {
        await ex().run('UPDATE cards SET status = ?, status_changed_on = ? WHERE id = ?', [status, on, id]);
        return one('SELECT * FROM cards WHERE id = ?', [id], toCard);
      },
      async register(input) {
        const r: InsuranceUseRegistration = { ...withId(input), unregisteredOn: null };
        await ex().insertMany('insurance_use_registrations', REGISTRATION_COLS, [registrationValues(r)]);
        return r;
      },
      insertRegistrations: (rs) =>
        ex().insertMany('insurance_use_registrations', REGISTRATION_COLS, rs.map(registrationValues)),
      async unregister(personId, on) {
        return (
          (await ex().run(
            'UPDATE insurance_use_registrations SET unregistered_on = ? WHERE person_id = ? AND unregistered_on IS NULL',
            [on, personId],
          )) > 0
        );
      },
      registrations: (personId) =>
        many(
          'SELECT * FROM insurance_use_registrations WHERE person_id = ? ORDER BY registered_on, id',
          [personId],
          toRegistration,
        ),
      registrationsByPersonRange: (range) =>
        many(
          'SELECT * FROM insurance_use_registrations WHERE person_id > ? AND person_id <= ? ' +
            'ORDER BY person_id, registered_on, id',
          [range.afterId ?? '', range.throughId],
          toRegistration,
        ),
      registrationOn: (personId, date) =>
        one(
          'SELECT * FROM insurance_use_registrations WHERE person_id = ? AND registered_on <= ? ' +
            'AND (unregistered_on IS NULL OR unregistered_on > ?) ORDER BY registered_on DESC LIMIT 1',
          [personId, date, date],
          toRegistration,
        ),
      listExpiring: (fromOn, toOn, page) =>
        many(
          'SELECT * FROM cards WHERE expires_on >= ? AND expires_on <= ? AND id > ? ORDER BY id LIMIT ?',
          [fromOn, toOn, page.afterId ?? '', page.limit],
          toCard,
        ),
    },

    certificates: {
      insert(cert, personId, linkedAt) {
        return atomic(async (tx) => {
          await tx.insertMany('certificates', CERT_COLS, [certValues(cert)]);
          await tx.run('INSERT INTO certificate_links (serial, person_id, linked_at) VALUES (?, ?, ?)', [
            cert.serial,
            personId,
            linkedAt,
          ]);
          return cert;
        });
      },
      insertMany(certs) {
        return atomic(async (tx) => {
          await tx.insertMany(
            'certificates',
            CERT_COLS,
            certs.map((c) => certValues(c.certificate)),
          );
          await tx.insertMany(
            'certificate_links',
            ['serial', 'person_id', 'linked_at'],
            certs.map((c) => [c.certificate.serial, c.personId, c.linkedAt]),
          );
        });
      },
      get: (serial) => one('SELECT * FROM certificates WHERE serial = ?', [serial], toCertificate),
      async personIdBySerial(serial) {
        const row = await ex().get('SELECT person_id FROM certificate_links WHERE serial = ?', [serial]);
        return row === undefined ? null : str(row, 'person_id');
      },
      async cardPathBySerial(serials, date) {
        if (serials.length === 0) {
          return null;
        }
        const [first] = serials;
        if (db.dialect === 'sqlite' && first !== undefined) {
          // The card read model first (decision 0171). Only the first form can answer alone: a later form's row
          // must not win over an earlier form that is linked but has no row yet, so anything else reads the tables.
          const read = await readModelRow('card', first);
          if (read !== null) {
            return decodeCardPayload(read, date);
          }
        }
        const rows = await ex().all(`${CARD_PATH_SELECT} WHERE l.serial IN (${serials.map(() => '?').join(', ')})`, [
          date,
          date,
          ...serials,
        ]);
        for (const serial of serials) {
          const r = rows.find((x) => x['serial'] === serial);
          if (r !== undefined) {
            const card = withoutPrefix(r, 'k_');
            const person = withoutPrefix(r, 'p_');
            const registration = withoutPrefix(r, 'r_');
            const path: CardPath = {
              certificate: toCertificateStatus(r),
              personId: str(r, 'link_person_id'),
              card: card['id'] === null || card['id'] === undefined ? null : toCard(card),
              person: person['id'] === null || person['id'] === undefined ? null : toPerson(person),
              registration:
                registration['id'] === null || registration['id'] === undefined ? null : toRegistration(registration),
            };
            if (db.dialect === 'sqlite') {
              awaitRefresh(waitingCards, serial);
            }
            return path;
          }
        }
        return null;
      },
      fillCardReadModel: (afterSerial, limit) => fillReadModel(cardFillRange(), afterSerial, limit),
      listByCard: (cardId) =>
        many('SELECT * FROM certificates WHERE card_id = ? ORDER BY not_before, serial', [cardId], toCertificate),
      async revoke(serial, at, reason) {
        return (
          (await ex().run(
            'UPDATE certificates SET revoked_at = ?, revocation_reason = ? WHERE serial = ? AND revoked_at IS NULL',
            [at, reason, serial],
          )) > 0
        );
      },
      async releaseHold(serial) {
        return (
          (await ex().run(
            'UPDATE certificates SET revoked_at = NULL, revocation_reason = NULL ' +
              "WHERE serial = ? AND revocation_reason = 'certificateHold'",
            [serial],
          )) > 0
        );
      },
      async listExpiring(fromAt, toAt, page) {
        const rows = await ex().all(
          'SELECT c.*, l.person_id FROM certificates c JOIN certificate_links l ON l.serial = c.serial ' +
            'WHERE c.not_after >= ? AND c.not_after < ? AND c.revoked_at IS NULL AND c.serial > ? ' +
            'ORDER BY c.serial LIMIT ?',
          [fromAt, toAt, page.afterId ?? '', page.limit],
        );
        return rows.map((r) => ({ certificate: toCertificate(r), personId: str(r, 'person_id') }));
      },
    },

    authority: {
      getState: () =>
        one(
          'SELECT sealed_state, created_at FROM authority_state WHERE id = ?',
          [AUTHORITY_ID],
          (r): AuthorityStateRecord => ({
            sealedState: str(r, 'sealed_state'),
            createdAt: str(r, 'created_at'),
          }),
        ),
      async initState(record) {
        await ex().run(
          'INSERT INTO authority_state (id, sealed_state, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING',
          [AUTHORITY_ID, record.sealedState, record.createdAt],
        );
        const stored = await ex().get('SELECT sealed_state, created_at FROM authority_state WHERE id = ?', [
          AUTHORITY_ID,
        ]);
        if (stored === undefined) {
          throw new StoreNotFoundError('the authority state vanished', 'authority_state');
        }
        return { sealedState: str(stored, 'sealed_state'), createdAt: str(stored, 'created_at') };
      },
      async nextCrlNumber() {
        return atomic(async (tx) => {
          const changed = await tx.run('UPDATE authority_state SET crl_number = crl_number + 1 WHERE id = ?', [
            AUTHORITY_ID,
          ]);
          if (changed === 0) {
            throw new StoreNotFoundError('the card authority has no state yet', 'authority_state');
          }
          const row = await tx.get('SELECT crl_number FROM authority_state WHERE id = ?', [AUTHORITY_ID]);
          return row === undefined ? 0 : num(row, 'crl_number');
        });
      },
      async publishCrl(crl) {
        return (
          (await ex().run(
            'UPDATE authority_state SET crl_published_number = ?, crl_this_update = ?, crl_next_update = ?, ' +
              'crl_der = ? WHERE id = ? AND crl_published_number < ?',
            [crl.crlNumber, crl.thisUpdate, crl.nextUpdate, crl.der, AUTHORITY_ID, crl.crlNumber],
          )) > 0
        );
      },
      latestCrl: (newerThan = 0) =>
        one(
          'SELECT crl_published_number, crl_this_update, crl_next_update, crl_der FROM authority_state ' +
            'WHERE id = ? AND crl_der IS NOT NULL AND crl_published_number > ?',
          [AUTHORITY_ID, newerThan],
          toPublishedCrl,
        ),
      listRevoked: () =>
        many(
          'SELECT serial, not_after, revoked_at, revocation_reason FROM certificates WHERE revoked_at IS NOT NULL ' +
            'UNION ALL SELECT serial, not_after, revoked_at, revocation_reason FROM reader_certificates ' +
            'WHERE revoked_at IS NOT NULL ORDER BY serial',
          [],
          toRevoked,
        ),
      async insertReaderCertificate(c) {
        await ex().insertMany('reader_certificates', READER_CERT_COLS, [
          [c.serial, c.institutionCode, c.readerId, c.notBefore, c.notAfter, c.revokedAt, c.revocationReason, c.der],
        ]);
        return c;
      },
      getReaderCertificate: (serial) =>
        one('SELECT * FROM reader_certificates WHERE serial = ?', [serial], toReaderCertificate),
      listReaderCertificates: (institutionCode) =>
        many(
          'SELECT * FROM reader_certificates WHERE institution_code = ? ORDER BY reader_id, not_before, serial',
          [institutionCode],
          toReaderCertificate,
        ),
      async revokeReaderCertificate(serial, at, reason) {
        return (
          (await ex().run(
            'UPDATE reader_certificates SET revoked_at = ?, revocation_reason = ? WHERE serial = ? AND revoked_at IS NULL',
            [at, reason, serial],
          )) > 0
        );
      },
    },

    institutions: {
      async upsert(i) {
        const updates = INSTITUTION_COLS.slice(1)
          .map((c) => `${c} = excluded.${c}`)
          .join(', ');
        await ex().insertMany(
          'institutions',
          INSTITUTION_COLS,
          [institutionValues(i)],
          `ON CONFLICT (institution_code) DO UPDATE SET ${updates}`,
        );
        return i;
      },
      insertMany: (is) => ex().insertMany('institutions', INSTITUTION_COLS, is.map(institutionValues)),
      get: (code) => one('SELECT * FROM institutions WHERE institution_code = ?', [code], toInstitution),
      list(filter = {}) {
        const where: string[] = [];
        const values: SqlValue[] = [];
        if (filter.prefecture !== undefined) {
          where.push('prefecture = ?');
          values.push(filter.prefecture);
        }
        if (filter.kind !== undefined) {
          where.push('kind = ?');
          values.push(filter.kind);
        }
        const clause = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
        return many(`SELECT * FROM institutions${clause} ORDER BY institution_code`, values, toInstitution);
      },
      async setReaderStatus(code, status) {
        return (
          (await ex().run('UPDATE institutions SET reader_status = ? WHERE institution_code = ?', [status, code])) > 0
        );
      },
    },

    confirmations: {
      async record(input) {
        const c = withId(input);
        await atomic((tx) => insertConfirmations(tx, [c]));
        return c;
      },
      insertMany: (cs) => atomic((tx) => insertConfirmations(tx, cs)),
      async listByInstitution(code, fromAt, toAt) {
        await settled();
        return many(
          'SELECT * FROM confirmations WHERE institution_code = ? AND at >= ? AND at < ? ORDER BY at, id',
          [code, fromAt, toAt],
          toConfirmation,
        );
      },
    },

    consents: {
      async record(input) {
        const c = withId(input);
        await ex().run(
          'INSERT INTO consents (id, institution_code, person_id, items, consented_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
          [c.id, c.institutionCode, c.personId, JSON.stringify(c.items), c.consentedAt, c.expiresAt],
        );
        return c;
      },
      activeAt: (personId, code, at) =>
        many(
          'SELECT * FROM consents WHERE person_id = ? AND institution_code = ? AND expires_at > ? AND consented_at <= ? ' +
            'ORDER BY consented_at DESC, id',
          [personId, code, at, at],
          toConsent,
        ),
      listByPerson: (personId) =>
        many('SELECT * FROM consents WHERE person_id = ? ORDER BY consented_at, id', [personId], toConsent),
      insertMany: (cs) =>
        ex().insertMany(
          'consents',
          ['id', 'institution_code', 'person_id', 'items', 'consented_at', 'expires_at'],
          cs.map((c) => [c.id, c.institutionCode, c.personId, JSON.stringify(c.items), c.consentedAt, c.expiresAt]),
        ),
    },

    clinicalRecords: {
      async insert(input) {
        const r = withId(input);
        await ex().insertMany('clinical_records', RECORD_COLS, [recordValues(r)]);
        return r;
      },
      insertMany: (rs) => ex().insertMany('clinical_records', RECORD_COLS, rs.map(recordValues)),
      listByPerson: (personId, kind, fromOn, toOn) =>
        many(
          'SELECT * FROM clinical_records WHERE person_id = ? AND kind = ? AND date >= ? AND date <= ? ' +
            'ORDER BY date DESC, id',
          [personId, kind, fromOn, toOn],
          toClinicalRecord,
        ),
    },

    claims: {
      async insert(input) {
        const c = withId(input);
        await atomic(async (tx) => {
          await tx.insertMany('claims', CLAIM_COLS, [claimValues(c)]);
          await usageStats.addClaimUsage(tx, [c]);
        });
        return c;
      },
      insertMany: (cs) =>
        atomic(async (tx) => {
          await tx.insertMany('claims', CLAIM_COLS, cs.map(claimValues));
          await usageStats.addClaimUsage(tx, cs);
        }),
      listByPerson: (personId, fromMonth, toMonth) =>
        many(
          'SELECT * FROM claims WHERE person_id = ? AND month >= ? AND month <= ? ORDER BY month, id',
          [personId, fromMonth, toMonth],
          toClaim,
        ),
      async countOutpatient(month) {
        const row = await ex().get(
          "SELECT COUNT(*) AS claims, COUNT(DISTINCT person_id) AS persons FROM claims WHERE month = ? AND kind = 'outpatient'",
          [month],
        );
        return row === undefined
          ? { claims: 0, persons: 0 }
          : { claims: num(row, 'claims'), persons: num(row, 'persons') };
      },
    },

    audit: {
      async append(a) {
        const changed = await ex().run(
          'INSERT INTO audit_log (seq, at, actor_kind, actor_id, action, person_id, target, outcome, detail, prev_hash, hash) ' +
            'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (seq) DO NOTHING',
          [
            a.seq,
            a.at,
            a.actorKind,
            a.actorId,
            a.action,
            a.personId,
            a.target,
            a.outcome,
            JSON.stringify(a.detail),
            a.prevHash,
            a.hash,
          ],
        );
        if (changed === 0) {
          throw new StoreConflictError(`audit seq ${a.seq} is taken`, 'audit_log');
        }
      },
      async appendMany(rows) {
        try {
          await ex().insertMany('audit_log', AUDIT_COLS, rows.map(auditValues));
        } catch (error) {
          if (isUniqueViolation(error)) {
            const seqs = rows.map((r) => r.seq).join(', ');
            throw new StoreConflictError(`an audit seq of ${seqs} is taken`, 'audit_log');
          }
          throw error;
        }
      },
      async last() {
        await settled();
        return one('SELECT * FROM audit_log ORDER BY seq DESC LIMIT 1', [], toAudit);
      },
      async scan(afterSeq, limit) {
        await settled();
        return many('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?', [afterSeq, limit], toAudit);
      },
      async listByPerson(personId, limit) {
        await settled();
        // A SQLite file keeps this index beside the database, off the group commit (decision 0167); inside a
        // transaction, or elsewhere, the table answers (PostgreSQL has audit_log_person; in memory it is small).
        if (db.auditByPerson !== undefined && current.getStore() === undefined) {
          return (await db.auditByPerson(personId, limit)).map(toAudit);
        }
        return many(
          'SELECT * FROM audit_log WHERE person_id = ? ORDER BY seq DESC LIMIT ?',
          [personId, limit],
          toAudit,
        );
      },
    },

    idempotency: {
      get: (scope, k) => one('SELECT * FROM idempotency_keys WHERE scope = ? AND key = ?', [scope, k], toIdempotency),
      async put(r) {
        return (
          (await ex().run(
            'INSERT INTO idempotency_keys (scope, key, request_hash, response_status, response_body, created_at) ' +
              'VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (scope, key) DO NOTHING',
            [
              r.scope,
              r.key,
              r.requestHash,
              r.responseStatus,
              JSON.stringify(r.responseBody === undefined ? null : r.responseBody),
              r.createdAt,
            ],
          )) > 0
        );
      },
      purgeBefore: (at) => ex().run('DELETE FROM idempotency_keys WHERE created_at < ?', [at]),
    },

    referenceNumbers: {
      async register(r) {
        await ex().run(
          'INSERT INTO reference_numbers (institution_code, reference_number, person_id, qualification_id, registered_at) ' +
            'VALUES (?, ?, ?, ?, ?) ON CONFLICT (institution_code, reference_number) DO UPDATE SET ' +
            'person_id = excluded.person_id, qualification_id = excluded.qualification_id, registered_at = excluded.registered_at',
          [r.institutionCode, r.referenceNumber, r.personId, r.qualificationId, r.registeredAt],
        );
        return r;
      },
      find: (code, ref) =>
        one(
          'SELECT * FROM reference_numbers WHERE institution_code = ? AND reference_number = ?',
          [code, ref],
          toReference,
        ),
      findByPerson: (code, personId) =>
        one(
          'SELECT * FROM reference_numbers WHERE person_id = ? AND institution_code = ? ' +
            'ORDER BY registered_at DESC, reference_number DESC LIMIT 1',
          [personId, code],
          toReference,
        ),
    },

    bulkJobs: {
      async create(j) {
        await ex().run(
          'INSERT INTO bulk_confirmation_jobs (reception_number, institution_code, requested_at, confirmation_date, status, units, completed_at) ' +
            'VALUES (?, ?, ?, ?, ?, ?, ?)',
          [
            j.receptionNumber,
            j.institutionCode,
            j.requestedAt,
            j.confirmationDate,
            j.status,
            JSON.stringify(j.units),
            j.completedAt,
          ],
        );
        return j;
      },
      get: (n) => one('SELECT * FROM bulk_confirmation_jobs WHERE reception_number = ?', [n], toJob),
      async update(n, patch) {
        const sets = ['status = ?'];
        const values: SqlValue[] = [patch.status];
        if (patch.units !== undefined) {
          sets.push('units = ?');
          values.push(JSON.stringify(patch.units));
        }
        if (patch.completedAt !== undefined) {
          sets.push('completed_at = ?');
          values.push(patch.completedAt);
        }
        if (patch.leaseUntil !== undefined) {
          sets.push('lease_until = ?');
          values.push(patch.leaseUntil);
        }
        await ex().run(`UPDATE bulk_confirmation_jobs SET ${sets.join(', ')} WHERE reception_number = ?`, [
          ...values,
          n,
        ]);
        return one('SELECT * FROM bulk_confirmation_jobs WHERE reception_number = ?', [n], toJob);
      },
      listByInstitution: (code, limit) =>
        many(
          'SELECT * FROM bulk_confirmation_jobs WHERE institution_code = ? ORDER BY requested_at DESC LIMIT ?',
          [code, limit],
          toJob,
        ),
      listClaimable: (limit, now) =>
        many(
          "SELECT * FROM bulk_confirmation_jobs WHERE status = 'queued' OR (status = 'processing' AND lease_until < ?) " +
            'ORDER BY requested_at, reception_number LIMIT ?',
          [now, limit],
          toJob,
        ),
      async claim(n, owner, now, leaseUntil) {
        const changed = await ex().run(
          "UPDATE bulk_confirmation_jobs SET status = 'processing', lease_owner = ?, lease_until = ? " +
            "WHERE reception_number = ? AND (status = 'queued' OR " +
            "(status = 'processing' AND (lease_owner = ? OR lease_until IS NULL OR lease_until < ?)))",
          [owner, leaseUntil, n, owner, now],
        );
        return changed === 1;
      },
    },

    stats: {
      async sumUsage(query) {
        await settled();
        return usageStats.sumUsage(ex(), query);
      },
      snapshotRegistrations: (month, asOf) => atomic((tx) => usageStats.snapshotRegistrations(tx, month, asOf)),
      sumRegistrations: (query) => usageStats.sumRegistrations(ex(), query),
      async usageMonths() {
        await settled();
        return usageStats.usageMonths(ex());
      },
    },

    disasters: {
      async declare(input) {
        const d = withId(input);
        await ex().run(
          'INSERT INTO disaster_declarations (id, name, prefectures, starts_on, ends_on, declared_at) VALUES (?, ?, ?, ?, ?, ?)',
          [d.id, d.name, JSON.stringify(d.prefectures), d.startsOn, d.endsOn, d.declaredAt],
        );
        return d;
      },
      list: () => many('SELECT * FROM disaster_declarations ORDER BY starts_on, id', [], toDisaster),
      async activeOn(prefecture, date) {
        const open = await many(
          'SELECT * FROM disaster_declarations WHERE starts_on <= ? AND ends_on >= ? ORDER BY starts_on, id',
          [date, date],
          toDisaster,
        );
        return open.filter((d) => d.prefectures.includes(prefecture));
      },
    },

    bulkRows: {
      insert: (rows) =>
        atomic(async (tx) => {
          await tx.insertMany('persons', PERSON_COLS, ofWidth(rows.persons, PERSON_COLS));
          await tx.insertMany('individual_number_links', LINK_COLS, rows.links.map(bulkLinkValues));
          await tx.insertMany('qualifications', QUALIFICATION_COLS, ofWidth(rows.qualifications, QUALIFICATION_COLS));
          await tx.insertMany('qualification_attributes', ATTRIBUTE_COLS, ofWidth(rows.attributes, ATTRIBUTE_COLS));
          await tx.insertMany('cards', CARD_COLS, ofWidth(rows.cards, CARD_COLS));
          await tx.insertMany(
            'insurance_use_registrations',
            REGISTRATION_COLS,
            ofWidth(rows.registrations, REGISTRATION_COLS),
          );
          await tx.insertMany('dv_flags', DV_COLS, ofWidth(rows.dvFlags, DV_COLS));
          await tx.insertMany('documents', DOCUMENT_COLS, ofWidth(rows.documents, DOCUMENT_COLS));
        }),
    },

    proxies: {
      async grant(input) {
        const g: ProxyGrant = { ...withId(input), revokedAt: null };
        await ex().run(
          'INSERT INTO portal_proxies (id, principal_person_id, proxy_person_id, granted_at, revoked_at) VALUES (?, ?, ?, ?, ?)',
          [g.id, g.principalPersonId, g.proxyPersonId, g.grantedAt, null],
        );
        return g;
      },
      get: (id) => one('SELECT * FROM portal_proxies WHERE id = ?', [id], toProxy),
      async revoke(id, at) {
        return (
          (await ex().run('UPDATE portal_proxies SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [at, id])) > 0
        );
      },
      listByPrincipal: (personId) =>
        many('SELECT * FROM portal_proxies WHERE principal_person_id = ? ORDER BY granted_at, id', [personId], toProxy),
      listByProxy: (personId) =>
        many('SELECT * FROM portal_proxies WHERE proxy_person_id = ? ORDER BY granted_at, id', [personId], toProxy),
    },
  };

  return {
    kind: db.dialect,
    ...repositories,
    transaction: (fn) => atomic(() => fn(repositories)),
    bulkLoad(fn, options) {
      if (current.getStore() !== undefined) {
        return fn(repositories);
      }
      return db.bulkTransaction(BULK_TABLES, (tx) => within(tx, () => fn(repositories)), options);
    },
    ...(options.checkJournal !== undefined ? { checkJournal: options.checkJournal } : {}),
    ...(options.readModelReader !== undefined ? { readModelReader: options.readModelReader } : {}),
    async close() {
      closed = true;
      clearTimeout(refreshTimer);
      try {
        await options.readModelReader?.close();
        await options.checkJournal?.close();
      } finally {
        await db.close();
      }
    },
  };
}
