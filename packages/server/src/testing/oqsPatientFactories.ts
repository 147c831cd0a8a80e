import { institutionCodeCheckDigit } from '@onshi/core';
import type {
  ClinicalRecord,
  ConsentItem,
  Institution,
  InstitutionKind,
  Person,
  Qualification,
} from '../store/types.js';
import type { TestServer } from './harness.js';

/*
 * Factories for the OQS 一括照会, 照会番号 and 医療情報 tests: institutions, members and clinical records written
 * straight into the store (the insurer API has its own tests), consents as the reader records them.
 */

/** A valid 医療機関コード: prefecture, 点数表 digit, 6 digits and the modulus-10 check digit (rules.md §1). */
export function institutionCode(prefecture: string, table: '1' | '3' | '4', serial: number): string {
  const first9 = `${prefecture}${table}${String(serial).padStart(6, '0')}`;
  return `${first9}${String(institutionCodeCheckDigit(first9))}`;
}

/** Registers an institution in the store (OQS enabled) and returns its code and credential header. */
export async function seedInstitution(
  server: TestServer,
  options: {
    code?: string;
    kind?: InstitutionKind;
    consentItemsEnabled?: ConsentItem[];
    prefecture?: string;
  } = {},
): Promise<{ institution: Institution; token: string }> {
  const code = options.code ?? institutionCode(options.prefecture ?? '13', '1', 100001);
  const institution = await server.ctx.store.institutions.upsert({
    institutionCode: code,
    name: 'オンシ内科クリニック',
    kind: options.kind ?? 'clinic',
    prefecture: code.slice(0, 2),
    address: '東京都千代田区1-1',
    oqsEnabled: true,
    readerStatus: 'working',
    consentItemsEnabled: options.consentItemsEnabled ?? ['medication', 'surgery', 'checkup'],
    smartphoneReader: false,
  });
  const token = await server.tokenFor({ kind: 'institution', institutionCode: code });
  return { institution, token };
}

/** A member's keys as a clinic types them. */
export interface MemberKeys {
  insurerNumber: string;
  symbol: string | null;
  number: string;
  branch: string | null;
  birthDate: string;
}

let serial = 0;

/** Inserts a person with one open qualification (insured, 協会けんぽ 東京 by default) and returns both. */
export async function seedMember(
  server: TestServer,
  overrides: Partial<MemberKeys> & { acquiredOn?: string; lostOn?: string | null; address?: string } = {},
): Promise<{ person: Person; qualification: Qualification; keys: MemberKeys }> {
  serial += 1;
  const store = server.ctx.store;
  await store.insurers.upsert({
    insurerNumber: overrides.insurerNumber ?? '01130012',
    name: '全国健康保険協会 東京支部',
    scheme: 'kyokai',
    prefecture: '13',
    branch: '東京',
  });
  const keys: MemberKeys = {
    insurerNumber: overrides.insurerNumber ?? '01130012',
    symbol: overrides.symbol === undefined ? '1234' : overrides.symbol,
    number: overrides.number ?? String(1000 + serial),
    branch: overrides.branch === undefined ? '00' : overrides.branch,
    birthDate: overrides.birthDate ?? '1970-05-06',
  };
  const person = await store.persons.insert({
    nameKanji: '山田 太郎',
    nameKana: 'ヤマダ タロウ',
    birthDate: keys.birthDate,
    sex: 'male',
    address: overrides.address ?? '東京都新宿区西新宿2-8-1',
    postalCode: '163-8001',
    prefecture: '13',
  });
  const qualification = await store.qualifications.insert({
    personId: person.id,
    insurerNumber: keys.insurerNumber,
    symbol: keys.symbol,
    number: keys.number,
    branch: keys.branch,
    relationship: 'insured',
    insuredQualificationId: null,
    acquiredOn: overrides.acquiredOn ?? '2020-04-01',
    lostOn: overrides.lostOn ?? null,
    lossReason: overrides.lostOn ? '99' : null,
    cardClassification: '01',
  });
  await store.qualifications.setAttribute({
    kind: 'copayRate',
    qualificationId: qualification.id,
    validFrom: qualification.acquiredOn,
    recordedAt: '2020-04-01T00:00:00.000Z',
    rate: 0.3,
  });
  return { person, qualification, keys };
}

/** Records a consent at the reader for `hours` ago… now (the 24 h window starts at `consentedAt`). */
export async function seedConsent(
  server: TestServer,
  input: { institutionCode: string; personId: string; items: ConsentItem[]; consentedAt: string },
): Promise<void> {
  const expiresAt = new Date(new Date(input.consentedAt).getTime() + 24 * 3_600_000).toISOString();
  await server.ctx.store.consents.record({
    institutionCode: input.institutionCode,
    personId: input.personId,
    items: input.items,
    consentedAt: input.consentedAt,
    expiresAt,
  });
}

/** Inserts clinical records for a person (drugs, check-up items, treatments, surgeries). */
export async function seedRecords(
  server: TestServer,
  personId: string,
  records: readonly Omit<ClinicalRecord, 'id' | 'personId'>[],
): Promise<void> {
  for (const record of records) {
    await server.ctx.store.clinicalRecords.insert({ ...record, personId });
  }
}
