import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  foldWidth,
  individualNumberCheckDigit,
  individualNumberLast4,
  institutionCodeCheckDigit,
  insurerNumberCheckDigit,
  maskIndividualNumber,
  memberIdentifier,
  parseMemberIdentifier,
  publicRecipientNumberCheckDigit,
  sameMemberField,
  validateBranch,
  validateIndividualNumber,
  validateInstitutionCode,
  validateInsurerNumber,
  validateNumber,
  validatePublicPayerNumber,
  validatePublicRecipientNumber,
  validateSymbol,
} from './identifiers.js';

describe('保険者番号 check digit: modulus 10, weights 2-1 from the last digit (rules.md §1.1)', () => {
  it('test case 1: 3312001 → 5 (千葉県警, S1)', () => {
    expect(insurerNumberCheckDigit('3312001')).toBe(5);
  });
  it('test case 2: 0104001 → 3 (協会けんぽ宮城, S5)', () => {
    expect(insurerNumberCheckDigit('0104001')).toBe(3);
  });
  it('test case 3: 5401602 → 7 (公費 難病, S3)', () => {
    expect(insurerNumberCheckDigit('5401602')).toBe(7);
  });
  it('test case 4: 0113001 → 2', () => {
    expect(insurerNumberCheckDigit('0113001')).toBe(2);
  });
  it('test case 5: 国保 13101 → 1 (5 leading digits)', () => {
    expect(insurerNumberCheckDigit('13101')).toBe(1);
  });
  it('test case 6: 3913101 → 6 (後期高齢者 保険者番号 has a check digit)', () => {
    expect(insurerNumberCheckDigit('3913101')).toBe(6);
  });
  it('test case 7: 0613009 → 0 (sum ≡ 0 mod 10 gives 0, not 10)', () => {
    expect(insurerNumberCheckDigit('0613009')).toBe(0);
  });
  it('refuses inputs that are not 7 or 5 digits', () => {
    expect(() => insurerNumberCheckDigit('123456')).toThrow(RangeError);
    expect(() => insurerNumberCheckDigit('12a4567')).toThrow(RangeError);
  });
});

describe('保険者番号 validation (rules.md §1.1)', () => {
  it('test case 8: 33120016 is refused for its check digit', () => {
    const v = validateInsurerNumber('33120016');
    expect(v.ok).toBe(false);
    expect(v.code).toBe('INSURER_NUMBER_CHECK_DIGIT');
  });
  it('33120015 is a 共済 number (法別 33 警察共済)', () => {
    expect(validateInsurerNumber('33120015')).toMatchObject({ ok: true, scheme: 'kyosai', normalized: '33120015' });
  });
  it('every 協会けんぽ 支部 number of the 47 prefectures validates as kyokai (seeds: prefectures.csv)', () => {
    const kyokaiBranches = [
      '01010016',
      '01020015',
      '01030014',
      '01040013',
      '01050012',
      '01060011',
      '01070010',
      '01080019',
      '01090018',
      '01100015',
      '01110014',
      '01120013',
      '01130012',
      '01140011',
      '01150010',
      '01160019',
      '01170018',
      '01180017',
      '01190016',
      '01200013',
      '01210012',
      '01220011',
      '01230010',
      '01240019',
      '01250018',
      '01260017',
      '01270016',
      '01280015',
      '01290014',
      '01300011',
      '01310010',
      '01320019',
      '01330018',
      '01340017',
      '01350016',
      '01360015',
      '01370014',
      '01380013',
      '01390012',
      '01400019',
      '01410018',
      '01420017',
      '01430016',
      '01440015',
      '01450014',
      '01460013',
      '01470012',
    ];
    expect(kyokaiBranches).toHaveLength(47);
    for (const n of kyokaiBranches) {
      expect(validateInsurerNumber(n)).toMatchObject({ ok: true, scheme: 'kyokai' });
    }
  });
  it('names the scheme from the 法別番号', () => {
    const withCheck = (seven: string) => `${seven}${String(insurerNumberCheckDigit(seven))}`;
    expect(validateInsurerNumber(withCheck('0213001')).scheme).toBe('seninHoken');
    expect(validateInsurerNumber(withCheck('0313001')).scheme).toBe('dayLabourer');
    expect(validateInsurerNumber(withCheck('0613009')).scheme).toBe('kumiai');
    expect(validateInsurerNumber(withCheck('0713001')).scheme).toBe('selfDefenseForces');
    expect(validateInsurerNumber(withCheck('3413001')).scheme).toBe('kyosai');
    expect(validateInsurerNumber(withCheck('3913101')).scheme).toBe('lateElderly');
    expect(validateInsurerNumber(withCheck('6313001')).scheme).toBe('specialRetiree');
    expect(validateInsurerNumber(withCheck('7513001')).scheme).toBe('specialRetiree');
    expect(validateInsurerNumber(withCheck('6713101')).scheme).toBe('kokuhoRetiree');
  });
  it('a 6-digit 国保 number is accepted bare, space-padded (as OQS sends it) or zero-padded', () => {
    for (const s of ['131011', '  131011', '00131011', '１３１０１１']) {
      expect(validateInsurerNumber(s)).toMatchObject({ ok: true, scheme: 'kokuho', normalized: '131011' });
    }
  });
  it('a 国保 number whose 3rd digit is 3 is a 国保組合 (rules.md §1.1 [S6b])', () => {
    const five = '13301';
    expect(validateInsurerNumber(`${five}${String(insurerNumberCheckDigit(five))}`).scheme).toBe('kokuhoKumiai');
  });
  it('a 公費負担者番号 is refused where an insurer number is expected (test case 3 number)', () => {
    expect(validateInsurerNumber('54016027').code).toBe('INSURER_NUMBER_IS_PUBLIC_PAYER');
  });
  it('refuses an unknown 法別番号, a prefecture outside 01–47, wrong length and non-digits', () => {
    expect(validateInsurerNumber(`0913001${String(insurerNumberCheckDigit('0913001'))}`).code).toBe(
      'INSURER_NUMBER_LAW_CODE',
    );
    expect(validateInsurerNumber(`0148001${String(insurerNumberCheckDigit('0148001'))}`).code).toBe(
      'INSURER_NUMBER_PREFECTURE',
    );
    expect(validateInsurerNumber('0104001').code).toBe('INSURER_NUMBER_LENGTH');
    expect(validateInsurerNumber('0104-013').code).toBe('INSURER_NUMBER_NOT_DIGITS');
    expect(validateInsurerNumber('').code).toBe('INSURER_NUMBER_EMPTY');
  });
});

/** A valid 8-digit insurer number or 6-digit 国保 number. */
const validInsurerNumber = fc
  .tuple(
    fc.constantFrom('01', '02', '03', '04', '06', '07', '31', '32', '33', '34', '39', '63', '67', '72', '75', ''),
    fc.integer({ min: 1, max: 47 }),
    fc.integer({ min: 0, max: 999 }),
  )
  .map(([law, pref, serial]) => {
    const lead = `${law}${String(pref).padStart(2, '0')}${String(serial).padStart(3, '0')}`;
    return `${lead}${String(insurerNumberCheckDigit(lead))}`;
  });

describe('what the 2-1 check digit detects (docs/decisions/0011-check-digit-limits.md)', () => {
  it('property: every single-digit change of a valid insurer number is refused', () => {
    fc.assert(
      fc.property(validInsurerNumber, fc.nat(), fc.integer({ min: 1, max: 9 }), (n, at, delta) => {
        const i = at % n.length;
        const changed = `${n.slice(0, i)}${String((Number(n[i]) + delta) % 10)}${n.slice(i + 1)}`;
        expect(validateInsurerNumber(n).ok).toBe(true);
        expect(validateInsurerNumber(changed).ok).toBe(false);
      }),
    );
  });
  it('property: swapping two adjacent different digits is refused unless the pair is 0 and 9', () => {
    fc.assert(
      fc.property(validInsurerNumber, fc.nat(), (n, at) => {
        const i = at % (n.length - 1);
        const [a, b] = [n[i]!, n[i + 1]!];
        fc.pre(a !== b);
        const swapped = `${n.slice(0, i)}${b}${a}${n.slice(i + 2)}`;
        const isZeroNine = (a === '0' && b === '9') || (a === '9' && b === '0');
        if (!isZeroNine) {
          expect(validateInsurerNumber(swapped).ok).toBe(false);
        }
      }),
    );
  });
  it('the known blind spot: "09" ↔ "90" between a payload digit pair keeps the check digit', () => {
    // The last two payload digits "90" (weights 1, 2) and "09" both add 9 to the weighted sum.
    const a = '0613090';
    const b = '0613009';
    expect(insurerNumberCheckDigit(a)).toBe(insurerNumberCheckDigit(b));
  });
});

describe('公費負担者番号 and 公費受給者番号 use the same check digit (rules.md §1.1)', () => {
  it('54016027 (難病) is a valid public payer number with law code 54', () => {
    expect(validatePublicPayerNumber('54016027')).toMatchObject({ ok: true, lawCode: '54' });
  });
  it('an insurer law code is not a public payer number; a wrong check digit is refused', () => {
    expect(validatePublicPayerNumber('01040013').code).toBe('PUBLIC_PAYER_NUMBER_IS_INSURER');
    expect(validatePublicPayerNumber('54016028').code).toBe('PUBLIC_PAYER_NUMBER_CHECK_DIGIT');
  });
  it('a 7-digit recipient number checks its 7th digit over the first 6', () => {
    const six = '123456';
    const ok = `${six}${String(publicRecipientNumberCheckDigit(six))}`;
    expect(validatePublicRecipientNumber(ok).ok).toBe(true);
    expect(validatePublicRecipientNumber(`${six}${String((Number(ok[6]) + 1) % 10)}`).code).toBe(
      'PUBLIC_RECIPIENT_NUMBER_CHECK_DIGIT',
    );
    expect(validatePublicRecipientNumber('12345').code).toBe('PUBLIC_RECIPIENT_NUMBER_FORMAT');
  });
});

describe('個人番号 check digit (番号法施行令 第8条)', () => {
  it('weights 2–7 then 2–6 from the right; remainder 0 or 1 gives 0', () => {
    // 12345678901: Σ = 1·2+0·3+9·4+8·5+7·6+6·7+5·2+4·3+3·4+2·5+1·6 = 212; 212 mod 11 = 3 → 11 − 3 = 8
    expect(individualNumberCheckDigit('12345678901')).toBe(8);
    expect(individualNumberCheckDigit('00000000000')).toBe(0);
    // Σ = 6·2 = 12 ≡ 1 → 0
    expect(individualNumberCheckDigit('00000000006')).toBe(0);
  });
  it('validates 12 digits, accepting group spaces and full-width digits', () => {
    expect(validateIndividualNumber('123456789018').ok).toBe(true);
    expect(validateIndividualNumber('1234 5678 9018').ok).toBe(true);
    expect(validateIndividualNumber('１２３４５６７８９０１８').ok).toBe(true);
    expect(validateIndividualNumber('123456789013').code).toBe('INDIVIDUAL_NUMBER_CHECK_DIGIT');
    expect(validateIndividualNumber('12345678901').code).toBe('INDIVIDUAL_NUMBER_FORMAT');
  });
  it('messages never repeat the number (CONTRIBUTING: privacy)', () => {
    const v = validateIndividualNumber('123456789013');
    expect(JSON.stringify(v)).not.toContain('123456789013');
  });
  it('shows only the last four digits', () => {
    expect(individualNumberLast4('1234 5678 9018')).toBe('9018');
    expect(maskIndividualNumber('123456789018')).toBe('**** **** 9018');
    expect(maskIndividualNumber('1234')).toBe('**** **** ****');
    expect(() => individualNumberLast4('12')).toThrow(RangeError);
  });

  const validMyNumber = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 11, maxLength: 11 }).map((ds) => {
    const first11 = ds.join('');
    return `${first11}${String(individualNumberCheckDigit(first11))}`;
  });
  const weightedRemainder = (first11: string): number => {
    let sum = 0;
    for (let n = 1; n <= 11; n += 1) {
      sum += Number(first11[11 - n]) * (n <= 6 ? n + 1 : n - 5);
    }
    return sum % 11;
  };

  it('property: a single-digit change is refused unless it moves the remainder between 0 and 1', () => {
    fc.assert(
      fc.property(validMyNumber, fc.integer({ min: 0, max: 11 }), fc.integer({ min: 1, max: 9 }), (n, i, delta) => {
        const changed = `${n.slice(0, i)}${String((Number(n[i]) + delta) % 10)}${n.slice(i + 1)}`;
        const accepted = validateIndividualNumber(changed).ok;
        const blindSpot =
          i < 11 &&
          [0, 1].includes(weightedRemainder(n.slice(0, 11))) &&
          [0, 1].includes(weightedRemainder(changed.slice(0, 11)));
        expect(accepted).toBe(blindSpot);
      }),
    );
  });
  it('the blind spot is real: 000000000000 and 000000000060 both validate', () => {
    expect(validateIndividualNumber('000000000000').ok).toBe(true);
    expect(validateIndividualNumber('000000000060').ok).toBe(true);
  });
});

describe('記号・番号・枝番 character rules (rules.md §1.2, JP Core 被保険者個人識別子)', () => {
  it('test case 11: 記号 "１２3" mixes widths and is refused', () => {
    expect(validateSymbol('１２3')).toMatchObject({ ok: false, code: 'SYMBOL_MIXED_WIDTH' });
  });
  it('test case 11: 枝番 "5" is refused (two digits)', () => {
    expect(validateBranch('5')).toMatchObject({ ok: false, code: 'BRANCH_FORMAT' });
  });
  it('a value is all half-width alphanumerics or all full-width', () => {
    expect(validateSymbol('AB12').ok).toBe(true);
    expect(validateSymbol('ＡＢ１２').ok).toBe(true);
    expect(validateSymbol('あいう').ok).toBe(true);
    expect(validateNumber('１８７').ok).toBe(true);
  });
  it('with symbols, kana or kanji, digits must be full-width too', () => {
    expect(validateSymbol('12-34').ok).toBe(false);
    expect(validateSymbol('１２－３４').ok).toBe(true);
    expect(validateSymbol('あ12').ok).toBe(false);
    expect(validateSymbol('ｱｲｳ').ok).toBe(false);
  });
  it('never a full-width space', () => {
    expect(validateNumber('１２\u3000３４').code).toBe('NUMBER_FULL_WIDTH_SPACE');
  });
  it('記号 and 枝番 may be absent; 番号 may not; 枝番 is half-width', () => {
    expect(validateSymbol(undefined).ok).toBe(true);
    expect(validateBranch(null).ok).toBe(true);
    expect(validateNumber('').code).toBe('NUMBER_EMPTY');
    expect(validateBranch('０５').ok).toBe(false);
    expect(validateBranch('05').ok).toBe(true);
  });
});

describe('被保険者個人識別子 (rules.md §1.2)', () => {
  it('test case 9: ("12345","あいう","１８７","05") → "00012345:あいう:１８７:05"', () => {
    expect(memberIdentifier({ insurerNumber: '12345', symbol: 'あいう', number: '１８７', branch: '05' })).toBe(
      '00012345:あいう:１８７:05',
    );
  });
  it('test case 10: no 記号 and no 枝番 → "00012345::１８７:" (trailing colon kept)', () => {
    expect(memberIdentifier({ insurerNumber: '12345', symbol: null, number: '１８７', branch: null })).toBe(
      '00012345::１８７:',
    );
  });
  it('a space-padded 国保 number is zero-padded', () => {
    expect(memberIdentifier({ insurerNumber: '  131011', number: '123' })).toBe('00131011::123:');
  });
  it('refuses to build an identifier from a field that breaks the rules', () => {
    expect(() => memberIdentifier({ insurerNumber: '12345', number: '１２3' })).toThrow(/NUMBER_MIXED_WIDTH/);
    expect(() => memberIdentifier({ insurerNumber: '12345', number: '1', branch: '5' })).toThrow(/BRANCH_FORMAT/);
  });
  it('parses back what it builds', () => {
    expect(parseMemberIdentifier('00012345:あいう:１８７:05').fields).toEqual({
      insurerNumber: '00012345',
      symbol: 'あいう',
      number: '１８７',
      branch: '05',
    });
    expect(parseMemberIdentifier('00012345::１８７:').fields).toEqual({ insurerNumber: '00012345', number: '１８７' });
    expect(parseMemberIdentifier('00012345::１８７').code).toBe('MEMBER_IDENTIFIER_FORMAT');
  });
});

describe('matching typed member fields against the insurer (docs/decisions/0013-member-field-matching.md)', () => {
  it('full-width and half-width are the same; surrounding blanks are ignored', () => {
    expect(sameMemberField('１２３４', '1234')).toBe(true);
    expect(sameMemberField(' ＡＢ\u3000', 'AB')).toBe(true);
    expect(sameMemberField('ｱｲｳ', 'アイウ')).toBe(true);
    expect(foldWidth('ｶﾞｷﾞ')).toBe('ガギ');
  });
  it('values with nothing to fold are only trimmed; one foldable character folds the whole value', () => {
    expect(foldWidth(' 山田 12 ')).toBe('山田 12');
    expect(foldWidth('山田　太郎')).toBe('山田 太郎');
    expect(foldWidth(' 1２ｱ ')).toBe('12ア');
  });
  it('leading zeros are kept: 0012 is not 12', () => {
    expect(sameMemberField('0012', '12')).toBe(false);
  });
  it('absent matches only absent', () => {
    expect(sameMemberField(undefined, '')).toBe(true);
    expect(sameMemberField(null, '01')).toBe(false);
  });
});

describe('医療機関コード (docs/decisions/0010-institution-code-check-digit.md)', () => {
  it('the check digit is the 2-1 rule over the 9 digits before it (real codes 0110113719, 2714206386)', () => {
    expect(institutionCodeCheckDigit('011011371')).toBe(9);
    expect(institutionCodeCheckDigit('271420638')).toBe(6);
  });
  it('validates prefecture and 点数表 and names them', () => {
    expect(validateInstitutionCode('2714206386')).toMatchObject({ ok: true, prefecture: '27', table: 'medical' });
    const pharmacy = `134123456`;
    expect(validateInstitutionCode(`${pharmacy}${String(institutionCodeCheckDigit(pharmacy))}`)).toMatchObject({
      ok: true,
      prefecture: '13',
      table: 'pharmacy',
    });
  });
  it('refuses a wrong check digit, an unknown 点数表, a bad prefecture and wrong length', () => {
    expect(validateInstitutionCode('2714206387').code).toBe('INSTITUTION_CODE_CHECK_DIGIT');
    expect(validateInstitutionCode('2764206386').code).toBe('INSTITUTION_CODE_TABLE');
    expect(validateInstitutionCode('4814206386').code).toBe('INSTITUTION_CODE_PREFECTURE');
    expect(validateInstitutionCode('271420638').code).toBe('INSTITUTION_CODE_FORMAT');
  });
});
