import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CardAuthority } from './ca.js';
import { parseCertificate } from './der.js';

let authority: CardAuthority;
let der: Uint8Array;

beforeAll(async () => {
  authority = await CardAuthority.create(new Date('2025-01-01T00:00:00Z'));
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  der = (
    await authority.issueCertificate({
      profile: 'reader',
      publicKeySpki: new Uint8Array(publicKey.export({ format: 'der', type: 'spki' })),
      notBefore: new Date('2025-01-01T00:00:00Z'),
      notAfter: new Date('2030-01-01T00:00:00Z'),
      readerId: 'R-7',
      institutionCode: '0112345678',
    })
  ).der;
});

describe('DER reader for the verification hot path (RFC 5280 §4.1)', () => {
  it('reads the same serial, validity and subject as node’s X509Certificate', () => {
    const parsed = parseCertificate(der)!;
    const node = new X509Certificate(der);
    expect(parsed.serial).toBe(node.serialNumber.toUpperCase().replace(/^0+/, ''));
    expect(parsed.notBefore).toBe(Date.parse(node.validFrom));
    expect(parsed.notAfter).toBe(Date.parse(node.validTo));
    expect(parsed.subject).toEqual({
      CN: ['R-7'],
      OU: ['Onshi face authentication reader'],
      serialNumber: ['0112345678'],
    });
    expect(parsed.isCa).toBe(false);
    expect(parseCertificate(authority.issuingCertificate)?.isCa).toBe(true);
  });

  it('never throws on truncated or corrupted input', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: der.length - 1 }), fc.integer({ min: 0, max: 255 }), (at, byte) => {
        const corrupted = Uint8Array.from(der);
        corrupted[at] = byte;
        expect(() => parseCertificate(corrupted)).not.toThrow();
        expect(parseCertificate(der.subarray(0, at))).toBeUndefined();
      }),
    );
  });
});
