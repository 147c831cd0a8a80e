import { describe, expect, it } from 'vitest';
import { decodeMemberPayload } from './memberReadModel.js';
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
const person = {
  id: 'p1',
  nameKanji: '山田 太郎',
  nameKana: 'ヤマダ タロウ',
  birthDate: '1980-04-02',
  sex: 'male',
  address: '東京都',
  postalCode: '100-0001',
  prefecture: '13',
};
const record = { q: qualification, p: person, a: [], d: null, f: [], n: null };

// decision 0166: a member key's row holds its records in the shape of the domain types.
describe('the member read model payload', () => {
  it('gives the records as stored, newest acquisition first', () => {
    const older = { ...record, q: { ...qualification, id: 'q0', acquiredOn: '2010-04-01', lostOn: '2020-03-31' } };
    const records = decodeMemberPayload(JSON.stringify([older, record]));
    expect(records.map((r) => r.qualification.id)).toEqual(['q1', 'q0']);
    expect(records[0]).toEqual({
      qualification,
      person,
      attributes: [],
      latestDocument: null,
      dvFlags: [],
      insuredName: null,
    });
  });

  it('refuses a row of the older column-named shape or with a value outside its type, rather than answer wrongly', () => {
    const snakeCase = { ...record, q: { id: 'q1', person_id: 'p1', acquired_on: '2020-04-01' } };
    expect(() => decodeMemberPayload(JSON.stringify([snakeCase]))).toThrow(RowShapeError);
    const badSex = { ...record, p: { ...person, sex: 'x' } };
    expect(() => decodeMemberPayload(JSON.stringify([badSex]))).toThrow(RowShapeError);
    const unknownAttribute = { ...record, a: [{ id: 'a1', kind: 'somethingNew' }] };
    expect(() => decodeMemberPayload(JSON.stringify([unknownAttribute]))).toThrow(RowShapeError);
  });
});
