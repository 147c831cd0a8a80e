import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { auditHash, chainAuditRows, GENESIS_HASH } from './auditLog.js';

const entry = {
  at: '2026-11-24T01:02:03.456Z',
  actorKind: 'institution' as const,
  actorId: '1319999901',
  action: 'oqs.confirm.number',
  personId: 'p000012345',
  target: '0190f3a2-1234-7abc-8def-0123456789ab',
  outcome: 'allowed' as const,
  detail: { resultCode: 'ok', method: 'number', authentication: null, qualificationValidity: 1 },
};

/** The canonical text of `entry` at seq 41: the fields in order, detail keys sorted. */
const CANONICAL =
  '[41,"2026-11-24T01:02:03.456Z","institution","1319999901","oqs.confirm.number","p000012345",' +
  '"0190f3a2-1234-7abc-8def-0123456789ab","allowed",' +
  '[["authentication",null],["method","number"],["qualificationValidity",1],["resultCode","ok"]]]';

describe('the audit chain hash (issue 6 "Trust and privacy": a changed, removed or reordered entry is detected)', () => {
  it('is SHA-256 over the previous hash, a newline and the canonical fields, byte for byte as stored chains expect', () => {
    const prevHash = 'ab'.repeat(32);
    const row = { ...entry, seq: 41, prevHash };
    const expected = createHash('sha256').update(prevHash).update('\n').update(CANONICAL).digest('hex');
    expect(expected).toBe('09a140f24819e17e81b058caf84aa31b109c47870007a2ef018fd4b80487a8ca');
    expect(auditHash(row)).toBe(expected);
  });

  it('links each row to the one before from the genesis hash, and any changed field changes the hash', () => {
    const rows = chainAuditRows(null, [entry, { ...entry, target: 'another' }, { ...entry, personId: null }]);
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(rows.map((r) => r.prevHash)).toEqual([GENESIS_HASH, rows[0]?.hash, rows[1]?.hash]);
    const first = rows[0];
    if (first === undefined) {
      throw new Error('three rows');
    }
    expect(new Set(rows.map((r) => r.hash)).size).toBe(3);
    expect(auditHash(first)).toBe(first.hash);
    expect(auditHash({ ...first, outcome: 'refused' })).not.toBe(first.hash);
    expect(auditHash({ ...first, seq: 2 })).not.toBe(first.hash);
    expect(auditHash({ ...first, detail: { ...first.detail, resultCode: 'OQS0001' } })).not.toBe(first.hash);
    expect(auditHash({ ...first, prevHash: 'cd'.repeat(32) })).not.toBe(first.hash);
  });
});
