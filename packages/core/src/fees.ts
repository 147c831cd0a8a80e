/**
 * Fees that depend on how a patient's qualification was confirmed: 医療情報取得加算 and its predecessors and
 * successor (rules.md §7). Table-driven by period; the service date picks the row. 医科, 1点 = 10円.
 */
import { monthOf } from './dates.js';

/** Kind of visit for a fee: 初診 or 再診. */
export type VisitKind = 'first' | 'repeat';

/** How the qualification was confirmed at this visit: マイナ保険証, or anything else (paper card, 資格確認書…). */
export type ConfirmedBy = 'myNumberCard' | 'other';

/** A fee item as it goes on a claim: points (0 when it cannot be claimed), its name and the rule behind it. */
export interface FeeItem {
  points: number;
  name: string;
  basis: string;
}

/** Inputs of `medicalInfoAcquisitionFee`. */
export interface MedicalInfoFeeInput {
  /** The day of the visit, 'YYYY-MM-DD'. */
  serviceDate: string;
  visit: VisitKind;
  confirmedBy: ConfirmedBy;
  /**
   * Whether the patient consented at the reader to sharing past records. Defaults to true for a card read; false
   * means the records were not obtained and the higher (paper-card) tier applies (docs/decisions/0017-fee-periods.md).
   */
  consented?: boolean;
  /** For 再診: the service date on which this fee was last claimed for the patient (once every 3 months). */
  lastRepeatClaimedOn?: string;
}

interface Tier {
  label: string;
  points: number;
}

interface FeePeriod {
  from: string;
  /** Last day, inclusive; open-ended when absent. */
  to?: string;
  name: string;
  source: string;
  first: { card: Tier; other: Tier } | null;
  repeat: { card: Tier; other: Tier } | null;
  /** Calendar months between claims of the 再診 fee (3 = 3月に1回). */
  repeatEveryMonths?: number;
}

const NONE: Tier = { label: '', points: 0 };

/** rules.md §7, newest last. */
const MEDICAL_INFO_FEE_PERIODS: readonly FeePeriod[] = [
  {
    from: '2023-04-01',
    to: '2023-12-31',
    name: '医療情報・システム基盤整備体制充実加算',
    source: 'rules.md §7 [S34] (2023-04〜12 特例)',
    first: { other: { label: '1', points: 6 }, card: { label: '2', points: 2 } },
    repeat: { other: { label: '3', points: 2 }, card: NONE },
  },
  {
    from: '2024-01-01',
    to: '2024-05-31',
    name: '医療情報・システム基盤整備体制充実加算',
    source: 'rules.md §7 [S34b] (2024-01〜05)',
    first: { other: { label: '1', points: 4 }, card: { label: '2', points: 2 } },
    repeat: null,
  },
  {
    from: '2024-06-01',
    to: '2024-11-30',
    name: '医療情報取得加算',
    source: 'rules.md §7 [S34c] (令和6年度改定, 2024-06〜11)',
    first: { other: { label: '1', points: 3 }, card: { label: '2', points: 1 } },
    repeat: { other: { label: '3', points: 2 }, card: { label: '4', points: 1 } },
    repeatEveryMonths: 3,
  },
  {
    from: '2024-12-01',
    to: '2026-05-31',
    name: '医療情報取得加算',
    source: 'rules.md §7 [S34d] (2024-12〜2026-05, one rate regardless of card)',
    first: { other: { label: '', points: 1 }, card: { label: '', points: 1 } },
    repeat: { other: { label: '', points: 1 }, card: { label: '', points: 1 } },
    repeatEveryMonths: 3,
  },
  {
    from: '2026-06-01',
    name: '医療情報取得加算',
    source: 'rules.md §7 [S34e] (令和8年度改定: abolished; start month inferred)',
    first: null,
    repeat: null,
  },
];

function periodOn(periods: readonly FeePeriod[], date: string): FeePeriod | undefined {
  return periods.find((p) => p.from <= date && (p.to === undefined || date <= p.to));
}

function monthIndex(date: string): number {
  const m = monthOf(date);
  return Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;
}

/**
 * 医療情報取得加算 (and, before 2024-06, 医療情報・システム基盤整備体制充実加算) for one visit (rules.md §7, test
 * case 35). The card tier applies when the patient used a マイナ保険証 and consented; 再診 fees are limited to once
 * every 3 calendar months when `lastRepeatClaimedOn` is given. From 2026-06-01 the fee is abolished (0 points).
 * Throws a RangeError for a service date before 2023-04-01, which the table does not cover.
 */
export function medicalInfoAcquisitionFee(input: MedicalInfoFeeInput): FeeItem {
  monthOf(input.serviceDate);
  const period = periodOn(MEDICAL_INFO_FEE_PERIODS, input.serviceDate);
  if (period === undefined) {
    throw new RangeError(
      `FEE_PERIOD_UNKNOWN: 医療情報取得加算 is not tabulated before 2023-04-01 (service date ${input.serviceDate})`,
    );
  }
  const tiers = input.visit === 'first' ? period.first : period.repeat;
  if (tiers === null) {
    const why = period.to === undefined ? 'abolished' : `no ${input.visit === 'first' ? '初診' : '再診'} fee`;
    return { points: 0, name: period.name, basis: `${period.source}: ${why}` };
  }
  const usedCard = input.confirmedBy === 'myNumberCard' && input.consented !== false;
  const tier = usedCard ? tiers.card : tiers.other;
  const name = `${period.name}${tier.label}`;
  if (tier.points === 0) {
    return { points: 0, name: period.name, basis: `${period.source}: none for this case` };
  }
  if (input.visit === 'repeat' && period.repeatEveryMonths !== undefined && input.lastRepeatClaimedOn !== undefined) {
    const gap = monthIndex(input.serviceDate) - monthIndex(input.lastRepeatClaimedOn);
    if (gap < period.repeatEveryMonths) {
      return {
        points: 0,
        name,
        basis: `${period.source}: 3月に1回 — last claimed ${input.lastRepeatClaimedOn}`,
      };
    }
  }
  return { points: tier.points, name, basis: period.source };
}

/** Inputs of `electronicInfoLinkageFee`. */
export interface ElectronicInfoLinkageFeeInput {
  serviceDate: string;
  visit: VisitKind;
  /** The facility's notified tier 1, 2 or 3. */
  tier: 1 | 2 | 3;
  /** The service date on which this fee was last claimed for the patient (once a month). */
  lastClaimedOn?: string;
}

const LINKAGE_FROM = '2026-06-01';
const LINKAGE_FIRST: Record<1 | 2 | 3, number> = { 1: 15, 2: 9, 3: 4 };
const LINKAGE_REPEAT = 2;
const LINKAGE_SOURCE = 'rules.md §7 [S34e] (令和8年度改定; start month inferred)';

/**
 * 電子的診療情報連携体制整備加算, the successor of 医療情報取得加算 from 2026-06: 初診 15/9/4点 by facility tier,
 * 再診 2点, each once a month (rules.md §7). 0 points before it exists or when already claimed this month.
 */
export function electronicInfoLinkageFee(input: ElectronicInfoLinkageFeeInput): FeeItem {
  const name = `電子的診療情報連携体制整備加算${String(input.tier)}`;
  monthOf(input.serviceDate);
  if (input.serviceDate < LINKAGE_FROM) {
    return { points: 0, name, basis: `${LINKAGE_SOURCE}: not in force before ${LINKAGE_FROM}` };
  }
  if (input.lastClaimedOn !== undefined && monthOf(input.lastClaimedOn) === monthOf(input.serviceDate)) {
    return { points: 0, name, basis: `${LINKAGE_SOURCE}: 月1回 — already claimed ${input.lastClaimedOn}` };
  }
  const points = input.visit === 'first' ? LINKAGE_FIRST[input.tier] : LINKAGE_REPEAT;
  return { points, name, basis: LINKAGE_SOURCE };
}

/** Yen of a number of points on the 医科 table (1点 = 10円). Throws a RangeError on a non-finite value. */
export function yenFromPoints(points: number): number {
  if (!Number.isFinite(points)) {
    throw new RangeError(`points must be a finite number, got ${String(points)}`);
  }
  return points * 10;
}
