/**
 * The kiosk wallet of `onshi seed --wallet K`: K seeded persons get cards issued by the card authority with real
 * electronic certificates (`issueDemoWallet`, commands/authority/demoWallet.ts: PIN, face-only, Android, iPhone,
 * grace, expired and 自己情報提供不可 cases first), and the chip images go to `<db>.wallet.json` with mode 0600 (it
 * holds the cards' private keys and PINs). The seed itself stores card rows only (decision 0086).
 */
import { chmod, writeFile } from 'node:fs/promises';
import type { ServerContext } from '@onshi/server';
import { issueDemoWallet } from '@onshi/server/commands/authority/demoWallet';

/** What the wallet step did, for the seed's summary. */
export interface WalletResult {
  /** The wallet file written, or null. */
  path: string | null;
  cards: number;
  message: string;
}

/** Where a database's kiosk wallet lives: `<db>.wallet.json` (PostgreSQL: data/onshi.wallet.json). */
export function walletPathFor(db: string): string {
  return /^postgres(ql)?:\/\//.test(db) ? 'data/onshi.wallet.json' : `${db}.wallet.json`;
}

/** Issues wallet cards for `count` persons as of `asOf` and writes the wallet file (nothing when `count` is 0). */
export async function seedWallet(
  ctx: ServerContext,
  options: { db: string; count: number; asOf: string },
): Promise<WalletResult> {
  if (options.count === 0) {
    return { path: null, cards: 0, message: 'wallet: none asked for (--wallet 0)' };
  }
  const wallet = await issueDemoWallet(ctx, { people: options.count, asOf: options.asOf, actorId: 'seed' });
  const path = walletPathFor(options.db);
  await writeFile(path, JSON.stringify(wallet, null, 2) + '\n', { mode: 0o600 });
  await chmod(path, 0o600);
  const cards = wallet.cards.filter((c) => c.cardId !== null).length;
  return { path, cards, message: `wallet: ${String(cards)} cards with certificates in ${path} (mode 0600)` };
}
