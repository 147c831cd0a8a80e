import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existingBulkWorker } from '../../commands/oqs/bulkWorker.js';
import { parseXmlMessage, serialiseXml } from '../../formats/oqs-xml/index.js';
import { createTestServer, type TestServer } from '../../testing/harness.js';
import {
  institutionCode,
  seedConsent,
  seedInstitution,
  seedMember,
  seedRecords,
} from '../../testing/oqsPatientFactories.js';
import type { ClinicalRecord, ConsentItem } from '../../store/types.js';
import type { ErrorJson } from '../../formats/errors.js';
import type { CheckupInfoResponse, MedicationInfoResponse } from '../../formats/schemas.js';

type Answer<T> = T & Partial<ErrorJson>;

/*
 * 医療情報 (issue 6; rules.md §6): 薬剤 3 years, 特定健診 5 years, 診療・手術 from the claims data; only inside the
 * 24-hour consent window (test case 36), only the consenting institution, only the items consented; every read
 * audited with the consent it rests on; disaster mode reads on oral consent, marked in the audit.
 */

const NOW = '2026-04-01T01:00:00.000Z'; // 10:00 JST
let server: TestServer;
let token: string;
let code: string;

beforeEach(async () => {
  server = await createTestServer({ at: NOW });
  const seeded = await seedInstitution(server);
  token = seeded.token;
  code = seeded.institution.institutionCode;
  await server.app.ready();
  await existingBulkWorker(server.ctx)?.stop();
});

afterEach(async () => {
  await server.close();
});

function drug(date: string, name: string): Omit<ClinicalRecord, 'id' | 'personId'> {
  return {
    kind: 'medication',
    date,
    institutionCode: code,
    claimId: null,
    code: '620000001',
    name,
    detail: { quantity: '3', unit: '錠', usage: '1日3回毎食後', times: 7 },
  };
}

function record(
  kind: ClinicalRecord['kind'],
  date: string,
  name: string,
  detail: ClinicalRecord['detail'] = {},
): Omit<ClinicalRecord, 'id' | 'personId'> {
  return { kind, date, institutionCode: code, claimId: null, code: `${kind}-1`, name, detail };
}

function header(number: string, institution = code): Record<string, string> {
  return {
    medicalInstitutionCode: institution,
    insurerNumber: '01130012',
    insuranceCardSymbol: '1234',
    insuredPersonIdentificationNumber: number,
    branchNumber: '00',
  };
}

async function medications(
  number: string,
  options: { auth?: string; institution?: string; body?: Record<string, string>; path?: string; oral?: boolean } = {},
): Promise<{ status: number; body: Answer<MedicationInfoResponse> }> {
  const res = await server.app.inject({
    method: 'POST',
    url: options.path ?? '/oqs/v1/medical-info/medications',
    headers: {
      authorization: options.auth ?? token,
      'content-type': 'application/json',
      ...(options.oral === true ? { 'onshi-oral-consent': 'disaster' } : {}),
    },
    payload: {
      messageHeader: header(number, options.institution),
      messageBody: { fileCategory: '2', ...options.body },
    },
  });
  return { status: res.statusCode, body: res.json() };
}

async function checkups(number: string, oral = false): Promise<{ status: number; body: Answer<CheckupInfoResponse> }> {
  const res = await server.app.inject({
    method: 'POST',
    url: '/oqs/v1/medical-info/checkups',
    headers: {
      authorization: token,
      'content-type': 'application/json',
      ...(oral ? { 'onshi-oral-consent': 'disaster' } : {}),
    },
    payload: { messageHeader: header(number), messageBody: { fileCategory: '2' } },
  });
  return { status: res.statusCode, body: res.json() };
}

async function consent(
  personId: string,
  items: ConsentItem[],
  consentedAt = '2026-04-01T00:30:00.000Z',
): Promise<void> {
  await seedConsent(server, { institutionCode: code, personId, items, consentedAt });
}

function drugDays(body: MedicationInfoResponse): string[] {
  return (body.messageBody.meTrMonthInf ?? []).flatMap((m) => (m.diDateInfs ?? []).map((d) => d.diDate ?? ''));
}

function treatmentLines(body: MedicationInfoResponse): string[] {
  return (body.messageBody.meTrMonthInf ?? []).flatMap((m) =>
    (m.diDateInfs ?? []).flatMap((d) => (d.meTrInfs ?? []).map((t) => t.sinInfN ?? '')),
  );
}

describe('薬剤情報 inside the consent window (rules.md §6.5, test case 36)', () => {
  it('returns 3 years of drugs, newest month first, grouped by month and day', async () => {
    const a = await seedMember(server);
    await seedRecords(server, a.person.id, [
      drug('2026-03-20', 'ロキソプロフェン錠60mg'),
      drug('2023-04-02', '三年前の翌日'),
      drug('2023-04-01', '三年前の当日'),
      drug('2022-12-01', '古い薬'),
    ]);
    await consent(a.person.id, ['medication']);
    const { status, body } = await medications(a.keys.number);
    expect(status).toBe(200);
    expect(body.messageHeader.resultCode).toBe('1');
    expect(body.messageHeader.quaInf).toMatchObject({ name: '山田 太郎', birth: '19700506', admGendCode: '1' });
    expect(drugDays(body)).toEqual(['20260320', '20230402']);
    const first = body.messageBody.meTrMonthInf?.[0];
    expect(first).toMatchObject({ meTrMonth: '202603', meTrDiHCd: code, meTrDiHNm: 'オンシ内科クリニック' });
    expect(first?.diDateInfs?.[0]?.drugInfs?.[0]).toMatchObject({
      drugN: 'ロキソプロフェン錠60mg',
      qua1: '3',
      unit: '錠',
      usageN: '1日3回毎食後',
      times: '7',
    });
  });

  it('narrows to StartDate/EndDate (yyyyMM) inside the 3 years', async () => {
    const a = await seedMember(server);
    await seedRecords(server, a.person.id, [drug('2026-03-20', 'A'), drug('2025-06-10', 'B'), drug('2024-01-05', 'C')]);
    await consent(a.person.id, ['medication']);
    const { body } = await medications(a.keys.number, { body: { startDate: '202501', endDate: '202512' } });
    expect(drugDays(body)).toEqual(['20250610']);
  });

  it('includes 診療 lines under the same 診療・お薬 consent, and 手術 lines only when 手術 was consented', async () => {
    const a = await seedMember(server);
    await seedRecords(server, a.person.id, [
      record('treatment', '2026-03-01', '再診料'),
      record('surgery', '2025-05-01', '虫垂切除術'),
    ]);
    await consent(a.person.id, ['medication']);
    const without = await medications(a.keys.number);
    expect(treatmentLines(without.body)).toEqual(['再診料']);
    server.clock.advance(60_000);
    await consent(a.person.id, ['medication', 'surgery'], new Date(server.clock.now()).toISOString());
    const withSurgery = await medications(a.keys.number);
    expect(treatmentLines(withSurgery.body)).toEqual(['再診料', '虫垂切除術']);
  });

  it('audits the read with the institution and the consent it rests on', async () => {
    const a = await seedMember(server);
    await consent(a.person.id, ['medication']);
    const [consentRow] = await server.ctx.store.consents.listByPerson(a.person.id);
    await medications(a.keys.number);
    const rows = await server.ctx.store.audit.scan(0, 10);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actorKind: 'institution',
      actorId: code,
      action: 'oqs.medicalInfo.medication',
      personId: a.person.id,
      outcome: 'allowed',
      target: consentRow?.id,
    });
    expect(rows[0]?.detail).toMatchObject({ consentId: consentRow?.id, oralConsent: false, records: 0 });
  });

  it('also answers in OQS XML at /oqs/v1/xml/YZKsiquc01req (Shift_JIS)', async () => {
    const a = await seedMember(server);
    await seedRecords(server, a.person.id, [drug('2026-03-20', 'ロキソプロフェン錠60mg')]);
    await consent(a.person.id, ['medication']);
    const res = await server.app.inject({
      method: 'POST',
      url: '/oqs/v1/xml/YZKsiquc01req',
      headers: { authorization: token, 'content-type': 'application/xml' },
      payload: serialiseXml(
        'YZKsiquc01req',
        { messageHeader: header(a.keys.number) as never, messageBody: { fileCategory: '2' } },
        'shiftJis',
      ),
    });
    const parsed = parseXmlMessage('YZKsiquc01res', res.rawPayload);
    expect(parsed.ok && parsed.encoding).toBe('shiftJis');
    expect(parsed.ok && parsed.value.messageBody.meTrMonthInf?.[0]?.diDateInfs?.[0]?.drugInfs?.[0]?.drugN).toBe(
      'ロキソプロフェン錠60mg',
    );
  });
});

describe('refusals (rules.md §6)', () => {
  it('refuses without consent (OQS-E-CONSENT-MISSING) and audits the refusal', async () => {
    const a = await seedMember(server);
    const { status, body } = await medications(a.keys.number);
    expect(status).toBe(403);
    expect(body.error?.code).toBe('OQS-E-CONSENT-MISSING');
    const rows = await server.ctx.store.audit.scan(0, 10);
    expect(rows.map((r) => [r.action, r.outcome, r.personId])).toEqual([
      ['oqs.medicalInfo.medication', 'refused', a.person.id],
    ]);
  });

  it('refuses once 24 hours have passed since consent (OQS-E-CONSENT-EXPIRED), allows one second before', async () => {
    const a = await seedMember(server);
    await consent(a.person.id, ['medication'], '2026-03-31T01:00:01.000Z');
    expect((await medications(a.keys.number)).status).toBe(200);
    server.clock.advance(1000);
    const { status, body } = await medications(a.keys.number);
    expect(status).toBe(403);
    expect(body.error?.code).toBe('OQS-E-CONSENT-EXPIRED');
  });

  it('refuses another institution than the one the patient consented at', async () => {
    const a = await seedMember(server);
    await consent(a.person.id, ['medication', 'checkup']);
    const other = await seedInstitution(server, { code: institutionCode('27', '1', 200002) });
    const { status, body } = await medications(a.keys.number, {
      auth: other.token,
      institution: other.institution.institutionCode,
    });
    expect(status).toBe(403);
    expect(body.error?.code).toBe('OQS-E-CONSENT-MISSING');
  });

  it('refuses an item the patient did not consent to (健診 after consenting to 診療・お薬 only)', async () => {
    const a = await seedMember(server);
    await consent(a.person.id, ['medication']);
    const { status, body } = await checkups(a.keys.number);
    expect(status).toBe(403);
    expect(body.error?.code).toBe('OQS-E-CONSENT-MISSING');
    const surgeries = await medications(a.keys.number, { path: '/oqs/v1/medical-info/surgeries' });
    expect(surgeries.body.error?.code).toBe('OQS-E-CONSENT-MISSING');
  });

  it('refuses an item the institution has not switched on (OQS-E-CONSENT-ITEM-DISABLED)', async () => {
    const pharmacy = await seedInstitution(server, {
      code: institutionCode('13', '4', 300003),
      kind: 'pharmacy',
      consentItemsEnabled: ['medication'],
    });
    const a = await seedMember(server);
    const res = await server.app.inject({
      method: 'POST',
      url: '/oqs/v1/medical-info/checkups',
      headers: { authorization: pharmacy.token, 'content-type': 'application/json' },
      payload: {
        messageHeader: header(a.keys.number, pharmacy.institution.institutionCode),
        messageBody: { fileCategory: '2' },
      },
    });
    expect(res.json<{ error: { code: string } }>().error.code).toBe('OQS-E-CONSENT-ITEM-DISABLED');
  });

  it('answers a refusal to an XML client as ResultCode 2 with MessageContents', async () => {
    const a = await seedMember(server);
    const res = await server.app.inject({
      method: 'POST',
      url: '/oqs/v1/xml/TKKsiquc01req',
      headers: { authorization: token, 'content-type': 'application/xml' },
      payload: serialiseXml(
        'TKKsiquc01req',
        { messageHeader: header(a.keys.number) as never, messageBody: { fileCategory: '2' } },
        'utf8',
      ),
    });
    const parsed = parseXmlMessage('TKKsiquc01res', res.rawPayload);
    expect(parsed.ok && parsed.value.messageHeader.resultCode).toBe('2');
    expect(parsed.ok && parsed.value.messageHeader.messageContents).toContain('同意');
  });
});

describe('特定健診 (5 years) and 手術 (5 years)', () => {
  it('returns 5 years of check-ups, one SpecificHealthCheckupInfo per day with its items', async () => {
    const a = await seedMember(server);
    await seedRecords(server, a.person.id, [
      record('checkup', '2025-06-01', 'HbA1c', {
        value: '5.6',
        unit: '%',
        dataType: 'PQ',
        oid: '1.2.392.200119.6.1005',
      }),
      record('checkup', '2025-06-01', '収縮期血圧', { value: '128', unit: 'mmHg', dataType: 'PQ' }),
      record('checkup', '2021-04-02', '五年前の翌日'),
      record('checkup', '2021-04-01', '五年前の当日'),
    ]);
    await consent(a.person.id, ['checkup']);
    const { status, body } = await checkups(a.keys.number);
    expect(status).toBe(200);
    const infos = body.messageBody.specificHealthCheckupInfo ?? [];
    expect(infos.map((i) => i.effectiveTime)).toEqual(['20250601', '20210402']);
    expect(infos[0]?.healthCheckupResultAndQuestionInfos).toHaveLength(2);
    expect(body.messageHeader.qualificationsInfo).toMatchObject({ name: '山田 太郎', birthday: '19700506' });
  });

  it('returns 5 years of surgeries under the 手術 consent', async () => {
    const a = await seedMember(server);
    await seedRecords(server, a.person.id, [
      record('surgery', '2021-04-02', '腹腔鏡下胆嚢摘出術'),
      record('surgery', '2021-04-01', '五年前の当日'),
    ]);
    await consent(a.person.id, ['surgery']);
    const { status, body } = await medications(a.keys.number, { path: '/oqs/v1/medical-info/surgeries' });
    expect(status).toBe(200);
    expect(drugDays(body)).toEqual(['20210402']);
  });
});

describe('disaster mode: oral consent (rules.md §5 [S32])', () => {
  it('allows 薬剤 and 健診 on oral consent inside a declared area and period, marked in the audit', async () => {
    const a = await seedMember(server);
    await seedRecords(server, a.person.id, [drug('2026-03-20', 'A')]);
    const declaration = await server.ctx.store.disasters.declare({
      name: '令和8年 大雨',
      prefectures: ['13'],
      startsOn: '2026-03-30',
      endsOn: '2026-04-30',
      declaredAt: '2026-03-30T00:00:00.000Z',
    });
    const { status, body } = await medications(a.keys.number, { oral: true });
    expect(status).toBe(200);
    expect(drugDays(body)).toEqual(['20260320']);
    expect((await checkups(a.keys.number, true)).status).toBe(200);
    const rows = await server.ctx.store.audit.scan(0, 10);
    expect(rows[0]?.detail).toMatchObject({ oralConsent: true, disasterMode: true, disasterId: declaration.id });
  });

  it('refuses oral consent outside a declared area (OQS-E-DISASTER-INACTIVE) and for 手術', async () => {
    const a = await seedMember(server);
    const outside = await medications(a.keys.number, { oral: true });
    expect(outside.body.error?.code).toBe('OQS-E-DISASTER-INACTIVE');
    await server.ctx.store.disasters.declare({
      name: '令和8年 大雨',
      prefectures: ['13'],
      startsOn: '2026-03-30',
      endsOn: '2026-04-30',
      declaredAt: '2026-03-30T00:00:00.000Z',
    });
    const surgery = await medications(a.keys.number, { oral: true, path: '/oqs/v1/medical-info/surgeries' });
    expect(surgery.status).toBe(403);
    expect(surgery.body.error).toMatchObject({
      code: 'OQS-E-CONSENT-MISSING',
      detail: expect.stringContaining('oral'),
    });
  });
});
