import { describe, expect, it } from 'vitest';
import { checkMemberRow, MEMBER_COLUMNS, readDate, readHeader, type MemberColumnKey } from './memberRow.js';

const HEADER = MEMBER_COLUMNS.map((c) => c.header);
const layout = (): Map<MemberColumnKey, number> => {
  const h = readHeader(HEADER);
  if (!h.ok) {
    throw new Error('header');
  }
  return h.index;
};

/** A valid insured row of a 協会けんぽ member (docs/import-format.md §2), with overrides by header. */
function row(overrides: Record<string, string> = {}): string[] {
  const base: Record<string, string> = {
    記号: '12345678',
    番号: '1',
    枝番: '00',
    本人家族: '1',
    本人番号: '',
    本人枝番: '',
    氏名: '山田　太郎',
    カナ氏名: 'ヤマダ　タロウ',
    生年月日: '1980-05-01',
    性別: '1',
    郵便番号: '100-0001',
    都道府県: '',
    住所: '東京都千代田区千代田1-1',
    資格取得日: '2026-04-01',
    負担割合: '3',
    負担割合適用開始日: '',
    限度額適用区分: 'A03',
    限度額適用開始日: '',
    個人番号: '',
    被保険者証区分: '',
  };
  const merged = { ...base, ...overrides };
  return HEADER.map((h) => merged[h] ?? '');
}

const kyokai = { insurerNumber: '01130012', scheme: 'kyokai' as const };

function codes(
  fields: string[],
  insurer: { insurerNumber: string; scheme: 'kyokai' | 'lateElderly' | 'kokuho' } = kyokai,
) {
  const r = checkMemberRow(2, fields, layout(), insurer);
  return r.ok ? [] : r.rejects.map((x) => `${x.column}:${x.code}`);
}

describe('member CSV header (docs/import-format.md §2)', () => {
  it('accepts the Japanese headers or the English aliases in any order', () => {
    expect(readHeader([...HEADER].reverse()).ok).toBe(true);
    expect(readHeader(MEMBER_COLUMNS.map((c) => c.alias)).ok).toBe(true);
  });

  it('names a missing required column and an unknown one', () => {
    const h = readHeader(HEADER.filter((x) => x !== '生年月日').concat('備考'));
    expect(h.ok).toBe(false);
    expect(h.ok ? [] : h.rejects.map((r) => `${r.column}:${r.code}`)).toEqual([
      '備考:IMPORT_HEADER_UNKNOWN',
      '生年月日:IMPORT_HEADER_MISSING',
    ]);
  });
});

describe('dates as insurers write them', () => {
  it('reads ISO, slashes, eight digits and 和暦 (core parseWareki), and refuses dates that do not exist', () => {
    expect(readDate('1980-05-01')).toBe('1980-05-01');
    expect(readDate('1980/5/1')).toBe('1980-05-01');
    expect(readDate('19800501')).toBe('1980-05-01');
    expect(readDate('昭和55年5月1日')).toBe('1980-05-01');
    expect(readDate('R8.4.1')).toBe('2026-04-01');
    expect(readDate('2025-02-29')).toBeNull();
    expect(readDate('平成32年1月1日')).toBeNull();
  });
});

describe('one member row, checked with the core rules', () => {
  it('accepts a valid insured row and gives the Store fields (postal code hyphenated, prefecture from the address)', () => {
    const r = checkMemberRow(2, row({ 郵便番号: '1000001' }), layout(), kyokai);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.row).toMatchObject({
        postalCode: '100-0001',
        prefecture: '13',
        copayRate: 0.3,
        relationship: 'insured',
      });
      expect(r.row.copayRateFrom).toBe('2026-04-01');
    }
  });

  it('refuses a My Number whose check digit does not match (施行令第8条), without echoing it', () => {
    const r = checkMemberRow(2, row({ 個人番号: '123456789012' }), layout(), kyokai);
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.rejects.map((x) => x.code)).toEqual(['INDIVIDUAL_NUMBER_CHECK_DIGIT']);
    expect(JSON.stringify(r)).not.toContain('123456789012');
  });

  it('refuses mixed-width 記号 and a 3-digit 枝番 (rules.md §1.2, test case 11)', () => {
    expect(codes(row({ 記号: 'ＡB12', 枝番: '001' }))).toEqual(['記号:SYMBOL_MIXED_WIDTH', '枝番:BRANCH_FORMAT']);
  });

  it('refuses a working-age member at 2割 and a preschool child at 3割 (rules.md §2, test cases 12–13)', () => {
    expect(codes(row({ 負担割合: '2' }))).toEqual(['負担割合:IMPORT_COPAY_RATE_RULE']);
    expect(codes(row({ 生年月日: '2022-06-01', 負担割合: '3', 限度額適用区分: '' }))).toEqual([
      '負担割合:IMPORT_COPAY_RATE_RULE',
    ]);
    expect(codes(row({ 生年月日: '2022-06-01', 負担割合: '2', 限度額適用区分: '' }))).toEqual([]);
  });

  it('refuses a person from the 75th birthday in 被用者保険: they belong to 後期 (rules.md §2, test case 18)', () => {
    expect(codes(row({ 生年月日: '1950-01-01', 負担割合: '2', 限度額適用区分: 'B04' }))).toEqual([
      '負担割合:belongsToLateElderly',
    ]);
  });

  it('marks a 70–74 member as 高齢受給者 until the day before the 75th birthday (rules.md §2 [S11])', () => {
    const r = checkMemberRow(
      2,
      row({ 生年月日: '1955-06-10', 負担割合: '2', 限度額適用区分: 'B04' }),
      layout(),
      kyokai,
    );
    expect(r.ok && r.row.elderlyRecipientTo).toBe('2030-06-09');
  });

  it('refuses a B 限度額区分 under 70 and 一般Ⅰ outside 後期 (rules.md §3)', () => {
    expect(codes(row({ 限度額適用区分: 'B04' }))).toEqual(['限度額適用区分:IMPORT_LIMIT_CATEGORY_AGE']);
    expect(codes(row({ 生年月日: '1955-06-10', 負担割合: '2', 限度額適用区分: 'B10' }))).toEqual([
      '限度額適用区分:IMPORT_LIMIT_CATEGORY_AGE',
    ]);
  });

  it('refuses a dependant in 国保, and a dependant without the insured number in 被用者保険', () => {
    expect(codes(row({ 本人家族: '2', 本人番号: '1' }), { insurerNumber: '131011', scheme: 'kokuho' })).toEqual([
      '本人家族:IMPORT_DEPENDANT_NOT_IN_SCHEME',
    ]);
    expect(codes(row({ 本人家族: '2' }))).toEqual(['本人番号:IMPORT_REQUIRED']);
  });

  it('wants an 8-digit 被保険者番号 without 記号・枝番 in 後期 (rules.md §1.1)', () => {
    const late = { insurerNumber: '39131015', scheme: 'lateElderly' as const };
    expect(codes(row({ 生年月日: '1945-01-01', 負担割合: '1', 限度額適用区分: 'B10' }), late)).toEqual([
      '記号:IMPORT_LATE_ELDERLY_NUMBER',
      '番号:IMPORT_LATE_ELDERLY_NUMBER',
      '枝番:IMPORT_LATE_ELDERLY_NUMBER',
    ]);
    expect(
      codes(
        row({ 記号: '', 番号: '12345678', 枝番: '', 生年月日: '1945-01-01', 負担割合: '1', 限度額適用区分: 'B10' }),
        late,
      ),
    ).toEqual([]);
  });

  it('refuses hiragana kana, a birth after acquisition, and text broken by a wrong encoding', () => {
    expect(codes(row({ カナ氏名: 'やまだ　たろう' }))).toEqual(['カナ氏名:IMPORT_KANA']);
    expect(codes(row({ 生年月日: '2026-05-01', 限度額適用区分: '' }))).toContain(
      '資格取得日:IMPORT_DATES_OUT_OF_ORDER',
    );
    expect(codes(row({ 氏名: '山\uFFFD太郎' }))).toEqual(['氏名:IMPORT_ENCODING']);
  });
});
