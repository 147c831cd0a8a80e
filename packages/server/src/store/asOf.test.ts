import { describe, expect, it } from 'vitest';
import { latestReferenceNumber } from './asOf.js';

const registered = (institutionCode: string, referenceNumber: string, registeredAt: string) => ({
  institutionCode,
  referenceNumber,
  personId: 'p1',
  qualificationId: null,
  registeredAt,
});

// oqs-interface.md §5: a card or number result shows the calling institution's 照会番号 — its latest registration.
describe("an institution's 照会番号 among a person's records", () => {
  const records = [
    registered('1311111111', 'K-1', '2025-03-01T00:00:00.000Z'),
    registered('1311111111', 'K-2', '2025-03-02T00:00:00.000Z'),
    registered('2741111111', 'P-9', '2025-04-01T00:00:00.000Z'),
  ];

  it("is the institution's latest registration, never another institution's", () => {
    expect(latestReferenceNumber(records, '1311111111')?.referenceNumber).toBe('K-2');
    expect(latestReferenceNumber(records, '2741111111')?.referenceNumber).toBe('P-9');
    expect(latestReferenceNumber(records, '0111111111')).toBeNull();
    expect(latestReferenceNumber([], '1311111111')).toBeNull();
  });

  it('takes the greater number of two registered at the same instant, as the table query orders them', () => {
    const tie = [...records, registered('1311111111', 'K-10', '2025-03-02T00:00:00.000Z')];
    expect(latestReferenceNumber(tie, '1311111111')?.referenceNumber).toBe('K-2');
    expect(latestReferenceNumber(tie.reverse(), '1311111111')?.referenceNumber).toBe('K-2');
  });
});
