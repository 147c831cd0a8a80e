/**
 * 一部負担金割合 (co-payment rate) and the window amount. Sources: rules.md §2 (国保法42条, 健保法74条, 高確法67条,
 * 年齢計算ニ関スル法律) and test cases 12–21. Every function takes the date it is asked about.
 */
import { addMonths, birthday, compareDates, dayReachingAge, parseIsoDate, startOfMonth } from './dates.js';
import { verdict, type Verdict } from './verdict.js';
import type { Scheme } from './identifiers.js';

/** The rate scheme: 被用者保険 (`employee`), 国保 (`national`) or 後期高齢者医療 (`lateElderly`). */
export type RateScheme = 'employee' | 'national' | 'lateElderly';

/** The rate scheme of an insurer's 制度 (rules.md §2): 被用者保険, 国保 (incl. 国保組合, 退職者医療) or 後期. */
export function rateSchemeOf(scheme: Scheme): RateScheme {
  switch (scheme) {
    case 'lateElderly':
      return 'lateElderly';
    case 'kokuho':
    case 'kokuhoKumiai':
    case 'kokuhoRetiree':
      return 'national';
    case 'kyokai':
    case 'seninHoken':
    case 'dayLabourer':
    case 'kumiai':
    case 'selfDefenseForces':
    case 'kyosai':
    case 'specialRetiree':
      return 'employee';
  }
}

/** 一部負担金割合: 1割, 2割 or 3割. */
export type CopayRateValue = 0.1 | 0.2 | 0.3;

/** 後期高齢者 負担区分: 1 = 1割, 2 = 2割, 3 = 3割 (現役並み). */
export type LateElderlyBand = 1 | 2 | 3;

/** Everything the rate depends on. `activeIncome` (現役並み) matters from 70; `lateElderlyBand` in 後期. */
export interface CopayRateInput {
  birthDate: string;
  serviceDate: string;
  scheme: RateScheme;
  activeIncome?: boolean;
  lateElderlyBand?: LateElderlyBand;
}

/** The rate with the rule that set it; `reason.ok` is false when the scheme does not fit the age. */
export interface CopayRateResult {
  rate: CopayRateValue;
  reason: Verdict;
}

/** A closed period of ISO dates. */
export interface DatePeriod {
  from: string;
  to: string;
}

const BASIS_AGE = 'rules.md §2 (国保法42条・健保法74条; 年齢計算ニ関スル法律)';
const BASIS_LATE = 'rules.md §2 (高確法52条・67条) [S12][S13]';

/** The rate a 後期 band pays. */
export function lateElderlyBandRate(band: LateElderlyBand): CopayRateValue {
  switch (band) {
    case 1:
      return 0.1;
    case 2:
      return 0.2;
    case 3:
      return 0.3;
  }
}

function checkBirthAndDate(birthDate: string, date: string): void {
  parseIsoDate(birthDate);
  parseIsoDate(date);
  if (compareDates(date, birthDate) < 0) {
    throw new RangeError(`date ${date} is before the birth date`);
  }
}

/**
 * Last day of 未就学 (2割): the first 31 March on or after "6歳に達する日" (the day before the 6th birthday), so a
 * child born on 1 April leaves it a year earlier than one born on 2 April (rules.md §2, test cases 12–13).
 */
export function preschoolUntil(birthDate: string): string {
  // 6歳に達する日 falls on or before 31 March of the 6th year exactly when the birthday is 1 January – 1 April (a
  // 29 February birthday reaches 6 on 28 or 29 February): a closed form of the definition, which every confirmation
  // evaluates (the test compares the two for every day of 2019–2021).
  const { year, month, day } = parseIsoDate(birthDate);
  const until = month < 4 || (month === 4 && day === 1) ? year + 6 : year + 7;
  return `${String(until).padStart(4, '0')}-03-31`;
}

/**
 * 高齢受給者 (70–74) period: from the 1st of the month after the month holding "70歳に達する日" (so a birthday on
 * the 1st starts in the birth month) to the day before the 75th birthday (rules.md §2 [S11][S11b]).
 */
export function elderlyRecipientPeriod(birthDate: string): DatePeriod {
  parseIsoDate(birthDate);
  return {
    from: addMonths(startOfMonth(dayReachingAge(birthDate, 70)), 1),
    to: dayReachingAge(birthDate, 75),
  };
}

/** 後期高齢者 from the 75th birthday itself, not "75歳に達する日" (高確法52条; rules.md §2 [S12], test case 18). */
export function lateElderlyFrom(birthDate: string): string {
  parseIsoDate(birthDate);
  return birthday(birthDate, 75);
}

function ageRate(input: CopayRateInput): CopayRateResult {
  const { birthDate, serviceDate } = input;
  const preschoolEnd = preschoolUntil(birthDate);
  if (compareDates(serviceDate, preschoolEnd) <= 0) {
    return {
      rate: 0.2,
      reason: verdict(
        true,
        'preschool',
        `未就学（${preschoolEnd}まで）のため2割`,
        `Preschool child (until ${preschoolEnd}): 20%`,
        BASIS_AGE,
      ),
    };
  }
  const elderly = elderlyRecipientPeriod(birthDate);
  if (compareDates(serviceDate, elderly.from) < 0) {
    return {
      rate: 0.3,
      reason: verdict(
        true,
        'working',
        '義務教育就学後〜70歳の月まで: 3割',
        'School age to the month of turning 70: 30%',
        BASIS_AGE,
      ),
    };
  }
  if (input.activeIncome === true) {
    return {
      rate: 0.3,
      reason: verdict(
        true,
        'elderlyRecipientActiveIncome',
        `高齢受給者（${elderly.from}から）・現役並み所得者: 3割`,
        `Elderly recipient (from ${elderly.from}) with active-level income: 30%`,
        `${BASIS_AGE} [S11][S14]`,
      ),
    };
  }
  return {
    rate: 0.2,
    reason: verdict(
      true,
      'elderlyRecipient',
      `高齢受給者（${elderly.from}から）: 2割`,
      `Elderly recipient (from ${elderly.from}): 20%`,
      `${BASIS_AGE} [S11]`,
    ),
  };
}

/**
 * The statutory co-payment rate on the service date (rules.md §2, test cases 12–18). A person on 被用者保険 or 国保
 * on or after the 75th birthday belongs to 後期: the verdict says so (`belongsToLateElderly`, ok false) and the rate
 * is the one 後期 would charge when the band is known, otherwise the 70–74 rate.
 */
export function copayRate(input: CopayRateInput): CopayRateResult {
  const { birthDate, serviceDate, scheme } = input;
  checkBirthAndDate(birthDate, serviceDate);
  const lateFrom = lateElderlyFrom(birthDate);
  const isLateAge = compareDates(serviceDate, lateFrom) >= 0;

  if (scheme === 'lateElderly') {
    const band = input.lateElderlyBand ?? (input.activeIncome === true ? 3 : undefined);
    if (band === undefined) {
      throw new RangeError('lateElderlyBand is required for scheme lateElderly');
    }
    const rate = lateElderlyBandRate(band);
    if (isLateAge) {
      return {
        rate,
        reason: verdict(
          true,
          `lateElderlyBand${band}`,
          `後期高齢者医療（${lateFrom}から）: ${band}割`,
          `Late-elderly medical care (from ${lateFrom}): ${band}0%`,
          BASIS_LATE,
        ),
      };
    }
    if (compareDates(serviceDate, birthday(birthDate, 65)) >= 0) {
      return {
        rate,
        reason: verdict(
          true,
          `lateElderlyBand${band}`,
          `65〜74歳の一定障害による後期高齢者医療: ${band}割`,
          `Late-elderly care by disability certification (65–74): ${band}0%`,
          `${BASIS_LATE} (高確法50条2号)`,
        ),
      };
    }
    const byAge = ageRate(input);
    return {
      rate: byAge.rate,
      reason: verdict(
        false,
        'lateElderlyUnder65',
        '65歳未満は後期高齢者医療の被保険者になれません（年齢による割合を表示）',
        'Under 65 cannot be insured by late-elderly care (rate shown by age)',
        BASIS_LATE,
      ),
    };
  }

  if (isLateAge) {
    const rate =
      input.lateElderlyBand !== undefined
        ? lateElderlyBandRate(input.lateElderlyBand)
        : input.activeIncome === true
          ? 0.3
          : 0.2;
    return {
      rate,
      reason: verdict(
        false,
        'belongsToLateElderly',
        `${lateFrom}（75歳の誕生日）から後期高齢者医療の被保険者です。従前の保険の資格はありません`,
        `From ${lateFrom} (75th birthday) the person is insured by late-elderly care, not by this scheme`,
        BASIS_LATE,
      ),
    };
  }
  return ageRate(input);
}

/** Income facts for the 70–74 現役並み test; amounts in yen. */
export interface ElderlyActiveIncomeInput {
  /** `employee` judges by 標準報酬月額, `national` by 住民税課税所得. */
  scheme: 'employee' | 'national';
  /** 標準報酬月額 (被用者保険). */
  standardMonthlyRemuneration?: number;
  /** 住民税 課税所得 (国保: the highest among the household's 70–74 members). */
  taxableIncome?: number;
  /** 収入 (single) or the 70–74 members' combined 収入 (2+), for the relief. */
  income?: number;
  /** Number of 70–74 members counted for the relief (1 = single). */
  householdSize?: number;
  /** The 基準収入額適用申請 was made. */
  applyIncomeRelief?: boolean;
}

/** The 現役並み outcome with its reason. */
export interface ActiveIncomeResult {
  activeIncome: boolean;
  reason: Verdict;
}

/** 現役並み threshold: 標準報酬月額 ≥ 28万 (rules.md §2 [S14]). */
export const ACTIVE_INCOME_MIN_REMUNERATION = 280_000;
/** 現役並み threshold: 課税所得 ≥ 145万 (rules.md §2 [S13][S14]). */
export const ACTIVE_INCOME_MIN_TAXABLE = 1_450_000;
/** Relief: 収入 below 383万 (single) keeps 2割 on application (rules.md §2 [S14][S16]). */
export const ACTIVE_INCOME_RELIEF_SINGLE = 3_830_000;
/** Relief: 収入 below 520万 (2+ persons) keeps 2割 on application. */
export const ACTIVE_INCOME_RELIEF_MULTI = 5_200_000;

function checkYen(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isFinite(value) || value < 0)) {
    throw new RangeError(`${name} must be a non-negative amount in yen`);
  }
}

function reliefApplies(
  income: number | undefined,
  householdSize: number | undefined,
  apply: boolean | undefined,
): boolean {
  if (apply !== true || income === undefined) {
    return false;
  }
  const limit = (householdSize ?? 1) >= 2 ? ACTIVE_INCOME_RELIEF_MULTI : ACTIVE_INCOME_RELIEF_SINGLE;
  return income < limit;
}

/**
 * 70–74 現役並み test: 被用者保険 標準報酬月額 ≥ 28万, 国保 課税所得 ≥ 145万; on application 収入 < 383万 (single) /
 * < 520万 (2+) keeps 2割 (rules.md §2 [S14][S16], test case 17).
 */
export function elderlyActiveIncome(input: ElderlyActiveIncomeInput): ActiveIncomeResult {
  checkYen('standardMonthlyRemuneration', input.standardMonthlyRemuneration);
  checkYen('taxableIncome', input.taxableIncome);
  checkYen('income', input.income);
  const basis = 'rules.md §2 [S14][S16]';
  const overThreshold =
    input.scheme === 'employee'
      ? (input.standardMonthlyRemuneration ?? 0) >= ACTIVE_INCOME_MIN_REMUNERATION
      : (input.taxableIncome ?? 0) >= ACTIVE_INCOME_MIN_TAXABLE;
  if (!overThreshold) {
    return {
      activeIncome: false,
      reason: verdict(
        true,
        'belowActiveIncome',
        '現役並み所得の基準未満',
        'Below the active-level income threshold',
        basis,
      ),
    };
  }
  if (reliefApplies(input.income, input.householdSize, input.applyIncomeRelief)) {
    return {
      activeIncome: false,
      reason: verdict(
        true,
        'incomeRelief',
        '基準収入額適用申請により一般（2割）',
        'Income relief applied: ordinary rate (20%)',
        basis,
      ),
    };
  }
  return {
    activeIncome: true,
    reason: verdict(true, 'activeIncome', '現役並み所得者（3割）', 'Active-level income (30%)', basis),
  };
}

/** Income facts for the 後期 band; amounts in yen. */
export interface LateElderlyBandInput {
  /** 住民税 課税所得: the highest among the household's 後期 members. */
  taxableIncome: number;
  /** 年金収入 + その他の合計所得: the person's (single) or the 後期 members' total (2+). */
  pensionPlusOtherIncome: number;
  /** Number of 後期 members in the household (1 = single). */
  householdSize: number;
  /** 収入 (single) or the 後期 members' combined 収入, for the 現役並み relief. */
  income?: number;
  /** The 基準収入額適用申請 was made. */
  applyIncomeRelief?: boolean;
}

/** 2割 band: 課税所得 ≥ 28万 (rules.md §2 [S13]). */
export const LATE_ELDERLY_TWO_TENTHS_MIN_TAXABLE = 280_000;
/** 2割 band: 年金収入+その他の合計所得 ≥ 200万 single (rules.md §2 [S13]). */
export const LATE_ELDERLY_TWO_TENTHS_MIN_INCOME_SINGLE = 2_000_000;
/** 2割 band: 年金収入+その他の合計所得 ≥ 320万 two or more (rules.md §2 [S13]). */
export const LATE_ELDERLY_TWO_TENTHS_MIN_INCOME_MULTI = 3_200_000;

/**
 * 後期高齢者 負担区分: 3割 with 課税所得 ≥ 145万 (unless the 383万/520万 relief applies); 2割 with 課税所得 ≥ 28万
 * and 年金+その他 ≥ 200万 (single) / 320万 (2+); else 1割 (rules.md §2 [S13], test cases 19–20).
 */
export function lateElderlyBand(input: LateElderlyBandInput): { band: LateElderlyBand; reason: Verdict } {
  checkYen('taxableIncome', input.taxableIncome);
  checkYen('pensionPlusOtherIncome', input.pensionPlusOtherIncome);
  checkYen('income', input.income);
  if (!Number.isInteger(input.householdSize) || input.householdSize < 1) {
    throw new RangeError('householdSize must be a whole number ≥ 1');
  }
  const basis = 'rules.md §2 [S13]';
  if (input.taxableIncome >= ACTIVE_INCOME_MIN_TAXABLE) {
    if (!reliefApplies(input.income, input.householdSize, input.applyIncomeRelief)) {
      return {
        band: 3,
        reason: verdict(true, 'lateElderlyActiveIncome', '現役並み所得者: 3割', 'Active-level income: 30%', basis),
      };
    }
  }
  const incomeFloor =
    input.householdSize >= 2 ? LATE_ELDERLY_TWO_TENTHS_MIN_INCOME_MULTI : LATE_ELDERLY_TWO_TENTHS_MIN_INCOME_SINGLE;
  if (input.taxableIncome >= LATE_ELDERLY_TWO_TENTHS_MIN_TAXABLE && input.pensionPlusOtherIncome >= incomeFloor) {
    return {
      band: 2,
      reason: verdict(
        true,
        'lateElderlyTwoTenths',
        '一定以上所得（課税所得28万円以上かつ年金収入+その他の合計所得が基準以上）: 2割',
        'Income above the 20% thresholds: 20%',
        basis,
      ),
    };
  }
  return {
    band: 1,
    reason: verdict(true, 'lateElderlyGeneral', '一般: 1割', 'General: 10%', basis),
  };
}

/**
 * The window amount: under 5 yen rounds down, 5 and over rounds up, to 10 yen (健保法75条; rules.md §2 [S19], test
 * case 21). A negative or fractional amount is a caller error.
 */
export function roundWindowPayment(yen: number): number {
  if (!Number.isSafeInteger(yen) || yen < 0) {
    throw new RangeError(`window payment must be a non-negative whole number of yen: ${String(yen)}`);
  }
  const rest = yen % 10;
  return rest < 5 ? yen - rest : yen - rest + 10;
}
