import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testCamera } from '../../testing/oqsFactories.js';
import {
  b64,
  CLINIC,
  deviceLogin,
  memberWithCard,
  portalWorld,
  type PortalWorld,
} from '../../testing/portalFactories.js';
import type { TestCard } from '../../testing/oqsFactories.js';

// 2026-04-01 10:00 JST
const NOW = '2026-04-01T01:00:00Z';

interface ErrorBody {
  error?: { code: string; message: { ja: string; en: string }; detail?: string };
}

describe('健康保険証利用登録 and 利用登録解除 (issue 8; rules.md §4 [S24], §5; test case 31)', () => {
  let world: PortalWorld;
  beforeEach(async () => {
    world = await portalWorld(NOW);
  });
  afterEach(async () => {
    await world.server.close();
  });

  async function session(card: TestCard): Promise<string> {
    const login = await deviceLogin(world, card);
    if (!login.ok) {
      throw new Error(`login failed: ${String(login.code)}`);
    }
    return login.authorization;
  }

  async function readerConfirmation(card: TestCard) {
    const issued = await world.server.app.inject({
      method: 'POST',
      url: '/oqs/v1/reader/challenges',
      headers: { authorization: world.clinicAuth },
      payload: { readerId: 'R-0001' },
    });
    const challenge: { challengeId: string; challenge: string } = issued.json();
    const signed = world.reader.signChallenge(card.chip, Buffer.from(challenge.challenge, 'base64url'), '1234');
    if (!signed.ok) {
      throw new Error('the card did not sign');
    }
    const res = await world.server.app.inject({
      method: 'POST',
      url: '/oqs/v1/reader/confirmations',
      headers: { authorization: world.clinicAuth },
      payload: {
        readerId: 'R-0001',
        challengeId: challenge.challengeId,
        pin: { signature: b64(signed.signature), certificate: b64(signed.certificate) },
        consent: { blanket: true },
      },
    });
    const body: { messageBody: { processingResultStatus?: string; processingResultCode?: string } } = res.json();
    return body.messageBody;
  }

  it('portal registration: terms accepted → "registered since … via マイナポータル"; not twice', async () => {
    const { card } = await memberWithCard(world, { registered: false });
    const auth = await session(card);
    const before = await world.server.app.inject({ url: '/portal/v1/insurance-use', headers: { authorization: auth } });
    expect(before.json()).toMatchObject({ registered: false, message: { ja: expect.stringContaining('未登録') } });
    const refused = await world.server.app.inject({
      method: 'POST',
      url: '/portal/v1/insurance-use/registration',
      headers: { authorization: auth },
      payload: { acceptTerms: false },
    });
    expect(refused.statusCode).toBe(400);
    const res = await world.server.app.inject({
      method: 'POST',
      url: '/portal/v1/insurance-use/registration',
      headers: { authorization: auth },
      payload: { acceptTerms: true },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      registered: true,
      registeredOn: '2026-04-01',
      channel: 'portal',
      message: {
        ja: '登録済み: 令和8年4月1日から（マイナポータルで登録）',
        en: 'Registered since 2026-04-01 via the portal',
      },
    });
    const again = await world.server.app.inject({
      method: 'POST',
      url: '/portal/v1/insurance-use/registration',
      headers: { authorization: auth },
      payload: { acceptTerms: true },
    });
    expect(again.statusCode).toBe(409);
    expect((await readerConfirmation(card)).processingResultStatus).toBe('1');
  });

  it('unregistering: the next reader confirmation refuses the card as insurance, and the insurer’s due run sends a 資格確認書 (rules.md §5 [S29])', async () => {
    const { card, person } = await memberWithCard(world);
    expect((await readerConfirmation(card)).processingResultStatus).toBe('1');
    const auth = await session(card);
    const res = await world.server.app.inject({
      method: 'POST',
      url: '/portal/v1/insurance-use/unregistration',
      headers: { authorization: auth },
      payload: { confirm: true },
    });
    expect(res.statusCode).toBe(200);
    const body: {
      status: { registered: boolean };
      documentsDue: { document: string; reason: string; insurerNumber: string; alreadyHeld: boolean }[];
      message: { ja: string };
    } = res.json();
    expect(body.status.registered).toBe(false);
    expect(body.documentsDue).toEqual([
      expect.objectContaining({
        document: 'eligibilityCertificate',
        reason: 'registrationCancelled',
        insurerNumber: '01130012',
        alreadyHeld: false,
      }),
    ]);
    expect(body.message.ja).toContain('資格確認書が送付されます');
    expect(await readerConfirmation(card)).toMatchObject({
      processingResultStatus: '2',
      processingResultCode: 'OQS-E-NOT-REGISTERED',
    });
    const insurerAuth = await world.server.tokenFor({ kind: 'insurer', insurerNumber: '01130012' });
    const run = await world.server.app.inject({
      method: 'POST',
      url: '/insurer/v1/documents/due-runs',
      headers: { authorization: insurerAuth },
      payload: { date: '2026-04-01', certificateValidTo: '2031-03-31' },
    });
    expect(run.statusCode).toBe(200);
    expect(run.json()).toMatchObject({ issued: { eligibilityCertificate: 1 } });
    const docs = await world.server.ctx.store.documents.listByPerson(person.id);
    expect(docs.map((d) => d.kind)).toEqual(['eligibilityCertificate']);
    const notices = await world.server.app.inject({ url: '/portal/v1/notices', headers: { authorization: auth } });
    expect(notices.json()).toMatchObject({ notices: [expect.objectContaining({ kind: 'certificateOnItsWay' })] });
    const again = await world.server.app.inject({
      method: 'POST',
      url: '/portal/v1/insurance-use/unregistration',
      headers: { authorization: auth },
      payload: { confirm: true },
    });
    expect(again.statusCode).toBe(409);
  });

  it('a face-only card registers at a clinic reader by face (channel reader), not at an ATM (test case 31)', async () => {
    const { card } = await memberWithCard(world, { kind: 'faceOnly', registered: false });
    const issued = await world.server.app.inject({
      method: 'POST',
      url: '/oqs/v1/reader/challenges',
      headers: { authorization: world.clinicAuth },
      payload: { readerId: 'R-0001' },
    });
    const challenge: { challengeId: string; challenge: string } = issued.json();
    const face = world.reader.authenticateFace(card.chip, {
      subject: card.face,
      camera: testCamera(),
      challenge: Buffer.from(challenge.challenge, 'base64url'),
      at: world.server.clock.now(),
    });
    if (face.attestation === null) {
      throw new Error('no attestation');
    }
    const res = await world.server.app.inject({
      method: 'POST',
      url: '/portal/v1/channels/reader/registrations',
      headers: { authorization: world.clinicAuth },
      payload: {
        readerId: 'R-0001',
        challengeId: challenge.challengeId,
        face: {
          attestation: {
            payload: face.attestation.payload,
            signature: b64(face.attestation.signature),
            readerCertificate: b64(face.attestation.readerCertificate),
          },
          cardCertificate: b64(card.certificate.der),
        },
      },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ registered: true, channel: 'reader' });
    const rows = await world.server.ctx.store.audit.listByPerson(card.card.personId, 10);
    expect(rows.find((r) => r.action === 'portal.insuranceUse.register')).toMatchObject({
      actorKind: 'institution',
      actorId: CLINIC,
      detail: expect.objectContaining({ channel: 'reader', authentication: 'faceAuth' }),
    });

    const other = await memberWithCard(world, { kind: 'faceOnly', registered: false, number: '777' });
    const platform = await world.server.tokenFor({ kind: 'authority' });
    const atm = await world.server.app.inject({
      method: 'POST',
      url: '/portal/v1/channels/atm/challenges',
      headers: { authorization: platform },
      payload: { terminalId: 'ATM-01', certificate: b64(other.card.certificate.der) },
    });
    expect(atm.statusCode).toBe(403);
    const error: ErrorBody = atm.json();
    expect(error.error?.code).toBe('PORTAL-E-REGISTRATION-REFUSED');
    expect(error.error?.detail).toContain('faceOnlyNeedsReader');
  });

  it('a standard card registers at a bank ATM and at a ward-office terminal after its PIN (channels atm, wardOffice)', async () => {
    const platform = await world.server.tokenFor({ kind: 'authority' });
    for (const channel of ['atm', 'wardOffice'] as const) {
      const { card } = await memberWithCard(world, { registered: false, number: channel === 'atm' ? '801' : '802' });
      const started = await world.server.app.inject({
        method: 'POST',
        url: `/portal/v1/channels/${channel}/challenges`,
        headers: { authorization: platform },
        payload: { terminalId: 'T-01', certificate: b64(card.certificate.der) },
      });
      expect(started.statusCode).toBe(201);
      const challenge: { challengeId: string; challenge: string } = started.json();
      const signed = world.device.sign(card.chip, Buffer.from(challenge.challenge, 'base64url'), '1234');
      if (!signed.ok) {
        throw new Error('no signature');
      }
      const res = await world.server.app.inject({
        method: 'POST',
        url: `/portal/v1/channels/${channel}/registrations`,
        headers: { authorization: platform },
        payload: {
          terminalId: 'T-01',
          acceptTerms: true,
          challengeId: challenge.challengeId,
          signature: b64(signed.signature),
          certificate: b64(signed.certificate),
        },
      });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ registered: true, channel });
    }
    const clinicAsTerminal = await world.server.app.inject({
      method: 'POST',
      url: '/portal/v1/channels/atm/challenges',
      headers: { authorization: world.clinicAuth },
      payload: { terminalId: 'T-01', certificate: 'AAAA' },
    });
    expect(clinicAsTerminal.statusCode).toBe(403);
  });
});
