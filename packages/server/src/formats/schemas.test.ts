import { readFileSync } from 'node:fs';
import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import { MESSAGES, QualificationConfirmSearchInfo, isMessageKind, responseKindOf } from './schemas.js';
import { parseJsonMessage, parseXmlMessage, serialiseXmlString } from './oqs-xml/index.js';

const searchJson = {
  messageHeader: { qualificationConfirmationDate: '20250401', medicalInstitutionCode: '1311111111' },
  messageBody: {
    qualificationConfirmSearchInfo: {
      insurerNumber: '01234567',
      insuredCardSymbol: '１２－３４',
      insuredIdentificationNumber: '1987654',
      insuredBranchNumber: '01',
      birthdate: '20000102',
    },
  },
};

function withSearch(patch: Record<string, unknown>): unknown {
  return {
    ...searchJson,
    messageBody: {
      qualificationConfirmSearchInfo: { ...searchJson.messageBody.qualificationConfirmSearchInfo, ...patch },
    },
  };
}

function jsonError(kind: Parameters<typeof parseJsonMessage>[0], body: unknown): { code: string; detail?: string } {
  const result = parseJsonMessage(kind, body);
  if (result.ok) {
    throw new Error('expected a coded error');
  }
  return { code: result.error.code, ...(result.error.detail === undefined ? {} : { detail: result.error.detail }) };
}

describe('one JSON schema per message (issue 6 "Formats and interfaces")', () => {
  it('every request kind has a response kind and both are schemas', () => {
    for (const kind of Object.keys(MESSAGES)) {
      expect(isMessageKind(kind)).toBe(true);
      if (kind.endsWith('req')) {
        expect(Object.keys(MESSAGES)).toContain(kind.replace(/req$/, 'res'));
      }
    }
    expect(responseKindOf('OQSmuimm02req')).toBe('OQSmuimm02res');
  });

  it('the schema documents wire formats: dates yyyyMMdd, lengths, code tables', () => {
    const search = Compile(QualificationConfirmSearchInfo);
    const good = searchJson.messageBody.qualificationConfirmSearchInfo;
    expect(search.Check(good)).toBe(true);
    expect(search.Check({ ...good, birthdate: '2000-01-02' })).toBe(false);
    expect(search.Check({ ...good, insuredBranchNumber: '1' })).toBe(false);
    expect(search.Check({ ...good, insurerNumber: '1234567' })).toBe(false);
    expect(search.Check({ ...good, limitApplicationCertificateRelatedConsFlg: '2' })).toBe(false);
    expect(search.Check({ ...good, insuredIdentificationNumber: 'x'.repeat(41) })).toBe(false);
  });

  it('a good JSON request is accepted and normalised like XML: widths folded, 国保 padding removed', () => {
    const result = parseJsonMessage(
      'OQSsiquc01req',
      withSearch({ insurerNumber: '  138057', birthdate: '２０００0102 ' }),
    );
    expect(result.ok && result.value.messageBody.qualificationConfirmSearchInfo).toMatchObject({
      insurerNumber: '138057',
      birthdate: '20000102',
    });
  });

  it('bad JSON requests get the same coded errors as XML, with a JSON pointer', () => {
    expect(jsonError('OQSsiquc01req', withSearch({ birthdate: undefined }))).toEqual({
      code: 'OQS-E-FIELD-MISSING',
      detail: '/messageBody/qualificationConfirmSearchInfo/birthdate',
    });
    expect(jsonError('OQSsiquc01req', withSearch({ insurerNumber: 1234567 })).code).toBe('OQS-E-FIELD-INVALID');
    expect(jsonError('OQSsiquc01req', withSearch({ insurerNumber: '1234567' })).code).toBe('OQS-E-INSURER-NUMBER');
    expect(jsonError('OQSsiquc01req', withSearch({ birthdate: '20230229' })).code).toBe('OQS-E-FIELD-INVALID');
    expect(jsonError('OQSsiquc01req', withSearch({ insuredCardSymbol: 'x'.repeat(41) }))).toEqual({
      code: 'OQS-E-FIELD-TOO-LONG',
      detail: expect.stringContaining('/messageBody/qualificationConfirmSearchInfo/insuredCardSymbol longer than'),
    });
    expect(jsonError('OQSsiquc01req', withSearch({ insurerNumber: 1234567 })).detail).toBe(
      '/messageBody/qualificationConfirmSearchInfo/insurerNumber must be a string',
    );
    expect(jsonError('OQSsiquc01req', 'not an object').code).toBe('OQS-E-JSON-MALFORMED');
    expect(jsonError('OQSsiquc01req', { messageHeader: [], messageBody: {} }).code).toBe('OQS-E-JSON-MALFORMED');
    expect(
      jsonError('OQSmuquc01req', { ...searchJson, messageBody: { qualificationConfirmSearchInfo: [] } }).code,
    ).toBe('OQS-E-FIELD-MISSING');
  });

  it('a single object where a list is expected is taken as a list of one', () => {
    const result = parseJsonMessage('OQSmuquc01req', searchJson);
    expect(result.ok && result.value.messageBody.qualificationConfirmSearchInfo).toHaveLength(1);
  });

  it('JSON ⇄ XML is mechanical: the XML of a JSON message reads back as the same JSON, and the reverse', () => {
    const fromJson = parseJsonMessage('OQSsiquc01req', searchJson);
    if (!fromJson.ok) {
      throw new Error(fromJson.error.message);
    }
    const xml = serialiseXmlString('OQSsiquc01req', fromJson.value, 'utf8');
    expect(xml).toContain('<QualificationConfirmSearchInfo><InsurerNumber>01234567</InsurerNumber>');
    const fromXml = parseXmlMessage('OQSsiquc01req', xml);
    expect(fromXml.ok && fromXml.value).toEqual(fromJson.value);

    const full = readFileSync(new URL('./oqs-xml/fixtures/OQSsiquc01res_full.xml', import.meta.url), 'utf8');
    const response = parseXmlMessage('OQSsiquc01res', full);
    const again = response.ok
      ? parseJsonMessage('OQSsiquc01res', JSON.parse(JSON.stringify(response.value)))
      : undefined;
    expect(again?.ok && response.ok && again.value).toEqual(response.ok && response.value);
  });

  it('every message kind serialises an empty skeleton without throwing (every schema node is mapped)', () => {
    for (const kind of Object.keys(MESSAGES)) {
      if (isMessageKind(kind)) {
        expect(() => serialiseXmlString(kind, { messageHeader: {}, messageBody: {} } as never, 'utf8')).not.toThrow();
      }
    }
  });
});
