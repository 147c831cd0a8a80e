/**
 * The simulated year and the statistics over it (issue 9, "Must show"):
 * - `simulate_year_seconds` / `simulate_year_peak_mb`: `onshi simulate` of 2025-01…2025-12 over a seeded SQLite
 *   database of ctx.people people, in a child process (bench/load/simulateYear.ts): wall time, and that process's peak
 *   resident memory (its own high-water mark, not the bench runner's).
 * - `stats_by_branch_ms` / `stats_by_month_ms`: answering 利用率（全体） by branch for 2025-10 and by month for the year
 *   from the aggregates (median of 5). Target: each under 1,000 ms.
 * The seeded database is reused: bench/suites/store.ts's `store/seed.db` when it holds ctx.people people, else this
 * suite's own cached `stats/seed-<people>.db`; the simulation runs on a copy, so the cache stays unsimulated.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FixedClock } from '@onshi/core';
import type { BenchContext } from '../run.js';
import { openContext } from '../../packages/cli/src/context.js';
import { seedPopulation } from '../../packages/cli/src/seed/seedPopulation.js';
import { statsByBranch, statsByMonth } from '../../packages/server/src/commands/stats/readStatistics.js';
import type { SimulateYearResult } from '../load/simulateYear.js';

const AS_OF = '2026-04-01';
const HERE = import.meta.dirname;
const SUFFIXES = ['', '-wal', '-shm', '.secrets.json'];

function remove(db: string): void {
  for (const suffix of SUFFIXES) {
    rmSync(`${db}${suffix}`, { force: true });
  }
}

async function personCount(db: string): Promise<number> {
  if (!existsSync(db) || !existsSync(`${db}.secrets.json`)) {
    return -1;
  }
  try {
    const ctx = await openContext(db);
    try {
      return await ctx.store.persons.count();
    } finally {
      await ctx.store.close();
    }
  } catch {
    // Another suite (or another run) is still writing it: not usable now.
    return -1;
  }
}

/** A seeded database of ctx.people people: store.ts's if it fits, else this suite's cache (seeded now if missing). */
async function seededDb(ctx: BenchContext, dir: string): Promise<string> {
  const shared = join(ctx.workDir, 'store', 'seed.db');
  if ((await personCount(shared)) === ctx.people) {
    console.log(`  reusing ${shared}`);
    return shared;
  }
  const own = join(dir, `seed-${String(ctx.people)}.db`);
  if ((await personCount(own)) === ctx.people) {
    console.log(`  reusing ${own}`);
    return own;
  }
  remove(own);
  console.log(`  seeding ${String(ctx.people)} people into ${own} (not timed)…`);
  const seeded = await openContext(own, new FixedClock(`${AS_OF}T00:00:00Z`));
  try {
    await seedPopulation(seeded.store, { people: ctx.people, seed: 1, asOf: AS_OF });
  } finally {
    await seeded.store.close();
  }
  return own;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await fn();
    runs.push(performance.now() - t0);
  }
  return Number(median(runs).toFixed(1));
}

/** Runs the measurements. */
export async function run(ctx: BenchContext): Promise<void> {
  const dir = join(ctx.workDir, 'stats');
  mkdirSync(dir, { recursive: true });
  const source = await seededDb(ctx, dir);
  const db = join(dir, 'year.db');
  remove(db);
  for (const suffix of SUFFIXES) {
    if (existsSync(`${source}${suffix}`)) {
      copyFileSync(`${source}${suffix}`, `${db}${suffix}`);
    }
  }
  // The simulation runs in a child process: its peak memory is its own (decision 0165).
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(HERE, '..', 'load', 'simulateYear.ts'), db, '2025-01', '2025-12', AS_OF],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let last = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    for (const line of chunk.split('\n')) {
      if (line.startsWith('{')) {
        last = line;
      } else if (line.trim() !== '') {
        console.log(line);
      }
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0 || last === '') {
    throw new Error(`the simulated year failed (exit code ${String(code)})`);
  }
  const result = JSON.parse(last) as SimulateYearResult;
  ctx.record('simulate_year_seconds', Number(result.seconds.toFixed(2)));
  ctx.record('simulate_year_peak_mb', result.peakMb);
  const counts = result.counts;
  console.log(
    `  simulate: ${String(counts.confirmations)} confirmations (${String(counts.cardConfirmations)} by card), ` +
      `${String(counts.claims)} claims, ${String(counts.records)} clinical records, ${String(counts.consents)} consents`,
  );
  const year = await openContext(db, new FixedClock(`${AS_OF}T00:00:00Z`));
  try {
    ctx.record(
      'stats_by_branch_ms',
      await timed(() =>
        statsByBranch(year.store, { definition: 'usageRateOverall', month: '2025-10', scope: { scheme: 'kyokai' } }),
      ),
    );
    ctx.record(
      'stats_by_month_ms',
      await timed(() =>
        statsByMonth(year.store, { definition: 'usageRateOverall', from: '2025-01', to: '2025-12', scope: {} }),
      ),
    );
  } finally {
    await year.store.close();
  }
}
