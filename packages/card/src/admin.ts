/**
 * The issuer's side of the chip (J-LIS and the municipal office): writing keys and certificates at issuance and
 * renewal, and resetting a PIN or the face counter. Every command goes through the APDU layer and is authorised
 * by a single-use MAC under the card's administration key (see `adminMac`).
 */
import type { PinCredential } from '@onshi/core';
import { SW, decodeResponse, encodeCommand, formatSw } from './apdu.js';
import { ADMIN_MAC_LENGTH, adminMac } from './chip.js';
import type { ApduTransport } from './chip.js';
import { CardError } from './errors.js';
import { CARD_FACE_AID, CARD_INFO_AID, CARD_INFO_EF, JPKI_AID, JPKI_EF } from './ids.js';

/** The two JPKI key pairs: 利用者証明用 (`authentication`) and 署名用 (`signing`). */
export type KeySlot = 'authentication' | 'signing';

const SLOT_FILES: Record<KeySlot, { key: number; certificate: number; caCertificate: number; pin: number }> = {
  authentication: {
    key: JPKI_EF.authKey,
    certificate: JPKI_EF.authCertificate,
    caCertificate: JPKI_EF.authCaCertificate,
    pin: JPKI_EF.authPin,
  },
  signing: {
    key: JPKI_EF.signingKey,
    certificate: JPKI_EF.signingCertificate,
    caCertificate: JPKI_EF.signingCaCertificate,
    pin: JPKI_EF.signingPin,
  },
};

function failure(step: string, sw: number): CardError {
  return new CardError('card.adminRefused', {
    ja: `カードが管理コマンドを拒否しました (${step}: ${formatSw(sw)})`,
    en: `the card refused an administrative command (${step}: ${formatSw(sw)})`,
  });
}

/** Drives administrative commands on one chip with its administration key. Methods throw `CardError` on refusal. */
export class ChipAdministrator {
  constructor(
    private readonly chip: ApduTransport,
    private readonly adminKey: Uint8Array,
  ) {}

  private send(cla: number, ins: number, p1: number, p2: number, data: Uint8Array, ne: number): Uint8Array {
    const response = decodeResponse(this.chip.transmit(encodeCommand({ cla, ins, p1, p2, data, ne })));
    if (response === undefined) {
      throw failure(`INS ${ins.toString(16)}`, 0);
    }
    if (response.sw !== SW.ok) {
      throw failure(`INS ${ins.toString(16).toUpperCase()}`, response.sw);
    }
    return response.data;
  }

  private select(aid: Uint8Array, ef?: number): void {
    this.send(0x00, 0xa4, 0x04, 0x0c, aid, 0);
    if (ef !== undefined) {
      this.send(0x00, 0xa4, 0x02, 0x0c, Uint8Array.from([(ef >> 8) & 0xff, ef & 0xff]), 0);
    }
  }

  private authorised(
    aid: Uint8Array,
    ef: number,
    header: { ins: number; p1: number; p2: number },
    payload: Uint8Array,
    ne: number,
  ): Uint8Array {
    const challenge = this.send(0x00, 0x84, 0x00, 0x00, new Uint8Array(0), 8);
    const mac = adminMac(this.adminKey, challenge, header, aid, ef, payload);
    const data = new Uint8Array(payload.length + ADMIN_MAC_LENGTH);
    data.set(payload);
    data.set(mac, payload.length);
    return this.send(0x00, header.ins, header.p1, header.p2, data, ne);
  }

  /** Generates a fresh key pair inside the chip (GENERATE ASYMMETRIC KEY PAIR) and returns its SPKI DER. */
  generateKey(slot: KeySlot): Uint8Array {
    const ef = SLOT_FILES[slot].key;
    this.select(JPKI_AID, ef);
    return this.authorised(JPKI_AID, ef, { ins: 0x47, p1: 0x80, p2: 0x00 }, new Uint8Array(0), 65536);
  }

  /** Writes the certificate of a slot and its CA certificate (UPDATE BINARY of the whole EF). */
  writeCertificate(slot: KeySlot, certificateDer: Uint8Array, caCertificateDer: Uint8Array): void {
    const files = SLOT_FILES[slot];
    for (const [ef, der] of [
      [files.certificate, certificateDer],
      [files.caCertificate, caCertificateDer],
    ] as const) {
      this.select(JPKI_AID, ef);
      this.authorised(JPKI_AID, ef, { ins: 0xd6, p1: 0x00, p2: 0x00 }, der, 0);
    }
  }

  /**
   * PIN reset at the municipal office (rules.md §4 "Reset"): unlocks the counter and sets the new PIN
   * (RESET RETRY COUNTER, P1 = 02). Refused (69 84) on a card that has no PIN there.
   */
  resetPin(credential: PinCredential, newPin: string): void {
    const target =
      credential === 'cardInfo'
        ? { aid: CARD_INFO_AID, ef: CARD_INFO_EF.pin }
        : { aid: JPKI_AID, ef: credential === 'signing' ? JPKI_EF.signingPin : JPKI_EF.authPin };
    this.select(target.aid, target.ef);
    this.authorised(target.aid, target.ef, { ins: 0x2c, p1: 0x02, p2: 0x80 }, new TextEncoder().encode(newPin), 0);
  }

  /** Unlocks face matching after 10 consecutive failures (RESET RETRY COUNTER, P1 = 03, face reference 81). */
  resetFaceCounter(): void {
    this.select(CARD_FACE_AID);
    this.authorised(CARD_FACE_AID, 0, { ins: 0x2c, p1: 0x03, p2: 0x81 }, new Uint8Array(0), 0);
  }
}
