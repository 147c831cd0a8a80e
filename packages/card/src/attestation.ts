/**
 * The face-match attestation: on the face path the card does not sign (no PIN was entered), so the reader states
 * what it saw and signs that statement with its own device key, whose certificate the card authority issued. The
 * OQS service verifies it (`verifyFaceAttestation` in the server's authority module). The canonical bytes are
 * defined here once, for the signer and the verifier.
 */
import { createHash, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/** What the reader concluded. `locked`: face matching was locked on the card before any capture. */
export type FaceMatchResult = 'match' | 'noMatch' | 'locked';

/** The statement a reader signs after a face match. Only strings and integers, so the canonical form is exact. */
export interface FaceAttestationPayload {
  type: 'onshi.faceAttestation';
  version: 1;
  /** The reader's identifier (as in its certificate's subject CN). */
  readerId: string;
  /** 医療機関コード (10 digits) of the institution the reader belongs to. */
  institutionCode: string;
  /** The server's challenge, base64url without padding. */
  challenge: string;
  /** SHA-256 of the card's 利用者証明用 certificate DER, lowercase hex. */
  cardCertificateSha256: string;
  /** Serial number of that certificate, uppercase hex without separators. */
  cardCertificateSerial: string;
  result: FaceMatchResult;
  /** Cosine similarity in thousandths (0–1000; 0 when no capture was made). */
  similarityPermille: number;
  /** When the match happened, ISO 8601 UTC with milliseconds (the caller's clock). */
  at: string;
}

/** A signed attestation as the reader sends it. */
export interface SignedFaceAttestation {
  payload: FaceAttestationPayload;
  /** RSASSA-PKCS1-v1_5 with SHA-256 over `canonicalAttestationBytes(payload)`. */
  signature: Uint8Array;
  /** The reader's certificate (DER), issued by the card authority. */
  readerCertificate: Uint8Array;
}

/**
 * Canonical bytes of a payload: UTF-8 JSON with keys in lexicographic order and no whitespace (RFC 8785 for this
 * payload, which holds only strings and integers).
 */
export function canonicalAttestationBytes(payload: FaceAttestationPayload): Uint8Array {
  const entries = Object.entries(payload).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const body = entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',');
  return new TextEncoder().encode(`{${body}}`);
}

/** Signs a payload with the reader's device key. */
export function signFaceAttestation(
  payload: FaceAttestationPayload,
  readerKey: KeyObject,
  readerCertificate: Uint8Array,
): SignedFaceAttestation {
  const signature = new Uint8Array(sign('sha256', canonicalAttestationBytes(payload), readerKey));
  return { payload, signature, readerCertificate };
}

/** SHA-256 of bytes as lowercase hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** base64url without padding. */
export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}
