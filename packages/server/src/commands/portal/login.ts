import { createHash } from 'node:crypto';
import { insuranceUseRegistrationAllowed } from '@onshi/core';
import {
  verifyCertificate,
  verifyChallengeSignature,
  type CertificateVerdict,
  type VerifyOptions,
} from '../../authority/index.js';
import type { ServerContext } from '../../context.js';
import { OqsError } from '../../formats/errors.js';
import { AppError } from '../../http/errors.js';
import type { Card, Person, RegistrationChannel } from '../../store/types.js';
import { cardAuthorityOf, certificateSerialKey } from '../authority/cardAuthority.js';
import { ChallengeBook, type IssuedChallenge } from '../oqs/challenge.js';
import { cardTrustOf, type CardTrust } from '../oqs/cardTrust.js';
import { PORTAL_ERRORS } from './errors.js';
import { endSession, issueSession, type PortalDeps, type PortalViewer } from './session.js';

/** The challenge book label of the portal (the OQS book's institution/reader binding, here: portal/certificate). */
export const PORTAL_BOOK_SCOPE = 'portal';

const books = new WeakMap<ServerContext, ChallengeBook>();

/** The portal's challenge book (single-use, 60 s, bound to one certificate). */
export function bookOf(ctx: ServerContext): ChallengeBook {
  let book = books.get(ctx);
  if (book === undefined) {
    book = new ChallengeBook();
    books.set(ctx, book);
  }
  return book;
}

/**
 * The trust portal logins verify against: the one the OQS service was configured with, else the card authority
 * service of this context (its CA chain and current CRL).
 */
export async function portalTrust(ctx: ServerContext): Promise<CardTrust> {
  try {
    return cardTrustOf(ctx);
  } catch (error) {
    if (!(error instanceof OqsError)) {
      throw error;
    }
    const service = await cardAuthorityOf(ctx);
    return { trust: service.trust, crls: await service.revocationLists() };
  }
}

/** Verification settings for a card login or a PIN-terminal registration (no grace after expiry). */
export async function verifyOptions(ctx: ServerContext): Promise<VerifyOptions> {
  const trust = await portalTrust(ctx);
  // Logging in is authentication, not insurance use: no grace after expiry (authority/verify.ts).
  return { at: ctx.clock.now(), trust: trust.trust, crls: trust.crls, purpose: 'authentication' };
}

/** What a portal challenge is bound to: the certificate's SHA-256. */
export function fingerprintOf(certificate: Uint8Array): string {
  return createHash('sha256').update(certificate).digest('base64url');
}

/** The card and person behind a verified certificate, refused (coded) when it cannot log in. */
export async function cardHolderOf(
  ctx: ServerContext,
  verdict: CertificateVerdict,
  channel: RegistrationChannel = 'portal',
): Promise<{ card: Card; person: Person }> {
  if (!verdict.ok || verdict.serial === null) {
    throw new AppError(
      verdict.code === 'signature.invalid' ? PORTAL_ERRORS.signatureInvalid : PORTAL_ERRORS.cardNotUsable,
      verdict.code,
    );
  }
  const serial = certificateSerialKey(verdict.serial);
  const personId = await ctx.store.certificates.personIdBySerial(serial);
  const certificate = await ctx.store.certificates.get(serial);
  if (personId === null || certificate === null) {
    throw new AppError(PORTAL_ERRORS.cardNotUsable, 'certificate not linked to a person');
  }
  if (certificate.revokedAt !== null) {
    throw new AppError(PORTAL_ERRORS.cardNotUsable, 'certificate revoked');
  }
  const [card, person] = await Promise.all([ctx.store.cards.get(certificate.cardId), ctx.store.persons.get(personId)]);
  if (card === null || person === null) {
    throw new AppError(PORTAL_ERRORS.cardNotUsable, 'card or person missing');
  }
  if (card.status !== 'active') {
    throw new AppError(PORTAL_ERRORS.cardNotUsable, `card ${card.status}`);
  }
  if (card.kind === 'faceOnly' && channel !== 'reader') {
    // rules.md §4 [S24], test case 31: no PIN, so no portal, ATM or PIN terminal; the rules engine names the reader.
    const rule = insuranceUseRegistrationAllowed({ cardKind: 'faceOnly', channel });
    throw new AppError(
      channel === 'portal' ? PORTAL_ERRORS.faceOnlyCard : PORTAL_ERRORS.registrationRefused,
      `${rule.code}: ${rule.message.en}`,
    );
  }
  return { card, person };
}

/** Step 1 of a card login: the certificate read from the card (no PIN yet) → a challenge for the card to sign. */
export interface LoginChallenge extends IssuedChallenge {
  /** The PIN the card will ask for (利用者証明用, 4 digits; Android スマホ用 PIN). */
  pin: 'authentication';
}

/**
 * Starts a card login: the 利用者証明用 certificate must verify (chain, validity, CRL) and belong to an active card
 * that has a PIN — a face-only card is refused here and told to register at a clinic reader (rules.md §4 [S24]).
 * The challenge is single-use, 60 s, bound to this certificate.
 */
export async function startLogin(deps: PortalDeps, input: { certificate: Uint8Array }): Promise<LoginChallenge> {
  const { ctx } = deps;
  const verdict = verifyCertificate(input.certificate, await verifyOptions(ctx));
  await cardHolderOf(ctx, verdict);
  const challenge = bookOf(ctx).issue(ctx.clock.now().getTime(), PORTAL_BOOK_SCOPE, fingerprintOf(input.certificate));
  return { ...challenge, pin: 'authentication' };
}

/** Step 2: the card's signature over the challenge (made after the PIN on the chip). */
export interface CompleteLoginInput {
  challengeId: string;
  signature: Uint8Array;
  certificate: Uint8Array;
}

/** A logged-in session. */
export interface PortalLogin {
  token: string;
  expiresAt: string;
  cardKind: Card['kind'];
}

/**
 * Completes a card login: takes the challenge (single use, bound to the certificate), verifies the signature and
 * the certificate again, finds the person through the certificate link (never the My Number) and issues a
 * 30-minute HMAC-signed session. The PIN never reaches the server: the chip checked it and counts wrong tries.
 */
export async function completeLogin(deps: PortalDeps, input: CompleteLoginInput): Promise<PortalLogin> {
  const { ctx } = deps;
  let challenge: Buffer;
  try {
    challenge = bookOf(ctx).take(
      ctx.clock.now().getTime(),
      input.challengeId,
      PORTAL_BOOK_SCOPE,
      fingerprintOf(input.certificate),
    );
  } catch (error) {
    if (error instanceof OqsError) {
      throw new AppError(PORTAL_ERRORS.challengeInvalid, error.code);
    }
    throw error;
  }
  const verdict = verifyChallengeSignature(
    { challenge, signature: input.signature, certificate: input.certificate },
    await verifyOptions(ctx),
  );
  const { card, person } = await cardHolderOf(ctx, verdict);
  const session = issueSession(ctx, person.id, card.id);
  await deps.audit.append({
    actorKind: 'person',
    actorId: person.id,
    action: 'portal.login',
    personId: person.id,
    target: session.sessionId,
    outcome: 'allowed',
    detail: { cardId: card.id },
  });
  return { token: session.token, expiresAt: session.expiresAt, cardKind: card.kind };
}

/** Logs out: the session token is refused from now on. */
export async function logout(deps: PortalDeps, viewer: PortalViewer): Promise<void> {
  endSession(deps.ctx, viewer);
  await deps.audit.append({
    actorKind: 'person',
    actorId: viewer.personId,
    action: 'portal.logout',
    personId: viewer.personId,
    target: viewer.sessionId,
    outcome: 'allowed',
    detail: {},
  });
}
