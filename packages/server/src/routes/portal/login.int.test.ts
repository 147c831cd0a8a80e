import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { b64, deviceLogin, memberWithCard, portalWorld, type PortalWorld } from '../../testing/portalFactories.js';

// 2026-04-01 10:00 JST
const NOW = '2026-04-01T01:00:00Z';

describe('portal login with the card (issue 8; rules.md §4 PIN and 顔認証マイナンバーカード)', () => {
  let world: PortalWorld;
  beforeEach(async () => {
    world = await portalWorld(NOW);
  });
  afterEach(async () => {
    await world.server.close();
  });

  it('a standard card logs in after its 4-digit PIN and gets a session for its holder', async () => {
    const { card } = await memberWithCard(world);
    const login = await deviceLogin(world, card);
    expect(login.ok).toBe(true);
    if (!login.ok) {
      return;
    }
    const me = await world.server.app.inject({ url: '/portal/v1/me', headers: { authorization: login.authorization } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ nameKanji: '山田 太郎', actingFor: null });
  });

  it('a face-only card cannot log in and is told to register at a clinic reader (rules.md §4 [S24], test case 31)', async () => {
    const { card } = await memberWithCard(world, { kind: 'faceOnly', registered: false });
    const login = await deviceLogin(world, card);
    expect(login).toMatchObject({ ok: false, status: 403, code: 'PORTAL-E-FACE-ONLY-CARD' });
    const certificate = world.device.readCertificate(card.chip);
    const res = await world.server.app.inject({
      method: 'POST',
      url: '/portal/v1/login/challenges',
      payload: { certificate: certificate.ok ? b64(certificate.value) : '' },
    });
    const body: { error: { message: { ja: string }; detail: string } } = res.json();
    expect(body.error.message.ja).toContain('カードリーダーで行えます');
    expect(body.error.detail).toContain('faceOnlyNeedsReader');
  });

  it('a wrong PIN counts on the chip: 2 tries left, a correct PIN resets, 3 wrong in a row lock (rules.md §4 [S22], test case 30)', async () => {
    const { card } = await memberWithCard(world);
    expect(await deviceLogin(world, card, '9999')).toMatchObject({ ok: false, code: 'pin.wrong', remainingTries: 2 });
    expect(world.device.pinStatus(card.chip).remainingTries).toBe(2);
    expect((await deviceLogin(world, card, '1234')).ok).toBe(true);
    expect(world.device.pinStatus(card.chip).remainingTries).toBe(3);
    await deviceLogin(world, card, '0000');
    await deviceLogin(world, card, '0000');
    expect(await deviceLogin(world, card, '0000')).toMatchObject({ ok: false, code: 'pin.locked' });
    expect(await deviceLogin(world, card, '1234')).toMatchObject({ ok: false, code: 'pin.locked' });
  });

  it('a login challenge is single use and bound to the certificate it was issued for', async () => {
    const { card } = await memberWithCard(world);
    const other = await memberWithCard(world, { number: '999' });
    const certificate = world.device.readCertificate(card.chip);
    if (!certificate.ok) {
      throw new Error('no certificate');
    }
    const started = await world.server.app.inject({
      method: 'POST',
      url: '/portal/v1/login/challenges',
      payload: { certificate: b64(certificate.value) },
    });
    const challenge: { challengeId: string; challenge: string } = started.json();
    const signedByOther = world.device.sign(other.card.chip, Buffer.from(challenge.challenge, 'base64url'), '1234');
    if (!signedByOther.ok) {
      throw new Error('no signature');
    }
    const stolen = await world.server.app.inject({
      method: 'POST',
      url: '/portal/v1/login',
      payload: {
        challengeId: challenge.challengeId,
        signature: b64(signedByOther.signature),
        certificate: b64(signedByOther.certificate),
      },
    });
    expect(stolen.statusCode).toBe(401);
    const signed = world.device.sign(card.chip, Buffer.from(challenge.challenge, 'base64url'), '1234');
    if (!signed.ok) {
      throw new Error('no signature');
    }
    const payload = {
      challengeId: challenge.challengeId,
      signature: b64(signed.signature),
      certificate: b64(signed.certificate),
    };
    expect((await world.server.app.inject({ method: 'POST', url: '/portal/v1/login', payload })).statusCode).toBe(200);
    const replay = await world.server.app.inject({ method: 'POST', url: '/portal/v1/login', payload });
    expect(replay.statusCode).toBe(401);
    expect(replay.json()).toMatchObject({ error: { code: 'PORTAL-E-CHALLENGE' } });
  });

  it('logout ends the session at once; a session expires after 30 minutes by the injected clock', async () => {
    const { card } = await memberWithCard(world);
    const a = await deviceLogin(world, card);
    const b = await deviceLogin(world, card);
    if (!a.ok || !b.ok) {
      throw new Error('login failed');
    }
    const out = await world.server.app.inject({
      method: 'POST',
      url: '/portal/v1/logout',
      headers: { authorization: a.authorization },
    });
    expect(out.statusCode).toBe(204);
    const after = await world.server.app.inject({ url: '/portal/v1/me', headers: { authorization: a.authorization } });
    expect(after.statusCode).toBe(401);
    expect(
      (await world.server.app.inject({ url: '/portal/v1/me', headers: { authorization: b.authorization } })).statusCode,
    ).toBe(200);
    world.server.clock.advance(30 * 60_000);
    expect(
      (await world.server.app.inject({ url: '/portal/v1/me', headers: { authorization: b.authorization } })).statusCode,
    ).toBe(401);
  });

  it('a tampered session token is refused', async () => {
    const { card } = await memberWithCard(world);
    const login = await deviceLogin(world, card);
    if (!login.ok) {
      throw new Error('login failed');
    }
    const [body, mac] = login.token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(body ?? '', 'base64url').toString()), pid: 'someone-else' }),
    ).toString('base64url');
    const res = await world.server.app.inject({
      url: '/portal/v1/me',
      headers: { authorization: `Bearer ${forged}.${mac ?? ''}` },
    });
    expect(res.statusCode).toBe(401);
  });
});
