import { describe, expect, it } from 'vitest';
import { OqsError } from './errors.js';
import {
  faceFileName,
  isRequestFileName,
  parseFaceFileName,
  parseRequestFileName,
  responseFileName,
  responseKindOfFile,
} from './fileNames.js';

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (thrown) {
    if (thrown instanceof OqsError) {
      return thrown.code;
    }
    throw thrown;
  }
  throw new Error('expected an OqsError');
}

describe('file-interface names (oqs-interface.md §1)', () => {
  it('a request prefix names the message kind; the id is kept', () => {
    expect(parseRequestFileName('OQSsiquc01req_202504010001.xml')).toEqual({
      kind: 'OQSsiquc01req',
      id: '202504010001',
    });
    expect(parseRequestFileName('YZKsiquc01req_0220250401120000123.xml').kind).toBe('YZKsiquc01req');
    expect(parseRequestFileName('OQSmuimm02req_x.xml').kind).toBe('OQSmuimm02req');
  });

  it('req → res in the prefix only, never in the id (OQSDrug2 BulkQualificationService)', () => {
    expect(responseFileName('OQSsiquc01req_202504010001.xml')).toBe('OQSsiquc01res_202504010001.xml');
    expect(responseFileName('OQSmuquc02req_request-1.xml')).toBe('OQSmuquc02res_request-1.xml');
    expect(responseKindOfFile('TKKsiquc01req_1.xml')).toBe('TKKsiquc01res');
  });

  it('path traversal, separators, hidden and temporary files are refused: OQS-E-FILE-NAME', () => {
    for (const bad of [
      '../OQSsiquc01req_1.xml',
      'OQSsiquc01req_..%2f.xml',
      'OQSsiquc01req_a/b.xml',
      'OQSsiquc01req_a\\b.xml',
      '.OQSsiquc01req_1.xml',
      'OQSsiquc01req_1.xml.tmp',
      'OQSsiquc01req_1.xml~',
      'OQSsiquc01req_.xml',
      'OQSsiquc01req_1\u0000.xml',
      'OQSsiquc01res_1.xml',
      'hello.xml',
      '',
    ]) {
      expect(codeOf(() => parseRequestFileName(bad))).toBe('OQS-E-FILE-NAME');
      expect(isRequestFileName(bad)).toBe(false);
    }
  });

  it('a well-shaped prefix Onshi does not implement (bulk 医療扶助) is OQS-E-UNSUPPORTED-MESSAGE', () => {
    expect(codeOf(() => parseRequestFileName('OQSmutic01req_1.xml'))).toBe('OQS-E-UNSUPPORTED-MESSAGE');
  });

  it('face file: OQSsiquc01res_face_{医療機関コード10}{id20}_{yyyyMMddHHmmss}.xml in Japan time', () => {
    const name = faceFileName('2714206386', '4da5260a16de5a3d3ad7', new Date('2026-09-29T07:01:12Z'));
    expect(name).toBe('OQSsiquc01res_face_27142063864da5260a16de5a3d3ad7_20260929160112.xml');
    expect(parseFaceFileName(name)).toEqual({
      institutionCode: '2714206386',
      id: '4da5260a16de5a3d3ad7',
      processedAt: '20260929160112',
    });
    expect(parseFaceFileName('OQSsiquc01res_face_2714206386_20260929160112.xml')).toBeUndefined();
    expect(parseFaceFileName('OQSsiquc01res_face_27142063864da5260a16de5a3d3ad7_20261329160112.xml')).toBeUndefined();
    expect(codeOf(() => faceFileName('271420638', '4da5260a16de5a3d3ad7', new Date(0)))).toBe('OQS-E-INSTITUTION-CODE');
    expect(codeOf(() => faceFileName('2714206386', '../../etc/passwd0000', new Date(0)))).toBe('OQS-E-FILE-NAME');
  });
});
