/**
 * The My Number Card's IC chip, simulated at the APDU level (ISO/IEC 7816-4). Everything the outside world can do
 * to the chip goes through `transmit(bytes) → bytes`; the private keys and PIN hashes stay inside the object and
 * in its persistent image (`CardImage`, the physical card that a wallet file stores). See
 * docs/decisions/0030-virtual-chip-apdu.md for the command set and status words.
 */
import { createHash, createHmac, generateKeyPairSync, privateEncrypt, randomBytes, timingSafeEqual } from 'node:crypto';
import { constants as cryptoConstants, createPrivateKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { FACE_AUTH_MAX_CONSECUTIVE_FAILURES, PIN_POLICY, isWellFormedPin } from '@onshi/core';
import type { CardKind, PinCredential } from '@onshi/core';
import { SW, decodeCommand, encodeResponse } from './apdu.js';
import type { CommandApdu, ResponseApdu } from './apdu.js';
import { CardError } from './errors.js';
import { concatBytes as concat, encodeTlv as tlv } from './tlv.js';
import { CARD_FACE_AID, CARD_FACE_EF, CARD_INFO_AID, CARD_INFO_EF, JPKI_AID, JPKI_EF, aidHex } from './ids.js';

/** The kinds of card (glossary: `card` kinds), as @onshi/core defines them. */
export type { CardKind };

/** Smartphone platforms (glossary: `smartphone` card): Android unlocks with a PIN, iPhone with biometrics. */
export type PhonePlatform = 'android' | 'iphone';

/** Anything that answers command APDUs: the virtual chip, a phone, or (later) a PC/SC card. */
export interface ApduTransport {
  /** Sends one command APDU and returns the response APDU (data + SW1 SW2). */
  transmit(command: Uint8Array): Uint8Array;
}

/** Persistent state of one PIN on the chip. `null` in `CardImage.pins` means the card has no PIN there. */
export interface PinRecord {
  /** Base64 salt. */
  salt: string;
  /** Base64 SHA-256(salt ‖ PIN); the PIN itself is never stored. */
  hash: string;
  /** Tries left before the PIN locks (the retry counter). */
  remaining: number;
}

/**
 * The chip's persistent memory: what survives when the card leaves the reader. This *is* the physical card (its
 * private keys are inside); store it like one. JSON-safe.
 */
export interface CardImage {
  format: 'onshi-card-image/1';
  /** Chip serial (16 hex digits); not a certificate serial, not the My Number. */
  cardId: string;
  kind: CardKind;
  platform: PhonePlatform | null;
  /** Base64 of the issuer's administration key (diversified per card; authorises PIN reset and key writes). */
  adminKey: string;
  /** Transparent files: "AID/EF" (hex) → base64 contents. */
  files: Record<string, string>;
  /** Private keys: "AID/EF" → base64 PKCS#8 DER. */
  keys: Record<string, string>;
  /** PINs: "AID/EF" → record, or `null` where the card has no PIN (顔認証マイナンバーカード, iPhone). */
  pins: Record<string, PinRecord | null>;
  /** Consecutive-failure counter of face matching (tries left), or `null` where the card has no face. */
  faceRemaining: number | null;
}

type EfSpec =
  | { type: 'binary'; readPin: number | null }
  | { type: 'key'; pin: number }
  | { type: 'pin'; credential: PinCredential };

interface ApSpec {
  aid: Uint8Array;
  hex: string;
  efs: ReadonlyMap<number, EfSpec>;
}

function ap(aid: Uint8Array, efs: [number, EfSpec][]): ApSpec {
  return { aid, hex: aidHex(aid), efs: new Map(efs) };
}

/** The file system each kind of card carries (oqs-interface.md §9; rules.md §4 for what a face-only card lacks). */
function layoutFor(kind: CardKind): ApSpec[] {
  const authFiles: [number, EfSpec][] = [
    [JPKI_EF.authCertificate, { type: 'binary', readPin: null }],
    [JPKI_EF.authCaCertificate, { type: 'binary', readPin: null }],
    [JPKI_EF.authKey, { type: 'key', pin: JPKI_EF.authPin }],
    [
      JPKI_EF.authPin,
      { type: 'pin', credential: kind === 'smartphone' ? 'smartphoneAuthentication' : 'authentication' },
    ],
  ];
  if (kind === 'smartphone') {
    return [ap(JPKI_AID, authFiles)];
  }
  const jpki =
    kind === 'standard'
      ? ap(JPKI_AID, [
          ...authFiles,
          [JPKI_EF.signingCertificate, { type: 'binary', readPin: JPKI_EF.signingPin }],
          [JPKI_EF.signingCaCertificate, { type: 'binary', readPin: null }],
          [JPKI_EF.signingKey, { type: 'key', pin: JPKI_EF.signingPin }],
          [JPKI_EF.signingPin, { type: 'pin', credential: 'signing' }],
        ])
      : ap(JPKI_AID, authFiles);
  return [
    jpki,
    ap(CARD_INFO_AID, [
      [CARD_INFO_EF.basicFour, { type: 'binary', readPin: CARD_INFO_EF.pin }],
      [CARD_INFO_EF.pin, { type: 'pin', credential: 'cardInfo' }],
    ]),
    ap(CARD_FACE_AID, [[CARD_FACE_EF.entries, { type: 'binary', readPin: null }]]),
  ];
}

function fileKey(apHex: string, ef: number): string {
  return `${apHex}/${ef.toString(16).padStart(4, '0').toUpperCase()}`;
}

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

function unb64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}

function hashPin(salt: Uint8Array, pin: Uint8Array): Uint8Array {
  return createHash('sha256').update(salt).update(pin).digest();
}

/** A new PIN record with a full counter. */
function pinRecord(credential: PinCredential, pin: Uint8Array): PinRecord {
  const salt = randomBytes(16);
  return { salt: b64(salt), hash: b64(hashPin(salt, pin)), remaining: PIN_POLICY[credential].maxTries };
}

/** Length of the MAC that authorises administrative commands. */
export const ADMIN_MAC_LENGTH = 8;

/**
 * The MAC of an administrative command: the first 8 bytes of HMAC-SHA-256 under the card's administration key
 * over challenge ‖ INS P1 P2 ‖ AID ‖ EF ‖ payload. Binding the chip's fresh challenge makes each MAC single-use.
 */
export function adminMac(
  adminKey: Uint8Array,
  challenge: Uint8Array,
  header: { ins: number; p1: number; p2: number },
  aid: Uint8Array,
  ef: number,
  payload: Uint8Array,
): Uint8Array {
  return new Uint8Array(
    createHmac('sha256', adminKey)
      .update(challenge)
      .update(Uint8Array.from([header.ins, header.p1, header.p2]))
      .update(aid)
      .update(Uint8Array.from([(ef >> 8) & 0xff, ef & 0xff]))
      .update(payload)
      .digest()
      .subarray(0, ADMIN_MAC_LENGTH),
  );
}

/** What a new, blank chip is given at the factory (before keys and certificates are written). */
export interface ChipBlank {
  kind: CardKind;
  /** Required for `smartphone`, ignored otherwise. */
  platform?: PhonePlatform;
  /** The issuer's administration key for this card (see `adminMac`). */
  adminKey: Uint8Array;
  /** Initial PINs the holder chose; absent for a face-only card and for an iPhone. */
  pins?: { authentication?: string; signing?: string; cardInfo?: string };
  /** 4情報 for the 券面事項入力補助AP (not on a smartphone). */
  cardInfo?: CardInfo;
  /** The face template (券面事項確認AP; not on a smartphone). */
  faceTemplate?: Uint8Array;
  /** Chip serial (16 hex digits); random when absent. The issuer derives the administration key from it. */
  cardId?: string;
}

/** 券面4情報 as the 券面事項入力補助AP holds them. */
export interface CardInfo {
  name: string;
  address: string;
  /** 'YYYY-MM-DD'. */
  birthDate: string;
  /** JIS X 0303 code: '1' male, '2' female, '9' not applicable (as the card's DF25 holds it). */
  sex: '1' | '2' | '9';
}

/** Encodes 4情報 as the card stores them: FF20 { DF22 name, DF23 address, DF24 YYYYMMDD, DF25 sex } (UTF-8). */
export function encodeCardInfo(info: CardInfo): Uint8Array {
  const enc = new TextEncoder();
  const body = concat(
    tlv(0xdf22, enc.encode(info.name)),
    tlv(0xdf23, enc.encode(info.address)),
    tlv(0xdf24, enc.encode(info.birthDate.replaceAll('-', ''))),
    tlv(0xdf25, enc.encode(info.sex)),
  );
  return tlv(0xff20, body);
}

/**
 * A virtual My Number Card chip (or the secure element of a phone holding a スマホ用電子証明書). Session state
 * (selected application, verified PINs) lives in memory and is cleared by `reset()`; everything else is
 * persistent and exported with `exportImage()`.
 */
export class VirtualChip implements ApduTransport {
  private readonly layout: ApSpec[];
  private readonly files = new Map<string, Uint8Array>();
  private readonly keys = new Map<string, KeyObject>();
  private readonly keyDer = new Map<string, Uint8Array>();
  private readonly pins = new Map<string, PinRecord | null>();
  private faceRemaining: number | null;
  private readonly adminKey: Uint8Array;
  private selected: ApSpec | undefined;
  private currentEf: number | undefined;
  private readonly verified = new Set<number>();
  private holderVerifiedOnDevice = false;
  private challenge: Uint8Array | undefined;

  private constructor(private readonly image: CardImage) {
    this.layout = layoutFor(image.kind);
    this.adminKey = unb64(image.adminKey);
    for (const [k, v] of Object.entries(image.files)) {
      this.files.set(k, unb64(v));
    }
    for (const [k, v] of Object.entries(image.keys)) {
      const der = unb64(v);
      this.keyDer.set(k, der);
      this.keys.set(k, createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' }));
    }
    for (const [k, v] of Object.entries(image.pins)) {
      this.pins.set(k, v === null ? null : { ...v });
    }
    this.faceRemaining = image.faceRemaining;
  }

  /** A new chip as it leaves the factory: file system for its kind, PINs set, no keys or certificates yet. */
  static manufacture(blank: ChipBlank): VirtualChip {
    if (blank.kind === 'smartphone' && blank.platform === undefined) {
      throw new CardError('card.platformRequired', {
        ja: 'スマホ用電子証明書には端末の種類が必要です',
        en: 'a smartphone card needs a platform',
      });
    }
    const platform = blank.kind === 'smartphone' ? (blank.platform ?? null) : null;
    const pins: Record<string, PinRecord | null> = {};
    const files: Record<string, string> = {};
    const enc = new TextEncoder();
    for (const spec of layoutFor(blank.kind)) {
      for (const [ef, efSpec] of spec.efs) {
        if (efSpec.type !== 'pin') {
          continue;
        }
        const chosen = pinFor(blank, efSpec.credential);
        const noPin = blank.kind === 'faceOnly' || platform === 'iphone';
        if (noPin) {
          pins[fileKey(spec.hex, ef)] = null;
          continue;
        }
        if (chosen === undefined || !isWellFormedPin(efSpec.credential, chosen)) {
          throw new CardError('card.pinMalformed', {
            ja: '暗証番号の形式が正しくありません',
            en: `the ${efSpec.credential} PIN does not have the required form`,
          });
        }
        pins[fileKey(spec.hex, ef)] = pinRecord(efSpec.credential, enc.encode(chosen));
      }
    }
    if (blank.kind !== 'smartphone') {
      if (blank.cardInfo) {
        files[fileKey(aidHex(CARD_INFO_AID), CARD_INFO_EF.basicFour)] = b64(encodeCardInfo(blank.cardInfo));
      }
      if (blank.faceTemplate) {
        files[fileKey(aidHex(CARD_FACE_AID), CARD_FACE_EF.entries)] = b64(tlv(0xff20, tlv(0xdf27, blank.faceTemplate)));
      }
    }
    return new VirtualChip({
      format: 'onshi-card-image/1',
      cardId: blank.cardId ?? randomBytes(8).toString('hex').toUpperCase(),
      kind: blank.kind,
      platform,
      adminKey: b64(blank.adminKey),
      files,
      keys: {},
      pins,
      faceRemaining: blank.kind === 'smartphone' ? null : FACE_AUTH_MAX_CONSECUTIVE_FAILURES,
    });
  }

  /** Restores a chip from its image (a wallet file). Throws `CardError` 'card.imageInvalid' on a malformed image. */
  static fromImage(image: unknown): VirtualChip {
    if (!isCardImage(image)) {
      throw new CardError('card.imageInvalid', {
        ja: 'カードのデータが読み取れません',
        en: 'the card image is malformed',
      });
    }
    return new VirtualChip(structuredClone(image));
  }

  /** The chip serial. */
  get cardId(): string {
    return this.image.cardId;
  }

  /** The kind of card. */
  get kind(): CardKind {
    return this.image.kind;
  }

  /** The phone platform, for a smartphone card. */
  get platform(): PhonePlatform | null {
    return this.image.platform;
  }

  /** The persistent state, to store (counters included). Session state is not part of it. */
  exportImage(): CardImage {
    const files: Record<string, string> = {};
    for (const [k, v] of this.files) {
      files[k] = b64(v);
    }
    const keys: Record<string, string> = {};
    for (const [k, v] of this.keyDer) {
      keys[k] = b64(v);
    }
    const pins: Record<string, PinRecord | null> = {};
    for (const [k, v] of this.pins) {
      pins[k] = v === null ? null : { ...v };
    }
    return { ...this.image, files, keys, pins, faceRemaining: this.faceRemaining };
  }

  /** Card removed from the field / power cycled: forgets the selected application and every verification. */
  reset(): void {
    this.selected = undefined;
    this.currentEf = undefined;
    this.verified.clear();
    this.holderVerifiedOnDevice = false;
    this.challenge = undefined;
  }

  /**
   * The phone's own unlock (Face ID / Touch ID) stands in for the PIN of an iPhone's スマホ用電子証明書 for this
   * session (rules.md §4 Smartphone). Called by the phone's operating system (`Smartphone`), never by a reader;
   * ignored on any other card.
   */
  confirmHolderOnDevice(): boolean {
    if (this.image.kind !== 'smartphone' || this.image.platform !== 'iphone') {
      return false;
    }
    this.holderVerifiedOnDevice = true;
    return true;
  }

  /** ISO 7816-4 command in, response APDU out. Never throws on malformed input: it answers with a status word. */
  transmit(command: Uint8Array): Uint8Array {
    return encodeResponse(this.process(command));
  }

  private process(bytes: Uint8Array): ResponseApdu {
    const command = decodeCommand(bytes);
    if (command === undefined) {
      return status(SW.wrongLength);
    }
    if (command.cla === 0x00) {
      switch (command.ins) {
        case 0xa4:
          return this.select(command);
        case 0xb0:
          return this.readBinary(command);
        case 0x20:
          return this.verify(command);
        case 0x84:
          return this.getChallenge(command);
        case 0x2c:
          return this.resetRetryCounter(command);
        case 0x47:
          return this.generateKeyPair(command);
        case 0xd6:
          return this.updateBinary(command);
        default:
          return status(SW.insNotSupported);
      }
    }
    if (command.cla === 0x80) {
      switch (command.ins) {
        case 0x2a:
          return this.computeSignature(command);
        case 0x20:
          return this.reportFaceMatch(command);
        default:
          return status(SW.insNotSupported);
      }
    }
    return status(SW.claNotSupported);
  }

  private select(c: CommandApdu): ResponseApdu {
    if (c.p2 !== 0x0c) {
      return status(SW.wrongP1P2);
    }
    if (c.p1 === 0x04) {
      const found = this.layout.find((s) => equalBytes(s.aid, c.data));
      if (!found) {
        return status(SW.fileNotFound);
      }
      if (found !== this.selected) {
        this.verified.clear();
      }
      this.selected = found;
      this.currentEf = undefined;
      return status(SW.ok);
    }
    if (c.p1 === 0x02) {
      if (c.data.length !== 2) {
        return status(SW.wrongLength);
      }
      const ef = ((c.data[0] ?? 0) << 8) | (c.data[1] ?? 0);
      if (!this.selected?.efs.has(ef)) {
        return status(SW.fileNotFound);
      }
      this.currentEf = ef;
      return status(SW.ok);
    }
    return status(SW.wrongP1P2);
  }

  private readBinary(c: CommandApdu): ResponseApdu {
    let ef = this.currentEf;
    let offset = ((c.p1 & 0x7f) << 8) | c.p2;
    if ((c.p1 & 0x80) !== 0) {
      if ((c.p1 & 0x60) !== 0) {
        return status(SW.wrongP1P2);
      }
      ef = c.p1 & 0x1f;
      offset = c.p2;
      if (!this.selected?.efs.has(ef)) {
        return status(SW.fileNotFound);
      }
      this.currentEf = ef;
    }
    if (this.selected === undefined || ef === undefined) {
      return status(SW.noCurrentEf);
    }
    const spec = this.selected.efs.get(ef);
    if (spec?.type !== 'binary') {
      return status(SW.incompatibleFile);
    }
    if (spec.readPin !== null && !this.verified.has(spec.readPin)) {
      return status(SW.securityNotSatisfied);
    }
    if (c.ne === 0) {
      return status(SW.wrongLength);
    }
    const content = this.files.get(fileKey(this.selected.hex, ef)) ?? new Uint8Array(0);
    if (offset > content.length) {
      return status(SW.offsetOutsideEf);
    }
    const data = content.slice(offset, offset + c.ne);
    return { data, sw: data.length < c.ne ? SW.endOfFile : SW.ok };
  }

  /** The PIN file the command addresses (P2 = 80: the current EF), or a status word. */
  private pinTarget(): { key: string; ef: number; credential: PinCredential } | number {
    if (this.selected === undefined || this.currentEf === undefined) {
      return SW.referenceDataNotFound;
    }
    const spec = this.selected.efs.get(this.currentEf);
    if (spec?.type !== 'pin') {
      return SW.referenceDataNotFound;
    }
    return { key: fileKey(this.selected.hex, this.currentEf), ef: this.currentEf, credential: spec.credential };
  }

  private verify(c: CommandApdu): ResponseApdu {
    if (c.p1 !== 0x00 || c.p2 !== 0x80) {
      return status(SW.wrongP1P2);
    }
    const target = this.pinTarget();
    if (typeof target === 'number') {
      return status(target);
    }
    const record = this.pins.get(target.key) ?? null;
    if (record === null) {
      return status(SW.referenceDataNotUsable);
    }
    if (record.remaining === 0) {
      return status(SW.authenticationBlocked);
    }
    if (c.data.length === 0) {
      return status(this.verified.has(target.ef) ? SW.ok : SW.verifyFailedBase | Math.min(record.remaining, 15));
    }
    const rule = PIN_POLICY[target.credential];
    if (c.data.length < rule.minLength || c.data.length > rule.maxLength) {
      return status(SW.wrongLength);
    }
    const expected = unb64(record.hash);
    const actual = hashPin(unb64(record.salt), c.data);
    if (timingSafeEqual(expected, actual)) {
      record.remaining = rule.maxTries;
      this.verified.add(target.ef);
      return status(SW.ok);
    }
    record.remaining -= 1;
    this.verified.delete(target.ef);
    return status(SW.verifyFailedBase | Math.min(record.remaining, 15));
  }

  private reportFaceMatch(c: CommandApdu): ResponseApdu {
    if (c.p1 !== 0x00 || c.p2 !== 0x81) {
      return status(SW.wrongP1P2);
    }
    if (this.selected?.hex !== aidHex(CARD_FACE_AID) || this.faceRemaining === null) {
      return status(SW.referenceDataNotFound);
    }
    if (this.faceRemaining === 0) {
      return status(SW.authenticationBlocked);
    }
    if (c.data.length === 0) {
      return status(SW.verifyFailedBase | Math.min(this.faceRemaining, 15));
    }
    if (c.data.length !== 1) {
      return status(SW.wrongLength);
    }
    if (c.data[0] === 0x01) {
      this.faceRemaining = FACE_AUTH_MAX_CONSECUTIVE_FAILURES;
      return status(SW.ok);
    }
    if (c.data[0] === 0x00) {
      this.faceRemaining -= 1;
      return status(SW.verifyFailedBase | Math.min(this.faceRemaining, 15));
    }
    return status(SW.wrongData);
  }

  private computeSignature(c: CommandApdu): ResponseApdu {
    if (c.p1 !== 0x00 || c.p2 !== 0x80) {
      return status(SW.wrongP1P2);
    }
    if (this.selected === undefined || this.currentEf === undefined) {
      return status(SW.noCurrentEf);
    }
    const spec = this.selected.efs.get(this.currentEf);
    if (spec?.type !== 'key') {
      return status(SW.incompatibleFile);
    }
    const key = this.keys.get(fileKey(this.selected.hex, this.currentEf));
    if (key === undefined) {
      return status(SW.referenceDataNotFound);
    }
    const pin = this.pins.get(fileKey(this.selected.hex, spec.pin)) ?? null;
    if (pin !== null && pin.remaining === 0) {
      return status(SW.authenticationBlocked);
    }
    const holderOnDevice = pin === null && this.holderVerifiedOnDevice;
    if (!this.verified.has(spec.pin) && !holderOnDevice) {
      return status(SW.securityNotSatisfied);
    }
    if (c.data.length === 0 || c.data.length > 256 - 11) {
      return status(SW.wrongLength);
    }
    const signature = privateEncrypt({ key, padding: cryptoConstants.RSA_PKCS1_PADDING }, c.data);
    return { data: new Uint8Array(signature), sw: SW.ok };
  }

  private getChallenge(c: CommandApdu): ResponseApdu {
    if (c.p1 !== 0 || c.p2 !== 0) {
      return status(SW.wrongP1P2);
    }
    if (c.ne !== 8) {
      return status(SW.wrongLength);
    }
    this.challenge = new Uint8Array(randomBytes(8));
    return { data: this.challenge.slice(), sw: SW.ok };
  }

  /** Checks and consumes the MAC at the end of an administrative command; returns the payload or a status word. */
  private checkAdmin(c: CommandApdu, ef: number): Uint8Array | number {
    const challenge = this.challenge;
    this.challenge = undefined;
    if (challenge === undefined || this.selected === undefined) {
      return SW.conditionsNotSatisfied;
    }
    if (c.data.length < ADMIN_MAC_LENGTH) {
      return SW.wrongLength;
    }
    const payload = c.data.subarray(0, c.data.length - ADMIN_MAC_LENGTH);
    const mac = c.data.subarray(c.data.length - ADMIN_MAC_LENGTH);
    const expected = adminMac(this.adminKey, challenge, c, this.selected.aid, ef, payload);
    if (!timingSafeEqual(expected, mac)) {
      return SW.securityNotSatisfied;
    }
    return payload;
  }

  private resetRetryCounter(c: CommandApdu): ResponseApdu {
    if (c.p1 === 0x03 && c.p2 === 0x81) {
      if (this.selected?.hex !== aidHex(CARD_FACE_AID) || this.faceRemaining === null) {
        return status(SW.referenceDataNotFound);
      }
      const payload = this.checkAdmin(c, 0);
      if (typeof payload === 'number') {
        return status(payload);
      }
      this.faceRemaining = FACE_AUTH_MAX_CONSECUTIVE_FAILURES;
      return status(SW.ok);
    }
    if (c.p1 !== 0x02 || c.p2 !== 0x80) {
      return status(SW.wrongP1P2);
    }
    const target = this.pinTarget();
    if (typeof target === 'number') {
      return status(target);
    }
    if ((this.pins.get(target.key) ?? null) === null) {
      return status(SW.referenceDataNotUsable);
    }
    const payload = this.checkAdmin(c, target.ef);
    if (typeof payload === 'number') {
      return status(payload);
    }
    const rule = PIN_POLICY[target.credential];
    if (payload.length < rule.minLength || payload.length > rule.maxLength) {
      return status(SW.wrongLength);
    }
    this.pins.set(target.key, pinRecord(target.credential, payload));
    this.verified.delete(target.ef);
    return status(SW.ok);
  }

  private generateKeyPair(c: CommandApdu): ResponseApdu {
    if (c.p1 !== 0x80 || c.p2 !== 0x00) {
      return status(SW.wrongP1P2);
    }
    if (this.selected === undefined || this.currentEf === undefined) {
      return status(SW.noCurrentEf);
    }
    const ef = this.currentEf;
    if (this.selected.efs.get(ef)?.type !== 'key') {
      return status(SW.incompatibleFile);
    }
    const payload = this.checkAdmin(c, ef);
    if (typeof payload === 'number') {
      return status(payload);
    }
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
    const key = fileKey(this.selected.hex, ef);
    this.keys.set(key, privateKey);
    this.keyDer.set(key, new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' })));
    return { data: new Uint8Array(publicKey.export({ format: 'der', type: 'spki' })), sw: SW.ok };
  }

  private updateBinary(c: CommandApdu): ResponseApdu {
    if (c.p1 !== 0x00 || c.p2 !== 0x00) {
      return status(SW.wrongP1P2);
    }
    if (this.selected === undefined || this.currentEf === undefined) {
      return status(SW.noCurrentEf);
    }
    const ef = this.currentEf;
    if (this.selected.efs.get(ef)?.type !== 'binary') {
      return status(SW.incompatibleFile);
    }
    const payload = this.checkAdmin(c, ef);
    if (typeof payload === 'number') {
      return status(payload);
    }
    this.files.set(fileKey(this.selected.hex, ef), payload.slice());
    return status(SW.ok);
  }
}

function status(sw: number): ResponseApdu {
  return { data: new Uint8Array(0), sw };
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function pinFor(blank: ChipBlank, credential: PinCredential): string | undefined {
  switch (credential) {
    case 'authentication':
    case 'smartphoneAuthentication':
      return blank.pins?.authentication;
    case 'signing':
      return blank.pins?.signing;
    case 'cardInfo':
      return blank.pins?.cardInfo;
  }
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' && value !== null && Object.values(value).every((v): boolean => typeof v === 'string')
  );
}

function isPinRecord(value: unknown): value is PinRecord | null {
  if (value === null) {
    return true;
  }
  if (typeof value !== 'object') {
    return false;
  }
  const r = value as Partial<Record<keyof PinRecord, unknown>>;
  return typeof r.salt === 'string' && typeof r.hash === 'string' && Number.isInteger(r.remaining);
}

/** Structural check of an untrusted card image. */
export function isCardImage(value: unknown): value is CardImage {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const v = value as Partial<Record<keyof CardImage, unknown>>;
  const kindOk = v.kind === 'standard' || v.kind === 'faceOnly' || v.kind === 'smartphone';
  const platformOk =
    v.kind === 'smartphone' ? v.platform === 'android' || v.platform === 'iphone' : v.platform === null;
  return (
    v.format === 'onshi-card-image/1' &&
    typeof v.cardId === 'string' &&
    kindOk &&
    platformOk &&
    typeof v.adminKey === 'string' &&
    isStringRecord(v.files) &&
    isStringRecord(v.keys) &&
    typeof v.pins === 'object' &&
    v.pins !== null &&
    Object.values(v.pins).every(isPinRecord) &&
    (v.faceRemaining === null || Number.isInteger(v.faceRemaining))
  );
}
