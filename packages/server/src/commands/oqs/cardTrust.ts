import type { RevocationList, TrustStore } from '../../authority/index.js';
import type { ServerContext } from '../../context.js';
import { OqsError } from '../../formats/errors.js';

/** What card verification trusts: the card authority's roots and issuing CAs, and their current verified CRLs. */
export interface CardTrust {
  trust: TrustStore;
  crls: readonly RevocationList[];
}

const trusts = new WeakMap<ServerContext, CardTrust>();

/**
 * Sets (or replaces, when a new CRL is published) the trust used to verify cards and readers for a server
 * context. The card authority service calls this at start-up and after each CRL; tests call it directly.
 */
export function configureCardTrust(ctx: ServerContext, trust: CardTrust): void {
  trusts.set(ctx, trust);
}

/** The configured trust; without it no card can be verified (coded 503, never a crash). */
export function cardTrustOf(ctx: ServerContext): CardTrust {
  const trust = trusts.get(ctx);
  if (trust === undefined) {
    throw new OqsError('unavailable', 'card verification is not configured (no trust anchors)');
  }
  return trust;
}
