import { describe, expect, it } from 'vitest';
import { FACE_AUTH_MAX_CONSECUTIVE_FAILURES, PIN_POLICY, isWellFormedPin } from './pinPolicy.js';

describe('PIN policy (rules.md §4 PIN [S22])', () => {
  it('利用者証明用: 4 digits, locked after 3 consecutive wrong entries', () => {
    expect(PIN_POLICY.authentication).toMatchObject({ minLength: 4, maxLength: 4, alphabet: 'digits', maxTries: 3 });
    expect(isWellFormedPin('authentication', '0123')).toBe(true);
    expect(isWellFormedPin('authentication', '012')).toBe(false);
    expect(isWellFormedPin('authentication', '01234')).toBe(false);
    expect(isWellFormedPin('authentication', '12a4')).toBe(false);
  });

  it('署名用: 6–16 alphanumerics, locked after 5 (test case 30: wrong×4 does not lock)', () => {
    expect(PIN_POLICY.signing).toMatchObject({ minLength: 6, maxLength: 16, maxTries: 5 });
    expect(PIN_POLICY.signing.maxTries).toBeGreaterThan(4);
    expect(isWellFormedPin('signing', 'ABC123')).toBe(true);
    expect(isWellFormedPin('signing', 'ABCDEFGHIJ123456')).toBe(true);
    expect(isWellFormedPin('signing', 'ABC12')).toBe(false);
    expect(isWellFormedPin('signing', 'ABCDEFGHIJ1234567')).toBe(false);
    expect(isWellFormedPin('signing', 'abc123')).toBe(false);
  });

  it('券面事項入力補助用: 4 digits, locked after 3', () => {
    expect(PIN_POLICY.cardInfo).toMatchObject({ minLength: 4, maxLength: 4, alphabet: 'digits', maxTries: 3 });
  });

  it('face auth at the reader locks after 10 consecutive failures (rules.md §4 [S23])', () => {
    expect(FACE_AUTH_MAX_CONSECUTIVE_FAILURES).toBe(10);
  });
});
