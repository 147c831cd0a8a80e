import { describe, expect, it } from 'vitest';
import { sampleLateElderlyCertificate, sampleNationalCertificate, sampleQualificationNotice } from './samples.js';
import type { EligibilityCertificateData, QualificationNoticeData } from './types.js';
import { DocumentDataError, validateEligibilityCertificate, validateQualificationNotice } from './validate.js';

/** The issue codes a validation throws, or [] when it passes. */
function codesOf(check: () => void): string[] {
  try {
    check();
    return [];
  } catch (error) {
    if (error instanceof DocumentDataError) {
      return error.issues.map((issue) => issue.code);
    }
    throw error;
  }
}

function notice(patch: Partial<QualificationNoticeData>): () => void {
  return () => {
    validateQualificationNotice({ ...sampleQualificationNotice(), ...patch });
  };
}

function checkCertificate(data: EligibilityCertificateData): () => void {
  return () => {
    validateEligibilityCertificate(data);
  };
}

function certificate(patch: Partial<EligibilityCertificateData>): () => void {
  return () => {
    validateEligibilityCertificate({ ...sampleNationalCertificate(), ...patch });
  };
}

describe('document data validation', () => {
  it('accepts the samples', () => {
    expect(codesOf(notice({}))).toEqual([]);
    expect(codesOf(certificate({}))).toEqual([]);
    expect(codesOf(checkCertificate(sampleLateElderlyCertificate()))).toEqual([]);
  });

  it('wants 枝番 as exactly 2 half-width digits (rules.md §1.2, test case 11)', () => {
    expect(codesOf(notice({ member: { symbol: '12345678', number: '1234567', branch: '5' } }))).toEqual([
      'BRANCH_FORMAT',
    ]);
    expect(codesOf(notice({ member: { symbol: '12345678', number: '1234567', branch: '０１' } }))).toEqual([
      'BRANCH_FORMAT',
    ]);
    expect(codesOf(notice({ member: { symbol: '12345678', number: '1234567' } }))).toEqual([]);
  });

  it('refuses a 記号 mixing half- and full-width characters (rules.md §1.2, test case 11)', () => {
    expect(codesOf(notice({ member: { symbol: '１２3', number: '1234567', branch: '00' } }))).toEqual([
      'SYMBOL_MIXED_WIDTH',
    ]);
    expect(codesOf(notice({ member: { symbol: 'あい　う', number: '1234567', branch: '00' } }))).toEqual([
      'SYMBOL_FULL_WIDTH_SPACE',
    ]);
    expect(codesOf(notice({ member: { symbol: 'あいう', number: '１８７', branch: '05' } }))).toEqual([]);
  });

  it('wants the last four digits of the My Number as exactly 4 digits', () => {
    expect(codesOf(notice({ individualNumberLast4: '682' }))).toEqual(['DOC_BAD_LAST4']);
    expect(codesOf(notice({ individualNumberLast4: '68251' }))).toEqual(['DOC_BAD_LAST4']);
    expect(codesOf(notice({ individualNumberLast4: '６８２５' }))).toEqual(['DOC_BAD_LAST4']);
  });

  it('refuses data that carries a My Number, under its name or as any 12-digit run (CONTRIBUTING privacy)', () => {
    const carrying = { ...sampleQualificationNotice(), individualNumber: '123456789018' };
    expect(
      codesOf(() => {
        validateQualificationNotice(carrying);
      }),
    ).toContain('DOC_INDIVIDUAL_NUMBER');
    expect(codesOf(notice({ nameKanji: '協会 太郎 123456789018' }))).toContain('DOC_INDIVIDUAL_NUMBER');
    expect(codesOf(certificate({ address: '練馬区１２３４５６７８９０１８' }))).toContain('DOC_INDIVIDUAL_NUMBER');
  });

  it('keeps the QR payload an ASCII https URL (stack-notes.md, QR codes)', () => {
    expect(codesOf(notice({ portalUrl: 'http://myna.go.jp/' }))).toEqual(['DOC_BAD_URL']);
    expect(codesOf(notice({ portalUrl: 'https://マイナ.jp/' }))).toEqual(['DOC_BAD_URL']);
    expect(codesOf(notice({ portalUrl: 'not a url' }))).toEqual(['DOC_BAD_URL']);
  });

  it('wants a valid 保険者番号 as printed, of the scheme the document claims (rules.md §1.1, test cases 4, 8)', () => {
    expect(codesOf(notice({ insurer: { number: '01130013', name: '協会けんぽ' } }))).toEqual([
      'INSURER_NUMBER_CHECK_DIGIT',
    ]);
    expect(codesOf(certificate({ insurer: { number: '00138016', name: '練馬区' } }))).toEqual([
      'DOC_INSURER_NUMBER_NOT_AS_PRINTED',
    ]);
    expect(codesOf(notice({ scheme: 'kumiai' }))).toEqual(['DOC_SCHEME_MISMATCH']);
    const late = sampleLateElderlyCertificate();
    expect(codesOf(checkCertificate({ ...late, insurer: { ...late.insurer, number: '01130012' } }))).toEqual([
      'DOC_SCHEME_MISMATCH',
    ]);
  });

  it('refuses a 記号 or 枝番 on a 後期 document, whose 被保険者番号 is 8 digits (rules.md §1.1)', () => {
    const late = sampleLateElderlyCertificate();
    expect(codesOf(checkCertificate({ ...late, member: { symbol: '1', number: '12345678' } }))).toEqual([
      'DOC_BAD_MEMBER_ID',
    ]);
    expect(codesOf(checkCertificate({ ...late, member: { number: '1234567' } }))).toEqual(['DOC_BAD_MEMBER_ID']);
  });

  it('wants フリガナ in katakana and dates as YYYY-MM-DD', () => {
    expect(codesOf(notice({ nameKana: 'きょうかい たろう' }))).toEqual(['DOC_BAD_KANA']);
    expect(codesOf(notice({ birthDate: '1989/10/01' }))).toEqual(['DOC_BAD_DATE']);
  });

  it('refuses dates out of order: 資格取得 before birth, information date after issue', () => {
    expect(codesOf(notice({ acquiredOn: '1980-01-01' }))).toEqual(['DOC_DATES_OUT_OF_ORDER']);
    expect(codesOf(notice({ asOf: '2024-10-26' }))).toEqual(['DOC_DATES_OUT_OF_ORDER']);
  });

  it('lists every issue at once, with a Japanese and an English message', () => {
    try {
      validateQualificationNotice({ ...sampleQualificationNotice(), individualNumberLast4: 'x', nameKana: 'abc' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DocumentDataError);
      const e = error as DocumentDataError;
      expect(e.issues.map((issue) => issue.field).sort()).toEqual(['individualNumberLast4', 'nameKana']);
      expect(e.messages.ja).toContain('(+1)');
      expect(e.issues.every((issue) => issue.message.ja !== '' && issue.message.en !== '')).toBe(true);
    }
  });

  describe('有効期限 of the お知らせ: only from 高齢受給者 age, ending before 後期 (documents-and-screens.md §2)', () => {
    // Born 1955-04-01: 「70歳に達する日」 is 2025-03-31, so 高齢受給者 from 2025-04-01 (rules.md §2, test case 15).
    const born = { birthDate: '1955-04-01', acquiredOn: '2020-01-01' };

    it('has none the day before 高齢受給者 age, and needs one from that day', () => {
      expect(codesOf(notice({ ...born, asOf: '2025-03-31', issuedOn: '2025-03-31' }))).toEqual([]);
      expect(codesOf(notice({ ...born, asOf: '2025-04-01', issuedOn: '2025-04-01' }))).toEqual([
        'DOC_VALID_UNTIL_REQUIRED',
      ]);
      expect(codesOf(notice({ ...born, asOf: '2025-03-31', issuedOn: '2025-03-31', validTo: '2025-07-31' }))).toEqual([
        'DOC_VALID_UNTIL_NOT_ALLOWED',
      ]);
    });

    it('ends at the latest on the day before the 75th birthday', () => {
      const at = { ...born, asOf: '2025-04-01', issuedOn: '2025-04-01', copayRate: 0.2 as const };
      expect(codesOf(notice({ ...at, validTo: '2030-03-31' }))).toEqual([]);
      expect(codesOf(notice({ ...at, validTo: '2030-04-01' }))).toEqual(['DOC_VALIDITY_PAST_75']);
    });
  });

  describe('一部負担金の割合 on the 資格確認書 (documents-and-screens.md §1.2)', () => {
    const born = { birthDate: '1955-04-01', acquiredOn: '2020-01-01', validTo: '2026-07-31' };

    it('is absent under 70 and required from 高齢受給者 age (rules.md §2, test case 15)', () => {
      expect(codesOf(certificate({ ...born, issuedOn: '2025-03-31' }))).toEqual([]);
      expect(codesOf(certificate({ ...born, issuedOn: '2025-04-01' }))).toEqual(['DOC_COPAY_REQUIRED']);
      expect(
        codesOf(certificate({ ...born, issuedOn: '2025-03-31', copay: { rate: 0.2, validFrom: '2025-04-01' } })),
      ).toEqual(['DOC_COPAY_NOT_ALLOWED']);
    });

    it('is always required for 後期', () => {
      const { copay: _unused, ...late } = sampleLateElderlyCertificate();
      expect(codesOf(checkCertificate(late))).toEqual(['DOC_COPAY_REQUIRED']);
    });

    it('has its previous rate end the day before the new rate takes effect (§1.2 [P8])', () => {
      const late = sampleLateElderlyCertificate();
      const copay = {
        rate: 0.2 as const,
        validFrom: '2025-08-01',
        previous: { rate: 0.3 as const, validTo: '2025-07-01' },
      };
      expect(codesOf(checkCertificate({ ...late, copay }))).toEqual(['DOC_DATES_OUT_OF_ORDER']);
    });
  });

  it('limits a 資格確認書 to 5 years from issue (rules.md §5: validity ≤ 5 years)', () => {
    const issued = { issuedOn: '2025-12-02', acquiredOn: '2020-01-01', birthDate: '1980-01-01' };
    expect(codesOf(certificate({ ...issued, validTo: '2030-12-01' }))).toEqual([]);
    expect(codesOf(certificate({ ...issued, validTo: '2030-12-02' }))).toEqual(['longerThanFiveYears']);
  });

  it('wants the 特定疾病 自己負担限度額 as a positive whole number of yen', () => {
    const late = sampleLateElderlyCertificate();
    const disease = (selfPayLimit: number): EligibilityCertificateData => ({
      ...late,
      specificDisease: { label: '人工透析', selfPayLimit },
    });
    expect(codesOf(checkCertificate(disease(20_000)))).toEqual([]);
    expect(codesOf(checkCertificate(disease(0)))).toEqual(['DOC_BAD_AMOUNT']);
    expect(codesOf(checkCertificate(disease(10_000.5)))).toEqual(['DOC_BAD_AMOUNT']);
  });

  it('wants a card colour as #rrggbb', () => {
    expect(codesOf(certificate({ color: 'pink' }))).toEqual(['DOC_BAD_COLOR']);
    expect(codesOf(certificate({ color: '#F08C3C' }))).toEqual([]);
  });
});
