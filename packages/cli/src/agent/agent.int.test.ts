import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existingBulkWorker } from '@onshi/server/commands/oqs/bulkWorker';
import { parseFaceFileName } from '@onshi/server/formats/fileNames';
import { parseXmlMessage, serialiseXml } from '@onshi/server/formats/oqs-xml/index';
import { createTestServer, type TestServer } from '@onshi/server/testing/harness';
import { seedConsent, seedInstitution, seedMember } from '@onshi/server/testing/oqsPatientFactories';
import { FileAgent } from './agent.js';
import { DirectOqsClient, HttpOqsClient } from './client.js';
import { writeFileAtomically } from './files.js';

/*
 * The file interface (oqs-interface.md §1; issue 6 "Formats and interfaces"): req/{prefix}req_{id}.xml →
 * res/{prefix}res_{id}.xml, half-written files never picked up, result files appear atomically, reader
 * confirmations appear on their own in face/, bad files get an error result file.
 */

let server: TestServer;
let dir: string;
let code: string;
let client: DirectOqsClient;
let agent: FileAgent;

beforeEach(async () => {
  server = await createTestServer({ at: '2026-04-01T00:30:00Z' });
  const seeded = await seedInstitution(server);
  code = seeded.institution.institutionCode;
  dir = mkdtempSync(join(tmpdir(), 'onshi-agent-'));
  client = new DirectOqsClient(server.ctx, code, { runBulkWorker: false });
  agent = new FileAgent({ dir, institutionCode: code, client });
  await agent.paths();
});

afterEach(async () => {
  await agent.stop();
  await client.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function confirmRequest(number: string): Buffer {
  return serialiseXml(
    'OQSsiquc01req',
    {
      messageHeader: {
        qualificationConfirmationDate: '20260401',
        medicalInstitutionCode: code,
        arbitraryFileIdentifier: 'A1',
      },
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
    'shiftJis',
  );
}

/** Two looks: the first sees the file, the second finds it unchanged and answers it. */
async function twoPolls(): Promise<number> {
  await agent.pollOnce();
  return agent.pollOnce();
}

describe('req → res (oqs-interface.md §1)', () => {
  it('answers OQSsiquc01req_{id}.xml as res/OQSsiquc01res_{id}.xml and moves the request to req/done', async () => {
    const a = await seedMember(server);
    writeFileSync(join(dir, 'req', 'OQSsiquc01req_202604010001.xml'), confirmRequest(a.keys.number));
    expect(await twoPolls()).toBe(1);
    const out = readFileSync(join(dir, 'res', 'OQSsiquc01res_202604010001.xml'));
    const parsed = parseXmlMessage('OQSsiquc01res', out);
    expect(parsed.ok && parsed.encoding).toBe('shiftJis');
    expect(parsed.ok && parsed.value.messageHeader.arbitraryFileIdentifier).toBe('A1');
    expect(parsed.ok && parsed.value.messageBody.resultList?.[0]?.insuredIdentificationNumber).toBe(a.keys.number);
    expect(existsSync(join(dir, 'req', 'OQSsiquc01req_202604010001.xml'))).toBe(false);
    expect(existsSync(join(dir, 'req', 'done', 'OQSsiquc01req_202604010001.xml'))).toBe(true);
  });

  it('does not pick up a half-written file until its size stays the same across two polls', async () => {
    const a = await seedMember(server);
    const bytes = confirmRequest(a.keys.number);
    const path = join(dir, 'req', 'OQSsiquc01req_202604010002.xml');
    writeFileSync(path, bytes.subarray(0, 40));
    expect(await agent.pollOnce()).toBe(0);
    appendFileSync(path, bytes.subarray(40));
    expect(await agent.pollOnce()).toBe(0);
    expect(readdirSync(join(dir, 'res'))).toEqual([]);
    expect(await agent.pollOnce()).toBe(1);
    const parsed = parseXmlMessage('OQSsiquc01res', readFileSync(join(dir, 'res', 'OQSsiquc01res_202604010002.xml')));
    expect(parsed.ok && parsed.value.messageBody.processingResultStatus).toBe('1');
  });

  it('ignores temporary and hidden names that copy tools write first', async () => {
    writeFileSync(join(dir, 'req', '.OQSsiquc01req_x.xml'), 'partial');
    writeFileSync(join(dir, 'req', 'OQSsiquc01req_x.xml.tmp'), 'partial');
    expect(await twoPolls()).toBe(0);
    expect(readdirSync(join(dir, 'res'))).toEqual([]);
  });

  it('answers malformed XML with an error result file (SegmentOfResult 9), never a crash', async () => {
    writeFileSync(join(dir, 'req', 'OQSsiquc01req_bad.xml'), '<XmlMsg><MessageHeader><Oops></XmlMsg>');
    writeFileSync(
      join(dir, 'req', 'OQSsiquc01req_bomb.xml'),
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><XmlMsg>&a;</XmlMsg>',
    );
    expect(await twoPolls()).toBe(2);
    for (const [name, codeExpected] of [
      ['OQSsiquc01res_bad.xml', 'OQS-E-XML-MALFORMED'],
      ['OQSsiquc01res_bomb.xml', 'OQS-E-XML-DOCTYPE'],
    ] as const) {
      const parsed = parseXmlMessage('OQSsiquc01res', readFileSync(join(dir, 'res', name)));
      expect(parsed.ok && parsed.value.messageHeader).toMatchObject({ segmentOfResult: '9', errorCode: codeExpected });
    }
  });

  it('refuses a request naming another institution with an error result file (OQS-E-FORBIDDEN)', async () => {
    const other = serialiseXml(
      'OQSsiquc01req',
      {
        messageHeader: { medicalInstitutionCode: '2710000019' },
        messageBody: {
          qualificationConfirmSearchInfo: {
            insurerNumber: '01130012',
            insuredIdentificationNumber: '1',
            birthdate: '19700506',
          },
        },
      },
      'utf8',
    );
    writeFileSync(join(dir, 'req', 'OQSsiquc01req_other.xml'), other);
    await twoPolls();
    const parsed = parseXmlMessage('OQSsiquc01res', readFileSync(join(dir, 'res', 'OQSsiquc01res_other.xml')));
    expect(parsed.ok && parsed.value.messageHeader.errorCode).toBe('OQS-E-FORBIDDEN');
  });

  it('runs 一括照会 through files: OQSmuquc01req → 受付番号, then OQSmuquc02req → BulkConfirmUnit', async () => {
    const a = await seedMember(server);
    const upload = serialiseXml(
      'OQSmuquc01req',
      {
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
      'utf8',
    );
    writeFileSync(join(dir, 'req', 'OQSmuquc01req_202604010003.xml'), upload);
    await twoPolls();
    const reception = parseXmlMessage(
      'OQSmuquc01res',
      readFileSync(join(dir, 'res', 'OQSmuquc01res_202604010003.xml')),
    );
    const receptionNumber = reception.ok ? (reception.value.messageBody.receptionNumber ?? '') : '';
    expect(receptionNumber).not.toBe('');
    await existingBulkWorker(server.ctx)?.runOnce();
    writeFileSync(
      join(dir, 'req', 'OQSmuquc02req_202604010004.xml'),
      serialiseXml(
        'OQSmuquc02req',
        { messageHeader: { medicalInstitutionCode: code }, messageBody: { receptionNumber } },
        'utf8',
      ),
    );
    await twoPolls();
    const result = parseXmlMessage('OQSmuquc02res', readFileSync(join(dir, 'res', 'OQSmuquc02res_202604010004.xml')));
    expect(result.ok && result.value.messageBody.bulkConfirmUnit?.[0]?.processingResultCode).toBeUndefined();
    expect(result.ok && result.value.messageHeader.numberOfNormalProcessing).toBe('1');
  });
});

describe('atomic result files', () => {
  it('writes through a hidden temporary name and leaves only the final file', async () => {
    const folder = join(dir, 'res');
    await writeFileAtomically(folder, 'OQSsiquc01res_1.xml', Buffer.from('<XmlMsg/>'));
    expect(readdirSync(folder)).toEqual(['OQSsiquc01res_1.xml']);
    expect(readFileSync(join(folder, 'OQSsiquc01res_1.xml'), 'utf8')).toBe('<XmlMsg/>');
  });

  it('replaces an existing result whole (rename over it), never appending to it', async () => {
    const folder = join(dir, 'res');
    await writeFileAtomically(folder, 'r.xml', Buffer.from('first, longer content'));
    await writeFileAtomically(folder, 'r.xml', Buffer.from('second'));
    expect(readFileSync(join(folder, 'r.xml'), 'utf8')).toBe('second');
    expect(readdirSync(folder)).toEqual(['r.xml']);
  });
});

describe('face/ (reader confirmations appear on their own)', () => {
  it('writes OQSsiquc01res_face_{code}{id20}_{time}.xml for a card confirmation at the institution', async () => {
    const a = await seedMember(server);
    await seedConsent(server, {
      institutionCode: code,
      personId: a.person.id,
      items: ['medication'],
      consentedAt: '2026-04-01T00:30:00.000Z',
    });
    const writes: Promise<string>[] = [];
    const stop = client.watchFaces((face) => {
      writes.push(agent.writeFace(face));
    });
    // A card read recorded by the reader path (commands/oqs/confirmByCard records it the same way).
    await server.ctx.store.confirmations.record({
      at: '2026-04-01T00:30:00.000Z',
      confirmedOn: '2026-04-01',
      institutionCode: code,
      personId: a.person.id,
      qualificationId: a.qualification.id,
      insurerNumber: '01130012',
      method: 'card',
      authentication: 'faceAuth',
      qualificationValidity: 1,
      resultCode: 'ok',
      referenceNumber: null,
    });
    await client.pollFaces();
    stop();
    await Promise.all(writes);
    const files = readdirSync(join(dir, 'face'));
    expect(files).toHaveLength(1);
    const name = files[0] ?? '';
    expect(parseFaceFileName(name)).toMatchObject({ institutionCode: code, processedAt: '20260401093000' });
    const parsed = parseXmlMessage('OQSsiquc01res', readFileSync(join(dir, 'face', name)));
    expect(parsed.ok && parsed.value.messageHeader.referenceClassification).toBe('1');
    const result = parsed.ok ? parsed.value.messageBody.resultList?.[0] : undefined;
    expect(result?.insuredIdentificationNumber).toBe(a.keys.number);
    expect(result?.pharmacistsInfoConsFlg).toBe('1');
  });
});

describe('over HTTP (--server)', () => {
  it('posts request files to /oqs/v1/xml/{kind} with the institution credential', async () => {
    const a = await seedMember(server);
    const token = await server.tokenFor({ kind: 'institution', institutionCode: code });
    const address = await server.app.listen({ host: '127.0.0.1', port: 0 });
    const http = new HttpOqsClient(address, token);
    const httpAgent = new FileAgent({ dir, institutionCode: code, client: http });
    writeFileSync(join(dir, 'req', 'OQSsiquc01req_202604010009.xml'), confirmRequest(a.keys.number));
    await httpAgent.pollOnce();
    expect(await httpAgent.pollOnce()).toBe(1);
    const parsed = parseXmlMessage('OQSsiquc01res', readFileSync(join(dir, 'res', 'OQSsiquc01res_202604010009.xml')));
    expect(parsed.ok && parsed.value.messageBody.qualificationValidity).toBe('1');
  });

  it('keeps the request for a retry when the service cannot be reached', async () => {
    const http = new HttpOqsClient('http://127.0.0.1:9', 'institution:x.y');
    const httpAgent = new FileAgent({ dir, institutionCode: code, client: http });
    writeFileSync(join(dir, 'req', 'OQSsiquc01req_retry.xml'), confirmRequest('1'));
    await httpAgent.pollOnce();
    expect(await httpAgent.pollOnce()).toBe(0);
    expect(existsSync(join(dir, 'req', 'OQSsiquc01req_retry.xml'))).toBe(true);
    expect(readdirSync(join(dir, 'res'))).toEqual([]);
  });
});
