import type { Command } from 'commander';
import { isIsoDate, systemClock, tokyoDate } from '@onshi/core';
import { defaultDb, openContext } from '../context.js';
import { credentialsPathFor, issueSeedCredentials, writeCredentialsFile } from '../seed/credentials.js';
import { progressBar } from '../seed/progress.js';
import { SeedError, seedPopulation } from '../seed/seedPopulation.js';
import { seedWallet } from '../seed/wallet.js';

interface SeedCommandOptions {
  people: string;
  seed: string;
  db: string;
  asOf?: string;
  institutions?: string;
  wallet: string;
}

function wholeNumber(name: string, text: string, min: number): number {
  const n = Number(text.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < min) {
    throw new Error(`${name} must be a whole number ≥ ${String(min)}, got ${text}`);
  }
  return n;
}

/** `onshi seed`: a deterministic synthetic Japan in an empty database, with API credentials beside it. */
export function registerSeed(program: Command): void {
  program
    .command('seed')
    .description('fill an empty database with a deterministic synthetic population (seed/ and docs/decisions/0086)')
    .requiredOption('--people <n>', 'number of persons')
    .option('--seed <s>', 'generator seed (number or text)', '1')
    .option('--db <path|url>', 'SQLite file or postgres:// URL', defaultDb())
    .option('--as-of <date>', 'date the population is described on (default: today in Tokyo)')
    .option('--institutions <n>', 'number of 医療機関・薬局 (default: Japan’s ratio, at least 200)')
    .option('--wallet <k>', 'persons whose cards get real certificates in a kiosk wallet file', '20')
    .action(async (opts: SeedCommandOptions) => {
      const people = wholeNumber('--people', opts.people, 1);
      const wallet = wholeNumber('--wallet', opts.wallet, 0);
      const asOf = opts.asOf ?? tokyoDate(systemClock.now());
      if (!isIsoDate(asOf)) {
        throw new Error(`--as-of must be a date YYYY-MM-DD, got ${asOf}`);
      }
      const ctx = await openContext(opts.db);
      try {
        const started = performance.now();
        const bar = progressBar(people, 'people');
        const counts = await seedPopulation(ctx.store, {
          people,
          seed: /^\d+$/.test(opts.seed) ? Number(opts.seed) : opts.seed,
          asOf,
          ...(opts.institutions === undefined
            ? {}
            : { institutions: wholeNumber('--institutions', opts.institutions, 1) }),
          onProgress: (n) => {
            bar.update(n);
          },
        }).finally(() => {
          bar.stop();
        });
        const seconds = (performance.now() - started) / 1000;
        const credentials = await issueSeedCredentials(ctx.store, opts.db, ctx.clock.now().toISOString());
        const credentialsPath = credentialsPathFor(opts.db);
        await writeCredentialsFile(credentialsPath, credentials);
        const walletResult = await seedWallet(ctx, { db: opts.db, count: wallet, asOf });
        console.log(
          `seeded ${String(counts.persons)} persons in ${seconds.toFixed(1)} s: ` +
            `${String(counts.insurers)} insurers, ${String(counts.institutions)} institutions, ` +
            `${String(counts.qualifications)} qualifications, ${String(counts.attributes)} attributes, ` +
            `${String(counts.cards)} cards, ${String(counts.registrations)} registrations, ` +
            `${String(counts.dvFlags)} DV flags, ${String(counts.documents)} documents`,
        );
        console.log(`credentials: ${credentialsPath} (mode 0600)`);
        console.log(walletResult.message);
      } catch (error) {
        if (error instanceof SeedError) {
          console.error(`${error.code}: ${error.messageJa} / ${error.message}`);
          process.exitCode = 2;
          return;
        }
        throw error;
      } finally {
        await ctx.store.close();
      }
    });
}
