import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { SimulationError, simulate } from '@onshi/server/simulation/simulate';
import { defaultDb, openContext } from '../context.js';

interface SimulateCommandOptions {
  from: string;
  to: string;
  seed: string;
  db: string;
  batch: string;
  group: string;
}

/**
 * `onshi simulate --from YYYY-MM --to YYYY-MM [--seed S] [--db PATH]`: a deterministic run of months of visits,
 * confirmations, consents, drugs, check-ups and claims over a seeded database (issue 9, docs/statistics.md). The
 * statistics are kept up to date as the batches are written; a progress bar shows on a terminal.
 */
export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description('simulate months of activity over a seeded database (visits, confirmations, claims; statistics kept)')
    .requiredOption('--from <month>', 'first month, YYYY-MM')
    .requiredOption('--to <month>', 'last month, YYYY-MM')
    .option('--seed <s>', 'simulation seed (number or text)', '1')
    .option('--db <path|url>', 'SQLite file or postgres:// URL', defaultDb())
    .option('--batch <n>', 'persons read, simulated and written together', '1000')
    .option('--group <n>', 'persons read once and written month by month, one transaction a month', '20000')
    .action(async (opts: SimulateCommandOptions) => {
      const batchPeople = Number(opts.batch);
      if (!Number.isInteger(batchPeople) || batchPeople < 1) {
        throw new Error(`--batch must be a whole number ≥ 1, got ${opts.batch}`);
      }
      const groupPeople = Number(opts.group);
      if (!Number.isInteger(groupPeople) || groupPeople < 1) {
        throw new Error(`--group must be a whole number ≥ 1, got ${opts.group}`);
      }
      const ctx = await openContext(opts.db);
      const bar = process.stderr.isTTY
        ? new cliProgress.SingleBar(
            {
              stream: process.stderr,
              format: '{bar} {percentage}% | {value}/{total} person-months | {eta_formatted} left',
              hideCursor: true,
            },
            cliProgress.Presets.shades_classic,
          )
        : null;
      let started = false;
      try {
        const t0 = performance.now();
        const counts = await simulate(ctx.store, {
          from: opts.from,
          to: opts.to,
          seed: /^\d+$/.test(opts.seed) ? Number(opts.seed) : opts.seed,
          batchPeople,
          groupPeople,
          onProgress: (done, total) => {
            if (bar !== null && !started) {
              bar.start(total, 0);
              started = true;
            }
            bar?.update(done);
          },
        }).finally(() => {
          bar?.stop();
        });
        const seconds = (performance.now() - t0) / 1000;
        const share = counts.confirmations > 0 ? (100 * counts.cardConfirmations) / counts.confirmations : 0;
        console.log(
          `simulated ${counts.months[0] ?? ''}–${counts.months[counts.months.length - 1] ?? ''} for ` +
            `${String(counts.persons)} persons in ${seconds.toFixed(1)} s: ${String(counts.confirmations)} confirmations ` +
            `(${share.toFixed(1)} % by card), ${String(counts.consents)} consents, ${String(counts.claims)} claims, ` +
            `${String(counts.records)} clinical records`,
        );
      } catch (error) {
        if (error instanceof SimulationError) {
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
