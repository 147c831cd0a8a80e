/**
 * The card reader (顔認証付きカードリーダー) as the clinic's counter sees it: it drives a card only through
 * APDUs, so the same code could drive a real card. PIN path: read the 利用者証明用 certificate, VERIFY the PIN,
 * have the chip sign the server's challenge. Face path: read the certificate, match the face against the card's
 * template, and sign a face-match attestation with the reader's own key. Results are Verdicts (CONTRIBUTING).
 */
import { X509Certificate, createHash, createPrivateKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { PIN_POLICY, isWellFormedPin, verdict } from '@onshi/core';
import type { PinCredential, Verdict } from '@onshi/core';
import { SW, decodeResponse, encodeCommand, formatSw, isVerifyFailed } from './apdu.js';
import type { ResponseApdu } from './apdu.js';
import { sha256Hex, signFaceAttestation, toBase64Url } from './attestation.js';
import type { FaceAttestationPayload, FaceMatchResult, SignedFaceAttestation } from './attestation.js';
import type { ApduTransport, CardInfo } from './chip.js';
import { FACE_MATCH_THRESHOLD, cosineSimilarity, decodeFaceTemplate } from './face.js';
import type { Camera, FaceVector } from './face.js';
import { CARD_FACE_AID, CARD_FACE_EF, CARD_INFO_AID, CARD_INFO_EF, JPKI_AID, JPKI_EF } from './ids.js';
import { decodeTlvs } from './tlv.js';

const BASIS_PIN = 'rules.md §4 PIN [S22]; ISO/IEC 7816-4 VERIFY';
const BASIS_FACE = 'rules.md §4 Face auth at reader [S23]';
const BASIS_CARD = 'ISO/IEC 7816-4; oqs-interface.md §9';

/** DER prefix of a SHA-256 DigestInfo (RFC 8017 §9.2 note 1). */
const SHA256_DIGEST_INFO_PREFIX = Uint8Array.from([
  0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
]);

/** The DigestInfo the JPKI card signs for `message` (SHA-256), as COMPUTE DIGITAL SIGNATURE's data field. */
export function sha256DigestInfo(message: Uint8Array): Uint8Array {
  const digest = createHash('sha256').update(message).digest();
  const out = new Uint8Array(SHA256_DIGEST_INFO_PREFIX.length + digest.length);
  out.set(SHA256_DIGEST_INFO_PREFIX);
  out.set(digest, SHA256_DIGEST_INFO_PREFIX.length);
  return out;
}

/** Bytes read first from a file to learn its length from the BER header (tag, length octets). */
const HEADER_READ = 8;

/** The state of a PIN after a VERIFY (or a query). */
export interface PinStatus extends Verdict {
  /** Tries left (0 when locked); `null` when the card has no such PIN. */
  remainingTries: number | null;
  locked: boolean;
}

/** A challenge signed by the card (PIN path) or by the phone (smartphone path), with its certificate. */
export type SignedChallenge =
  | (Verdict & { ok: true; signature: Uint8Array; certificate: Uint8Array })
  | (Verdict & { ok: false; remainingTries: number | null });

/** A read that returns a value or a refusal. */
export type ReadResult<T> = (Verdict & { ok: true; value: T }) | (Verdict & { ok: false });

/** The outcome of the face path: the verdict, and the signed attestation for the server (also on failure). */
export interface FaceAuthentication extends Verdict {
  result: FaceMatchResult | 'unavailable';
  /** Consecutive failures still allowed before face matching locks. */
  remainingTries: number | null;
  /** Present whenever the card's certificate could be read. */
  attestation: SignedFaceAttestation | null;
}

/** Who a reader is: its id, its institution and its device key + certificate issued by the card authority. */
export interface ReaderIdentity {
  readerId: string;
  /** 医療機関コード (10 digits). */
  institutionCode: string;
  /** PKCS#8 DER of the reader's RSA private key. */
  privateKeyPkcs8: Uint8Array;
  /** The reader certificate (DER). */
  certificateDer: Uint8Array;
}

/** What the face path needs: the person in front of the camera, the camera, the server's challenge and the time. */
export interface FaceCheck {
  subject: FaceVector;
  camera: Camera;
  challenge: Uint8Array;
  at: Date;
}

/** A verdict that lets the caller go on. */
function accepted(code: string, ja: string, en: string, basis: string): Verdict & { ok: true } {
  return { ...verdict(true, code, ja, en, basis), ok: true };
}

/** A verdict that refuses. */
function refused(code: string, ja: string, en: string, basis: string): Verdict & { ok: false } {
  return { ...verdict(false, code, ja, en, basis), ok: false };
}

function pinFile(credential: PinCredential): { aid: Uint8Array; ef: number } {
  switch (credential) {
    case 'authentication':
    case 'smartphoneAuthentication':
      return { aid: JPKI_AID, ef: JPKI_EF.authPin };
    case 'signing':
      return { aid: JPKI_AID, ef: JPKI_EF.signingPin };
    case 'cardInfo':
      return { aid: CARD_INFO_AID, ef: CARD_INFO_EF.pin };
  }
}

function cardError(step: string, sw: number): Verdict & { ok: false } {
  return refused(
    'card.error',
    `カードの読み取りに失敗しました (${step}: ${formatSw(sw)})`,
    `the card could not be read (${step}: ${formatSw(sw)})`,
    BASIS_CARD,
  );
}

/** A card reader at an institution's counter. Stateless between cards; safe to reuse. */
export class CardReader {
  private readonly key: KeyObject;

  constructor(
    readonly identity: ReaderIdentity,
    private readonly faceThreshold = FACE_MATCH_THRESHOLD,
  ) {
    this.key = createPrivateKey({ key: Buffer.from(identity.privateKeyPkcs8), format: 'der', type: 'pkcs8' });
  }

  private send(card: ApduTransport, cla: number, ins: number, p1: number, p2: number, data: Uint8Array, ne = 0) {
    const response = decodeResponse(card.transmit(encodeCommand({ cla, ins, p1, p2, data, ne })));
    return response ?? { data: new Uint8Array(0), sw: SW.wrongLength };
  }

  private selectAp(card: ApduTransport, aid: Uint8Array): ResponseApdu {
    return this.send(card, 0x00, 0xa4, 0x04, 0x0c, aid);
  }

  private selectEf(card: ApduTransport, ef: number): ResponseApdu {
    return this.send(card, 0x00, 0xa4, 0x02, 0x0c, Uint8Array.from([(ef >> 8) & 0xff, ef & 0xff]));
  }

  /** Reads the whole current EF: its first bytes (BER header) first, then the rest in one extended READ BINARY. */
  private readWholeEf(card: ApduTransport): { data: Uint8Array; sw: number } {
    const head = this.send(card, 0x00, 0xb0, 0x00, 0x00, new Uint8Array(0), HEADER_READ);
    if (head.sw !== SW.ok && head.sw !== SW.endOfFile) {
      return head;
    }
    const total = berTotalLength(head.data);
    if (total === undefined) {
      return { data: new Uint8Array(0), sw: SW.wrongData };
    }
    if (total <= head.data.length) {
      return { data: head.data.slice(0, total), sw: SW.ok };
    }
    const got = head.data.length;
    const rest = this.send(card, 0x00, 0xb0, (got >> 8) & 0x7f, got & 0xff, new Uint8Array(0), total - got);
    if (rest.sw !== SW.ok) {
      return rest;
    }
    const out = new Uint8Array(total);
    out.set(head.data);
    out.set(rest.data, got);
    return { data: out, sw: SW.ok };
  }

  /** Reads the 利用者証明用 certificate (no PIN needed). */
  readAuthCertificate(card: ApduTransport): ReadResult<Uint8Array> {
    let r = this.selectAp(card, JPKI_AID);
    if (r.sw !== SW.ok) {
      return cardError('SELECT JPKI', r.sw);
    }
    r = this.selectEf(card, JPKI_EF.authCertificate);
    if (r.sw !== SW.ok) {
      return cardError('SELECT EF 000A', r.sw);
    }
    const read = this.readWholeEf(card);
    if (read.sw !== SW.ok || read.data.length === 0) {
      return cardError('READ BINARY 000A', read.sw);
    }
    return {
      ...accepted('card.certificateRead', '証明書を読み取りました', 'certificate read', BASIS_CARD),
      value: read.data,
    };
  }

  private pinStatusFrom(credential: PinCredential, sw: number): PinStatus {
    const max = PIN_POLICY[credential].maxTries;
    if (sw === SW.ok) {
      return {
        ...accepted('pin.ok', '暗証番号を確認しました', 'PIN verified', BASIS_PIN),
        remainingTries: max,
        locked: false,
      };
    }
    if (sw === SW.authenticationBlocked || sw === SW.verifyFailedBase) {
      return {
        ...refused(
          'pin.locked',
          '暗証番号がロックされています。市区町村の窓口で初期化してください',
          'the PIN is locked; it must be reset at the municipal office',
          BASIS_PIN,
        ),
        remainingTries: 0,
        locked: true,
      };
    }
    if (isVerifyFailed(sw)) {
      const left = sw & 0x0f;
      return {
        ...refused('pin.wrong', `暗証番号が違います (残り${left}回)`, `wrong PIN (${left} tries left)`, BASIS_PIN),
        remainingTries: left,
        locked: false,
      };
    }
    if (sw === SW.referenceDataNotUsable) {
      return {
        ...refused(
          'pin.notSet',
          'このカードには暗証番号がありません (顔認証マイナンバーカード等)',
          'this card has no PIN (face-only card or iPhone)',
          'rules.md §4 顔認証マイナンバーカード [S24]',
        ),
        remainingTries: null,
        locked: false,
      };
    }
    return { ...cardError('VERIFY', sw), remainingTries: null, locked: false };
  }

  private selectPin(card: ApduTransport, credential: PinCredential): number {
    const { aid, ef } = pinFile(credential);
    const r = this.selectAp(card, aid);
    if (r.sw !== SW.ok) {
      return r.sw;
    }
    return this.selectEf(card, ef).sw;
  }

  /** Tries left for a PIN without spending one (VERIFY with no data). */
  pinStatus(card: ApduTransport, credential: PinCredential): PinStatus {
    const sw = this.selectPin(card, credential);
    if (sw !== SW.ok) {
      return { ...cardError('SELECT PIN', sw), remainingTries: null, locked: false };
    }
    const status = this.pinStatusFrom(credential, this.send(card, 0x00, 0x20, 0x00, 0x80, new Uint8Array(0)).sw);
    if (status.code === 'pin.wrong') {
      const left = status.remainingTries ?? 0;
      return {
        ...accepted('pin.remaining', `残り${left}回`, `${left} tries left`, BASIS_PIN),
        remainingTries: left,
        locked: false,
      };
    }
    return status;
  }

  /** VERIFY of a PIN. A malformed PIN is refused here, without spending a try on the card. */
  verifyPin(card: ApduTransport, credential: PinCredential, pin: string): PinStatus {
    if (!isWellFormedPin(credential, pin)) {
      return {
        ...refused(
          'pin.malformed',
          '暗証番号の形式が正しくありません',
          'the PIN does not have the required form',
          PIN_POLICY[credential].basis,
        ),
        remainingTries: null,
        locked: false,
      };
    }
    const sw = this.selectPin(card, credential);
    if (sw !== SW.ok) {
      return { ...cardError('SELECT PIN', sw), remainingTries: null, locked: false };
    }
    const r = this.send(card, 0x00, 0x20, 0x00, 0x80, new TextEncoder().encode(pin));
    return this.pinStatusFrom(credential, r.sw);
  }

  /**
   * PIN path: reads the 利用者証明用 certificate, VERIFYs the PIN (if given) and has the chip sign the server's
   * challenge (SHA-256 DigestInfo, RSASSA-PKCS1-v1_5). Without a PIN only an iPhone whose holder unlocked it with
   * biometrics can sign; any other card answers `signature.pinRequired`.
   */
  signChallenge(card: ApduTransport, challenge: Uint8Array, pin?: string): SignedChallenge {
    const certificate = this.readAuthCertificate(card);
    if (!certificate.ok) {
      return { ...certificate, remainingTries: null };
    }
    const credential: PinCredential = 'authentication';
    if (pin !== undefined) {
      const status = this.verifyPin(card, credential, pin);
      if (!status.ok) {
        return { ...status, ok: false };
      }
    }
    let r = this.selectAp(card, JPKI_AID);
    if (r.sw === SW.ok) {
      r = this.selectEf(card, JPKI_EF.authKey);
    }
    if (r.sw !== SW.ok) {
      return { ...cardError('SELECT EF 0017', r.sw), remainingTries: null };
    }
    r = this.send(card, 0x80, 0x2a, 0x00, 0x80, sha256DigestInfo(challenge), 256);
    if (r.sw === SW.ok) {
      return {
        ...accepted('signature.ok', '署名しました', 'challenge signed', BASIS_CARD),
        signature: r.data,
        certificate: certificate.value,
      };
    }
    if (r.sw === SW.securityNotSatisfied) {
      return {
        ...refused(
          'signature.pinRequired',
          '暗証番号の確認が必要です',
          'the PIN must be verified before the card signs',
          BASIS_PIN,
        ),
        remainingTries: null,
      };
    }
    if (r.sw === SW.authenticationBlocked) {
      return { ...this.pinStatusFrom(credential, r.sw), ok: false };
    }
    return { ...cardError('COMPUTE DIGITAL SIGNATURE', r.sw), remainingTries: null };
  }

  /** Reads 券面4情報 after the 券面事項入力補助用 PIN. */
  readCardInfo(card: ApduTransport, pin: string): ReadResult<CardInfo> | PinStatus {
    const status = this.verifyPin(card, 'cardInfo', pin);
    if (!status.ok) {
      return status;
    }
    const r = this.selectEf(card, CARD_INFO_EF.basicFour);
    if (r.sw !== SW.ok) {
      return cardError('SELECT EF 0002', r.sw);
    }
    const read = this.readWholeEf(card);
    const info = read.sw === SW.ok ? decodeCardInfo(read.data) : undefined;
    if (info === undefined) {
      return cardError('READ BINARY 0002', read.sw);
    }
    return {
      ...accepted('card.infoRead', '券面事項を読み取りました', 'card information read', BASIS_CARD),
      value: info,
    };
  }

  /**
   * Face path (rules.md §4, §6 step 1): reads the certificate without a PIN, checks the card's face counter,
   * captures the face, compares it with the card's template, records the outcome on the chip (10 consecutive
   * failures lock) and signs an attestation of the result for the server.
   */
  authenticateFace(card: ApduTransport, check: FaceCheck): FaceAuthentication {
    const certificate = this.readAuthCertificate(card);
    if (!certificate.ok) {
      return { ...certificate, result: 'unavailable', remainingTries: null, attestation: null };
    }
    const attest = (result: FaceMatchResult, similarity: number): SignedFaceAttestation =>
      this.attest(certificate.value, check, result, similarity);
    let r = this.selectAp(card, CARD_FACE_AID);
    if (r.sw !== SW.ok) {
      return {
        ...refused(
          'face.unavailable',
          'このカードは顔認証に対応していません',
          'this card has no face data',
          BASIS_FACE,
        ),
        result: 'unavailable',
        remainingTries: null,
        attestation: null,
      };
    }
    r = this.send(card, 0x80, 0x20, 0x00, 0x81, new Uint8Array(0));
    if (r.sw === SW.authenticationBlocked) {
      return this.faceLocked(attest('locked', 0));
    }
    if (!isVerifyFailed(r.sw)) {
      return { ...cardError('FACE STATUS', r.sw), result: 'unavailable', remainingTries: null, attestation: null };
    }
    r = this.selectEf(card, CARD_FACE_EF.entries);
    const read = r.sw === SW.ok ? this.readWholeEf(card) : r;
    const template = read.sw === SW.ok ? decodeFaceEntries(read.data) : undefined;
    if (template === undefined) {
      return {
        ...cardError('READ BINARY 0002', read.sw),
        result: 'unavailable',
        remainingTries: null,
        attestation: null,
      };
    }
    const similarity = cosineSimilarity(check.camera.capture(check.subject), template);
    const matched = similarity >= this.faceThreshold;
    r = this.send(card, 0x80, 0x20, 0x00, 0x81, Uint8Array.from([matched ? 0x01 : 0x00]));
    if (matched && r.sw === SW.ok) {
      return {
        ...accepted('face.match', '顔認証に成功しました', 'face matched', BASIS_FACE),
        result: 'match',
        remainingTries: null,
        attestation: attest('match', similarity),
      };
    }
    if (isVerifyFailed(r.sw) && (r.sw & 0x0f) > 0) {
      const left = r.sw & 0x0f;
      return {
        ...refused(
          'face.noMatch',
          `顔認証できませんでした (残り${left}回)`,
          `the face did not match (${left} tries left)`,
          BASIS_FACE,
        ),
        result: 'noMatch',
        remainingTries: left,
        attestation: attest('noMatch', similarity),
      };
    }
    if (r.sw === SW.verifyFailedBase || r.sw === SW.authenticationBlocked) {
      return this.faceLocked(attest('noMatch', similarity));
    }
    return { ...cardError('FACE RESULT', r.sw), result: 'unavailable', remainingTries: null, attestation: null };
  }

  private faceLocked(attestation: SignedFaceAttestation): FaceAuthentication {
    return {
      ...refused(
        'face.locked',
        '顔認証がロックされています。暗証番号または目視確認をご利用ください',
        'face matching is locked for this card; use the PIN or a visual check',
        BASIS_FACE,
      ),
      result: attestation.payload.result,
      remainingTries: 0,
      attestation,
    };
  }

  private attest(
    certificateDer: Uint8Array,
    check: FaceCheck,
    result: FaceMatchResult,
    similarity: number,
  ): SignedFaceAttestation {
    const payload: FaceAttestationPayload = {
      type: 'onshi.faceAttestation',
      version: 1,
      readerId: this.identity.readerId,
      institutionCode: this.identity.institutionCode,
      challenge: toBase64Url(check.challenge),
      cardCertificateSha256: sha256Hex(certificateDer),
      cardCertificateSerial: certificateSerial(certificateDer),
      result,
      similarityPermille: Math.max(0, Math.min(1000, Math.round(similarity * 1000))),
      at: check.at.toISOString(),
    };
    return signFaceAttestation(payload, this.key, this.identity.certificateDer);
  }
}

/** Serial number of a certificate as uppercase hex, or '' if it does not parse. */
export function certificateSerial(der: Uint8Array): string {
  try {
    return new X509Certificate(der).serialNumber.toUpperCase();
  } catch {
    return '';
  }
}

/** Total length of the BER object whose first bytes are `head` (tag + length + value). */
function berTotalLength(head: Uint8Array): number | undefined {
  const tagLength = ((head[0] ?? 0) & 0x1f) === 0x1f ? 2 : 1;
  const lenByte = head[tagLength];
  if (lenByte === undefined) {
    return undefined;
  }
  if (lenByte < 0x80) {
    return tagLength + 1 + lenByte;
  }
  const count = lenByte & 0x7f;
  if (count > 3 || head.length < tagLength + 1 + count) {
    return undefined;
  }
  let length = 0;
  for (let i = 0; i < count; i += 1) {
    length = length * 256 + (head[tagLength + 1 + i] ?? 0);
  }
  return tagLength + 1 + count + length;
}

/** Decodes FF20 { DF22 name, DF23 address, DF24 YYYYMMDD, DF25 sex }. */
export function decodeCardInfo(bytes: Uint8Array): CardInfo | undefined {
  const outer = decodeTlvs(bytes)?.[0];
  if (outer?.tag !== 0xff20) {
    return undefined;
  }
  const inner = decodeTlvs(outer.value);
  const text = (tag: number): string | undefined => {
    const found = inner?.find((t) => t.tag === tag);
    return found ? new TextDecoder().decode(found.value) : undefined;
  };
  const name = text(0xdf22);
  const address = text(0xdf23);
  const birth = text(0xdf24);
  const sex = text(0xdf25);
  if (
    name === undefined ||
    address === undefined ||
    birth?.length !== 8 ||
    (sex !== '1' && sex !== '2' && sex !== '9')
  ) {
    return undefined;
  }
  return { name, address, birthDate: `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}`, sex };
}

function decodeFaceEntries(bytes: Uint8Array): FaceVector | undefined {
  const outer = decodeTlvs(bytes)?.[0];
  if (outer?.tag !== 0xff20) {
    return undefined;
  }
  const face = decodeTlvs(outer.value)?.find((t) => t.tag === 0xdf27);
  return face ? decodeFaceTemplate(face.value) : undefined;
}
