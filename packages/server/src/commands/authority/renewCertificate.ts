import type { CardImage, KeySlot } from '@onshi/card';
import { certificateExpiry, compareDates, renewalWindow, tokyoDate } from '@onshi/core';
import { endOfTokyoDay, startOfTokyoDay } from '../../authority/index.js';
import { AppError } from '../../http/errors.js';
import type { Card, Certificate, StoreTx } from '../../store/types.js';
import {
  type AuthorityDeps,
  type CardView,
  audited,
  authorityOf,
  cardView,
  liveCertificates,
  presentedImage,
  requireActive,
  requireCard,
  requirePerson,
  revokeCertificate,
  today,
} from './deps.js';
import { AUTHORITY_ERRORS, translated } from './errors.js';
import { certificateRow } from './issueCard.js';

/** A renewal at the municipal office: the card (or phone) is presented, since the new keys are made inside it. */
export interface RenewCertificateInput {
  cardId: string;
  /** The chip image of the card (for a phone, its chip). */
  image: unknown;
}

/** The card's new state and its updated image (the same physical card, new keys and certificates inside). */
export interface RenewedCertificate {
  card: CardView;
  image: CardImage;
}

const SLOT_KIND: Record<KeySlot, Certificate['kind']> = { authentication: 'auth', signing: 'signing' };

/** New expiry and, for a phone, the physical card certificate it now comes from. */
async function renewedValidity(
  tx: StoreTx,
  card: Card,
  birthDate: string,
  on: string,
): Promise<{ expiresOn: string; linkedCardSerial?: string }> {
  if (card.kind !== 'smartphone') {
    return { expiresOn: certificateExpiry({ birthDate, issueDate: on, cardExpiry: card.expiresOn }) };
  }
  for (const physical of await tx.cards.listByPerson(card.personId)) {
    if (physical.kind !== 'standard' || physical.status !== 'active') {
      continue;
    }
    const auth = (await liveCertificates(tx, physical.id)).find((c) => c.kind === 'auth');
    if (auth !== undefined && compareDates(tokyoDate(new Date(auth.notAfter)), on) > 0) {
      return { expiresOn: tokyoDate(new Date(auth.notAfter)), linkedCardSerial: auth.serial };
    }
  }
  throw new AppError(AUTHORITY_ERRORS.linkedCardRequired, 'renew the card certificate first');
}

/**
 * 電子証明書の更新: new keys generated inside the chip and new certificates (5th birthday after today, never past the
 * card); the old certificates are revoked as superseded and the CRL re-issued. Open from the day after "3 months
 * before" expiry, and after expiry while the card itself is valid (rules.md §4 [S20], `renewalWindow`).
 */
export async function renewCertificate(
  deps: AuthorityDeps,
  tx: StoreTx,
  input: RenewCertificateInput,
): Promise<RenewedCertificate> {
  const card = await requireCard(tx, input.cardId);
  requireActive(card);
  let image = presentedImage(card, input.image);
  const on = today(deps);
  if (card.kind !== 'smartphone' && compareDates(on, card.expiresOn) > 0) {
    throw new AppError(AUTHORITY_ERRORS.cardExpired, `card expired on ${card.expiresOn}`);
  }
  const live = await liveCertificates(tx, card.id);
  const current = live.find((c) => c.kind === 'auth');
  if (current !== undefined) {
    const window = renewalWindow(tokyoDate(new Date(current.notAfter)));
    if (compareDates(on, window.from) < 0) {
      throw new AppError(AUTHORITY_ERRORS.renewalTooEarly, `renewable from ${window.from}`);
    }
  }
  const person = await requirePerson(tx, card.personId);
  const validity = await renewedValidity(tx, card, person.birthDate, on);
  const authority = await authorityOf(deps);
  const slots: KeySlot[] = card.kind === 'standard' ? ['authentication', 'signing'] : ['authentication'];
  const now = deps.ctx.clock.now().toISOString();
  for (const slot of slots) {
    const renewed = await translated(() =>
      authority.ca.renewCertificate(image, slot, {
        notBefore: startOfTokyoDay(on),
        notAfter: endOfTokyoDay(validity.expiresOn),
        ...(validity.linkedCardSerial !== undefined ? { linkedCardSerial: validity.linkedCardSerial } : {}),
      }),
    );
    image = renewed.image;
    for (const old of live.filter((c) => c.kind === SLOT_KIND[slot])) {
      await revokeCertificate(tx, old.serial, now, 'superseded');
    }
    await tx.certificates.insert(certificateRow(card.id, SLOT_KIND[slot], renewed.certificate), card.personId, now);
  }
  await authority.publishCrl(tx);
  await audited(deps, tx, 'certificate.renew', card.personId, card.id, { expiresOn: validity.expiresOn });
  return { card: await cardView(tx, card), image };
}
