import { describe, expect, it } from 'vitest';
import { bearerToken, hashSecret, issueCredential, parseToken, principalOf, secretMatches } from './auth.js';

describe('credentials (architecture.md: each surface authenticates with its own credentials)', () => {
  it('an issued token parses back to its principal and its secret matches only its own hash', () => {
    const cred = issueCredential({ kind: 'insurer', insurerNumber: '01130012' });
    const parsed = parseToken(cred.token);
    expect(parsed?.id).toBe('insurer:01130012');
    expect(principalOf(parsed!.id)).toEqual({ kind: 'insurer', insurerNumber: '01130012' });
    const other = issueCredential({ kind: 'insurer', insurerNumber: '01130012' });
    expect(secretMatches(parsed!.secret, hashSecret(cred.secret))).toBe(true);
    expect(secretMatches(parsed!.secret, hashSecret(other.secret))).toBe(false);
  });

  it('refuses malformed ids and tokens', () => {
    expect(principalOf('insurer:123')).toBeUndefined();
    expect(principalOf('insurer:1234567')).toBeUndefined();
    expect(principalOf('insurer:138057')).toEqual({ kind: 'insurer', insurerNumber: '138057' });
    expect(principalOf('institution:13111111110')).toBeUndefined();
    expect(principalOf('authority:x')).toBeUndefined();
    expect(parseToken('nodot')).toBeUndefined();
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('Bearer a.b')).toBe('a.b');
  });
});
