/**
 * Numbers that identify insurers, members, public-expense payers, institutions and persons, with their check
 * digits and character rules (rules.md §1; oqs-interface.md §10). Every validator returns a `Verdict`; nothing
 * here throws on outside input except the builders documented as such.
 */
import type { Verdict } from './verdict.js';
import { verdict } from './verdict.js';

const BASIS_INSURER = 'rules.md §1.1 (保険者番号設定要領)';
const BASIS_PUBLIC = 'rules.md §1.1 (公費負担者番号・公費受給者番号)';
const BASIS_MEMBER = 'rules.md §1.2 (JP Core 被保険者個人識別子)';
const BASIS_INSTITUTION = 'docs/decisions/0010-institution-code-check-digit.md (医療機関コード)';
const BASIS_INDIVIDUAL = '行政手続における特定の個人を識別するための番号の利用等に関する法律施行令 第8条';

/** The 47 prefectures by their two-digit code (全国地方公共団体コード), used in insurer and institution codes. */
export const PREFECTURES = {
  '01': { ja: '北海道', en: 'Hokkaido' },
  '02': { ja: '青森県', en: 'Aomori' },
  '03': { ja: '岩手県', en: 'Iwate' },
  '04': { ja: '宮城県', en: 'Miyagi' },
  '05': { ja: '秋田県', en: 'Akita' },
  '06': { ja: '山形県', en: 'Yamagata' },
  '07': { ja: '福島県', en: 'Fukushima' },
  '08': { ja: '茨城県', en: 'Ibaraki' },
  '09': { ja: '栃木県', en: 'Tochigi' },
  '10': { ja: '群馬県', en: 'Gunma' },
  '11': { ja: '埼玉県', en: 'Saitama' },
  '12': { ja: '千葉県', en: 'Chiba' },
  '13': { ja: '東京都', en: 'Tokyo' },
  '14': { ja: '神奈川県', en: 'Kanagawa' },
  '15': { ja: '新潟県', en: 'Niigata' },
  '16': { ja: '富山県', en: 'Toyama' },
  '17': { ja: '石川県', en: 'Ishikawa' },
  '18': { ja: '福井県', en: 'Fukui' },
  '19': { ja: '山梨県', en: 'Yamanashi' },
  '20': { ja: '長野県', en: 'Nagano' },
  '21': { ja: '岐阜県', en: 'Gifu' },
  '22': { ja: '静岡県', en: 'Shizuoka' },
  '23': { ja: '愛知県', en: 'Aichi' },
  '24': { ja: '三重県', en: 'Mie' },
  '25': { ja: '滋賀県', en: 'Shiga' },
  '26': { ja: '京都府', en: 'Kyoto' },
  '27': { ja: '大阪府', en: 'Osaka' },
  '28': { ja: '兵庫県', en: 'Hyogo' },
  '29': { ja: '奈良県', en: 'Nara' },
  '30': { ja: '和歌山県', en: 'Wakayama' },
  '31': { ja: '鳥取県', en: 'Tottori' },
  '32': { ja: '島根県', en: 'Shimane' },
  '33': { ja: '岡山県', en: 'Okayama' },
  '34': { ja: '広島県', en: 'Hiroshima' },
  '35': { ja: '山口県', en: 'Yamaguchi' },
  '36': { ja: '徳島県', en: 'Tokushima' },
  '37': { ja: '香川県', en: 'Kagawa' },
  '38': { ja: '愛媛県', en: 'Ehime' },
  '39': { ja: '高知県', en: 'Kochi' },
  '40': { ja: '福岡県', en: 'Fukuoka' },
  '41': { ja: '佐賀県', en: 'Saga' },
  '42': { ja: '長崎県', en: 'Nagasaki' },
  '43': { ja: '熊本県', en: 'Kumamoto' },
  '44': { ja: '大分県', en: 'Oita' },
  '45': { ja: '宮崎県', en: 'Miyazaki' },
  '46': { ja: '鹿児島県', en: 'Kagoshima' },
  '47': { ja: '沖縄県', en: 'Okinawa' },
} as const;

/** A two-digit prefecture code '01'–'47'. */
export type PrefectureCode = keyof typeof PREFECTURES;

/** True for '01'–'47': the prefecture part of insurer, public-payer and institution codes must be one of these. */
export function isPrefectureCode(s: string): s is PrefectureCode {
  return Object.hasOwn(PREFECTURES, s);
}

const DIGITS = /^[0-9]+$/;

function digitSum(n: number): number {
  return n >= 10 ? Math.floor(n / 10) + (n % 10) : n;
}

/**
 * The modulus-10 "2-1" check digit (Luhn) of 保険者番号設定要領: weights 2,1,2,1… from the LAST digit, the digits
 * of a two-digit product added, then 10 − (sum mod 10), with 10 written as 0. Leading zeros do not change the
 * result, so a 国保 number gives the same digit with or without its "00" padding.
 */
function modulus10(digits: string): number {
  if (!DIGITS.test(digits)) {
    throw new RangeError(`check digit input must be half-width digits (${String(digits.length)} characters given)`);
  }
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    const d = Number(digits[digits.length - 1 - i]);
    sum += i % 2 === 0 ? digitSum(d * 2) : d;
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * 検証番号 of a 保険者番号 over its leading digits: 7 for an 8-digit number, 5 for a 6-digit 国保 number
 * (rules.md §1.1, test cases 1–7). Throws a RangeError on anything but 5 or 7 half-width digits: callers pass
 * the digits of a number they have already split.
 */
export function insurerNumberCheckDigit(digits: string): number {
  if (digits.length !== 7 && digits.length !== 5) {
    throw new RangeError(`insurer number check digit needs 7 or 5 leading digits, got ${String(digits.length)}`);
  }
  return modulus10(digits);
}

/**
 * 制度 of an insurer number, from its 法別番号 (rules.md §1.1). Public-expense law codes are not schemes: a
 * 公費負担者番号 is refused where an insurer number is expected.
 */
export type Scheme =
  | 'kyokai'
  | 'seninHoken'
  | 'dayLabourer'
  | 'kumiai'
  | 'selfDefenseForces'
  | 'kyosai'
  | 'lateElderly'
  | 'specialRetiree'
  | 'kokuhoRetiree'
  | 'kokuho'
  | 'kokuhoKumiai';

/** Labels of each scheme, for messages and screens. */
export const SCHEME_LABELS: Record<Scheme, { ja: string; en: string }> = {
  kyokai: { ja: '全国健康保険協会（協会けんぽ）', en: 'Japan Health Insurance Association (Kyokai Kenpo)' },
  seninHoken: { ja: '船員保険', en: "Seamen's insurance" },
  dayLabourer: { ja: '日雇特例被保険者', en: 'Day-labourer special insurance' },
  kumiai: { ja: '組合管掌健康保険', en: 'Health insurance society' },
  selfDefenseForces: { ja: '自衛官等', en: 'Self-Defense Forces personnel' },
  kyosai: { ja: '共済組合', en: 'Mutual aid association' },
  lateElderly: { ja: '後期高齢者医療', en: 'Late-stage elderly medical care' },
  specialRetiree: { ja: '特例退職被保険者', en: 'Special retiree insurance' },
  kokuhoRetiree: { ja: '国民健康保険（退職者医療）', en: 'National health insurance (retiree medical care)' },
  kokuho: { ja: '国民健康保険', en: 'National health insurance' },
  kokuhoKumiai: { ja: '国民健康保険組合', en: 'National health insurance society' },
};

/** 法別番号 → 制度 for 8-digit insurer numbers (rules.md §1.1 table). */
const LAW_CODE_SCHEMES: Readonly<Record<string, Scheme>> = {
  '01': 'kyokai',
  '02': 'seninHoken',
  '03': 'dayLabourer',
  '04': 'dayLabourer',
  '06': 'kumiai',
  '07': 'selfDefenseForces',
  '31': 'kyosai',
  '32': 'kyosai',
  '33': 'kyosai',
  '34': 'kyosai',
  '39': 'lateElderly',
  '63': 'specialRetiree',
  '67': 'kokuhoRetiree',
  '72': 'specialRetiree',
  '73': 'specialRetiree',
  '74': 'specialRetiree',
  '75': 'specialRetiree',
};

/** 法別番号 of public-expense programmes named in rules.md §1.1 (10–30, 38, 51–54, 66, 79). */
function isPublicLawCode(lawCode: string): boolean {
  const n = Number(lawCode);
  return (n >= 10 && n <= 30) || n === 38 || (n >= 51 && n <= 54) || n === 66 || n === 79;
}

/** Half-width digits and letters for full-width ones; ideographic space for a space. */
function foldAsciiWidth(s: string): string {
  return s.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

/** The result of `validateInsurerNumber`: the scheme and the number as printed (8 digits, or 6 for 国保). */
export type InsurerNumberVerdict = Verdict & { scheme?: Scheme; normalized?: string; lawCode?: string };

/**
 * Checks a 保険者番号 as a clinic types it or OQS sends it: 8 digits, or a 6-digit 国保 number bare or
 * left-padded to 8 with spaces or zeros (oqs-interface.md §3); surrounding blanks are ignored and full-width
 * digits are folded. Checks the prefecture (01–47), the check digit and the 法別番号, and names the scheme.
 * `normalized` is the number as printed on the card: 8 digits, or 6 for 国保 (rules.md §1.1; docs/decisions/0018-insurer-number-forms.md).
 * A 後期高齢者 被保険者番号 is not an insurer number: it has no check digit and is not validated here.
 */
export function validateInsurerNumber(s: string): InsurerNumberVerdict {
  const trimmed = foldAsciiWidth(s).trim();
  if (trimmed === '') {
    return verdict(
      false,
      'INSURER_NUMBER_EMPTY',
      '保険者番号が空です。',
      'The insurer number is empty.',
      BASIS_INSURER,
    );
  }
  if (!DIGITS.test(trimmed)) {
    return verdict(
      false,
      'INSURER_NUMBER_NOT_DIGITS',
      '保険者番号は数字だけで入力してください。',
      'An insurer number contains digits only.',
      BASIS_INSURER,
    );
  }
  let kokuho: string | undefined;
  if (trimmed.length === 6) {
    kokuho = trimmed;
  } else if (trimmed.length === 8 && trimmed.startsWith('00')) {
    kokuho = trimmed.slice(2);
  }
  if (kokuho !== undefined) {
    return validateKokuho(kokuho);
  }
  if (trimmed.length !== 8) {
    return verdict(
      false,
      'INSURER_NUMBER_LENGTH',
      '保険者番号は8桁（国民健康保険は6桁）です。',
      'An insurer number has 8 digits (6 for national health insurance).',
      BASIS_INSURER,
    );
  }
  const lawCode = trimmed.slice(0, 2);
  const prefecture = trimmed.slice(2, 4);
  if (!isPrefectureCode(prefecture)) {
    return verdict(
      false,
      'INSURER_NUMBER_PREFECTURE',
      '保険者番号の都道府県番号（3〜4桁目）が01〜47ではありません。',
      'Digits 3–4 of the insurer number are not a prefecture code 01–47.',
      BASIS_INSURER,
    );
  }
  if (modulus10(trimmed.slice(0, 7)) !== Number(trimmed[7])) {
    return verdict(
      false,
      'INSURER_NUMBER_CHECK_DIGIT',
      '保険者番号の検証番号が一致しません。入力を確認してください。',
      'The check digit of the insurer number does not match; please check the number.',
      BASIS_INSURER,
    );
  }
  if (isPublicLawCode(lawCode)) {
    return verdict(
      false,
      'INSURER_NUMBER_IS_PUBLIC_PAYER',
      'この番号は公費負担者番号です。保険者番号を入力してください。',
      'This is a public-expense payer number, not an insurer number.',
      BASIS_INSURER,
    );
  }
  const scheme = LAW_CODE_SCHEMES[lawCode];
  if (scheme === undefined) {
    return verdict(
      false,
      'INSURER_NUMBER_LAW_CODE',
      `法別番号「${lawCode}」の保険者番号はありません。`,
      `No insurer number has the law code ${lawCode}.`,
      BASIS_INSURER,
    );
  }
  return {
    ...verdict(true, 'INSURER_NUMBER_OK', '保険者番号は有効です。', 'The insurer number is valid.', BASIS_INSURER),
    scheme,
    normalized: trimmed,
    lawCode,
  };
}

function validateKokuho(number: string): InsurerNumberVerdict {
  if (!isPrefectureCode(number.slice(0, 2))) {
    return verdict(
      false,
      'INSURER_NUMBER_PREFECTURE',
      '国民健康保険の保険者番号の都道府県番号（1〜2桁目）が01〜47ではありません。',
      'Digits 1–2 of the national health insurance number are not a prefecture code 01–47.',
      BASIS_INSURER,
    );
  }
  if (modulus10(number.slice(0, 5)) !== Number(number[5])) {
    return verdict(
      false,
      'INSURER_NUMBER_CHECK_DIGIT',
      '保険者番号の検証番号が一致しません。入力を確認してください。',
      'The check digit of the insurer number does not match; please check the number.',
      BASIS_INSURER,
    );
  }
  const scheme: Scheme = number[2] === '3' ? 'kokuhoKumiai' : 'kokuho';
  return {
    ...verdict(true, 'INSURER_NUMBER_OK', '保険者番号は有効です。', 'The insurer number is valid.', BASIS_INSURER),
    scheme,
    normalized: number,
  };
}

/**
 * Checks a 公費負担者番号 (法別2 + 都道府県2 + 実施機関3 + 検証1), same check digit as insurer numbers
 * (rules.md §1.1, test case 3). Law codes that belong to insurers are refused; other law codes are accepted,
 * since local programmes use codes beyond the national list.
 */
export function validatePublicPayerNumber(s: string): Verdict & { lawCode?: string } {
  const n = foldAsciiWidth(s).trim();
  if (!/^[0-9]{8}$/.test(n)) {
    return verdict(
      false,
      'PUBLIC_PAYER_NUMBER_FORMAT',
      '公費負担者番号は8桁の数字です。',
      'A public-expense payer number has 8 digits.',
      BASIS_PUBLIC,
    );
  }
  const lawCode = n.slice(0, 2);
  if (lawCode in LAW_CODE_SCHEMES || lawCode === '00') {
    return verdict(
      false,
      'PUBLIC_PAYER_NUMBER_IS_INSURER',
      'この法別番号は医療保険のものです。公費負担者番号ではありません。',
      'This law code belongs to a health insurer, not to a public-expense programme.',
      BASIS_PUBLIC,
    );
  }
  if (!isPrefectureCode(n.slice(2, 4))) {
    return verdict(
      false,
      'PUBLIC_PAYER_NUMBER_PREFECTURE',
      '公費負担者番号の都道府県番号（3〜4桁目）が01〜47ではありません。',
      'Digits 3–4 of the public-expense payer number are not a prefecture code 01–47.',
      BASIS_PUBLIC,
    );
  }
  if (modulus10(n.slice(0, 7)) !== Number(n[7])) {
    return verdict(
      false,
      'PUBLIC_PAYER_NUMBER_CHECK_DIGIT',
      '公費負担者番号の検証番号が一致しません。',
      'The check digit of the public-expense payer number does not match.',
      BASIS_PUBLIC,
    );
  }
  return {
    ...verdict(
      true,
      'PUBLIC_PAYER_NUMBER_OK',
      '公費負担者番号は有効です。',
      'The public-expense payer number is valid.',
      BASIS_PUBLIC,
    ),
    lawCode,
  };
}

/** Checks a 公費受給者番号: 7 digits, the last a modulus-10 2-1 check digit over the first 6 (rules.md §1.1). */
export function validatePublicRecipientNumber(s: string): Verdict {
  const n = foldAsciiWidth(s).trim();
  if (!/^[0-9]{7}$/.test(n)) {
    return verdict(
      false,
      'PUBLIC_RECIPIENT_NUMBER_FORMAT',
      '公費受給者番号は7桁の数字です。',
      'A public-expense recipient number has 7 digits.',
      BASIS_PUBLIC,
    );
  }
  if (modulus10(n.slice(0, 6)) !== Number(n[6])) {
    return verdict(
      false,
      'PUBLIC_RECIPIENT_NUMBER_CHECK_DIGIT',
      '公費受給者番号の検証番号が一致しません。',
      'The check digit of the public-expense recipient number does not match.',
      BASIS_PUBLIC,
    );
  }
  return verdict(
    true,
    'PUBLIC_RECIPIENT_NUMBER_OK',
    '公費受給者番号は有効です。',
    'The public-expense recipient number is valid.',
    BASIS_PUBLIC,
  );
}

/** The check digit of a 公費受給者番号 over its first 6 digits (same 2-1 rule). */
export function publicRecipientNumberCheckDigit(first6: string): number {
  if (first6.length !== 6) {
    throw new RangeError(`public recipient number check digit needs 6 digits, got ${String(first6.length)}`);
  }
  return modulus10(first6);
}

// ---------------------------------------------------------------------------------------------------------------
// 個人番号 (My Number)

/**
 * 個人番号 check digit (施行令 第8条): Pn is the n-th digit counted from the right of the first 11, Qn = n + 1
 * for n ≤ 6 and n − 5 for n ≥ 7; the digit is 11 − (ΣPnQn mod 11), or 0 when the remainder is 0 or 1.
 * Throws a RangeError unless given exactly 11 half-width digits.
 */
export function individualNumberCheckDigit(first11: string): number {
  if (!/^[0-9]{11}$/.test(first11)) {
    throw new RangeError('individual number check digit needs 11 half-width digits');
  }
  let sum = 0;
  for (let n = 1; n <= 11; n += 1) {
    const p = Number(first11[11 - n]);
    const q = n <= 6 ? n + 1 : n - 5;
    sum += p * q;
  }
  const remainder = sum % 11;
  return remainder <= 1 ? 0 : 11 - remainder;
}

/** Strips the spaces and hyphens people type between digit groups, and folds full-width digits. */
function compactIndividualNumber(s: string): string {
  return foldAsciiWidth(s).replace(/[\s-]/g, '');
}

/**
 * Checks a マイナンバー: 12 digits with the 施行令第8条 check digit. Spaces and hyphens between groups and
 * full-width digits are accepted. The messages never repeat the number (CONTRIBUTING: privacy).
 */
export function validateIndividualNumber(s: string): Verdict {
  const n = compactIndividualNumber(s);
  if (!/^[0-9]{12}$/.test(n)) {
    return verdict(
      false,
      'INDIVIDUAL_NUMBER_FORMAT',
      '個人番号は12桁の数字です。',
      'An individual number (My Number) has 12 digits.',
      BASIS_INDIVIDUAL,
    );
  }
  if (individualNumberCheckDigit(n.slice(0, 11)) !== Number(n[11])) {
    return verdict(
      false,
      'INDIVIDUAL_NUMBER_CHECK_DIGIT',
      '個人番号の検査用数字が一致しません。入力を確認してください。',
      'The check digit of the individual number does not match; please check the number.',
      BASIS_INDIVIDUAL,
    );
  }
  return verdict(
    true,
    'INDIVIDUAL_NUMBER_OK',
    '個人番号は有効です。',
    'The individual number is valid.',
    BASIS_INDIVIDUAL,
  );
}

/**
 * The last four digits of a マイナンバー, the only part the system keeps in clear (glossary
 * `individualNumberLast4`). Throws a RangeError (without the number in the message) unless given 12 digits.
 */
export function individualNumberLast4(s: string): string {
  const n = compactIndividualNumber(s);
  if (!/^[0-9]{12}$/.test(n)) {
    throw new RangeError('an individual number has 12 digits');
  }
  return n.slice(8);
}

/**
 * A マイナンバー for display: "**** **** 1234". Anything that is not 12 digits is shown fully masked, so a
 * typo never leaks digits onto a screen or into a log.
 */
export function maskIndividualNumber(s: string): string {
  const n = compactIndividualNumber(s);
  if (!/^[0-9]{12}$/.test(n)) {
    return '**** **** ****';
  }
  return `**** **** ${n.slice(8)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// 記号・番号・枝番 (JP Core 被保険者個人識別子)

const HALF_WIDTH_VALUE = /^[0-9A-Za-z]+$/;

/** A character that counts as full-width for JP Core: not ASCII, not half-width kana, not a control character. */
function isFullWidthChar(c: string): boolean {
  const cp = c.codePointAt(0) ?? 0;
  if (cp <= 0x7f) {
    return false;
  }
  if (cp >= 0xff61 && cp <= 0xff9f) {
    return false;
  }
  if (cp >= 0x80 && cp <= 0x9f) {
    return false;
  }
  return true;
}

function validateMemberText(value: string, field: { ja: string; en: string; code: string }): Verdict {
  if (value === '') {
    return verdict(false, `${field.code}_EMPTY`, `${field.ja}が空です。`, `The ${field.en} is empty.`, BASIS_MEMBER);
  }
  if (value.includes('\u3000')) {
    return verdict(
      false,
      `${field.code}_FULL_WIDTH_SPACE`,
      `${field.ja}に全角スペースは使えません。`,
      `The ${field.en} must not contain a full-width space.`,
      BASIS_MEMBER,
    );
  }
  if (HALF_WIDTH_VALUE.test(value)) {
    return verdict(true, `${field.code}_OK`, `${field.ja}は有効です。`, `The ${field.en} is valid.`, BASIS_MEMBER);
  }
  if (Array.from(value).every(isFullWidthChar)) {
    return verdict(true, `${field.code}_OK`, `${field.ja}は有効です。`, `The ${field.en} is valid.`, BASIS_MEMBER);
  }
  return verdict(
    false,
    `${field.code}_MIXED_WIDTH`,
    `${field.ja}は半角英数字だけか、すべて全角で入力してください（記号・かな・漢字を含むときは数字も全角）。`,
    `The ${field.en} must be all half-width letters and digits, or all full-width (digits too when it has symbols, kana or kanji).`,
    BASIS_MEMBER,
  );
}

/**
 * Checks a 記号: absent is allowed; otherwise all half-width alphanumerics or all full-width, never a
 * full-width space (rules.md §1.2, test case 11).
 */
export function validateSymbol(symbol: string | null | undefined): Verdict {
  if (symbol === undefined || symbol === null || symbol === '') {
    return verdict(true, 'SYMBOL_ABSENT', '記号はありません。', 'There is no symbol.', BASIS_MEMBER);
  }
  return validateMemberText(symbol, { ja: '記号', en: 'symbol', code: 'SYMBOL' });
}

/** Checks a 番号: required; the same width rules as 記号 (rules.md §1.2). */
export function validateNumber(number: string | null | undefined): Verdict {
  return validateMemberText(number ?? '', { ja: '番号', en: 'number', code: 'NUMBER' });
}

/**
 * Checks a 枝番: absent, or exactly two half-width digits (rules.md §1.2, test case 11). "00" is a value some
 * insurers print; absence is written as nothing, never as "00" (docs/decisions/0013-member-field-matching.md).
 */
export function validateBranch(branch: string | null | undefined): Verdict {
  if (branch === undefined || branch === null || branch === '') {
    return verdict(true, 'BRANCH_ABSENT', '枝番はありません。', 'There is no branch number.', BASIS_MEMBER);
  }
  if (!/^[0-9]{2}$/.test(branch)) {
    return verdict(
      false,
      'BRANCH_FORMAT',
      '枝番は半角数字2桁です（ない場合は空欄）。',
      'A branch number is two half-width digits (leave it empty when there is none).',
      BASIS_MEMBER,
    );
  }
  return verdict(true, 'BRANCH_OK', '枝番は有効です。', 'The branch number is valid.', BASIS_MEMBER);
}

/** The parts of a member's identity on the insurance documents (記号・番号・枝番 under an insurer). */
export interface MemberFields {
  insurerNumber: string;
  symbol?: string | null;
  number: string;
  branch?: string | null;
}

/**
 * The JP Core 被保険者個人識別子 `保険者番号(8, zero-padded):記号:番号:枝番`; an absent 記号 or 枝番 leaves its
 * field empty and the trailing colon stays (rules.md §1.2, test cases 9–10). Space padding of a 6-digit 国保
 * number is removed before zero padding. Throws a RangeError with the failing verdict code when a field breaks
 * the character rules: validate outside input with the `validate*` functions first.
 */
export function memberIdentifier(fields: MemberFields): string {
  const insurer = foldAsciiWidth(fields.insurerNumber).trim();
  if (!/^[0-9]{1,8}$/.test(insurer)) {
    throw new RangeError('INSURER_NUMBER_FORMAT: the insurer number must be 1–8 digits');
  }
  for (const v of [validateSymbol(fields.symbol), validateNumber(fields.number), validateBranch(fields.branch)]) {
    if (!v.ok) {
      throw new RangeError(`${v.code}: ${v.message.en}`);
    }
  }
  return `${insurer.padStart(8, '0')}:${fields.symbol ?? ''}:${fields.number}:${fields.branch ?? ''}`;
}

/**
 * Splits a JP Core 被保険者個人識別子 back into its fields (the inverse of `memberIdentifier`). Returns a refusing
 * Verdict when the string does not have four colon-separated fields or a field breaks the rules.
 */
export function parseMemberIdentifier(s: string): Verdict & { fields?: MemberFields } {
  const parts = s.split(':');
  const [insurer, symbol, number, branch] = parts;
  if (parts.length !== 4 || insurer === undefined || symbol === undefined || number === undefined) {
    return verdict(
      false,
      'MEMBER_IDENTIFIER_FORMAT',
      '被保険者個人識別子は「保険者番号:記号:番号:枝番」の形式です。',
      'A member identifier has the form insurerNumber:symbol:number:branch.',
      BASIS_MEMBER,
    );
  }
  if (!/^[0-9]{8}$/.test(insurer)) {
    return verdict(
      false,
      'MEMBER_IDENTIFIER_INSURER',
      '被保険者個人識別子の保険者番号は8桁です。',
      'The insurer number in a member identifier has 8 digits.',
      BASIS_MEMBER,
    );
  }
  for (const v of [validateSymbol(symbol), validateNumber(number), validateBranch(branch)]) {
    if (!v.ok) {
      return v;
    }
  }
  const fields: MemberFields = { insurerNumber: insurer, number };
  if (symbol !== '') {
    fields.symbol = symbol;
  }
  if (branch !== undefined && branch !== '') {
    fields.branch = branch;
  }
  return {
    ...verdict(
      true,
      'MEMBER_IDENTIFIER_OK',
      '被保険者個人識別子は有効です。',
      'The member identifier is valid.',
      BASIS_MEMBER,
    ),
    fields,
  };
}

/** Any character `foldWidth` changes: full-width ASCII, the ideographic space, half-width katakana. */
const NEEDS_FOLDING = /[\uFF01-\uFF5E\u3000\uFF61-\uFF9F]/;

/**
 * Folds width for matching what a clinic typed against what the insurer holds: full-width ASCII → half-width,
 * half-width katakana → full-width, ideographic space → space, then trims. Leading zeros are kept: "0012" and
 * "12" are different numbers (docs/decisions/0013-member-field-matching.md).
 */
export function foldWidth(s: string): string {
  if (!NEEDS_FOLDING.test(s)) {
    // Most values (a million CSV fields) have nothing to fold: one scan instead of three.
    return s.trim();
  }
  const ascii = foldAsciiWidth(s);
  const kana = ascii.replace(/[\uFF61-\uFF9F]+/g, (run) => run.normalize('NFKC'));
  return kana.trim();
}

/**
 * True when two 記号/番号/枝番 values are the same after `foldWidth`; absent (undefined, null, '' or blanks)
 * matches only absent.
 */
export function sameMemberField(a: string | null | undefined, b: string | null | undefined): boolean {
  return foldWidth(a ?? '') === foldWidth(b ?? '');
}

// ---------------------------------------------------------------------------------------------------------------
// 医療機関コード

/** 点数表番号 of a 医療機関コード that OQS serves: 1 医科, 3 歯科, 4 調剤. */
export type InstitutionTable = 'medical' | 'dental' | 'pharmacy';

const INSTITUTION_TABLES: Readonly<Record<string, InstitutionTable>> = {
  '1': 'medical',
  '3': 'dental',
  '4': 'pharmacy',
};

/**
 * 検証番号 of a 10-digit 医療機関コード: the modulus-10 2-1 rule over the 9 digits before it (都道府県 2 +
 * 点数表 1 + 郡市区 2 + 番号 4). Checked against real codes (docs/decisions/0010-institution-code-check-digit.md).
 * Throws a RangeError unless given 9 half-width digits.
 */
export function institutionCodeCheckDigit(first9: string): number {
  if (first9.length !== 9) {
    throw new RangeError(`institution code check digit needs 9 digits, got ${String(first9.length)}`);
  }
  return modulus10(first9);
}

/**
 * Checks a 医療機関コード (10 digits: 都道府県 2 + 点数表 1 + 郡市区 2 + 番号 4 + 検証 1) and names its
 * prefecture code and 点数表 (oqs-interface.md §2; JP Core JP_Organization).
 */
export function validateInstitutionCode(
  code: string,
): Verdict & { prefecture?: PrefectureCode; table?: InstitutionTable } {
  const c = foldAsciiWidth(code).trim();
  if (!/^[0-9]{10}$/.test(c)) {
    return verdict(
      false,
      'INSTITUTION_CODE_FORMAT',
      '医療機関コードは10桁の数字です。',
      'An institution code has 10 digits.',
      BASIS_INSTITUTION,
    );
  }
  const prefecture = c.slice(0, 2);
  if (!isPrefectureCode(prefecture)) {
    return verdict(
      false,
      'INSTITUTION_CODE_PREFECTURE',
      '医療機関コードの都道府県番号（1〜2桁目）が01〜47ではありません。',
      'Digits 1–2 of the institution code are not a prefecture code 01–47.',
      BASIS_INSTITUTION,
    );
  }
  const table = INSTITUTION_TABLES[c.slice(2, 3)];
  if (table === undefined) {
    return verdict(
      false,
      'INSTITUTION_CODE_TABLE',
      '医療機関コードの点数表番号（3桁目）は1（医科）、3（歯科）、4（調剤）のいずれかです。',
      'Digit 3 of the institution code must be 1 (medical), 3 (dental) or 4 (pharmacy).',
      BASIS_INSTITUTION,
    );
  }
  if (modulus10(c.slice(0, 9)) !== Number(c[9])) {
    return verdict(
      false,
      'INSTITUTION_CODE_CHECK_DIGIT',
      '医療機関コードの検証番号が一致しません。',
      'The check digit of the institution code does not match.',
      BASIS_INSTITUTION,
    );
  }
  return {
    ...verdict(
      true,
      'INSTITUTION_CODE_OK',
      '医療機関コードは有効です。',
      'The institution code is valid.',
      BASIS_INSTITUTION,
    ),
    prefecture,
    table,
  };
}
