import { describe, expect, it } from 'vitest';
import { signProofOfCheck, verifyProofOfCheck } from './proofOfCheck.js';

const key = Buffer.alloc(32, 7);
const proof = {
  c: 'conf-1',
  i: '1310000012',
  p: 'person-1',
  q: 'qual-1',
  t: '2026-03-31T00:00:00.000Z',
  m: 'card' as const,
};

describe('proof of check (issue 6 "Trust and privacy": HMAC over institution, person, time)', () => {
  it('a proof Onshi signed verifies and names the institution, person, qualification and time', () => {
    const result = verifyProofOfCheck(key, signProofOfCheck(key, proof));
    expect(result).toEqual({ ok: true, proof: { v: 1, ...proof } });
  });

  it('a proof whose payload was changed (another person) fails', () => {
    const [prefix, , mac] = signProofOfCheck(key, proof).split('.');
    const forged = Buffer.from(JSON.stringify({ v: 1, ...proof, p: 'person-2' })).toString('base64url');
    expect(verifyProofOfCheck(key, `${String(prefix)}.${forged}.${String(mac)}`)).toEqual({
      ok: false,
      reason: 'signature',
    });
  });

  it('a proof signed with another key fails', () => {
    expect(verifyProofOfCheck(Buffer.alloc(32, 8), signProofOfCheck(key, proof)).ok).toBe(false);
  });

  it('garbage is malformed, not a crash', () => {
    expect(verifyProofOfCheck(key, 'not-a-proof')).toEqual({ ok: false, reason: 'malformed' });
  });
});
