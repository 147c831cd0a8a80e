/**
 * The kiosk demo wallet (issue 5: "the demo seed issues cards for the seeded people and can write a wallet file
 * the kiosk demo uses"): the mix of situations, real certificates in the right state (rules.md §4 grace [S21],
 * test case 28), and seeded card rows without certificates replaced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualChip } from '@onshi/card';
import type { CardImage } from '@onshi/card';
import { verifyCertificate } from '../../authority/index.js';
import { type TestServer, createTestServer } from '../../testing/harness.js';
import { cardTrustOf } from '../oqs/cardTrust.js';
import { type DemoWallet, issueDemoWallet } from './demoWallet.js';
import { sampleQualification } from '../../store/store.contract.js';

const PEOPLE: [string, string][] = [
  ['w1', '1985-07-01'],
  ['w2', '1980-02-10'], // last birthday 2026-02-10: its certificate ends then and is in grace until 2026-05-31
  ['w3', '1975-09-20'],
  ['w4', '1990-11-11'],
  ['w5', '1970-06-06'],
  ['w6', '1988-08-08'],
  ['w7', '1960-12-01'],
  ['w8', '1995-03-03'],
];

describe('issueDemoWallet', () => {
  let server: TestServer;
  let wallet: DemoWallet;
  beforeAll(async () => {
    server = await createTestServer({ at: '2026-04-01T01:00:00Z' });
    const { store } = server.ctx;
    await store.insurers.upsert({
      insurerNumber: '01130012',
      name: '試験健保',
      scheme: 'kyokai',
      prefecture: '13',
      branch: null,
    });
    for (const [index, [id, birthDate]] of PEOPLE.entries()) {
      await store.persons.insert({
        id,
        nameKanji: '試験 太郎',
        nameKana: 'シケン タロウ',
        birthDate,
        sex: 'male',
        address: '東京都千代田区1-1',
        postalCode: '100-0001',
        prefecture: '13',
      });
      await store.qualifications.insert(
        sampleQualification(id, { id: `q${String(index)}`, symbol: '1', number: String(index + 1), branch: '00' }),
      );
    }
    await store.dvFlags.set({ personId: 'w7', flag: 'selfInfoBlocked', setOn: '2025-01-01', setBy: '01130012' });
    await store.cards.insert({
      id: 'w1c1',
      personId: 'w1',
      kind: 'standard',
      platform: null,
      issuedOn: '2021-01-10',
      expiresOn: '2031-07-01',
      status: 'active',
      statusChangedOn: null,
    });
    wallet = await issueDemoWallet(server.ctx, { people: 8 });
  });
  afterAll(() => server.close());

  const entry = (scenario: string) => {
    const found = wallet.cards.find((c) => c.scenario === scenario);
    expect(found, scenario).toBeDefined();
    return found;
  };
  const verify = (image: CardImage | null | undefined) => {
    expect(image).toBeTruthy();
    const chip = VirtualChip.fromImage(image);
    const certificate = server.ctx.store.certificates.listByCard(chip.cardId);
    return certificate.then((rows) => {
      const auth = rows.find((r) => r.kind === 'auth');
      return verifyCertificate(auth?.der ?? new Uint8Array(0), {
        at: server.clock.now(),
        ...cardTrustOf(server.ctx),
        purpose: 'insuranceUse',
      });
    });
  };

  it('hands out one of each situation first, then PIN cards, and a point card that is not a My Number card', () => {
    const scenarios = wallet.cards.map((c) => c.scenario);
    for (const s of [
      'standard',
      'faceOnly',
      'android',
      'iphone',
      'certificateInGrace',
      'certificateExpired',
      'selfInfoBlocked',
    ]) {
      expect(scenarios).toContain(s);
    }
    expect(new Set(wallet.cards.map((c) => c.personId).filter((p) => p !== null)).size).toBe(8);
    expect(wallet.cards.at(-1)).toMatchObject({ scenario: 'notACard', image: null });
    expect(new Set(wallet.cards.map((c) => c.id)).size).toBe(wallet.cards.length);
    expect(entry('selfInfoBlocked')?.personId).toBe('w7');
    expect(entry('certificateInGrace')?.personId).toBe('w2');
  });

  it('the grace card is accepted as insurance until the end of the 3rd month (rules.md §4 [S21], test 28); the expired one is not', async () => {
    const grace = await verify(entry('certificateInGrace')?.image as CardImage);
    expect(grace.code).toBe('certificate.expiredInGrace');
    expect(grace.expiry).toBe('2026-02-10');
    expect(grace.graceEnd).toBe('2026-05-31');
    const expired = await verify(entry('certificateExpired')?.image as CardImage);
    expect(expired.code).toBe('certificate.expired');
    expect(await verify(entry('faceOnly')?.image as CardImage)).toMatchObject({ code: 'certificate.ok' });
  });

  it('phones are phone images linked to the same person’s PIN card; face-only and iPhone carry no PIN', () => {
    const android = entry('android');
    const iphone = entry('iphone');
    expect(android?.image).toMatchObject({ format: 'onshi-smartphone-image/1', biometricTemplate: null });
    expect(iphone?.image).toMatchObject({ format: 'onshi-smartphone-image/1', biometricTemplate: expect.any(String) });
    expect(android?.pins).toEqual({ authentication: '5678' });
    expect(iphone?.pins).toBeNull();
    expect(entry('faceOnly')?.pins).toBeNull();
    const holders = wallet.cards.filter((c) => c.personId === android?.personId).map((c) => c.scenario);
    expect(holders).toEqual(['standard', 'android']);
  });

  it('a seeded card row without certificates is ended and replaced by the real card', async () => {
    const cards = await server.ctx.store.cards.listByPerson('w1');
    expect(cards.find((c) => c.id === 'w1c1')?.status).toBe('revoked');
    expect(cards.filter((c) => c.status === 'active')).toHaveLength(1);
  });
});
