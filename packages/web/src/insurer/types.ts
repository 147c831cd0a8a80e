/** What the insurer API answers (docs/api-insurer.md; /openapi.json tag `insurer`), as far as the console reads it. */

export type Relationship = 'insured' | 'dependant';
export type DvFlag = 'selfInfoBlocked' | 'nonDisclosure';
export type DocumentKind = 'legacyInsuranceCard' | 'eligibilityCertificate' | 'qualificationNotice';
export type LossReason = '01' | '02' | '03' | '99';

/** A search result (console search). */
export interface MemberFound {
  memberId: string;
  symbol: string | null;
  number: string;
  branch: string | null;
  relationship: Relationship;
  acquiredOn: string;
  lostOn: string | null;
  nameKanji: string;
  nameKana: string;
  birthDate: string;
}

/** An effective-dated attribute row. */
export type Attribute = {
  id: string;
  validFrom: string;
  validTo: string | null;
  recordedAt: string;
  supersededAt: string | null;
} & (
  | { kind: 'copayRate'; rate: number }
  | { kind: 'limitCategory'; category: string }
  | { kind: 'elderlyRecipient'; rate: number }
  | { kind: 'specificDisease'; diseaseCategory: string; selfPayLimit: number }
);

/** One member (GET /insurer/v1/members/:id). */
export interface Member {
  memberId: string;
  insurerNumber: string;
  symbol: string | null;
  number: string;
  branch: string | null;
  relationship: Relationship;
  insuredMemberId: string | null;
  acquiredOn: string;
  lostOn: string | null;
  lossReason: LossReason | null;
  cardClassification: string;
  person: {
    nameKanji: string;
    nameKana: string;
    birthDate: string;
    sex: 'male' | 'female' | 'unset';
    address: string;
    postalCode: string;
    prefecture: string;
  };
  individualNumberLast4: string | null;
  asOf: string;
  attributes: Attribute[];
}

/** A period in the member's history. */
export interface MemberSummary {
  memberId: string;
  symbol: string | null;
  number: string;
  branch: string | null;
  relationship: Relationship;
  acquiredOn: string;
  lostOn: string | null;
}

/** An issued document. */
export interface IssuedDocument {
  documentId: string;
  memberId: string;
  kind: DocumentKind;
  issuedOn: string;
  validFrom: string;
  validTo: string | null;
  printed: { nameKanji: string; symbol: string | null; number: string; branch: string | null };
  pdf: string;
}

/** GET /insurer/v1/members/:id/history. */
export interface History {
  memberId: string;
  qualifications: MemberSummary[];
  attributes: Attribute[];
  documents: IssuedDocument[];
}

/** GET /insurer/v1/console/members/:id/surroundings. */
export interface Surroundings {
  memberId: string;
  asOf: string;
  dependants: MemberFound[];
  insured: MemberFound | null;
  cards: { kind: 'standard' | 'faceOnly' | 'smartphone'; status: string; issuedOn: string; expiresOn: string }[];
  registration: { registeredOn: string; channel: string } | null;
  dvFlags: Record<DvFlag, boolean>;
}

/** POST /insurer/v1/documents/due-runs. */
export interface DueRun {
  date: string;
  considered: number;
  issued: { eligibilityCertificate: number; qualificationNotice: number };
  alreadyCovered: number;
  nothingDue: number;
  problems: { memberId: string; code: string }[];
  documents: IssuedDocument[];
  combinedPdf: string;
}

/** One line of the import stream (POST /insurer/v1/member-imports). */
export interface ImportLine {
  type: 'progress' | 'done' | 'error';
  importId?: string;
  state?: 'running' | 'done' | 'failed';
  progress?: { bytes: number; totalBytes: number; rows: number; rejects: number };
  committed?: boolean | null;
  rows?: number;
  persons?: number;
  qualifications?: number;
  rejects?: number;
  rejectReport?: string | null;
  error?: { code: string; message: { ja: string; en: string } } | null;
}
