import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existingBulkWorker } from '../../commands/oqs/bulkWorker.js';
import { parseXmlMessage, serialiseXml } from '../../formats/oqs-xml/index.js';
import type { ReferenceNumberRegistrationInfo } from '../../formats/schemas.js';
import { createTestServer, type TestServer } from '../../testing/harness.js';
import { institutionCode, seedInstitution, seedMember } from '../../testing/oqsPatientFactories.js';

/*
 * 照会番号登録 (oqs-interface.md §5; issue 6): a clinic's patient id bound to a member, returned in later results
 * at that institution only; single (OQSsiimm01req) and bulk (OQSmuimm01req → BulkRegistrationUnit).
 */

let server: TestServer;
let token: string;
let code: string;

beforeEach(async () => {
  server = await createTestServer({ at: '2026-04-01T00:30:00Z' });
  const seeded = await seedInstitution(server);
  token = seeded.token;
  code = seeded.institution.institutionCode;
  await server.app.ready();
  await existingBulkWorker(server.ctx)?.stop();
});

afterEach(async () => {
  await server.close();
});

function registration(referenceNumber: string, number: string, symbol = '1234'): ReferenceNumberRegistrationInfo {
  return {
    referenceNumber,
    insurerNumber: '01130012',
    insuredCardSymbol: symbol,
    insuredIdentificationNumber: number,
    insuredBranchNumber: '00',
  };
}

async function register(
  info: Record<string, string>,
  auth = token,
  institution = code,
): Promise<Record<string, unknown>> {
  const res = await server.app.inject({
    method: 'POST',
    url: '/oqs/v1/reference-numbers',
    headers: { authorization: auth, 'content-type': 'application/json' },
    payload: {
      messageHeader: { medicalInstitutionCode: institution },
      messageBody: { referenceNumberRegistrationInfo: info },
    },
  });
  expect(res.statusCode).toBe(200);
  return res.json<{ messageBody: Record<string, unknown> }>().messageBody;
}

async function confirmByNumber(number: string, auth = token, institution = code): Promise<Record<string, unknown>> {
  const res = await server.app.inject({
    method: 'POST',
    url: '/oqs/v1/qualification-confirmations',
    headers: { authorization: auth },
    payload: {
      messageHeader: { medicalInstitutionCode: institution },
      messageBody: {
        qualificationConfirmSearchInfo: {
          insurerNumber: '01130012',
          insuredCardSymbol: '1234',
          insuredIdentificationNumber: number,
          insuredBranchNumber: '00',
          birthdate: '19700506',
        },
      },
    },
  });
  expect(res.statusCode).toBe(200);
  const body = res.json<{ messageBody: { resultList: Record<string, unknown>[] } }>().messageBody;
  return body.resultList[0] ?? {};
}

describe('照会番号登録 single (OQSsiimm01req)', () => {
  it('binds the clinic’s patient id and returns it in a later confirmation at that institution', async () => {
    const a = await seedMember(server);
    const answer = await register(registration('P-000123', a.keys.number));
    expect(answer.processingResultStatus).toBe('1');
    const result = await confirmByNumber(a.keys.number);
    expect(result.referenceNumber).toBe('P-000123');
  });

  it('is not returned to another institution', async () => {
    const a = await seedMember(server);
    await register(registration('P-000123', a.keys.number));
    const other = await seedInstitution(server, { code: institutionCode('27', '1', 200002) });
    const result = await confirmByNumber(a.keys.number, other.token, other.institution.institutionCode);
    expect(result.referenceNumber).toBeUndefined();
  });

  it('matches the keys width-folded (full-width 記号 as typed at reception)', async () => {
    const a = await seedMember(server);
    const answer = await register(registration('P-9', a.keys.number, '１２３４'));
    expect(answer.processingResultStatus).toBe('1');
  });

  it('refuses a number already bound to another person at the institution (OQS-E-REFERENCE-NUMBER)', async () => {
    const a = await seedMember(server);
    const b = await seedMember(server);
    await register(registration('P-1', a.keys.number));
    const answer = await register(registration('P-1', b.keys.number));
    expect(answer).toMatchObject({ processingResultStatus: '2', processingResultCode: 'OQS-E-REFERENCE-NUMBER' });
    expect(await confirmByNumber(a.keys.number)).toMatchObject({ referenceNumber: 'P-1' });
    expect((await confirmByNumber(b.keys.number)).referenceNumber).toBeUndefined();
  });

  it('re-registering the same person makes the new number the one returned', async () => {
    const a = await seedMember(server);
    await register(registration('P-1', a.keys.number));
    server.clock.advance(60_000);
    await register(registration('P-2', a.keys.number));
    expect(await confirmByNumber(a.keys.number)).toMatchObject({ referenceNumber: 'P-2' });
  });

  it('answers unknown keys with OQS-E-NO-QUALIFICATION and audits the refusal', async () => {
    const answer = await register(registration('P-1', '999999'));
    expect(answer).toMatchObject({ processingResultStatus: '2', processingResultCode: 'OQS-E-NO-QUALIFICATION' });
    const audit = await server.ctx.store.audit.scan(0, 10);
    expect(audit.map((r) => [r.action, r.outcome])).toEqual([['oqs.referenceNumber.register', 'refused']]);
  });

  it('works in OQS XML at /oqs/v1/xml/OQSsiimm01req', async () => {
    const a = await seedMember(server);
    const res = await server.app.inject({
      method: 'POST',
      url: '/oqs/v1/xml/OQSsiimm01req',
      headers: { authorization: token, 'content-type': 'application/xml' },
      payload: serialiseXml(
        'OQSsiimm01req',
        {
          messageHeader: { medicalInstitutionCode: code },
          messageBody: { referenceNumberRegistrationInfo: registration('カルテ001', a.keys.number) },
        },
        'shiftJis',
      ),
    });
    const parsed = parseXmlMessage('OQSsiimm01res', res.rawPayload);
    expect(parsed.ok && parsed.value.messageBody.processingResultStatus).toBe('1');
    expect(await confirmByNumber(a.keys.number)).toMatchObject({ referenceNumber: 'カルテ001' });
  });
});

describe('照会番号登録 bulk (OQSmuimm01req → OQSmuimm02req)', () => {
  it('answers each registration in a BulkRegistrationUnit with the header counts', async () => {
    const a = await seedMember(server);
    const b = await seedMember(server);
    const res01 = await server.app.inject({
      method: 'POST',
      url: '/oqs/v1/reference-numbers/bulk',
      headers: { authorization: token, 'content-type': 'application/json' },
      payload: {
        messageHeader: { medicalInstitutionCode: code },
        messageBody: {
          referenceNumberRegistrationInfo: [
            registration('P-1', a.keys.number),
            registration('P-2', b.keys.number),
            registration('P-3', '424242'),
          ],
        },
      },
    });
    expect(res01.statusCode).toBe(200);
    const receptionNumber = res01.json<{ messageBody: { receptionNumber: string } }>().messageBody.receptionNumber;
    const res02 = await server.app.inject({
      method: 'GET',
      url: `/oqs/v1/reference-numbers/bulk/${receptionNumber}`,
      headers: { authorization: token },
    });
    const body = res02.json<{
      messageHeader: Record<string, string>;
      messageBody: { bulkRegistrationUnit: { processingResultStatus: string; processingResultCode?: string }[] };
    }>();
    expect(body.messageHeader).toMatchObject({
      segmentOfResult: '1',
      numberOfProcessingResult: '3',
      numberOfNormalProcessing: '2',
      numberOfError: '1',
    });
    expect(body.messageBody.bulkRegistrationUnit.map((u) => u.processingResultStatus)).toEqual(['1', '1', '2']);
    expect(body.messageBody.bulkRegistrationUnit[2]?.processingResultCode).toBe('OQS-E-NO-QUALIFICATION');
    expect(await confirmByNumber(b.keys.number)).toMatchObject({ referenceNumber: 'P-2' });
  });

  it('does not show a bulk registration result to another institution', async () => {
    const a = await seedMember(server);
    const res01 = await server.app.inject({
      method: 'POST',
      url: '/oqs/v1/reference-numbers/bulk',
      headers: { authorization: token, 'content-type': 'application/json' },
      payload: {
        messageHeader: { medicalInstitutionCode: code },
        messageBody: { referenceNumberRegistrationInfo: [registration('P-1', a.keys.number)] },
      },
    });
    const receptionNumber = res01.json<{ messageBody: { receptionNumber: string } }>().messageBody.receptionNumber;
    const other = await seedInstitution(server, { code: institutionCode('27', '1', 200002) });
    const res02 = await server.app.inject({
      method: 'GET',
      url: `/oqs/v1/reference-numbers/bulk/${receptionNumber}`,
      headers: { authorization: other.token },
    });
    expect(res02.statusCode).toBe(404);
    expect(res02.json<{ error: { code: string } }>().error.code).toBe('OQS-E-BULK-UNKNOWN');
  });

  it('returns the registered number in a later 一括照会 unit (ReferenceNumber)', async () => {
    const a = await seedMember(server);
    await register(registration('P-77', a.keys.number));
    const res = await server.app.inject({
      method: 'POST',
      url: '/oqs/v1/bulk-confirmations',
      headers: { authorization: token, 'content-type': 'application/json' },
      payload: {
        messageHeader: { medicalInstitutionCode: code },
        messageBody: {
          qualificationConfirmSearchInfo: [
            {
              insurerNumber: '01130012',
              insuredCardSymbol: '1234',
              insuredIdentificationNumber: a.keys.number,
              insuredBranchNumber: '00',
              birthdate: '19700506',
            },
          ],
        },
      },
    });
    const receptionNumber = res.json<{ messageBody: { receptionNumber: string } }>().messageBody.receptionNumber;
    await existingBulkWorker(server.ctx)?.runOnce();
    const poll = await server.app.inject({
      method: 'GET',
      url: `/oqs/v1/bulk-confirmations/${receptionNumber}`,
      headers: { authorization: token },
    });
    const unit = poll.json<{ messageBody: { bulkConfirmUnit: Record<string, unknown>[] } }>().messageBody
      .bulkConfirmUnit[0];
    expect(unit?.referenceNumber).toBe('P-77');
  });
});
