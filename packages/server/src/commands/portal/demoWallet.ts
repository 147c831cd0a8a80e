import type { Bilingual } from '@onshi/core';
import type { ServerContext } from '../../context.js';
import { AppError } from '../../http/errors.js';
import { readerBridgeOf } from '../reader/bridge.js';
import { PortalDevice } from './device.js';
import { PORTAL_ERRORS } from './errors.js';
import { completeLogin, startLogin, type PortalLogin } from './login.js';
import type { PortalDeps } from './session.js';

/** A physical card of the demo wallet as the portal's login screen lists it (labels only). */
export interface DemoCard {
  id: string;
  label: Bilingual;
}

/**
 * The browser demo's "card on the home reader". The demo wallet is the one the kiosk's reader bridge holds (one set of
 * physical cards per server, so a wrong PIN at home counts on the same chip the clinic's reader sees); the portal
 * borrows a chip from it and drives it through the PortalDevice's CardReader APDUs. Without a wallet the demo
 * endpoints answer 404.
 */
export class PortalDemoWallet {
  private readonly device = new PortalDevice();

  constructor(private readonly ctx: ServerContext) {}

  /** The wallet's physical cards (phones are left out: the portal app on a phone is another path). */
  list(): DemoCard[] {
    const cards = readerBridgeOf(this.ctx)
      .listCards()
      .filter((c) => c.kind === 'standard' || c.kind === 'faceOnly')
      .map(({ id, label }) => ({ id, label }));
    if (cards.length === 0) {
      throw new AppError(PORTAL_ERRORS.demoUnavailable);
    }
    return cards;
  }

  /** Logs in with a wallet card and a PIN, exactly as the device would over the API. */
  async login(
    deps: PortalDeps,
    cardId: string,
    pin: string,
  ): Promise<PortalLogin | { refused: true; code: string; message: Bilingual; remainingTries: number | null }> {
    if (!this.list().some((c) => c.id === cardId)) {
      throw new AppError(PORTAL_ERRORS.demoUnavailable, 'no such card');
    }
    return readerBridgeOf(this.ctx).withChip(cardId, async (chip) => {
      const certificate = this.device.readCertificate(chip);
      if (!certificate.ok) {
        return { refused: true as const, code: certificate.code, message: certificate.message, remainingTries: null };
      }
      const challenge = await startLogin(deps, { certificate: certificate.value });
      const signed = this.device.sign(chip, Buffer.from(challenge.challenge, 'base64url'), pin);
      if (!signed.ok) {
        return {
          refused: true as const,
          code: signed.code,
          message: signed.message,
          remainingTries: signed.remainingTries,
        };
      }
      return completeLogin(deps, {
        challengeId: challenge.challengeId,
        signature: signed.signature,
        certificate: signed.certificate,
      });
    });
  }
}

const wallets = new WeakMap<ServerContext, PortalDemoWallet>();

/** The portal demo wallet of a server context (the reader bridge's wallet; empty until the bridge has one). */
export function portalDemoWalletOf(ctx: ServerContext): PortalDemoWallet {
  let wallet = wallets.get(ctx);
  if (wallet === undefined) {
    wallet = new PortalDemoWallet(ctx);
    wallets.set(ctx, wallet);
  }
  return wallet;
}
