/**
 * The numbers the simulated year follows (docs/statistics.md, decisions 0116–0117): the national マイナ保険証 share of
 * オンライン資格確認 by month (rules.md §9, oqs-interface.md §11), the spread by institution kind seen in 2025-10, the
 * share of paper documents checked only by eye, and visit, admission and check-up rates by age. Figures marked [EST]
 * are our estimates; everything here is pure.
 */
import type { InstitutionKind } from '../store/types.js';

/**
 * Published monthly shares (マイナ保険証件数 ÷ オンライン資格確認件数), rules.md §9 [S36] and oqs-interface.md §11. Months
 * between anchors are interpolated linearly; after the last one the share holds. 2025-11 onwards are [EST]: the paper
 * card ends on 2025-12-01 and MHLW stopped publishing this basis from 2025-12.
 */
export const NATIONAL_SHARE_ANCHORS: readonly (readonly [month: string, share: number])[] = [
  ['2023-04', 0.063],
  ['2023-11', 0.0433],
  ['2023-12', 0.0429],
  ['2024-03', 0.0547],
  ['2024-04', 0.0656],
  ['2024-07', 0.1113],
  ['2024-10', 0.1567],
  ['2024-11', 0.1852],
  ['2024-12', 0.2542],
  ['2025-05', 0.293],
  ['2025-06', 0.3064],
  ['2025-09', 0.3562],
  ['2025-10', 0.3714],
  ['2025-11', 0.385],
  ['2025-12', 0.45],
  ['2026-03', 0.5],
];

/** Months since year 0, for interpolation. */
function monthIndex(month: string): number {
  return Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
}

/** The national マイナ保険証 share of online checks the simulation aims at in `month` ('YYYY-MM'). */
export function nationalShare(month: string): number {
  const m = monthIndex(month);
  const first = NATIONAL_SHARE_ANCHORS[0];
  if (first === undefined || m <= monthIndex(first[0])) {
    return first?.[1] ?? 0;
  }
  for (let i = 1; i < NATIONAL_SHARE_ANCHORS.length; i++) {
    const hi = NATIONAL_SHARE_ANCHORS[i];
    const lo = NATIONAL_SHARE_ANCHORS[i - 1];
    if (hi === undefined || lo === undefined) {
      break;
    }
    const mh = monthIndex(hi[0]);
    if (m <= mh) {
      const ml = monthIndex(lo[0]);
      return lo[1] + ((hi[1] - lo[1]) * (m - ml)) / (mh - ml);
    }
  }
  return NATIONAL_SHARE_ANCHORS[NATIONAL_SHARE_ANCHORS.length - 1]?.[1] ?? 0;
}

/**
 * 2025-10 shares by kind (病院 57.0 %, 診療所 36.2 %, 薬局 31.2 %; rules.md §9) divided by their mean weighted with
 * the 2024-07 check volumes by kind (薬局 9,260万, 医科診療所 8,612万, 歯科 1,419万, 病院 1,207万; oqs-interface.md
 * §11), so the kinds keep the published spread while the total follows `nationalShare`. 歯科 takes the 診療所 figure.
 */
export const KIND_FACTOR: Readonly<Record<InstitutionKind, number>> = (() => {
  const published = { hospital: 0.57, clinic: 0.362, dental: 0.362, pharmacy: 0.312 };
  const volume = { hospital: 1207, clinic: 8612, dental: 1419, pharmacy: 9260 };
  const kinds = ['hospital', 'clinic', 'dental', 'pharmacy'] as const;
  const total = kinds.reduce((s, k) => s + volume[k], 0);
  const mean = kinds.reduce((s, k) => s + published[k] * volume[k], 0) / total;
  return {
    hospital: published.hospital / mean,
    clinic: published.clinic / mean,
    dental: published.dental / mean,
    pharmacy: published.pharmacy / mean,
  };
})();

/** The share aimed at for one kind in one month, capped below 1. */
export function kindShare(month: string, kind: InstitutionKind): number {
  return Math.min(0.95, nationalShare(month) * KIND_FACTOR[kind]);
}

/** The last day a paper 健康保険証 is accepted (rules.md §5 [S27]). */
export const LAST_PAPER_CARD_DAY = '2025-12-01';

/**
 * Of checks without the card, the share done by eye only (目視, not online) [EST]: about a third in 2023 (2.46億
 * checks in all against 1.67億 online, oqs-interface.md §11), falling as clinics moved to online checks, then small
 * once only 資格確認書 remain.
 */
export function visualShare(date: string): number {
  if (date > LAST_PAPER_CARD_DAY) {
    return 0.05;
  }
  const m = monthIndex(date.slice(0, 7));
  const from = monthIndex('2023-04');
  const to = monthIndex('2025-11');
  const t = Math.min(1, Math.max(0, (m - from) / (to - from)));
  return 0.3 + (0.1 - 0.3) * t;
}

/**
 * Probability that a holder of a usable マイナ保険証 uses it, so that the share of card checks among online checks is
 * `share` when a fraction `usable` of visits comes from such holders and a share `visual` of the others is checked by
 * eye: with x = usable · p, share = x / (x + (1 − x)(1 − visual)), so x = share (1 − visual) / (1 − share · visual).
 */
export function useProbability(share: number, usable: number, visual: number): number {
  if (usable <= 0) {
    return 0;
  }
  const x = (share * (1 - visual)) / (1 - share * visual);
  return Math.min(1, Math.max(0, x / usable));
}

/**
 * Outpatient visits (医科 and 歯科) per person per month by age [EST]: shaped like MHLW 患者調査 外来受療率 (high in
 * infancy, lowest at 15–29, rising from 60), scaled so Japan's age mix gives about 0.9 a month — the 2024-07 OQS
 * volumes of 病院, 医科診療所 and 歯科 (1.12億) over 1.24億 people.
 */
export function visitRate(age: number): number {
  if (age < 5) {
    return 1.5;
  }
  if (age < 15) {
    return 0.8;
  }
  if (age < 30) {
    return 0.45;
  }
  if (age < 45) {
    return 0.6;
  }
  if (age < 60) {
    return 0.8;
  }
  if (age < 70) {
    return 1.2;
  }
  if (age < 80) {
    return 1.7;
  }
  return 2.0;
}

/** Shares of a visit's kind by age [EST]: more 病院 from 65, less 歯科 from 80. */
export function visitKindShares(age: number): { hospital: number; dental: number; clinic: number } {
  const hospital = age >= 65 ? 0.15 : 0.08;
  const dental = age >= 80 ? 0.08 : 0.13;
  return { hospital, dental, clinic: 1 - hospital - dental };
}

/**
 * Probability that a visit is followed by a pharmacy visit (院外処方) [EST]; with the visit rates this gives pharmacy
 * checks near the 2024-07 volume (9,260万 a month).
 */
export const PRESCRIPTION_SHARE: Readonly<Record<Exclude<InstitutionKind, 'pharmacy'>, number>> = {
  clinic: 0.75,
  hospital: 0.55,
  dental: 0.03,
};

/** Monthly probability of an admission (入院) by age [EST], from MHLW 患者調査 入院受療率 and average stays. */
export function admissionRate(age: number): number {
  if (age < 40) {
    return 0.002;
  }
  if (age < 65) {
    return 0.005;
  }
  if (age < 75) {
    return 0.012;
  }
  return 0.025;
}

/** Share of the 特定健診 target population (40–74) checked each year (national rate ≈ 58 % in FY2022) [EST]. */
export const CHECKUP_SHARE = 0.55;

/** Share of card checks after which the patient gives consent to view past information [EST]. */
export const CONSENT_SHARE = 0.8;

/** スマホ保険証 at clinics from 2025-09-19 (rules.md §4 [S26]). */
export const SMARTPHONE_FROM = '2025-09-19';

export { rateSchemeOf } from '@onshi/core';

/** Points per visit (1点 = 10円) by kind [EST]: drawn uniformly in these ranges. */
export const POINTS_PER_VISIT: Readonly<Record<InstitutionKind, readonly [number, number]>> = {
  clinic: [250, 900],
  hospital: [600, 2000],
  dental: [400, 1200],
  pharmacy: [300, 1500],
};

/** Points per inpatient day [EST] (DPC-like average). */
export const POINTS_PER_INPATIENT_DAY: readonly [number, number] = [2500, 4500];

/** A few common prescriptions (薬剤情報) with their YJ-like codes, drawn for pharmacy visits. */
export const DRUGS: readonly (readonly [code: string, name: string, unit: string])[] = [
  ['2149039F1', 'アムロジピン錠5mg', '錠'],
  ['3969007F1', 'メトホルミン塩酸塩錠250mg', '錠'],
  ['2189017F1', 'アトルバスタチン錠10mg', '錠'],
  ['1149019F1', 'ロキソプロフェンナトリウム錠60mg', '錠'],
  ['2329023F1', 'ファモチジン錠20mg', '錠'],
  ['6132005C1', 'セフカペンピボキシル塩酸塩錠100mg', '錠'],
  ['4490025F1', 'フェキソフェナジン塩酸塩錠60mg', '錠'],
  ['2234001B1', 'カルボシステインシロップ5%', 'mL'],
  ['1124017F1', 'ゾルピデム酒石酸塩錠5mg', '錠'],
  ['2590009F1', 'ミラベグロン錠50mg', '錠'],
];
