import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { ConfirmationMethod } from '../../store/types.js';

/**
 * 資格確認の証跡 (glossary `proofOfCheck`): what a successful confirmation vouches for — which institution checked
 * which person's which qualification, when and how (issue 6, "Trust and privacy"). A claim quotes it; anyone with
 * the server's proof key can check it was not altered. Holds ids only: no name, no My Number.
 */
export interface ProofOfCheck {
  /** Format version. */
  v: 1;
  /** Confirmation id (store.confirmations). */
  c: string;
  /** 医療機関コード. */
  i: string;
  /** Person id. */
  p: string;
  /** Qualification id. */
  q: string;
  /** Instant of the check, ISO 8601 UTC. */
  t: string;
  /** How: card, number, visual or bulk. */
  m: ConfirmationMethod;
}

const PREFIX = 'oqsp1';

/** The proof key as a KeyObject, made once per key: createHmac with raw bytes imports them on every call. */
const keyObjects = new WeakMap<Buffer, KeyObject>();

function keyObjectOf(key: Buffer): KeyObject {
  let keyObject = keyObjects.get(key);
  if (keyObject === undefined) {
    keyObject = createSecretKey(key);
    keyObjects.set(key, keyObject);
  }
  return keyObject;
}

/** HMAC-SHA256 over the prefix and the payload, ready for its digest. */
function mac(key: Buffer, payload: string): ReturnType<typeof createHmac> {
  return createHmac('sha256', keyObjectOf(key)).update(`${PREFIX}.${payload}`);
}

/**
 * The compact proof: `oqsp1.<base64url JSON>.<base64url HMAC-SHA256>`, the MAC over the prefix and the payload
 * with `ctx.secrets.proofKey` (decision 0096).
 */
export function signProofOfCheck(key: Buffer, proof: Omit<ProofOfCheck, 'v'>): string {
  const body: ProofOfCheck = { v: 1, c: proof.c, i: proof.i, p: proof.p, q: proof.q, t: proof.t, m: proof.m };
  const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
  // The MAC straight to text: no Buffer (an ArrayBuffer of its own) per confirmation.
  return `${PREFIX}.${payload}.${mac(key, payload).digest('base64url')}`;
}

/** The outcome of checking a proof. */
export type ProofVerification = { ok: true; proof: ProofOfCheck } | { ok: false; reason: 'malformed' | 'signature' };

function isProof(value: unknown): value is ProofOfCheck {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const fields = ['c', 'i', 'p', 'q', 't', 'm'];
  return Reflect.get(value, 'v') === 1 && fields.every((f) => typeof Reflect.get(value, f) === 'string');
}

/** Checks a proof's MAC (constant time) and shape; never throws. */
export function verifyProofOfCheck(key: Buffer, compact: string): ProofVerification {
  if (compact.length > 2000) {
    return { ok: false, reason: 'malformed' };
  }
  const parts = compact.split('.');
  const [prefix, payload, signature] = parts;
  if (parts.length !== 3 || prefix !== PREFIX || payload === undefined || signature === undefined) {
    return { ok: false, reason: 'malformed' };
  }
  const expected = mac(key, payload).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'signature' };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  return isProof(parsed) ? { ok: true, proof: parsed } : { ok: false, reason: 'malformed' };
}
