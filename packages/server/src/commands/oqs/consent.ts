import { consentViewableUntil } from '@onshi/core';
import type { Consent, ConsentItem, Institution, StoreRepositories } from '../../store/types.js';

/**
 * The patient's answer on the reader's consent screen (rules.md §6.2): one-tap 包括同意 to every item the facility
 * shows, a choice of items, or none.
 */
export type ConsentAnswer = { blanket: true } | { items: ConsentItem[] };

/** The items actually consented: only those the institution enabled (rules.md §6.2 [S33d]). */
export function consentedItems(institution: Institution, answer: ConsentAnswer | undefined): ConsentItem[] {
  if (answer === undefined) {
    return [];
  }
  if ('blanket' in answer) {
    return [...institution.consentItemsEnabled];
  }
  return institution.consentItemsEnabled.filter((item) => answer.items.includes(item));
}

/**
 * Records a consent for this institution with its 24-hour viewing window (rules.md §6.5, test case 36; core
 * `consentViewableUntil`). Nothing is recorded when no enabled item was consented.
 */
export async function recordConsent(
  repos: StoreRepositories,
  input: { institution: Institution; personId: string; at: Date; answer: ConsentAnswer | undefined },
): Promise<Consent | null> {
  const items = consentedItems(input.institution, input.answer);
  if (items.length === 0) {
    return null;
  }
  const consentedAt = input.at.toISOString();
  return repos.consents.record({
    institutionCode: input.institution.institutionCode,
    personId: input.personId,
    items,
    consentedAt,
    expiresAt: new Date(consentViewableUntil(consentedAt)).toISOString(),
  });
}
