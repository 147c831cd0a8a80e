import type { StoreTx } from '../../store/types.js';
import { type AuthorityDeps, authorityOf, audited, requireCard } from './deps.js';
import { type ChosenPins, type IssuedCardResult, issueCard } from './issueCard.js';
import { markLost } from './revokeCards.js';
import type { CardKind, RegistrationChannel } from '../../store/types.js';

/** A lost card reported at the office, and the new card's choices. */
export interface ReissueCardInput {
  /** The lost card. */
  cardId: string;
  /** Kind of the new card (default: as the lost one). A phone is not reissued this way: issue a new one. */
  kind?: Exclude<CardKind, 'smartphone'>;
  pins?: ChosenPins;
  registerInsuranceUse?: RegistrationChannel;
}

/**
 * 再交付 of a lost card: the old card is marked lost and its certificates revoked (keyCompromise), the CRL re-issued,
 * and a new card issued with fresh keys and expiry counted from today (rules.md §4 [S20]). Phones stay: they hold
 * their own keys.
 */
export async function reissueCard(
  deps: AuthorityDeps,
  tx: StoreTx,
  input: ReissueCardInput,
): Promise<IssuedCardResult> {
  const lost = await requireCard(tx, input.cardId);
  await markLost(deps, tx, lost.id);
  const kind = input.kind ?? (lost.kind === 'smartphone' ? 'standard' : lost.kind);
  const result = await issueCard(deps, tx, {
    personId: lost.personId,
    kind,
    ...(input.pins !== undefined ? { pins: input.pins } : {}),
    ...(input.registerInsuranceUse !== undefined ? { registerInsuranceUse: input.registerInsuranceUse } : {}),
  });
  await (await authorityOf(deps)).publishCrl(tx);
  await audited(deps, tx, 'card.reissue', lost.personId, result.card.id, { replaces: lost.id });
  return result;
}
