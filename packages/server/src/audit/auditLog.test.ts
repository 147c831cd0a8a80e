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

/**
 * The chain's hash as `onshi audit verify` has always computed it: SHA-256 of the previous hash, a newline and the
 * canonical JSON of the other fields (detail keys sorted). Stored chains depend on these bytes.
 */
function definition(row: Parameters<typeof auditHash>[0]): string {
  const detail = Object.keys(row.detail)
    .sort()
    .map((k) => [k, row.detail[k] ?? null]);
  const canonical = JSON.stringify([
    row.seq,
    row.at,
    row.actorKind,
    row.actorId,
    row.action,
    row.personId,
    row.target,
    row.outcome,
    detail,
  ]);
  return createHash('sha256').update(row.prevHash).update('\n').update(canonical).digest('hex');
}

describe('the audit chain hash (issue 6 "Trust and privacy": a changed, removed or reordered entry is detected)', () => {
  it('is SHA-256 over the previous hash, a newline and the canonical fields, byte for byte as stored chains expect', () => {
    const row = { ...entry, seq: 41, prevHash: 'ab'.repeat(32) };
    expect(auditHash(row)).toBe(definition(row));
    expect(auditHash(row)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('links each row to the one before from the genesis hash, and any changed field changes the hash', () => {
    const rows = chainAuditRows(null, [entry, { ...entry, target: 'another' }, { ...entry, personId: null }]);
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(rows[0]?.prevHash).toBe(GENESIS_HASH);
    for (const [i, r] of rows.entries()) {
      expect(r.hash).toBe(definition(r));
      if (i > 0) {
        expect(r.prevHash).toBe(rows[i - 1]?.hash);
      }
    }
    const first = rows[0];
    if (first === undefined) {
      throw new Error('three rows');
    }
    expect(auditHash({ ...first, outcome: 'refused' })).not.toBe(first.hash);
    expect(auditHash({ ...first, seq: 2 })).not.toBe(first.hash);
    expect(auditHash({ ...first, detail: { ...first.detail, resultCode: 'OQS0001' } })).not.toBe(first.hash);
  });
});
