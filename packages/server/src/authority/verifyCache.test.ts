import { enrolFace, faceFromSeed } from '@onshi/card';
import { beforeAll, describe, expect, it } from 'vitest';
import { CardAuthority, endOfTokyoDay, startOfTokyoDay } from './ca.js';
import { RevocationList, TrustStore, verifyCertificate } from './verify.js';

const created = new Date('2025-01-01T00:00:00Z');
const now = new Date('2026-05-01T03:00:00Z');

let authority: CardAuthority;
let trust: TrustStore;
let der: Uint8Array;
let serial: string;

async function crlRevoking(serials: readonly string[], crlNumber: number): Promise<RevocationList> {
  const crlDer = await authority.createCrl({
    entries: serials.map((s) => ({ serial: s, revokedAt: new Date('2026-04-30T00:00:00Z'), reason: 'keyCompromise' })),
    thisUpdate: new Date('2026-04-30T00:00:00Z'),
    nextUpdate: new Date('2026-06-30T00:00:00Z'),
    crlNumber,
  });
  const crl = await RevocationList.load(crlDer, trust);
  if (crl === undefined) {
    throw new Error('the test CRL did not verify');
  }
  return crl;
}

beforeAll(async () => {
  authority = await CardAuthority.create(created);
  trust = TrustStore.create({ roots: [authority.rootCertificate], intermediates: [authority.issuingCertificate] });
  const issued = await authority.issueCard({
    kind: 'standard',
    pins: { authentication: '1234', signing: 'PASS1234', cardInfo: '1234' },
    cardInfo: { name: '山田 花子', address: '大阪府大阪市北区1-1', birthDate: '1990-06-15', sex: '2' },
    faceTemplate: enrolFace(faceFromSeed('hanako'), 'hanako'),
    notBefore: startOfTokyoDay('2025-06-01'),
    notAfter: endOfTokyoDay('2030-06-15'),
  });
  der = issued.authCertificate.der;
  serial = issued.authCertificate.serial;
});

describe('a certificate verified once (decision 0134: signature remembered by fingerprint)', () => {
  it('is still refused as revoked once a newer CRL lists it (RFC 5280 §6.3: revocation checked on every read)', async () => {
    const clean = await crlRevoking([], 1);
    expect(verifyCertificate(der, { at: now, trust, crls: [clean], purpose: 'insuranceUse' })).toMatchObject({
      ok: true,
      code: 'certificate.ok',
    });
    const newer = await crlRevoking([serial], 2);
    expect(verifyCertificate(der, { at: now, trust, crls: [newer], purpose: 'insuranceUse' })).toMatchObject({
      ok: false,
      code: 'certificate.revoked',
    });
  });

  it('is still refused after its expiry and grace, and without a current CRL (validity checked on every read)', async () => {
    const clean = await crlRevoking([], 3);
    expect(verifyCertificate(der, { at: now, trust, crls: [clean], purpose: 'insuranceUse' }).ok).toBe(true);
    expect(verifyCertificate(der, { at: now, trust, crls: [], purpose: 'insuranceUse' }).code).toBe(
      'certificate.revocationUnknown',
    );
    const late = new Date('2031-06-01T00:00:00Z');
    expect(verifyCertificate(der, { at: late, trust, crls: [clean], purpose: 'insuranceUse' }).ok).toBe(false);
  });

  it('a copy with one altered signature byte is a different certificate and fails its signature check', async () => {
    const clean = await crlRevoking([], 4);
    expect(verifyCertificate(der, { at: now, trust, crls: [clean], purpose: 'insuranceUse' }).ok).toBe(true);
    const altered = Uint8Array.from(der);
    altered[altered.length - 5] = (altered[altered.length - 5] ?? 0) ^ 0xff;
    expect(verifyCertificate(altered, { at: now, trust, crls: [clean], purpose: 'insuranceUse' })).toMatchObject({
      ok: false,
      code: 'certificate.badSignature',
    });
  });
});
