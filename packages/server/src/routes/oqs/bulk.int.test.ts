import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BulkWorker, existingBulkWorker } from '../../commands/oqs/bulkWorker.js';
import { parseXmlMessage, serialiseXml } from '../../formats/oqs-xml/index.js';
import { createTestServer, type TestServer } from '../../testing/harness.js';
import { institutionCode, seedInstitution, seedMember } from '../../testing/oqsPatientFactories.js';

/*
 * 一括照会 (oqs-interface.md §4; issue 6 "Bulk"): upload → 受付番号 → poll; SegmentOfResult 2 while processing,
 * then one BulkConfirmUnit per uploaded key with the header counts; only the uploading institution reads it.
 */

let server: TestServer;
let token: string;
let code: string;

beforeEach(async () => {
  server = await createTestServer({ at: '2026-04-01T00:30:00Z' });
  const seeded = await seedInstitution(server);
  token = seeded.token;
  code = seeded.institution.institutionCode;
  // The app's worker would answer uploads on its own; the tests drive it step by step instead.
  await server.app.ready();
  await worker().stop();
});

function worker(): BulkWorker {
  const found = existingBulkWorker(server.ctx);
  if (found === undefined) {
    throw new Error('the OQS routes did not create the bulk worker');
  }
  return found;
}

afterEach(async () => {
  await server.close();
});

function uploadJson(searchInfos: Record<string, string>[]): Record<string, unknown> {
  return {
    messageHeader: {
      qualificationConfirmationDate: '20260401',
      medicalInstitutionCode: code,
      arbitraryFileIdentifier: 'f1',
    },
    messageBody: { qualificationConfirmSearchInfo: searchInfos },
  };
}

async function upload(payload: Record<string, unknown>): Promise<string> {
  const res = await server.app.inject({
    method: 'POST',
    url: '/oqs/v1/bulk-confirmations',
    headers: { authorization: token, 'content-type': 'application/json' },
    payload,
  });
  expect(res.statusCode).toBe(200);
  const body = res.json<{ messageHeader: { segmentOfResult: string }; messageBody: { receptionNumber: string } }>();
  expect(body.messageHeader.segmentOfResult).toBe('1');
  return body.messageBody.receptionNumber;
}

async function poll(receptionNumber: string, auth = token): Promise<ReturnType<typeof JSON.parse>> {
  const res = await server.app.inject({
    method: 'GET',
    url: `/oqs/v1/bulk-confirmations/${receptionNumber}`,
    headers: { authorization: auth },
  });
  return { status: res.statusCode, body: res.json(), retryAfter: res.headers['retry-after'] };
}

/** The search keys of a member made by seedMember (記号 1234, 枝番 00, born 1970-05-06), as a clinic sends them. */
function searchInfoOf(m: { keys: { insurerNumber: string; number: string } }): {
  insurerNumber: string;
  insuredCardSymbol: string;
  insuredIdentificationNumber: string;
  insuredBranchNumber: string;
  birthdate: string;
} {
  return {
    insurerNumber: m.keys.insurerNumber,
    insuredCardSymbol: '1234',
    insuredIdentificationNumber: m.keys.number,
    insuredBranchNumber: '00',
    birthdate: '19700506',
  };
}

/** What a worker of another (test) process needs: this server's store and clock, an audit sink that keeps nothing. */
function workerDeps(): ConstructorParameters<typeof BulkWorker>[0] {
  return {
    ctx: server.ctx,
    audit: { append: (e) => Promise.resolve({ ...e, seq: 0, at: '', prevHash: '', hash: '' }) },
  };
}

describe('一括照会 upload and poll (oqs-interface.md §4)', () => {
  it('answers the upload with a 受付番号 and SegmentOfResult 2 until the worker has processed the job', async () => {
    const a = await seedMember(server);
    const receptionNumber = await upload(uploadJson([searchInfoOf(a)]));
    expect(receptionNumber).toMatch(/^\d{14}[0-9A-F]{12}$/);
    const before = await poll(receptionNumber);
    expect(before.status).toBe(200);
    expect(before.body.messageHeader.segmentOfResult).toBe('2');
    expect(before.body.messageHeader.errorCode).toBe('OQS-E-BULK-PROCESSING');
    expect(before.retryAfter).toBe('2');
    expect(before.body.messageBody.bulkConfirmUnit).toBeUndefined();
  });

  it('returns one BulkConfirmUnit per key in upload order with validity, result, echo and counts', async () => {
    const a = await seedMember(server);
    const lost = await seedMember(server, { lostOn: '2026-01-01' });
    const receptionNumber = await upload(
      uploadJson([
        {
          insurerNumber: a.keys.insurerNumber,
          insuredCardSymbol: '１２３４',
          insuredIdentificationNumber: a.keys.number,
          insuredBranchNumber: '00',
          birthdate: '19700506',
          arbitraryIdentifier: 'patient-1',
        },
        {
          insurerNumber: '01130012',
          insuredCardSymbol: '9999',
          insuredIdentificationNumber: '1',
          birthdate: '19700506',
        },
        searchInfoOf(lost),
      ]),
    );
    const processed = await worker().runOnce();
    expect(processed).toBe(3);
    const { body } = await poll(receptionNumber);
    expect(body.messageHeader).toMatchObject({
      segmentOfResult: '1',
      receptionNumber,
      medicalInstitutionCode: code,
      numberOfProcessingResult: '3',
      numberOfNormalProcessing: '2',
      numberOfError: '1',
    });
    const [first, second, third] = body.messageBody.bulkConfirmUnit;
    expect(first.qualificationConfirmSearchInfo.arbitraryIdentifier).toBe('patient-1');
    expect(first.processingResultStatus).toBe('1');
    expect(first.qualificationValidity).toBe('1');
    expect(first.resultOfQualificationConfirmation.insuredIdentificationNumber).toBe(a.keys.number);
    expect(first.resultOfQualificationConfirmation.insuredPartialContributionRatio).toBe('030');
    expect(second.processingResultStatus).toBe('2');
    expect(second.processingResultCode).toBe('OQS-E-NO-QUALIFICATION');
    expect(second.processingResultMessage).toContain('該当する資格');
    expect(second.qualificationValidity).toBe('4');
    expect(second.resultOfQualificationConfirmation).toBeUndefined();
    expect(third.qualificationValidity).toBe('2');
    expect(third.resultOfQualificationConfirmation.disqualificationDate).toBe('20260101');
  });

  it('records each unit as a bulk confirmation at the institution (statistics and audit)', async () => {
    const a = await seedMember(server);
    const receptionNumber = await upload(uploadJson([searchInfoOf(a)]));
    await worker().runOnce();
    const rows = await server.ctx.store.confirmations.listByInstitution(
      code,
      '2026-01-01T00:00:00Z',
      '2027-01-01T00:00:00Z',
    );
    expect(rows.map((r) => [r.method, r.personId])).toEqual([['bulk', a.person.id]]);
    const audit = await server.ctx.store.audit.scan(0, 100);
    expect(audit.map((r) => r.action)).toEqual(['oqs.bulk.submit', 'oqs.confirm.bulk', 'oqs.bulk.done']);
    expect(audit[0]?.target).toBe(receptionNumber);
  });

  it('does not show a job to another institution (OQS-E-BULK-UNKNOWN), nor an unknown 受付番号', async () => {
    const a = await seedMember(server);
    const receptionNumber = await upload(
      uploadJson([
        { insurerNumber: a.keys.insurerNumber, insuredIdentificationNumber: a.keys.number, birthdate: '19700506' },
      ]),
    );
    const other = await seedInstitution(server, { code: institutionCode('27', '1', 200002) });
    const theirs = await poll(receptionNumber, other.token);
    expect(theirs.status).toBe(404);
    expect(theirs.body.error.code).toBe('OQS-E-BULK-UNKNOWN');
    const unknown = await poll('20260401000000AAAAAAAAAAAA');
    expect(unknown.body.error.code).toBe('OQS-E-BULK-UNKNOWN');
  });

  it('refuses an upload naming another institution in MedicalInstitutionCode (OQS-E-FORBIDDEN)', async () => {
    const payload = uploadJson([
      { insurerNumber: '01130012', insuredIdentificationNumber: '1', birthdate: '19700506' },
    ]);
    const res = await server.app.inject({
      method: 'POST',
      url: '/oqs/v1/bulk-confirmations',
      headers: { authorization: token, 'content-type': 'application/json' },
      payload: { ...payload, messageHeader: { medicalInstitutionCode: institutionCode('27', '1', 200002) } },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('OQS-E-FORBIDDEN');
  });
});

describe('一括照会 in OQS XML (OQSmuquc01req / OQSmuquc02req)', () => {
  it('takes a Shift_JIS upload and answers the poll in the encoding asked for', async () => {
    const a = await seedMember(server);
    const upload01 = serialiseXml(
      'OQSmuquc01req',
      {
        messageHeader: { qualificationConfirmationDate: '20260401', medicalInstitutionCode: code },
        messageBody: {
          qualificationConfirmSearchInfo: [searchInfoOf(a)],
        },
      },
      'shiftJis',
    );
    const res01 = await server.app.inject({
      method: 'POST',
      url: '/oqs/v1/xml/OQSmuquc01req',
      headers: { authorization: token, 'content-type': 'application/xml' },
      payload: upload01,
    });
    expect(res01.statusCode).toBe(200);
    const reception = parseXmlMessage('OQSmuquc01res', res01.rawPayload);
    expect(reception.ok && reception.encoding).toBe('shiftJis');
    const receptionNumber = reception.ok ? reception.value.messageBody.receptionNumber : undefined;
    expect(receptionNumber).toBeDefined();
    await worker().runOnce();
    const res02 = await server.app.inject({
      method: 'POST',
      url: '/oqs/v1/xml/OQSmuquc02req',
      headers: { authorization: token, 'content-type': 'application/xml' },
      payload: serialiseXml(
        'OQSmuquc02req',
        {
          messageHeader: { medicalInstitutionCode: code, characterCodeIdentifier: '0' },
          messageBody: { receptionNumber: receptionNumber ?? '' },
        },
        'shiftJis',
      ),
    });
    const result = parseXmlMessage('OQSmuquc02res', res02.rawPayload);
    expect(result.ok && result.encoding).toBe('utf8');
    expect(result.ok && result.value.messageBody.bulkConfirmUnit?.[0]?.resultOfQualificationConfirmation?.name).toBe(
      '山田 太郎',
    );
  });

  it('answers malformed XML with an XML error message (SegmentOfResult 9), never a crash', async () => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/oqs/v1/xml/OQSmuquc01req',
      headers: { authorization: token, 'content-type': 'application/xml' },
      payload: '<XmlMsg><MessageHeader>',
    });
    expect(res.statusCode).toBe(400);
    const parsed = parseXmlMessage('OQSmuquc01res', res.rawPayload);
    expect(parsed.ok && parsed.value.messageHeader).toMatchObject({
      segmentOfResult: '9',
      errorCode: 'OQS-E-XML-MALFORMED',
    });
  });
});

describe('一括照会 worker (decision 0100)', () => {
  it('resumes a queued job after a restart at the first unanswered unit', async () => {
    const a = await seedMember(server);
    const b = await seedMember(server);
    const receptionNumber = await upload(uploadJson([a, b].map((m) => searchInfoOf(m))));
    // A previous process answered the first unit and saved its checkpoint, then stopped.
    const job = await server.ctx.store.bulkJobs.get(receptionNumber);
    const units = job?.units ?? [];
    const answered = units.map((u, i) =>
      i === 0
        ? {
            ...u,
            result: {
              processingResultStatus: 1,
              processingResultCode: null,
              qualificationValidity: 1,
              personId: a.person.id,
              qualificationId: a.qualification.id,
              referenceNumber: null,
            },
          }
        : u,
    );
    await server.ctx.store.bulkJobs.update(receptionNumber, { status: 'queued', units: answered });
    const fresh = new BulkWorker(workerDeps());
    expect(await fresh.runOnce()).toBe(1);
    const { body } = await poll(receptionNumber);
    expect(body.messageHeader.numberOfNormalProcessing).toBe('2');
    const rows = await server.ctx.store.confirmations.listByInstitution(
      code,
      '2026-01-01T00:00:00Z',
      '2027-01-01T00:00:00Z',
    );
    expect(rows.map((r) => r.personId)).toEqual([b.person.id]);
  });

  it('answers a large upload in chunks, saving progress between them', async () => {
    const a = await seedMember(server);
    const info = searchInfoOf(a);
    const receptionNumber = await upload(uploadJson(Array.from({ length: 25 }, () => info)));
    const saves: number[] = [];
    const store = server.ctx.store;
    const update = store.bulkJobs.update.bind(store.bulkJobs);
    store.bulkJobs.update = async (rn, patch) => {
      saves.push(patch.units?.filter((u) => u.result !== null).length ?? -1);
      return update(rn, patch);
    };
    const worker = new BulkWorker(workerDeps(), { chunkSize: 10 });
    await worker.runOnce();
    expect(saves).toEqual([10, 20, 25]);
    const { body } = await poll(receptionNumber);
    expect(body.messageHeader.numberOfProcessingResult).toBe('25');
  });

  it('two workers on one database never answer the same job twice (decision 0164)', async () => {
    const a = await seedMember(server);
    const info = searchInfoOf(a);
    const jobs = await Promise.all([
      upload(uploadJson(Array.from({ length: 12 }, () => info))),
      upload(uploadJson(Array.from({ length: 12 }, () => info))),
    ]);
    // Two servers' workers, each with its own claim, working at the same time in small chunks.
    const first = new BulkWorker(workerDeps(), { chunkSize: 3 });
    const second = new BulkWorker(workerDeps(), { chunkSize: 3 });
    const [x, y] = await Promise.all([first.runOnce(), second.runOnce()]);
    expect(x + y).toBe(24);
    const rows = await server.ctx.store.confirmations.listByInstitution(
      code,
      '2026-01-01T00:00:00Z',
      '2027-01-01T00:00:00Z',
    );
    expect(rows.filter((r) => r.method === 'bulk')).toHaveLength(24);
    for (const receptionNumber of jobs) {
      expect((await server.ctx.store.bulkJobs.get(receptionNumber))?.status).toBe('done');
    }
  });

  it('takes over the job of a worker that died once its lease has run out (decision 0164)', async () => {
    const a = await seedMember(server);
    const receptionNumber = await upload(uploadJson([searchInfoOf(a)]));
    const now = server.clock.now();
    const leaseUntil = new Date(now.getTime() + 30_000).toISOString();
    expect(await server.ctx.store.bulkJobs.claim(receptionNumber, 'dead-server', now.toISOString(), leaseUntil)).toBe(
      true,
    );
    const worker = new BulkWorker(workerDeps());
    expect(await worker.runOnce()).toBe(0);
    server.clock.advance(31_000);
    expect(await worker.runOnce()).toBe(1);
    expect((await server.ctx.store.bulkJobs.get(receptionNumber))?.status).toBe('done');
  });
});
