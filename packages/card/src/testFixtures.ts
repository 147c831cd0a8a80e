/**
 * Test fixtures for @onshi/card: a throw-away CA (not the card authority, which lives in the server) that
 * personalises chips through the real administrative APDUs. Imported by tests only; not exported by index.ts.
 */
import 'reflect-metadata';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { ChipAdministrator } from './admin.js';
import { VirtualChip } from './chip.js';
import type { CardInfo, CardKind, PhonePlatform } from './chip.js';
import { encodeFaceTemplate, enrolFace, faceFromSeed } from './face.js';
import type { ReaderIdentity } from './reader.js';

x509.cryptoProvider.set(globalThis.crypto);

const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };

/** A self-signed test CA that signs one certificate per call. */
export class TestCa {
  private constructor(
    private readonly keys: CryptoKeyPair,
    readonly certificate: x509.X509Certificate,
  ) {}

  static async create(): Promise<TestCa> {
    const keys = await crypto.subtle.generateKey(
      { ...RSA, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
      true,
      ['sign', 'verify'],
    );
    const certificate = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01',
      name: 'CN=Test CA',
      keys,
      notBefore: new Date('2020-01-01T00:00:00Z'),
      notAfter: new Date('2040-01-01T00:00:00Z'),
      signingAlgorithm: RSA,
    });
    return new TestCa(keys, certificate);
  }

  async issue(spki: Uint8Array, subject: string): Promise<Uint8Array> {
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: randomBytes(8).toString('hex'),
      subject,
      issuer: this.certificate.subject,
      publicKey: new x509.PublicKey(Uint8Array.from(spki)),
      signingKey: this.keys.privateKey,
      notBefore: new Date('2024-01-01T00:00:00Z'),
      notAfter: new Date('2030-01-01T00:00:00Z'),
      signingAlgorithm: RSA,
    });
    return new Uint8Array(cert.rawData);
  }

  get der(): Uint8Array {
    return new Uint8Array(this.certificate.rawData);
  }
}

export const TEST_INFO: CardInfo = {
  name: '山田 太郎',
  address: '東京都千代田区霞が関1-2-2',
  birthDate: '1980-04-01',
  sex: '1',
};

/** A chip with its 利用者証明用 (and for a standard card 署名用) key and certificate written. */
export async function personalisedChip(
  ca: TestCa,
  kind: CardKind,
  options: { platform?: PhonePlatform; faceSeed?: string } = {},
): Promise<{ chip: VirtualChip; adminKey: Uint8Array; certificate: Uint8Array }> {
  const adminKey = new Uint8Array(randomBytes(32));
  const face = faceFromSeed(options.faceSeed ?? 'taro');
  const chip = VirtualChip.manufacture({
    kind,
    ...(options.platform ? { platform: options.platform } : {}),
    adminKey,
    pins: { authentication: '1234', signing: 'ABC123', cardInfo: '5678' },
    cardInfo: TEST_INFO,
    faceTemplate: encodeFaceTemplate(enrolFace(face, options.faceSeed ?? 'taro')),
  });
  const admin = new ChipAdministrator(chip, adminKey);
  const certificate = await ca.issue(admin.generateKey('authentication'), 'CN=card');
  admin.writeCertificate('authentication', certificate, ca.der);
  if (kind === 'standard') {
    admin.writeCertificate('signing', await ca.issue(admin.generateKey('signing'), 'CN=signing'), ca.der);
  }
  chip.reset();
  return { chip, adminKey, certificate };
}

/** A reader identity with a fresh key and a certificate from the test CA. */
export async function testReader(ca: TestCa): Promise<ReaderIdentity> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    readerId: 'R-0001',
    institutionCode: '1312345678',
    privateKeyPkcs8: new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' })),
    certificateDer: await ca.issue(new Uint8Array(publicKey.export({ format: 'der', type: 'spki' })), 'CN=R-0001'),
  };
}
