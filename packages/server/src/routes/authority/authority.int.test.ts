/**
 * The card authority API over HTTP (issue 5 "Card authority"; rules.md §4, test cases 28–31): card life, the CRL
 * and CA chain, reader certificates, the expiry-notice job, and who may call it.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CardReader, VirtualChip } from '@onshi/card';
import type { CardImage, ReaderIdentity } from '@onshi/card';
import { RevocationList, verifyCertificate, verifyChallengeSignature } from '../../authority/index.js';
import type { CertificateVerdict } from '../../authority/index.js';
import { CardAuthorityService, certificateSerialKey } from '../../commands/authority/cardAuthority.js';
import { cardTrustOf } from '../../commands/oqs/cardTrust.js';
import { type TestServer, createTestServer } from '../../testing/harness.js';
import type { Person } from '../../store/types.js';

const PINS = { authentication: '1234', signing: 'ABC123', cardInfo: '5678' };
const INSTITUTION = '1310000016';

interface CardJson {
  id: string;
  personId: string;
  kind: string;
  platform: string | null;
  expiresOn: string;
  status: string;
  certificates: {
    serial: string;
    kind: string;
    expiresOn: string;
    revokedAt: string | null;
    revocationReason: string | null;
  }[];
}
interface IssuedJson {
  card: CardJson;
  image: CardImage;
  phone: { format: string; chip: CardImage; biometricTemplate: string | null } | null;
}
interface ErrorJson {
  error: { code: string };
}

function person(id: string, birthDate: string): Person {
  return {
    id,
    nameKanji: '試験 花子',
    nameKana: 'シケン ハナコ',
    birthDate,
    sex: 'female',
    address: '東京都千代田区霞が関1-2-2',
    postalCode: '100-8916',
    prefecture: '13',
  };
}

/** A small client for one test server with the authority credential. */
class Client {
  constructor(
    readonly server: TestServer,
    readonly token: string,
  ) {}

  static async on(server: TestServer): Promise<Client> {
    return new Client(server, await server.tokenFor({ kind: 'authority' }));
  }

  async post<T>(url: string, payload: unknown, status: number): Promise<T> {
    const res = await this.server.app.inject({
      method: 'POST',
      url,
      payload: payload as object,
      headers: { authorization: this.token },
    });
    expect(res.statusCode, res.body).toBe(status);
    return res.json();
  }

  async get<T>(url: string, status = 200): Promise<T> {
    const res = await this.server.app.inject({ method: 'GET', url, headers: { authorization: this.token } });
    expect(res.statusCode, res.body).toBe(status);
    return res.json();
  }

  async refused(method: 'POST' | 'GET', url: string, payload: unknown, status: number): Promise<string> {
    const res = await this.server.app.inject({
      method,
      url,
      payload: payload as object,
      headers: { authorization: this.token },
    });
    expect(res.statusCode, res.body).toBe(status);
    return res.json<ErrorJson>().error.code;
  }

  issue(personId: string, extra: Record<string, unknown> = { kind: 'standard', pins: PINS }): Promise<IssuedJson> {
    return this.post<IssuedJson>('/authority/v1/cards', { personId, ...extra }, 201);
  }

  /** Verifies a certificate the way the OQS service will: the CA's trust store and the CRL fetched over HTTP. */
  async verify(
    der: Uint8Array,
    purpose: 'insuranceUse' | 'authentication' = 'insuranceUse',
  ): Promise<CertificateVerdict> {
    const service = await CardAuthorityService.open(this.server.ctx);
    const res = await this.server.app.inject({ method: 'GET', url: '/authority/v1/crl' });
    expect(res.statusCode).toBe(200);
    const crl = await RevocationList.load(new Uint8Array(res.rawPayload), service.trust);
    expect(crl).toBeDefined();
    return verifyCertificate(der, {
      at: this.server.clock.now(),
      trust: service.trust,
      crls: crl === undefined ? [] : [crl],
      purpose,
      profiles: ['cardAuthentication', 'cardSigning', 'phoneAuthentication', 'reader'],
    });
  }

  async der(serial: string): Promise<Uint8Array> {
    const row = await this.server.ctx.store.certificates.get(serial);
    expect(row).not.toBeNull();
    return row?.der ?? new Uint8Array(0);
  }

  async reader(readerId = 'R-1'): Promise<ReaderIdentity> {
    const issued = await this.post<{ certificateDer: string; privateKeyPkcs8: string }>(
      '/authority/v1/readers',
      { institutionCode: INSTITUTION, readerId },
      201,
    );
    return {
      readerId,
      institutionCode: INSTITUTION,
      certificateDer: new Uint8Array(Buffer.from(issued.certificateDer, 'base64')),
      privateKeyPkcs8: new Uint8Array(Buffer.from(issued.privateKeyPkcs8, 'base64')),
    };
  }
}

function authCert(card: CardJson): CardJson['certificates'][number] {
  const live = card.certificates.filter((c) => c.kind === 'auth' && c.revokedAt === null);
  const last = live.at(-1);
  expect(last).toBeDefined();
  return last ?? { serial: '', kind: 'auth', expiresOn: '', revokedAt: null, revocationReason: null };
}

async function registerInstitution(server: TestServer): Promise<void> {
  await server.ctx.store.institutions.upsert({
    institutionCode: INSTITUTION,
    name: 'オンシ診療所',
    kind: 'clinic',
    prefecture: '13',
    address: '東京都港区1-1',
    oqsEnabled: true,
    readerStatus: 'working',
    consentItemsEnabled: ['medication', 'checkup'],
    smartphoneReader: true,
  });
}

describe('who may call the card authority API', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer();
    await server.ctx.store.persons.insert(person('p1', '1990-05-15'));
  });
  afterAll(() => server.close());

  it('refuses insurer and institution credentials and anonymous calls (issue 5: authenticated, separate credentials)', async () => {
    const payload = { personId: 'p1', kind: 'standard', pins: PINS };
    for (const principal of [
      { kind: 'insurer' as const, insurerNumber: '01130012' },
      { kind: 'institution' as const, institutionCode: INSTITUTION },
    ]) {
      const token = await server.tokenFor(principal);
      const res = await server.app.inject({
        method: 'POST',
        url: '/authority/v1/cards',
        payload,
        headers: { authorization: token },
      });
      expect(res.statusCode).toBe(403);
      expect(res.json<ErrorJson>().error.code).toBe('ONSHI-E-FORBIDDEN');
    }
    const anonymous = await server.app.inject({ method: 'POST', url: '/authority/v1/cards', payload });
    expect(anonymous.statusCode).toBe(401);
    expect(await server.ctx.store.cards.listByPerson('p1')).toEqual([]);
  });

  it('serves the CRL and the CA chain publicly, and lists the routes in /openapi.json', async () => {
    const crl = await server.app.inject({ method: 'GET', url: '/authority/v1/crl' });
    expect(crl.statusCode).toBe(200);
    expect(crl.headers['content-type']).toBe('application/pkix-crl');
    const pem = await server.app.inject({ method: 'GET', url: '/authority/v1/crl?format=pem' });
    expect(pem.body).toMatch(/^-----BEGIN X509 CRL-----/);
    const chain = await server.app.inject({ method: 'GET', url: '/authority/v1/ca' });
    expect(chain.body.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    const root = await server.app.inject({ method: 'GET', url: '/authority/v1/ca/root' });
    expect(root.headers['content-type']).toBe('application/pkix-cert');
    const paths = Object.keys(
      (await server.app.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: object }>().paths,
    );
    expect(paths).toEqual(
      expect.arrayContaining(['/authority/v1/cards', '/authority/v1/crl', '/authority/v1/cards/{cardId}/pin-reset']),
    );
  });
});

describe('issuing cards (rules.md §4 [S20], test case 29)', () => {
  let server: TestServer;
  let client: Client;
  beforeAll(async () => {
    server = await createTestServer({ at: '2020-08-01T01:00:00Z' });
    client = await Client.on(server);
    for (const [id, birth] of [
      ['adult', '1990-05-15'],
      ['minor', '2008-05-15'],
      ['face', '1950-01-20'],
      ['phone', '1985-10-01'],
    ] as const) {
      await server.ctx.store.persons.insert(person(id, birth));
    }
  });
  afterAll(() => server.close());

  it('issued 2020-08-01, born 1990-05-15 → card to 2030-05-15, certificates to 2025-05-15, linked to the person', async () => {
    const { card, image } = await client.issue('adult');
    expect(card).toMatchObject({ personId: 'adult', kind: 'standard', status: 'active', expiresOn: '2030-05-15' });
    expect(card.certificates.map((c) => [c.kind, c.expiresOn]).sort()).toEqual([
      ['auth', '2025-05-15'],
      ['signing', '2025-05-15'],
    ]);
    expect(image.cardId).toBe(card.id);
    const verdict = await client.verify(await client.der(authCert(card).serial));
    expect(verdict.code).toBe('certificate.ok');
    expect(verdict.expiry).toBe('2025-05-15');
    expect(await server.ctx.store.certificates.personIdBySerial(certificateSerialKey(verdict.serial ?? ''))).toBe(
      'adult',
    );
  });

  it('born 2008-05-15 → the card itself ends 2025-05-15 (under 20 before 2022-04, 5 birthdays)', async () => {
    const { card } = await client.issue('minor');
    expect(card.expiresOn).toBe('2025-05-15');
    expect(authCert(card).expiresOn).toBe('2025-05-15');
  });

  it('the chip signs a challenge only after the PIN, with the key its certificate names', async () => {
    const { image } = await client.issue('phone');
    await registerInstitution(server);
    const reader = new CardReader(await client.reader());
    const chip = VirtualChip.fromImage(image);
    const challenge = new Uint8Array(randomBytes(32));
    expect(reader.signChallenge(chip, challenge).code).toBe('signature.pinRequired');
    const signed = reader.signChallenge(chip, challenge, '1234');
    expect(signed.ok).toBe(true);
    if (signed.ok) {
      const service = await CardAuthorityService.open(server.ctx);
      const verdict = verifyChallengeSignature(
        { challenge, signature: signed.signature, certificate: signed.certificate },
        {
          at: server.clock.now(),
          trust: service.trust,
          crls: await service.revocationLists(),
          purpose: 'insuranceUse',
        },
      );
      expect(verdict.code).toBe('certificate.ok');
    }
  });

  it('refuses a second physical card, malformed or missing PINs, and an unknown person', async () => {
    expect(
      await client.refused('POST', '/authority/v1/cards', { personId: 'adult', kind: 'standard', pins: PINS }, 409),
    ).toBe('ONSHI-E-AUTHORITY-CARD-ALREADY-ISSUED');
    expect(
      await client.refused(
        'POST',
        '/authority/v1/cards',
        { personId: 'face', kind: 'standard', pins: { authentication: '1234' } },
        422,
      ),
    ).toBe('ONSHI-E-AUTHORITY-BAD-PIN');
    expect(
      await client.refused(
        'POST',
        '/authority/v1/cards',
        { personId: 'face', kind: 'standard', pins: { ...PINS, authentication: '12' } },
        422,
      ),
    ).toBe('ONSHI-E-AUTHORITY-BAD-PIN');
    expect(await client.refused('POST', '/authority/v1/cards', { personId: 'nobody', kind: 'faceOnly' }, 404)).toBe(
      'ONSHI-E-AUTHORITY-UNKNOWN-PERSON',
    );
    expect(await server.ctx.store.cards.listByPerson('face')).toEqual([]);
  });

  it('a face-only card has no PIN: none can be set, none reset, and it registers at a reader only (test case 31)', async () => {
    expect(
      await client.refused(
        'POST',
        '/authority/v1/cards',
        { personId: 'face', kind: 'faceOnly', pins: { authentication: '1234' } },
        422,
      ),
    ).toBe('ONSHI-E-AUTHORITY-NO-PIN');
    expect(
      await client.refused(
        'POST',
        '/authority/v1/cards',
        { personId: 'face', kind: 'faceOnly', registerInsuranceUse: 'wardOffice' },
        422,
      ),
    ).toBe('ONSHI-E-AUTHORITY-REGISTRATION-NOT-ALLOWED');
    const { card, image } = await client.issue('face', { kind: 'faceOnly', registerInsuranceUse: 'reader' });
    expect(Object.values(image.pins).every((p) => p === null)).toBe(true);
    expect(card.certificates.map((c) => c.kind)).toEqual(['auth']);
    expect((await server.ctx.store.cards.registrationOn('face', '2020-08-01'))?.channel).toBe('reader');
    const code = await client.refused(
      'POST',
      `/authority/v1/cards/${card.id}/pin-reset`,
      { image, credential: 'authentication', newPin: '4321' },
      422,
    );
    expect(code).toBe('ONSHI-E-AUTHORITY-NO-PIN');
  });

  it('a smartphone certificate comes from the person’s PIN card and ends with its certificate (rules.md §4 Smartphone)', async () => {
    expect(
      await client.refused(
        'POST',
        '/authority/v1/cards',
        { personId: 'phone', kind: 'smartphone', pins: { authentication: '1111' } },
        422,
      ),
    ).toBe('ONSHI-E-AUTHORITY-PLATFORM-REQUIRED');
    const face = (await server.ctx.store.cards.listByPerson('face'))[0];
    expect(
      await client.refused(
        'POST',
        '/authority/v1/cards',
        {
          personId: 'face',
          kind: 'smartphone',
          platform: 'android',
          linkedCardId: face?.id,
          pins: { authentication: '1111' },
        },
        422,
      ),
    ).toBe('ONSHI-E-AUTHORITY-LINKED-CARD-REQUIRED');
    const physical = (await server.ctx.store.cards.listByPerson('phone'))[0];
    const android = await client.issue('phone', {
      kind: 'smartphone',
      platform: 'android',
      linkedCardId: physical?.id,
      pins: { authentication: '1111' },
    });
    expect(android.card).toMatchObject({ kind: 'smartphone', platform: 'android', expiresOn: '2024-10-01' });
    expect(android.phone?.biometricTemplate).toBeNull();
    const verdict = await client.verify(await client.der(authCert(android.card).serial));
    expect(verdict.profile).toBe('phoneAuthentication');
    const physicalAuth = (await server.ctx.store.certificates.listByCard(physical?.id ?? '')).find(
      (c) => c.kind === 'auth',
    );
    expect(certificateSerialKey(verdict.linkedCardSerial ?? '')).toBe(physicalAuth?.serial);
    expect(
      await client.refused(
        'POST',
        '/authority/v1/cards',
        {
          personId: 'phone',
          kind: 'smartphone',
          platform: 'iphone',
          linkedCardId: physical?.id,
          pins: { authentication: '1111' },
        },
        422,
      ),
    ).toBe('ONSHI-E-AUTHORITY-NO-PIN');
    const iphone = await client.issue('phone', { kind: 'smartphone', platform: 'iphone', linkedCardId: physical?.id });
    expect(iphone.phone?.biometricTemplate).toEqual(expect.any(String));
    expect(Object.values(iphone.image.pins).every((p) => p === null)).toBe(true);
  });
});

describe('suspension, revocation, renewal, PIN reset, reissue (rules.md §4 [S20][S22][S25])', () => {
  let server: TestServer;
  let client: Client;
  beforeAll(async () => {
    server = await createTestServer({ at: '2026-04-01T01:00:00Z' });
    client = await Client.on(server);
    for (const id of ['s1', 's2', 't1', 'd1', 'r1', 'k1', 'l1']) {
      await server.ctx.store.persons.insert(person(id, '1990-05-15'));
    }
  });
  afterAll(() => server.close());

  it('一時利用停止 puts the certificates on hold in the CRL; the card is refused until lifted in person with the card', async () => {
    const { card, image } = await client.issue('s1');
    const other = await client.issue('s2');
    const der = await client.der(authCert(card).serial);
    const suspended = await client.post<CardJson>(`/authority/v1/cards/${card.id}/suspension`, {}, 200);
    expect(suspended.status).toBe('suspended');
    expect((await client.verify(der)).code).toBe('certificate.revoked');
    expect(await client.refused('POST', `/authority/v1/cards/${card.id}/renewal`, { image }, 409)).toBe(
      'ONSHI-E-AUTHORITY-CARD-NOT-ACTIVE',
    );
    expect(
      await client.refused(
        'POST',
        `/authority/v1/cards/${card.id}/pin-reset`,
        { image, credential: 'authentication', newPin: '9999' },
        409,
      ),
    ).toBe('ONSHI-E-AUTHORITY-CARD-NOT-ACTIVE');
    expect(await client.refused('POST', `/authority/v1/cards/${card.id}/suspension`, {}, 409)).toBe(
      'ONSHI-E-AUTHORITY-CARD-NOT-ACTIVE',
    );
    expect(await client.refused('POST', `/authority/v1/cards/${card.id}/resumption`, {}, 400)).toBe(
      'ONSHI-E-VALIDATION',
    );
    expect(await client.refused('POST', `/authority/v1/cards/${card.id}/resumption`, { image: other.image }, 422)).toBe(
      'ONSHI-E-AUTHORITY-CARD-MISMATCH',
    );
    const resumed = await client.post<CardJson>(`/authority/v1/cards/${card.id}/resumption`, { image }, 200);
    expect(resumed.status).toBe('active');
    expect((await client.verify(der)).code).toBe('certificate.ok');
    expect(
      await client.refused('POST', `/authority/v1/cards/${other.card.id}/resumption`, { image: other.image }, 409),
    ).toBe('ONSHI-E-AUTHORITY-CARD-NOT-SUSPENDED');
  });

  it('hands the OQS service the current CRL after each change (configureCardTrust), not waiting for a refresh', async () => {
    const { card } = await client.issue('t1');
    const der = await client.der(authCert(card).serial);
    const oqsView = () =>
      verifyCertificate(der, { at: server.clock.now(), ...cardTrustOf(server.ctx), purpose: 'insuranceUse' }).code;
    expect(oqsView()).toBe('certificate.ok');
    await client.post(`/authority/v1/cards/${card.id}/suspension`, {}, 200);
    expect(oqsView()).toBe('certificate.revoked');
  });

  it('on death every card and phone of the person is revoked and listed in the CRL', async () => {
    const { card } = await client.issue('d1');
    const phone = await client.issue('d1', { kind: 'smartphone', platform: 'iphone', linkedCardId: card.id });
    await client.post(`/authority/v1/cards/${phone.card.id}/suspension`, {}, 200);
    const revoked = await client.post<CardJson[]>('/authority/v1/persons/d1/revocation', { reason: 'death' }, 200);
    expect(revoked.map((c) => c.status)).toEqual(['revoked', 'revoked']);
    expect(revoked.flatMap((c) => c.certificates.map((x) => x.revocationReason))).toEqual([
      'cessationOfOperation',
      'cessationOfOperation',
      'cessationOfOperation',
    ]);
    for (const c of revoked) {
      expect((await client.verify(await client.der(c.certificates[0]?.serial ?? ''))).code).toBe('certificate.revoked');
    }
    expect(await client.refused('POST', `/authority/v1/cards/${card.id}/revocation`, { reason: 'returned' }, 409)).toBe(
      'ONSHI-E-AUTHORITY-CARD-ENDED',
    );
  });

  it('renewal opens the day after 3 months before expiry, gives a new valid certificate and revokes the old one as superseded', async () => {
    const { card, image } = await client.issue('r1');
    expect(authCert(card).expiresOn).toBe('2030-05-15');
    const tooEarly = await server.app.inject({
      method: 'POST',
      url: `/authority/v1/cards/${card.id}/renewal`,
      payload: { image },
      headers: { authorization: client.token },
    });
    expect(tooEarly.statusCode).toBe(409);
    expect(tooEarly.json<ErrorJson & { error: { detail: string } }>().error.detail).toBe('renewable from 2030-02-16');
    server.clock.set('2030-02-16T01:00:00Z');
    try {
      const oldDer = await client.der(authCert(card).serial);
      const renewed = await client.post<{ card: CardJson; image: CardImage }>(
        `/authority/v1/cards/${card.id}/renewal`,
        { image },
        200,
      );
      const fresh = authCert(renewed.card);
      expect(fresh.expiresOn).toBe('2034-05-15');
      expect(
        renewed.card.certificates
          .filter((c) => c.revocationReason === 'superseded')
          .map((c) => c.kind)
          .sort(),
      ).toEqual(['auth', 'signing']);
      expect((await client.verify(oldDer)).code).toBe('certificate.revoked');
      expect((await client.verify(await client.der(fresh.serial))).code).toBe('certificate.ok');
      const reader = new CardReader({ ...(await registerAndRead(server, client)) });
      const signed = reader.signChallenge(VirtualChip.fromImage(renewed.image), new Uint8Array(32), '1234');
      expect(signed.ok && certificateSerialKey((await client.verify(signed.certificate)).serial ?? '')).toBe(
        fresh.serial,
      );
    } finally {
      server.clock.set('2026-04-01T01:00:00Z');
    }
  });

  it('PIN reset unlocks a chip locked by three wrong PINs and sets the new PIN (rules.md §4 PIN/Reset, test case 30)', async () => {
    const { card, image } = await client.issue('k1');
    const reader = new CardReader(await registerAndRead(server, client));
    const chip = VirtualChip.fromImage(image);
    for (let i = 0; i < 3; i += 1) {
      reader.verifyPin(chip, 'authentication', '0000');
    }
    expect(reader.verifyPin(chip, 'authentication', '1234').locked).toBe(true);
    const locked = chip.exportImage();
    expect(
      await client.refused(
        'POST',
        `/authority/v1/cards/${card.id}/pin-reset`,
        { image: locked, credential: 'authentication', newPin: '12' },
        422,
      ),
    ).toBe('ONSHI-E-AUTHORITY-BAD-PIN');
    const reset = await client.post<{ image: CardImage }>(
      `/authority/v1/cards/${card.id}/pin-reset`,
      { image: locked, credential: 'authentication', newPin: '4321' },
      200,
    );
    const unlocked = VirtualChip.fromImage(reset.image);
    expect(reader.verifyPin(unlocked, 'authentication', '1234').code).toBe('pin.wrong');
    expect(reader.signChallenge(unlocked, new Uint8Array(32), '4321').ok).toBe(true);
  });

  it('reissue of a lost card: the old card is lost and its certificates revoked, a new card is issued', async () => {
    const { card, image } = await client.issue('l1');
    const reissued = await client.post<IssuedJson>(`/authority/v1/cards/${card.id}/reissue`, { pins: PINS }, 201);
    expect(reissued.card.id).not.toBe(card.id);
    expect(reissued.card.status).toBe('active');
    const old = await client.get<CardJson>(`/authority/v1/cards/${card.id}`);
    expect(old.status).toBe('lost');
    expect(old.certificates.map((c) => c.revocationReason)).toEqual(['keyCompromise', 'keyCompromise']);
    expect((await client.verify(await client.der(authCert(reissued.card).serial))).code).toBe('certificate.ok');
    expect((await client.verify(await client.der(old.certificates[0]?.serial ?? ''))).code).toBe('certificate.revoked');
    expect(
      await client.refused(
        'POST',
        `/authority/v1/cards/${card.id}/pin-reset`,
        { image, credential: 'authentication', newPin: '4321' },
        409,
      ),
    ).toBe('ONSHI-E-AUTHORITY-CARD-NOT-ACTIVE');
    expect(await client.refused('POST', `/authority/v1/cards/${card.id}/reissue`, { pins: PINS }, 409)).toBe(
      'ONSHI-E-AUTHORITY-CARD-ENDED',
    );
  });
});

let readerCount = 0;
async function registerAndRead(server: TestServer, client: Client): Promise<ReaderIdentity> {
  await registerInstitution(server);
  readerCount += 1;
  return client.reader(`R-${String(readerCount)}`);
}

describe('reader device certificates', () => {
  let server: TestServer;
  let client: Client;
  beforeAll(async () => {
    server = await createTestServer();
    client = await Client.on(server);
  });
  afterAll(() => server.close());

  it('issues a reader certificate naming its institution, and revocation puts it on the CRL', async () => {
    expect(
      await client.refused('POST', '/authority/v1/readers', { institutionCode: INSTITUTION, readerId: 'R-1' }, 422),
    ).toBe('ONSHI-E-AUTHORITY-BAD-READER');
    await registerInstitution(server);
    const identity = await client.reader('R-1');
    const verdict = await client.verify(identity.certificateDer, 'authentication');
    expect(verdict.code).toBe('certificate.ok');
    expect(verdict.profile).toBe('reader');
    const listed = await client.get<{ serial: string; readerId: string }[]>(
      `/authority/v1/institutions/${INSTITUTION}/readers`,
    );
    expect(listed.map((r) => r.readerId)).toEqual(['R-1']);
    await client.post(`/authority/v1/readers/${listed[0]?.serial ?? ''}/revocation`, { reason: 'keyCompromise' }, 200);
    expect((await client.verify(identity.certificateDer, 'authentication')).code).toBe('certificate.revoked');
  });

  it('accepts the reader’s own public key and returns no private key', async () => {
    await registerInstitution(server);
    const { generateKeyPairSync } = await import('node:crypto');
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const spki = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    const issued = await client.post<{ privateKeyPkcs8: string | null }>(
      '/authority/v1/readers',
      { institutionCode: INSTITUTION, readerId: 'R-2', publicKeySpki: spki },
      201,
    );
    expect(issued.privateKeyPkcs8).toBeNull();
    expect(
      await client.refused(
        'POST',
        '/authority/v1/readers',
        { institutionCode: INSTITUTION, readerId: 'R-3', publicKeySpki: 'AAAA' },
        422,
      ),
    ).toBe('ONSHI-E-AUTHORITY-BAD-READER');
  });
});

describe('expiry notices (rules.md §4 有効期限通知書 [S20], expiryNoticeWindow)', () => {
  let server: TestServer;
  let client: Client;
  beforeAll(async () => {
    server = await createTestServer({ at: '2020-08-01T01:00:00Z' });
    client = await Client.on(server);
    await server.ctx.store.persons.insert(person('n1', '1990-05-15'));
    await server.ctx.store.persons.insert(person('n2', '2008-05-15'));
    await server.ctx.store.persons.insert(person('n3', '1990-05-15'));
    await client.issue('n1');
    await client.issue('n2');
    const suspended = await client.issue('n3');
    await client.post(`/authority/v1/cards/${suspended.card.id}/suspension`, {}, 200);
  });
  afterAll(() => server.close());

  const due = async (date: string) =>
    (
      await client.get<{ notices: { personId: string; subjects: string[]; expiresOn: string }[] }>(
        `/authority/v1/expiry-notices?date=${date}`,
      )
    ).notices;

  it('a certificate expiring 2025-05-15 is due from 2025-02-15 to 2025-03-15 and not a day outside', async () => {
    expect(await due('2025-02-14')).toEqual([]);
    expect(await due('2025-02-15')).toEqual([
      expect.objectContaining({ personId: 'n1', subjects: ['certificate'], expiresOn: '2025-05-15' }),
      expect.objectContaining({ personId: 'n2', subjects: ['card', 'certificate'], expiresOn: '2025-05-15' }),
    ]);
    expect((await due('2025-03-15')).map((n) => n.personId)).toEqual(['n1', 'n2']);
    expect(await due('2025-03-16')).toEqual([]);
  });

  it('the card of n1 (2030-05-15) is due on its own window, and a suspended card gets no notice', async () => {
    expect(await due('2030-03-01')).toEqual([
      expect.objectContaining({ personId: 'n1', subjects: ['card'], expiresOn: '2030-05-15' }),
    ]);
  });
});

describe('the CA is persisted in the store, sealed under the server secret (decision 0090)', () => {
  it('a second service on the same store loads the same CA; another secret cannot open it', async () => {
    const server = await createTestServer();
    try {
      const first = await CardAuthorityService.open(server.ctx);
      const again = await CardAuthorityService.open({ ...server.ctx });
      expect(Buffer.from(again.ca.rootCertificate)).toEqual(Buffer.from(first.ca.rootCertificate));
      const stored = await server.ctx.store.authority.getState();
      expect(stored?.sealedState).not.toContain('PRIVATE KEY');
      await expect(
        CardAuthorityService.open({ ...server.ctx, secrets: { proofKey: randomBytes(32) } }),
      ).rejects.toMatchObject({ code: 'ONSHI-E-AUTHORITY-STATE-UNREADABLE' });
    } finally {
      await server.close();
    }
  });
});
