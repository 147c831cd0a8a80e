import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from '../../testing/harness.js';
import { addInstitution, addMember, institutionCodeFor } from '../../testing/oqsFactories.js';

const CODE = institutionCodeFor('17', '1', '300003');
const TOKYO = institutionCodeFor('13', '1', '400004');

describe('disaster mode: confirmation by name, birth date and address without a card (rules.md §5 [S32])', () => {
  let server: TestServer;
  let authority: string;
  let clinic: string;
  let tokyo: string;

  beforeEach(async () => {
    server = await createTestServer({ at: '2026-01-10T01:00:00Z' });
    await addInstitution(server.ctx, { institutionCode: CODE, prefecture: '17' });
    await addInstitution(server.ctx, { institutionCode: TOKYO });
    authority = await server.tokenFor({ kind: 'authority' });
    clinic = await server.tokenFor({ kind: 'institution', institutionCode: CODE });
    tokyo = await server.tokenFor({ kind: 'institution', institutionCode: TOKYO });
    await addMember(server.ctx, { nameKana: 'ノト ハナコ', birthDate: '1950-05-05', address: '石川県輪島市河井町1-1' });
  });
  afterEach(async () => {
    await server.close();
  });

  const declare = (payload: Record<string, unknown>) =>
    server.app.inject({ method: 'POST', url: '/oqs/v1/disasters', headers: { authorization: authority }, payload });
  const confirm = (token: string, payload: Record<string, unknown>) =>
    server.app.inject({
      method: 'POST',
      url: '/oqs/v1/disaster-confirmations',
      headers: { authorization: token },
      payload,
    });
  const stated = {
    nameKana: 'ﾉﾄ ﾊﾅｺ',
    birthDate: '1950-05-05',
    address: '石川県輪島市',
    oralConsent: ['medication', 'checkup', 'surgery'],
  };

  it('inside the declared area and period: confirmed, oral consent to 薬剤・健診 recorded, audit marked disasterMode', async () => {
    expect(
      (await declare({ name: '令和8年能登豪雪', prefectures: ['17'], startsOn: '2026-01-05', endsOn: '2026-02-28' }))
        .statusCode,
    ).toBe(201);
    const res = await confirm(clinic, stated);
    expect(res.statusCode).toBe(200);
    const json = res.json();
    expect(json.messageBody).toMatchObject({ qualificationValidity: '1', processingResultCode: 'OQS-I-DISASTER' });
    expect(json.messageBody.resultList[0]).toMatchObject({
      pharmacistsInfoConsFlg: '1',
      specificHealthCheckupsInfoConsFlg: '1',
    });
    expect(json.messageBody.resultList[0].operationInfoConsFlg).toBeUndefined();
    const person = json.messageBody.resultList[0];
    expect(person.name).toBe('山田 太郎');
    const rows = await server.ctx.store.audit.scan(0, 100);
    const read = rows.find((r) => r.action === 'oqs.confirm.disaster');
    expect(read?.detail).toMatchObject({ disasterMode: true, oralConsent: true, consentItems: 'medication,checkup' });
  });

  it('outside the declared prefecture, or before any declaration: OQS-E-DISASTER-INACTIVE', async () => {
    expect((await confirm(clinic, stated)).json().error.code).toBe('OQS-E-DISASTER-INACTIVE');
    await declare({ name: '能登', prefectures: ['17'], startsOn: '2026-01-05', endsOn: '2026-02-28' });
    expect((await confirm(tokyo, stated)).json().error.code).toBe('OQS-E-DISASTER-INACTIVE');
  });

  it('after the declared period ends the mode is off again (injected clock)', async () => {
    await declare({ name: '能登', prefectures: ['17'], startsOn: '2026-01-05', endsOn: '2026-01-10' });
    expect((await confirm(clinic, stated)).statusCode).toBe(200);
    server.clock.set('2026-01-10T15:00:00Z');
    expect((await confirm(clinic, stated)).json().error.code).toBe('OQS-E-DISASTER-INACTIVE');
  });

  it('a stated identity that matches nobody: QualificationValidity 4', async () => {
    await declare({ name: '能登', prefectures: ['17'], startsOn: '2026-01-05', endsOn: '2026-02-28' });
    const json = (await confirm(clinic, { ...stated, address: '富山県' })).json();
    expect(json.messageBody).toMatchObject({
      qualificationValidity: '4',
      processingResultCode: 'OQS-E-NO-QUALIFICATION',
    });
  });

  it('only the authority declares; a bad prefecture or period is refused with a code', async () => {
    const byClinic = await server.app.inject({
      method: 'POST',
      url: '/oqs/v1/disasters',
      headers: { authorization: clinic },
      payload: { name: 'x', prefectures: ['17'], startsOn: '2026-01-05', endsOn: '2026-01-06' },
    });
    expect(byClinic.statusCode).toBe(403);
    expect(
      (await declare({ name: 'x', prefectures: ['48'], startsOn: '2026-01-05', endsOn: '2026-01-06' })).json().error
        .code,
    ).toBe('ONSHI-E-OQS-BAD-PREFECTURE');
    expect(
      (await declare({ name: 'x', prefectures: ['17'], startsOn: '2026-02-05', endsOn: '2026-01-06' })).json().error
        .code,
    ).toBe('ONSHI-E-OQS-BAD-PERIOD');
  });
});

describe('institutions registry and credentials (issue 6 "Institutions")', () => {
  let server: TestServer;
  let authority: string;

  beforeEach(async () => {
    server = await createTestServer({ at: '2026-03-02T01:00:00Z' });
    authority = await server.tokenFor({ kind: 'authority' });
  });
  afterEach(async () => {
    await server.close();
  });

  const register = (payload: Record<string, unknown>, token = authority) =>
    server.app.inject({ method: 'POST', url: '/oqs/v1/institutions', headers: { authorization: token }, payload });

  it('registers a clinic with a valid 医療機関コード; prefecture from the code; default consent items 薬剤・健診', async () => {
    const res = await register({ institutionCode: CODE, name: '輪島診療所', kind: 'clinic', address: '石川県輪島市' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      prefecture: '17',
      readerStatus: 'working',
      consentItemsEnabled: ['medication', 'checkup'],
      oqsEnabled: true,
    });
  });

  it('refuses a wrong check digit and a kind that does not fit the 点数表 digit', async () => {
    const wrong = `${CODE.slice(0, 9)}${(Number(CODE[9]) + 1) % 10}`;
    const bad = await register({ institutionCode: wrong, name: 'x', kind: 'clinic', address: '' });
    expect(bad.json().error).toMatchObject({
      code: 'ONSHI-E-OQS-BAD-INSTITUTION-CODE',
      detail: 'INSTITUTION_CODE_CHECK_DIGIT',
    });
    const kind = await register({ institutionCode: CODE, name: 'x', kind: 'pharmacy', address: '' });
    expect(kind.json().error.code).toBe('ONSHI-E-OQS-INSTITUTION-KIND');
  });

  it('an institution cannot register institutions', async () => {
    const clinic = await server.tokenFor({ kind: 'institution', institutionCode: CODE });
    expect((await register({ institutionCode: CODE, name: 'x', kind: 'clinic', address: '' }, clinic)).statusCode).toBe(
      403,
    );
  });

  it('the authority issues the institution its own credential, which then authenticates its calls', async () => {
    await register({ institutionCode: CODE, name: '輪島診療所', kind: 'clinic', address: '石川県輪島市' });
    const issued = await server.app.inject({
      method: 'POST',
      url: `/oqs/v1/institutions/${CODE}/credentials`,
      headers: { authorization: authority },
    });
    expect(issued.statusCode).toBe(201);
    const token: string = issued.json().token;
    const self = await server.app.inject({
      method: 'GET',
      url: `/oqs/v1/institutions/${CODE}`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(self.json()).toMatchObject({ institutionCode: CODE, name: '輪島診療所' });
  });

  it('a clinic changes only its own reader status and consent items', async () => {
    await addInstitution(server.ctx, { institutionCode: CODE });
    await addInstitution(server.ctx, { institutionCode: TOKYO });
    const clinic = await server.tokenFor({ kind: 'institution', institutionCode: CODE });
    const own = await server.app.inject({
      method: 'PUT',
      url: `/oqs/v1/institutions/${CODE}/consent-items`,
      headers: { authorization: clinic },
      payload: { items: ['checkup', 'surgery', 'medication'] },
    });
    expect(own.json().consentItemsEnabled).toEqual(['medication', 'surgery', 'checkup']);
    const other = await server.app.inject({
      method: 'PUT',
      url: `/oqs/v1/institutions/${TOKYO}/reader-status`,
      headers: { authorization: clinic },
      payload: { status: 'outOfOrder' },
    });
    expect(other.statusCode).toBe(403);
    expect((await server.ctx.store.institutions.get(TOKYO))?.readerStatus).toBe('working');
  });

  it('/openapi.json documents the OQS operations', async () => {
    const doc: { paths: Record<string, unknown> } = (
      await server.app.inject({ method: 'GET', url: '/openapi.json' })
    ).json();
    for (const path of [
      '/oqs/v1/qualification-confirmations',
      '/oqs/v1/xml/OQSsiquc01req',
      '/oqs/v1/reader/challenges',
      '/oqs/v1/reader/confirmations',
      '/oqs/v1/proofs/verify',
      '/oqs/v1/disaster-confirmations',
      '/oqs/v1/institutions',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
  });
});
