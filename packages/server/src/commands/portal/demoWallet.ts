import { VirtualChip, isCardImage, type CardImage } from '@onshi/card';
import type { Bilingual } from '@onshi/core';
import type { ServerContext } from '../../context.js';
import { AppError } from '../../http/errors.js';
import type { WalletFile } from '../reader/wallet.js';
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
 * The browser demo's "card on the home reader": the server holds the wallet's chip images (as the kiosk's reader
 * bridge does) and drives a chip through the PortalDevice's CardReader APDUs. The PIN goes to the chip; chip counters
 * are kept in this wallet between logins. Without a wallet the demo endpoints answer 404.
 */
export class PortalDemoWallet {
  private cards: { id: string; label: Bilingual; image: CardImage }[] = [];
  private readonly device = new PortalDevice();

  /** Uses the physical cards of a wallet (phones are left out: the portal app on a phone is another path). */
  useWallet(wallet: WalletFile): void {
    this.cards = wallet.cards.flatMap((c) =>
      c.image !== null && isCardImage(c.image) ? [{ id: c.id, label: c.label, image: structuredClone(c.image) }] : [],
    );
  }

  /** The wallet's cards. */
  list(): DemoCard[] {
    if (this.cards.length === 0) {
      throw new AppError(PORTAL_ERRORS.demoUnavailable);
    }
    return this.cards.map(({ id, label }) => ({ id, label }));
  }

  /** Logs in with a wallet card and a PIN, exactly as the device would over the API. */
  async login(
    deps: PortalDeps,
    cardId: string,
    pin: string,
  ): Promise<PortalLogin | { refused: true; code: string; message: Bilingual; remainingTries: number | null }> {
    const entry = this.cards.find((c) => c.id === cardId);
    if (entry === undefined) {
      throw new AppError(PORTAL_ERRORS.demoUnavailable, 'no such card');
    }
    const chip = VirtualChip.fromImage(entry.image);
    try {
      const certificate = this.device.readCertificate(chip);
      if (!certificate.ok) {
        return { refused: true, code: certificate.code, message: certificate.message, remainingTries: null };
      }
      const challenge = await startLogin(deps, { certificate: certificate.value });
      const signed = this.device.sign(chip, Buffer.from(challenge.challenge, 'base64url'), pin);
      if (!signed.ok) {
        return { refused: true, code: signed.code, message: signed.message, remainingTries: signed.remainingTries };
      }
      return await completeLogin(deps, {
        challengeId: challenge.challengeId,
        signature: signed.signature,
        certificate: signed.certificate,
      });
    } finally {
      entry.image = chip.exportImage();
    }
  }
}

const wallets = new WeakMap<ServerContext, PortalDemoWallet>();

/** The portal demo wallet of a server context (empty until `useWallet`). */
export function portalDemoWalletOf(ctx: ServerContext): PortalDemoWallet {
  let wallet = wallets.get(ctx);
  if (wallet === undefined) {
    wallet = new PortalDemoWallet();
    wallets.set(ctx, wallet);
  }
  return wallet;
}
