import { describe, expect, it } from 'vitest';
import { checkOf, timeOrderedId, type CheckBase } from './record.js';

describe('confirmation ids (RFC 9562 §5.7 UUID version 7; decision 0133)', () => {
  it('carry the check’s millisecond in the first 48 bits, version 7 and the RFC variant', () => {
    const at = new Date('2026-04-01T09:30:00.123Z');
    const id = timeOrderedId(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(at.getTime());
  });

  it('sort by the time of the check, and two ids of the same millisecond differ', () => {
    const earlier = timeOrderedId(new Date('2026-04-01T09:30:00.000Z'));
    const later = timeOrderedId(new Date('2026-04-01T09:30:00.001Z'));
    expect(earlier < later).toBe(true);
    const at = new Date('2026-04-01T09:30:00.000Z');
    expect(timeOrderedId(at)).not.toBe(timeOrderedId(at));
  });
});

describe('a check as recorded (issue 6: every confirmation is recorded and audited)', () => {
  const base: CheckBase = {
    institutionCode: '1319999901',
    method: 'card',
    authentication: 'pin',
    referenceNumber: null,
    detail: { readerId: 'R-0001' },
  };
  const outcome = {
    personId: 'p1',
    qualificationId: 'q1',
    insurerNumber: '06139999',
    qualificationValidity: 1,
    resultCode: 'ok',
  };

  it('takes where and how from the base and what was found from the outcome', () => {
    expect(checkOf(base, outcome)).toEqual({
      institutionCode: '1319999901',
      method: 'card',
      authentication: 'pin',
      personId: 'p1',
      qualificationId: 'q1',
      insurerNumber: '06139999',
      qualificationValidity: 1,
      resultCode: 'ok',
      referenceNumber: null,
      detail: { readerId: 'R-0001' },
    });
  });

  it('lets the outcome set the 照会番号 and the audit detail', () => {
    const check = checkOf(base, { ...outcome, referenceNumber: 'K-1', detail: { rule: 'ok', readerId: 'R-0001' } });
    expect(check.referenceNumber).toBe('K-1');
    expect(check.detail).toEqual({ rule: 'ok', readerId: 'R-0001' });
  });
});
