/**
 * The simulated card authority (J-LIS, glossary `cardAuthority`): a root CA and an issuing CA that issue real
 * X.509 certificates (RSA-2048, SHA-256) for cards, phones and readers, sign CRLs, and personalise chips through
 * the chip's issuer APDUs. Pure cryptography: no database and no clock (every operation takes its instant). Its
 * state is PEM/PKCS#8 so a server can persist it. See docs/decisions/0031-card-authority-x509.md.
 */
import 'reflect-metadata';
import { createHmac, randomBytes } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { ChipAdministrator, VirtualChip, encodeFaceTemplate } from '@onshi/card';
import type { CardImage, CardInfo, FaceVector, KeySlot, PhonePlatform } from '@onshi/card';
import type { CardKind, PinCredential } from '@onshi/core';
import { AuthorityError } from './errors.js';
import { PROFILE_OU, SUBJECT_SERIAL_NUMBER } from './profiles.js';
import type { CertificateProfile } from './profiles.js';

x509.cryptoProvider.set(globalThis.crypto);

const RSA_SHA256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
const RSA_KEYGEN = { ...RSA_SHA256, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) };

/** The persistent state of an authority: PEM certificates, PKCS#8 PEM keys, the card administration master key. */
export interface AuthorityState {
  format: 'onshi-card-authority/1';
  root: { certificatePem: string; privateKeyPem: string };
  issuing: { certificatePem: string; privateKeyPem: string };
  /** Base64; per-card administration keys are derived from it (`adminKeyFor`). */
  adminMasterKey: string;
}

/** One certificate the authority issued. */
export interface IssuedCertificate {
  der: Uint8Array;
  /** Uppercase hex, no leading zeros (the form `verifyCertificate` reports). */
  serial: string;
  notBefore: Date;
  notAfter: Date;
}

/** What a certificate request carries besides the public key. */
export interface CertificateRequest {
  profile: CertificateProfile;
  /** SubjectPublicKeyInfo DER (from the chip's GENERATE KEY, or a reader's key). */
  publicKeySpki: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  /** `reader`: the reader's id (letters, digits, '-', '_', '.'). */
  readerId?: string;
  /** `reader`: the institution's 医療機関コード (10 digits). */
  institutionCode?: string;
  /** `phoneAuthentication`: serial of the physical card's 利用者証明用 certificate the phone certificate comes from. */
  linkedCardSerial?: string;
}

/** A revoked certificate, as the CRL lists it (失効). */
export interface RevocationEntry {
  serial: string;
  revokedAt: Date;
  reason?: 'unspecified' | 'keyCompromise' | 'superseded' | 'cessationOfOperation' | 'certificateHold';
}

/** What the authority writes on a new card. */
export interface CardIssueRequest {
  kind: CardKind;
  platform?: PhonePlatform;
  pins?: { authentication?: string; signing?: string; cardInfo?: string };
  cardInfo?: CardInfo;
  faceTemplate?: FaceVector;
  /** Validity of the 電子証明書 (the rules engine computes the expiry: `certificateExpiry` in @onshi/core). */
  notBefore: Date;
  notAfter: Date;
  /** For a smartphone: the physical card's 利用者証明用 certificate serial. */
  linkedCardSerial?: string;
}

/** A personalised card: its image (the physical card) and its certificates. */
export interface IssuedCard {
  image: CardImage;
  cardId: string;
  authCertificate: IssuedCertificate;
  signingCertificate: IssuedCertificate | null;
}

interface KeyedCertificate {
  certificate: x509.X509Certificate;
  privateKey: CryptoKey;
  der: Uint8Array;
}

/** The end of the 電子証明書 day in Japan: 23:59:59 JST of an ISO date (validity is to the end of that day). */
export function endOfTokyoDay(date: string): Date {
  return new Date(`${date}T23:59:59+09:00`);
}

/** Start of a day in Japan: 00:00:00 JST of an ISO date. */
export function startOfTokyoDay(date: string): Date {
  return new Date(`${date}T00:00:00+09:00`);
}

function newSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 1) & 0x7f) | 0x01;
  return bytes.toString('hex');
}

function normaliseSerial(hex: string): string {
  return hex.toUpperCase().replace(/^0+(?=.)/, '');
}

function pem(tag: 'CERTIFICATE' | 'PRIVATE KEY', der: ArrayBuffer | Uint8Array): string {
  return x509.PemConverter.encode(Uint8Array.from(new Uint8Array(der)).buffer, tag);
}

function invalid(code: string, ja: string, en: string): AuthorityError {
  return new AuthorityError(code, { ja, en });
}

async function importKey(pkcs8Pem: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decodeFirst(pkcs8Pem);
  return crypto.subtle.importKey('pkcs8', der, RSA_SHA256, true, ['sign']);
}

async function generateKeys(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(RSA_KEYGEN, true, ['sign', 'verify']);
}

/** The simulated J-LIS certificate authority. */
export class CardAuthority {
  private constructor(
    private readonly root: KeyedCertificate,
    private readonly issuing: KeyedCertificate,
    private readonly adminMasterKey: Uint8Array,
  ) {}

  /** A new authority: root valid 20 years and issuing CA 10 years from `at`. */
  static async create(at: Date, name = 'Onshi JPKI'): Promise<CardAuthority> {
    if (!/^[A-Za-z0-9 .-]+$/.test(name)) {
      throw invalid(
        'authority.nameInvalid',
        '認証局名に使えない文字があります',
        'the authority name has characters not allowed',
      );
    }
    const years = (n: number): Date => new Date(Date.UTC(at.getUTCFullYear() + n, at.getUTCMonth(), at.getUTCDate()));
    const rootKeys = await generateKeys();
    const rootCert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: newSerial(),
      name: `C=JP, O=${name}, CN=${name} Root CA`,
      keys: rootKeys,
      notBefore: at,
      notAfter: years(20),
      signingAlgorithm: RSA_SHA256,
      extensions: [
        new x509.BasicConstraintsExtension(true, 1, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey),
      ],
    });
    const issuingKeys = await generateKeys();
    const issuingCert = await x509.X509CertificateGenerator.create({
      serialNumber: newSerial(),
      subject: `C=JP, O=${name}, CN=${name} Issuing CA`,
      issuer: rootCert.subject,
      publicKey: issuingKeys.publicKey,
      signingKey: rootKeys.privateKey,
      notBefore: at,
      notAfter: years(10),
      signingAlgorithm: RSA_SHA256,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(issuingKeys.publicKey),
        await x509.AuthorityKeyIdentifierExtension.create(rootKeys.publicKey),
      ],
    });
    return new CardAuthority(
      { certificate: rootCert, privateKey: rootKeys.privateKey, der: new Uint8Array(rootCert.rawData) },
      { certificate: issuingCert, privateKey: issuingKeys.privateKey, der: new Uint8Array(issuingCert.rawData) },
      new Uint8Array(randomBytes(32)),
    );
  }

  /** Restores an authority from `exportState()`. Throws `AuthorityError` on a malformed state. */
  static async load(state: AuthorityState): Promise<CardAuthority> {
    try {
      const root = new x509.X509Certificate(state.root.certificatePem);
      const issuing = new x509.X509Certificate(state.issuing.certificatePem);
      return new CardAuthority(
        { certificate: root, privateKey: await importKey(state.root.privateKeyPem), der: new Uint8Array(root.rawData) },
        {
          certificate: issuing,
          privateKey: await importKey(state.issuing.privateKeyPem),
          der: new Uint8Array(issuing.rawData),
        },
        new Uint8Array(Buffer.from(state.adminMasterKey, 'base64')),
      );
    } catch {
      throw invalid('authority.stateInvalid', '認証局の状態が読み取れません', 'the authority state is malformed');
    }
  }

  /** The state to persist (keep it secret: it holds the CA private keys and the card administration master key). */
  async exportState(): Promise<AuthorityState> {
    const key = async (k: CryptoKey): Promise<string> => pem('PRIVATE KEY', await crypto.subtle.exportKey('pkcs8', k));
    return {
      format: 'onshi-card-authority/1',
      root: { certificatePem: pem('CERTIFICATE', this.root.der), privateKeyPem: await key(this.root.privateKey) },
      issuing: {
        certificatePem: pem('CERTIFICATE', this.issuing.der),
        privateKeyPem: await key(this.issuing.privateKey),
      },
      adminMasterKey: Buffer.from(this.adminMasterKey).toString('base64'),
    };
  }

  /** The root certificate (DER): the trust anchor verifiers configure. */
  get rootCertificate(): Uint8Array {
    return this.root.der;
  }

  /** The issuing CA certificate (DER), written to cards next to their certificates. */
  get issuingCertificate(): Uint8Array {
    return this.issuing.der;
  }

  /** The administration key of one card: HMAC-SHA-256(master key, card id). Never leaves the authority. */
  adminKeyFor(cardId: string): Uint8Array {
    return new Uint8Array(createHmac('sha256', this.adminMasterKey).update(`onshi-card-admin:${cardId}`).digest());
  }

  /** Issues one end-entity certificate for a public key. */
  async issueCertificate(request: CertificateRequest): Promise<IssuedCertificate> {
    if (request.notAfter.getTime() <= request.notBefore.getTime()) {
      throw invalid('certificate.validityInvalid', '有効期間が正しくありません', 'notAfter must be after notBefore');
    }
    const serial = newSerial();
    const ou = PROFILE_OU[request.profile];
    let subject = `C=JP, O=JPKI, OU=${ou}, CN=${normaliseSerial(serial)}`;
    const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(false, undefined, true)];
    switch (request.profile) {
      case 'cardAuthentication':
      case 'phoneAuthentication':
      case 'reader':
        extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true));
        break;
      case 'cardSigning':
        extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.nonRepudiation, true));
        break;
    }
    if (request.profile === 'reader') {
      const { readerId, institutionCode } = request;
      if (readerId === undefined || !/^[A-Za-z0-9._-]{1,64}$/.test(readerId)) {
        throw invalid(
          'certificate.readerIdInvalid',
          'リーダーIDが正しくありません',
          'the reader id is missing or invalid',
        );
      }
      if (institutionCode === undefined || !/^[0-9]{10}$/.test(institutionCode)) {
        throw invalid(
          'certificate.institutionCodeInvalid',
          '医療機関コードは10桁の数字です',
          'the institution code must be 10 digits',
        );
      }
      subject = `C=JP, O=Onshi, OU=${ou}, ${SUBJECT_SERIAL_NUMBER}=${institutionCode}, CN=${readerId}`;
    }
    if (request.profile === 'phoneAuthentication') {
      if (request.linkedCardSerial === undefined || !/^[0-9A-Fa-f]{1,40}$/.test(request.linkedCardSerial)) {
        throw invalid(
          'certificate.linkedCardRequired',
          'スマホ用電子証明書には元のカードの証明書シリアル番号が必要です',
          'a phone certificate needs the serial of the physical card certificate it comes from',
        );
      }
      subject = `C=JP, O=JPKI, OU=${ou}, ${SUBJECT_SERIAL_NUMBER}=${normaliseSerial(request.linkedCardSerial)}, CN=${normaliseSerial(serial)}`;
    }
    const publicKey = new x509.PublicKey(Uint8Array.from(request.publicKeySpki));
    extensions.push(await x509.SubjectKeyIdentifierExtension.create(publicKey));
    extensions.push(await x509.AuthorityKeyIdentifierExtension.create(this.issuing.certificate));
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial,
      subject,
      issuer: this.issuing.certificate.subject,
      publicKey,
      signingKey: this.issuing.privateKey,
      notBefore: request.notBefore,
      notAfter: request.notAfter,
      signingAlgorithm: RSA_SHA256,
      extensions,
    });
    return {
      der: new Uint8Array(cert.rawData),
      serial: normaliseSerial(serial),
      notBefore: cert.notBefore,
      notAfter: cert.notAfter,
    };
  }

  /**
   * A CRL (失効リスト) signed by the issuing CA — or by the root, listing revoked issuing CAs. `crlNumber` must grow
   * with every CRL the caller publishes (RFC 5280 §5.2.3).
   */
  async createCrl(input: {
    entries: readonly RevocationEntry[];
    thisUpdate: Date;
    nextUpdate: Date;
    crlNumber: number;
    signer?: 'issuing' | 'root';
  }): Promise<Uint8Array> {
    const ca = input.signer === 'root' ? this.root : this.issuing;
    const crl = await x509.X509CrlGenerator.create({
      issuer: ca.certificate.subject,
      thisUpdate: input.thisUpdate,
      nextUpdate: input.nextUpdate,
      signingKey: ca.privateKey,
      signingAlgorithm: RSA_SHA256,
      extensions: [
        await x509.AuthorityKeyIdentifierExtension.create(ca.certificate),
        new x509.Extension('2.5.29.20', false, integerDer(input.crlNumber)),
      ],
      entries: input.entries.map((e) => ({
        serialNumber: e.serial.toLowerCase(),
        revocationDate: e.revokedAt,
        reason: x509.X509CrlReason[e.reason ?? 'unspecified'],
      })),
    });
    return new Uint8Array(crl.rawData);
  }

  /**
   * Issues a card: the chip is manufactured with the holder's PINs, generates its keys inside, and receives the
   * certificates the authority signs for them (利用者証明用 always; 署名用 on a standard card).
   */
  async issueCard(request: CardIssueRequest): Promise<IssuedCard> {
    const cardIdSeed = randomBytes(8).toString('hex').toUpperCase();
    const adminKey = this.adminKeyFor(cardIdSeed);
    const chip = VirtualChip.manufacture({
      kind: request.kind,
      ...(request.platform ? { platform: request.platform } : {}),
      adminKey,
      ...(request.pins ? { pins: request.pins } : {}),
      ...(request.cardInfo ? { cardInfo: request.cardInfo } : {}),
      ...(request.faceTemplate ? { faceTemplate: encodeFaceTemplate(request.faceTemplate) } : {}),
      cardId: cardIdSeed,
    });
    const admin = new ChipAdministrator(chip, adminKey);
    const authCertificate = await this.issueForSlot(admin, 'authentication', request);
    const signingCertificate = request.kind === 'standard' ? await this.issueForSlot(admin, 'signing', request) : null;
    return { image: chip.exportImage(), cardId: chip.cardId, authCertificate, signingCertificate };
  }

  /** Renews a card's certificate (電子証明書の更新): a new key inside the chip and a new certificate. */
  async renewCertificate(
    image: CardImage,
    slot: KeySlot,
    validity: { notBefore: Date; notAfter: Date; linkedCardSerial?: string },
  ): Promise<{ image: CardImage; certificate: IssuedCertificate }> {
    const chip = VirtualChip.fromImage(image);
    const admin = new ChipAdministrator(chip, this.adminKeyFor(chip.cardId));
    const certificate = await this.issueForSlot(admin, slot, {
      kind: chip.kind,
      ...validity,
    });
    return { image: chip.exportImage(), certificate };
  }

  /** PIN reset at the municipal office (rules.md §4 Reset): unlocks the counter and sets the new PIN. */
  resetPin(image: CardImage, credential: PinCredential, newPin: string): CardImage {
    const chip = VirtualChip.fromImage(image);
    new ChipAdministrator(chip, this.adminKeyFor(chip.cardId)).resetPin(credential, newPin);
    return chip.exportImage();
  }

  /** Lifts a face-matching lock (10 consecutive failures, rules.md §4). */
  resetFaceCounter(image: CardImage): CardImage {
    const chip = VirtualChip.fromImage(image);
    new ChipAdministrator(chip, this.adminKeyFor(chip.cardId)).resetFaceCounter();
    return chip.exportImage();
  }

  private async issueForSlot(
    admin: ChipAdministrator,
    slot: KeySlot,
    request: Pick<CardIssueRequest, 'kind' | 'notBefore' | 'notAfter' | 'linkedCardSerial'>,
  ): Promise<IssuedCertificate> {
    const spki = admin.generateKey(slot);
    const profile: CertificateProfile =
      slot === 'signing' ? 'cardSigning' : request.kind === 'smartphone' ? 'phoneAuthentication' : 'cardAuthentication';
    const issued = await this.issueCertificate({
      profile,
      publicKeySpki: spki,
      notBefore: request.notBefore,
      notAfter: request.notAfter,
      ...(request.linkedCardSerial !== undefined ? { linkedCardSerial: request.linkedCardSerial } : {}),
    });
    admin.writeCertificate(slot, issued.der, this.issuing.der);
    return issued;
  }
}

function integerDer(value: number): Uint8Array<ArrayBuffer> {
  const bytes: number[] = [];
  let v = Math.max(0, Math.floor(value));
  do {
    bytes.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  if ((bytes[0] ?? 0) & 0x80) {
    bytes.unshift(0);
  }
  return Uint8Array.from([0x02, bytes.length, ...bytes]);
}
