import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from '../../testing/harness.js';
import {
  INSURERS,
  authorityToken,
  enrolInsured,
  get,
  individualNumberFrom,
  newPerson,
  post,
  registerInsurer,
  withWrongCheckDigit,
} from '../../testing/insurerFactories.js';

const MY_NUMBER = individualNumberFrom('12345678901');

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

describe('insurer administration (issue 4, Insurer API)', () => {
  it('refuses an insurer number whose check digit does not match (rules.md §1.1, test case 8)', async () => {
    const authority = await authorityToken(server);
    const res = await post(server, authority, '/insurer/v1/insurers', { insurerNumber: '33120016', name: 'x' });
    expect(res.status).toBe(422);
    expect(res.body.error?.code).toBe('ONSHI-E-INSURER-BAD-INSURER-NUMBER');
  });

  it('registers a 国保 insurer by its 6 digits and its credential works', async () => {
    const kokuho = await registerInsurer(server, INSURERS.kokuho);
    const id = await enrolInsured(server, kokuho, { number: '１２３４５' });
    const res = await get(server, kokuho, `/insurer/v1/members/${id}`);
    expect(res.status).toBe(200);
    expect(res.body.insurerNumber).toBe('131011');
    expect(res.body.memberIdentifier).toBe('00131011::１２３４５:');
  });

  it('documents every insurer route in /openapi.json (issue 4: OpenAPI from TypeBox schemas)', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/openapi.json' });
    const paths = Object.keys(res.json<{ paths: Record<string, unknown> }>().paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/insurer/v1/insurers',
        '/insurer/v1/members',
        '/insurer/v1/members/{memberId}/loss',
        '/insurer/v1/members/{memberId}/documents',
        '/insurer/v1/documents/due-runs',
      ]),
    );
  });

  it('only the authority may register insurers', async () => {
    const res = await post(server, tokyo, '/insurer/v1/insurers', INSURERS.kumiai);
    expect(res.status).toBe(403);
  });
});

describe('資格取得 and reads', () => {
  it('enrols an insured person and finds them by 記号・番号 typed full-width (rules.md §1.2)', async () => {
    const id = await enrolInsured(server, tokyo, { symbol: '12345678', number: '1234567', branch: '00' });
    const member = await get(server, tokyo, `/insurer/v1/members/${id}`);
    expect(member.body).toMatchObject({
      relationship: 'insured',
      acquiredOn: '2020-01-01',
      lostOn: null,
      memberIdentifier: '01130012:12345678:1234567:00',
      person: { nameKana: 'キョウカイ タロウ' },
    });
    const found = await get(
      server,
      tokyo,
      '/insurer/v1/members?symbol=１２３４５６７８&number=１２３４５６７&branch=00',
    );
    expect((found.body.members as { memberId: string }[]).map((m) => m.memberId)).toEqual([id]);
  });

  it('lists members in pages', async () => {
    for (const n of ['1', '2', '3']) {
      await enrolInsured(server, tokyo, { number: n, person: newPerson({ nameKanji: `人 ${n}` }) });
    }
    const first = await get(server, tokyo, '/insurer/v1/members?limit=2');
    expect((first.body.members as unknown[]).length).toBe(2);
    const next = await get(server, tokyo, `/insurer/v1/members?limit=2&afterId=${String(first.body.nextAfterId)}`);
    expect((next.body.members as unknown[]).length).toBe(1);
    expect(next.body.nextAfterId).toBeNull();
  });

  it('refuses 記号・番号 that mix half- and full-width characters (rules.md §1.2, test case 11)', async () => {
    const res = await post(server, tokyo, '/insurer/v1/members', {
      person: newPerson(),
      symbol: '１２3',
      number: '1',
      relationship: 'insured',
      acquiredOn: '2020-01-01',
    });
    expect(res.status).toBe(422);
    expect(res.body.error?.code).toBe('ONSHI-E-INSURER-BAD-MEMBER-NUMBER');
  });

  it('refuses a 後期 enrolment under 65 and a 被用者保険 enrolment from the 75th birthday (rules.md §2, 高確法50条)', async () => {
    const late = await registerInsurer(server, INSURERS.lateElderly);
    const young = await post(server, late, '/insurer/v1/members', {
      person: newPerson({ birthDate: '1970-01-01' }),
      number: '12345678',
      relationship: 'insured',
      acquiredOn: '2026-01-01',
    });
    expect(young.body.error?.code).toBe('ONSHI-E-INSURER-NOT-IN-SCHEME');
    const old = await post(server, tokyo, '/insurer/v1/members', {
      person: newPerson({ birthDate: '1950-06-20' }),
      number: '9',
      relationship: 'insured',
      acquiredOn: '2025-06-20',
    });
    expect(old.body.error?.code).toBe('ONSHI-E-INSURER-NOT-IN-SCHEME');
  });
});

describe("another insurer's member (issue 4: refused and audited)", () => {
  it('refuses a read and a loss with 403 and writes refused audit rows', async () => {
    const id = await enrolInsured(server, tokyo, { number: '1' });
    const read = await get(server, miyagi, `/insurer/v1/members/${id}`);
    expect(read.status).toBe(403);
    expect(read.body.error?.code).toBe('ONSHI-E-INSURER-OTHER-MEMBER');
    const loss = await post(server, miyagi, `/insurer/v1/members/${id}/loss`, {
      lostOn: '2026-01-01',
      lossReason: '99',
    });
    expect(loss.status).toBe(403);
    const rows = await server.ctx.store.audit.scan(0, 100);
    const refused = rows.filter((r) => r.outcome === 'refused');
    expect(refused.map((r) => [r.actorId, r.action, r.target])).toEqual([
      ['01040013', 'insurer.member.read', `qualification:${id}`],
      ['01040013', 'insurer.member.loss', `qualification:${id}`],
    ]);
    const member = await get(server, tokyo, `/insurer/v1/members/${id}`);
    expect(member.body.lostOn).toBeNull();
  });

  it("refuses to hang a dependant on another insurer's insured member", async () => {
    const id = await enrolInsured(server, tokyo, { number: '1' });
    const res = await post(server, miyagi, '/insurer/v1/members', {
      person: newPerson({ birthDate: '2015-01-01' }),
      number: '1',
      relationship: 'dependant',
      insuredMemberId: id,
      acquiredOn: '2021-01-01',
    });
    expect(res.status).toBe(403);
  });
});

describe('My Number linking (番号法施行令 第8条; only the last 4 digits are shown)', () => {
  it('refuses a bad check digit without echoing the number', async () => {
    const id = await enrolInsured(server, tokyo, { number: '1' });
    const res = await post(server, tokyo, `/insurer/v1/members/${id}/individual-number`, {
      individualNumber: withWrongCheckDigit(MY_NUMBER),
    });
    expect(res.status).toBe(422);
    expect(res.body.error?.code).toBe('ONSHI-E-INSURER-BAD-INDIVIDUAL-NUMBER');
    expect(JSON.stringify(res.body)).not.toContain(MY_NUMBER.slice(0, 8));
  });

  it('links a valid number and shows only its last four digits, now and in later reads', async () => {
    const id = await enrolInsured(server, tokyo, { number: '1' });
    const res = await post(server, tokyo, `/insurer/v1/members/${id}/individual-number`, {
      individualNumber: MY_NUMBER,
    });
    expect(res.status).toBe(201);
    expect(res.body.individualNumberLast4).toBe(MY_NUMBER.slice(-4));
    expect(JSON.stringify(res.body)).not.toContain(MY_NUMBER);
    const member = await get(server, tokyo, `/insurer/v1/members/${id}`);
    expect(member.body.individualNumberLast4).toBe(MY_NUMBER.slice(-4));
    expect(JSON.stringify(member.body)).not.toContain(MY_NUMBER);
    const rows = await server.ctx.store.audit.scan(0, 100);
    expect(JSON.stringify(rows)).not.toContain(MY_NUMBER);
  });

  it('refuses a number already linked to another person', async () => {
    const a = await enrolInsured(server, tokyo, { number: '1' });
    const b = await enrolInsured(server, tokyo, { number: '2', person: newPerson({ nameKanji: '別人' }) });
    await post(server, tokyo, `/insurer/v1/members/${a}/individual-number`, { individualNumber: MY_NUMBER });
    const res = await post(server, tokyo, `/insurer/v1/members/${b}/individual-number`, {
      individualNumber: MY_NUMBER,
    });
    expect(res.status).toBe(409);
    expect(res.body.error?.code).toBe('ONSHI-E-INSURER-INDIVIDUAL-NUMBER-IN-USE');
  });
});

describe('overlapping periods and the job change (decision 0080)', () => {
  it('refuses a second qualification overlapping the first, then accepts it after the loss; the person and card stay', async () => {
    const first = await enrolInsured(server, tokyo, {
      number: '1',
      person: newPerson({ individualNumber: MY_NUMBER }),
    });
    const personId = String((await get(server, tokyo, `/insurer/v1/members/${first}`)).body.personId);
    const card = await server.ctx.store.cards.insert({
      personId,
      kind: 'standard',
      platform: null,
      issuedOn: '2021-01-01',
      expiresOn: '2031-10-01',
      status: 'active',
      statusChangedOn: null,
    });
    const moving = {
      person: { kind: 'existing', individualNumber: MY_NUMBER, birthDate: '1989-10-01' },
      number: '77',
      relationship: 'insured',
      acquiredOn: '2026-04-01',
    };
    const overlapping = await post(server, miyagi, '/insurer/v1/members', moving);
    expect(overlapping.status).toBe(409);
    expect(overlapping.body.error?.code).toBe('ONSHI-E-INSURER-OVERLAPPING-QUALIFICATION');

    const loss = await post(server, tokyo, `/insurer/v1/members/${first}/loss`, {
      lostOn: '2026-04-01',
      lossReason: '03',
    });
    expect(loss.status).toBe(200);
    const joined = await post(server, miyagi, '/insurer/v1/members', moving);
    expect(joined.status).toBe(201);
    expect(joined.body.personId).toBe(personId);
    expect(joined.body.individualNumberLast4).toBe(MY_NUMBER.slice(-4));
    expect((await server.ctx.store.cards.listByPerson(personId)).map((c) => c.id)).toEqual([card.id]);
    const current = await server.ctx.store.qualifications.currentForPerson(personId, '2026-04-01');
    expect(current.map((q) => q.insurerNumber)).toEqual(['01040013']);
  });

  it('does not find an existing person when the birth date differs', async () => {
    await enrolInsured(server, tokyo, { number: '1', person: newPerson({ individualNumber: MY_NUMBER }) });
    const res = await post(server, miyagi, '/insurer/v1/members', {
      person: { kind: 'existing', individualNumber: MY_NUMBER, birthDate: '1989-10-02' },
      number: '77',
      relationship: 'insured',
      acquiredOn: '2026-04-01',
    });
    expect(res.status).toBe(404);
    expect(res.body.error?.code).toBe('ONSHI-E-INSURER-UNKNOWN-PERSON');
  });

  it('refuses a 記号・番号・枝番 another person holds in the same period', async () => {
    await enrolInsured(server, tokyo, { number: '1', branch: '00' });
    const res = await post(server, tokyo, '/insurer/v1/members', {
      person: newPerson({ nameKanji: '別人' }),
      number: '1',
      branch: '00',
      relationship: 'insured',
      acquiredOn: '2021-01-01',
    });
    expect(res.body.error?.code).toBe('ONSHI-E-INSURER-MEMBER-NUMBER-TAKEN');
  });
});

describe('被扶養者異動', () => {
  it('refuses a dependant without an insured person', async () => {
    const noInsured = await post(server, tokyo, '/insurer/v1/members', {
      person: newPerson({ birthDate: '2015-01-01' }),
      number: '1',
      relationship: 'dependant',
      acquiredOn: '2021-01-01',
    });
    expect(noInsured.status).toBe(422);
    expect(noInsured.body.error?.code).toBe('ONSHI-E-INSURER-DEPENDANT-WITHOUT-INSURED');

    const insured = await enrolInsured(server, tokyo, { number: '1', acquiredOn: '2022-01-01' });
    const beforeInsured = await post(server, tokyo, `/insurer/v1/members/${insured}/dependants`, {
      person: newPerson({ birthDate: '2015-01-01' }),
      acquiredOn: '2021-12-31',
    });
    expect(beforeInsured.body.error?.code).toBe('ONSHI-E-INSURER-DEPENDANT-WITHOUT-INSURED');
  });

  it('refuses dependants in 国保 (国保法5条: everyone is insured)', async () => {
    const kokuho = await registerInsurer(server, INSURERS.kokuho);
    const insured = await enrolInsured(server, kokuho, { number: '1' });
    const res = await post(server, kokuho, `/insurer/v1/members/${insured}/dependants`, {
      person: newPerson({ birthDate: '2015-01-01' }),
      acquiredOn: '2021-01-01',
    });
    expect(res.body.error?.code).toBe('ONSHI-E-INSURER-NO-DEPENDANTS-IN-SCHEME');
  });

  it('adds a dependant under the insured 記号・番号 and removes them with the insured person’s loss', async () => {
    const insured = await enrolInsured(server, tokyo, { symbol: '55', number: '1', branch: '00' });
    const dep = await post(server, tokyo, `/insurer/v1/members/${insured}/dependants`, {
      person: newPerson({ nameKanji: '協会 花子', birthDate: '2015-01-01' }),
      branch: '01',
      acquiredOn: '2021-01-01',
    });
    expect(dep.status).toBe(201);
    expect(dep.body).toMatchObject({
      relationship: 'dependant',
      insuredMemberId: insured,
      symbol: '55',
      number: '1',
      branch: '01',
    });
    const loss = await post(server, tokyo, `/insurer/v1/members/${insured}/loss`, {
      lostOn: '2026-03-01',
      lossReason: '01',
    });
    expect(loss.body.dependantsLost).toEqual([dep.body.memberId]);
    const after = await get(server, tokyo, `/insurer/v1/members/${String(dep.body.memberId)}`);
    expect(after.body).toMatchObject({ lostOn: '2026-03-01', lossReason: '99' });
  });

  it('removes a single dependant with its own loss', async () => {
    const insured = await enrolInsured(server, tokyo, { number: '1' });
    const dep = await post(server, tokyo, `/insurer/v1/members/${insured}/dependants`, {
      person: newPerson({ birthDate: '2015-01-01' }),
      branch: '01',
      acquiredOn: '2021-01-01',
    });
    const res = await post(server, tokyo, `/insurer/v1/members/${String(dep.body.memberId)}/loss`, {
      lostOn: '2025-04-01',
      lossReason: '03',
    });
    expect(res.status).toBe(200);
    expect((await get(server, tokyo, `/insurer/v1/members/${insured}`)).body.lostOn).toBeNull();
  });
});

describe('資格喪失 and dates out of order', () => {
  it('refuses a loss on or before the acquisition and a second loss', async () => {
    const id = await enrolInsured(server, tokyo, { number: '1', acquiredOn: '2020-01-01' });
    const early = await post(server, tokyo, `/insurer/v1/members/${id}/loss`, {
      lostOn: '2019-12-31',
      lossReason: '99',
    });
    expect(early.status).toBe(422);
    expect(early.body.error?.code).toBe('ONSHI-E-INSURER-DATES-OUT-OF-ORDER');
    await post(server, tokyo, `/insurer/v1/members/${id}/loss`, { lostOn: '2025-01-01', lossReason: '99' });
    const again = await post(server, tokyo, `/insurer/v1/members/${id}/loss`, {
      lostOn: '2025-02-01',
      lossReason: '99',
    });
    expect(again.body.error?.code).toBe('ONSHI-E-INSURER-ALREADY-LOST');
  });

  it('refuses a calendar date that does not exist', async () => {
    const id = await enrolInsured(server, tokyo, { number: '1' });
    const res = await post(server, tokyo, `/insurer/v1/members/${id}/loss`, { lostOn: '2025-02-30', lossReason: '99' });
    expect(res.status).toBe(400);
  });
});

describe('Idempotency-Key on writes', () => {
  it('replays the first response for the same key and body, and refuses the key with another body', async () => {
    const body = { person: newPerson(), number: '1', relationship: 'insured', acquiredOn: '2020-01-01' };
    const key = { 'idempotency-key': 'enrol-0001' };
    const first = await post(server, tokyo, '/insurer/v1/members', body, key);
    const replay = await post(server, tokyo, '/insurer/v1/members', body, key);
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.body.memberId).toBe(first.body.memberId);
    const list = await get(server, tokyo, '/insurer/v1/members');
    expect((list.body.members as unknown[]).length).toBe(1);
    const other = await post(server, tokyo, '/insurer/v1/members', { ...body, number: '2' }, key);
    expect(other.status).toBe(422);
    expect(other.body.error?.code).toBe('ONSHI-E-IDEMPOTENCY-KEY-REUSED');
  });
});

describe('co-pay rate, 限度額適用区分, 高齢受給者, 特定疾病 with effective dates (rules.md §2–§3)', () => {
  it('accepts the statutory rate, refuses another, and keeps superseded values in the history', async () => {
    const id = await enrolInsured(server, tokyo, { number: '1' });
    const wrong = await post(server, tokyo, `/insurer/v1/members/${id}/attributes`, {
      kind: 'copayRate',
      rate: 0.1,
      validFrom: '2020-01-01',
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error?.code).toBe('ONSHI-E-INSURER-RATE-NOT-ALLOWED');
    const ok = await post(server, tokyo, `/insurer/v1/members/${id}/attributes`, {
      kind: 'copayRate',
      rate: 0.3,
      validFrom: '2020-01-01',
    });
    expect(ok.status).toBe(201);
    await post(server, tokyo, `/insurer/v1/members/${id}/attributes`, {
      kind: 'limitCategory',
      category: 'A03',
      validFrom: '2024-04-01',
    });
    await post(server, tokyo, `/insurer/v1/members/${id}/attributes`, {
      kind: 'limitCategory',
      category: 'A04',
      validFrom: '2025-08-01',
    });
    const asOf2024 = await get(server, tokyo, `/insurer/v1/members/${id}?asOf=2024-12-01`);
    expect(asOf2024.body.attributes).toEqual([
      expect.objectContaining({ kind: 'copayRate', rate: 0.3 }),
      expect.objectContaining({ kind: 'limitCategory', category: 'A03', validTo: '2025-07-31' }),
    ]);
    const now = await get(server, tokyo, `/insurer/v1/members/${id}`);
    expect(now.body.attributes).toEqual([
      expect.objectContaining({ kind: 'copayRate' }),
      expect.objectContaining({ kind: 'limitCategory', category: 'A04' }),
    ]);
    const history = await get(server, tokyo, `/insurer/v1/members/${id}/history`);
    const limits = (
      history.body.attributes as {
        kind: string;
        category?: string;
        validTo: string | null;
        supersededAt: string | null;
      }[]
    ).filter((a) => a.kind === 'limitCategory');
    // The first A03 row is kept, superseded; a copy ends the day before A04 starts (rules of the effective-dated store).
    expect(limits.map((a) => [a.category, a.validTo, a.supersededAt === null]).sort()).toEqual([
      ['A03', null, false],
      ['A03', '2025-07-31', true],
      ['A04', null, true],
    ]);
  });

  it('refuses a 70+ 限度額 code under 70 and 高齢受給者 data outside 70–74', async () => {
    const id = await enrolInsured(server, tokyo, { number: '1' });
    const b = await post(server, tokyo, `/insurer/v1/members/${id}/attributes`, {
      kind: 'limitCategory',
      category: 'B09',
      validFrom: '2024-04-01',
    });
    expect(b.body.error?.code).toBe('ONSHI-E-INSURER-ATTRIBUTE-NOT-FOR-AGE');
    const elderly = await post(server, tokyo, `/insurer/v1/members/${id}/attributes`, {
      kind: 'elderlyRecipient',
      rate: 0.2,
      validFrom: '2024-04-01',
    });
    expect(elderly.body.error?.code).toBe('ONSHI-E-INSURER-ATTRIBUTE-NOT-FOR-AGE');
  });

  it('accepts 高齢受給者 2割 from the month after reaching 70 (rules.md §2, test case 16)', async () => {
    const id = await enrolInsured(server, tokyo, {
      number: '1',
      person: newPerson({ birthDate: '1955-04-02' }),
      acquiredOn: '2000-04-01',
    });
    const early = await post(server, tokyo, `/insurer/v1/members/${id}/attributes`, {
      kind: 'elderlyRecipient',
      rate: 0.2,
      validFrom: '2025-04-15',
    });
    expect(early.body.error?.code).toBe('ONSHI-E-INSURER-ATTRIBUTE-NOT-FOR-AGE');
    const ok = await post(server, tokyo, `/insurer/v1/members/${id}/attributes`, {
      kind: 'elderlyRecipient',
      rate: 0.2,
      validFrom: '2025-05-01',
    });
    expect(ok.status).toBe(201);
  });

  it('refuses validTo before validFrom and ends a 特定疾病 on a date', async () => {
    const id = await enrolInsured(server, tokyo, { number: '1' });
    const bad = await post(server, tokyo, `/insurer/v1/members/${id}/attributes`, {
      kind: 'specificDisease',
      diseaseCategory: '1',
      selfPayLimit: 10000,
      validFrom: '2024-04-01',
      validTo: '2024-03-31',
    });
    expect(bad.body.error?.code).toBe('ONSHI-E-INSURER-DATES-OUT-OF-ORDER');
    const ok = await post(server, tokyo, `/insurer/v1/members/${id}/attributes`, {
      kind: 'specificDisease',
      diseaseCategory: '1',
      selfPayLimit: 20000,
      validFrom: '2024-04-01',
    });
    expect(ok.status).toBe(201);
    const ended = await post(server, tokyo, `/insurer/v1/members/${id}/attributes/${String(ok.body.id)}/end`, {
      validTo: '2025-03-31',
    });
    expect(ended.body.validTo).toBe('2025-03-31');
    expect((await get(server, tokyo, `/insurer/v1/members/${id}?asOf=2025-04-01`)).body.attributes).toEqual([]);
  });
});

describe('DV flags (rules.md §8)', () => {
  it('sets and clears 自己情報提供不可 with dates, refusing a double set and a clear before the set', async () => {
    const id = await enrolInsured(server, tokyo, { number: '1' });
    const set = await post(server, tokyo, `/insurer/v1/members/${id}/dv-flags`, {
      flag: 'selfInfoBlocked',
      setOn: '2025-05-01',
    });
    expect(set.status).toBe(201);
    const twice = await post(server, tokyo, `/insurer/v1/members/${id}/dv-flags`, {
      flag: 'selfInfoBlocked',
      setOn: '2025-06-01',
    });
    expect(twice.body.error?.code).toBe('ONSHI-E-INSURER-DV-FLAG-ALREADY-SET');
    const early = await post(server, tokyo, `/insurer/v1/members/${id}/dv-flags/selfInfoBlocked/clear`, {
      clearedOn: '2025-04-01',
    });
    expect(early.body.error?.code).toBe('ONSHI-E-INSURER-DATES-OUT-OF-ORDER');
    const clear = await post(server, tokyo, `/insurer/v1/members/${id}/dv-flags/selfInfoBlocked/clear`, {
      clearedOn: '2026-01-01',
    });
    expect(clear.body).toMatchObject({ flag: 'selfInfoBlocked', setOn: '2025-05-01', clearedOn: '2026-01-01' });
    const notSet = await post(server, tokyo, `/insurer/v1/members/${id}/dv-flags/nonDisclosure/clear`, {
      clearedOn: '2026-01-01',
    });
    expect(notSet.body.error?.code).toBe('ONSHI-E-INSURER-DV-FLAG-NOT-SET');
    const member = await get(server, tokyo, `/insurer/v1/members/${id}`);
    expect(member.body.dvFlags).toEqual([
      expect.objectContaining({ flag: 'selfInfoBlocked', clearedOn: '2026-01-01' }),
    ]);
  });
});
