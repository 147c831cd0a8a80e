import { describe, expect, it } from 'vitest';
import { decodeMemberPayload } from './memberReadModel.js';
import { samplePerson } from '../store.contract.js';
import { RowShapeError } from './rows.js';

const qualification = {
  id: 'q1',
  personId: 'p1',
  insurerNumber: '01130012',
  symbol: '1',
  number: '2',
  branch: '00',
  memberKey: '01130012:1:2:00',
  relationship: 'insured',
  insuredQualificationId: null,
  acquiredOn: '2020-04-01',
  lostOn: null,
  lossReason: null,
  cardClassification: '01',
};
const person = samplePerson('p1');
const copayRate = {
  id: 'a1',
  qualificationId: 'q1',
  personId: 'p1',
  validFrom: '2020-04-01',
  validTo: null,
  recordedAt: '2020-04-01T00:00:00.000Z',
  supersededAt: null,
  kind: 'copayRate',
  rate: 0.3,
};
const document = {
  id: 'd1',
  personId: 'p1',
  qualificationId: 'q1',
  insurerNumber: '01130012',
  kind: 'qualificationNotice',
  issuedOn: '2025-01-10',
  validFrom: '2025-01-10',
  validTo: null,
  onRequest: false,
};
const dvFlag = { id: 'f1', personId: 'p1', flag: 'nonDisclosure', setOn: '2024-01-10', clearedOn: null, setBy: null };

const reference = {
  institutionCode: '1311111111',
  referenceNumber: 'K-0001',
  personId: 'p1',
  qualificationId: null,
  registeredAt: '2025-03-01T00:00:00.000Z',
};

/** A row as the read model stores it: each object's values in its columns' order (decision 0166, migration 0110). */
const row = (
  q: Record<string, unknown>,
  a: unknown[][] = [],
  d: unknown[] | null = null,
  f: unknown[][] = [],
  r: unknown[][] = [],
) => [Object.values(q), Object.values(person), a, d, f, null, r];

// decision 0166: a member key's row holds its records as arrays of their columns, read back as the domain types.
describe('the member read model payload', () => {
  it('gives the records as stored, newest acquisition first', () => {
    const older = { ...qualification, id: 'q0', acquiredOn: '2010-04-01', lostOn: '2020-03-31' };
    const records = decodeMemberPayload(
      JSON.stringify([
        row(older),
        row(
          qualification,
          [Object.values(copayRate)],
          Object.values(document),
          [Object.values(dvFlag)],
          [Object.values(reference)],
        ),
      ]),
    );
    expect(records.map((r) => r.qualification.id)).toEqual(['q1', 'q0']);
    expect(records[0]).toStrictEqual({
      qualification,
      person,
      attributes: [copayRate],
      latestDocument: document,
      dvFlags: [dvFlag],
      insuredName: null,
      referenceNumbers: [reference],
    });
  });

  it('reads every attribute kind with its own fields', () => {
    const base = Object.values(copayRate).slice(0, 7);
    const attributes = [
      [...base, 'limitCategory', 'B04', '01', '2021-02-01', null],
      [...base, 'elderlyRecipient', 0.2, null],
      [...base, 'specificDisease', '1', 10000, '2021-01-01'],
    ];
    const [record] = decodeMemberPayload(JSON.stringify([row(qualification, attributes)]));
    expect(record?.attributes).toMatchObject([
      { kind: 'limitCategory', category: 'B04', certificateClassification: '01', issuedOn: '2021-02-01' },
      { kind: 'elderlyRecipient', rate: 0.2, issuedOn: null },
      { kind: 'specificDisease', diseaseCategory: '1', selfPayLimit: 10000, issuedOn: '2021-01-01' },
    ]);
  });

  it('refuses a row of an older shape or with a value outside its type, rather than answer wrongly', () => {
    // The object shape of the first payloads (before migration 0110).
    const objects = { q: qualification, p: person, a: [], d: null, f: [], n: null };
    expect(() => decodeMemberPayload(JSON.stringify([objects]))).toThrow(RowShapeError);
    const badSex = row(qualification);
    badSex[1] = Object.values({ ...person, sex: 'x' });
    expect(() => decodeMemberPayload(JSON.stringify([badSex]))).toThrow(RowShapeError);
    const unknownAttribute = row(qualification, [[...Object.values(copayRate).slice(0, 7), 'somethingNew']]);
    expect(() => decodeMemberPayload(JSON.stringify([unknownAttribute]))).toThrow(RowShapeError);
    // A row from before migration 0112 (no 照会番号).
    expect(() => decodeMemberPayload(JSON.stringify([row(qualification).slice(0, 6)]))).toThrow(RowShapeError);
    const missingColumn = row(qualification);
    missingColumn[0] = Object.values(qualification).slice(1);
    expect(() => decodeMemberPayload(JSON.stringify([missingColumn]))).toThrow(RowShapeError);
  });
});
