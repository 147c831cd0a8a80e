import { readFileSync, readdirSync } from 'node:fs';
import iconv from 'iconv-lite';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OqsError } from '../errors.js';
import { isMessageKind, type MessageKind } from '../schemas.js';
import {
  DEFAULT_LIMITS,
  errorXmlString,
  parseXmlMessage,
  responseEncoding,
  resultError,
  serialiseXml,
  serialiseXmlString,
  type XmlEncoding,
} from './index.js';

const FIXTURES = new URL('./fixtures/', import.meta.url);

function fixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

/** The fixture text re-declared and encoded in `encoding`, as a clinic would send it. */
function bytesIn(text: string, encoding: XmlEncoding): Buffer {
  const declared = text.replace(/encoding="[^"]+"/, `encoding="${encoding === 'utf8' ? 'UTF-8' : 'Shift_JIS'}"`);
  return encoding === 'utf8' ? Buffer.from(declared, 'utf8') : iconv.encode(declared, 'cp932');
}

function kindOf(file: string): MessageKind {
  const prefix = file.slice(0, 13);
  if (!isMessageKind(prefix)) {
    throw new Error(`fixture ${file} has no known prefix`);
  }
  return prefix;
}

function parsed<K extends MessageKind>(kind: K, input: Uint8Array | string) {
  const result = parseXmlMessage(kind, input);
  if (!result.ok) {
    throw new Error(`expected ${kind} to parse: ${result.error.message}`);
  }
  return result;
}

function refused(kind: MessageKind, input: Uint8Array | string, limits = DEFAULT_LIMITS): OqsError {
  const result = parseXmlMessage(kind, input, limits);
  if (result.ok) {
    throw new Error('expected a coded error');
  }
  return result.error;
}

/** The fixture as Onshi writes it: no comments, no whitespace between tags. */
function compact(text: string): string {
  return text
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/>\s+</g, '><')
    .trim();
}

const searchXml = fixture('OQSsiquc01req_search.xml');

describe('round trip of the documented tag layout (oqs-interface.md §2–§6), in both encodings', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.xml'));

  it('has a fixture for every request and for the single, bulk and medical-information results', () => {
    expect(files.map(kindOf).sort()).toEqual(
      [
        'OQSmuimm01req',
        'OQSmuquc01req',
        'OQSmuquc02req',
        'OQSmuquc02res',
        'OQSsiimm01req',
        'OQSsiquc01req',
        'OQSsiquc01res',
        'TKKsiquc01req',
        'TKKsiquc01res',
        'YZKsiquc01req',
        'YZKsiquc01res',
      ].sort(),
    );
  });

  for (const file of files) {
    for (const encoding of ['utf8', 'shiftJis'] as const) {
      it(`${file} in ${encoding}: parse → serialise → parse gives the same message`, () => {
        const kind = kindOf(file);
        const first = parsed(kind, bytesIn(fixture(file), encoding));
        expect(first.encoding).toBe(encoding);
        const again = parsed(kind, serialiseXml(kind, first.value, encoding));
        const expected = structuredClone(first.value);
        if (kind.endsWith('res')) {
          // A response states the encoding it was written in (OQSCD005).
          Reflect.set(expected.messageHeader, 'characterCodeIdentifier', encoding === 'utf8' ? '0' : '1');
        }
        expect(again.value).toEqual(expected);
        expect(again.encoding).toBe(encoding);
      });
    }
  }

  for (const file of files.filter((f) => f.slice(10, 13) === 'res')) {
    it(`${file}: Onshi writes exactly the documented tags in the documented order`, () => {
      const kind = kindOf(file);
      const text = fixture(file);
      expect(serialiseXmlString(kind, parsed(kind, text).value, 'utf8')).toBe(compact(text).replace('?><', '?>\n<'));
    });
  }

  it('a Shift_JIS response says so in its declaration and CharacterCodeIdentifier 1 (OQSCD005)', () => {
    const message = parsed('OQSsiquc01res', fixture('OQSsiquc01res_full.xml')).value;
    const bytes = serialiseXml('OQSsiquc01res', message, 'shiftJis');
    const text = iconv.decode(bytes, 'cp932');
    expect(text.startsWith('<?xml version="1.0" encoding="Shift_JIS" standalone="no"?>')).toBe(true);
    expect(text).toContain('<CharacterCodeIdentifier>1</CharacterCodeIdentifier>');
    expect(text).toContain('<InsuredName>髙橋　一郎</InsuredName>');
    expect(bytes.includes(Buffer.from('髙橋', 'utf8'))).toBe(false);
  });
});

describe('reading requests (oqs-interface.md §3–§6)', () => {
  it('資格確認: QualificationConfirmSearchInfo becomes the camelCase JSON form; 記号 keeps its widths', () => {
    const { value } = parsed('OQSsiquc01req', searchXml);
    expect(value.messageHeader).toEqual({
      qualificationConfirmationDate: '20250401',
      medicalInstitutionCode: '1311111111',
      arbitraryFileIdentifier: '202504010001',
    });
    expect(value.messageBody.qualificationConfirmSearchInfo).toEqual({
      insurerNumber: '01234567',
      insuredCardSymbol: '１２－３４',
      insuredIdentificationNumber: '1987654',
      insuredBranchNumber: '01',
      birthdate: '20000102',
      limitApplicationCertificateRelatedConsFlg: '1',
      arbitraryIdentifier: 'karte-0042',
    });
  });

  it('一括照会 upload in Shift_JIS: 6-digit 国保 numbers padded with spaces or zeros, full-width digits, padding, unknown elements', () => {
    const result = parsed('OQSmuquc01req', bytesIn(fixture('OQSmuquc01req_booked.xml'), 'shiftJis'));
    expect(result.encoding).toBe('shiftJis');
    const [a, b, c] = result.value.messageBody.qualificationConfirmSearchInfo;
    expect(a).toMatchObject({
      insurerNumber: '06139999',
      insuredCardSymbol: 'あいう',
      insuredIdentificationNumber: '１８７',
    });
    expect(b).toMatchObject({ insurerNumber: '138057', birthdate: '19520615' });
    expect(c).toEqual({ insurerNumber: '138057', insuredIdentificationNumber: '5679', birthdate: '19550401' });
  });

  it('a list with one entry is still a list (single-vs-array tolerance)', () => {
    const one = searchXml.replace('<MedicalInstitutionCode>', '<MedicalInstitutionCode>');
    const { value } = parsed('OQSmuquc01req', one);
    expect(value.messageBody.qualificationConfirmSearchInfo).toHaveLength(1);
  });

  it('一括照会 download, 照会番号登録 single and bulk carry their own bodies', () => {
    expect(parsed('OQSmuquc02req', fixture('OQSmuquc02req_poll.xml')).value.messageBody.receptionNumber).toBe(
      'R20250402000123',
    );
    expect(
      parsed('OQSsiimm01req', fixture('OQSsiimm01req_register.xml')).value.messageBody.referenceNumberRegistrationInfo,
    ).toEqual({ referenceNumber: '24434', insurerNumber: '123456', insuredIdentificationNumber: '001' });
    expect(
      parsed('OQSmuimm01req', fixture('OQSmuimm01req_register.xml')).value.messageBody.referenceNumberRegistrationInfo,
    ).toHaveLength(2);
  });

  it('薬剤/特定健診 requests use their different header names (InsuranceCardSymbol, InsuredPersonIdentificationNumber, BranchNumber)', () => {
    const drugs = parsed('YZKsiquc01req', bytesIn(fixture('YZKsiquc01req_drugs.xml'), 'shiftJis')).value;
    expect(drugs.messageHeader).toMatchObject({
      insurerNumber: '06139999',
      insuranceCardSymbol: 'あいう',
      insuredPersonIdentificationNumber: '１８７',
      branchNumber: '05',
    });
    expect(drugs.messageBody).toEqual({
      startDate: '202204',
      endDate: '202504',
      fileCategory: '2',
      prDiInfClassification: '1',
      medicalTreatmentFlag: '1',
    });
    const checkups = parsed('TKKsiquc01req', fixture('TKKsiquc01req_checkups.xml')).value;
    expect(checkups.messageBody.fileCategory).toBe('2');
  });

  it('the face file is an OQSsiquc01res; its ReferenceNumber comes back (照会番号, §5)', () => {
    const result = parsed('OQSsiquc01res', fixture('OQSsiquc01res_full.xml')).value;
    expect(result.messageBody.resultList?.[0]?.referenceNumber).toBe('24434');
    expect(result.messageBody.resultList?.[0]?.insurerNumber).toBe('138057');
  });

  it('a UTF-8 byte order mark and an undeclared encoding are read as UTF-8', () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(searchXml)]);
    expect(parsed('OQSsiquc01req', bom).encoding).toBe('utf8');
    const undeclared = searchXml.replace(/^<\?xml[^>]*>\n/, '');
    expect(parsed('OQSsiquc01req', Buffer.from(undeclared)).encoding).toBe('utf8');
  });

  it('character references and CDATA are resolved', () => {
    const xml = searchXml.replace('karte-0042', 'a&amp;b&#x41;<![CDATA[<c>]]>');
    expect(parsed('OQSsiquc01req', xml).value.messageBody.qualificationConfirmSearchInfo.arbitraryIdentifier).toBe(
      'a&bA<c>',
    );
  });
});

describe('every failure is a coded error, never a crash (issue 6 "Formats and interfaces")', () => {
  it('billion laughs (entity expansion) is refused before parsing: OQS-E-XML-DOCTYPE', () => {
    const lol = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><XmlMsg><MessageHeader>&lol3;</MessageHeader><MessageBody/></XmlMsg>`;
    expect(refused('OQSsiquc01req', Buffer.from(lol)).code).toBe('OQS-E-XML-DOCTYPE');
  });

  it('an external entity (XXE) is refused: OQS-E-XML-DOCTYPE', () => {
    const xxe = searchXml
      .replace('<XmlMsg>', '<!DOCTYPE XmlMsg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<XmlMsg>')
      .replace('karte-0042', '&xxe;');
    expect(refused('OQSsiquc01req', Buffer.from(xxe)).code).toBe('OQS-E-XML-DOCTYPE');
  });

  it('a message over the size cap: OQS-E-TOO-LARGE', () => {
    const limits = { ...DEFAULT_LIMITS, maxBytes: 500 };
    expect(refused('OQSsiquc01req', Buffer.from(searchXml), limits).code).toBe('OQS-E-TOO-LARGE');
  });

  it('an element flood: OQS-E-TOO-MANY-ELEMENTS', () => {
    const flood = searchXml.replace('<ArbitraryIdentifier>', '<X/>'.repeat(1000) + '<ArbitraryIdentifier>');
    const limits = { ...DEFAULT_LIMITS, maxElements: 500 };
    expect(refused('OQSsiquc01req', flood, limits).code).toBe('OQS-E-TOO-MANY-ELEMENTS');
  });

  it('nesting deeper than the cap: OQS-E-XML-MALFORMED', () => {
    const deep = searchXml.replace('karte-0042', '<a>'.repeat(100) + '</a>'.repeat(100));
    expect(refused('OQSsiquc01req', deep).code).toBe('OQS-E-XML-MALFORMED');
  });

  it('an overlong field, padded or not: OQS-E-FIELD-TOO-LONG naming the element', () => {
    const long = searchXml.replace(
      '<InsuredIdentificationNumber>1987654',
      `<InsuredIdentificationNumber>${'9'.repeat(41)}`,
    );
    const error = refused('OQSsiquc01req', long);
    expect(error.code).toBe('OQS-E-FIELD-TOO-LONG');
    expect(error.detail).toContain('QualificationConfirmSearchInfo/InsuredIdentificationNumber');
    const huge = searchXml.replace('karte-0042', 'x'.repeat(100_000));
    expect(refused('OQSsiquc01req', huge).code).toBe('OQS-E-FIELD-TOO-LONG');
  });

  it('Shift_JIS bytes under a UTF-8 declaration, UTF-8 under Shift_JIS, undeclared Shift_JIS, EUC-JP: OQS-E-ENCODING', () => {
    const text = fixture('OQSmuquc01req_booked.xml');
    const sjis = bytesIn(text, 'shiftJis');
    const utf8 = bytesIn(text, 'utf8');
    const sjisDeclaredUtf8 = iconv.encode(text.replace('Shift_JIS', 'UTF-8'), 'cp932');
    const utf8DeclaredSjis = Buffer.from(text, 'utf8');
    const undeclaredSjis = iconv.encode(text.replace(/^<\?xml[^>]*>\n/, ''), 'cp932');
    const eucJp = Buffer.from(text.replace('Shift_JIS', 'EUC-JP'), 'utf8');
    expect(parsed('OQSmuquc01req', sjis).encoding).toBe('shiftJis');
    expect(parsed('OQSmuquc01req', utf8).encoding).toBe('utf8');
    for (const wrong of [sjisDeclaredUtf8, utf8DeclaredSjis, undeclaredSjis, eucJp]) {
      expect(refused('OQSmuquc01req', wrong).code).toBe('OQS-E-ENCODING');
    }
  });

  it('malformed XML (mismatched tags, unclosed root, two roots, unknown entity, stray text): OQS-E-XML-MALFORMED', () => {
    const broken = [
      searchXml.replace('</InsurerNumber>', '</Insurer>'),
      searchXml.replace('</XmlMsg>', ''),
      `${searchXml}<XmlMsg/>`,
      searchXml.replace('karte-0042', '&nbsp;'),
      `junk${searchXml.replace(/^<\?xml[^>]*>/, '')}`,
      '',
      '<',
    ];
    for (const xml of broken) {
      expect(refused('OQSsiquc01req', xml).code).toBe('OQS-E-XML-MALFORMED');
    }
  });

  it('a wrong root, a missing MessageBody or a repeated single element: OQS-E-XML-STRUCTURE', () => {
    expect(refused('OQSsiquc01req', '<Other><MessageHeader/><MessageBody/></Other>').code).toBe('OQS-E-XML-STRUCTURE');
    expect(refused('OQSsiquc01req', searchXml.replace(/<MessageBody>[\s\S]*<\/MessageBody>/, '')).code).toBe(
      'OQS-E-XML-STRUCTURE',
    );
    const twice = searchXml.replace(
      '<Birthdate>20000102</Birthdate>',
      '<Birthdate>20000102</Birthdate><Birthdate>20000103</Birthdate>',
    );
    expect(refused('OQSsiquc01req', twice).code).toBe('OQS-E-XML-STRUCTURE');
  });

  it('an insurer number of neither 8 nor 6 digits: OQS-E-INSURER-NUMBER', () => {
    for (const bad of ['1234567', '12345a78', ' 1234567 8']) {
      const xml = searchXml.replace('<InsurerNumber>01234567', `<InsurerNumber>${bad}`);
      expect(refused('OQSsiquc01req', xml).code).toBe('OQS-E-INSURER-NUMBER');
    }
  });

  it('a missing required field: OQS-E-FIELD-MISSING naming it; an impossible date or unknown code: OQS-E-FIELD-INVALID', () => {
    const missing = refused('OQSsiquc01req', searchXml.replace('<Birthdate>20000102</Birthdate>', ''));
    expect(missing.code).toBe('OQS-E-FIELD-MISSING');
    expect(missing.detail).toBe('XmlMsg/MessageBody/QualificationConfirmSearchInfo/Birthdate');
    expect(refused('OQSsiquc01req', searchXml.replace('20000102', '20000230')).code).toBe('OQS-E-FIELD-INVALID');
    const flag = searchXml.replace('RelatedConsFlg>1<', 'RelatedConsFlg>3<');
    expect(refused('OQSsiquc01req', flag).code).toBe('OQS-E-FIELD-INVALID');
  });

  it('any bytes at all give a result or a coded error, never an exception (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        const result = parseXmlMessage('OQSsiquc01req', bytes);
        return result.ok || result.error.code.startsWith('OQS-E-');
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.nat(searchXml.length), (junk, at) => {
        const result = parseXmlMessage('OQSsiquc01req', searchXml.slice(0, at) + junk + searchXml.slice(at));
        return result.ok || result.error.code.startsWith('OQS-E-');
      }),
    );
  });
});

describe('writing responses', () => {
  const at = new Date('2025-04-01T00:30:15Z');

  it('an error renders as SegmentOfResult 9 with ErrorCode and ErrorMessage, echoing what was read (§2)', () => {
    const xml = errorXmlString(
      'OQSsiquc01res',
      new OqsError('xmlMalformed'),
      { at, medicalInstitutionCode: '1311111111', arbitraryFileIdentifier: 'abc' },
      'utf8',
    );
    expect(xml).toContain('<ProcessExecutionTime>20250401093015</ProcessExecutionTime>');
    expect(xml).toContain('<SegmentOfResult>9</SegmentOfResult><ErrorCode>OQS-E-XML-MALFORMED</ErrorCode>');
    expect(xml).toContain('<ErrorMessage>要求電文の形式に誤りがあります。');
    const back = parsed('OQSsiquc01res', xml).value;
    expect(back.messageHeader).toMatchObject({ segmentOfResult: '9', arbitraryFileIdentifier: 'abc' });
  });

  it('an error for a message whose institution could not be read leaves MedicalInstitutionCode out', () => {
    const xml = errorXmlString(
      'OQSmuquc02res',
      new OqsError('bulkUnknown'),
      { at, medicalInstitutionCode: 'x' },
      'shiftJis',
    );
    expect(xml).not.toContain('MedicalInstitutionCode');
    expect(xml).toContain('<CharacterCodeIdentifier>1</CharacterCodeIdentifier>');
  });

  it('薬剤/健診 errors use ResultCode 2 and MessageContents (§6)', () => {
    const xml = errorXmlString('YZKsiquc01res', new OqsError('consentExpired'), { at }, 'utf8');
    expect(xml).toContain('<ResultCode>2</ResultCode><MessageContents>閲覧の有効期限');
    expect(parsed('YZKsiquc01res', xml).value.messageHeader.resultCode).toBe('2');
  });

  it('ErrorCode/ErrorMessage are written only when SegmentOfResult ≠ 1', () => {
    const xml = serialiseXmlString(
      'OQSsiquc01res',
      {
        messageHeader: {
          processExecutionTime: '20250401093015',
          segmentOfResult: '1',
          errorCode: 'OQS-E-INTERNAL',
          errorMessage: 'x',
          characterCodeIdentifier: '0',
        },
        messageBody: { processingResultStatus: '1' },
      },
      'utf8',
    );
    expect(xml).not.toContain('ErrorCode');
    expect(xml).not.toContain('ErrorMessage');
  });

  it('a per-person error goes into the unit: ProcessingResultStatus 2 with the code (OQSCD004)', () => {
    const unit = {
      qualificationConfirmSearchInfo: {
        insurerNumber: '138057',
        insuredIdentificationNumber: '1',
        birthdate: '20000101',
      },
      ...resultError(new OqsError('noQualification')),
      qualificationValidity: '4' as const,
    };
    const xml = serialiseXmlString(
      'OQSmuquc02res',
      {
        messageHeader: { processExecutionTime: '20250401093015', segmentOfResult: '1', characterCodeIdentifier: '0' },
        messageBody: { bulkConfirmUnit: [unit] },
      },
      'utf8',
    );
    expect(xml).toContain(
      '<ProcessingResultStatus>2</ProcessingResultStatus><ProcessingResultCode>OQS-E-NO-QUALIFICATION</ProcessingResultCode>',
    );
    expect(xml).toContain('<InsurerNumber>  138057</InsurerNumber>');
  });

  it('CharacterCodeIdentifier always states the encoding actually written', () => {
    const message = {
      messageHeader: {
        processExecutionTime: '20250401093015',
        segmentOfResult: '1' as const,
        characterCodeIdentifier: '0' as const,
      },
      messageBody: {},
    };
    expect(serialiseXmlString('OQSsiquc01res', message, 'shiftJis')).toContain(
      '<CharacterCodeIdentifier>1</CharacterCodeIdentifier>',
    );
  });

  it('text is escaped; characters XML cannot carry are dropped; Shift_JIS-less characters become 〓', () => {
    const message = {
      messageHeader: {
        processExecutionTime: '20250401093015',
        segmentOfResult: '1' as const,
        characterCodeIdentifier: '0' as const,
      },
      messageBody: { resultList: [{ name: '𠮷野 <A&B>\u0001?', nameKana: 'ﾖｼﾉ' }] },
    };
    const utf8 = serialiseXmlString('OQSsiquc01res', message, 'utf8');
    expect(utf8).toContain('<Name>𠮷野 &lt;A&amp;B&gt;?</Name>');
    const sjis = iconv.decode(serialiseXml('OQSsiquc01res', message, 'shiftJis'), 'cp932');
    expect(sjis).toContain('<Name>〓野 &lt;A&amp;B&gt;?</Name>');
    expect(parsed('OQSsiquc01res', utf8).value.messageBody.resultList?.[0]?.name).toBe('𠮷野 <A&B>?');
  });

  it('answers in the encoding asked for by CharacterCodeIdentifier, else in the request’s own encoding (OQSCD005)', () => {
    const asked = parsed(
      'OQSsiquc01req',
      searchXml.replace('</MessageHeader>', '<CharacterCodeIdentifier>1</CharacterCodeIdentifier></MessageHeader>'),
    );
    expect(responseEncoding(asked.value, asked.encoding)).toBe('shiftJis');
    const sjis = parsed('OQSmuquc01req', bytesIn(fixture('OQSmuquc01req_booked.xml'), 'shiftJis'));
    expect(responseEncoding(sjis.value, sjis.encoding)).toBe('shiftJis');
    expect(responseEncoding(undefined, undefined)).toBe('utf8');
  });
});
