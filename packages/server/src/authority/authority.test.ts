import { X509Certificate } from 'node:crypto';
import { CardReader, SimulatedCamera, VirtualChip, enrolFace, faceFromSeed, Smartphone } from '@onshi/card';
import { beforeAll, describe, expect, it } from 'vitest';
import { CardAuthority, endOfTokyoDay, startOfTokyoDay } from './ca.js';
import type { AuthorityState } from './ca.js';
import {
  RevocationList,
  TrustStore,
  verifyCertificate,
  verifyChallengeSignature,
  verifyChallengeSignatureOffThread,
  verifyFaceAttestation,
} from './verify.js';
import type { VerifyOptions } from './verify.js';
import { generateKeyPairSync } from 'node:crypto';

const created = new Date('2025-01-01T00:00:00Z');
const now = new Date('2026-05-01T03:00:00Z');
const challenge = new TextEncoder().encode('challenge-for-this-read');
const INFO = { name: '山田 花子', address: '大阪府大阪市北区1-1', birthDate: '1990-06-15', sex: '2' } as const;

let authority: CardAuthority;
let other: CardAuthority;
let trust: TrustStore;
let crl: RevocationList;
let options: VerifyOptions;

async function card(notAfterDate = '2030-06-15', kind: 'standard' | 'faceOnly' = 'standard') {
  return authority.issueCard({
    kind,
    pins: { authentication: '1234', signing: 'PASS1234', cardInfo: '1234' },
    cardInfo: INFO,
    faceTemplate: enrolFace(faceFromSeed('hanako'), 'hanako'),
    notBefore: startOfTokyoDay('2025-06-01'),
    notAfter: endOfTokyoDay(notAfterDate),
  });
}

async function readerIdentity(ca: CardAuthority, institutionCode = '2712345678') {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const cert = await ca.issueCertificate({
    profile: 'reader',
    publicKeySpki: new Uint8Array(publicKey.export({ format: 'der', type: 'spki' })),
    notBefore: created,
    notAfter: new Date('2031-01-01T00:00:00Z'),
    readerId: 'RDR-01',
    institutionCode,
  });
  return {
    readerId: 'RDR-01',
    institutionCode,
    privateKeyPkcs8: new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' })),
    certificateDer: cert.der,
  };
}

let revokedCard: Awaited<ReturnType<typeof card>>;

beforeAll(async () => {
  authority = await CardAuthority.create(created);
  other = await CardAuthority.create(created, 'Other Authority');
  trust = TrustStore.create({ roots: [authority.rootCertificate], intermediates: [authority.issuingCertificate] });
  revokedCard = await card();
  const crlDer = await authority.createCrl({
    entries: [
      { serial: revokedCard.authCertificate.serial, revokedAt: new Date('2026-01-10T00:00:00Z'), reason: 'superseded' },
    ],
    thisUpdate: new Date('2026-04-30T00:00:00Z'),
    nextUpdate: new Date('2026-06-30T00:00:00Z'),
    crlNumber: 1,
  });
  crl = (await RevocationList.load(crlDer, trust))!;
  options = { at: now, trust, crls: [crl], purpose: 'insuranceUse' };
});

describe('certificates the authority issues (issue 5; RFC 5280)', () => {
  it('issues RSA-2048 / SHA-256 X.509 certificates chaining root → issuing CA → card', async () => {
    const issued = await card();
    const leaf = new X509Certificate(issued.authCertificate.der);
    const issuing = new X509Certificate(authority.issuingCertificate);
    const root = new X509Certificate(authority.rootCertificate);
    expect(leaf.checkIssued(issuing) && leaf.verify(issuing.publicKey)).toBe(true);
    expect(issuing.checkIssued(root) && issuing.verify(root.publicKey)).toBe(true);
    expect(leaf.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(leaf.ca).toBe(false);
  });

  it('puts no personal data in the 利用者証明用 subject (rules.md §4)', async () => {
    const issued = await card();
    const subject = new X509Certificate(issued.authCertificate.der).subject;
    expect(subject).not.toContain('山田');
    expect(subject).not.toContain('1990');
    expect(subject).toContain('OU=JPKI for user authentication');
  });

  it('the 利用者証明用 certificate on the chip is the one issued, and the chip key signs for it', async () => {
    const issued = await card();
    const identity = await readerIdentity(authority);
    const chip = VirtualChip.fromImage(issued.image);
    const r = new CardReader(identity).signChallenge(chip, challenge, '1234');
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.certificate).toEqual(issued.authCertificate.der);
      expect(
        verifyChallengeSignature({ challenge, signature: r.signature, certificate: r.certificate }, options),
      ).toMatchObject({
        ok: true,
        code: 'certificate.ok',
        serial: issued.authCertificate.serial,
      });
    }
  });

  it('a face-only card gets no 署名用 certificate (rules.md §4 [S24])', async () => {
    const issued = await card('2030-06-15', 'faceOnly');
    expect(issued.signingCertificate).toBeNull();
  });

  it('survives export and reload of its state (PEM / PKCS#8)', async () => {
    const state = await authority.exportState();
    expect(state.issuing.privateKeyPem).toContain('BEGIN PRIVATE KEY');
    const reloaded = await CardAuthority.load(JSON.parse(JSON.stringify(state)) as AuthorityState);
    expect(reloaded.adminKeyFor('ABC')).toEqual(authority.adminKeyFor('ABC'));
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const cert = await reloaded.issueCertificate({
      profile: 'cardAuthentication',
      publicKeySpki: new Uint8Array(publicKey.export({ format: 'der', type: 'spki' })),
      notBefore: created,
      notAfter: endOfTokyoDay('2030-01-01'),
    });
    expect(verifyCertificate(cert.der, options)).toMatchObject({ ok: true, code: 'certificate.ok' });
  });

  it('the PIN reset unlocks a locked card and sets the new PIN (rules.md §4 Reset)', async () => {
    const issued = await card();
    const reader = new CardReader(await readerIdentity(authority));
    const chip = VirtualChip.fromImage(issued.image);
    for (let i = 0; i < 3; i += 1) {
      reader.verifyPin(chip, 'authentication', '0000');
    }
    expect(reader.signChallenge(chip, challenge, '1234')).toMatchObject({ code: 'pin.locked' });
    const reset = VirtualChip.fromImage(authority.resetPin(chip.exportImage(), 'authentication', '2468'));
    expect(reader.signChallenge(reset, challenge, '2468').ok).toBe(true);
  });
});

describe('verifyCertificate: each failure has its own code (issue 5 "Must show")', () => {
  it('accepts a valid card certificate', async () => {
    const issued = await card();
    expect(verifyCertificate(issued.authCertificate.der, options)).toMatchObject({
      ok: true,
      code: 'certificate.ok',
      expiry: '2030-06-15',
    });
  });

  it('a tampered signature → certificate.badSignature', async () => {
    const der = Uint8Array.from((await card()).authCertificate.der);
    der[der.length - 1] = (der[der.length - 1] ?? 0) ^ 0x01;
    expect(verifyCertificate(der, options)).toMatchObject({ ok: false, code: 'certificate.badSignature' });
  });

  it('a certificate from another CA → certificate.unknownIssuer', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const foreign = await other.issueCertificate({
      profile: 'cardAuthentication',
      publicKeySpki: new Uint8Array(publicKey.export({ format: 'der', type: 'spki' })),
      notBefore: created,
      notAfter: endOfTokyoDay('2030-01-01'),
    });
    expect(verifyCertificate(foreign.der, options)).toMatchObject({ ok: false, code: 'certificate.unknownIssuer' });
  });

  it('a revoked certificate → certificate.revoked (but not before its revocation date)', () => {
    expect(verifyCertificate(revokedCard.authCertificate.der, options)).toMatchObject({
      ok: false,
      code: 'certificate.revoked',
    });
    expect(
      verifyCertificate(revokedCard.authCertificate.der, { ...options, at: new Date('2026-01-09T00:00:00Z') }),
    ).toMatchObject({ code: 'certificate.ok' });
  });

  it('not yet valid → certificate.notYetValid', async () => {
    const issued = await card();
    expect(
      verifyCertificate(issued.authCertificate.der, { ...options, at: new Date('2025-05-31T00:00:00Z') }),
    ).toMatchObject({
      ok: false,
      code: 'certificate.notYetValid',
    });
  });

  it('expired on 2026-02-10: in grace to 2026-05-31 for insurance use (rules.md §4 [S21], Feb → 31 May)', async () => {
    const issued = await card('2026-02-10');
    const der = issued.authCertificate.der;
    expect(verifyCertificate(der, options)).toMatchObject({
      ok: true,
      code: 'certificate.expiredInGrace',
      expiry: '2026-02-10',
      graceEnd: '2026-05-31',
    });
    expect(verifyCertificate(der, { ...options, purpose: 'authentication' })).toMatchObject({
      ok: false,
      code: 'certificate.expired',
    });
    expect(verifyCertificate(der, { ...options, at: new Date('2026-05-31T14:59:00Z') }).code).toBe(
      'certificate.expiredInGrace',
    );
  });

  it('expired beyond the grace → certificate.expired', async () => {
    const issued = await card('2026-01-31');
    expect(verifyCertificate(issued.authCertificate.der, options)).toMatchObject({
      ok: false,
      code: 'certificate.expired',
      graceEnd: '2026-04-30',
    });
  });

  it('the certificate is valid through the whole last day in Japan', async () => {
    const issued = await card('2026-05-01');
    expect(
      verifyCertificate(issued.authCertificate.der, { ...options, at: new Date('2026-05-01T14:59:00Z') }).code,
    ).toBe('certificate.ok');
  });

  it('without a current CRL the status is unknown → certificate.revocationUnknown', async () => {
    const issued = await card();
    expect(verifyCertificate(issued.authCertificate.der, { ...options, crls: [] }).code).toBe(
      'certificate.revocationUnknown',
    );
    expect(
      verifyCertificate(issued.authCertificate.der, { ...options, at: new Date('2026-07-01T00:00:00Z') }).code,
    ).toBe('certificate.revocationUnknown');
  });

  it('a reader certificate is not accepted as a card → certificate.wrongProfile', async () => {
    const identity = await readerIdentity(authority);
    expect(verifyCertificate(identity.certificateDer, options).code).toBe('certificate.wrongProfile');
  });

  it('a CRL signed by another CA is not loaded', async () => {
    const foreignCrl = await other.createCrl({ entries: [], thisUpdate: now, nextUpdate: now, crlNumber: 1 });
    expect(await RevocationList.load(foreignCrl, trust)).toBeUndefined();
  });

  it('garbage is refused with certificate.malformed, not a crash', () => {
    expect(verifyCertificate(Uint8Array.from([0x30, 0x03, 0x01]), options).code).toBe('certificate.malformed');
  });
});

describe('verifyChallengeSignature (PIN path)', () => {
  it('refuses a signature over another challenge → signature.invalid', async () => {
    const issued = await card();
    const chip = VirtualChip.fromImage(issued.image);
    const r = new CardReader(await readerIdentity(authority)).signChallenge(chip, challenge, '1234');
    if (!r.ok) {
      throw new Error(r.code);
    }
    const other = new TextEncoder().encode('another challenge');
    expect(
      verifyChallengeSignature({ challenge: other, signature: r.signature, certificate: r.certificate }, options).code,
    ).toBe('signature.invalid');
  });
});

describe('the PIN path off the event loop (decisions 0172, 0134): the same verdicts, certificates never seen included', () => {
  async function signed(issued: Awaited<ReturnType<typeof card>>, over = challenge) {
    const r = new CardReader(await readerIdentity(authority)).signChallenge(
      VirtualChip.fromImage(issued.image),
      over,
      '1234',
    );
    if (!r.ok) {
      throw new Error(r.code);
    }
    return { challenge, signature: r.signature, certificate: r.certificate };
  }

  /** A trust store of its own: nothing it has verified before, so the issuer's signature goes to the thread. */
  function fresh(): VerifyOptions {
    const own = TrustStore.create({
      roots: [authority.rootCertificate],
      intermediates: [authority.issuingCertificate],
    });
    return { ...options, trust: own };
  }

  it('accepts a card it has never seen, checking the issuer signature and the challenge signature on the thread', async () => {
    const issued = await card();
    const response = await signed(issued);
    const first = fresh();
    const verdict = await verifyChallengeSignatureOffThread(response, first);
    expect(verdict).toMatchObject({ ok: true, code: 'certificate.ok', serial: issued.authCertificate.serial });
    expect(verdict).toEqual(verifyChallengeSignature(response, fresh()));
    // Read again with the same trust store (the issuer signature now remembered): the same verdict.
    expect(await verifyChallengeSignatureOffThread(response, first)).toEqual(verdict);
  });

  it('refuses a never-seen certificate whose issuer signature was altered → certificate.badSignature', async () => {
    const response = await signed(await card());
    const certificate = Uint8Array.from(response.certificate);
    certificate[certificate.length - 5] = (certificate[certificate.length - 5] ?? 0) ^ 0xff;
    const altered = { ...response, certificate };
    const verdict = await verifyChallengeSignatureOffThread(altered, fresh());
    expect(verdict).toMatchObject({ ok: false, code: 'certificate.badSignature' });
    expect(verdict).toEqual(verifyChallengeSignature(altered, fresh()));
  });

  it("refuses a signature over another challenge, a revoked card and another authority's card as on the event loop", async () => {
    const overOther = { ...(await signed(await card(), new TextEncoder().encode('another challenge'))), challenge };
    const revoked = await signed(revokedCard);
    const stranger = await other.issueCard({
      kind: 'standard',
      pins: { authentication: '1234', signing: 'PASS1234', cardInfo: '1234' },
      cardInfo: INFO,
      faceTemplate: enrolFace(faceFromSeed('hanako'), 'hanako'),
      notBefore: startOfTokyoDay('2025-06-01'),
      notAfter: endOfTokyoDay('2030-06-15'),
    });
    const foreign = await signed(stranger);
    for (const [response, code] of [
      [overOther, 'signature.invalid'],
      [revoked, 'certificate.revoked'],
      [foreign, 'certificate.unknownIssuer'],
    ] as const) {
      const verdict = await verifyChallengeSignatureOffThread(response, fresh());
      expect(verdict.code).toBe(code);
      expect(verdict).toEqual(verifyChallengeSignature(response, fresh()));
    }
  });
});

describe('verifyFaceAttestation (face path)', () => {
  async function faceRead(subjectSeed: string, institutionCode = '2712345678') {
    const issued = await card();
    const reader = new CardReader(await readerIdentity(authority, institutionCode));
    const chip = VirtualChip.fromImage(issued.image);
    const result = reader.authenticateFace(chip, {
      subject: faceFromSeed(subjectSeed),
      camera: new SimulatedCamera(subjectSeed),
      challenge,
      at: now,
    });
    return { issued, result, attestation: result.attestation! };
  }

  it('accepts a match attested by a reader of this institution, for this challenge and card', async () => {
    const { issued, attestation } = await faceRead('hanako');
    const v = verifyFaceAttestation(
      attestation,
      { challenge, cardCertificate: issued.authCertificate.der, institutionCode: '2712345678' },
      options,
    );
    expect(v).toMatchObject({ ok: true, code: 'certificate.ok', serial: issued.authCertificate.serial });
  });

  it("refuses another person's face (the reader attested noMatch)", async () => {
    const { issued, result, attestation } = await faceRead('someone-else');
    expect(result.code).toBe('face.noMatch');
    const v = verifyFaceAttestation(
      attestation,
      { challenge, cardCertificate: issued.authCertificate.der, institutionCode: '2712345678' },
      options,
    );
    expect(v.code).toBe('attestation.noMatch');
  });

  it('refuses an attestation altered after signing, or for another institution or challenge', async () => {
    const { issued, attestation } = await faceRead('hanako');
    const base = { challenge, cardCertificate: issued.authCertificate.der, institutionCode: '2712345678' };
    const altered = { ...attestation, payload: { ...attestation.payload, at: '2026-05-01T03:01:00.000Z' } };
    expect(verifyFaceAttestation(altered, base, options).code).toBe('attestation.badSignature');
    expect(verifyFaceAttestation(attestation, { ...base, institutionCode: '1300000000' }, options).code).toBe(
      'attestation.mismatch',
    );
    expect(verifyFaceAttestation(attestation, { ...base, challenge: Uint8Array.from([1]) }, options).code).toBe(
      'attestation.mismatch',
    );
    expect(verifyFaceAttestation(attestation, base, { ...options, at: new Date(now.getTime() + 3_600_000) }).code).toBe(
      'attestation.stale',
    );
  });

  it('refuses a reader whose certificate comes from another CA', async () => {
    const issued = await card();
    const reader = new CardReader(await readerIdentity(other));
    const r = reader.authenticateFace(VirtualChip.fromImage(issued.image), {
      subject: faceFromSeed('hanako'),
      camera: new SimulatedCamera('x'),
      challenge,
      at: now,
    });
    const v = verifyFaceAttestation(
      r.attestation!,
      { challenge, cardCertificate: issued.authCertificate.der, institutionCode: '2712345678' },
      options,
    );
    expect(v.code).toBe('attestation.readerInvalid');
  });
});

describe('smartphone certificates (rules.md §4 Smartphone [S26])', () => {
  it('names the physical card it comes from, so the server can require its 保険証利用登録', async () => {
    const physical = await card();
    const phone = await authority.issueCard({
      kind: 'smartphone',
      platform: 'android',
      pins: { authentication: '5555' },
      notBefore: startOfTokyoDay('2025-06-01'),
      notAfter: endOfTokyoDay('2030-06-15'),
      linkedCardSerial: physical.authCertificate.serial,
    });
    const device = Smartphone.create(VirtualChip.fromImage(phone.image), null);
    const r = new CardReader(await readerIdentity(authority)).signChallenge(device, challenge, '5555');
    if (!r.ok) {
      throw new Error(r.code);
    }
    expect(
      verifyChallengeSignature({ challenge, signature: r.signature, certificate: r.certificate }, options),
    ).toMatchObject({
      ok: true,
      profile: 'phoneAuthentication',
      linkedCardSerial: physical.authCertificate.serial,
    });
  });

  it('a phone certificate cannot be issued without its physical card', async () => {
    await expect(
      authority.issueCard({
        kind: 'smartphone',
        platform: 'iphone',
        notBefore: created,
        notAfter: endOfTokyoDay('2030-01-01'),
      }),
    ).rejects.toMatchObject({ code: 'certificate.linkedCardRequired' });
  });
});
