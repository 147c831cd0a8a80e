import { AppError } from '../../http/errors.js';
import type { Card, StoreTx } from '../../store/types.js';
import {
  type AuthorityDeps,
  type CardView,
  audited,
  authorityOf,
  cardView,
  liveCertificates,
  presentedImage,
  requireCard,
  today,
} from './deps.js';
import { AUTHORITY_ERRORS } from './errors.js';

function refuseEnded(card: Card): void {
  if (card.status === 'lost' || card.status === 'revoked') {
    throw new AppError(AUTHORITY_ERRORS.cardEnded, `status: ${card.status}`);
  }
}

/**
 * 一時利用停止 (the 24/365 hotline, rules.md §4 [S25]): the card is suspended and its certificates are put on hold
 * (CRL reason certificateHold), so every reader refuses it until the suspension is lifted.
 */
export async function suspendCard(deps: AuthorityDeps, tx: StoreTx, input: { cardId: string }): Promise<CardView> {
  const card = await requireCard(tx, input.cardId);
  refuseEnded(card);
  if (card.status !== 'active') {
    throw new AppError(AUTHORITY_ERRORS.cardNotActive, 'already suspended');
  }
  const now = deps.ctx.clock.now().toISOString();
  for (const certificate of await liveCertificates(tx, card.id)) {
    await tx.certificates.revoke(certificate.serial, now, 'certificateHold');
  }
  const suspended = (await tx.cards.setStatus(card.id, 'suspended', today(deps))) ?? card;
  await (await authorityOf(deps)).publishCrl(tx);
  await audited(deps, tx, 'card.suspend', card.personId, card.id);
  return cardView(tx, suspended);
}

/**
 * Lifting a suspension, in person only (rules.md §4 [S25]): the holder presents the card at the counter (its image),
 * the holds are released from the CRL and the card is active again. A phone presents its chip (マイナポータルアプリ).
 */
export async function resumeCard(
  deps: AuthorityDeps,
  tx: StoreTx,
  input: { cardId: string; image: unknown },
): Promise<CardView> {
  const card = await requireCard(tx, input.cardId);
  refuseEnded(card);
  if (card.status !== 'suspended') {
    throw new AppError(AUTHORITY_ERRORS.cardNotSuspended);
  }
  presentedImage(card, input.image);
  for (const certificate of await tx.certificates.listByCard(card.id)) {
    await tx.certificates.releaseHold(certificate.serial);
  }
  const resumed = (await tx.cards.setStatus(card.id, 'active', today(deps))) ?? card;
  await (await authorityOf(deps)).publishCrl(tx);
  await audited(deps, tx, 'card.resume', card.personId, card.id);
  return cardView(tx, resumed);
}
