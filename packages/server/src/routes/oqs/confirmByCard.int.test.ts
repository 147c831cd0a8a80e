import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CardReader } from '@onshi/card';
import { CardAuthority } from '../../authority/index.js';
import { readerFeedOf, type ReaderResultEvent } from '../../commands/oqs/deps.js';
import { createTestServer, type TestServer } from '../../testing/harness.js';
import {
  addInstitution,
  addMember,
  institutionCodeFor,
  issueTestCard,
  testCamera,
  testReader,
  trustAuthority,
  type TestCard,
} from '../../testing/oqsFactories.js';

const CODE = institutionCodeFor();
const OTHER = institutionCodeFor('27', '1', '200002');
// 2026-03-02 10:00 JST
const NOW = '2026-03-02T01:00:00Z';

let authority: CardAuthority;
let reader: CardReader;
let otherReader: CardReader;

beforeAll(async () => {
  authority = await CardAuthority.create(new Date('2020-01-01T00:00:00Z'));
  reader = await testReader(authority, CODE, 'R-0001');
  otherReader = await testReader(authority, OTHER, 'R-0001');
});

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

interface ResultJson {
  messageHeader: Record<string, string>;
  messageBody: {
    resultList?: Record<string, unknown>[];
    processingResultStatus?: string;
    processingResultCode?: string;
    processingResultMessage?: string;
    qualificationValidity?: string;
    prescriptionIssueSelect?: string;
  };
  proofOfCheck?: string;
  confirmationId: string;
  error?: { code: string; detail?: string };
}

describe('confirmation by card at the reader (architecture.md "The main walk"; rules.md §4, §6, §8)', () => {
  let server: TestServer;
  let auth: string;
  let otherAuth: string;

  beforeEach(async () => {
    server = await createTestServer({ at: NOW });
    await trustAuthority(server.ctx, authority, new Date(NOW));
    await addInstitution(server.ctx, { institutionCode: CODE });
    await addInstitution(server.ctx, { institutionCode: OTHER, prefecture: '27' });
    auth = await server.tokenFor({ kind: 'institution', institutionCode: CODE });
    otherAuth = await server.tokenFor({ kind: 'institution', institutionCode: OTHER });
  });
  afterEach(async () => {
    await server.close();
  });

  async function challenge(token = auth, readerId = 'R-0001') {
    const res = await server.app.inject({
      method: 'POST',
      url: '/oqs/v1/reader/challenges',
      headers: { authorization: token },
      payload: { readerId },
    });
    return res;
  }

  async function send(body: Record<string, unknown>, token = auth): Promise<{ status: number; json: ResultJson }> {
    const res = await server.app.inject({
      method: 'POST',
      url: '/oqs/v1/reader/confirmations',
      headers: { authorization: token },
      payload: { readerId: 'R-0001', ...body },
    });
    return { status: res.statusCode, json: res.json() };
  }

  /** The PIN path: the card signs the server's challenge after the PIN. */
  async function pinRead(card: TestCard, extra: Record<string, unknown> = {}, options: { tamper?: boolean } = {}) {
    const issued: { challengeId: string; challenge: string } = (await challenge()).json();
    const signed = reader.signChallenge(card.chip, Buffer.from(issued.challenge, 'base64url'), '1234');
    if (!signed.ok) {
      throw new Error(signed.code);
    }
    const signature = Uint8Array.from(signed.signature);
    if (options.tamper === true) {
      signature[10] = (signature[10] ?? 0) ^ 0xff;
    }
    return {
      challengeId: issued.challengeId,
      body: {
        challengeId: issued.challengeId,
        pin: { signature: b64(signature), certificate: b64(signed.certificate) },
        ...extra,
      },
    };
  }

  async function member(options: Parameters<typeof issueTestCard>[3] = {}) {
    const { person, qualification } = await addMember(server.ctx);
    const card = await issueTestCard(server.ctx, authority, person.id, options);
    return { person, qualification, card };
  }

  it('PIN path: valid, consent recorded (包括同意, enabled items only), 限度額 always, 電子処方箋 choice, proof of check', async () => {
    const { person, card } = await member();
    const { body } = await pinRead(card, { consent: { blanket: true }, prescriptionIssueSelect: '1' });
    const { status, json } = await send(body);
    expect(status).toBe(200);
    expect(json.messageHeader).toMatchObject({ referenceClassification: '1', medicalInstitutionCode: CODE });
    expect(json.messageBody).toMatchObject({
      qualificationValidity: '1',
      processingResultStatus: '1',
      prescriptionIssueSelect: '1',
    });
    const result = json.messageBody.resultList?.[0];
    expect(result).toMatchObject({
      name: '山田 太郎',
      insuredPartialContributionRatio: '030',
      limitApplicationCertificateRelatedConsFlg: '1',
      pharmacistsInfoConsFlg: '1',
      diagnosisInfoConsFlg: '1',
      specificHealthCheckupsInfoConsFlg: '1',
      pharmacistsInfoConsTime: '20260302100000',
      pharmacistsInfoAvailableTime: '20260303100000',
      prescriptionIssueSelect: '1',
    });
    // 手術 is not enabled at this clinic, so it is neither offered nor recorded (rules.md §6.2).
    expect(result?.['operationInfoConsFlg']).toBeUndefined();
    expect(json.proofOfCheck).toMatch(/^oqsp1\./);
    const consents = await server.ctx.store.consents.listByPerson(person.id);
    expect(consents.map((c) => c.items)).toEqual([['medication', 'checkup']]);
    const [audit] = await server.ctx.store.audit.listByPerson(person.id, 1);
    expect(audit).toMatchObject({ action: 'oqs.confirm.card', actorId: CODE, outcome: 'allowed' });
    expect(audit?.detail).toMatchObject({
      authentication: 'pin',
      consentItems: 'medication,checkup',
      readerId: 'R-0001',
    });
  });

  it('per-item consent: only items the institution enabled are recorded; the rest answer 0', async () => {
    const { person, card } = await member();
    const { body } = await pinRead(card, { consent: { items: ['medication', 'surgery'] } });
    const result = (await send(body)).json.messageBody.resultList?.[0];
    expect(result).toMatchObject({ pharmacistsInfoConsFlg: '1', specificHealthCheckupsInfoConsFlg: '0' });
    const consents = await server.ctx.store.consents.listByPerson(person.id);
    expect(consents.map((c) => c.items)).toEqual([['medication']]);
  });

  it('the viewing window closes 24 hours after consent (rules.md §6.5, test case 36)', async () => {
    const { person, card } = await member();
    await send((await pinRead(card, { consent: { blanket: true } })).body);
    server.clock.advance(24 * 3_600_000 - 1000);
    const justBefore = server.clock.now().toISOString();
    expect(await server.ctx.store.consents.activeAt(person.id, CODE, justBefore)).toHaveLength(1);
    server.clock.advance(1000);
    const at24h = server.clock.now().toISOString();
    expect(await server.ctx.store.consents.activeAt(person.id, CODE, at24h)).toHaveLength(0);
    expect(await server.ctx.store.consents.activeAt(person.id, OTHER, justBefore)).toHaveLength(0);
  });

  it('face path: the reader’s signed face-match attestation confirms the card without a PIN', async () => {
    const { card } = await member({ kind: 'faceOnly' });
    const issued: { challengeId: string; challenge: string } = (await challenge()).json();
    const face = reader.authenticateFace(card.chip, {
      subject: card.face,
      camera: testCamera(),
      challenge: Buffer.from(issued.challenge, 'base64url'),
      at: server.clock.now(),
    });
    expect(face.ok).toBe(true);
    const attestation = face.attestation!;
    const { status, json } = await send({
      challengeId: issued.challengeId,
      face: {
        attestation: {
          payload: attestation.payload,
          signature: b64(attestation.signature),
          readerCertificate: b64(attestation.readerCertificate),
        },
        cardCertificate: b64(card.certificate.der),
      },
    });
    expect(status).toBe(200);
    expect(json.messageBody.qualificationValidity).toBe('1');
  });

  it('an expired challenge (60 s by the injected clock) is refused: OQS-E-CHALLENGE-EXPIRED', async () => {
    const { card } = await member();
    const { body } = await pinRead(card);
    server.clock.advance(60_000);
    const { status, json } = await send(body);
    expect(status).toBe(401);
    expect(json.error?.code).toBe('OQS-E-CHALLENGE-EXPIRED');
  });

  it('a challenge is single use: the replay is refused with OQS-E-CHALLENGE-USED', async () => {
    const { card } = await member();
    const { body } = await pinRead(card);
    expect((await send(body)).status).toBe(200);
    const replay = await send(body);
    expect(replay.status).toBe(409);
    expect(replay.json.error?.code).toBe('OQS-E-CHALLENGE-USED');
  });

  it('a challenge issued to another institution cannot be used here (and is not used up)', async () => {
    const { card } = await member();
    const { body } = await pinRead(card);
    const stolen = await send(body, otherAuth);
    expect(stolen.status).toBe(403);
    expect((await send(body)).status).toBe(200);
  });

  it('a tampered signature is refused: OQS-E-SIGNATURE, and the refusal is audited', async () => {
    const { card } = await member();
    const { body } = await pinRead(card, {}, { tamper: true });
    const { status, json } = await send(body);
    expect(status).toBe(401);
    expect(json.error?.code).toBe('OQS-E-SIGNATURE');
    const rows = await server.ctx.store.audit.scan(0, 100);
    expect(rows.at(-1)).toMatchObject({ action: 'oqs.confirm.card', outcome: 'refused' });
  });

  it('a body outside the schema is a coded 400 naming the field, and uses up no challenge (TypeBox check, decision 0176)', async () => {
    const { card } = await member();
    const { challengeId, body } = await pinRead(card);
    const pin = body.pin;
    const cases: Record<string, unknown>[] = [
      { challengeId, pin: { signature: `${pin.signature}!`, certificate: pin.certificate } },
      { challengeId, pin: { signature: pin.signature, certificate: 'A'.repeat(16_385) } },
      { pin },
      { challengeId: 'x'.repeat(65), pin },
      { challengeId, pin, prescriptionIssueSelect: '3' },
    ];
    for (const bad of cases) {
      const { status, json } = await send(bad);
      expect(status).toBe(400);
      expect(json.error?.code).toBe('ONSHI-E-VALIDATION');
      expect(json.error?.detail).toMatch(/body/);
    }
    // The challenge was not taken by any of them: the well-formed answer still confirms.
    expect((await send(body)).status).toBe(200);
  });

  it('a revoked certificate (on the CRL) is refused: OQS-E-CERT-REVOKED', async () => {
    const { card } = await member();
    await trustAuthority(server.ctx, authority, new Date(NOW), [
      { serial: card.certificate.serial, revokedAt: new Date('2026-03-01T00:00:00Z') },
    ]);
    const { status, json } = await send((await pinRead(card)).body);
    expect(status).toBe(401);
    expect(json.error?.code).toBe('OQS-E-CERT-REVOKED');
  });

  it('a suspended card (一時利用停止) is refused: OQS-E-CERT-SUSPENDED', async () => {
    const { card } = await member();
    await server.ctx.store.cards.setStatus(card.card.id, 'suspended', '2026-03-01');
    const { json } = await send((await pinRead(card)).body);
    expect(json.error?.code).toBe('OQS-E-CERT-SUSPENDED');
  });

  it('certificate expired 2026-02-10: within the grace (to 2026-05-31) accepted with a renewal reminder, no sharing (rules.md §4, test case 28)', async () => {
    const { person, card } = await member({ certificateExpiresOn: '2026-02-10' });
    const { status, json } = await send((await pinRead(card, { consent: { blanket: true } })).body);
    expect(status).toBe(200);
    expect(json.messageBody).toMatchObject({
      qualificationValidity: '1',
      processingResultStatus: '1',
      processingResultCode: 'OQS-I-RENEWAL-REMINDER',
    });
    expect(json.messageBody.resultList?.[0]?.['pharmacistsInfoConsFlg']).toBeUndefined();
    expect(await server.ctx.store.consents.listByPerson(person.id)).toHaveLength(0);
  });

  it('certificate expired 2025-11-10: grace ended 2026-02-28, refused — 資格確認書 needed (OQS-E-CERT-EXPIRED)', async () => {
    const { card } = await member({ certificateExpiresOn: '2025-11-10' });
    const { status, json } = await send((await pinRead(card)).body);
    expect(status).toBe(401);
    expect(json.error?.code).toBe('OQS-E-CERT-EXPIRED');
  });

  it('自己情報提供不可フラグ: the card is refused as insurance with the fallback, nothing else shown (rules.md §8, test case 37)', async () => {
    const { person, card } = await member();
    await server.ctx.store.dvFlags.set({
      personId: person.id,
      flag: 'selfInfoBlocked',
      setOn: '2025-01-01',
      setBy: null,
    });
    const { status, json } = await send((await pinRead(card, { consent: { blanket: true } })).body);
    expect(status).toBe(200);
    expect(json.messageBody).toEqual({
      processingResultStatus: '2',
      processingResultCode: 'OQS-E-CARD-REFUSED',
      processingResultMessage: expect.stringContaining('資格確認書') as unknown,
    });
    expect(json.proofOfCheck).toBeUndefined();
    expect(await server.ctx.store.consents.listByPerson(person.id)).toHaveLength(0);
  });

  it('not registered for insurance use: refused with OQS-E-NOT-REGISTERED', async () => {
    const { card } = await member({ registered: false });
    const { json } = await send((await pinRead(card)).body);
    expect(json.messageBody).toMatchObject({
      processingResultStatus: '2',
      processingResultCode: 'OQS-E-NOT-REGISTERED',
    });
  });

  it('reader out of order (switched by the clinic): no challenge, OQS-E-READER-OUT-OF-ORDER', async () => {
    const switched = await server.app.inject({
      method: 'PUT',
      url: `/oqs/v1/institutions/${CODE}/reader-status`,
      headers: { authorization: auth },
      payload: { status: 'outOfOrder' },
    });
    expect(switched.json()).toMatchObject({ readerStatus: 'outOfOrder' });
    const res = await challenge();
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('OQS-E-READER-OUT-OF-ORDER');
  });

  it('the result goes to the live feed of this institution only', async () => {
    const { card } = await member();
    const mine: ReaderResultEvent[] = [];
    const theirs: ReaderResultEvent[] = [];
    readerFeedOf(server.ctx).subscribe(CODE, (e) => mine.push(e));
    readerFeedOf(server.ctx).subscribe(OTHER, (e) => theirs.push(e));
    const { json } = await send((await pinRead(card)).body);
    expect(mine.map((e) => e.confirmationId)).toEqual([json.confirmationId]);
    expect(theirs).toHaveLength(0);
  });

  it('a reader of another institution cannot attest for this one', async () => {
    const { card } = await member({ kind: 'faceOnly' });
    const issued: { challengeId: string; challenge: string } = (await challenge()).json();
    const face = otherReader.authenticateFace(card.chip, {
      subject: card.face,
      camera: testCamera(),
      challenge: Buffer.from(issued.challenge, 'base64url'),
      at: server.clock.now(),
    });
    const attestation = face.attestation!;
    const { status, json } = await send({
      challengeId: issued.challengeId,
      face: {
        attestation: {
          payload: attestation.payload,
          signature: b64(attestation.signature),
          readerCertificate: b64(attestation.readerCertificate),
        },
        cardCertificate: b64(card.certificate.der),
      },
    });
    expect(status).toBe(401);
    expect(json.error?.code).toBe('OQS-E-SIGNATURE');
  });
});
