import { addDays, addYears, compareDates, endOfMonth, RECORD_DEPTH_YEARS } from '@onshi/core';
import { OqsError } from '../../formats/errors.js';
import type {
  CheckupInfoRequest,
  CheckupInfoResponse,
  MedicationInfoRequest,
  MedicationInfoResponse,
} from '../../formats/schemas.js';
import { toWireDate, toWireDateTime } from '../../formats/wire.js';
import type {
  ClinicalRecord,
  ClinicalRecordKind,
  Consent,
  ConsentItem,
  Person,
  Sex,
  StoreRepositories,
} from '../../store/types.js';
import { today, type OqsDeps } from './deps.js';
import { toHalfWidthKana } from './result.js';

/*
 * 薬剤情報 / 特定健診 / 診療・手術情報 from the claims data (issue 6; rules.md §6; oqs-interface.md §6), read by a
 * clinic only: inside the 24-hour consent window, only the consenting institution, only the items consented
 * (otherwise a coded consent error), as far back as the depth of each kind. Every read — and every refusal — is
 * appended to the audit log with who, what, when, the institution and the consent it rests on. Decision 0102.
 */

/** Years of history per record kind: 薬剤 3, 特定健診 5 (rules.md §6.5), 診療 3 and 手術 5 (decision 0102). */
export const RECORD_DEPTH: Record<ClinicalRecordKind, number> = {
  medication: RECORD_DEPTH_YEARS.medication,
  checkup: RECORD_DEPTH_YEARS.checkup,
  treatment: 3,
  surgery: 5,
};

/** The reader consent item each record kind rests on: 診療・お薬 covers drugs and treatments (rules.md §6.2). */
export const CONSENT_ITEM_OF: Record<ClinicalRecordKind, ConsentItem> = {
  medication: 'medication',
  treatment: 'medication',
  surgery: 'surgery',
  checkup: 'checkup',
};

/** Kinds a clinic may view on oral consent in disaster mode: 薬剤 and 特定健診 only (rules.md §5 [S32]). */
const ORAL_CONSENT_KINDS: readonly ClinicalRecordKind[] = ['medication', 'checkup'];

/** The member whose records are asked for, as the YZK/TKK header names them (no birth date). */
export interface MemberKeysInput {
  insurerNumber: string;
  symbol: string | null;
  number: string;
  branch: string | null;
}

/** One read of medical information. */
export interface ReadMedicalRecordsInput {
  /** The authenticated institution. */
  institutionCode: string;
  member: MemberKeysInput;
  /** The kinds that must be viewable (refused as a whole when one is not). */
  kinds: readonly ClinicalRecordKind[];
  /** Kinds added when their consent also covers them (e.g. 手術 lines in a 薬剤 read); never refused. */
  optionalKinds?: readonly ClinicalRecordKind[];
  /** Narrower months than the depth, 'YYYY-MM' (YZK StartDate/EndDate). */
  fromMonth?: string;
  toMonth?: string;
  /** Disaster mode: the patient consented orally (緊急時医療情報・資格確認機能, rules.md §5 [S32]). */
  oralConsent?: boolean;
}

/** What a read returns: the person, the records per kind (newest first) and the period read. */
export interface MedicalRecordsRead {
  person: Person;
  records: Partial<Record<ClinicalRecordKind, ClinicalRecord[]>>;
  /** The consent the read rests on; null for an oral consent in disaster mode. */
  consent: Consent | null;
  /** Per kind, the first and last day read. */
  periods: Partial<Record<ClinicalRecordKind, { from: string; to: string }>>;
}

async function personOf(repos: StoreRepositories, member: MemberKeysInput): Promise<Person> {
  const candidates = await repos.qualifications.findByMemberKey(member);
  const ids = new Set(candidates.map((q) => q.personId));
  if (ids.size > 1) {
    throw new OqsError('multipleMatches');
  }
  const [first] = candidates;
  const person = first === undefined ? null : await repos.persons.get(first.personId);
  if (person === null) {
    throw new OqsError('noQualification');
  }
  return person;
}

/** The period of one kind: depth years back to today, narrowed by the asked months. */
function periodOf(
  kind: ClinicalRecordKind,
  date: string,
  fromMonth: string | undefined,
  toMonth: string | undefined,
): { from: string; to: string } {
  let from = addDays(addYears(date, -RECORD_DEPTH[kind]), 1);
  let to = date;
  if (fromMonth !== undefined && compareDates(`${fromMonth}-01`, from) > 0) {
    from = `${fromMonth}-01`;
  }
  if (toMonth !== undefined) {
    const last = endOfMonth(`${toMonth}-01`);
    if (compareDates(last, to) < 0) {
      to = last;
    }
  }
  return { from, to };
}

/**
 * Decides whether the institution may read these kinds now and on what: the item must be enabled at the
 * institution (OQS-E-CONSENT-ITEM-DISABLED); then either an open consent of this person at this institution
 * covering the item (OQS-E-CONSENT-EXPIRED when the only one has run out, OQS-E-CONSENT-MISSING when there is
 * none), or — in disaster mode — the patient's oral consent, for 薬剤 and 健診 only (OQS-E-DISASTER-INACTIVE
 * outside a declared area and period).
 */
async function authorise(
  deps: OqsDeps,
  input: ReadMedicalRecordsInput,
  person: Person,
  at: Date,
): Promise<{ consent: Consent | null; disasterId: string | null; covered: ClinicalRecordKind[] }> {
  const repos = deps.ctx.store;
  const institution = await repos.institutions.get(input.institutionCode);
  if (institution === null || !institution.oqsEnabled) {
    throw new OqsError('forbidden', 'institution not registered for OQS');
  }
  for (const kind of input.kinds) {
    if (!institution.consentItemsEnabled.includes(CONSENT_ITEM_OF[kind])) {
      throw new OqsError('consentItemDisabled', CONSENT_ITEM_OF[kind]);
    }
  }
  if (input.oralConsent === true) {
    const declarations = await repos.disasters.activeOn(institution.prefecture, today(deps.ctx));
    const [declaration] = declarations;
    if (declaration === undefined) {
      throw new OqsError('disasterInactive');
    }
    if (input.kinds.some((k) => !ORAL_CONSENT_KINDS.includes(k))) {
      throw new OqsError('consentMissing', 'oral consent covers 薬剤 and 特定健診 only');
    }
    return { consent: null, disasterId: declaration.id, covered: [...input.kinds] };
  }
  const open = await repos.consents.activeAt(person.id, input.institutionCode, at.toISOString());
  const needed = new Set(input.kinds.map((k) => CONSENT_ITEM_OF[k]));
  const consent = open.find((c) => [...needed].every((item) => c.items.includes(item)));
  if (consent === undefined) {
    const past = (await repos.consents.listByPerson(person.id)).filter(
      (c) => c.institutionCode === input.institutionCode && [...needed].every((item) => c.items.includes(item)),
    );
    throw new OqsError(past.length > 0 ? 'consentExpired' : 'consentMissing');
  }
  const covered = [...input.kinds];
  for (const kind of input.optionalKinds ?? []) {
    if (
      consent.items.includes(CONSENT_ITEM_OF[kind]) &&
      institution.consentItemsEnabled.includes(CONSENT_ITEM_OF[kind])
    ) {
      covered.push(kind);
    }
  }
  return { consent, disasterId: null, covered };
}

/**
 * Reads a person's medical information for a clinic under the consent rules (rules.md §6) and audits the read
 * (or the refusal) with the consent it rests on. Throws the coded OqsError on refusal.
 */
export async function readMedicalRecords(deps: OqsDeps, input: ReadMedicalRecordsInput): Promise<MedicalRecordsRead> {
  const repos = deps.ctx.store;
  const at = deps.ctx.clock.now();
  const date = today(deps.ctx);
  const action = `oqs.medicalInfo.${input.kinds.join('+')}`;
  let person: Person | null = null;
  try {
    person = await personOf(repos, input.member);
    const decision = await authorise(deps, input, person, at);
    const records: MedicalRecordsRead['records'] = {};
    const periods: MedicalRecordsRead['periods'] = {};
    let count = 0;
    for (const kind of decision.covered) {
      const period = periodOf(kind, date, input.fromMonth, input.toMonth);
      periods[kind] = period;
      const rows = await repos.clinicalRecords.listByPerson(person.id, kind, period.from, period.to);
      records[kind] = rows;
      count += rows.length;
    }
    await deps.audit.append({
      at: at.toISOString(),
      actorKind: 'institution',
      actorId: input.institutionCode,
      action,
      personId: person.id,
      target: decision.consent?.id ?? decision.disasterId,
      outcome: 'allowed',
      detail: {
        kinds: decision.covered.join(','),
        consentId: decision.consent?.id ?? null,
        consentedAt: decision.consent?.consentedAt ?? null,
        oralConsent: input.oralConsent === true,
        disasterMode: decision.disasterId !== null,
        disasterId: decision.disasterId,
        records: count,
      },
    });
    return { person, records, consent: decision.consent, periods };
  } catch (thrown) {
    if (thrown instanceof OqsError) {
      await deps.audit.append({
        at: at.toISOString(),
        actorKind: 'institution',
        actorId: input.institutionCode,
        action,
        personId: person?.id ?? null,
        target: null,
        outcome: 'refused',
        detail: { kinds: input.kinds.join(','), resultCode: thrown.code, oralConsent: input.oralConsent === true },
      });
    }
    throw thrown;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The YZK / TKK messages (oqs-interface.md §6)

const SEX_CODES: Record<Sex, '1' | '2' | '3'> = { male: '1', female: '2', unset: '3' };

function detailText(record: ClinicalRecord, key: string): string | undefined {
  const value = record.detail[key];
  if (value === undefined || value === null || value === '') {
    return undefined;
  }
  return String(value);
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Partial<Record<K, string>>);
}

type MonthInf = NonNullable<MedicationInfoResponse['messageBody']['meTrMonthInf']>[number];
type DateInf = NonNullable<MonthInf['diDateInfs']>[number];

/**
 * Groups records the way the YZK file does: one MeTrMonthInf per month and institution (newest month first), one
 * DiDateInf per day with its drugs (DrugInf) and treatments/surgeries (MeTrInf).
 */
async function monthInfs(repos: StoreRepositories, read: MedicalRecordsRead): Promise<MonthInf[]> {
  const all = [
    ...(read.records.medication ?? []),
    ...(read.records.treatment ?? []),
    ...(read.records.surgery ?? []),
  ].sort((a, b) => compareDates(b.date, a.date));
  const months = new Map<string, { month: string; institutionCode: string | null; days: Map<string, DateInf> }>();
  for (const record of all) {
    const key = `${record.date.slice(0, 7)}|${record.institutionCode ?? ''}`;
    let month = months.get(key);
    if (month === undefined) {
      month = { month: record.date.slice(0, 7), institutionCode: record.institutionCode, days: new Map() };
      months.set(key, month);
    }
    let day = month.days.get(record.date);
    if (day === undefined) {
      day = { diDate: toWireDate(record.date) };
      month.days.set(record.date, day);
    }
    if (record.kind === 'medication') {
      (day.drugInfs ??= []).push({
        drugC: record.code,
        drugN: record.name,
        ...optional('ingreN', detailText(record, 'ingredient')),
        ...optional('qua1', detailText(record, 'quantity')),
        ...optional('unit', detailText(record, 'unit')),
        ...optional('usageN', detailText(record, 'usage')),
        ...optional('times', detailText(record, 'times')),
        ...optional('spInst', detailText(record, 'specialInstruction')),
      });
    } else {
      (day.meTrInfs ??= []).push({ sinInfCd: record.code, sinInfN: record.name });
    }
  }
  const names = new Map<string, string | null>();
  const out: MonthInf[] = [];
  for (const month of months.values()) {
    const code = month.institutionCode;
    if (code !== null && !names.has(code)) {
      names.set(code, (await repos.institutions.get(code))?.name ?? null);
    }
    const name = code === null ? null : (names.get(code) ?? null);
    out.push({
      ...(code !== null ? { meTrDiHCd: code } : {}),
      ...(name !== null ? { meTrDiHNm: name } : {}),
      meTrMonth: month.month.replace('-', ''),
      diDateInfs: [...month.days.values()],
    });
  }
  return out;
}

/** The YZK/TKK request header as member keys. */
function memberOfHeader(header: MedicationInfoRequest['messageHeader']): MemberKeysInput {
  return {
    insurerNumber: header.insurerNumber,
    symbol: header.insuranceCardSymbol ?? null,
    number: header.insuredPersonIdentificationNumber,
    branch: header.branchNumber ?? null,
  };
}

function monthOfWire(yyyymm: string | undefined): string | undefined {
  return yyyymm === undefined ? undefined : `${yyyymm.slice(0, 4)}-${yyyymm.slice(4, 6)}`;
}

/** Only the XML file category is produced (FileCategory 2); PDF (1) is refused with a coded error. */
function requireXmlCategory(fileCategory: '1' | '2'): void {
  if (fileCategory !== '2') {
    throw new OqsError('unsupportedMessage', 'FileCategory 1 (PDF) is not produced; ask for 2 (XML)');
  }
}

/** Options of a medication read beyond the message. */
export interface MedicalInfoOptions {
  /** Disaster mode: oral consent (the `Onshi-Oral-Consent: disaster` header). */
  oralConsent?: boolean;
  /** Which kinds must be viewable: default 薬剤 (+ 診療 lines, + 手術 lines when consented). */
  kinds?: readonly ClinicalRecordKind[];
}

/**
 * YZKsiquc01req → YZKsiquc01res: 薬剤情報 (3 years, narrowed by StartDate/EndDate) with the 診療 lines that the
 * same 診療・お薬 consent covers, and 手術 lines when 手術 was consented too. `kinds` asks for treatments or
 * surgeries alone (the JSON endpoints).
 */
export async function handleMedicationInfo(
  deps: OqsDeps,
  institutionCode: string,
  message: MedicationInfoRequest,
  characterCodeIdentifier: '0' | '1',
  options: MedicalInfoOptions = {},
): Promise<MedicationInfoResponse> {
  requireXmlCategory(message.messageBody.fileCategory);
  const kinds = options.kinds ?? ['medication'];
  const drugs = kinds.includes('medication');
  const read = await readMedicalRecords(deps, {
    institutionCode,
    member: memberOfHeader(message.messageHeader),
    kinds,
    optionalKinds: drugs && options.oralConsent !== true ? ['treatment', 'surgery'] : [],
    ...optional('fromMonth', monthOfWire(message.messageBody.startDate)),
    ...optional('toMonth', monthOfWire(message.messageBody.endDate)),
    ...(options.oralConsent === true ? { oralConsent: true } : {}),
  });
  const header = message.messageHeader;
  return {
    messageHeader: {
      processExecutionTime: toWireDateTime(deps.ctx.clock.now()),
      medicalInstitutionCode: institutionCode,
      ...optional('arbitraryFileIdentifier', header.arbitraryFileIdentifier),
      resultCode: '1',
      characterCodeIdentifier,
      quaInf: {
        name: read.person.nameKanji,
        kanaName: toHalfWidthKana(read.person.nameKana),
        birth: toWireDate(read.person.birthDate),
        admGendCode: SEX_CODES[read.person.sex],
      },
    },
    messageBody: { meTrMonthInf: await monthInfs(deps.ctx.store, read) },
  };
}

/** TKKsiquc01req → TKKsiquc01res: 特定健診 results (5 years), one SpecificHealthCheckupInfo per check-up day. */
export async function handleCheckupInfo(
  deps: OqsDeps,
  institutionCode: string,
  message: CheckupInfoRequest,
  characterCodeIdentifier: '0' | '1',
  options: MedicalInfoOptions = {},
): Promise<CheckupInfoResponse> {
  requireXmlCategory(message.messageBody.fileCategory);
  const read = await readMedicalRecords(deps, {
    institutionCode,
    member: memberOfHeader(message.messageHeader),
    kinds: ['checkup'],
    ...(options.oralConsent === true ? { oralConsent: true } : {}),
  });
  const byDate = new Map<
    string,
    NonNullable<CheckupInfoResponse['messageBody']['specificHealthCheckupInfo']>[number]
  >();
  for (const record of read.records.checkup ?? []) {
    let info = byDate.get(record.date);
    if (info === undefined) {
      info = { effectiveTime: toWireDate(record.date), healthCheckupResultAndQuestionInfos: [] };
      byDate.set(record.date, info);
    }
    (info.healthCheckupResultAndQuestionInfos ??= []).push({
      itemCode: record.code,
      itemName: record.name,
      ...optional('dataType', detailText(record, 'dataType')),
      ...optional('dataValue', detailText(record, 'value')),
      ...optional('unit', detailText(record, 'unit')),
      ...optional('oid', detailText(record, 'oid')),
      ...optional('dataValueName', detailText(record, 'valueName')),
    });
  }
  const header = message.messageHeader;
  return {
    messageHeader: {
      processExecutionTime: toWireDateTime(deps.ctx.clock.now()),
      medicalInstitutionCode: institutionCode,
      ...optional('arbitraryFileIdentifier', header.arbitraryFileIdentifier),
      resultCode: '1',
      characterCodeIdentifier,
      qualificationsInfo: {
        name: read.person.nameKanji,
        kanasName: toHalfWidthKana(read.person.nameKana),
        birthday: toWireDate(read.person.birthDate),
        administrativeGenderCode: SEX_CODES[read.person.sex],
      },
    },
    messageBody: { specificHealthCheckupInfo: [...byDate.values()] },
  };
}
