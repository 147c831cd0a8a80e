import {
  compareDates,
  copayRate,
  elderlyRecipientPeriod,
  type CopayRateValue,
  type LateElderlyBand,
  type RateScheme,
  type Verdict,
} from '@onshi/core';

/**
 * Which co-pay rates the law allows on `date` for the age and scheme, from core `copayRate` (rules.md §2): for
 * 被用者保険/国保 with and without 現役並み income, for 後期 every band. Empty when the person does not belong to
 * the scheme on that date (under 65 in 後期, 75+ outside it); `refusal` then says why.
 */
export function allowedRates(
  scheme: RateScheme,
  birthDate: string,
  date: string,
): { rates: CopayRateValue[]; refusal: Verdict | null } {
  const results =
    scheme === 'lateElderly'
      ? ([1, 2, 3] as const).map((band: LateElderlyBand) =>
          copayRate({ birthDate, serviceDate: date, scheme, lateElderlyBand: band }),
        )
      : [false, true].map((activeIncome) => copayRate({ birthDate, serviceDate: date, scheme, activeIncome }));
  const rates = [...new Set(results.filter((r) => r.reason.ok).map((r) => r.rate))].sort();
  const refused = results.find((r) => !r.reason.ok);
  return { rates, refusal: rates.length === 0 && refused !== undefined ? refused.reason : null };
}

/** True from the start of the 高齢受給者 period (70–74) on, and always in 後期 (rules.md §2 [S11]). */
export function isSeventyOrOver(scheme: RateScheme, birthDate: string, date: string): boolean {
  return scheme === 'lateElderly' || compareDates(elderlyRecipientPeriod(birthDate).from, date) <= 0;
}
