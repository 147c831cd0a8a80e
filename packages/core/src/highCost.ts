/**
 * 高額療養費 自己負担限度額 (monthly and annual limits) for the OQS 適用区分 codes. Sources: rules.md §3 tables
 * (健保法施行令42条; 2018-08 and 2022-10 tables), test cases 22–27; the 2026-08 change as far as it is known [S18]
 * (docs/decisions/0020-high-cost-2026-08.md).
 */
import { isOqsCode, limitCategoryLabel, type LimitCategoryCode } from './codes.js';
import { addMonths, birthday, compareDates, parseIsoDate } from './dates.js';
import { verdict, type Verdict } from './verdict.js';

/** Inputs of the monthly limit. `medicalCost` is the month's 10割 total in yen; `month` is 'YYYY-MM'. */
export interface HighCostInput {
  category: LimitCategoryCode;
  medicalCost: number;
  month: string;
  /** 多数回該当: the 4th or later month with a payment within 12 months. */
  manyTimes?: boolean;
  /** Only outpatient care in the month: the 70+ individual 外来特例 limit applies. */
  outpatientOnly?: boolean;
  /** The month of joining 後期 (75歳到達月特例, not when the birthday is the 1st): limits are halved. */
  turning75Month?: boolean;
}

/** The limit with its source; `provisional` marks months whose amounts are not fully published (2026-08 on). */
export interface HighCostDetail {
  limit: number;
  basis: string;
  provisional: boolean;
  /** The annual cap on the same category from 2026-08, where known (ウ: 530,000円); else null. */
  annualLimit: number | null;
  verdict: Verdict;
}

/** First month of the tables implemented here (2018-08 reform; rules.md §3). */
export const HIGH_COST_TABLE_FROM = '2018-08';
/** 後期 2割 (一般Ⅱ, B09) and 一般Ⅰ (B10) exist from 2022-10 (rules.md §2 [S15]). */
export const LATE_ELDERLY_TWO_TENTHS_FROM = '2022-10';
/** Last month of the 配慮措置 for 後期 2割 outpatients (rules.md §2 [S15], test case 26). */
export const CONSIDERATION_MEASURE_LAST_MONTH = '2025-09';
/** First month of the 2026 raise (rules.md §3 Scheduled changes [S18]). */
export const HIGH_COST_2026_FROM = '2026-08';
/** 外来 annual cap for 70+ 一般・低所得, per August–July year (rules.md §3 [S16]). */
export const ANNUAL_OUTPATIENT_CAP = 144_000;

interface Row {
  /** Fixed part (or the whole limit when there is no threshold). */
  base: number;
  /** 医療費 above which 1% is added. */
  threshold?: number;
  /** 多数回 amount; absent = no reduction. */
  manyTimes?: number;
  /** 70+ individual outpatient limit (外来特例). */
  outpatient?: number;
}

const ROW_A: Row = { base: 252_600, threshold: 842_000, manyTimes: 140_100 };
const ROW_I: Row = { base: 167_400, threshold: 558_000, manyTimes: 93_000 };
const ROW_U: Row = { base: 80_100, threshold: 267_000, manyTimes: 44_400 };
/** 2026-08: ウ raised to 85,800 + 1%; the threshold 286,000 = 85,800 ÷ 0.3 is inferred (decision 0020). */
const ROW_U_2026: Row = { base: 85_800, threshold: 286_000, manyTimes: 44_400 };
const ROW_GENERAL_70: Row = { base: 57_600, manyTimes: 44_400, outpatient: 18_000 };
const ROW_LOW_II: Row = { base: 24_600, outpatient: 8_000 };
const ROW_LOW_I: Row = { base: 15_000, outpatient: 8_000 };

/** rules.md §3 current table (2018-08 / 2022-10). 現役並みⅢ 多数回 is 140,100 ([S14b]'s 144,000 is a typo; 0021). */
const TABLE: Record<LimitCategoryCode, Row> = {
  A01: ROW_A,
  A02: ROW_I,
  A03: ROW_U,
  A04: { base: 57_600, manyTimes: 44_400 },
  A05: { base: 35_400, manyTimes: 24_600 },
  A06: { base: 35_400, manyTimes: 24_600 },
  B01: ROW_A,
  B02: ROW_I,
  B03: ROW_U,
  B04: ROW_GENERAL_70,
  B05: ROW_LOW_II,
  B06: ROW_LOW_I,
  B07: ROW_LOW_I,
  B08: ROW_LOW_I,
  B09: ROW_GENERAL_70,
  B10: ROW_GENERAL_70,
};

const MONTH = /^(\d{4})-(\d{2})$/;

function checkMonth(month: string): void {
  const m = MONTH.exec(month);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) {
    throw new RangeError(`not a month (YYYY-MM): ${JSON.stringify(month)}`);
  }
}

/** True for the 70+ categories that have the 外来特例 (一般・低所得). */
function hasOutpatientLimit(category: LimitCategoryCode): boolean {
  return TABLE[category].outpatient !== undefined;
}

/** 1% of the cost above the threshold (cost floored at the threshold, 施行令42条 [S16b]); 1円未満四捨五入 (0022). */
function formula(base: number, threshold: number, medicalCost: number): number {
  return base + Math.round(Math.max(0, medicalCost - threshold) * 0.01);
}

/**
 * Whether the 75歳到達月特例 applies in `month` ('YYYY-MM'): the month of the 75th birthday, unless that birthday is
 * the 1st (then the whole month is 後期 and nothing is split) (rules.md §3 [S17], test case 27).
 */
export function isTurning75Month(birthDate: string, month: string): boolean {
  checkMonth(month);
  const joined = birthday(birthDate, 75);
  return joined.slice(0, 7) === month && parseIsoDate(joined).day !== 1;
}

/**
 * The monthly limit with its basis. From 2026-08 the amounts are only partly published: ウ/現役並みⅠ use the known
 * 85,800 + 1%, every other category keeps the current amount, and all are flagged `provisional` (decision 0020).
 * Months before 2018-08, and B09/B10 before 2022-10, are refused with a RangeError.
 */
export function highCostMonthlyLimitDetail(input: HighCostInput): HighCostDetail {
  const { category, medicalCost, month } = input;
  checkMonth(month);
  if (!isOqsCode('limitCategory', category)) {
    throw new RangeError(`unknown 限度額適用区分: ${JSON.stringify(category)}`);
  }
  if (!Number.isFinite(medicalCost) || medicalCost < 0) {
    throw new RangeError('medicalCost must be a non-negative amount in yen');
  }
  if (month < HIGH_COST_TABLE_FROM) {
    throw new RangeError(`no 高額療養費 table before ${HIGH_COST_TABLE_FROM} is implemented (asked for ${month})`);
  }
  if ((category === 'B09' || category === 'B10') && month < LATE_ELDERLY_TWO_TENTHS_FROM) {
    throw new RangeError(`${category} exists from ${LATE_ELDERLY_TWO_TENTHS_FROM} (asked for ${month})`);
  }
  const provisional = month >= HIGH_COST_2026_FROM;
  const raisedU = provisional && (category === 'A03' || category === 'B03');
  const row = raisedU ? ROW_U_2026 : TABLE[category];
  const factor = input.turning75Month === true ? 0.5 : 1;
  const half = (yen: number): number => yen * factor;
  const label = limitCategoryLabel(category);
  const notes: string[] = [];

  let limit: number;
  if (input.outpatientOnly === true && row.outpatient !== undefined) {
    if (category === 'B09' && month <= CONSIDERATION_MEASURE_LAST_MONTH) {
      // 配慮措置: the increase from 1割 to 2割 is capped at 3,000円, i.e. 6,000 + (医療費 − 30,000) × 10% (test case 26).
      const eased = half(6_000) + Math.round(Math.max(0, medicalCost - half(30_000)) * 0.1);
      limit = Math.min(half(row.outpatient), eased);
      notes.push('配慮措置 (〜2025-09)');
    } else {
      limit = half(row.outpatient);
    }
    notes.push('外来特例 (個人)');
  } else if (input.manyTimes === true && row.manyTimes !== undefined) {
    limit = half(row.manyTimes);
    notes.push('多数回該当');
  } else if (row.threshold !== undefined) {
    limit = formula(half(row.base), half(row.threshold), medicalCost);
  } else {
    limit = half(row.base);
  }
  if (factor !== 1) {
    notes.push('75歳到達月特例 (1/2)');
  }

  const basisParts = ['rules.md §3 (健保法施行令42条) [S16][S15b]'];
  if (factor !== 1) {
    basisParts.push('[S17]');
  }
  if (provisional) {
    basisParts.push(
      raisedU
        ? '[S18] 2026-08 ウ 85,800+1% (threshold inferred; decision 0020)'
        : '[S18] 2026-08 amounts not published: current amount shown (decision 0020)',
    );
  }
  const annualLimit = raisedU ? 530_000 : null;
  const detailJa = notes.length > 0 ? `（${notes.join('・')}）` : '';
  const detailEn = notes.length > 0 ? ` (${notes.join(', ')})` : '';
  return {
    limit,
    basis: basisParts.join(' '),
    provisional,
    annualLimit,
    verdict: verdict(
      true,
      provisional ? 'provisionalLimit' : 'limit',
      `${label}${detailJa}: 自己負担限度額 ${limit.toLocaleString('ja-JP')}円${provisional ? '（2026年8月以降の暫定値）' : ''}`,
      `${category}${detailEn}: monthly limit ${limit} yen${provisional ? ' (provisional: 2026-08 tables not fully published)' : ''}`,
      basisParts.join(' '),
    ),
  };
}

/**
 * 自己負担限度額 in yen for a month (rules.md §3, test cases 22–27). For 2026-08 onward the figure is provisional;
 * use `highCostMonthlyLimitDetail` to see the flag.
 */
export function highCostMonthlyLimit(input: HighCostInput): number {
  return highCostMonthlyLimitDetail(input).limit;
}

/** An August–July 外来 year ('YYYY-MM' bounds). */
export interface OutpatientYear {
  from: string;
  to: string;
}

/** The August–July year (計算期間; 基準日 7月31日) holding `month` (rules.md §3 [S16]). */
export function outpatientYearOf(month: string): OutpatientYear {
  checkMonth(month);
  const start = Number(month.slice(5, 7)) >= 8 ? `${month}-01` : addMonths(`${month}-01`, -12);
  const from = `${start.slice(0, 4)}-08`;
  return { from, to: addMonths(`${from}-01`, 11).slice(0, 7) };
}

/** The annual 外来 cap answer. `cap` is null when the category has no annual outpatient cap. */
export interface AnnualOutpatientCap {
  cap: number | null;
  year: OutpatientYear;
  provisional: boolean;
  basis: string;
}

/**
 * 外来 年間上限: 144,000円 per August–July year for those who are 一般 or 低所得 (B04–B10) on the 基準日 (7月31日)
 * (rules.md §3 [S16], test case 25). 現役並み and under-70 categories have none. Years from 2026-08 are provisional:
 * the raised figure is not published (decision 0020).
 */
export function annualOutpatientCap(input: { category: LimitCategoryCode; month: string }): AnnualOutpatientCap {
  const year = outpatientYearOf(input.month);
  if (!isOqsCode('limitCategory', input.category)) {
    throw new RangeError(`unknown 限度額適用区分: ${JSON.stringify(input.category)}`);
  }
  const provisional = compareDates(`${year.from}-01`, `${HIGH_COST_2026_FROM}-01`) >= 0;
  const basis = `rules.md §3 [S16]${provisional ? ' [S18] 2026-08 annual figures not published (decision 0020)' : ''}`;
  return {
    cap: hasOutpatientLimit(input.category) ? ANNUAL_OUTPATIENT_CAP : null,
    year,
    provisional,
    basis,
  };
}
