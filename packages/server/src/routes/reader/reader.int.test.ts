import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { institutionCodeCheckDigit } from '@onshi/core';
import { issueDemoWallet } from '../../commands/authority/demoWallet.js';
import { holderFaceSeed, issueCard } from '../../commands/authority/issueCard.js';
import { readerBridgeOf } from '../../commands/reader/bridge.js';
import { parseWallet } from '../../commands/reader/wallet.js';
import { AuditLog } from '../../audit/auditLog.js';
import { AppError } from '../../http/errors.js';
import { createTestServer, type TestServer } from '../../testing/harness.js';

/* The reader-device bridge over HTTP: who may drive a session, and what the chip is spared (issue 7). */

function code(serial: string): string {
  const first9 = `131${serial}`;
  return `${first9}${String(institutionCodeCheckDigit(first9))}`;
}

let server: TestServer;
let clinic: string;
let other: string;
let token: string;
let otherToken: string;

beforeEach(async () => {
  server = await createTestServer();
  const store = server.ctx.store;
  clinic = code('100001');
  other = code('100002');
  for (const institutionCode of [clinic, other]) {
    await store.institutions.upsert({
      institutionCode,
      name: 'テスト医院',
      kind: 'clinic',
      prefecture: '13',
      address: '東京都',
      oqsEnabled: true,
      readerStatus: 'working',
      consentItemsEnabled: ['medication', 'checkup'],
      smartphoneReader: false,
    });
  }
  const person = await store.persons.insert({
    nameKanji: '試験 花子',
    nameKana: 'シケン ハナコ',
    birthDate: '1970-01-01',
    sex: 'female',
    address: '東京都',
    postalCode: '100-0001',
    prefecture: '13',
  });
  const audit = new AuditLog(store, server.clock);
  const issued = await store.transaction((tx) =>
    issueCard({ ctx: server.ctx, audit }, tx, {
      personId: person.id,
      kind: 'standard',
      pins: { authentication: '1234', signing: 'ABC123', cardInfo: '1234' },
      issuedOn: '2024-01-01',
    }),
  );
  await audit.drain();
  readerBridgeOf(server.ctx).useWallet({
    format: 'onshi-demo-wallet/1',
    cards: [
      {
        id: 'card1',
        label: { ja: 'カード1', en: 'Card 1' },
        holderFaceSeed: holderFaceSeed(person.id),
        image: issued.image,
      },
    ],
  });
  token = await server.tokenFor({ kind: 'institution', institutionCode: clinic });
  otherToken = await server.tokenFor({ kind: 'institution', institutionCode: other });
});

afterEach(async () => {
  await server.close();
});

async function start(): Promise<string> {
  const response = await server.app.inject({
    method: 'POST',
    url: '/reader/v1/sessions',
    headers: { authorization: token },
    payload: { cardId: 'card1' },
  });
  expect(response.statusCode).toBe(201);
  const body = response.json<{ sessionId: string; methods: string[]; pinRemainingTries: number }>();
  expect(body.methods).toEqual(['face', 'pin']);
  expect(body.pinRemainingTries).toBe(3);
  return body.sessionId;
}

describe('reader bridge /reader/v1', () => {
  it('needs an institution credential (CONTRIBUTING: a principal only touches its own records)', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/reader/v1/wallet' });
    expect(response.statusCode).toBe(401);
  });

  it('lists the wallet by label and kind only: no chip image leaves the bridge', async () => {
    const response = await server.app.inject({
      method: 'GET',
      url: '/reader/v1/wallet',
      headers: { authorization: token },
    });
    expect(response.json()).toEqual({
      cards: [{ id: 'card1', label: { ja: 'カード1', en: 'Card 1' }, kind: 'standard', platform: null }],
    });
    expect(response.body).not.toContain('adminKey');
  });

  it("another institution cannot drive this institution's session", async () => {
    const sessionId = await start();
    const response = await server.app.inject({
      method: 'POST',
      url: `/reader/v1/sessions/${sessionId}/pin`,
      headers: { authorization: otherToken },
      payload: { pin: '1234' },
    });
    expect(response.statusCode).toBe(404);
    expect(response.json<{ error: { code: string } }>().error.code).toBe('ONSHI-E-READER-SESSION');
  });

  it('a malformed PIN is refused without spending a try on the chip (rules.md §4 PIN [S22])', async () => {
    const sessionId = await start();
    const malformed = await server.app.inject({
      method: 'POST',
      url: `/reader/v1/sessions/${sessionId}/pin`,
      headers: { authorization: token },
      payload: { pin: '12a' },
    });
    expect(malformed.json()).toMatchObject({ ok: false, retry: true });
    const wrong = await server.app.inject({
      method: 'POST',
      url: `/reader/v1/sessions/${sessionId}/pin`,
      headers: { authorization: token },
      payload: { pin: '0000' },
    });
    expect(wrong.json()).toMatchObject({ ok: false, retry: true, remainingTries: 2 });
  });

  it('finishing before the holder is authenticated is refused (409)', async () => {
    const sessionId = await start();
    const response = await server.app.inject({
      method: 'POST',
      url: `/reader/v1/sessions/${sessionId}/finish`,
      headers: { authorization: token },
      payload: { prescriptionIssueSelect: '2' },
    });
    expect(response.statusCode).toBe(409);
  });

  it('a reader marked out of order answers the out-of-order screen at once (rules.md §5 failure ladder)', async () => {
    await server.ctx.store.institutions.setReaderStatus(clinic, 'outOfOrder');
    const response = await server.app.inject({
      method: 'POST',
      url: '/reader/v1/sessions',
      headers: { authorization: token },
      payload: { cardId: 'card1' },
    });
    expect(response.json()).toMatchObject({ ok: false, screen: { code: 'OQS-E-READER-OUT-OF-ORDER' } });
  });

  it('a wallet file of another format is refused with a coded error', () => {
    expect(() => parseWallet({ format: 'other', cards: [] })).toThrow(AppError);
    expect(() => parseWallet({ format: 'onshi-demo-wallet/1', cards: [{ id: 'x' }] })).toThrow(AppError);
  });

  it("loads the card authority's demo wallet file (issueDemoWallet) and writes chip counters back to it", async () => {
    const person = await server.ctx.store.persons.insert({
      nameKanji: '財布 太郎',
      nameKana: 'サイフ タロウ',
      birthDate: '1975-05-05',
      sex: 'male',
      address: '東京都',
      postalCode: '100-0001',
      prefecture: '13',
    });
    const wallet = await issueDemoWallet(server.ctx, { people: 1, personIds: [person.id] });
    const dir = await mkdtemp(join(tmpdir(), 'onshi-wallet-'));
    const path = join(dir, 'wallet.json');
    await writeFile(path, JSON.stringify(wallet));
    const bridge = readerBridgeOf(server.ctx);
    await expect(bridge.loadWallet(path)).resolves.toBe(wallet.cards.length);
    const listed = bridge.listCards();
    expect(listed.map((c) => c.kind)).toContain('other');
    const standard = listed.find((c) => c.kind === 'standard');
    expect(standard).toBeDefined();
    const started = await server.app.inject({
      method: 'POST',
      url: '/reader/v1/sessions',
      headers: { authorization: token },
      payload: { cardId: standard?.id },
    });
    const sessionId = started.json<{ sessionId: string }>().sessionId;
    await server.app.inject({
      method: 'POST',
      url: `/reader/v1/sessions/${sessionId}/pin`,
      headers: { authorization: token },
      payload: { pin: '0000' },
    });
    const written: unknown = JSON.parse(await readFile(path, 'utf8'));
    expect(written).toMatchObject({ format: 'onshi-demo-wallet/1', asOf: wallet.asOf });
    const card = (
      written as { cards: { id: string; image: { pins: Record<string, { remaining: number } | null> } }[] }
    ).cards.find((c) => c.id === standard?.id);
    expect(Object.values(card?.image.pins ?? {}).some((p) => p?.remaining === 2)).toBe(true);
    await rm(dir, { recursive: true, force: true });
  });
});
