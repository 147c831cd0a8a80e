/**
 * The rates the statistics answer, each with its numerator and denominator named (seed 004, rules.md §9,
 * docs/statistics.md, decision 0118). Seed 004 (協会けんぽ 山口支部) defines 利用状況（全体）＝マイナ保険証利用件数／
 * オンライン資格確認利用件数 and 利用状況（外来のみ）＝マイナ保険証によるオンライン資格確認の利用人数／レセプト枚数（外来レセ
 * のみ）; the other common definitions are selectable only by name, never silently.
 */
import type { Bilingual } from '@onshi/core';
import type { UsageCounters } from '../../store/types.js';

/** Identifiers of the selectable definitions (docs/glossary.md "Statistics"). */
export type RateDefinitionId =
  'registrationRate' | 'usageRateOverall' | 'usageRateOutpatient' | 'usageRateInclVisual' | 'usageRateClaims';

/** Every definition id, default first. */
export const RATE_DEFINITION_IDS: readonly RateDefinitionId[] = [
  'usageRateOverall',
  'usageRateOutpatient',
  'registrationRate',
  'usageRateInclVisual',
  'usageRateClaims',
];

/** A rate: its name, what is counted above and below the line, and where the definition comes from. */
export interface RateDefinition {
  id: RateDefinitionId;
  name: Bilingual;
  numerator: Bilingual;
  denominator: Bilingual;
  basis: string;
}

/** The definitions (decision 0118). */
export const RATE_DEFINITIONS: Readonly<Record<RateDefinitionId, RateDefinition>> = {
  usageRateOverall: {
    id: 'usageRateOverall',
    name: { ja: '利用率（全体）', en: 'Usage rate (overall)' },
    numerator: { ja: 'マイナ保険証利用件数', en: 'Checks by My Number insurance card' },
    denominator: {
      ja: 'オンライン資格確認利用件数',
      en: 'Online qualification checks (card, by number, batch)',
    },
    basis: 'seed 004 利用状況（全体）; rules.md §9 [S36]',
  },
  usageRateOutpatient: {
    id: 'usageRateOutpatient',
    name: { ja: '利用率（外来のみ）', en: 'Usage rate (outpatient only)' },
    numerator: {
      ja: 'マイナ保険証によるオンライン資格確認の利用人数（医療機関・月ごと）',
      en: 'Persons confirmed by My Number insurance card (per institution and month)',
    },
    denominator: { ja: 'レセプト枚数（外来レセのみ）', en: 'Outpatient claims (receipts)' },
    basis: 'seed 004 利用状況（外来のみ）',
  },
  registrationRate: {
    id: 'registrationRate',
    name: { ja: '利用登録率', en: 'Registration rate' },
    numerator: {
      ja: 'マイナ保険証の利用登録がある加入者数（月末）',
      en: 'Members with a card registered for insurance use (month end)',
    },
    denominator: { ja: '加入者数（月末）', en: 'Members (month end)' },
    basis: 'seed 004 利用登録状況; rules.md §9',
  },
  usageRateInclVisual: {
    id: 'usageRateInclVisual',
    name: { ja: '利用率（目視確認を含む全資格確認ベース）', en: 'Usage rate (all checks incl. visual)' },
    numerator: { ja: 'マイナ保険証利用件数', en: 'Checks by My Number insurance card' },
    denominator: {
      ja: '資格確認件数（オンライン資格確認＋目視確認）',
      en: 'All qualification checks (online and visual)',
    },
    basis: 'oqs-interface.md §11 (資格確認 incl. visual-only)',
  },
  usageRateClaims: {
    id: 'usageRateClaims',
    name: { ja: '利用率（レセプト件数ベース）', en: 'Usage rate (claims basis)' },
    numerator: {
      ja: 'マイナ保険証によるオンライン資格確認の利用人数（医療機関・月ごと）',
      en: 'Persons confirmed by My Number insurance card (per institution and month)',
    },
    denominator: { ja: 'レセプト件数（外来＋入院）', en: 'All claims (outpatient and inpatient)' },
    basis: 'rules.md §9: MHLW レセプト件数ベース from 2025-12 [S36]',
  },
};

/** Whether a string names a definition. */
export function isRateDefinitionId(value: string): value is RateDefinitionId {
  return (RATE_DEFINITION_IDS as readonly string[]).includes(value);
}

/** Numerator and denominator of a usage definition from summed counters. */
export function usageFraction(
  id: Exclude<RateDefinitionId, 'registrationRate'>,
  c: UsageCounters,
): { numerator: number; denominator: number } {
  const online = c.cardChecks + c.numberChecks + c.bulkChecks;
  switch (id) {
    case 'usageRateOverall':
      return { numerator: c.cardChecks, denominator: online };
    case 'usageRateInclVisual':
      return { numerator: c.cardChecks, denominator: online + c.visualChecks };
    case 'usageRateOutpatient':
      return { numerator: c.cardPersons, denominator: c.outpatientClaims };
    case 'usageRateClaims':
      return { numerator: c.cardPersons, denominator: c.outpatientClaims + c.inpatientClaims };
  }
}

/** numerator ÷ denominator, or null when nothing was counted below the line. */
export function rateOf(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}
