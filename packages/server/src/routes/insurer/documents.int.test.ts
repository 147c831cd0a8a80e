import { formatWareki } from '@onshi/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractText, probe, squash } from '../../documents/pdfProbe.js';
import { createTestServer, type TestServer } from '../../testing/harness.js';
import {
  INSURERS,
  enrolInsured,
  get,
  individualNumberFrom,
  newPerson,
  post,
  registerInsurer,
} from '../../testing/insurerFactories.js';

let server: TestServer;
let tokyo: string;
let miyagi: string;

beforeEach(async () => {
  server = await createTestServer({ at: '2026-04-01T00:00:00Z' });
  tokyo = await registerInsurer(server, INSURERS.kyokaiTokyo);
  miyagi = await registerInsurer(server, INSURERS.kyokaiMiyagi);
});

afterEach(async () => {
  await server.close();
});

async function pdf(token: string, url: string): Promise<{ status: number; bytes: Buffer; type: string | undefined }> {
  const res = await server.app.inject({ method: 'GET', url, headers: { authorization: token } });
  const type = res.headers['content-type'];
  return { status: res.statusCode, bytes: res.rawPayload, type: typeof type === 'string' ? type : undefined };
}

async function textOf(bytes: Buffer): Promise<string> {
  const file = await probe(bytes);
  try {
    return squash(await extractText(file));
  } finally {
    await file.dispose();
  }
}

/** Gives the person a registered card (マイナ保険証) as J-LIS would have it (rules.md §4). */
async function giveInsuranceCard(memberId: string): Promise<void> {
  const member = await get(server, tokyo, `/insurer/v1/members/${memberId}`);
  const personId = String(member.body.personId);
  const card = await server.ctx.store.cards.insert({
    personId,
    kind: 'standard',
    platform: null,
    issuedOn: '2023-01-10',
    expiresOn: '2033-10-01',
    status: 'active',
    statusChangedOn: null,
  });
  await server.ctx.store.cards.register({ personId, cardId: card.id, registeredOn: '2023-02-01', channel: 'reader' });
}

describe('資格確認書 (rules.md §5 [S29]; documents-and-screens.md §1)', () => {
  it('issues one valid for 5 years less a day, prints 記号・番号 and the 和暦 validity, and reprints identically', async () => {
    const id = await enrolInsured(server, tokyo, { symbol: '12345678', number: '1234567', branch: '00' });
    const issued = await post(server, tokyo, `/insurer/v1/members/${id}/documents`, {
      kind: 'eligibilityCertificate',
      validTo: '2031-03-31',
    });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({
      kind: 'eligibilityCertificate',
      issuedOn: '2026-04-01',
      validTo: '2031-03-31',
    });
    const first = await pdf(tokyo, String(issued.body.pdf));
    expect(first.status).toBe(200);
    expect(first.type).toBe('application/pdf');
    const text = await textOf(first.bytes);
    expect(text).toContain('12345678');
    expect(text).toContain('1234567');
    expect(text).toContain(formatWareki('2031-03-31'));
    const again = await pdf(tokyo, String(issued.body.pdf));
    expect(again.bytes.equals(first.bytes)).toBe(true);
  });

  it('refuses a validity longer than 5 years and one ending before it starts', async () => {
    const id = await enrolInsured(server, tokyo, { number: '1' });
    const long = await post(server, tokyo, `/insurer/v1/members/${id}/documents`, {
      kind: 'eligibilityCertificate',
      validTo: '2031-04-01',
    });
    expect(long.status).toBe(422);
    expect(long.body.error?.code).toBe('ONSHI-E-INSURER-VALIDITY-TOO-LONG');
    const backwards = await post(server, tokyo, `/insurer/v1/members/${id}/documents`, {
      kind: 'eligibilityCertificate',
      validFrom: '2026-05-01',
      validTo: '2026-04-30',
    });
    expect(backwards.body.error?.code).toBe('ONSHI-E-INSURER-DATES-OUT-OF-ORDER');
  });

  it("refuses another insurer's document PDF and audits the attempt", async () => {
    const id = await enrolInsured(server, tokyo, { number: '1' });
    const issued = await post(server, tokyo, `/insurer/v1/members/${id}/documents`, {
      kind: 'eligibilityCertificate',
      validTo: '2027-03-31',
    });
    const res = await pdf(miyagi, String(issued.body.pdf));
    expect(res.status).toBe(403);
    const rows = await server.ctx.store.audit.scan(0, 100);
    expect(rows.filter((r) => r.outcome === 'refused').map((r) => r.action)).toEqual(['insurer.document.print']);
  });

  it('prints the 特定疾病 with the self-pay limit the insurer recorded: 人工透析 20,000円 (§1.2 [P5][P9])', async () => {
    const id = await enrolInsured(server, tokyo, { number: '1' });
    const disease = await post(server, tokyo, `/insurer/v1/members/${id}/attributes`, {
      kind: 'specificDisease',
      diseaseCategory: '1',
      selfPayLimit: 20000,
      validFrom: '2024-04-01',
    });
    expect(disease.status).toBe(201);
    const issued = await post(server, tokyo, `/insurer/v1/members/${id}/documents`, {
      kind: 'eligibilityCertificate',
      validTo: '2027-03-31',
    });
    const text = await textOf((await pdf(tokyo, String(issued.body.pdf))).bytes);
    expect(text).toContain('人工透析 20,000円');
    expect(text).not.toContain('10,000円');
  });

  it('refuses a document for a member whose qualification is lost', async () => {
    const id = await enrolInsured(server, tokyo, { number: '1' });
    await post(server, tokyo, `/insurer/v1/members/${id}/loss`, { lostOn: '2026-01-01', lossReason: '99' });
    const res = await post(server, tokyo, `/insurer/v1/members/${id}/documents`, {
      kind: 'eligibilityCertificate',
      validTo: '2027-03-31',
    });
    expect(res.body.error?.code).toBe('ONSHI-E-INSURER-MEMBER-LOST');
  });
});

describe('資格情報のお知らせ (documents-and-screens.md §2; seed 003)', () => {
  it('needs a linked My Number, then prints only its last four digits and "not valid alone"', async () => {
    const number = individualNumberFrom('98765432109');
    const id = await enrolInsured(server, tokyo, { number: '1' });
    const without = await post(server, tokyo, `/insurer/v1/members/${id}/documents`, { kind: 'qualificationNotice' });
    expect(without.body.error?.code).toBe('ONSHI-E-INSURER-INDIVIDUAL-NUMBER-NOT-LINKED');
    await post(server, tokyo, `/insurer/v1/members/${id}/individual-number`, { individualNumber: number });
    const issued = await post(server, tokyo, `/insurer/v1/members/${id}/documents`, { kind: 'qualificationNotice' });
    expect(issued.status).toBe(201);
    expect(issued.body.validTo).toBeNull();
    const text = await textOf((await pdf(tokyo, String(issued.body.pdf))).bytes);
    expect(text).toContain(number.slice(-4));
    expect(text).not.toContain(number);
    expect(text).toContain('このお知らせのみでは受診できません');
  });

  it('a 70–74 notice expires on 31 July at the latest (documents-and-screens.md §2 [P3])', async () => {
    const id = await enrolInsured(server, tokyo, {
      number: '1',
      person: newPerson({ birthDate: '1955-04-02', individualNumber: individualNumberFrom('11122233344') }),
      acquiredOn: '2000-04-01',
    });
    const noRate = await post(server, tokyo, `/insurer/v1/members/${id}/documents`, { kind: 'qualificationNotice' });
    expect(noRate.body.error?.code).toBe('ONSHI-E-INSURER-COPAY-RATE-NOT-SET');
    await post(server, tokyo, `/insurer/v1/members/${id}/attributes`, {
      kind: 'elderlyRecipient',
      rate: 0.2,
      validFrom: '2025-05-01',
    });
    const issued = await post(server, tokyo, `/insurer/v1/members/${id}/documents`, { kind: 'qualificationNotice' });
    expect(issued.body).toMatchObject({ validTo: '2026-07-31', printed: { copayRate: 0.2 } });
  });
});

describe('documents due on date D (core documentsDue; rules.md §5, §8)', () => {
  it('issues a notice to a マイナ保険証 holder and a certificate to a member without a card, once per date', async () => {
    const holder = await enrolInsured(server, tokyo, {
      number: '1',
      person: newPerson({ individualNumber: individualNumberFrom('22233344455') }),
    });
    await giveInsuranceCard(holder);
    const noCard = await enrolInsured(server, tokyo, {
      number: '2',
      person: newPerson({ nameKanji: '無 カード', sex: 'female' }),
    });
    const blocked = await enrolInsured(server, tokyo, {
      number: '3',
      person: newPerson({ nameKanji: '保護 対象', individualNumber: individualNumberFrom('33344455566') }),
    });
    await giveInsuranceCard(blocked);
    await post(server, tokyo, `/insurer/v1/members/${blocked}/dv-flags`, {
      flag: 'selfInfoBlocked',
      setOn: '2026-03-01',
    });
    await enrolInsured(server, miyagi, { number: '9' });

    const run = { date: '2026-04-01', certificateValidTo: '2030-03-31' };
    const first = await post(server, tokyo, '/insurer/v1/documents/due-runs', run);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      considered: 3,
      issued: { eligibilityCertificate: 2, qualificationNotice: 1 },
      alreadyCovered: 0,
      problems: [],
    });
    const byMember = new Map(
      (first.body.documents as { memberId: string; kind: string }[]).map((d) => [d.memberId, d.kind]),
    );
    expect(byMember).toEqual(
      new Map([
        [holder, 'qualificationNotice'],
        [noCard, 'eligibilityCertificate'],
        [blocked, 'eligibilityCertificate'],
      ]),
    );

    const second = await post(server, tokyo, '/insurer/v1/documents/due-runs', run);
    expect(second.body).toMatchObject({
      issued: { eligibilityCertificate: 0, qualificationNotice: 0 },
      alreadyCovered: 3,
    });

    const combined = await pdf(tokyo, String(first.body.combinedPdf));
    expect(combined.status).toBe(200);
    const text = await textOf(combined.bytes);
    expect(text).toContain('このお知らせのみでは受診できません');
    expect(text).toContain('資格確認書');
    const listed = await get(server, tokyo, '/insurer/v1/documents?from=2026-04-01&to=2026-04-01');
    expect((listed.body.documents as unknown[]).length).toBe(3);
  });

  it('refuses a run whose certificate validity exceeds 5 years', async () => {
    const res = await post(server, tokyo, '/insurer/v1/documents/due-runs', {
      date: '2026-04-01',
      certificateValidTo: '2031-04-01',
    });
    expect(res.body.error?.code).toBe('ONSHI-E-INSURER-VALIDITY-TOO-LONG');
  });

  it('reports members whose document cannot be made instead of failing the run', async () => {
    const old = await enrolInsured(server, tokyo, {
      number: '1',
      person: newPerson({ birthDate: '1955-04-02' }),
      acquiredOn: '2000-04-01',
    });
    const res = await post(server, tokyo, '/insurer/v1/documents/due-runs', {
      date: '2026-04-01',
      certificateValidTo: '2027-03-31',
    });
    expect(res.body.problems).toEqual([{ memberId: old, code: 'ONSHI-E-INSURER-COPAY-RATE-NOT-SET' }]);
  });
});
