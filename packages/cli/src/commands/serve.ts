import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { buildApp } from '@onshi/server';
import { readerBridgeOf } from '@onshi/server/commands/reader/bridge';
import { defaultDb, openContext } from '../context.js';
import { demoPeopleFromEnv, seedDemoIfEmpty } from '../seed/demo.js';
import { walletPathFor } from '../seed/wallet.js';

/** `onshi serve`: the whole system on one port, on SQLite by default. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('start the HTTP service (SQLite by default)')
    .option('--host <host>', 'address to listen on', process.env.ONSHI_HOST ?? '127.0.0.1')
    .option('--port <port>', 'port to listen on', process.env.ONSHI_PORT ?? '8080')
    .option('--db <path|url>', 'SQLite file or postgres:// URL', defaultDb())
    .action(async (opts: { host: string; port: string; db: string }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new Error(`--port must be 0–65535, got ${opts.port}`);
      }
      const ctx = await openContext(opts.db);
      const demo = await seedDemoIfEmpty(ctx, opts.db, demoPeopleFromEnv());
      if (demo.seeded) {
        console.log(
          `empty database: seeded a demo population of ${String(demo.counts.persons)} people; ` +
            `API credentials in ${demo.credentialsPath}` +
            (demo.walletPath === null ? '' : `; kiosk wallet in ${demo.walletPath}`),
        );
      }
      // The demo wallet: the physical cards the kiosk's reader and the portal's home reader use (one chip each).
      const walletPath = walletPathFor(opts.db);
      if (existsSync(walletPath)) {
        const cards = await readerBridgeOf(ctx).loadWallet(walletPath);
        console.log(`demo wallet: ${String(cards)} cards from ${walletPath}`);
      }
      const app = await buildApp({ ctx, logger: true });
      const close = async (): Promise<void> => {
        await app.close();
        await ctx.store.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void close());
      process.once('SIGTERM', () => void close());
      await app.listen({ host: opts.host, port });
    });
}
