/**
 * Public application identifiers and file numbers of the My Number Card (oqs-interface.md §9, after
 * AokiApp/jsapdu `packages/mynacard/src/constants.ts`). Files are addressed by a two-byte EF identifier 00 xx.
 */

/** 公的個人認証 (JPKI) AP. */
export const JPKI_AID = Uint8Array.from([0xd3, 0x92, 0xf0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01]);
/** 券面事項入力補助AP (`cardInfoApplication`). */
export const CARD_INFO_AID = Uint8Array.from([0xd3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08]);
/** 券面事項確認AP: holds the face (here: the face template the reader matches against). */
export const CARD_FACE_AID = Uint8Array.from([0xd3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x02]);

/** Files of the JPKI AP. */
export const JPKI_EF = {
  /** 署名用電子証明書 (readable after the 署名用 password). */
  signingCertificate: 0x01,
  /** 署名用電子証明書 CA. */
  signingCaCertificate: 0x02,
  /** 利用者証明用電子証明書 (readable without a PIN). */
  authCertificate: 0x0a,
  /** 利用者証明用電子証明書 CA. */
  authCaCertificate: 0x0b,
  /** 利用者証明用 private key (never readable). */
  authKey: 0x17,
  /** 利用者証明用 PIN (4 digits). */
  authPin: 0x18,
  /** 署名用 private key (never readable). */
  signingKey: 0x1a,
  /** 署名用 password (6–16). */
  signingPin: 0x1b,
} as const;

/** Files of the 券面事項入力補助AP. */
export const CARD_INFO_EF = {
  /** 券面4情報: FF20 { DF22 name, DF23 address, DF24 birth date YYYYMMDD, DF25 sex }. */
  basicFour: 0x02,
  /** 券面事項入力補助用 PIN (4 digits). */
  pin: 0x11,
} as const;

/** Files of the 券面事項確認AP as simulated here. */
export const CARD_FACE_EF = {
  /** 券面事項: FF20 { DF27 face template } (the real card holds a JPEG 2000 photo in DF27). */
  entries: 0x02,
} as const;

/** Hex of an AID, for messages and map keys. */
export function aidHex(aid: Uint8Array): string {
  return Buffer.from(aid).toString('hex').toUpperCase();
}
