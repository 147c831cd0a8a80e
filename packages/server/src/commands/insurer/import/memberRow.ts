/**
 * The member CSV (docs/import-format.md): its columns, and the pure per-row checks with the rules of @onshi/core —
 * check digits, 記号・番号・枝番 widths (rules.md §1.2), dates, 負担割合 for the age on its effective date
 * (rules.md §2, `copayRate`), 限度額適用区分 for the age group (rules.md §3). Checks that need other rows or the
 * Store (duplicates, dependants' insured person, an existing My Number) live in importMembers.ts.
 */
import {
  ageOn,
  copayRate,
  elderlyRecipientPeriod,
  foldWidth,
  isIsoDate,
  isOqsCode,
  isPrefectureCode,
  limitCategoryAgeGroup,
  parseWareki,
  PREFECTURES,
  rateSchemeOf,
  validateBranch,
  validateIndividualNumber,
  validateNumber,
  validateSymbol,
  type CopayRateValue,
  type LateElderlyBand,
  type RateScheme,
  type Scheme,
  type Verdict,
} from '@onshi/core';
import type { CardClassification, CopayRate, LimitCategory, Relationship, Sex } from '../../../store/types.js';
import { reject, rejectFromVerdict, type ImportRejectCode, type Reject } from './rejects.js';

/** The rate scheme of an insurer's 制度, as the rules engine defines it. */
export { rateSchemeOf };

/** One column of the member CSV: the header as written (Japanese), an English alias, and its limits. */
export interface MemberColumn {
  key: MemberColumnKey;
  header: string;
  alias: string;
  required: boolean;
  maxLength: number;
}

/** Field keys of a member row (glossary names). */
export type MemberColumnKey =
  | 'symbol'
  | 'number'
  | 'branch'
  | 'relationship'
  | 'insuredNumber'
  | 'insuredBranch'
  | 'nameKanji'
  | 'nameKana'
  | 'birthDate'
  | 'sex'
  | 'postalCode'
  | 'prefecture'
  | 'address'
  | 'acquiredOn'
  | 'copayRate'
  | 'copayRateFrom'
  | 'limitCategory'
  | 'limitCategoryFrom'
  | 'individualNumber'
  | 'cardClassification';

/** The columns in the order the sample files use (any order is accepted; docs/import-format.md §2). */
export const MEMBER_COLUMNS: readonly MemberColumn[] = [
  { key: 'symbol', header: '記号', alias: 'symbol', required: false, maxLength: 20 },
  { key: 'number', header: '番号', alias: 'number', required: true, maxLength: 20 },
  { key: 'branch', header: '枝番', alias: 'branch', required: false, maxLength: 10 },
  { key: 'relationship', header: '本人家族', alias: 'relationship', required: true, maxLength: 2 },
  { key: 'insuredNumber', header: '本人番号', alias: 'insuredNumber', required: false, maxLength: 20 },
  { key: 'insuredBranch', header: '本人枝番', alias: 'insuredBranch', required: false, maxLength: 10 },
  { key: 'nameKanji', header: '氏名', alias: 'nameKanji', required: true, maxLength: 100 },
  { key: 'nameKana', header: 'カナ氏名', alias: 'nameKana', required: true, maxLength: 100 },
  { key: 'birthDate', header: '生年月日', alias: 'birthDate', required: true, maxLength: 20 },
  { key: 'sex', header: '性別', alias: 'sex', required: true, maxLength: 3 },
  { key: 'postalCode', header: '郵便番号', alias: 'postalCode', required: true, maxLength: 8 },
  { key: 'prefecture', header: '都道府県', alias: 'prefecture', required: false, maxLength: 4 },
  { key: 'address', header: '住所', alias: 'address', required: true, maxLength: 200 },
  { key: 'acquiredOn', header: '資格取得日', alias: 'acquiredOn', required: true, maxLength: 20 },
  { key: 'copayRate', header: '負担割合', alias: 'copayRate', required: true, maxLength: 4 },
  { key: 'copayRateFrom', header: '負担割合適用開始日', alias: 'copayRateFrom', required: false, maxLength: 20 },
  { key: 'limitCategory', header: '限度額適用区分', alias: 'limitCategory', required: false, maxLength: 3 },
  { key: 'limitCategoryFrom', header: '限度額適用開始日', alias: 'limitCategoryFrom', required: false, maxLength: 20 },
  { key: 'individualNumber', header: '個人番号', alias: 'individualNumber', required: false, maxLength: 14 },
  { key: 'cardClassification', header: '被保険者証区分', alias: 'cardClassification', required: false, maxLength: 2 },
];

const BY_NAME = new Map<string, MemberColumn>(
  MEMBER_COLUMNS.flatMap((c) => [
    [c.header, c],
    [c.alias.toLowerCase(), c],
  ]),
);

/** Where each column sits in a file: the header row mapped to keys, or the header rejects. */
export type HeaderLayout =
  { ok: true; index: Map<MemberColumnKey, number>; names: string[] } | { ok: false; rejects: Reject[] };

/** Reads the header row: Japanese headers or English aliases, any order; unknown, repeated or missing columns refuse. */
export function readHeader(fields: readonly string[]): HeaderLayout {
  const index = new Map<MemberColumnKey, number>();
  const rejects: Reject[] = [];
  const names = fields.map((f) => f.replace(/^\uFEFF/, '').trim());
  names.forEach((name, i) => {
    const column = BY_NAME.get(name) ?? BY_NAME.get(name.toLowerCase());
    if (column === undefined) {
      rejects.push(reject(1, name, 'IMPORT_HEADER_UNKNOWN'));
      return;
    }
    if (index.has(column.key)) {
      rejects.push(reject(1, column.header, 'IMPORT_HEADER_DUPLICATE'));
      return;
    }
    index.set(column.key, i);
  });
  for (const column of MEMBER_COLUMNS) {
    if (column.required && !index.has(column.key)) {
      rejects.push(reject(1, column.header, 'IMPORT_HEADER_MISSING'));
    }
  }
  return rejects.length > 0 ? { ok: false, rejects } : { ok: true, index, names };
}

/** A member row after the pure checks, in Store terms. */
export interface MemberRow {
  /** Row number as a spreadsheet counts it (header = 1). */
  row: number;
  symbol: string | null;
  number: string;
  branch: string | null;
  relationship: Relationship;
  insuredNumber: string | null;
  insuredBranch: string | null;
  nameKanji: string;
  nameKana: string;
  birthDate: string;
  sex: Sex;
  postalCode: string;
  prefecture: string;
  address: string;
  acquiredOn: string;
  copayRate: CopayRate;
  copayRateFrom: string;
  /** Set when the person is a 高齢受給者 (70–74) on `copayRateFrom`: the period's last day (rules.md §2). */
  elderlyRecipientTo: string | null;
  limitCategory: LimitCategory | null;
  limitCategoryFrom: string | null;
  /** 12 half-width digits, or null. Never logged. */
  individualNumber: string | null;
  cardClassification: CardClassification;
}

/** The insurer a file is imported for: its number and 制度. */
export interface ImportInsurer {
  insurerNumber: string;
  scheme: Scheme;
}

/** 国保 and 後期 insure every member in their own right: no 被扶養者 (国保法5条, 高確法50条). */
export function schemeHasDependants(scheme: Scheme): boolean {
  return rateSchemeOf(scheme) === 'employee';
}

const HEADER_OF = new Map(MEMBER_COLUMNS.map((c) => [c.key, c]));

function headerOf(key: MemberColumnKey): string {
  return HEADER_OF.get(key)?.header ?? key;
}

/** Reads a date as insurers write it: 2026-04-01, 2026/4/1, 20260401, or 和暦 (令和8年4月1日, R8.4.1). */
export function readDate(text: string): string | null {
  if (ISO_SHAPE.test(text)) {
    return validIso(text) ? text : null;
  }
  const t = text.normalize('NFKC').trim();
  let iso: string | null = null;
  const western = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(t);
  if (western !== null) {
    const [, y = '', m = '', d = ''] = western;
    iso = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  } else if (/^\d{8}$/.test(t)) {
    iso = `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}`;
  } else if (/^[明大昭平令MTSHR]/i.test(t)) {
    try {
      iso = parseWareki(t);
    } catch {
      return null;
    }
  }
  return iso !== null && validIso(iso) ? iso : null;
}

/** A bounded memo: birth dates and effective dates repeat across a million rows, and the date rules are pure. */
function memo<T>(fn: (key: string) => T, limit = 200_000): (key: string) => T {
  let cache = new Map<string, T>();
  return (key) => {
    const hit = cache.get(key);
    if (hit !== undefined) {
      return hit;
    }
    const value = fn(key);
    if (cache.size >= limit) {
      cache = new Map();
    }
    cache.set(key, value);
    return value;
  };
}

const ISO_SHAPE = /^\d{4}-\d{2}-\d{2}$/;
const validIso = memo((d: string) => isIsoDate(d));
const elderlyPeriodOf = memo((birthDate: string) => elderlyRecipientPeriod(birthDate));
const statutoryRateOf = memo((key: string) => {
  const [birthDate = '', serviceDate = '', scheme = '', rateText = ''] = key.split('|');
  const rate = Number(rateText) as CopayRateValue;
  const rs = scheme as RateScheme;
  return copayRate({
    birthDate,
    serviceDate,
    scheme: rs,
    activeIncome: rate === 0.3,
    ...(rs === 'lateElderly' ? { lateElderlyBand: lateBandOf(rate) } : {}),
  });
});

const KATAKANA = /^[\u30A1-\u30FA\u30FC\u30FB\u3000 ]+$/;
const PREFECTURE_BY_NAME = Object.entries(PREFECTURES).map(([code, p]) => ({ code, ja: p.ja }));
const COPAY_RATES: Readonly<Record<string, CopayRate>> = {
  '1': 0.1,
  '2': 0.2,
  '3': 0.3,
  '0.1': 0.1,
  '0.2': 0.2,
  '0.3': 0.3,
  '010': 0.1,
  '020': 0.2,
  '030': 0.3,
};

function lateBandOf(rate: CopayRateValue): LateElderlyBand {
  return rate === 0.1 ? 1 : rate === 0.2 ? 2 : 3;
}

/** Reads one row's fields by column and collects its rejects (a class, so no closures are made per row). */
class RowReader {
  readonly rejects: Reject[] = [];

  constructor(
    private readonly rowNumber: number,
    private readonly fields: readonly string[],
    private readonly index: ReadonlyMap<MemberColumnKey, number>,
  ) {}

  raw(key: MemberColumnKey): string {
    const i = this.index.get(key);
    return i === undefined ? '' : (this.fields[i] ?? '');
  }

  /** The width-folded value, or null when blank. */
  optional(key: MemberColumnKey): string | null {
    const v = foldWidth(this.raw(key));
    return v === '' ? null : v;
  }

  refuse(key: MemberColumnKey, code: ImportRejectCode): void {
    this.rejects.push(reject(this.rowNumber, headerOf(key), code));
  }

  refuseWith(key: MemberColumnKey, v: Verdict): void {
    this.rejects.push(rejectFromVerdict(this.rowNumber, headerOf(key), v));
  }

  /** A date in any accepted form, or null (blank, or refused). */
  date(key: MemberColumnKey): string | null {
    const text = this.raw(key);
    if (text.trim() === '') {
      return null;
    }
    const d = readDate(text);
    if (d === null) {
      this.refuse(key, 'IMPORT_DATE');
      return null;
    }
    if (d < '1900-01-01' || d > '2100-12-31') {
      this.refuse(key, 'IMPORT_DATE_RANGE');
      return null;
    }
    return d;
  }
}

const ageOnMemo = memo((key: string) => ageOn(key.slice(0, 10), key.slice(11)));

/**
 * Checks one data row with every rule that needs no other row: returns the row in Store terms, or all its rejects
 * (each naming the column). `fields` are the raw CSV fields; `index` maps columns to positions. Dates compare as
 * strings once validated (ISO 'YYYY-MM-DD' orders lexicographically).
 */
export function checkMemberRow(
  rowNumber: number,
  fields: readonly string[],
  index: ReadonlyMap<MemberColumnKey, number>,
  insurer: ImportInsurer,
): { ok: true; row: MemberRow } | { ok: false; rejects: Reject[] } {
  const r = new RowReader(rowNumber, fields, index);
  for (const column of MEMBER_COLUMNS) {
    const value = r.raw(column.key);
    if (value.includes('\uFFFD')) {
      r.refuse(column.key, 'IMPORT_ENCODING');
    } else if (column.required && value.trim() === '') {
      r.refuse(column.key, 'IMPORT_REQUIRED');
    } else if (value.length > column.maxLength) {
      r.refuse(column.key, 'IMPORT_TOO_LONG');
    }
  }
  if (r.rejects.length > 0) {
    return { ok: false, rejects: r.rejects };
  }

  // 記号・番号・枝番 (rules.md §1.2; 後期: 8-digit 被保険者番号 only, §1.1).
  const symbolText = r.raw('symbol').trim();
  const symbol = symbolText === '' ? null : symbolText;
  const number = r.raw('number').trim();
  const branchText = r.raw('branch').trim();
  const branch = branchText === '' ? null : branchText;
  if (insurer.scheme === 'lateElderly') {
    if (symbol !== null) {
      r.refuse('symbol', 'IMPORT_LATE_ELDERLY_NUMBER');
    }
    if (!/^\d{8}$/.test(number)) {
      r.refuse('number', 'IMPORT_LATE_ELDERLY_NUMBER');
    }
    if (branch !== null) {
      r.refuse('branch', 'IMPORT_LATE_ELDERLY_NUMBER');
    }
  } else {
    const vs = validateSymbol(symbol);
    if (!vs.ok) {
      r.refuseWith('symbol', vs);
    }
    const vn = validateNumber(number);
    if (!vn.ok) {
      r.refuseWith('number', vn);
    }
    const vb = validateBranch(branch);
    if (!vb.ok) {
      r.refuseWith('branch', vb);
    }
  }

  // 本人家族 (OQSCD009) and the insured person a dependant names.
  const relText = foldWidth(r.raw('relationship'));
  const relationship: Relationship | null =
    relText === '1' || relText === '本人' ? 'insured' : relText === '2' || relText === '家族' ? 'dependant' : null;
  if (relationship === null) {
    r.refuse('relationship', 'IMPORT_RELATIONSHIP');
  }
  const insuredNumber = r.optional('insuredNumber');
  const insuredBranch = r.optional('insuredBranch');
  if (relationship === 'insured') {
    if (insuredNumber !== null) {
      r.refuse('insuredNumber', 'IMPORT_INSURED_FIELDS_ON_INSURED');
    }
    if (insuredBranch !== null) {
      r.refuse('insuredBranch', 'IMPORT_INSURED_FIELDS_ON_INSURED');
    }
  }
  if (relationship === 'dependant') {
    if (!schemeHasDependants(insurer.scheme)) {
      r.refuse('relationship', 'IMPORT_DEPENDANT_NOT_IN_SCHEME');
    } else if (insuredNumber === null) {
      r.refuse('insuredNumber', 'IMPORT_REQUIRED');
    } else {
      const vn = validateNumber(insuredNumber);
      if (!vn.ok) {
        r.refuseWith('insuredNumber', vn);
      }
      const vb = validateBranch(insuredBranch);
      if (!vb.ok) {
        r.refuseWith('insuredBranch', vb);
      }
    }
  }

  // Person.
  const nameKanji = r.raw('nameKanji').trim();
  const nameKana = foldWidth(r.raw('nameKana'));
  if (!KATAKANA.test(nameKana)) {
    r.refuse('nameKana', 'IMPORT_KANA');
  }
  const sexText = foldWidth(r.raw('sex'));
  const sex: Sex | null =
    sexText === '1' || sexText === '男'
      ? 'male'
      : sexText === '2' || sexText === '女'
        ? 'female'
        : sexText === '3'
          ? 'unset'
          : null;
  if (sex === null) {
    r.refuse('sex', 'IMPORT_SEX');
  }
  const postalDigits = foldWidth(r.raw('postalCode')).replace(/[-ー－]/g, '');
  if (!/^\d{7}$/.test(postalDigits)) {
    r.refuse('postalCode', 'IMPORT_POSTAL_CODE');
  }
  const address = r.raw('address').trim();
  const prefText = r.optional('prefecture');
  let prefecture: string | null = null;
  if (prefText !== null) {
    const code = prefText.padStart(2, '0');
    prefecture = isPrefectureCode(code) ? code : (PREFECTURE_BY_NAME.find((p) => p.ja === prefText)?.code ?? null);
  } else {
    prefecture = PREFECTURE_BY_NAME.find((p) => address.startsWith(p.ja))?.code ?? null;
  }
  if (prefecture === null) {
    r.refuse(prefText === null ? 'address' : 'prefecture', 'IMPORT_PREFECTURE');
  }

  // Dates: birth ≤ acquired ≤ effective dates.
  const birthDate = r.date('birthDate');
  const acquiredOn = r.date('acquiredOn');
  const copayRateFrom = r.date('copayRateFrom') ?? acquiredOn;
  const limitText = r.optional('limitCategory');
  const limitCategoryFrom = limitText === null ? null : (r.date('limitCategoryFrom') ?? acquiredOn);
  if (birthDate !== null && acquiredOn !== null && birthDate > acquiredOn) {
    r.refuse('acquiredOn', 'IMPORT_DATES_OUT_OF_ORDER');
  }
  if (acquiredOn !== null && copayRateFrom !== null && acquiredOn > copayRateFrom) {
    r.refuse('copayRateFrom', 'IMPORT_DATES_OUT_OF_ORDER');
  }
  if (acquiredOn !== null && limitCategoryFrom !== null && acquiredOn > limitCategoryFrom) {
    r.refuse('limitCategoryFrom', 'IMPORT_DATES_OUT_OF_ORDER');
  }

  // 負担割合 by the statutory rule on its effective date (rules.md §2).
  const rate = COPAY_RATES[foldWidth(r.raw('copayRate'))] ?? null;
  let elderlyRecipientTo: string | null = null;
  if (rate === null) {
    r.refuse('copayRate', 'IMPORT_COPAY_RATE');
  } else if (birthDate !== null && copayRateFrom !== null && birthDate <= copayRateFrom) {
    const rs = rateSchemeOf(insurer.scheme);
    const statutory = statutoryRateOf(`${birthDate}|${copayRateFrom}|${rs}|${String(rate)}`);
    if (!statutory.reason.ok) {
      r.refuseWith('copayRate', statutory.reason);
    } else if (statutory.rate !== rate) {
      r.refuseWith('copayRate', { ...statutory.reason, ok: false, code: 'IMPORT_COPAY_RATE_RULE' });
    }
    if (rs !== 'lateElderly') {
      const period = elderlyPeriodOf(birthDate);
      if (period.from <= copayRateFrom && copayRateFrom <= period.to) {
        elderlyRecipientTo = period.to;
      }
    }
  }

  // 限度額適用区分 (OQSCD012) for the age group on its effective date (rules.md §3).
  let limitCategory: LimitCategory | null = null;
  if (limitText !== null) {
    if (!isOqsCode('limitCategory', limitText)) {
      r.refuse('limitCategory', 'IMPORT_LIMIT_CATEGORY');
    } else {
      limitCategory = limitText;
      if (birthDate !== null && limitCategoryFrom !== null && birthDate <= limitCategoryFrom) {
        const over70 = ageOnMemo(`${birthDate}|${limitCategoryFrom}`) >= 70 || insurer.scheme === 'lateElderly';
        const lateOnly = limitText === 'B09' || limitText === 'B10';
        if (
          (limitCategoryAgeGroup(limitText) === 'over70') !== over70 ||
          (lateOnly && insurer.scheme !== 'lateElderly')
        ) {
          r.refuse('limitCategory', 'IMPORT_LIMIT_CATEGORY_AGE');
        }
      }
    }
  }

  // My Number (施行令第8条 check digit); the value never enters a message.
  const numberText = r.optional('individualNumber');
  let individualNumber: string | null = null;
  if (numberText !== null) {
    const v = validateIndividualNumber(numberText);
    if (v.ok) {
      individualNumber = numberText.replace(/[\s-]/g, '');
    } else {
      r.refuseWith('individualNumber', v);
    }
  }

  const classText = r.optional('cardClassification') ?? '01';
  const cardClassification = isOqsCode('insuredCardClassification', classText) ? classText : null;
  if (cardClassification === null) {
    r.refuse('cardClassification', 'IMPORT_CARD_CLASSIFICATION');
  }

  if (
    r.rejects.length > 0 ||
    relationship === null ||
    sex === null ||
    prefecture === null ||
    birthDate === null ||
    acquiredOn === null ||
    copayRateFrom === null ||
    rate === null ||
    cardClassification === null
  ) {
    return { ok: false, rejects: r.rejects };
  }
  return {
    ok: true,
    row: {
      row: rowNumber,
      symbol,
      number,
      branch,
      relationship,
      insuredNumber,
      insuredBranch,
      nameKanji,
      nameKana,
      birthDate,
      sex,
      postalCode: `${postalDigits.slice(0, 3)}-${postalDigits.slice(3)}`,
      prefecture,
      address,
      acquiredOn,
      copayRate: rate,
      copayRateFrom,
      elderlyRecipientTo,
      limitCategory,
      limitCategoryFrom,
      individualNumber,
      cardClassification,
    },
  };
}
