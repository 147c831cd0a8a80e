import { VirtualChip } from '@onshi/card';
import type { CardImage } from '@onshi/card';
import { tokyoDate } from '@onshi/core';
import type { AuditEntry } from '../../audit/auditLog.js';
import type { ServerContext } from '../../context.js';
import { AppError } from '../../http/errors.js';
import type { AuditRow, Card, Certificate, Person, StoreTx } from '../../store/types.js';
import { cardAuthorityOf, type CardAuthorityService } from './cardAuthority.js';
import { AUTHORITY_ERRORS } from './errors.js';

/** Where authority operations are audited: the app's AuditLog, or anything with the same `appendInTx`. */
export interface AuthorityAuditSink {
  appendInTx(tx: StoreTx, entry: AuditEntry): Promise<AuditRow>;
}

/**
 * What every card authority command needs: the context, the audit log and who acts (`authority` for the API, the
 * operator name for the CLI). Route modules pass their RouteDeps, which has `ctx` and `audit`.
 */
export interface AuthorityDeps {
  ctx: ServerContext;
  audit: AuthorityAuditSink;
  actorId?: string;
}

/** Today in Japan, from the injected clock. */
export function today(deps: { ctx: ServerContext }): string {
  return tokyoDate(deps.ctx.clock.now());
}

/** The CA service of the context. */
export function authorityOf(deps: { ctx: ServerContext }): Promise<CardAuthorityService> {
  return cardAuthorityOf(deps.ctx);
}

/** Writes one allowed authority action to the audit log inside the transaction (never PINs, names or images). */
export async function audited(
  deps: AuthorityDeps,
  tx: StoreTx,
  action: string,
  personId: string | null,
  target: string | null,
  detail: AuditEntry['detail'] = {},
): Promise<void> {
  await deps.audit.appendInTx(tx, {
    actorKind: 'authority',
    actorId: deps.actorId ?? 'authority',
    action,
    personId,
    target,
    outcome: 'allowed',
    detail,
  });
}

/** The person, or the coded 404. */
export async function requirePerson(tx: StoreTx, personId: string): Promise<Person> {
  const person = await tx.persons.get(personId);
  if (person === null) {
    throw new AppError(AUTHORITY_ERRORS.unknownPerson);
  }
  return person;
}

/** The card, or the coded 404. */
export async function requireCard(tx: StoreTx, cardId: string): Promise<Card> {
  const card = await tx.cards.get(cardId);
  if (card === null) {
    throw new AppError(AUTHORITY_ERRORS.unknownCard);
  }
  return card;
}

/** Refuses anything but an active card (suspended, lost and revoked cards cannot be changed). */
export function requireActive(card: Card): void {
  if (card.status !== 'active') {
    throw new AppError(AUTHORITY_ERRORS.cardNotActive, `status: ${card.status}`);
  }
}

/** A certificate as the API shows it (no DER; the Tokyo date it expires on). */
export interface CertificateView {
  serial: string;
  kind: Certificate['kind'];
  notBefore: string;
  notAfter: string;
  /** Last valid day in Japan. */
  expiresOn: string;
  revokedAt: string | null;
  revocationReason: string | null;
}

/** A card with its certificates, as the API shows it. */
export interface CardView {
  id: string;
  personId: string;
  kind: Card['kind'];
  platform: Card['platform'];
  issuedOn: string;
  expiresOn: string;
  status: Card['status'];
  statusChangedOn: string | null;
  certificates: CertificateView[];
}

/** The view of a certificate row. */
export function certificateView(c: Certificate): CertificateView {
  return {
    serial: c.serial,
    kind: c.kind,
    notBefore: c.notBefore,
    notAfter: c.notAfter,
    expiresOn: tokyoDate(new Date(c.notAfter)),
    revokedAt: c.revokedAt,
    revocationReason: c.revocationReason,
  };
}

/** The view of a card and its certificates, read in `tx`. */
export async function cardView(tx: StoreTx, card: Card): Promise<CardView> {
  const certificates = await tx.certificates.listByCard(card.id);
  return { ...card, certificates: certificates.map(certificateView) };
}

/** The certificates of a card still in force (not revoked, not held), newest first. */
export async function liveCertificates(tx: StoreTx, cardId: string): Promise<Certificate[]> {
  return (await tx.certificates.listByCard(cardId)).filter((c) => c.revokedAt === null).reverse();
}

/**
 * The chip image the holder presented at the counter, checked to be the named card (the image is the physical card:
 * it proves the holder is there with it). Throws the coded errors for a malformed image or another card.
 */
export function presentedImage(card: Card, image: unknown): CardImage {
  let chip: VirtualChip;
  try {
    chip = VirtualChip.fromImage(image);
  } catch {
    throw new AppError(AUTHORITY_ERRORS.badCardImage);
  }
  if (chip.cardId !== card.id) {
    throw new AppError(AUTHORITY_ERRORS.cardMismatch);
  }
  return chip.exportImage();
}

/** Revokes a certificate (a held one too: the hold is lifted first, so the final reason is recorded). */
export async function revokeCertificate(tx: StoreTx, serial: string, at: string, reason: string): Promise<void> {
  await tx.certificates.releaseHold(serial);
  await tx.certificates.revoke(serial, at, reason);
}
