/**
 * The Store: every record Onshi keeps, and the one interface through which the insurer API, the OQS service,
 * the portal, the consoles, statistics, the seed and the CSV import read and write them. Two implementations
 * (SQLite, PostgreSQL) pass one shared test suite (store.contract.ts).
 *
 * Conventions: records are plain objects with camelCase glossary names (docs/glossary.md); civil dates are ISO
 * 'YYYY-MM-DD' strings; instants are ISO strings from `Date.prototype.toISOString()` ('…Z'); the store never
 * reads the clock, so every date and instant is passed in by the caller. Ids are strings; when an input omits
 * `id` the store assigns a random UUID (the seed passes its own deterministic ids).
 * Large tables carry `personId` and are only queried by one person at a time on hot paths (decision 0040).
 */

import type {
  InsuredCardClassificationCode,
  LimitCategoryCode,
  LimitCertificateClassificationCode,
  LossReasonCode,
  Scheme,
  SpecificDiseaseCode,
} from '@onshi/core';

export type { Scheme };

// ---------------------------------------------------------------------------------------------------------------
// Code values (the OQS code tables live in @onshi/core codes.ts; these aliases keep the store's names short)

/** 性別 (OQSCD007 1 男 / 2 女 / 3 未設定). */
export type Sex = 'male' | 'female' | 'unset';

/** 本人・家族の別 (OQSCD009 1 本人 / 2 家族). */
export type Relationship = 'insured' | 'dependant';

/** 資格喪失事由 as the OQS code: 01 死亡, 02 生保開始, 03 医療保険等取得, 99 その他 (oqs-interface.md §8). */
export type LossReason = LossReasonCode;

/** 被保険者証区分 (OQSCD010): 01 一般 … 07 自衛官診療証, A1 医療扶助 (oqs-interface.md §8). */
export type CardClassification = InsuredCardClassificationCode;

/** 一部負担金割合 (rules.md §2). */
export type CopayRate = 0.1 | 0.2 | 0.3;

/** 限度額適用区分 (OQSCD012, rules.md §3). */
export type LimitCategory = LimitCategoryCode;

/** 限度額証区分 (OQSCD011): 01 限度額適用, 02 限度額適用・標準負担額減額, 03 標準負担額減額. */
export type LimitCertificateClassification = LimitCertificateClassificationCode;

/** 特定疾病 (OQSCD013): 1 人工透析, 2 先天性血液凝固因子障害, 3 血液製剤起因HIV. */
export type SpecificDiseaseCategory = SpecificDiseaseCode;

/** Documents an insurer issues (docs/glossary.md "Documents"). */
export type DocumentKind = 'legacyInsuranceCard' | 'eligibilityCertificate' | 'qualificationNotice';

/** DV flags (rules.md §8). */
export type DvFlag = 'selfInfoBlocked' | 'nonDisclosure';

/** Kinds of My Number card (rules.md §4). */
export type CardKind = 'standard' | 'faceOnly' | 'smartphone';

/** Smartphone platform of a `smartphone` card (rules.md §4). */
export type PhonePlatform = 'android' | 'iphone';

/** State of a card: 一時利用停止 = `suspended`, 失効 = `revoked`. */
export type CardStatus = 'active' | 'suspended' | 'revoked' | 'lost';

/** Where 健康保険証利用登録 was made (docs/glossary.md). */
export type RegistrationChannel = 'reader' | 'portal' | 'atm' | 'wardOffice';

/** 利用者証明用 (`auth`) or 署名用 (`signing`) electronic certificate. */
export type CertificateKind = 'auth' | 'signing';

/** 医療機関・薬局 kinds. */
export type InstitutionKind = 'hospital' | 'clinic' | 'dental' | 'pharmacy';

/** 顔認証付きカードリーダー status. */
export type ReaderStatus = 'working' | 'outOfOrder';

/** Consent items at the reader (rules.md §6): 診療・お薬, 手術, 健診. */
export type ConsentItem = 'medication' | 'surgery' | 'checkup';

/** How a qualification was checked: the card (or phone) at a reader, 記号・番号 lookup, 目視, or 一括照会. */
export type ConfirmationMethod = 'card' | 'number' | 'visual' | 'bulk';

/** How the card holder was authenticated, when the card was used. */
export type Authentication = 'faceAuth' | 'pin' | 'visualCheck' | 'biometrics';

/** Clinical record kinds (docs/glossary.md: medicationRecords, checkupRecords, treatmentRecords, surgeryRecords). */
export type ClinicalRecordKind = 'medication' | 'checkup' | 'treatment' | 'surgery';

/** レセプト kind. */
export type ClaimKind = 'outpatient' | 'inpatient';

/** Who acted, in the audit log. */
export type ActorKind = 'insurer' | 'institution' | 'person' | 'authority' | 'analyst' | 'system';

/** Who a credential belongs to. */
export type CredentialSubjectKind = 'insurer' | 'institution' | 'authority' | 'analyst';

/** Life of a 一括照会 job. */
export type BulkJobStatus = 'queued' | 'processing' | 'done' | 'failed';

/** An input record whose `id` the store assigns (a random UUID) when omitted. */
export type WithOptionalId<T extends { id: string }> = Omit<T, 'id'> & { id?: string };

// ---------------------------------------------------------------------------------------------------------------
// Records

/** A natural person (加入者 or not). Names are never logged (CONTRIBUTING.md, privacy). */
export interface Person {
  id: string;
  nameKanji: string;
  /** Full-width katakana. */
  nameKana: string;
  birthDate: string;
  sex: Sex;
  address: string;
  /** '123-4567'. */
  postalCode: string;
  /** JIS prefecture code '01'…'47'. */
  prefecture: string;
}

/**
 * The link between a person and their マイナンバー: only the keyed hash (HMAC-SHA256 with the server secret,
 * hex) and the last four digits are stored — never the number (decision 0042).
 */
export interface IndividualNumberLink {
  personId: string;
  individualNumberHash: string;
  individualNumberLast4: string;
  linkedOn: string;
  /** The insurer that made the link. */
  linkedBy: string | null;
}

/** 保険者. `insurerNumber` is 8 digits (国保 6). */
export interface Insurer {
  insurerNumber: string;
  name: string;
  scheme: Scheme;
  /** JIS prefecture code of the insurer's seat. */
  prefecture: string;
  /** 協会けんぽ 支部 name, or null. */
  branch: string | null;
}

/**
 * An API credential: the secret is stored only as its hash (http/auth.ts `hashSecret`); `id` is the public
 * credential id (`insurer:01130012`, `institution:1311111111`, `authority`, …).
 */
export interface Credential {
  id: string;
  subjectKind: CredentialSubjectKind;
  /** insurerNumber, institutionCode, or an operator id. */
  subjectId: string;
  secretHash: string;
  label: string;
  createdAt: string;
  revokedAt: string | null;
}

/**
 * 資格: one membership period of one person at one insurer. `memberKey` is the width-folded lookup key
 * (see `memberKey()` in memberKey.ts), kept by the store.
 */
export interface Qualification {
  id: string;
  personId: string;
  insurerNumber: string;
  /** 記号, as printed; null when absent. */
  symbol: string | null;
  /** 番号, as printed. */
  number: string;
  /** 枝番, 2 digits, or null when absent. */
  branch: string | null;
  memberKey: string;
  relationship: Relationship;
  /** For a dependant: the insured person's qualification at the same insurer. */
  insuredQualificationId: string | null;
  acquiredOn: string;
  lostOn: string | null;
  lossReason: LossReason | null;
  cardClassification: CardClassification;
}

/** One member under a member key with what a confirmation reads about them (`memberRecordsByKey`). */
export interface MemberRecord {
  qualification: Qualification;
  person: Person;
  /** Attribute rows not superseded, every validity period, in no particular order. */
  attributes: QualificationAttribute[];
  /** The latest document issued for the qualification, as `documents.latestForQualification` answers. */
  latestDocument: DocumentValidity | null;
  /** The person's DV flags, set and cleared, in no particular order. */
  dvFlags: DvFlagRecord[];
  /** For a dependant linked to an insured person's qualification: the insured person's 氏名. */
  insuredName: string | null;
  /** The person's 照会番号 at every institution (the answer shows the calling institution's latest). */
  referenceNumbers: ReferenceNumberRecord[];
}

/** Fields common to every effective-dated attribute of a qualification. */
export interface AttributeBase {
  id: string;
  qualificationId: string;
  personId: string;
  /** First day the value applies (発効期日). */
  validFrom: string;
  /** Last day it applies, or null while open-ended. */
  validTo: string | null;
  /** When this row was written. */
  recordedAt: string;
  /** When a later row with an earlier-or-equal `validFrom` replaced this one; null while in force. */
  supersededAt: string | null;
}

/** 一部負担金割合 from validFrom. */
export interface CopayRateAttribute extends AttributeBase {
  kind: 'copayRate';
  rate: CopayRate;
}

/** 限度額適用区分 (+ 限度額証区分, 長期入院該当日). */
export interface LimitCategoryAttribute extends AttributeBase {
  kind: 'limitCategory';
  category: LimitCategory;
  certificateClassification: LimitCertificateClassification | null;
  issuedOn: string | null;
  longTermOn: string | null;
}

/** 高齢受給者 (70–74) data. */
export interface ElderlyRecipientAttribute extends AttributeBase {
  kind: 'elderlyRecipient';
  rate: CopayRate;
  issuedOn: string | null;
}

/** 特定疾病 data; one open row per disease category. */
export interface SpecificDiseaseAttribute extends AttributeBase {
  kind: 'specificDisease';
  diseaseCategory: SpecificDiseaseCategory;
  /** Monthly self-pay limit in yen (10,000 or 20,000). */
  selfPayLimit: number;
  issuedOn: string | null;
}

/** Any effective-dated attribute of a qualification. */
export type QualificationAttribute =
  CopayRateAttribute | LimitCategoryAttribute | ElderlyRecipientAttribute | SpecificDiseaseAttribute;

/** Input for `qualifications.setAttribute`: the store fills id, personId, validTo and supersededAt. */
export type NewQualificationAttribute = QualificationAttribute extends infer A
  ? A extends QualificationAttribute
    ? Omit<A, 'id' | 'personId' | 'validTo' | 'supersededAt'> & { id?: string; validTo?: string | null }
    : never
  : never;

/** The attributes in force on one date. */
export interface AttributesAsOf {
  copayRate: CopayRateAttribute | null;
  limitCategory: LimitCategoryAttribute | null;
  elderlyRecipient: ElderlyRecipientAttribute | null;
  specificDiseases: SpecificDiseaseAttribute[];
}

/** What a document printed, kept so a reprint shows exactly the same (documents-and-screens.md §1.2, §2). */
export interface PrintedFields {
  nameKanji: string;
  nameKana: string;
  birthDate: string;
  sex?: Sex;
  insurerNumber: string;
  insurerName: string;
  symbol: string | null;
  number: string;
  branch: string | null;
  acquiredOn: string;
  copayRate?: CopayRate | null;
  copayRateEffectiveOn?: string | null;
  /** 70+ 国保 under 70: 「法定負担割合のとおり」. */
  copayRateText?: string | null;
  limitCategory?: LimitCategory | null;
  limitCategoryEffectiveOn?: string | null;
  longTermOn?: string | null;
  specificDiseaseCategory?: SpecificDiseaseCategory | null;
  /** 特定疾病の自己負担限度額 (yen): 10,000, or 20,000 for 人工透析 of a high-income member under 70; absent on
   * documents printed before it was kept (then 10,000). */
  specificDiseaseSelfPayLimit?: number | null;
  individualNumberLast4?: string | null;
  /** お問い合わせ番号. */
  inquiryNumber?: string | null;
}

/** A document issued to a member. */
export interface IssuedDocument {
  id: string;
  personId: string;
  qualificationId: string;
  insurerNumber: string;
  kind: DocumentKind;
  issuedOn: string;
  validFrom: string;
  /** Last valid day; null for a 資格情報のお知らせ without expiry. */
  validTo: string | null;
  /** Issued because the member asked (要配慮者 etc.) rather than pushed by the rules. */
  onRequest: boolean;
  printed: PrintedFields;
}

/** A document without its printed fields: what a confirmation result shows of it (read from an index alone). */
export type DocumentValidity = Omit<IssuedDocument, 'printed'>;

/** A DV flag period. */
export interface DvFlagRecord {
  id: string;
  personId: string;
  flag: DvFlag;
  setOn: string;
  clearedOn: string | null;
  /** The insurer that set it. */
  setBy: string | null;
}

/** A My Number card (or a smartphone's card function). */
export interface Card {
  id: string;
  personId: string;
  kind: CardKind;
  platform: PhonePlatform | null;
  issuedOn: string;
  /** Last valid day of the card itself. */
  expiresOn: string;
  status: CardStatus;
  statusChangedOn: string | null;
}

/** 健康保険証利用登録 and its end (利用登録解除, or cancellation after the grace period). */
export interface InsuranceUseRegistration {
  id: string;
  personId: string;
  cardId: string;
  registeredOn: string;
  channel: RegistrationChannel;
  unregisteredOn: string | null;
}

/** An electronic certificate on a card. The serial is the lowercase hex serial number. */
export interface Certificate {
  serial: string;
  cardId: string;
  kind: CertificateKind;
  notBefore: string;
  notAfter: string;
  revokedAt: string | null;
  revocationReason: string | null;
  der: Uint8Array;
}

/** A certificate on the card authority's revocation list (失効 or 一時保留), card or reader. */
export interface RevokedCertificate {
  serial: string;
  /** The certificate's own end of validity (an instant). */
  notAfter: string;
  revokedAt: string;
  revocationReason: string | null;
}

/**
 * The card authority's persistent record (decision 0090): its CA state sealed under a key derived from the server
 * secret (never stored in clear), and the CRL it last published.
 */
export interface AuthorityStateRecord {
  sealedState: string;
  createdAt: string;
}

/** A CRL the card authority published; `crlNumber` grows with every CRL (RFC 5280 §5.2.3). */
export interface PublishedCrl {
  crlNumber: number;
  thisUpdate: string;
  nextUpdate: string;
  der: Uint8Array;
}

/** The device certificate of a 顔認証付きカードリーダー, issued by the card authority. */
export interface ReaderCertificate {
  serial: string;
  institutionCode: string;
  readerId: string;
  notBefore: string;
  notAfter: string;
  revokedAt: string | null;
  revocationReason: string | null;
  der: Uint8Array;
}

/** 医療機関・薬局. */
export interface Institution {
  /** 医療機関コード, 10 digits. */
  institutionCode: string;
  name: string;
  kind: InstitutionKind;
  prefecture: string;
  address: string;
  oqsEnabled: boolean;
  readerStatus: ReaderStatus;
  /** Items shown on the reader's consent screen (default medication and checkup, rules.md §6). */
  consentItemsEnabled: ConsentItem[];
  /** A generic NFC reader is attached for スマホ保険証 (rules.md §4). */
  smartphoneReader: boolean;
}

/** One qualification check (オンライン資格確認), whatever its outcome. */
export interface Confirmation {
  id: string;
  at: string;
  /** Tokyo civil date of `at`, for monthly statistics. */
  confirmedOn: string;
  institutionCode: string;
  /** Null when no person was found. */
  personId: string | null;
  qualificationId: string | null;
  insurerNumber: string | null;
  method: ConfirmationMethod;
  authentication: Authentication | null;
  /** 資格有効性 (OQSCD006) 1–6, or null when the check was refused before a lookup. */
  qualificationValidity: number | null;
  /** Our coded outcome ('ok' or a refusal code). */
  resultCode: string;
  /** 照会番号 the clinic supplied or was returned. */
  referenceNumber: string | null;
}

/** A consent given at the reader (24 h viewing window, rules.md §6). */
export interface Consent {
  id: string;
  institutionCode: string;
  personId: string;
  items: ConsentItem[];
  consentedAt: string;
  expiresAt: string;
}

/** A clinical record from claims (薬剤, 特定健診, 診療, 手術). */
export interface ClinicalRecord {
  id: string;
  personId: string;
  kind: ClinicalRecordKind;
  /** Day of dispensing, check-up, treatment or surgery. */
  date: string;
  institutionCode: string | null;
  claimId: string | null;
  code: string;
  name: string;
  /** Kind-specific details (quantity, unit, usage, result value …). */
  detail: Record<string, string | number | boolean | null>;
}

/** レセプト. */
export interface Claim {
  id: string;
  personId: string;
  insurerNumber: string;
  qualificationId: string | null;
  institutionCode: string;
  institutionKind: InstitutionKind;
  kind: ClaimKind;
  /** 診療年月 'YYYY-MM'. */
  month: string;
  days: number;
  points: number;
  /** 医療費の総額 (yen). */
  totalCost: number;
  insurerPaid: number;
  publicPaid: number;
  /** 窓口相当負担額 (yen). */
  copayAmount: number;
}

/**
 * One audit row. Append-only; `seq` is chosen by the caller (last seq + 1 inside a transaction) so the hash chain
 * computed in server/src/audit can cover it.
 */
export interface AuditRow {
  seq: number;
  at: string;
  actorKind: ActorKind;
  actorId: string;
  action: string;
  personId: string | null;
  target: string | null;
  outcome: 'allowed' | 'refused';
  detail: Record<string, string | number | boolean | null>;
  prevHash: string;
  hash: string;
}

/** An audit entry before the log gives it its place in the chain (seq, links, hash). */
export type UnchainedAuditEntry = Omit<AuditRow, 'seq' | 'prevHash' | 'hash'>;

/**
 * Checks recorded through a journal file and a thread of their own (decision 0168): a confirmation row and its
 * audit entry are durable in the journal when `record` resolves, and reach the database's tables (confirmations,
 * statistics, the hash-chained audit log) within about a second — or at once when a reader calls `settle`.
 */
export interface CheckJournalPort {
  /** Starts the threads now (a server starting); `status().running` turns true once they have opened the journal. */
  start(): void;
  /**
   * Journals one check; resolves once it is durable in the journal file (see CheckNotJournaledError). Null while the
   * threads do not run: the caller records the check the other way, and a steady stream of such checks starts them.
   */
  record(confirmation: Confirmation, entry: UnchainedAuditEntry): Promise<void> | null;
  /** Resolves once every check journaled before the call is in the database's tables. */
  settle(): Promise<void>;
  /** What this process's journal has done (the server's /metrics). */
  status(): CheckJournalStatus;
}

/** Counts of one process's check journal since it opened. */
export interface CheckJournalStatus {
  /** The threads run and take checks. */
  running: boolean;
  /** Checks this process journaled and answered that are not yet known to be in the tables. */
  pending: number;
  journaled: number;
  /** Checks moved into the tables by this process (its thread or its own connection). */
  moved: number;
  /** Moves that failed for another reason than a busy database. */
  moveFailures: number;
  /** Groups handed to the append thread (journaled ÷ groups: the checks one commit carries). */
  groups: number;
}

/** A stored idempotent response. */
export interface IdempotencyRecord {
  scope: string;
  key: string;
  requestHash: string;
  responseStatus: number;
  responseBody: unknown;
  createdAt: string;
}

/** 照会番号: a clinic's patient id bound to a person and qualification. */
export interface ReferenceNumberRecord {
  institutionCode: string;
  referenceNumber: string;
  personId: string;
  qualificationId: string | null;
  registeredAt: string;
}

/** The search info of one 一括照会 unit (oqs-interface.md §4). */
export interface BulkConfirmationRequest {
  insurerNumber: string;
  symbol: string | null;
  number: string;
  branch: string | null;
  birthDate: string;
  arbitraryIdentifier: string | null;
}

/** The answer for one 一括照会 unit. */
export interface BulkConfirmationResult {
  processingResultStatus: number;
  processingResultCode: string | null;
  qualificationValidity: number | null;
  personId: string | null;
  qualificationId: string | null;
  referenceNumber: string | null;
}

/** One unit of a 一括照会 job. */
export interface BulkConfirmationUnit {
  request: BulkConfirmationRequest;
  result: BulkConfirmationResult | null;
}

/** A 一括照会 job, identified by its 受付番号. */
export interface BulkConfirmationJob {
  receptionNumber: string;
  institutionCode: string;
  requestedAt: string;
  /** QualificationConfirmationDate asked about. */
  confirmationDate: string;
  status: BulkJobStatus;
  units: BulkConfirmationUnit[];
  completedAt: string | null;
}

/**
 * 代理人: another person who, logged in to the portal with their own card, acts for the principal and sees what the
 * principal sees (issue 8). A grant ends at `revokedAt`; access checks read the grant on every request.
 */
export interface ProxyGrant {
  id: string;
  /** The person the proxy acts for (本人). */
  principalPersonId: string;
  /** The proxy (代理人). */
  proxyPersonId: string;
  grantedAt: string;
  revokedAt: string | null;
}

/** A disaster-mode declaration (rules.md §5): prefectures and period set by MHLW. */
export interface DisasterDeclaration {
  id: string;
  name: string;
  prefectures: string[];
  startsOn: string;
  endsOn: string;
  declaredAt: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Repositories

/** Paging by id order, for batch scans (never a hot path). */
export interface Page {
  afterId?: string;
  limit: number;
}

/**
 * The persons after `afterId` (from the first when absent) up to `throughId` inclusive, in id order: one page of
 * `persons.list`, so a batch job reads a block of persons' rows with one query per table (decision 0141).
 */
export interface PersonIdRange {
  afterId?: string;
  throughId: string;
}

/** 加入者 and other persons. */
export interface PersonRepository {
  insert(person: WithOptionalId<Person>): Promise<Person>;
  /** Multi-row insert for the seed and the CSV import; run inside one transaction to make it all-or-nothing. */
  insertMany(persons: readonly Person[]): Promise<void>;
  get(id: string): Promise<Person | null>;
  /** The persons with these ids, in no particular order (one query per few hundred ids: the CSV import, decision 0135). */
  getMany(ids: readonly string[]): Promise<Person[]>;
  update(id: string, patch: Partial<Omit<Person, 'id'>>): Promise<Person | null>;
  count(): Promise<number>;
  /**
   * Persons born on `birthDate`, in id order, at most `limit` (indexed): disaster-mode confirmation by name, birth
   * date and address, without a card (rules.md §5 [S32]; decision 0098).
   */
  findByBirthDate(birthDate: string, limit: number): Promise<Person[]>;
  /** Persons in id order, paged (the simulation and other batch scans; never a hot path). */
  list(page: Page): Promise<Person[]>;
}

/** マイナンバー links (keyed hash only). */
export interface IndividualNumberRepository {
  /** HMAC-SHA256 of the 12-digit number with the store's key, hex. */
  hash(individualNumber: string): string;
  /** Links a person; refuses (throws StoreConflictError) when the number or the person is already linked. */
  link(input: {
    personId: string;
    individualNumber: string;
    linkedOn: string;
    linkedBy: string | null;
  }): Promise<IndividualNumberLink>;
  insertMany(
    links: readonly { personId: string; individualNumber: string; linkedOn: string; linkedBy: string | null }[],
  ): Promise<void>;
  findByNumber(individualNumber: string): Promise<IndividualNumberLink | null>;
  findByPerson(personId: string): Promise<IndividualNumberLink | null>;
  /**
   * The links of these keyed hashes (`hash(number)`), in no particular order: the CSV import hashes each number once
   * and looks a whole chunk up in one query (decision 0135).
   */
  findByHashes(hashes: readonly string[]): Promise<IndividualNumberLink[]>;
  /** Multi-row insert of links already hashed with `hash` (the CSV import, decision 0135); a clash throws. */
  insertLinks(links: readonly IndividualNumberLink[]): Promise<void>;
  unlink(personId: string): Promise<boolean>;
}

/** 保険者 (a small reference table). */
export interface InsurerRepository {
  upsert(insurer: Insurer): Promise<Insurer>;
  insertMany(insurers: readonly Insurer[]): Promise<void>;
  get(insurerNumber: string): Promise<Insurer | null>;
  list(): Promise<Insurer[]>;
}

/** API credentials (hashed secrets only; hashing and comparison live in http/auth.ts). */
export interface CredentialRepository {
  /** Creates or replaces (key rotation) the credential with this id; clears any revocation. */
  put(credential: Omit<Credential, 'revokedAt'>): Promise<Credential>;
  get(id: string): Promise<Credential | null>;
  listBySubject(subjectKind: CredentialSubjectKind, subjectId: string): Promise<Credential[]>;
  revoke(id: string, at: string): Promise<boolean>;
}

/** 資格 and their effective-dated attributes. */
export interface QualificationRepository {
  /** The store computes `memberKey`. */
  insert(q: WithOptionalId<Omit<Qualification, 'memberKey'>>): Promise<Qualification>;
  insertMany(qs: readonly Omit<Qualification, 'memberKey'>[]): Promise<void>;
  get(id: string): Promise<Qualification | null>;
  /** 資格喪失 (or undoing it with nulls). */
  setLoss(id: string, lostOn: string | null, lossReason: LossReason | null): Promise<Qualification | null>;
  /** All qualifications (any period) under one member key; 記号/番号/枝番 are width-folded before lookup. */
  findByMemberKey(key: {
    insurerNumber: string;
    symbol: string | null;
    number: string;
    branch: string | null;
  }): Promise<Qualification[]>;
  /**
   * `findByMemberKey` with each qualification's person, in one query (the confirmation-by-number hot path,
   * decision 0134); a qualification whose person row is missing is left out. With `anyBranch` the 枝番 is not known
   * (a card printed before 枝番 existed, rules.md §1.2 [S8]): members under the 記号・番号 with any 枝番 or none.
   */
  findMembersByKey(key: {
    insurerNumber: string;
    symbol: string | null;
    number: string;
    branch: string | null;
    anyBranch?: boolean;
  }): Promise<{ qualification: Qualification; person: Person }[]>;
  /**
   * Everything a confirmation by number reads about the members under one exact member key (no `anyBranch`), newest
   * acquisition first: each qualification with its person, its attribute rows (not superseded, every period), its
   * latest document, the person's DV flags (every period) and the insured person's name for a dependant. On SQLite
   * one read of the member read model (decision 0166), filled on first use and invalidated by triggers on every
   * table it draws from; on PostgreSQL the same records from the tables.
   */
  memberRecordsByKey(key: {
    insurerNumber: string;
    symbol: string | null;
    number: string;
    branch: string | null;
  }): Promise<MemberRecord[]>;
  /**
   * The same records for one person, under every member key they have or had, newest acquisition first (then by
   * id, as `currentForPerson`): what a card check reads once it knows the person. `memberKeys`: the person's keys
   * when already read (`CardPath.memberKeys`), else they are looked up.
   */
  memberRecordsOfPerson(personId: string, memberKeys?: readonly string[]): Promise<MemberRecord[]>;
  /**
   * Builds the member read model's rows for the next `limit` member keys after `afterKey` (in key order) that have
   * none, in one transaction; answers the last key looked at and how many rows were written, `lastKey` null once
   * the keys ran out. The server walks all keys once at start (decision 0166). PostgreSQL has no read model: null.
   */
  fillMemberReadModel(afterKey: string | null, limit: number): Promise<{ lastKey: string | null; filled: number }>;
  /** A person's qualifications, newest acquisition first. */
  findByPerson(personId: string): Promise<Qualification[]>;
  /** The qualifications of a range of persons, by person id, then as `findByPerson` (batch jobs, decision 0141). */
  findByPersonRange(range: PersonIdRange): Promise<Qualification[]>;
  /** Qualifications in force on `date` (acquiredOn ≤ date and (lostOn null or date < lostOn)). */
  currentForPerson(personId: string, date: string): Promise<Qualification[]>;
  /** Dependants attached to an insured person's qualification. */
  dependantsOf(insuredQualificationId: string): Promise<Qualification[]>;
  /**
   * All qualifications (any period) under any of these member keys (as `memberKey()` makes them), in no particular
   * order: the CSV import's duplicate and insured-person checks for a whole chunk in one query (decision 0135).
   */
  findByMemberKeys(memberKeys: readonly string[]): Promise<Qualification[]>;
  /** The qualifications of any of these persons, in no particular order (the CSV import, decision 0135). */
  findByPersons(personIds: readonly string[]): Promise<Qualification[]>;
  /**
   * Attaches dependants to their insured person's qualification (`insuredQualificationId`): the CSV import writes a
   * dependant listed before its insured person first and links it at the end of the file (decision 0136).
   */
  linkInsured(links: readonly { id: string; insuredQualificationId: string }[]): Promise<void>;
  /** An insurer's qualifications in id order (batch jobs, exports). */
  listByInsurer(insurerNumber: string, page: Page): Promise<Qualification[]>;
  /**
   * An insurer's qualifications matching every criterion given: 記号・番号 (`symbol`, `number`, width-folded; any
   * 枝番, so a household is listed together), the person's カナ氏名 starting with `nameKanaPrefix` (spaces ignored on
   * both sides), the person's `birthDate`; in kana then id order, at most `limit`. The insurer console's search
   * (issue 9); it scans the insurer's members, so it is a staff lookup, never a hot path.
   */
  search(query: {
    insurerNumber: string;
    symbol?: string | null;
    number?: string;
    nameKanaPrefix?: string;
    birthDate?: string;
    limit: number;
  }): Promise<Qualification[]>;
  countByInsurer(insurerNumber: string, asOf: string): Promise<number>;
  /**
   * Records a new effective-dated value: open rows of the same slot (kind; kind + category for 特定疾病) that
   * start earlier are closed the day before `validFrom`; rows starting on or after it are superseded.
   */
  setAttribute(attribute: NewQualificationAttribute): Promise<QualificationAttribute>;
  /** Multi-row insert of attributes as given (seed/import), no superseding. */
  insertAttributes(attributes: readonly QualificationAttribute[]): Promise<void>;
  /** Ends an open attribute on `validTo` (e.g. 特定疾病 no longer certified). */
  endAttribute(id: string, validTo: string): Promise<boolean>;
  attributesAsOf(qualificationId: string, date: string): Promise<AttributesAsOf>;
  /** Every attribute row ever written for the qualification, superseded ones too, in recording order. */
  attributeHistory(qualificationId: string): Promise<QualificationAttribute[]>;
}

/** Documents issued. */
export interface DocumentRepository {
  insert(doc: WithOptionalId<IssuedDocument>): Promise<IssuedDocument>;
  insertMany(docs: readonly IssuedDocument[]): Promise<void>;
  get(id: string): Promise<IssuedDocument | null>;
  listByPerson(personId: string): Promise<IssuedDocument[]>;
  /**
   * The latest document issued to the person for one qualification (latest `issuedOn`; on a tie the smallest id,
   * as the first of `listByPerson`'s order), or null: what a confirmation result shows (証交付・有効期間).
   */
  latestForQualification(personId: string, qualificationId: string): Promise<DocumentValidity | null>;
  /** An insurer's documents issued between two dates inclusive, in issue order. */
  listByInsurer(insurerNumber: string, fromOn: string, toOn: string, page: Page): Promise<IssuedDocument[]>;
}

/** DV flags. */
export interface DvFlagRepository {
  set(input: WithOptionalId<Omit<DvFlagRecord, 'clearedOn'>>): Promise<DvFlagRecord>;
  insertMany(flags: readonly DvFlagRecord[]): Promise<void>;
  /** Clears the open period of `flag`; false when none was open. */
  clear(personId: string, flag: DvFlag, clearedOn: string): Promise<boolean>;
  listByPerson(personId: string): Promise<DvFlagRecord[]>;
  /** The DV flags of a range of persons, by person id, then as `listByPerson` (batch jobs, decision 0141). */
  listByPersonRange(range: PersonIdRange): Promise<DvFlagRecord[]>;
  /** Flags in force on `date` (setOn ≤ date and (clearedOn null or date < clearedOn)). */
  activeOn(personId: string, date: string): Promise<DvFlag[]>;
}

/** Cards and 健康保険証利用登録. */
export interface CardRepository {
  insert(card: WithOptionalId<Card>): Promise<Card>;
  insertMany(cards: readonly Card[]): Promise<void>;
  get(id: string): Promise<Card | null>;
  listByPerson(personId: string): Promise<Card[]>;
  /** The cards of a range of persons, by person id, then as `listByPerson` (batch jobs, decision 0141). */
  listByPersonRange(range: PersonIdRange): Promise<Card[]>;
  setStatus(id: string, status: CardStatus, on: string): Promise<Card | null>;
  register(input: WithOptionalId<Omit<InsuranceUseRegistration, 'unregisteredOn'>>): Promise<InsuranceUseRegistration>;
  insertRegistrations(registrations: readonly InsuranceUseRegistration[]): Promise<void>;
  /** Ends the person's open registration; false when none was open. */
  unregister(personId: string, on: string): Promise<boolean>;
  registrations(personId: string): Promise<InsuranceUseRegistration[]>;
  /** The registrations of a range of persons, by person id, then as `registrations` (batch jobs, decision 0141). */
  registrationsByPersonRange(range: PersonIdRange): Promise<InsuranceUseRegistration[]>;
  /** The registration in force on `date`, or null. */
  registrationOn(personId: string, date: string): Promise<InsuranceUseRegistration | null>;
  /** Cards whose `expiresOn` is in [fromOn, toOn], in id order, paged (the expiry-notice job). */
  listExpiring(fromOn: string, toOn: string, page: Page): Promise<Card[]>;
}

/**
 * A stored certificate's status without its DER: what a card check needs of the row, since it verifies the
 * certificate the card presented (reading a kilobyte per check for nothing cost the hot path, decision 0146).
 */
export type CertificateStatus = Omit<Certificate, 'der'>;

/** What a card check reads about a certificate serial (`certificates.cardPathBySerial`). */
export interface CardPath {
  certificate: CertificateStatus;
  personId: string;
  person: Person | null;
  card: Card | null;
  registration: InsuranceUseRegistration | null;
  /**
   * The linked person's member keys, when the store read them with the path (SQLite's card read model, decision
   * 0171): `memberRecordsOfPerson` then needs no lookup of its own.
   */
  memberKeys?: readonly string[];
}

/** Electronic certificates and the certificate→person linking table (never via My Number). */
export interface CertificateRepository {
  /** Inserts the certificate and its link to `personId`. */
  insert(cert: Certificate, personId: string, linkedAt: string): Promise<Certificate>;
  insertMany(certs: readonly { certificate: Certificate; personId: string; linkedAt: string }[]): Promise<void>;
  get(serial: string): Promise<Certificate | null>;
  /** The hot path of a card check: serial → person, one indexed lookup. */
  personIdBySerial(serial: string): Promise<string | null>;
  /**
   * The card check in one query (decision 0146): the first of `serials` (tried in order: the forms a serial may be
   * stored in) that has a certificate and a link, with the linked person, the certificate's card and the person's
   * 健康保険証利用登録 in force on `date` (as `cards.registrationOn`); card or person null when their row is
   * missing. Null when no serial is linked.
   */
  cardPathBySerial(serials: readonly string[], date: string): Promise<CardPath | null>;
  /**
   * Builds the card read model's missing rows (SQLite, decision 0171) for the next `limit` linked serials after
   * `afterSerial` (null: from the start); `lastKey` is the last serial walked, null when none was left. PostgreSQL has
   * no read model: nothing to build.
   */
  fillCardReadModel(afterSerial: string | null, limit: number): Promise<{ lastKey: string | null; filled: number }>;
  listByCard(cardId: string): Promise<Certificate[]>;
  revoke(serial: string, at: string, reason: string): Promise<boolean>;
  /** Lifts a temporary hold (revocation reason 'certificateHold', 一時利用停止); false when not on hold. */
  releaseHold(serial: string): Promise<boolean>;
  /** Unrevoked certificates with notAfter in [fromAt, toAt), with their person, in serial order, paged by serial. */
  listExpiring(fromAt: string, toAt: string, page: Page): Promise<{ certificate: Certificate; personId: string }[]>;
}

/** The card authority's own records: its sealed CA state, its CRL and the reader certificates (decision 0090). */
export interface AuthorityRepository {
  getState(): Promise<AuthorityStateRecord | null>;
  /** Stores the state unless one exists; returns the one in force (when two processes start together, one wins). */
  initState(record: AuthorityStateRecord): Promise<AuthorityStateRecord>;
  /** Takes the next CRL number; inside a transaction it holds the authority row until commit (CRLs serialise). */
  nextCrlNumber(): Promise<number>;
  /** Stores the CRL unless one with a higher number is stored; false when it was older. */
  publishCrl(crl: PublishedCrl): Promise<boolean>;
  /** The last published CRL, or null when none or when its number is not above `newerThan`. */
  latestCrl(newerThan?: number): Promise<PublishedCrl | null>;
  /** Every revoked or held certificate, card and reader alike, in serial order (the CRL's entries). */
  listRevoked(): Promise<RevokedCertificate[]>;
  insertReaderCertificate(certificate: ReaderCertificate): Promise<ReaderCertificate>;
  getReaderCertificate(serial: string): Promise<ReaderCertificate | null>;
  listReaderCertificates(institutionCode: string): Promise<ReaderCertificate[]>;
  revokeReaderCertificate(serial: string, at: string, reason: string): Promise<boolean>;
}

/** 医療機関・薬局 (a small reference table). */
export interface InstitutionRepository {
  upsert(institution: Institution): Promise<Institution>;
  insertMany(institutions: readonly Institution[]): Promise<void>;
  get(institutionCode: string): Promise<Institution | null>;
  list(filter?: { prefecture?: string; kind?: InstitutionKind }): Promise<Institution[]>;
  setReaderStatus(institutionCode: string, status: ReaderStatus): Promise<boolean>;
}

/**
 * Every qualification check. There is no lookup by person: a person's own history is the audit log's (portal
 * access history), and an index by person here cost every group commit a random page write (decision 0167).
 */
export interface ConfirmationRepository {
  record(c: WithOptionalId<Confirmation>): Promise<Confirmation>;
  insertMany(cs: readonly Confirmation[]): Promise<void>;
  listByInstitution(institutionCode: string, fromAt: string, toAt: string): Promise<Confirmation[]>;
}

/** Consents at the reader. */
export interface ConsentRepository {
  record(c: WithOptionalId<Consent>): Promise<Consent>;
  /** Consents of the person at the institution still open at `at` (consentedAt ≤ at < expiresAt), newest first. */
  activeAt(personId: string, institutionCode: string, at: string): Promise<Consent[]>;
  listByPerson(personId: string): Promise<Consent[]>;
  /** Multi-row insert (the simulation). */
  insertMany(cs: readonly Consent[]): Promise<void>;
}

/** Clinical records. */
export interface ClinicalRecordRepository {
  insert(r: WithOptionalId<ClinicalRecord>): Promise<ClinicalRecord>;
  insertMany(rs: readonly ClinicalRecord[]): Promise<void>;
  /** The person's records of one kind dated in [fromOn, toOn], newest first. */
  listByPerson(personId: string, kind: ClinicalRecordKind, fromOn: string, toOn: string): Promise<ClinicalRecord[]>;
}

/** レセプト. */
export interface ClaimRepository {
  insert(c: WithOptionalId<Claim>): Promise<Claim>;
  insertMany(cs: readonly Claim[]): Promise<void>;
  /** The person's claims with month in [fromMonth, toMonth] ('YYYY-MM'), in month order. */
  listByPerson(personId: string, fromMonth: string, toMonth: string): Promise<Claim[]>;
  /** Outpatient claims and distinct persons for a month (statistics, rules.md §9). */
  countOutpatient(month: string): Promise<{ claims: number; persons: number }>;
}

/** The append-only audit log table (hashing lives in server/src/audit). */
export interface AuditRepository {
  /** Appends; throws StoreConflictError when `seq` is taken (another writer won: re-read last() and retry). */
  append(row: AuditRow): Promise<void>;
  /**
   * Appends rows (consecutive seqs, in order) with multi-row INSERTs (decision 0147): all or nothing; throws
   * StoreConflictError when a seq is taken.
   */
  appendMany(rows: readonly AuditRow[]): Promise<void>;
  last(): Promise<AuditRow | null>;
  /** Rows with seq > afterSeq in seq order. */
  scan(afterSeq: number, limit: number): Promise<AuditRow[]>;
  /** A person's rows, newest first (portal access history). */
  listByPerson(personId: string, limit: number): Promise<AuditRow[]>;
}

/** Idempotency keys. */
export interface IdempotencyRepository {
  get(scope: string, key: string): Promise<IdempotencyRecord | null>;
  /** Stores the response; false (and nothing written) when the key already exists. */
  put(record: IdempotencyRecord): Promise<boolean>;
  /** Deletes records created before `at`; returns how many. */
  purgeBefore(at: string): Promise<number>;
}

/** 照会番号. */
export interface ReferenceNumberRepository {
  /** Registers or re-points a reference number. */
  register(r: ReferenceNumberRecord): Promise<ReferenceNumberRecord>;
  find(institutionCode: string, referenceNumber: string): Promise<ReferenceNumberRecord | null>;
  /** The institution's reference number for a person, if any: the latest registered (`latestReferenceNumber`). */
  findByPerson(institutionCode: string, personId: string): Promise<ReferenceNumberRecord | null>;
}

/** 一括照会 jobs. */
export interface BulkJobRepository {
  create(job: BulkConfirmationJob): Promise<BulkConfirmationJob>;
  get(receptionNumber: string): Promise<BulkConfirmationJob | null>;
  /** Sets the status (and units, completion); `leaseUntil` extends the claimant's lease while it works. */
  update(
    receptionNumber: string,
    patch: { status: BulkJobStatus; units?: BulkConfirmationUnit[]; completedAt?: string | null; leaseUntil?: string },
  ): Promise<BulkConfirmationJob | null>;
  listByInstitution(institutionCode: string, limit: number): Promise<BulkConfirmationJob[]>;
  /** Jobs a worker may claim at `now`, oldest first: queued, or processing under a lease that has run out. */
  listClaimable(limit: number, now: string): Promise<BulkConfirmationJob[]>;
  /**
   * Claims a job for `owner` until `leaseUntil` (status `processing`): true when it was queued, its lease had run
   * out at `now`, or `owner` holds it already; false when another worker holds it (decision 0164).
   */
  claim(receptionNumber: string, owner: string, now: string, leaseUntil: string): Promise<boolean>;
}

/**
 * The counters of one statistics cell (docs/statistics.md, seed 004, rules.md §9): checks by method (card = マイナ保険証
 * incl. smartphone; number and bulk = オンライン資格確認 without the card; visual = 目視 of a paper document), distinct
 * persons confirmed by card per institution and month (利用人数), and レセプト by kind.
 */
export interface UsageCounters {
  cardChecks: number;
  numberChecks: number;
  bulkChecks: number;
  visualChecks: number;
  cardPersons: number;
  outpatientClaims: number;
  inpatientClaims: number;
}

/** What usage statistics can be grouped by: 診療年月, 支部 (the insurer's prefecture), insurer, institution kind or prefecture. */
export type UsageDimension = 'month' | 'branch' | 'insurer' | 'institutionKind' | 'institutionPrefecture';

/** A sum of usage counters over the cells matching a query; dimensions not grouped by are null. */
export interface UsageGroup extends UsageCounters {
  month: string | null;
  branch: string | null;
  insurerNumber: string | null;
  institutionKind: InstitutionKind | null;
  institutionPrefecture: string | null;
}

/** Which cells to sum (months 'YYYY-MM', inclusive) and how to group them. */
export interface UsageQuery {
  fromMonth: string;
  toMonth: string;
  insurerNumber?: string;
  scheme?: Scheme;
  institutionKind?: InstitutionKind;
  groupBy: readonly UsageDimension[];
}

/** 利用登録状況 of one insurer (or a group) at a month end: members in force and those with a registration in force. */
export interface RegistrationGroup {
  month: string | null;
  branch: string | null;
  insurerNumber: string | null;
  members: number;
  registered: number;
}

/** Which registration snapshots to sum. */
export interface RegistrationQuery {
  fromMonth: string;
  toMonth: string;
  insurerNumber?: string;
  scheme?: Scheme;
  groupBy: readonly ('month' | 'branch' | 'insurer')[];
}

/**
 * Aggregates maintained as data arrives (decision 0115): `confirmations.record/insertMany` and
 * `claims.insert/insertMany` update the usage cells in the same transaction; the registration snapshot is a monthly job.
 */
export interface StatsRepository {
  sumUsage(query: UsageQuery): Promise<UsageGroup[]>;
  /** Writes (or rewrites) every insurer's snapshot for `month` as of `asOf`; returns the rows written. */
  snapshotRegistrations(month: string, asOf: string): Promise<number>;
  sumRegistrations(query: RegistrationQuery): Promise<RegistrationGroup[]>;
  /** The months that have any usage cell, ascending. */
  usageMonths(): Promise<string[]>;
}

/** Disaster-mode declarations. */
export interface DisasterRepository {
  declare(d: WithOptionalId<DisasterDeclaration>): Promise<DisasterDeclaration>;
  list(): Promise<DisasterDeclaration[]>;
  /** Declarations covering `prefecture` on `date` (startsOn ≤ date ≤ endsOn). */
  activeOn(prefecture: string, date: string): Promise<DisasterDeclaration[]>;
}

/** 代理人 grants of the citizen portal. */
export interface ProxyRepository {
  grant(input: WithOptionalId<Omit<ProxyGrant, 'revokedAt'>>): Promise<ProxyGrant>;
  get(id: string): Promise<ProxyGrant | null>;
  /** Ends a grant at `at`; false when it was already ended or does not exist. */
  revoke(id: string, at: string): Promise<boolean>;
  /** Grants the principal gave, oldest first (ended ones too). */
  listByPrincipal(principalPersonId: string): Promise<ProxyGrant[]>;
  /** Grants held by the proxy, oldest first (ended ones too). */
  listByProxy(proxyPersonId: string): Promise<ProxyGrant[]>;
}

/** A value in a bulk row: what JSON carries unchanged (booleans are stored as 0/1). */
export type BulkValue = string | number | boolean | null;

/**
 * The person-centred rows of a large load (the seed), one array per table, each row in the store's column order
 * (`encodeBulkRows` in store/sql/bulkRows.ts makes them, possibly on a worker thread: decision 0125). `links`
 * rows are `[individualNumber, personId, linkedOn, linkedBy]` with the マイナンバー in clear: the store hashes it
 * with its key on insert, so the key never leaves the store (decision 0042).
 */
export interface BulkRows {
  persons: BulkValue[][];
  links: BulkValue[][];
  qualifications: BulkValue[][];
  attributes: BulkValue[][];
  cards: BulkValue[][];
  registrations: BulkValue[][];
  dvFlags: BulkValue[][];
  documents: BulkValue[][];
}

/** The records `encodeBulkRows` turns into `BulkRows`: what the repositories' `insertMany` calls take. */
export interface BulkRecords {
  persons: Person[];
  links: { personId: string; individualNumber: string; linkedOn: string; linkedBy: string | null }[];
  qualifications: Omit<Qualification, 'memberKey'>[];
  attributes: QualificationAttribute[];
  cards: Card[];
  registrations: InsuranceUseRegistration[];
  dvFlags: DvFlagRecord[];
  documents: IssuedDocument[];
}

/** Writes pre-encoded rows (decision 0125). */
export interface BulkRowRepository {
  /** Inserts every table's rows in foreign-key order, all or nothing; a row of the wrong width is refused (RangeError). */
  insert(rows: BulkRows): Promise<void>;
}

/** Everything readable and writable, inside or outside a transaction. */
export interface StoreRepositories {
  persons: PersonRepository;
  individualNumbers: IndividualNumberRepository;
  insurers: InsurerRepository;
  credentials: CredentialRepository;
  qualifications: QualificationRepository;
  documents: DocumentRepository;
  dvFlags: DvFlagRepository;
  cards: CardRepository;
  certificates: CertificateRepository;
  authority: AuthorityRepository;
  institutions: InstitutionRepository;
  confirmations: ConfirmationRepository;
  consents: ConsentRepository;
  clinicalRecords: ClinicalRecordRepository;
  claims: ClaimRepository;
  audit: AuditRepository;
  idempotency: IdempotencyRepository;
  referenceNumbers: ReferenceNumberRepository;
  bulkJobs: BulkJobRepository;
  disasters: DisasterRepository;
  stats: StatsRepository;
  proxies: ProxyRepository;
  bulkRows: BulkRowRepository;
}

/** The repositories bound to one open transaction. */
export type StoreTx = StoreRepositories;

/**
 * The store. Each method outside `transaction` is atomic on its own. `transaction(fn)` commits when `fn`
 * resolves and rolls back when it throws, so a failed request leaves nothing half-written (decision 0041).
 * Inside `fn` use `tx`; calls on the store itself made from within `fn` join the same transaction, and so does a
 * nested `transaction`.
 */
export interface Store extends StoreRepositories {
  readonly kind: 'sqlite' | 'postgres';
  /**
   * SQLite files only: the check journal (decision 0168), which takes the hot path's confirmation rows and audit
   * entries off the app's connection. Absent elsewhere: those go through the audit log's group commit.
   */
  readonly checkJournal?: CheckJournalPort;
  /** SQLite files only: the read-model reader thread's counts (decision 0173), for metrics and tests. */
  readonly readModelReader?: { status(): ReadModelReaderStatus };
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /**
   * A transaction for loading many rows into empty or small tables (the seed): all or nothing like `transaction`,
   * but SQLite drops the person-centred tables' secondary indexes first and builds them again before COMMIT, with
   * a larger page cache (decision 0126). Nested in an open transaction it simply joins it. `keepIndexes` is for a
   * load that looks up what it has written (the member import): the same journal and cache, the indexes kept
   * (decision 0150).
   */
  bulkLoad<T>(fn: (tx: StoreTx) => Promise<T>, options?: BulkLoadOptions): Promise<T>;
  close(): Promise<void>;
}

/** Options of `Store.bulkLoad`. */
export interface BulkLoadOptions {
  /** Keep the secondary indexes up to date row by row, because the load queries them (decision 0150). */
  keepIndexes?: boolean;
}

/** Where the store lives. */
export type StoreConfig = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

/** Secrets and tuning for `createStore`. */
export interface StoreOptions {
  /** Server secret for the keyed hash of マイナンバー (decision 0042). */
  individualNumberKey: Buffer | string;
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
  /** Tuning of a SQLite file's check journal (tests start it at once). */
  checkJournal?: CheckJournalOptions;
  /** Tuning of a SQLite file's read-model reader thread (decision 0173; tests start it at once). */
  readModelReader?: ReadModelReaderOptions;
}

/** What a read-model reader thread has done (decision 0173). */
export interface ReadModelReaderStatus {
  /** Whether the thread runs (before it starts, and after a failure, reads go to the app's connection). */
  running: boolean;
  /** Messages sent to the thread, and the reads they carried. */
  batches: number;
  reads: number;
}

/** Tuning of a SQLite file's read-model reader thread (decision 0173; tests start it at once). */
export interface ReadModelReaderOptions {
  /** Reads made on the app's own connection before the thread starts. */
  startAfter?: number;
  /** Called once with why the thread stopped (a message without personal data); later reads go to the caller. */
  onProblem?: (message: string) => void;
}

/** Tuning of a SQLite file's check journal (decision 0168; tests start it at once). */
export interface CheckJournalOptions {
  /** Checks recorded the other way before the threads start (a server starts them when ready; tests and jobs never). */
  startAfter?: number;
  /**
   * How long a check that finds the thread idle waits for others before its group goes (ms, default 1); while the
   * thread commits a group, the next goes when it is answered.
   */
  windowMs?: number;
  /** How often the thread moves the journal into the database (ms). */
  moveIntervalMs?: number;
  /** Called with a failure of the thread or of a move (a message without personal data). */
  onProblem?: (message: string) => void;
}

/** A write that clashes with a uniqueness rule (already linked My Number, taken audit seq, duplicate id …). */
export class StoreConflictError extends Error {
  readonly code = 'STORE_CONFLICT';
  constructor(
    message: string,
    readonly constraint: string,
  ) {
    super(message);
    this.name = 'StoreConflictError';
  }
}

/**
 * The check journal did not take a check and certainly wrote nothing of it (not running, or its transaction rolled
 * back): the caller records the check the other way (decision 0168). Any other failure of `record` may have written it.
 */
export class CheckNotJournaledError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckNotJournaledError';
  }
}

/** A write that names a record which does not exist (e.g. an attribute for an unknown qualification). */
export class StoreNotFoundError extends Error {
  readonly code = 'STORE_NOT_FOUND';
  constructor(
    message: string,
    readonly entity: string,
  ) {
    super(message);
    this.name = 'StoreNotFoundError';
  }
}
