import { describe, expect, it } from 'vitest';
import { JP_CORE, confirmationBundle, coverageOf, memberIdentifierOf, patientOf } from './fhir.js';
import type { ResultOfQualificationConfirmation } from './schemas.js';

const kokuho: ResultOfQualificationConfirmation = {
  insuredCardClassification: '01',
  insurerNumber: '138057',
  insuredCardSymbol: '１２－３４',
  insuredIdentificationNumber: '５６７８',
  insuredBranchNumber: '00',
  personalFamilyClassification: '1',
  name: '髙橋　一郎',
  nameKana: 'ﾀｶﾊｼ ｲﾁﾛｳ',
  sex1: '1',
  birthdate: '19520615',
  address: '東京都新宿区西新宿２－８－１',
  postNumber: '163-8001',
  insuredCardValidDate: '20240801',
  insuredCardExpirationDate: '20250731',
  insurerName: '新宿区',
  referenceNumber: '24434',
};

describe('FHIR R4 JP Core for a confirmation result (oqs-interface.md §10)', () => {
  it('the member identifier is 保険者番号(8, zero-padded):記号:番号:枝番 (rules.md test cases 9–10)', () => {
    expect(memberIdentifierOf(kokuho)).toBe('00138057:１２－３４:５６７８:00');
    expect(
      memberIdentifierOf({
        insurerNumber: '12345',
        insuredCardSymbol: 'あいう',
        insuredIdentificationNumber: '１８７',
        insuredBranchNumber: '05',
      }),
    ).toBe('00012345:あいう:１８７:05');
    expect(memberIdentifierOf({ insurerNumber: '12345', insuredIdentificationNumber: '１８７' })).toBe(
      '00012345::１８７:',
    );
    expect(memberIdentifierOf({ name: 'x' })).toBeUndefined();
  });

  it('Coverage: JP_Coverage profile, memberID and CSV identifiers, 記号/番号/枝番 extensions, dependent, relationship, period', () => {
    const coverage = coverageOf(kokuho, { patient: 'urn:uuid:p', insurer: 'urn:uuid:o' });
    expect(coverage.meta.profile).toEqual(['http://jpfhir.jp/fhir/core/StructureDefinition/JP_Coverage']);
    expect(coverage.identifier).toEqual([
      {
        system: 'http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID',
        value: '00138057:１２－３４:５６７８:00',
      },
      {
        system: 'http://jpfhir.jp/fhir/core/IdSystem/JP_Coverage_id',
        value: '"00138057","１２－３４","５６７８","00"',
      },
    ]);
    expect(coverage.extension).toEqual([
      {
        url: 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonSymbol',
        valueString: '１２－３４',
      },
      {
        url: 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonNumber',
        valueString: '５６７８',
      },
      {
        url: 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonSubNumber',
        valueString: '00',
      },
    ]);
    expect(coverage.dependent).toBe('00');
    expect(coverage.relationship?.coding).toEqual([
      { system: 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/InsuredPersonCategory', code: '1', display: '被保険者' },
    ]);
    expect(coverage.period).toEqual({ start: '2024-08-01', end: '2025-07-31' });
    expect(coverage.status).toBe('active');
    expect(coverage.payor).toEqual([{ reference: 'urn:uuid:o', display: '新宿区' }]);
  });

  it('a dependant is relationship 2 被扶養者; a lost qualification ends the day before 資格喪失年月日; invalid → cancelled', () => {
    const lost = coverageOf(
      {
        ...kokuho,
        personalFamilyClassification: '2',
        insuredCardValidDate: undefined,
        insuredCardExpirationDate: undefined,
        qualificationDate: '20170401',
        disqualificationDate: '20250401',
      },
      { patient: 'p', insurer: 'o' },
      { qualificationValidity: '2' },
    );
    expect(lost.relationship?.coding[0]).toMatchObject({ code: '2', display: '被扶養者' });
    expect(lost.period).toEqual({ start: '2017-04-01', end: '2025-03-31' });
    expect(lost.status).toBe('cancelled');
  });

  it('Patient: kanji (IDE) and full-width kana (SYL) names, gender, birth date, address, 患者ID under the institution OID', () => {
    const patient = patientOf(kokuho, { institutionCode: '1311111111' });
    expect(patient.meta.profile).toEqual([JP_CORE.patientProfile]);
    expect(patient.identifier).toEqual([{ system: 'urn:oid:1.2.392.100495.20.3.51.11311111111', value: '24434' }]);
    expect(patient.name).toEqual([
      {
        extension: [{ url: JP_CORE.nameRepresentation, valueCode: 'IDE' }],
        use: 'official',
        text: '髙橋　一郎',
        family: '髙橋',
        given: ['一郎'],
      },
      {
        extension: [{ url: JP_CORE.nameRepresentation, valueCode: 'SYL' }],
        use: 'official',
        text: 'タカハシ イチロウ',
        family: 'タカハシ',
        given: ['イチロウ'],
      },
    ]);
    expect(patient.gender).toBe('male');
    expect(patient.birthDate).toBe('1952-06-15');
    expect(patient.address).toEqual([{ text: '東京都新宿区西新宿２－８－１', postalCode: '163-8001', country: 'JP' }]);
    expect(patientOf({ ...kokuho, address: undefined, postNumber: undefined }).address).toBeUndefined();
  });

  it('Bundle: a collection of Patient, the insurer Organization (保険者番号 OID) and Coverage referencing both', () => {
    const bundle = confirmationBundle([kokuho]);
    expect(bundle.type).toBe('collection');
    expect(bundle.entry.map((e) => e.resource.resourceType)).toEqual(['Patient', 'Organization', 'Coverage']);
    const [patient, org, coverage] = bundle.entry;
    expect(org?.resource).toMatchObject({
      identifier: [{ system: 'urn:oid:1.2.392.100495.20.3.61', value: '00138057' }],
      name: '新宿区',
    });
    expect(coverage?.resource).toMatchObject({
      beneficiary: { reference: patient?.fullUrl },
      payor: [{ reference: org?.fullUrl }],
    });
    for (const e of bundle.entry) {
      expect(e.fullUrl).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(confirmationBundle([kokuho])).toEqual(bundle);
  });
});
