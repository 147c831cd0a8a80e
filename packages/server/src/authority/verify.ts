/**
 * Certificate and signature verification as the OQS service performs it on every card read: chain to a trusted
 * root, signature, validity period (with the マイナ保険証 grace after expiry, rules.md §4 [S21]), revocation, and
 * the certificate's profile. The hot path is synchronous and uses node's native X.509: CA certificates are parsed
 * once (`TrustStore`), CRLs are verified and indexed once (`RevocationList.load`).
 */
import 'reflect-metadata';
import { X509Certificate, createHash, createPublicKey, timingSafeEqual, verify as verifySignature } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { canonicalAttestationBytes, sha256Hex, toBase64Url } from '@onshi/card';
import type { SignedFaceAttestation } from '@onshi/card';
import { insuranceUseGraceEnd, tokyoDate, verdict } from '@onshi/core';
import type { Verdict } from '@onshi/core';
import { parseCertificate } from './der.js';
import { SignatureBatches } from './signatureBatches.js';
import type { ParsedCertificate } from './der.js';
import { profileOfOrganisationalUnits } from './profiles.js';
import type { CertificateProfile } from './profiles.js';

x509.cryptoProvider.set(globalThis.crypto);

const BASIS_X509 = 'RFC 5280 §6 (path validation); issue 5';
const BASIS_GRACE = 'rules.md §4 マイナ保険証 grace [S21]';

/** A CA certificate known to the verifier, parsed once. */
interface TrustedCa {
  certificate: X509Certificate;
  /** DER of the subject Name, matched byte for byte against a leaf's issuer. */
  subjectName: Buffer;
  publicKey: KeyObject;
  /** The public key as PKCS#1 DER, what the verifier thread imports (decision 0172). */
  publicKeyPkcs1: Uint8Array;
  notBefore: number;
  notAfter: number;
  fingerprint: string;
  isRoot: boolean;
}

/**
 * The trust anchors (root CAs) and the issuing CAs that chain to them. Built once at start-up; an intermediate
 * that does not chain to a root is refused here, so the per-request path only checks leaf → intermediate.
 */
export class TrustStore {
  private constructor(readonly cas: readonly TrustedCa[]) {}

  /** Builds the store. Throws `Error` if an intermediate does not verify under any root. */
  static create(input: { roots: readonly Uint8Array[]; intermediates?: readonly Uint8Array[] }): TrustStore {
    const roots = input.roots.map((der) => trusted(der, true));
    const intermediates = (input.intermediates ?? []).map((der) => {
      const ca = trusted(der, false);
      const parent = roots.find((r) => ca.certificate.checkIssued(r.certificate) && ca.certificate.verify(r.publicKey));
      if (!parent) {
        throw new Error(`intermediate ${ca.certificate.subject} does not chain to a trusted root`);
      }
      return ca;
    });
    return new TrustStore([...roots, ...intermediates]);
  }

  /** The trusted CA whose subject is `certificate`'s issuer. */
  issuerOf(certificate: ParsedCertificate): TrustedCa | undefined {
    return this.cas.find((ca) => ca.subjectName.equals(certificate.issuerName));
  }

  /** The root a trusted intermediate chains to. */
  rootOf(ca: TrustedCa): TrustedCa | undefined {
    return ca.isRoot ? ca : this.cas.find((r) => r.isRoot && ca.certificate.checkIssued(r.certificate));
  }
}

function trusted(der: Uint8Array, isRoot: boolean): TrustedCa {
  const certificate = new X509Certificate(der);
  const parsed = parseCertificate(der);
  if (!parsed?.isCa) {
    throw new Error(`${certificate.subject} is not an RSA/SHA-256 CA certificate`);
  }
  return {
    certificate,
    subjectName: Buffer.from(parsed.subjectName),
    publicKey: certificate.publicKey,
    publicKeyPkcs1: new Uint8Array(certificate.publicKey.export({ format: 'der', type: 'pkcs1' })),
    notBefore: Date.parse(certificate.validFrom),
    notAfter: Date.parse(certificate.validTo),
    fingerprint: certificate.fingerprint256,
    isRoot,
  };
}

/** A CRL whose signature was checked against a trusted CA, indexed by serial. */
export class RevocationList {
  private constructor(
    /** Fingerprint of the CA that signed it. */
    readonly issuerFingerprint: string,
    readonly thisUpdate: Date,
    readonly nextUpdate: Date | undefined,
    private readonly revoked: ReadonlyMap<string, Date>,
  ) {}

  /** Parses and verifies a CRL (DER). `undefined` if it is malformed or not signed by a CA of `trust`. */
  static async load(der: Uint8Array, trust: TrustStore): Promise<RevocationList | undefined> {
    let crl: x509.X509Crl;
    try {
      crl = new x509.X509Crl(Uint8Array.from(der));
    } catch {
      return undefined;
    }
    for (const ca of trust.cas) {
      const publicKey = new x509.PublicKey(
        Uint8Array.from(ca.certificate.publicKey.export({ format: 'der', type: 'spki' })),
      );
      const ok = await crl.verify({ publicKey }).catch(() => false);
      if (ok) {
        const revoked = new Map(crl.entries.map((e) => [normaliseSerial(e.serialNumber), e.revocationDate]));
        return new RevocationList(ca.fingerprint, crl.thisUpdate, crl.nextUpdate, revoked);
      }
    }
    return undefined;
  }

  /** When `serial` was revoked, if it is on this list. */
  revokedAt(serial: string): Date | undefined {
    return this.revoked.get(normaliseSerial(serial));
  }
}

/** Serial numbers as uppercase hex without leading zeros, whoever printed them. */
export function normaliseSerial(hex: string): string {
  return hex.toUpperCase().replace(/^0+(?=.)/, '');
}

/** What the caller needs the certificate for. Only `insuranceUse` accepts a certificate in its expiry grace. */
export type CertificatePurpose = 'insuranceUse' | 'authentication';

/** Verification settings. */
export interface VerifyOptions {
  /** The instant asked about (from the server's Clock). */
  at: Date;
  trust: TrustStore;
  /** Verified CRLs; one per issuing CA is required (no CRL → `certificate.revocationUnknown`). */
  crls: readonly RevocationList[];
  purpose: CertificatePurpose;
  /** Acceptable profiles (default: card and phone 利用者証明用). */
  profiles?: readonly CertificateProfile[];
}

/** The verdict on a certificate, with what the caller needs next (serial for the linking table, expiry, grace). */
export interface CertificateVerdict extends Verdict {
  serial: string | null;
  profile: CertificateProfile | null;
  /** SHA-256 of the DER, lowercase hex. */
  fingerprint: string | null;
  /** Last valid day in Japan (Tokyo date of notAfter). */
  expiry: string | null;
  /** Last day of the insurance-use grace after `expiry`. */
  graceEnd: string | null;
  /** For a phone certificate: serial of the physical card's 利用者証明用 certificate. */
  linkedCardSerial: string | null;
}

const EMPTY = {
  serial: null,
  profile: null,
  fingerprint: null,
  expiry: null,
  graceEnd: null,
  linkedCardSerial: null,
} as const;

/**
 * A verdict with the certificate's details, field by field: on Node 20 a literal that starts with a spread and adds
 * properties costs ≈ 0.4 µs per property, and every card check builds one (decision 0176).
 */
function withDetails(v: Verdict, d: Omit<CertificateVerdict, keyof Verdict>): CertificateVerdict {
  return {
    ok: v.ok,
    code: v.code,
    message: v.message,
    basis: v.basis,
    serial: d.serial,
    profile: d.profile,
    fingerprint: d.fingerprint,
    expiry: d.expiry,
    graceEnd: d.graceEnd,
    linkedCardSerial: d.linkedCardSerial,
  };
}

function refuse(code: string, ja: string, en: string, basis = BASIS_X509): CertificateVerdict {
  return withDetails(verdict(false, code, ja, en, basis), EMPTY);
}

/**
 * Verifies an end-entity certificate as of `options.at`. Codes: `certificate.ok`, `certificate.expiredInGrace`
 * (ok for `insuranceUse` only), `certificate.malformed`, `certificate.wrongProfile`, `certificate.unknownIssuer`
 * (not from a trusted CA, e.g. another authority), `certificate.issuerNotValid`, `certificate.badSignature`,
 * `certificate.revoked`, `certificate.revocationUnknown`, `certificate.notYetValid`, `certificate.expired`.
 */
export function verifyCertificate(der: Uint8Array, options: VerifyOptions): CertificateVerdict {
  const leaf = parsedCertificate(der);
  if (!leaf) {
    return malformed();
  }
  return verifyParsed(leaf, der, options);
}

function malformed(): CertificateVerdict {
  return refuse('certificate.malformed', '証明書の形式が正しくありません', 'the certificate is malformed');
}

const graceEnds = new Map<string, string>();

/** `insuranceUseGraceEnd`, memoised: a few thousand distinct expiry dates at most. */
function graceEndOf(expiry: string): string {
  let end = graceEnds.get(expiry);
  if (end === undefined) {
    end = insuranceUseGraceEnd(expiry);
    if (graceEnds.size > 50_000) {
      graceEnds.clear();
    }
    graceEnds.set(expiry, end);
  }
  return end;
}

/** Certificates kept per trust store before the cache starts over. */
const SIGNATURE_CACHE_MAX = 100_000;
const verifiedSignatures = new WeakMap<TrustStore, Set<string>>();

/**
 * Whether the issuing CA's signature over the certificate verifies, remembered per trust store by the DER's SHA-256
 * (decision 0134): a card read again skips the RSA check of its certificate, while validity and revocation are still
 * checked against the current CRL on every read. A new trust store (new CA state) starts with an empty cache.
 */
function issuerSignatureVerifies(
  trust: TrustStore,
  issuer: TrustedCa,
  leaf: ParsedCertificate,
  fingerprint: string,
): boolean {
  if (issuerSignatureKnown(trust, fingerprint)) {
    return true;
  }
  if (!verifySignature('sha256', leaf.tbs, issuer.publicKey, leaf.signature)) {
    return false;
  }
  rememberIssuerSignature(trust, fingerprint);
  return true;
}

/** Whether the issuer's signature over the certificate with this fingerprint verified before (this trust store). */
function issuerSignatureKnown(trust: TrustStore, fingerprint: string): boolean {
  return verifiedSignatures.get(trust)?.has(fingerprint) === true;
}

function rememberIssuerSignature(trust: TrustStore, fingerprint: string): void {
  let verified = verifiedSignatures.get(trust);
  if (verified === undefined) {
    verified = new Set();
    verifiedSignatures.set(trust, verified);
  }
  if (verified.size >= SIGNATURE_CACHE_MAX) {
    verified.clear();
  }
  verified.add(fingerprint);
}

/** What the checks before the issuer's signature found: the refusal, or what the checks after it need. */
type BeforeSignature =
  { refusal: CertificateVerdict } | { refusal: null; issuer: TrustedCa; profile: CertificateProfile; derived: Derived };

function verifyParsed(leaf: ParsedCertificate, der: Uint8Array, options: VerifyOptions): CertificateVerdict {
  const before = beforeIssuerSignature(leaf, der, options);
  if (before.refusal !== null) {
    return before.refusal;
  }
  if (!issuerSignatureVerifies(options.trust, before.issuer, leaf, before.derived.fingerprint)) {
    return badCertificateSignature();
  }
  return afterIssuerSignature(leaf, options, before.profile, before.issuer, before.derived);
}

function badCertificateSignature(): CertificateVerdict {
  return refuse(
    'certificate.badSignature',
    '証明書の署名が正しくありません',
    'the certificate signature does not verify',
  );
}

/** Profile, a trusted issuer valid now, and what the certificate's bytes give (fingerprint, expiry). */
function beforeIssuerSignature(leaf: ParsedCertificate, der: Uint8Array, options: VerifyOptions): BeforeSignature {
  const at = options.at.getTime();
  const profile = profileOfOrganisationalUnits(leaf.subject.OU) ?? null;
  const allowed = options.profiles ?? ['cardAuthentication', 'phoneAuthentication'];
  if (profile === null || !allowed.includes(profile) || leaf.isCa) {
    return {
      refusal: refuse(
        'certificate.wrongProfile',
        'この用途に使えない証明書です',
        'the certificate is not of a kind accepted here',
      ),
    };
  }
  const issuer = options.trust.issuerOf(leaf);
  if (!issuer) {
    return {
      refusal: refuse(
        'certificate.unknownIssuer',
        '信頼された認証局が発行した証明書ではありません',
        'the certificate was not issued by a trusted authority',
      ),
    };
  }
  if (at < issuer.notBefore || at > issuer.notAfter) {
    return {
      refusal: refuse(
        'certificate.issuerNotValid',
        '発行認証局の証明書が有効期間外です',
        'the issuing CA is not valid at this time',
      ),
    };
  }
  return { refusal: null, issuer, profile, derived: derivedOf(leaf, der) };
}

/** What follows from a certificate's bytes alone, worked out once per parsed certificate. */
interface Derived {
  /** SHA-256 of the DER, hex. */
  fingerprint: string;
  /** The Japan date of notAfter, and the insurance-use grace's last day after it. */
  expiry: string;
  graceEnd: string;
}
const DERIVED = new WeakMap<ParsedCertificate, Derived>();

/**
 * `leaf`'s derived facts. `leaf` is the parse PARSED keeps for exactly the bytes `der` (so a card read again costs
 * no hash and no date arithmetic); a certificate parsed anew gets its own entry.
 */
function derivedOf(leaf: ParsedCertificate, der: Uint8Array): Derived {
  let derived = DERIVED.get(leaf);
  if (derived === undefined) {
    const expiry = tokyoDate(new Date(leaf.notAfter));
    derived = { fingerprint: createHash('sha256').update(der).digest('hex'), expiry, graceEnd: graceEndOf(expiry) };
    DERIVED.set(leaf, derived);
  }
  return derived;
}

/** Once the issuer's signature verified: revocation, validity and the insurance-use grace. */
function afterIssuerSignature(
  leaf: ParsedCertificate,
  options: VerifyOptions,
  profile: CertificateProfile,
  issuer: TrustedCa,
  derived: Derived,
): CertificateVerdict {
  const at = options.at.getTime();
  const serial = leaf.serial;
  const notAfter = leaf.notAfter;
  const { fingerprint, expiry, graceEnd } = derived;
  const details = {
    serial,
    profile,
    fingerprint,
    expiry,
    graceEnd,
    linkedCardSerial: profile === 'phoneAuthentication' ? (leaf.subject.serialNumber[0] ?? null) : null,
  };
  const crl = options.crls.find((c) => c.issuerFingerprint === issuer.fingerprint);
  if (!crl || (crl.nextUpdate !== undefined && crl.nextUpdate.getTime() < at)) {
    return withDetails(
      verdict(
        false,
        'certificate.revocationUnknown',
        '失効情報を確認できません',
        'no current revocation list for the issuing CA',
        BASIS_X509,
      ),
      details,
    );
  }
  const revokedAt = crl.revokedAt(serial);
  if (revokedAt && revokedAt.getTime() <= at) {
    return withDetails(
      verdict(false, 'certificate.revoked', '失効した証明書です', 'the certificate has been revoked', BASIS_X509),
      details,
    );
  }
  if (at < leaf.notBefore) {
    return withDetails(
      verdict(
        false,
        'certificate.notYetValid',
        '証明書の有効期間前です',
        'the certificate is not yet valid',
        BASIS_X509,
      ),
      details,
    );
  }
  if (at > notAfter) {
    const inGrace = tokyoDate(options.at) <= graceEnd;
    if (inGrace && options.purpose === 'insuranceUse') {
      return withDetails(
        verdict(
          true,
          'certificate.expiredInGrace',
          `電子証明書の有効期限(${expiry})が過ぎていますが、${graceEnd}まで保険証として利用できます`,
          `the certificate expired on ${expiry}; usable as a health insurance card until ${graceEnd}`,
          BASIS_GRACE,
        ),
        details,
      );
    }
    return withDetails(
      verdict(
        false,
        'certificate.expired',
        `電子証明書の有効期限(${expiry})が過ぎています`,
        `the certificate expired on ${expiry}`,
        inGrace ? BASIS_GRACE : BASIS_X509,
      ),
      details,
    );
  }
  return withDetails(
    verdict(true, 'certificate.ok', '有効な証明書です', 'the certificate is valid', BASIS_X509),
    details,
  );
}

/**
 * What was derived lately from the same bytes (a card is read again and again at the same clinics): keyed by the
 * bytes themselves, so a hit is exactly what they give; the oldest entry goes first when full.
 */
class ByBytes<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly max: number) {}

  get(bytes: Uint8Array, derive: (own: Uint8Array) => V): V {
    const id = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
    let value = this.entries.get(id);
    if (value === undefined) {
      // A copy of its own: what is kept never pins the caller's (possibly pooled) buffer.
      value = derive(new Uint8Array(bytes));
      if (this.entries.size >= this.max) {
        const oldest = this.entries.keys().next();
        if (oldest.done !== true) {
          this.entries.delete(oldest.value);
        }
      }
      this.entries.set(id, value);
    }
    return value;
  }
}

const RSA_KEYS = new ByBytes<KeyObject>(20_000);
const PARSED = new ByBytes<ParsedCertificate | undefined>(20_000);

/** The subject key of a parsed certificate (PKCS#1 import: ~20 µs, against ~300 µs for SPKI under OpenSSL 3). */
function rsaKey(certificate: ParsedCertificate): KeyObject {
  return rsaKeyOfDer(certificate.rsaPublicKey);
}

/** A PKCS#1 DER RSA public key imported once per distinct key. */
function rsaKeyOfDer(der: Uint8Array): KeyObject {
  return RSA_KEYS.get(der, importRsaKey);
}

function importRsaKey(der: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.from(der), format: 'der', type: 'pkcs1' });
}

/** A presented certificate parsed (the DER walk costs as much as the signature check; the parse is pure). */
function parsedCertificate(der: Uint8Array): ParsedCertificate | undefined {
  return PARSED.get(der, parseCertificate);
}

/** A challenge signed by a card or phone (PIN path), as the reader returns it. */
export interface ChallengeResponse {
  challenge: Uint8Array;
  signature: Uint8Array;
  certificate: Uint8Array;
}

/**
 * PIN path: the certificate verifies (as `verifyCertificate`) and the signature over the server's challenge is the
 * certificate key's (RSASSA-PKCS1-v1_5, SHA-256). Adds the code `signature.invalid`.
 */
export function verifyChallengeSignature(response: ChallengeResponse, options: VerifyOptions): CertificateVerdict {
  const checked = challengeCertificate(response, options);
  if (checked.leaf === null) {
    return checked.verdict;
  }
  let good = false;
  try {
    good = verifySignature('sha256', response.challenge, rsaKey(checked.leaf), response.signature);
  } catch {
    good = false;
  }
  return good ? checked.verdict : badChallengeSignature(checked.verdict);
}

/** The card checks' RSA verifications, batched to a thread of their own (decision 0172). */
const SIGNATURES = new SignatureBatches();

/**
 * As `verifyChallengeSignature`, with the RSA verifications off the event loop (decisions 0169, 0172): the checks of
 * one turn go to the verifier thread together, so the server's card check leaves the event loop free meanwhile. A
 * certificate not seen before (the usual case on a national server: a card comes back weeks later) has its
 * issuer's signature checked there too, in the same batch as the challenge's.
 */
export async function verifyChallengeSignatureOffThread(
  response: ChallengeResponse,
  options: VerifyOptions,
): Promise<CertificateVerdict> {
  const leaf = parsedCertificate(response.certificate);
  if (!leaf) {
    return malformed();
  }
  const before = beforeIssuerSignature(leaf, response.certificate, options);
  if (before.refusal !== null) {
    return before.refusal;
  }
  const { issuer, profile, derived } = before;
  const fingerprint = derived.fingerprint;
  const known = issuerSignatureKnown(options.trust, fingerprint);
  const issuerSigned = known
    ? true
    : SIGNATURES.verify({
        data: leaf.tbs,
        signature: leaf.signature,
        key: issuer.publicKeyPkcs1,
        importKey: rsaKeyOfDer,
      });
  const challengeSigned = SIGNATURES.verify({
    data: response.challenge,
    signature: response.signature,
    key: leaf.rsaPublicKey,
    importKey: rsaKeyOfDer,
  });
  if (!(await issuerSigned)) {
    return badCertificateSignature();
  }
  if (!known) {
    rememberIssuerSignature(options.trust, fingerprint);
  }
  const certificate = afterIssuerSignature(leaf, options, profile, issuer, derived);
  if (!certificate.ok) {
    return certificate;
  }
  return (await challengeSigned) ? certificate : badChallengeSignature(certificate);
}

/** The presented certificate parsed and verified (chain, validity, revocation): the leaf, or the refusal. */
function challengeCertificate(
  response: ChallengeResponse,
  options: VerifyOptions,
): { leaf: ParsedCertificate; verdict: CertificateVerdict } | { leaf: null; verdict: CertificateVerdict } {
  const leaf = parsedCertificate(response.certificate);
  if (!leaf) {
    return { leaf: null, verdict: malformed() };
  }
  const certificate = verifyParsed(leaf, response.certificate, options);
  return certificate.ok ? { leaf, verdict: certificate } : { leaf: null, verdict: certificate };
}

function badChallengeSignature(certificate: CertificateVerdict): CertificateVerdict {
  return withDetails(
    verdict(
      false,
      'signature.invalid',
      '署名が正しくありません',
      'the challenge signature does not verify',
      BASIS_X509,
    ),
    certificate,
  );
}

/** What the server expects of a face attestation. */
export interface FaceAttestationExpectation {
  /** The challenge the server issued for this read. */
  challenge: Uint8Array;
  /** The card certificate the reader sent with the attestation. */
  cardCertificate: Uint8Array;
  /** The institution the read is for; must be the reader's. */
  institutionCode: string;
  /** Greatest accepted difference between the attestation's time and `options.at` (default 5 minutes). */
  maxSkewMs?: number;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Face path: the reader certificate verifies (profile `reader`, no grace), the attestation is signed by it, names
 * this institution, this challenge and this card certificate, is recent, and reports a match; then the card
 * certificate itself verifies (as `verifyCertificate`, grace per `options.purpose`). Adds the codes
 * `attestation.readerInvalid`, `attestation.badSignature`, `attestation.mismatch`, `attestation.stale`,
 * `attestation.noMatch`.
 */
export function verifyFaceAttestation(
  attestation: SignedFaceAttestation,
  expected: FaceAttestationExpectation,
  options: VerifyOptions,
): CertificateVerdict {
  const basis = 'rules.md §6 step 1 (face auth at the reader); issue 5';
  const readerVerdict = verifyCertificate(attestation.readerCertificate, {
    at: options.at,
    trust: options.trust,
    crls: options.crls,
    purpose: 'authentication',
    profiles: ['reader'],
  });
  if (!readerVerdict.ok) {
    return refuse(
      'attestation.readerInvalid',
      `顔認証付きカードリーダーの証明書が無効です (${readerVerdict.code})`,
      `the reader certificate is not valid (${readerVerdict.code})`,
      basis,
    );
  }
  const reader = parsedCertificate(attestation.readerCertificate);
  if (!reader) {
    return malformed();
  }
  let good = false;
  try {
    good = verifySignature(
      'sha256',
      canonicalAttestationBytes(attestation.payload),
      rsaKey(reader),
      attestation.signature,
    );
  } catch {
    good = false;
  }
  if (!good) {
    return refuse(
      'attestation.badSignature',
      '顔認証結果の署名が正しくありません',
      'the attestation signature does not verify',
      basis,
    );
  }
  const p = attestation.payload;
  const readerId = reader.subject.CN[0] ?? '';
  const readerInstitution = reader.subject.serialNumber[0] ?? '';
  const consistent =
    sameText(p.readerId, readerId) &&
    sameText(p.institutionCode, readerInstitution) &&
    sameText(p.institutionCode, expected.institutionCode) &&
    sameText(p.challenge, toBase64Url(expected.challenge)) &&
    sameText(p.cardCertificateSha256, sha256Hex(expected.cardCertificate));
  if (!consistent) {
    return refuse(
      'attestation.mismatch',
      '顔認証結果が、この照会(医療機関・チャレンジ・カード)と一致しません',
      'the attestation does not match this read (institution, challenge or card)',
      basis,
    );
  }
  const attestedAt = Date.parse(p.at);
  if (!Number.isFinite(attestedAt) || Math.abs(attestedAt - options.at.getTime()) > (expected.maxSkewMs ?? 300_000)) {
    return refuse(
      'attestation.stale',
      '顔認証結果の時刻が古すぎます',
      'the attestation is too old or from the future',
      basis,
    );
  }
  if (p.result !== 'match') {
    return refuse(
      'attestation.noMatch',
      '顔認証が成立していません',
      `the reader did not match the face (${p.result})`,
      'rules.md §4 Face auth at reader [S23]',
    );
  }
  const card = verifyCertificate(expected.cardCertificate, options);
  if (card.ok && p.cardCertificateSerial !== '' && normaliseSerial(p.cardCertificateSerial) !== card.serial) {
    return refuse(
      'attestation.mismatch',
      '証明書のシリアル番号が一致しません',
      'the certificate serial does not match',
      basis,
    );
  }
  return card;
}
