/**
 * The statistics answers (issue 9, seed 004): by branch for one month (sorted, top and bottom five marked,
 * month-on-month change), by month (a series), and by institution kind. Each answer sums the aggregate cells the
 * store keeps as data arrives (decision 0115) — never the raw events — and names its numerator and denominator.
 */
import { PREFECTURES, addMonths } from '@onshi/core';
import type { ErrorEntry } from '../../formats/errors.js';
import { AppError, appErrorEntry } from '../../http/errors.js';
import type { InstitutionKind, Scheme, Store, UsageCounters, UsageGroup } from '../../store/types.js';
import { RATE_DEFINITIONS, rateOf, usageFraction, type RateDefinition, type RateDefinitionId } from './definitions.js';

/** The statistics API's coded errors. */
export const STATS_ERRORS = {
  badMonth: appErrorEntry(
    'ONSHI-E-STATS-BAD-MONTH',
    400,
    '年月の指定が正しくありません（YYYY-MM、開始 ≤ 終了、最長120か月）。',
    'Months must be YYYY-MM, from ≤ to, at most 120 months.',
    'Pass month=YYYY-MM, or from=YYYY-MM and to=YYYY-MM with from ≤ to.',
  ),
  notByKind: appErrorEntry(
    'ONSHI-E-STATS-NOT-BY-KIND',
    400,
    '利用登録率は医療機関の種別ごとには集計できません。',
    'The registration rate cannot be split by institution kind.',
    'Registration is a property of members, not of visits: use by-branch or by-month for registrationRate.',
  ),
} satisfies Record<string, ErrorEntry>;

/** Whose figures: all, one insurer, or one 制度 (e.g. kyokai for 協会けんぽ 支部). */
export interface StatsScope {
  insurerNumber?: string;
  scheme?: Scheme;
}

/** One row of an answer. */
export interface RateRow {
  numerator: number;
  denominator: number;
  /** numerator ÷ denominator, or null when the denominator is 0. */
  rate: number | null;
}

/** A branch (prefecture of the member's insurer: 協会けんぽ 支部) in one month. */
export interface BranchRow extends RateRow {
  branch: string;
  branchName: { ja: string; en: string };
  rank: number;
  /** Among the five highest or the five lowest rates. */
  mark: 'top' | 'bottom' | null;
  previousRate: number | null;
  /** Month-on-month change in percentage points, or null. */
  changePoints: number | null;
}

/** One month of a series. */
export interface MonthRow extends RateRow {
  month: string;
}

/** One institution kind. */
export interface KindRow extends RateRow {
  institutionKind: InstitutionKind;
  kindName: { ja: string; en: string };
}

/** What every answer carries besides its rows. */
export interface AnswerHead {
  definition: RateDefinition;
  scope: StatsScope;
  total: RateRow;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Checks a month range; a coded 400 otherwise. */
export function checkMonths(from: string, to: string): void {
  if (!MONTH.test(from) || !MONTH.test(to) || from > to || addMonths(`${from}-01`, 120) <= `${to}-01`) {
    throw new AppError(STATS_ERRORS.badMonth, `${from} – ${to}`);
  }
}

const KIND_NAMES: Readonly<Record<InstitutionKind, { ja: string; en: string }>> = {
  hospital: { ja: '病院', en: 'Hospitals' },
  clinic: { ja: '医科診療所', en: 'Medical clinics' },
  dental: { ja: '歯科', en: 'Dental clinics' },
  pharmacy: { ja: '薬局', en: 'Pharmacies' },
};

function prefectureName(code: string): { ja: string; en: string } {
  const known = Object.entries(PREFECTURES).find(([c]) => c === code);
  return known === undefined ? { ja: code, en: code } : { ja: known[1].ja, en: known[1].en };
}

function row(numerator: number, denominator: number): RateRow {
  return { numerator, denominator, rate: rateOf(numerator, denominator) };
}

function zero(): UsageCounters {
  return {
    cardChecks: 0,
    numberChecks: 0,
    bulkChecks: 0,
    visualChecks: 0,
    cardPersons: 0,
    outpatientClaims: 0,
    inpatientClaims: 0,
  };
}

function plus(a: UsageCounters, b: UsageCounters): UsageCounters {
  return {
    cardChecks: a.cardChecks + b.cardChecks,
    numberChecks: a.numberChecks + b.numberChecks,
    bulkChecks: a.bulkChecks + b.bulkChecks,
    visualChecks: a.visualChecks + b.visualChecks,
    cardPersons: a.cardPersons + b.cardPersons,
    outpatientClaims: a.outpatientClaims + b.outpatientClaims,
    inpatientClaims: a.inpatientClaims + b.inpatientClaims,
  };
}

/** Numerator and denominator of any definition for groups keyed by `key`. */
async function fractions(
  store: Store,
  id: RateDefinitionId,
  scope: StatsScope,
  fromMonth: string,
  toMonth: string,
  by: 'branch' | 'month' | 'none',
): Promise<Map<string, RateRow>> {
  const out = new Map<string, RateRow>();
  const filter = {
    fromMonth,
    toMonth,
    ...(scope.insurerNumber === undefined ? {} : { insurerNumber: scope.insurerNumber }),
    ...(scope.scheme === undefined ? {} : { scheme: scope.scheme }),
  };
  if (id === 'registrationRate') {
    const groups = await store.stats.sumRegistrations({ ...filter, groupBy: by === 'none' ? [] : [by] });
    for (const g of groups) {
      const key = by === 'branch' ? (g.branch ?? '') : by === 'month' ? (g.month ?? '') : '';
      out.set(key, row(g.registered, g.members));
    }
    return out;
  }
  const groups = await store.stats.sumUsage({ ...filter, groupBy: by === 'none' ? [] : [by] });
  for (const g of groups) {
    const key = by === 'branch' ? (g.branch ?? '') : by === 'month' ? (g.month ?? '') : '';
    const f = usageFraction(id, g);
    out.set(key, row(f.numerator, f.denominator));
  }
  return out;
}

function totalOf(rows: Iterable<RateRow>): RateRow {
  let n = 0;
  let d = 0;
  for (const r of rows) {
    n += r.numerator;
    d += r.denominator;
  }
  return row(n, d);
}

/**
 * By branch for one month: the branch is the prefecture of the member's insurer (協会けんぽ 都道府県支部), sorted by
 * rate (highest first; equal rates by code), five highest and five lowest marked, with the previous month's rate and
 * the change in percentage points.
 */
export async function statsByBranch(
  store: Store,
  input: { definition: RateDefinitionId; month: string; scope: StatsScope },
): Promise<AnswerHead & { month: string; previousMonth: string; rows: BranchRow[] }> {
  checkMonths(input.month, input.month);
  const previousMonth = addMonths(`${input.month}-01`, -1).slice(0, 7);
  const current = await fractions(store, input.definition, input.scope, input.month, input.month, 'branch');
  const previous = await fractions(store, input.definition, input.scope, previousMonth, previousMonth, 'branch');
  const rows: BranchRow[] = [...current.entries()]
    .filter(([branch]) => branch !== '')
    .map(([branch, r]) => {
      const before = previous.get(branch)?.rate ?? null;
      return {
        branch,
        branchName: prefectureName(branch),
        ...r,
        rank: 0,
        mark: null,
        previousRate: before,
        changePoints: r.rate === null || before === null ? null : (r.rate - before) * 100,
      };
    });
  rows.sort((a, b) => (b.rate ?? -1) - (a.rate ?? -1) || (a.branch < b.branch ? -1 : 1));
  const rated = rows.filter((r) => r.rate !== null);
  rated.forEach((r, i) => {
    r.rank = i + 1;
    if (i < 5) {
      r.mark = 'top';
    } else if (i >= rated.length - 5) {
      r.mark = 'bottom';
    }
  });
  return {
    definition: RATE_DEFINITIONS[input.definition],
    scope: input.scope,
    month: input.month,
    previousMonth,
    total: totalOf(current.values()),
    rows,
  };
}

/** By month: one row per month from `from` to `to` that holds data, oldest first. */
export async function statsByMonth(
  store: Store,
  input: { definition: RateDefinitionId; from: string; to: string; scope: StatsScope },
): Promise<AnswerHead & { from: string; to: string; rows: MonthRow[] }> {
  checkMonths(input.from, input.to);
  const byMonth = await fractions(store, input.definition, input.scope, input.from, input.to, 'month');
  const rows = [...byMonth.entries()]
    .map(([month, r]) => ({ month, ...r }))
    .sort((a, b) => (a.month < b.month ? -1 : 1));
  return {
    definition: RATE_DEFINITIONS[input.definition],
    scope: input.scope,
    from: input.from,
    to: input.to,
    total: totalOf(rows),
    rows,
  };
}

/** By institution kind (病院, 医科診療所, 歯科, 薬局) over a month range. */
export async function statsByKind(
  store: Store,
  input: { definition: RateDefinitionId; from: string; to: string; scope: StatsScope },
): Promise<AnswerHead & { from: string; to: string; rows: KindRow[] }> {
  checkMonths(input.from, input.to);
  const id = input.definition;
  if (id === 'registrationRate') {
    throw new AppError(STATS_ERRORS.notByKind);
  }
  const groups: UsageGroup[] = await store.stats.sumUsage({
    fromMonth: input.from,
    toMonth: input.to,
    ...(input.scope.insurerNumber === undefined ? {} : { insurerNumber: input.scope.insurerNumber }),
    ...(input.scope.scheme === undefined ? {} : { scheme: input.scope.scheme }),
    groupBy: ['institutionKind'],
  });
  const kinds: InstitutionKind[] = ['hospital', 'clinic', 'dental', 'pharmacy'];
  let all = zero();
  const rows = kinds.map((kind) => {
    const counters = groups.find((g) => g.institutionKind === kind) ?? zero();
    all = plus(all, counters);
    const f = usageFraction(id, counters);
    return { institutionKind: kind, kindName: KIND_NAMES[kind], ...row(f.numerator, f.denominator) };
  });
  const t = usageFraction(id, all);
  return {
    definition: RATE_DEFINITIONS[id],
    scope: input.scope,
    from: input.from,
    to: input.to,
    total: row(t.numerator, t.denominator),
    rows,
  };
}
