/**
 * What the population generator yields. Field names follow docs/glossary.md and mirror the Store records
 * (store/types.ts) so the seed can write them with little mapping; this module does not import the Store, so the
 * generator stays pure and usable without a database.
 */

/** 制度 of a generated insurer (a subset of the Store's `Scheme`). */
export type GeneratedScheme = 'kyokai' | 'kumiai' | 'kyosai' | 'kokuho' | 'kokuhoKumiai' | 'lateElderly';

/** 保険者. `insurerNumber` is 8 digits (国保 and 国保組合 6). */
export interface GeneratedInsurer {
  insurerNumber: string;
  name: string;
  scheme: GeneratedScheme;
  /** JIS prefecture code of the insurer's seat. */
  prefecture: string;
  /** 協会けんぽ 支部 name (e.g. '東京支部'), else null. */
  branch: string | null;
  /** For 国保: the municipality it covers; else null. */
  municipality: string | null;
}

/** 性別 as the Store keeps it (the generator never produces 'unset'). */
export type GeneratedSex = 'male' | 'female';

/** A person's place in the household (世帯): 世帯主, spouse, child, or the householder's parent. */
export type HouseholdRole = 'householder' | 'spouse' | 'child' | 'parent';

/** A natural person, shaped like the Store's `Person`. */
export interface GeneratedPerson {
  id: string;
  nameKanji: string;
  nameKana: string;
  birthDate: string;
  sex: GeneratedSex;
  address: string;
  postalCode: string;
  prefecture: string;
}

/** 資格喪失事由 (OQS): 01 死亡, 02 生保開始, 03 医療保険等取得, 99 その他. */
export type GeneratedLossReason = '01' | '02' | '03' | '99';

/** 資格: shaped like the Store's `Qualification` without the store-computed `memberKey`. */
export interface GeneratedQualification {
  id: string;
  personId: string;
  insurerNumber: string;
  symbol: string | null;
  number: string;
  branch: string | null;
  relationship: 'insured' | 'dependant';
  /** For a dependant: the insured person's qualification id (same insurer, same household). */
  insuredQualificationId: string | null;
  acquiredOn: string;
  lostOn: string | null;
  lossReason: GeneratedLossReason | null;
  /** 被保険者証区分 01 一般. */
  cardClassification: '01';
}

/** 限度額適用区分 codes (rules.md §3). */
export type GeneratedLimitCategory =
  'A01' | 'A02' | 'A03' | 'A04' | 'A05' | 'B01' | 'B02' | 'B03' | 'B04' | 'B05' | 'B06' | 'B09' | 'B10';

interface GeneratedAttributeBase {
  id: string;
  qualificationId: string;
  personId: string;
  validFrom: string;
  validTo: string | null;
  recordedAt: string;
  supersededAt: null;
}

/** An effective-dated attribute of a qualification, shaped like the Store's attribute rows. */
export type GeneratedAttribute =
  | (GeneratedAttributeBase & { kind: 'copayRate'; rate: 0.1 | 0.2 | 0.3 })
  | (GeneratedAttributeBase & {
      kind: 'limitCategory';
      category: GeneratedLimitCategory;
      certificateClassification: null;
      issuedOn: null;
      longTermOn: null;
    })
  | (GeneratedAttributeBase & { kind: 'elderlyRecipient'; rate: 0.2 | 0.3; issuedOn: string | null });

/** A My Number card or a smartphone's card function, shaped like the Store's `Card`. */
export interface GeneratedCard {
  id: string;
  personId: string;
  kind: 'standard' | 'faceOnly' | 'smartphone';
  platform: 'android' | 'iphone' | null;
  issuedOn: string;
  expiresOn: string;
  status: 'active';
  statusChangedOn: null;
}

/**
 * An electronic certificate's validity. The generator does not mint keys or DER: the seed has the card
 * authority issue real certificates with these dates.
 */
export interface GeneratedCertificate {
  cardId: string;
  kind: 'auth' | 'signing';
  notBefore: string;
  notAfter: string;
}

/** 健康保険証利用登録, shaped like the Store's `InsuranceUseRegistration`. */
export interface GeneratedRegistration {
  id: string;
  personId: string;
  cardId: string;
  registeredOn: string;
  channel: 'reader' | 'portal' | 'atm' | 'wardOffice';
  /** 利用登録解除, or the day after the grace period when an expired certificate cancelled it. */
  unregisteredOn: string | null;
}

/** A DV flag period, shaped like the Store's `DvFlagRecord`. */
export interface GeneratedDvFlag {
  id: string;
  personId: string;
  flag: 'selfInfoBlocked' | 'nonDisclosure';
  setOn: string;
  clearedOn: null;
  setBy: string;
}

/** What a document printed (the Store's `PrintedFields`, the fields the generator fills). */
export interface GeneratedPrintedFields {
  nameKanji: string;
  nameKana: string;
  birthDate: string;
  sex: GeneratedSex;
  insurerNumber: string;
  insurerName: string;
  symbol: string | null;
  number: string;
  branch: string | null;
  acquiredOn: string;
  copayRate: 0.1 | 0.2 | 0.3 | null;
  individualNumberLast4: string | null;
}

/** A document issued to a member, shaped like the Store's `IssuedDocument`. */
export interface GeneratedDocument {
  id: string;
  personId: string;
  qualificationId: string;
  insurerNumber: string;
  kind: 'legacyInsuranceCard' | 'eligibilityCertificate' | 'qualificationNotice';
  issuedOn: string;
  validFrom: string;
  validTo: string | null;
  onRequest: boolean;
  printed: GeneratedPrintedFields;
}

/** One member of a household with everything attached to them. */
export interface GeneratedMember {
  person: GeneratedPerson;
  role: HouseholdRole;
  /** The 12-digit マイナンバー. The Store keeps only its keyed hash and last four digits; never log it. */
  individualNumber: string;
  /** Oldest first; the last one is current (lostOn null). */
  qualifications: GeneratedQualification[];
  attributes: GeneratedAttribute[];
  /** The physical card ('standard' or 'faceOnly') and, when present, the smartphone card function. */
  cards: GeneratedCard[];
  certificates: GeneratedCertificate[];
  registration: GeneratedRegistration | null;
  dvFlags: GeneratedDvFlag[];
  documents: GeneratedDocument[];
}

/** A household (世帯): the first member is the householder. */
export interface GeneratedHousehold {
  index: number;
  prefecture: string;
  municipality: string;
  members: GeneratedMember[];
}

/** 医療機関・薬局, shaped like the Store's `Institution`, plus its postal code. */
export interface GeneratedInstitution {
  institutionCode: string;
  name: string;
  kind: 'hospital' | 'clinic' | 'dental' | 'pharmacy';
  prefecture: string;
  address: string;
  postalCode: string;
  oqsEnabled: boolean;
  readerStatus: 'working' | 'outOfOrder';
  consentItemsEnabled: ('medication' | 'surgery' | 'checkup')[];
  smartphoneReader: boolean;
}
