import { AppError } from '../../http/errors.js';
import type { StoreTx } from '../../store/types.js';
import {
  type AuthorityDeps,
  type CardView,
  audited,
  authorityOf,
  cardView,
  requireCard,
  requirePerson,
  revokeCertificate,
  today,
} from './deps.js';
import { AUTHORITY_ERRORS } from './errors.js';

/** Why cards end: the holder died (死亡, all cards and phones), or returned one card (返納). */
export type CardRevocationReason = 'death' | 'returned';

/** Which cards to revoke: every card of the person, or one card. */
export type RevokeCardsInput = { personId: string; reason: 'death' } | { cardId: string; reason: 'returned' };

/**
 * 失効: the cards are revoked and every certificate on them (held ones too) goes on the CRL, which is re-issued.
 * On death all the person's cards and phones end (issue 5 "revocation on death"); a returned card ends alone.
 */
export async function revokeCards(deps: AuthorityDeps, tx: StoreTx, input: RevokeCardsInput): Promise<CardView[]> {
  const cards =
    'personId' in input
      ? (await requirePerson(tx, input.personId), await tx.cards.listByPerson(input.personId))
      : [await requireCard(tx, input.cardId)];
  const ending = cards.filter((c) => c.status === 'active' || c.status === 'suspended');
  if ('cardId' in input && ending.length === 0) {
    throw new AppError(AUTHORITY_ERRORS.cardEnded, `status: ${cards[0]?.status ?? 'unknown'}`);
  }
  const now = deps.ctx.clock.now().toISOString();
  const views: CardView[] = [];
  for (const card of ending) {
    for (const certificate of await tx.certificates.listByCard(card.id)) {
      if (certificate.revokedAt === null || certificate.revocationReason === 'certificateHold') {
        await revokeCertificate(tx, certificate.serial, now, 'cessationOfOperation');
      }
    }
    const revoked = (await tx.cards.setStatus(card.id, 'revoked', today(deps))) ?? card;
    await audited(deps, tx, 'card.revoke', card.personId, card.id, { reason: input.reason });
    views.push(await cardView(tx, revoked));
  }
  if (ending.length > 0) {
    await (await authorityOf(deps)).publishCrl(tx);
  }
  return views;
}

/** Marks a card lost and revokes its certificates (keyCompromise: someone else may hold it). */
export async function markLost(deps: AuthorityDeps, tx: StoreTx, cardId: string): Promise<void> {
  const card = await requireCard(tx, cardId);
  if (card.status === 'lost' || card.status === 'revoked') {
    throw new AppError(AUTHORITY_ERRORS.cardEnded, `status: ${card.status}`);
  }
  const now = deps.ctx.clock.now().toISOString();
  for (const certificate of await tx.certificates.listByCard(card.id)) {
    if (certificate.revokedAt === null || certificate.revocationReason === 'certificateHold') {
      await revokeCertificate(tx, certificate.serial, now, 'keyCompromise');
    }
  }
  await tx.cards.setStatus(card.id, 'lost', today(deps));
  await audited(deps, tx, 'card.lost', card.personId, card.id);
}
