/**
 * Demo data for `npm start`: when `onshi serve` opens an empty database it seeds a small synthetic population
 * (2,000 people by default, ONSHI_DEMO_PEOPLE to change, 0 to skip), issues credentials and a kiosk wallet of
 * real cards, so a first-time user can call every API at once (decision 0088).
 */
import { tokyoDate } from '@onshi/core';
import type { ServerContext } from '@onshi/server';
import { credentialsPathFor, issueSeedCredentials, writeCredentialsFile } from './credentials.js';
import { seedPopulation, storeIsEmpty, type SeedCounts } from './seedPopulation.js';
import { seedWallet } from './wallet.js';

/** Default size of the demo population. */
export const DEMO_PEOPLE = 2000;

/** Cards with real certificates in the demo's kiosk wallet: enough for every wallet scenario. */
export const DEMO_WALLET_CARDS = 10;

/** What `seedDemoIfEmpty` did: nothing (database not empty, or asked to skip), or seeded with these counts. */
export type DemoSeedResult =
  { seeded: false } | { seeded: true; counts: SeedCounts; credentialsPath: string; walletPath: string | null };

/** The demo size from ONSHI_DEMO_PEOPLE (a whole number ≥ 0), else `DEMO_PEOPLE`. */
export function demoPeopleFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.ONSHI_DEMO_PEOPLE;
  if (text === undefined || text === '') {
    return DEMO_PEOPLE;
  }
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(`ONSHI_DEMO_PEOPLE must be a whole number ≥ 0, got ${text}`);
  }
  return n;
}

/** Seeds `people` demo persons (seed 1, as of today in Tokyo) when the store is empty, and writes the credentials. */
export async function seedDemoIfEmpty(
  ctx: ServerContext,
  db: string,
  people: number,
  walletCards = DEMO_WALLET_CARDS,
): Promise<DemoSeedResult> {
  if (people === 0 || !(await storeIsEmpty(ctx.store))) {
    return { seeded: false };
  }
  const now = ctx.clock.now();
  const asOf = tokyoDate(now);
  const counts = await seedPopulation(ctx.store, { people, seed: 1, asOf });
  const credentialsPath = credentialsPathFor(db);
  await writeCredentialsFile(credentialsPath, await issueSeedCredentials(ctx.store, db, now.toISOString()));
  const wallet = await seedWallet(ctx, { db, count: Math.min(walletCards, people), asOf });
  return { seeded: true, counts, credentialsPath, walletPath: wallet.path };
}
