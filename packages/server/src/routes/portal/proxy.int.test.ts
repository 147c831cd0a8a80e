import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestServer } from '../../testing/harness.js';
import type { TestCard } from '../../testing/oqsFactories.js';
import { deviceLogin, memberWithCard, portalWorld, type PortalWorld } from '../../testing/portalFactories.js';

// 2026-04-01 10:00 JST
const NOW = '2026-04-01T01:00:00Z';

describe('proxies, notices and what to bring (issue 8; rules.md §4, §5, §8)', () => {
  let world: PortalWorld;
  let server: TestServer;
  beforeEach(async () => {
    world = await portalWorld(NOW);
    server = world.server;
  });
  afterEach(async () => {
    await server.close();
  });

  async function session(card: TestCard): Promise<string> {
    const login = await deviceLogin(world, card);
    if (!login.ok) {
      throw new Error(`login failed: ${String(login.code)}`);
    }
    return login.authorization;
  }

  it('a proxy sees what the principal sees; a removed proxy is refused at once, in the session it already holds', async () => {
    const principal = await memberWithCard(world, { nameKanji: '佐藤 花子', number: '100' });
    const proxy = await memberWithCard(world, { nameKanji: '佐藤 一郎', number: '200' });
    const principalAuth = await session(principal.card);
    const proxyAuth = await session(proxy.card);
    const invitation = await server.app.inject({
      method: 'POST',
      url: '/portal/v1/proxies/invitations',
      headers: { authorization: principalAuth },
    });
    expect(invitation.statusCode).toBe(201);
    const { code }: { code: string } = invitation.json();
    const self = await server.app.inject({
      method: 'POST',
      url: '/portal/v1/proxies/acceptances',
      headers: { authorization: principalAuth },
      payload: { code },
    });
    expect(self.statusCode).toBe(400);
    const accepted = await server.app.inject({
      method: 'POST',
      url: '/portal/v1/proxies/acceptances',
      headers: { authorization: proxyAuth },
      payload: { code },
    });
    expect(accepted.statusCode).toBe(201);
    const grant: { grantId: string; otherName: string } = accepted.json();
    expect(grant.otherName).toBe('佐藤 花子');
    const acting = { authorization: proxyAuth, 'onshi-acting-for': grant.grantId };
    const seen = await server.app.inject({ url: '/portal/v1/qualifications', headers: acting });
    expect(seen.statusCode).toBe(200);
    expect(seen.json()).toMatchObject({ current: [{ number: '100' }] });
    const me = await server.app.inject({ url: '/portal/v1/me', headers: acting });
    expect(me.json()).toMatchObject({ nameKanji: '佐藤 一郎', actingFor: { nameKanji: '佐藤 花子' } });
    const unregisterForPrincipal = await server.app.inject({
      method: 'POST',
      url: '/portal/v1/insurance-use/unregistration',
      headers: acting,
      payload: { confirm: true },
    });
    expect(unregisterForPrincipal.statusCode).toBe(403);
    const other = await memberWithCard(world, { number: '300' });
    const stranger = await session(other.card);
    const foreign = await server.app.inject({
      url: '/portal/v1/qualifications',
      headers: { authorization: stranger, 'onshi-acting-for': grant.grantId },
    });
    expect(foreign.statusCode).toBe(403);

    const removed = await server.app.inject({
      method: 'DELETE',
      url: `/portal/v1/proxies/${grant.grantId}`,
      headers: { authorization: principalAuth },
    });
    expect(removed.statusCode).toBe(200);
    expect(removed.json()).toMatchObject({ revokedAt: '2026-04-01T01:00:00.000Z' });
    const refused = await server.app.inject({ url: '/portal/v1/qualifications', headers: acting });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: { code: 'PORTAL-E-PROXY' } });
    const own = await server.app.inject({ url: '/portal/v1/qualifications', headers: { authorization: proxyAuth } });
    expect(own.json()).toMatchObject({ current: [{ number: '200' }] });
    const list = await server.app.inject({ url: '/portal/v1/proxies', headers: { authorization: principalAuth } });
    expect(list.json()).toMatchObject({
      myProxies: [{ grantId: grant.grantId, otherName: '佐藤 一郎' }],
      actingFor: [],
    });
  });

  it('notices: the 電子証明書 expiring within 3 months, with the grace to the end of the 3rd month after (rules.md §4 [S21], test case 28)', async () => {
    const { card } = await memberWithCard(world, { certificateExpiresOn: '2026-06-10' });
    const auth = await session(card);
    const res = await server.app.inject({ url: '/portal/v1/notices', headers: { authorization: auth } });
    expect(res.json()).toMatchObject({
      notices: [
        {
          kind: 'cardExpiring',
          on: '2026-06-10',
          message: { ja: expect.stringContaining('令和8年9月30日までは保険証として使えます') },
        },
      ],
    });
  });

  it('notices: a qualification lost a few days ago', async () => {
    const { card } = await memberWithCard(world, { lostOn: '2026-03-21' });
    const auth = await session(card);
    const res = await server.app.inject({ url: '/portal/v1/notices', headers: { authorization: auth } });
    expect(res.json()).toMatchObject({ notices: [{ kind: 'qualificationLost', on: '2026-03-21' }] });
  });

  it('what to bring: the registered card; after 利用登録解除, the 資格確認書 the insurer issued (rules.md §5; core acceptDocument)', async () => {
    const { card, person, qualification } = await memberWithCard(world);
    const auth = await session(card);
    const before = await server.app.inject({
      url: '/portal/v1/what-to-bring?date=2026-04-02',
      headers: { authorization: auth },
    });
    expect(before.json()).toMatchObject({
      date: '2026-04-02',
      answer: { ja: expect.stringContaining('「マイナ保険証（マイナンバーカード）」をお持ちください') },
      options: [{ presented: 'myNumberCardAtReader', accepted: true }],
      ifReaderFails: [{ presented: 'cardWithPortalScreen', accepted: true }],
    });
    await server.app.inject({
      method: 'POST',
      url: '/portal/v1/insurance-use/unregistration',
      headers: { authorization: auth },
      payload: { confirm: true },
    });
    await server.ctx.store.documents.insert({
      personId: person.id,
      qualificationId: qualification.id,
      insurerNumber: '01130012',
      kind: 'eligibilityCertificate',
      issuedOn: '2026-04-01',
      validFrom: '2026-04-01',
      validTo: '2031-03-31',
      onRequest: false,
      printed: {
        nameKanji: '山田 太郎',
        nameKana: 'ヤマダ タロウ',
        birthDate: '1980-04-01',
        insurerNumber: '01130012',
        insurerName: '全国健康保険協会 東京支部',
        symbol: '1234',
        number: '567',
        branch: '00',
        acquiredOn: '2020-04-01',
      },
    });
    const after = await server.app.inject({
      url: '/portal/v1/what-to-bring?date=2026-04-02',
      headers: { authorization: auth },
    });
    expect(after.json()).toMatchObject({
      options: [
        { presented: 'myNumberCardAtReader', accepted: false },
        { presented: 'eligibilityCertificate', accepted: true },
      ],
      answer: { ja: expect.stringContaining('「資格確認書」をお持ちください') },
    });
  });
});
