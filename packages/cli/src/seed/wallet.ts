/**
 * The kiosk wallet hook of `onshi seed --wallet K`: the first K card holders get a card issued by the card
 * authority with real electronic certificates and their chip images written to a wallet file, so the kiosk and the
 * agent can present real cards. The seed itself stores card rows only (decision 0086). This hook stays empty until
 * the card authority command (packages/server/src/commands/authority) offers a stable "issue a card with
 * certificates for a person" call; it then belongs here and nowhere else.
 */
import type { ServerContext } from '@onshi/server';

/** What the wallet step did, for the seed's summary. */
export interface WalletResult {
  /** The wallet file written, or null. */
  path: string | null;
  cards: number;
  message: string;
}

/** Where a database's kiosk wallet lives: `<db>.wallet.json`. */
export function walletPathFor(db: string): string {
  return /^postgres(ql)?:\/\//.test(db) ? 'data/onshi.wallet.json' : `${db}.wallet.json`;
}

/** Issues wallet cards for `count` persons (see the module comment: not yet wired to the card authority). */
export function seedWallet(
  _ctx: ServerContext,
  options: { db: string; count: number; asOf: string },
): Promise<WalletResult> {
  if (options.count === 0) {
    return Promise.resolve({ path: null, cards: 0, message: 'wallet: none asked for (--wallet 0)' });
  }
  return Promise.resolve({
    path: null,
    cards: 0,
    message:
      `wallet: not written — issuing ${String(options.count)} cards with certificates waits for the card authority ` +
      'command (seedWallet in packages/cli/src/seed/wallet.ts)',
  });
}
